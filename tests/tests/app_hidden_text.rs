//! Names a registry controls that hide what they are, in a real window (Xvfb, WebDriver):
//! a tag, a file in a layer and a label key and value holding a right-to-left override
//! (U+202E: `invoice` U+202E `gpj.exe` reads as `invoiceexe.jpg`) and a zero-width space
//! (U+200B: `lat` U+200B `est` looks like `latest`). The window must show each such
//! character as a visible marker (`⟨U+202E⟩`) in a style of its own, inside text isolated
//! from its surroundings (`<bdi>`), and never the raw character.
//!
//! The registry refuses such tag names, so a proxy in front of it lies in its tag list, as a
//! hostile registry would.

use std::io::Write;
use std::path::PathBuf;

use portolan_tests::app_binary;
use portolan_tests::app_home::AppHome;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{sha256, Blob, Pusher, TestImage};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use serde_json::json;

const RLO: char = '\u{202E}';
const ZWSP: char = '\u{200B}';

/// One gzip layer holding an empty file at each of `paths`.
fn layer(paths: &[String]) -> (Blob, String) {
    let mut builder = tar::Builder::new(Vec::new());
    for path in paths {
        let mut header = tar::Header::new_gnu();
        header.set_size(4);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        builder
            .append_data(&mut header, path, &b"boo\n"[..])
            .expect("tar");
    }
    let tar = builder.into_inner().expect("tar");
    let diff_id = sha256(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    let blob = Blob::new(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        gz.finish().expect("gzip"),
    );
    (blob, diff_id)
}

/// An image of one layer with `files`, its config labelled with `labels`.
fn image(files: &[String], labels: &[(String, String)]) -> TestImage {
    let (layer, diff_id) = layer(files);
    let labels: serde_json::Map<String, serde_json::Value> =
        labels.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "config": {"Labels": labels},
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "COPY . /"}],
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(),
            "layers": [layer.descriptor()],
        }))
        .expect("json"),
    );
    TestImage {
        config,
        layers: vec![layer],
        manifest,
        layer_history: vec!["COPY . /".to_owned()],
        empty_steps: vec![],
    }
}

/// What the window shows, checked for the marked forms and for no raw hidden character.
fn shows_marked(s: &Session, what: &str, marked: &[&str]) {
    let shown = s.page_text();
    for m in marked {
        assert!(shown.contains(m), "{what}: {m} is not shown in:\n{shown}");
    }
    assert!(
        !shown.contains(RLO) && !shown.contains(ZWSP),
        "{what}: a raw U+202E or U+200B is in the window:\n{shown:?}"
    );
    // Each marker is an element of its own style, inside isolated registry text.
    let markers = s.script(
        "return [...document.querySelectorAll('main .hidden-char')].map((m) => ({ text: m.textContent, isolated: !!m.closest('bdi'), color: getComputedStyle(m).color, parent: getComputedStyle(m.closest('bdi').parentElement).color }))",
        json!([]),
    );
    let markers = markers.as_array().expect("markers");
    assert!(
        markers.len() >= marked.len(),
        "{what}: markers are elements: {markers:?}"
    );
    for m in markers {
        assert_eq!(m["isolated"], true, "{what}: {m}");
        assert_ne!(m["color"], m["parent"], "{what}: a marker stands out: {m}");
    }
}

#[test]
fn hidden_characters_in_tags_files_and_labels_are_shown_as_marked_text() {
    let registry = TestRegistry::start(Auth::None);
    let trojan_file = format!("srv/invoice{RLO}gpj.exe");
    let lookalike_file = format!("srv/lat{ZWSP}est.txt");
    let labels = [
        (format!("org.example.{RLO}evil"), format!("safe{ZWSP}value")),
        (
            "org.opencontainers.image.title".to_owned(),
            "Hidden".to_owned(),
        ),
    ];
    let image = image(&[trojan_file, lookalike_file], &labels);
    Pusher::new(&registry).push_image("team/hidden", "v1", &image);
    // The tag list a hostile registry sends: a tag with an override, one with a
    // zero-width space.
    let proxy = FaultyProxy::start(&registry.host);
    let tags = json!({"name": "team/hidden", "tags": ["v1", format!("1v{RLO}ler"), format!("lat{ZWSP}est")]});
    proxy.inject(
        "/tags/list",
        Fault::ReplaceBody(tags.to_string().into_bytes()),
        1000,
    );

    let home = AppHome::new();
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&proxy.host))]);
    let s = driver.open(&app_binary());

    // Tags.
    s.click(&s.wait("[data-repo='team/hidden']", 30));
    s.wait_text("[data-testid=tag-count]", 20, |t| t.contains("3 of 3"));
    shows_marked(&s, "tags", &["1v⟨U+202E⟩ler", "lat⟨U+200B⟩est"]);
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "marked tags: {problems:?}");
    s.screenshot(&portolan_tests::artifacts_dir().join("hidden-tags.png"));

    // Labels: key and value.
    s.click(&s.wait("[data-tag='v1']", 20));
    s.wait_text("[data-testid=about-title]", 20, |t| t == "Hidden");
    shows_marked(
        &s,
        "labels",
        &["org.example.⟨U+202E⟩evil", "safe⟨U+200B⟩value"],
    );

    // Files of the layer.
    s.click(&s.wait("[data-tab=layers]", 5));
    s.click(&s.wait("[data-layer='0'] [data-testid=layer-files]", 20));
    s.wait("[data-path='srv']", 20);
    s.wait_text("[role=grid]", 20, |t| t.contains("gpj.exe"));
    shows_marked(
        &s,
        "files",
        &["invoice⟨U+202E⟩gpj.exe", "lat⟨U+200B⟩est.txt"],
    );
    s.screenshot(&portolan_tests::artifacts_dir().join("hidden-files.png"));
}
