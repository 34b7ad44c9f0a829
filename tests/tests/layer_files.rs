//! `portolan-cli files` as a user runs it: the files of an image built by podman
//! (`FROM scratch`, COPY, pushed by podman itself) and of test images, read from a real
//! registry without pulling; one layer by position or digest, a path prefix; a layer
//! corrupted on the way is refused, not listed; hostile names come out as plain text.

use std::process::{Command, Output};

use portolan_tests::cli;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::podman::Podman;
use portolan_tests::registry::{Auth, TestRegistry};
use serde_json::Value;

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "portolan-cli failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `(path, type, size)` of every entry of every layer listed as JSON.
fn entries(json: &str) -> Vec<(usize, String, String, u64)> {
    let layers: Value = serde_json::from_str(json).expect("JSON");
    let mut out = Vec::new();
    for layer in layers.as_array().expect("layers") {
        let index = layer["index"].as_u64().expect("index") as usize;
        for e in layer["entries"].as_array().expect("entries") {
            out.push((
                index,
                e["path"].as_str().expect("path").to_owned(),
                e["kind"]["type"].as_str().expect("type").to_owned(),
                e["size"].as_u64().expect("size"),
            ));
        }
    }
    out
}

#[test]
fn files_of_a_podman_built_image_as_podman_copied_them() {
    let registry = TestRegistry::start(Auth::None);
    let podman = Podman::new();
    podman.build_scratch(
        "localhost/files:1",
        &[("app", b"#!/bin/true\n"), ("config.json", b"{\"a\": 1}\n")],
    );
    podman.run(&[
        "push",
        "-q",
        "--tls-verify=false",
        "localhost/files:1",
        &format!("docker://{}", registry.reference("team/files:v1")),
    ]);
    let reference = registry.reference("team/files:v1");
    let listed = entries(&ok(&cli::run_in_fresh_home(&[
        "files", &reference, "--json",
    ])));
    // One layer per COPY, each with its file and the size podman copied.
    assert!(
        listed.contains(&(0, "app".into(), "file".into(), 12)),
        "{listed:?}"
    );
    assert!(
        listed.contains(&(1, "config.json".into(), "file".into(), 9)),
        "{listed:?}"
    );
    // One layer, by position; a path prefix; the text form.
    let one = entries(&ok(&cli::run_in_fresh_home(&[
        "files", &reference, "--layer", "1", "--json",
    ])));
    assert!(one.iter().all(|(i, ..)| *i == 1));
    let text = ok(&cli::run_in_fresh_home(&[
        "files", &reference, "config", "--layer", "1",
    ]));
    assert!(text.contains("Layer 1  sha256:"), "{text}");
    assert!(text.contains("config.json"), "{text}");
    assert!(!text.contains(" app"), "{text}");
}

#[test]
fn a_layer_corrupted_on_the_way_is_refused_and_a_layer_by_digest_is_listed() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("files-bad", "amd64", &[3000, 4000]));
    Pusher::new(&registry).push_image("team/bad", "v1", &image);
    let proxy = FaultyProxy::start(&registry.host);
    let reference = format!("{}/team/bad:v1", proxy.host);
    // By digest (its start is enough).
    let second = &image.layers[1].digest;
    let home = tempfile::tempdir().expect("temp dir");
    let by_digest = [
        "files",
        &reference,
        "--layer",
        &second["sha256:".len().."sha256:".len() + 12],
        "--json",
    ];
    let listed = entries(&ok(&cli::run(home.path(), &by_digest)));
    assert_eq!(
        listed,
        [(1, "data/layer-1.bin".into(), "file".into(), 4000)]
    );
    // Listed again: from the cache kept by layer digest, without fetching the blob.
    let layer_path = format!("/blobs/{second}");
    let fetched = |p: &FaultyProxy| {
        p.requests()
            .iter()
            .filter(|r| r.contains(&layer_path))
            .count()
    };
    let before = fetched(&proxy);
    assert_eq!(entries(&ok(&cli::run(home.path(), &by_digest))), listed);
    assert_eq!(
        fetched(&proxy),
        before,
        "the second listing cost no blob download"
    );
    // The same layer with one byte changed on the way: refused, nothing listed.
    let mut flipped = image.layers[1].bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    proxy.inject(&format!("/blobs/{second}"), Fault::ReplaceBody(flipped), 4);
    let out = cli::run_in_fresh_home(&["files", &reference, "--layer", "1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not match its digest"), "{err}");
    assert!(out.stdout.is_empty(), "nothing listed from a bad layer");
}

/// A gzip tar of `files` made by GNU tar from a real folder (`(path, bytes)`; a path ending
/// in `/` is a directory).
fn real_layer(files: &[(&str, &[u8])]) -> (Vec<u8>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files {
        let p = dir.path().join(path);
        if path.ends_with('/') {
            std::fs::create_dir_all(&p).expect("mkdir");
        } else {
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, bytes).expect("write");
        }
    }
    let tar = Command::new("tar")
        .args(["--sort=name", "--owner=0", "--group=0", "-C"])
        .arg(dir.path())
        .args(["-cf", "-", "."])
        .output()
        .expect("tar");
    assert!(tar.status.success());
    let diff_id = portolan_tests::images::sha256(&tar.stdout);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar.stdout).expect("gzip");
    (gz.finish().expect("gzip"), diff_id)
}

#[test]
fn the_merged_tree_applies_deletions_as_podman_does_and_counts_the_waste() {
    use portolan_tests::images::{Blob, TestImage};
    let registry = TestRegistry::start(Auth::None);
    let big = vec![7u8; 5000];
    let layers = [
        real_layer(&[
            ("etc/motd", &[b'm'; 100]),
            ("etc/app.conf", b"v1"),
            ("etc/hostname", b"aaaa"),
            ("var/cache/big.bin", &big),
            ("var/cache/sub/", b""),
            ("app", b"#!/bin/true\n"),
        ]),
        real_layer(&[
            ("etc/.wh.motd", b""),
            ("etc/app.conf", b"v2!"),
            ("etc/hostname", b"bbbb"),
            ("var/cache/.wh..wh..opq", b""),
            ("var/cache/new.bin", b"n"),
        ]),
    ];
    let layer_type = "application/vnd.oci.image.layer.v1.tar+gzip";
    let blobs: Vec<Blob> = layers
        .iter()
        .map(|(bytes, _)| Blob::new(layer_type, bytes.clone()))
        .collect();
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "linux", "config": {"Cmd": ["/app"]},
            "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|(_, d)| d).collect::<Vec<_>>()},
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(),
            "layers": blobs.iter().map(Blob::descriptor).collect::<Vec<_>>(),
        }))
        .expect("json"),
    );
    let image = TestImage {
        config,
        layers: blobs,
        manifest,
        layer_history: vec![],
        empty_steps: vec![],
    };
    Pusher::new(&registry).push_image("team/merged", "v1", &image);
    let reference = registry.reference("team/merged:v1");
    // The same image without its second layer, as v0.
    let base_only = {
        let config = Blob::new(
            "application/vnd.oci.image.config.v1+json",
            serde_json::to_vec(&serde_json::json!({
                "architecture": "amd64", "os": "linux",
                "rootfs": {"type": "layers", "diff_ids": [layers[0].1]},
            }))
            .expect("json"),
        );
        let manifest = Blob::new(
            "application/vnd.oci.image.manifest.v1+json",
            serde_json::to_vec(&serde_json::json!({
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config.descriptor(), "layers": [image.layers[0].descriptor()],
            }))
            .expect("json"),
        );
        TestImage {
            config,
            layers: vec![image.layers[0].clone()],
            manifest,
            layer_history: vec![],
            empty_steps: vec![],
        }
    };
    Pusher::new(&registry).push_image("team/merged", "v0", &base_only);

    let merged: Value = serde_json::from_str(&ok(&cli::run_in_fresh_home(&[
        "files", &reference, "--merged", "--json",
    ])))
    .expect("json");
    let files: std::collections::BTreeSet<String> = merged["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["entry"]["kind"]["type"] == "file")
        .map(|e| e["entry"]["path"].as_str().expect("path").to_owned())
        .collect();
    assert_eq!(
        files,
        ["app", "etc/app.conf", "etc/hostname", "var/cache/new.bin"]
            .into_iter()
            .map(String::from)
            .collect(),
        "motd deleted, big.bin hidden by the opaque directory"
    );
    // Wasted: motd (100) deleted, big.bin (5000) hidden, the first app.conf (2) and
    // hostname (4) replaced.
    assert_eq!(merged["wasted_bytes"], 5106);
    assert_eq!(merged["wasted"][0]["path"], "var/cache/big.bin");

    // One file read out of the merged image: the later layer's version; a deleted one is
    // not there; from a given layer, the old version, saved whole once verified.
    assert_eq!(
        ok(&cli::run_in_fresh_home(&[
            "cat",
            &reference,
            "/etc/app.conf"
        ]))
        .trim(),
        "v2!"
    );
    let gone = cli::run_in_fresh_home(&["cat", &reference, "etc/motd"]);
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("not in the image"));
    assert_eq!(
        ok(&cli::run_in_fresh_home(&[
            "cat",
            &reference,
            "etc/app.conf",
            "--layer",
            "0"
        ]))
        .trim(),
        "v1"
    );
    let saved = tempfile::tempdir().expect("temp dir");
    let said = ok(&cli::run_in_fresh_home(&[
        "cat",
        &reference,
        "var/cache/big.bin",
        "--layer",
        "0",
        "-o",
        &saved.path().display().to_string(),
    ]));
    assert!(said.contains("verified"), "{said}");
    assert_eq!(
        std::fs::read(saved.path().join("big.bin")).expect("saved"),
        big
    );

    // v0 against v1: one layer shared; what the second layer added, deleted and changed.
    let compared: Value = serde_json::from_str(&ok(&cli::run_in_fresh_home(&[
        "diff",
        &registry.reference("team/merged:v0"),
        &reference,
        "--json",
    ])))
    .expect("json");
    assert_eq!(compared["shared_layers"].as_array().map(Vec::len), Some(1));
    assert_eq!(compared["only_second"].as_array().map(Vec::len), Some(1));
    let paths = |k: &str| -> Vec<String> {
        compared[k]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|e| e["path"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(paths("added"), ["var/cache/new.bin"]);
    assert_eq!(
        paths("removed"),
        ["etc/motd", "var/cache/big.bin", "var/cache/sub"],
        "the opaque directory hides the folder too"
    );
    assert_eq!(paths("changed"), ["etc/app.conf", "etc/hostname"]);
    assert_eq!(
        compared["changed"][0]["what"],
        serde_json::json!(["content", "size"])
    );
    // Same size, other bytes: told apart by the content digests the listing computed.
    assert_eq!(
        compared["changed"][1]["what"],
        serde_json::json!(["content"])
    );
    // `files --digests` shows them; a plain listing does not spend the time.
    let hostname = |args: &[&str]| -> Value {
        let listed: Value = serde_json::from_str(&ok(&cli::run_in_fresh_home(args))).expect("json");
        listed[0]["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["path"] == "etc/hostname")
            .cloned()
            .expect("etc/hostname")
    };
    let layer = ["files", reference.as_str(), "--layer", "1", "--json"];
    assert_eq!(
        hostname(&[&layer[..], &["--digests"]].concat())["content"],
        portolan_tests::images::sha256(b"bbbb")
    );
    assert!(hostname(&layer)["content"].is_null());

    // podman, applying the same layers, ends with the same files.
    let podman = Podman::new();
    podman.run(&[
        "pull",
        "-q",
        "--tls-verify=false",
        &format!("docker://{reference}"),
    ]);
    let container = podman.run(&["create", &reference]);
    let exported = podman.scratch().join("rootfs.tar");
    podman.run(&[
        "export",
        "-o",
        &exported.display().to_string(),
        container.trim(),
    ]);
    let listing = Command::new("tar")
        .args(["-tvf"])
        .arg(&exported)
        .output()
        .expect("tar -tvf");
    let podman_files: std::collections::BTreeSet<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches("./").to_owned())
        .collect();
    assert_eq!(podman_files, files, "podman's merged files are Portolan's");
}

/// A tar entry whose name is written into the header as given, unchecked (as a hostile
/// registry would: the `tar` crate refuses `..` when asked politely).
fn raw_entry(builder: &mut tar::Builder<Vec<u8>>, name: &[u8], data: &[u8]) {
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().expect("gnu").name[..name.len()].copy_from_slice(name);
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    builder.append(&header, data).expect("append");
}

#[test]
fn hostile_names_are_listed_as_flagged_text() {
    use portolan_tests::images::{Blob, TestImage};
    let registry = TestRegistry::start(Auth::None);
    let mut builder = tar::Builder::new(Vec::new());
    raw_entry(&mut builder, b"../../etc/cron.d/evil", b"x");
    raw_entry(&mut builder, b"/abs/path", b"y");
    raw_entry(&mut builder, b"red\x1b[31m\x07name", b"z");
    raw_entry(&mut builder, b"<script>alert(1)</script>", b"w");
    let tar = builder.into_inner().expect("tar");
    let diff_id = portolan_tests::images::sha256(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).expect("gzip");
    let layer = Blob::new(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        gz.finish().expect("gzip"),
    );
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(), "layers": [layer.descriptor()],
        }))
        .expect("json"),
    );
    let image = TestImage {
        config,
        layers: vec![layer],
        manifest,
        layer_history: vec![],
        empty_steps: vec![],
    };
    Pusher::new(&registry).push_image("evil/files", "v1", &image);
    let reference = registry.reference("evil/files:v1");
    let text = ok(&cli::run_in_fresh_home(&["files", &reference]));
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains("../../etc/cron.d/evil  [unsafe path]"),
        "{text}"
    );
    assert!(text.contains("abs/path  [unsafe path]"), "{text}");
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    let listed: Value = serde_json::from_str(&ok(&cli::run_in_fresh_home(&[
        "files", &reference, "--json",
    ])))
    .expect("json");
    let unsafe_paths: Vec<bool> = listed[0]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["unsafe_path"].as_bool().expect("flag"))
        .collect();
    assert_eq!(unsafe_paths, [true, true, false, false]);
    // Nothing of it reaches the disk: cat prints, and refuses nothing else.
    assert_eq!(
        ok(&cli::run_in_fresh_home(&[
            "cat",
            &reference,
            "<script>alert(1)</script>"
        ]))
        .trim(),
        "w"
    );
}

/// A Windows-style image: a foreign base layer whose bytes live at a URL outside the
/// registry (here a loopback listener that counts connections), then an ordinary layer.
#[test]
fn a_foreign_layer_is_named_with_its_url_and_never_fetched() {
    use portolan_tests::images::Blob;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let registry = TestRegistry::start(Auth::None);
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/windows/base.tar.gz",
        elsewhere.local_addr().expect("addr")
    );
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for _ in elsewhere.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let (layer, diff_id) = real_layer(&[("app.exe", b"MZ")]);
    let ordinary = Blob::new("application/vnd.docker.image.rootfs.diff.tar.gzip", layer);
    let foreign_type = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    let foreign_digest = portolan_tests::images::sha256(b"a base layer that is not here");
    let config = Blob::new(
        "application/vnd.docker.container.image.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "windows",
            "rootfs": {"type": "layers", "diff_ids": [foreign_digest, diff_id]},
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.docker.distribution.manifest.v2+json",
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": config.descriptor(),
            "layers": [
                {"mediaType": foreign_type, "digest": foreign_digest, "size": 123_456_789, "urls": [url]},
                ordinary.descriptor(),
            ],
        }))
        .expect("json"),
    );
    let pusher = Pusher::new(&registry);
    pusher.push_blob("win/app", &config);
    pusher.push_blob("win/app", &ordinary);
    pusher.push_manifest("win/app", "ltsc", &manifest);
    let reference = registry.reference("win/app:ltsc");

    let listed: Value = serde_json::from_str(&ok(&cli::run_in_fresh_home(&[
        "files", &reference, "--json",
    ])))
    .expect("json");
    let why = listed[0]["not_fetched"]
        .as_str()
        .expect("layer 0 not fetched");
    assert!(why.starts_with("a foreign layer"), "{why}");
    assert!(why.contains(&url), "{why}");
    assert_eq!(listed[0]["entries"], serde_json::json!([]));
    assert!(listed[1]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .any(|e| e["path"] == "app.exe"));
    assert!(ok(&cli::run_in_fresh_home(&["files", &reference]))
        .contains("not fetched: a foreign layer"));
    assert!(
        ok(&cli::run_in_fresh_home(&["files", &reference, "--merged"]))
            .contains("Layer 0 is not in this tree")
    );
    let refused = cli::run_in_fresh_home(&["cat", &reference, "x", "--layer", "0"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot be read"));
    let inspected: Value = serde_json::from_str(&ok(&cli::run_in_fresh_home(&[
        "inspect", &reference, "--json",
    ])))
    .expect("json");
    assert!(inspected["image"]["layers"][0]["not_fetched"].is_string());
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing went to the URL");
}
