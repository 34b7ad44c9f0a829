//! The files inside a layer, in a real window (Xvfb, WebDriver), against a real registry:
//! from an image's layer row to its files, a text file opened in the viewer, a binary one
//! as a hex preview, and a hostile file name shown as text that creates no element.

use std::io::Write;
use std::path::PathBuf;

use portolan_tests::app_binary;
use portolan_tests::app_home::AppHome;
use portolan_tests::images::{sha256, Blob, Pusher, TestImage};
use portolan_tests::registry::{Auth, TestRegistry};
use serde_json::json;

fn entry(builder: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]) {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    builder.append_data(&mut header, path, data).expect("tar");
}

fn image() -> TestImage {
    let mut builder = tar::Builder::new(Vec::new());
    entry(
        &mut builder,
        "etc/motd",
        b"Welcome to the layer\nsecond line\n",
    );
    entry(
        &mut builder,
        "bin/tool",
        &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0],
    );
    entry(&mut builder, "srv/<img src=x onerror=alert(1)>.txt", b"boo");
    let tar = builder.into_inner().expect("tar");
    let diff_id = sha256(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    let layer = Blob::new(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        gz.finish().expect("gzip"),
    );
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "COPY . /"}],
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(), "layers": [layer.descriptor()],
        }))
        .expect("json"),
    );
    TestImage {
        config,
        layers: vec![layer],
        manifest,
        layer_history: vec!["COPY . /".into()],
        empty_steps: vec![],
    }
}

#[test]
fn a_layers_files_and_a_file_in_the_viewer() {
    let registry = TestRegistry::start(Auth::None);
    Pusher::new(&registry).push_image("team/files", "v1", &image());
    let home = AppHome::new();
    let host = PathBuf::from(&registry.host);
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &host)]);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-repo='team/files']", 30));
    s.click(&s.wait("[data-tag='v1']", 20));
    s.click(&s.wait("[data-layer='0'] [data-testid=layer-files]", 20));
    s.wait("[data-path='etc/motd']", 20);
    s.wait_text("[data-testid=layer-summary]", 10, |t| {
        t.starts_with("5 entries") || t.starts_with("3 entries")
    });

    // A text file, as text.
    s.click(&s.wait("[data-path='etc/motd']", 5));
    s.wait_text("[data-testid=file-text]", 20, |t| {
        t == "Welcome to the layer\nsecond line"
    });
    // A binary one, as hex.
    s.click(&s.wait("[data-path='bin/tool']", 5));
    s.wait_text("[data-testid=file-hex]", 20, |t| {
        t.starts_with("00000000  7f 45 4c 46")
    });

    // The hostile name is text: no element was made from it, nothing ran.
    let name = "srv/<img src=x onerror=alert(1)>.txt";
    s.wait(&format!("[data-path='{name}']"), 5);
    let text = s.script(
        "return document.querySelector(arguments[0]).textContent;",
        json!([format!("[data-path='{name}'] .grow")]),
    );
    assert!(text.as_str().is_some_and(|t| t.contains(name)), "{text}");
    let images = s.script(
        "return document.querySelectorAll('img[src=x]').length;",
        json!([]),
    );
    assert_eq!(images, json!(0));
}
