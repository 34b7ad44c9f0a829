//! Sizes a registry states are added up without overflowing: a manifest whose two layers
//! claim 2^63 bytes each (their sum is 2^64, one past `u64`) goes through `inspect`,
//! `files` and `diff` of the debug CLI (where an overflow panics) with a sensible answer:
//! the total saturates and is shown as 16 EiB, a foreign layer is named and not fetched,
//! and an ordinary layer whose registry sends fewer bytes than claimed is an error that
//! says so. The registry is an [`HttpDouble`], written to lie.

use std::process::Output;

use portolan_tests::cli;
use portolan_tests::http_double::{HttpDouble, Reply};
use portolan_tests::images::sha256;
use serde_json::{json, Value};

/// 2^63 bytes: two of them pass `u64::MAX`.
const HUGE: u64 = 1 << 63;

/// A small real gzip layer (one file) as the registry sends it.
fn small_layer() -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(2);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "hi.txt", &b"hi"[..])
        .expect("tar");
    let tar = tar.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).expect("gzip");
    gz.finish().expect("gzip")
}

/// A manifest of `layers` over `config`, as bytes.
fn manifest(config: &[u8], layers: &[Value]) -> Vec<u8> {
    json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": sha256(config), "size": config.len(),
        },
        "layers": layers,
    })
    .to_string()
    .into_bytes()
}

/// A registry with `big:foreign` (two foreign layers of 2^63 bytes, never fetched) and
/// `big:lying` (two ordinary layers said to be 2^63 bytes, whose blobs are 100-odd).
fn lying_registry() -> HttpDouble {
    let config = json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [
            format!("sha256:{}", "1".repeat(64)), format!("sha256:{}", "2".repeat(64)),
        ]},
    })
    .to_string()
    .into_bytes();
    let foreign = |n: char| {
        json!({
            "mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "digest": format!("sha256:{}", n.to_string().repeat(64)),
            "size": HUGE,
            "urls": ["https://example.invalid/base.tar.gz"],
        })
    };
    let blob = small_layer();
    let blob_digest = sha256(&blob);
    let lying = json!({
        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
        "digest": blob_digest, "size": HUGE,
    });
    let foreign_manifest = manifest(&config, &[foreign('a'), foreign('b')]);
    let lying_manifest = manifest(&config, &[lying.clone(), lying]);
    let config_digest = sha256(&config);
    let body = |kind: &str, bytes: &[u8]| {
        Reply::bytes(200, kind, bytes).with_header("Docker-Content-Digest", &sha256(bytes))
    };
    let manifest_type = "application/vnd.oci.image.manifest.v1+json";
    HttpDouble::builder()
        .reply("GET", "/v2/", Reply::json(&json!({})))
        .reply(
            "GET",
            "/v2/big/manifests/foreign",
            body(manifest_type, &foreign_manifest),
        )
        .reply(
            "GET",
            "/v2/big/manifests/lying",
            body(manifest_type, &lying_manifest),
        )
        .reply(
            "GET",
            &format!("/v2/big/blobs/{config_digest}"),
            body("application/octet-stream", &config),
        )
        .reply(
            "GET",
            &format!("/v2/big/blobs/{blob_digest}"),
            body("application/octet-stream", &blob),
        )
        .fallback(|_| Reply::registry_error(404, "NOT_FOUND", "no"))
        .start()
}

/// The run did not panic (a panic exits with 101 and says `panicked`).
fn no_panic(o: &Output) {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(101), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn ok(o: &Output) -> String {
    no_panic(o);
    assert!(
        o.status.success(),
        "portolan-cli failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn layers_claiming_two_to_the_63_bytes_each_are_added_up_without_overflowing() {
    let registry = lying_registry();
    let home = tempfile::tempdir().expect("home");
    let run = |args: &[&str]| cli::run(home.path(), args);
    let foreign = format!("{}/big:foreign", registry.host);
    let lying = format!("{}/big:lying", registry.host);

    // The total saturates at u64::MAX, shown in the largest unit.
    let inspected: Value =
        serde_json::from_str(&ok(&run(&["inspect", &foreign, "--json"]))).expect("json");
    assert_eq!(inspected["image"]["total_size"], json!(u64::MAX));
    assert_eq!(inspected["image"]["layers"][1]["size"], json!(HUGE));
    let text = ok(&run(&["inspect", &foreign]));
    assert!(text.contains("16.0 EiB"), "{text}");

    // Files: the layers are named, not fetched; the merged tree is empty.
    let files = ok(&run(&["files", &foreign]));
    assert!(files.contains("not fetched"), "{files}");
    ok(&run(&["files", &foreign, "--merged"]));

    // Diff of the image with itself: four layers of 2^63 bytes planned, all shared.
    let compared: Value =
        serde_json::from_str(&ok(&run(&["diff", &foreign, &foreign, "--json"]))).expect("json");
    assert_eq!(compared["shared_layers"].as_array().map(Vec::len), Some(2));
    assert_eq!(compared["changed"], json!([]));

    // Layers the registry holds but sends far fewer bytes of than claimed: an error that
    // says so, from each command.
    for args in [
        vec!["files", lying.as_str()],
        vec!["files", lying.as_str(), "--merged"],
        vec!["diff", lying.as_str(), lying.as_str()],
        vec!["cat", lying.as_str(), "hi.txt"],
    ] {
        let out = run(&args);
        no_panic(&out);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("where the manifest says 9223372036854775808"),
            "{args:?}: {stderr}"
        );
    }
    let text = ok(&run(&["inspect", &lying]));
    assert!(text.contains("16.0 EiB"), "{text}");
}
