//! The files inside an image, in a real window (Xvfb, WebDriver), against a real registry:
//! from an image's layer row to its files, a text file opened in the viewer, a binary one
//! as a hex preview, a hostile file name shown as text that creates no element, and the
//! image as one tree (a deleted file gone, a rewritten one naming the layer it replaced).

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

fn gzip_layer(tar: &[u8]) -> (Blob, String) {
    let diff_id = sha256(tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(tar).expect("gzip");
    (
        Blob::new(
            "application/vnd.oci.image.layer.v1.tar+gzip",
            gz.finish().expect("gzip"),
        ),
        diff_id,
    )
}

/// Two layers: the first with a text file, a binary one and a hostile name; the second
/// deletes the text file and writes the binary one again.
fn image() -> TestImage {
    let mut first = tar::Builder::new(Vec::new());
    entry(
        &mut first,
        "etc/motd",
        b"Welcome to the layer\nsecond line\n",
    );
    entry(
        &mut first,
        "bin/tool",
        &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0],
    );
    entry(&mut first, "srv/<img src=x onerror=alert(1)>.txt", b"boo");
    let mut second = tar::Builder::new(Vec::new());
    entry(&mut second, "etc/.wh.motd", b"");
    entry(
        &mut second,
        "bin/tool",
        &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 1, 2],
    );
    let (one, one_id) = gzip_layer(&first.into_inner().expect("tar"));
    let (two, two_id) = gzip_layer(&second.into_inner().expect("tar"));
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [one_id, two_id]},
            "history": [{"created_by": "COPY . /"}, {"created_by": "RUN rm /etc/motd"}],
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(), "layers": [one.descriptor(), two.descriptor()],
        }))
        .expect("json"),
    );
    TestImage {
        config,
        layers: vec![one, two],
        manifest,
        layer_history: vec!["COPY . /".into(), "RUN rm /etc/motd".into()],
        empty_steps: vec![],
    }
}

#[test]
fn a_layers_files_a_file_in_the_viewer_and_the_merged_tree() {
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

    // The image as one tree: the deleted file is gone, the rewritten one says which layer
    // it replaced, and the waste is counted.
    s.key(ESCAPE);
    s.click(&s.wait("[data-testid=image-files]", 10));
    s.wait("[data-merged-path='bin/tool']", 20);
    assert!(
        s.find_all("[data-merged-path='etc/motd']").is_empty(),
        "deleted by layer 1"
    );
    s.wait_text(
        "[data-merged-path='bin/tool'] [data-testid=replaces]",
        5,
        |t| t == "replaces layer 0",
    );
    s.wait_text("[data-testid=merged-summary]", 5, |t| {
        t.contains("wasted 43 B")
    });
}

const ESCAPE: &str = "\u{E00C}";
