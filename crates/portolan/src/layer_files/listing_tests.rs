//! Unit tests of layer listing against an in-process registry serving layers made by real
//! tools: GNU `tar` over a folder of real files (hard links, symlinks and a symlink loop, a
//! 200-character name, whiteouts), compressed by `gzip` and `zstd`, and plain; plus hostile
//! blobs (a wrong digest, a cut tar, a gzip bomb) that must fail with a clear error.

use std::process::Command;

use http_double::{HttpDouble, Reply};

use super::{list_layer, list_tar, Detail, Failure, LayerListing};
use crate::client::tests::client_for;
use crate::digest::Digest;
use crate::error::{Error, ErrorCode};
use crate::layer_files::entry::EntryKind;
use crate::transfer::progress::{no_progress, Cancel};

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("run a real tool (tar, gzip, zstd)");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A tar of a real folder, as GNU tar writes it (PAX, for the long name).
fn real_tar() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc")).expect("mkdir");
    std::fs::create_dir_all(root.join("var/cache")).expect("mkdir");
    std::fs::write(root.join("etc/hello.txt"), b"hello\n").expect("write");
    std::fs::hard_link(root.join("etc/hello.txt"), root.join("etc/hello-again.txt")).expect("link");
    std::os::unix::fs::symlink("hello.txt", root.join("etc/greeting")).expect("symlink");
    std::os::unix::fs::symlink("loop-b", root.join("loop-a")).expect("symlink");
    std::os::unix::fs::symlink("loop-a", root.join("loop-b")).expect("symlink");
    let long = "d".repeat(120) + "/" + &"f".repeat(80);
    std::fs::create_dir_all(root.join(&long[..120])).expect("mkdir");
    std::fs::write(root.join(&long), b"x").expect("write");
    std::fs::write(root.join("etc/.wh.motd"), b"").expect("whiteout");
    std::fs::write(root.join("var/cache/.wh..wh..opq"), b"").expect("opaque");
    run(Command::new("tar")
        .args(["--format=pax", "--sort=name", "-C"])
        .arg(root)
        .args(["-cf", "-", "."]))
}

fn compress(tool: &str, bytes: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("layer.tar");
    std::fs::write(&file, bytes).expect("write");
    run(Command::new(tool).args(["-c"]).arg(&file))
}

/// Serve `blob` as layer `digest` of repository `r`, and list it.
async fn list(blob: Vec<u8>, digest: Digest, size: u64) -> crate::error::Result<LayerListing> {
    let path = format!("/v2/r/blobs/{digest}");
    let server = HttpDouble::serve(move |r| {
        if r.path() == path {
            Reply::Body {
                status: 200,
                headers: vec![],
                body: blob.clone(),
            }
        } else if r.path() == "/v2/" {
            Reply::empty(200)
        } else {
            Reply::empty(404)
        }
    });
    let client = client_for(&server, false);
    list_layer(
        &client,
        "r",
        &digest,
        size,
        Detail::ContentDigests,
        &Cancel::new(),
        &no_progress(),
    )
    .await
}

async fn list_good(blob: Vec<u8>) -> LayerListing {
    let digest = Digest::sha256_of(&blob);
    let size = blob.len() as u64;
    list(blob, digest, size).await.expect("listed")
}

fn check_real_layer(listing: &LayerListing) {
    let find = |p: &str| {
        listing
            .entries
            .iter()
            .find(|e| e.path == p)
            .unwrap_or_else(|| panic!("{p} in {:#?}", listing.entries))
    };
    // GNU tar writes the first name of a hard-linked file it meets (in name order,
    // hello-again.txt) as the file and the second as a link to it.
    assert_eq!(find("etc/hello-again.txt").kind, EntryKind::File);
    assert_eq!(find("etc/hello-again.txt").size, 6);
    assert_eq!(
        find("etc/hello-again.txt").content,
        Some(Digest::sha256_of(b"hello\n")),
        "a file's content digest is computed as it streams past"
    );
    assert_eq!(find("etc/greeting").content, None);
    assert_eq!(
        find("etc/hello.txt").kind,
        EntryKind::Hardlink {
            target: "etc/hello-again.txt".into()
        }
    );
    assert_eq!(find("etc").kind, EntryKind::Dir);
    assert_eq!(
        find("etc/greeting").kind,
        EntryKind::Symlink {
            target: "hello.txt".into()
        }
    );
    assert_eq!(
        find("loop-a").kind,
        EntryKind::Symlink {
            target: "loop-b".into()
        }
    );
    let long = "d".repeat(120) + "/" + &"f".repeat(80);
    assert_eq!(find(&long).size, 1, "the PAX long name is whole");
    assert_eq!(find("etc/motd").kind, EntryKind::Whiteout);
    assert_eq!(find("var/cache").kind, EntryKind::Dir);
    assert!(listing
        .entries
        .iter()
        .any(|e| e.path == "var/cache" && e.kind == EntryKind::OpaqueDir));
    assert!(listing.entries.iter().all(|e| !e.unsafe_path));
    assert!(!listing.cut);
}

#[tokio::test]
async fn a_gzip_layer_lists_every_kind_of_entry() {
    let listing = list_good(compress("gzip", &real_tar())).await;
    assert_eq!(listing.compression, "gzip");
    check_real_layer(&listing);
}

#[tokio::test]
async fn a_zstd_layer_and_a_plain_tar_list_the_same() {
    let tar = real_tar();
    let zstd = list_good(compress("zstd", &tar)).await;
    assert_eq!(zstd.compression, "zstd");
    check_real_layer(&zstd);
    let plain = list_good(tar.clone()).await;
    assert_eq!(plain.compression, "none");
    assert_eq!(plain.entries, zstd.entries);
    assert_eq!(plain.tar_bytes, tar.len() as u64);
}

#[tokio::test]
async fn an_empty_layer_has_no_entries() {
    // What `tar -cf - -T /dev/null` writes: just the end blocks.
    let empty = run(Command::new("tar").args(["-cf", "-", "-T", "/dev/null"]));
    let listing = list_good(compress("gzip", &empty)).await;
    assert!(listing.entries.is_empty());
}

#[tokio::test]
async fn a_blob_that_does_not_match_its_digest_is_refused() {
    let blob = compress("gzip", &real_tar());
    let wrong = Digest::sha256_of(b"something else");
    let size = blob.len() as u64;
    let err = list(blob, wrong, size).await.expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Integrity, "{err}");
}

#[tokio::test]
async fn a_cut_tar_is_an_error_not_a_short_listing() {
    let tar = real_tar();
    let cut = tar[..tar.len() / 2 + 100].to_vec();
    let blob = compress("gzip", &cut);
    let digest = Digest::sha256_of(&blob);
    let size = blob.len() as u64;
    let err = list(blob, digest, size).await.expect_err("broken");
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err}");
}

#[test]
fn a_gzip_bomb_stops_at_the_limit_with_memory_flat() {
    // 64 MiB of zeros in a tar entry inflates from about 64 KiB of gzip; a limit of 8 MiB
    // stands in for the real one (64 times the blob, at least 1 GiB).
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("zeros");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(64 << 20))
        .expect("sparse file");
    let tar = run(Command::new("tar")
        .arg("-C")
        .arg(dir.path())
        .args(["-cf", "-", "zeros"]));
    let blob = compress("gzip", &tar);
    assert!(blob.len() < 1 << 20, "a small blob");
    let digest = Digest::sha256_of(&blob);
    let size = blob.len() as u64;
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    tx.try_send(Ok(bytes::Bytes::from(blob))).expect("queued");
    drop(tx);
    match list_tar(rx, &digest, size, 8 << 20, Detail::Headers) {
        Err(Failure::Bomb { limit }) => assert_eq!(limit, 8 << 20),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_name_past_4_kib_is_refused_naming_the_limit() {
    // A GNU long name of 8 KiB before a file: no file system makes one.
    let header = |name: &[u8], kind: tar::EntryType, size: u64| {
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().expect("gnu").name[..name.len()].copy_from_slice(name);
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    };
    let mut tar = header(b"././@LongLink", tar::EntryType::GNULongName, 8192);
    tar.extend(vec![b'n'; 8192]);
    tar.extend(header(b"x", tar::EntryType::Regular, 0));
    tar.extend([0u8; 1024]);
    let blob = compress("gzip", &tar);
    let digest = Digest::sha256_of(&blob);
    let size = blob.len() as u64;
    let err = list(blob, digest.clone(), size).await.expect_err("refused");
    assert_eq!(err.code(), ErrorCode::TooLarge, "{err}");
    assert!(matches!(err, Error::OverBudget { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("a file name of 8 KiB in layer") && text.contains("(4 KiB a name)"),
        "{text}"
    );
    assert!(text.contains(&digest.to_string()), "{text}");
}
