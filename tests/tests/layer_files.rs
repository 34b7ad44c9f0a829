//! `portolan-cli files` as a user runs it: the files of an image built by podman
//! (`FROM scratch`, COPY, pushed by podman itself) and of test images, read from a real
//! registry without pulling; one layer by position or digest, a path prefix; a layer
//! corrupted on the way is refused, not listed; hostile names come out as plain text.

use std::process::{Command, Output};

use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::podman::Podman;
use portolan_tests::registry::{Auth, TestRegistry};
use serde_json::Value;

fn cli(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    cli_in(home.path(), args)
}

/// The CLI with `home` as its Docker config and cache folder (kept between runs).
fn cli_in(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(portolan_tests::cli_binary())
        .args(args)
        .arg("--no-keyring")
        .env("DOCKER_CONFIG", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("PORTOLAN_LOG")
        .output()
        .expect("run portolan-cli")
}

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
    let listed = entries(&ok(&cli(&["files", &reference, "--json"])));
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
    let one = entries(&ok(&cli(&["files", &reference, "--layer", "1", "--json"])));
    assert!(one.iter().all(|(i, ..)| *i == 1));
    let text = ok(&cli(&["files", &reference, "config", "--layer", "1"]));
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
    let listed = entries(&ok(&cli_in(home.path(), &by_digest)));
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
    assert_eq!(entries(&ok(&cli_in(home.path(), &by_digest))), listed);
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
    let out = cli(&["files", &reference, "--layer", "1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not match its digest"), "{err}");
    assert!(out.stdout.is_empty(), "nothing listed from a bad layer");
}
