//! What `portolan-cli` prints, byte for byte. Registry text with control characters in it
//! (annotations, labels, history, env, media types, tag and repository names, error
//! messages) never reaches the terminal raw, in text or in `--json`, on stdout or stderr;
//! `inspect --raw` prints the manifest's exact bytes (its sha256 is the digest); and each
//! layer's compression is shown, from its media type.

use std::process::{Command, Output, Stdio};

use portolan_tests::cli;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, noise, sha256, Blob, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::require_program;

/// A window-title change, a screen clear, an 8-bit CSI and a DEL.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{7f}";

/// No byte that drives a terminal: C0 controls other than newline and tab, DEL, and the
/// 8-bit CSI (0x9b, which also ends the UTF-8 encoding of U+009B).
fn assert_clean(what: &str, bytes: &[u8]) {
    for (i, b) in bytes.iter().enumerate() {
        let bad = (*b < 0x20 && *b != b'\n' && *b != b'\t') || *b == 0x7f || *b == 0x9b;
        assert!(
            !bad,
            "{what}: byte {b:#04x} at {i} in\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

fn ok(what: &str, out: Output) -> Output {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean(&format!("{what} (stdout)"), &out.stdout);
    assert_clean(&format!("{what} (stderr)"), &out.stderr);
    out
}

/// An image whose config, manifest and layer media types carry [`HOSTILE`] text, plus
/// layers compressed with zstd, not at all, and in a way the media type does not say.
fn hostile_image(registry: &TestRegistry, repo: &str) -> (Blob, Vec<Blob>) {
    let mut spec = ImageSpec::new("hostile", "amd64", &[1_000]);
    spec.labels.push((
        format!("org.example.evil{HOSTILE}"),
        format!("label{HOSTILE}"),
    ));
    spec.annotations
        .push((format!("evil{HOSTILE}"), format!("annotation{HOSTILE}")));
    let base = build_image(&spec);
    let mut config: serde_json::Value = serde_json::from_slice(&base.config.bytes).expect("json");
    config["history"][0]["created_by"] = format!("RUN make{HOSTILE}").into();
    config["config"]["Env"]
        .as_array_mut()
        .expect("env")
        .push(format!("EVIL={HOSTILE}").into());
    config["created"] = format!("2026{HOSTILE}").into();
    let config = Blob::new(
        &base.config.media_type,
        serde_json::to_vec(&config).expect("json"),
    );
    let extra = |kind: &str, seed: &str| Blob::new(kind, noise(seed, 700));
    let mut layers = base.layers.clone();
    layers.push(extra(
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "zstd-layer",
    ));
    layers.push(extra(
        "application/vnd.oci.image.layer.v1.tar",
        "plain-layer",
    ));
    layers.push(extra(
        &format!("application/vnd.example.blob{HOSTILE}"),
        "odd-layer",
    ));
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&base.manifest.bytes).expect("json");
    manifest["config"] = serde_json::json!({"mediaType": config.media_type, "digest": config.digest, "size": config.bytes.len()});
    manifest["layers"] = layers
        .iter()
        .map(|l| serde_json::json!({"mediaType": l.media_type, "digest": l.digest, "size": l.bytes.len()}))
        .collect();
    let manifest = Blob::new(
        &base.manifest.media_type,
        serde_json::to_vec(&manifest).expect("json"),
    );
    let pusher = Pusher::new(registry);
    for blob in layers.iter().chain([&config]) {
        pusher.push_blob(repo, blob);
    }
    pusher.push_manifest(repo, "v1", &manifest);
    (manifest, layers)
}

#[test]
fn registry_text_with_control_characters_never_reaches_the_terminal() {
    let registry = TestRegistry::start(Auth::None);
    let (manifest, _) = hostile_image(&registry, "team/hostile");
    let proxy = FaultyProxy::start(&registry.host);
    let home = tempfile::tempdir().expect("tmp");
    let reference = format!("{}/team/hostile:v1", proxy.host);

    let text = ok("inspect", cli::run(home.path(), &["inspect", &reference])).stdout;
    let text = String::from_utf8_lossy(&text);
    // Shown, with the controls replaced: not dropped.
    assert!(
        text.contains("annotation\u{fffd}]0;pwned\u{fffd}"),
        "{text}"
    );
    assert!(text.contains("RUN make\u{fffd}]0;pwned"), "{text}");
    assert!(text.contains("EVIL=\u{fffd}]0;pwned"), "{text}");

    // JSON is escaped, and decodes to exactly what the registry holds.
    let json = ok(
        "inspect --json",
        cli::run(home.path(), &["inspect", "--json", &reference]),
    )
    .stdout;
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    assert_eq!(
        json["annotations"][format!("evil{HOSTILE}")],
        format!("annotation{HOSTILE}")
    );
    assert_eq!(
        json["image"]["config"]["labels"][format!("org.example.evil{HOSTILE}")],
        format!("label{HOSTILE}")
    );
    assert_eq!(json["digest"], manifest.digest.as_str());

    // An artifact whose config and layer media types are hostile.
    let empty = Blob::new(
        &format!("application/vnd.example.config{HOSTILE}"),
        b"{}".to_vec(),
    );
    let artifact = Blob::new(
        portolan_tests::images::OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": portolan_tests::images::OCI_MANIFEST,
            "config": {"mediaType": empty.media_type, "digest": empty.digest, "size": 2},
            "layers": [{"mediaType": empty.media_type, "digest": empty.digest, "size": 2}],
        }))
        .expect("json"),
    );
    Pusher::new(&registry).push_blob("team/hostile", &empty);
    Pusher::new(&registry).push_manifest("team/hostile", "artifact", &artifact);
    let art = format!("{}/team/hostile:artifact", proxy.host);
    let text = ok(
        "inspect artifact",
        cli::run(home.path(), &["inspect", &art]),
    )
    .stdout;
    assert!(
        String::from_utf8_lossy(&text).contains("application/vnd.example.config\u{fffd}]0;pwned")
    );
    ok(
        "inspect --json artifact",
        cli::run(home.path(), &["inspect", "--json", &art]),
    );

    // Tag and repository names, as a hostile registry lists them.
    let tags = format!(
        r#"{{"name":"team/hostile","tags":["v1{}","ok"]}}"#,
        "\\u001b]0;pwned\\u0007\\u009b2J\\u007f"
    );
    proxy.inject(
        "GET /v2/team/hostile/tags/list",
        Fault::ReplaceBody(tags.into_bytes()),
        2,
    );
    let listed = ok(
        "tags",
        cli::run(
            home.path(),
            &["tags", &format!("{}/team/hostile", proxy.host)],
        ),
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("v1\u{fffd}]0;pwned"));
    let listed = ok(
        "tags --json",
        cli::run(
            home.path(),
            &["tags", "--json", &format!("{}/team/hostile", proxy.host)],
        ),
    );
    let listed: Vec<String> = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert!(
        listed.contains(&"v1\u{1b}]0;pwned\u{7}\u{9b}2J\u{7f}".to_owned()),
        "{listed:?}"
    );
    let catalog = r#"{"repositories":["evil\u001b]0;pwned\u0007/repo"]}"#;
    proxy.inject(
        "GET /v2/_catalog",
        Fault::ReplaceBody(catalog.as_bytes().to_vec()),
        1,
    );
    ok("repos", cli::run(home.path(), &["repos", &proxy.host]));

    // Error messages, at exit, in text and JSON.
    let error = r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone\u001b]0;pwned\u0007\u009b2J","detail":"\u001b[31mred\u007f"}]}"#;
    proxy.inject(
        "GET /v2/team/hostile/manifests/missing",
        Fault::ReplaceBody(error.as_bytes().to_vec()),
        2,
    );
    let missing = format!("{}/team/hostile:missing", proxy.host);
    for args in [
        vec!["inspect", missing.as_str()],
        vec!["inspect", "--json", missing.as_str()],
    ] {
        let out = cli::run(home.path(), &args);
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("gone"),
            "{args:?}"
        );
        assert_clean(&format!("{args:?} (stderr)"), &out.stderr);
        assert_clean(&format!("{args:?} (stdout)"), &out.stdout);
    }

    // `--raw` on a terminal shows the JSON with its controls escaped.
    let script = require_program("script");
    let command = format!(
        "{} inspect --raw --no-keyring {reference}",
        portolan_tests::cli_binary().display()
    );
    let shown = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .env("DOCKER_CONFIG", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .stdin(Stdio::null())
        .output()
        .expect("run under a terminal");
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stdout)
    );
    // The terminal turns each newline into CR LF.
    let without_cr: Vec<u8> = shown
        .stdout
        .iter()
        .copied()
        .filter(|b| *b != b'\r')
        .collect();
    assert_clean("inspect --raw on a terminal", &without_cr);
    let decoded: serde_json::Value = serde_json::from_slice(&without_cr).expect("still JSON");
    let original: serde_json::Value = serde_json::from_slice(&manifest.bytes).expect("JSON");
    assert_eq!(decoded, original, "the same manifest, escaped");
}

#[test]
fn inspect_raw_prints_the_exact_bytes_and_layers_say_their_compression() {
    let registry = TestRegistry::start(Auth::None);
    let (manifest, layers) = hostile_image(&registry, "team/layers");
    let home = tempfile::tempdir().expect("tmp");
    let reference = registry.reference("team/layers:v1");

    let raw = cli::run(home.path(), &["inspect", "--raw", &reference]);
    assert!(
        raw.status.success(),
        "{}",
        String::from_utf8_lossy(&raw.stderr)
    );
    assert!(
        raw.stdout == manifest.bytes,
        "inspect --raw printed {} bytes for a {}-byte manifest (the last one {:?})",
        raw.stdout.len(),
        manifest.bytes.len(),
        raw.stdout.last()
    );
    assert_eq!(sha256(&raw.stdout), manifest.digest);

    let text = ok("inspect", cli::run(home.path(), &["inspect", &reference])).stdout;
    let text = String::from_utf8_lossy(&text);
    let header = text
        .lines()
        .find(|l| l.contains("DIGEST") && l.contains("SIZE"))
        .unwrap_or_else(|| panic!("no layer table in\n{text}"));
    assert!(header.contains("COMPRESSION"), "{header}");
    for (layer, want) in layers.iter().zip(["gzip", "zstd", "none", "unknown"]) {
        let short = &layer.digest[..19];
        let row = text
            .lines()
            .find(|l| l.contains(short))
            .unwrap_or_else(|| panic!("no row for {short} in\n{text}"));
        assert!(
            row.split_whitespace().any(|w| w == want),
            "row {row:?} should say {want}"
        );
    }
    let json = ok(
        "inspect --json",
        cli::run(home.path(), &["inspect", "--json", &reference]),
    )
    .stdout;
    let json: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    let said: Vec<&str> = json["image"]["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["compression"].as_str())
        .collect();
    assert_eq!(said, vec!["gzip", "zstd", "none", "unknown"]);
}
