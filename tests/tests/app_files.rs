//! The files inside an image, in a real window (Xvfb, WebDriver), against a real registry:
//! from an image's layer row to its files, a text file opened in the viewer, a binary one
//! as a hex preview, a hostile file name shown as text that creates no element, and the
//! image as one tree (a deleted file gone, a rewritten one naming the layer it replaced),
//! folders shut and opened with their sizes, a file saved, two tags compared; a big layer's
//! progress and Cancel (the download really stops), and a foreign layer never fetched.

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
/// The test image's tar layers, as (blob, diff id).
fn layers() -> [(Blob, String); 2] {
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
    [
        gzip_layer(&first.into_inner().expect("tar")),
        gzip_layer(&second.into_inner().expect("tar")),
    ]
}

/// An image of `layers` (with their history lines).
fn image_of(layers: &[(Blob, String)], history: &[&str]) -> TestImage {
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|(_, d)| d).collect::<Vec<_>>()},
            "history": history.iter().map(|h| json!({"created_by": h})).collect::<Vec<_>>(),
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(),
            "layers": layers.iter().map(|(b, _)| b.descriptor()).collect::<Vec<_>>(),
        }))
        .expect("json"),
    );
    TestImage {
        config,
        layers: layers.iter().map(|(b, _)| b.clone()).collect(),
        manifest,
        layer_history: history.iter().map(|h| (*h).to_owned()).collect(),
        empty_steps: vec![],
    }
}

fn image() -> TestImage {
    image_of(&layers(), &["COPY . /", "RUN rm /etc/motd"])
}

#[test]
fn a_layers_files_a_file_in_the_viewer_and_the_merged_tree() {
    let registry = TestRegistry::start(Auth::None);
    Pusher::new(&registry).push_image("team/files", "v1", &image());
    Pusher::new(&registry).push_image("team/files", "v0", &image_of(&layers()[..1], &["COPY . /"]));
    let home = AppHome::new();
    let host = PathBuf::from(&registry.host);
    // Where the save-as chooser answers (the test's way past a native dialog).
    let saved = home.path().join("saved-motd.txt");
    let answer = home.path().join("pick-answer");
    std::fs::write(&answer, saved.display().to_string()).expect("answer");
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_TEST_PICK_FILE", &answer),
    ]);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-repo='team/files']", 30));
    s.click(&s.wait("[data-tag='v1']", 20));
    s.click(&s.wait("[data-tab=layers]", 20));
    s.click(&s.wait("[data-layer='0'] [data-testid=layer-files]", 20));
    s.wait("[data-path='etc/motd']", 20);
    s.wait_text("[data-testid=layer-summary]", 10, |t| {
        t.starts_with("3 entries")
    });

    // A folder tree: folders first with the bytes under them; a click shuts and opens one.
    s.wait_text("[data-path='etc'] [data-testid=folder-size]", 5, |t| {
        t == "33 B"
    });
    s.click(&s.wait("[data-path='etc']", 5));
    s.wait("[data-path='etc'][data-folder='shut']", 5);
    assert!(
        s.find_all("[data-path='etc/motd']").is_empty(),
        "a shut folder hides its files"
    );
    s.click(&s.wait("[data-path='etc']", 5));

    s.click(&s.wait("[data-path='etc/motd']", 5));
    s.wait_text("[data-testid=file-text]", 20, |t| {
        t == "Welcome to the layer\nsecond line"
    });
    // Saved whole, once the layer verified, where the chooser said.
    s.click(&s.wait("[data-testid=save-file]", 5));
    s.wait_text("[data-testid=saved]", 20, |t| t.contains("saved-motd.txt"));
    assert_eq!(
        std::fs::read(&saved).expect("saved file"),
        b"Welcome to the layer\nsecond line\n"
    );
    s.click(&s.wait("[data-path='bin/tool']", 5));
    s.wait_text("[data-testid=file-hex]", 20, |t| {
        t.starts_with("00000000  7f 45 4c 46")
    });
    s.screenshot_themes("layer-files");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "a layer's files: {problems:?}");

    let name = "srv/<img src=x onerror=alert(1)>.txt";
    s.wait(&format!("[data-path='{name}']"), 5);
    let text = s.script(
        "return document.querySelector(arguments[0]).textContent;",
        json!([format!("[data-path='{name}'] .grow")]),
    );
    assert!(
        text.as_str()
            .is_some_and(|t| t.contains("<img src=x onerror=alert(1)>.txt")),
        "{text}"
    );
    let images = s.script(
        "return document.querySelectorAll('img[src=x]').length;",
        json!([]),
    );
    assert_eq!(images, json!(0));

    s.key(ESCAPE);
    s.click(&s.wait("[data-testid=image-files]", 10));
    s.wait("[data-path='bin/tool']", 20);
    assert!(
        s.find_all("[data-path='etc/motd']").is_empty(),
        "deleted by layer 1"
    );
    s.wait_text("[data-path='bin/tool'] [data-testid=replaces]", 5, |t| {
        t == "replaces layer 0"
    });
    s.wait_text("[data-path='bin/tool'] [data-layer-of]", 5, |t| {
        t == "changed in 1"
    });
    s.wait_text("[data-testid=merged-summary]", 5, |t| {
        t.contains("wasted 43 B")
    });
    s.screenshot_themes("image-files");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "an image's files: {problems:?}");
    // A file opened from the merged tree is read from the layer that last wrote it.
    s.click(&s.wait("[data-path='bin/tool']", 5));
    s.wait_text("[data-testid=file-hex]", 20, |t| {
        t.starts_with("00000000  7f 45 4c 46 02 01 01 00 00 01 02 ")
    });

    // Compare v1 with v0 (typed as a bare tag of the repository): Compare stays beside
    // the tabs, the Files tab among them.
    s.click(&s.wait("[data-testid=compare]", 10));
    s.type_into(&s.wait("input[name=compare-with]", 5), "v0");
    s.click(&s.wait("[data-testid=compare-submit]", 5));
    s.wait_text("[data-testid=compare-summary]", 20, |t| {
        t.starts_with("Layers: 1 shared, 1 only in the first, 0 only in the second")
    });
    s.wait("[data-change='added'][data-path='etc/motd']", 5);
    s.wait_text(
        "[data-change='changed'][data-path='bin/tool'] .detail",
        5,
        |t| t.contains("content") && t.contains("size"),
    );
}

/// Save into a folder (as the chooser may answer): the copy takes the cleaned name of the
/// path (a right-to-left override that would show `exe.txt` becomes `_`), decided by the
/// same rule as the CLI's `cat -o`, and a second save keeps the file already there.
#[test]
fn a_file_saved_into_a_folder_takes_its_cleaned_name_and_replaces_nothing() {
    let registry = TestRegistry::start(Auth::None);
    let hostile = "srv/report\u{202E}txt.exe";
    let mut tar = tar::Builder::new(Vec::new());
    entry(&mut tar, hostile, b"not an exe");
    let layer = gzip_layer(&tar.into_inner().expect("tar"));
    Pusher::new(&registry).push_image("team/save", "v1", &image_of(&[layer], &["COPY . /"]));
    let home = AppHome::new();
    let host = PathBuf::from(&registry.host);
    let folder = home.path().join("downloads");
    std::fs::create_dir_all(&folder).expect("folder");
    let answer = home.path().join("pick-answer");
    std::fs::write(&answer, folder.display().to_string()).expect("answer");
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_TEST_PICK_FILE", &answer),
    ]);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-repo='team/save']", 30));
    s.click(&s.wait("[data-tag='v1']", 20));
    s.click(&s.wait("[data-tab=layers]", 20));
    s.click(&s.wait("[data-layer='0'] [data-testid=layer-files]", 20));
    s.click(&s.wait(&format!("[data-path='{hostile}']"), 20));
    s.wait_text("[data-testid=file-text]", 20, |t| t == "not an exe");

    s.click(&s.wait("[data-testid=save-file]", 5));
    s.wait_text("[data-testid=saved]", 20, |t| t.contains("report_txt.exe"));
    let saved = folder.join("report_txt.exe");
    assert_eq!(std::fs::read(&saved).expect("saved"), b"not an exe");
    assert_eq!(
        std::fs::read_dir(&folder).expect("folder").count(),
        1,
        "one file, no temporary left"
    );

    // Again: the file there is kept, and the window says why.
    std::fs::write(&saved, b"mine").expect("write");
    s.click(&s.wait("[data-testid=save-file]", 5));
    s.wait_text("[data-testid=file-viewer] [data-code=io]", 20, |t| {
        t.contains("will not replace") && t.contains("report_txt.exe")
    });
    assert_eq!(std::fs::read(&saved).expect("kept"), b"mine");
}

/// A Windows-style image whose base layer lives outside the registry, and a big layer that
/// the registry sends half of and then stalls on.
#[test]
fn a_big_layer_shows_its_progress_and_cancel_stops_the_download() {
    use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
    let registry = TestRegistry::start(Auth::None);
    let proxy = FaultyProxy::start(&registry.host);
    let mut tar = tar::Builder::new(Vec::new());
    entry(
        &mut tar,
        "data/noise.bin",
        &portolan_tests::images::noise("big", 4 << 20),
    );
    let (big, big_id) = gzip_layer(&tar.into_inner().expect("tar"));
    let foreign = json!({
        "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        "digest": sha256(b"not in this registry"), "size": 1_000_000,
        "urls": ["https://127.0.0.1:9/base.tar.gz"],
    });
    let config = Blob::new(
        "application/vnd.docker.container.image.v1+json",
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "windows",
            "rootfs": {"type": "layers", "diff_ids": [sha256(b"base"), big_id]},
        }))
        .expect("json"),
    );
    let manifest = Blob::new(
        "application/vnd.docker.distribution.manifest.v2+json",
        serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": config.descriptor(), "layers": [foreign, big.descriptor()],
        }))
        .expect("json"),
    );
    let pusher = Pusher::new(&registry);
    pusher.push_blob("team/big", &config);
    pusher.push_blob("team/big", &big);
    pusher.push_manifest("team/big", "v1", &manifest);
    proxy.inject(&format!("/blobs/{}", big.digest), Fault::Stall, 1);

    let home = AppHome::new();
    let host = PathBuf::from(&proxy.host);
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &host)]);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-repo='team/big']", 30));
    s.click(&s.wait("[data-tag='v1']", 20));
    s.click(&s.wait("[data-tab=layers]", 20));
    let why = s.wait("[data-layer='0'] [data-testid=layer-not-fetched]", 20);
    assert_eq!(s.text(&why), "not fetched");
    assert!(s
        .find_all("[data-layer='0'] [data-testid=layer-files]")
        .is_empty());

    // Half the layer arrives, then nothing: the bytes so far show, and Cancel stops it.
    s.click(&s.wait("[data-layer='1'] [data-testid=layer-files]", 20));
    s.wait_text("[data-testid=read-progress]", 20, |t| {
        t.contains(" of 4.0 MiB") && !t.starts_with("0 B")
    });
    s.click(&s.wait("[data-testid=cancel-read]", 5));
    s.wait("[data-testid=read-cancelled]", 5);
    let stopped = std::time::Instant::now();
    while proxy.closed_stalls() == 0 {
        assert!(
            stopped.elapsed() < std::time::Duration::from_secs(10),
            "Cancel closed the download"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    s.click(&s.wait("[data-testid=read-cancelled] button", 5));
    s.wait_text("[data-testid=layer-summary]", 20, |t| {
        t.starts_with("1 entry ·")
    });

    // The merged tree says which layer it lacks, and why.
    s.key(ESCAPE);
    s.click(&s.wait("[data-testid=image-files]", 10));
    s.wait_text("[data-testid=skipped-layer]", 20, |t| {
        t.starts_with("Layer 0 is not in this tree: a foreign layer")
            && t.contains("https://127.0.0.1:9/base.tar.gz")
    });
    s.wait("[data-path='data/noise.bin']", 5);
}

const ESCAPE: &str = "\u{E00C}";
