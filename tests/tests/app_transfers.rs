//! Pulls, pushes and copies started from the app in a real window (Xvfb, WebDriver)
//! against real registries, their results checked with skopeo and podman. The native
//! folder chooser is answered through the app's test-only way in
//! (`PORTOLAN_TEST_PICK_FILE`: a file whose text is the chosen path).

use std::path::{Path, PathBuf};

use portolan_tests::app_home::AppHome;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, write_oci_layout, ImageSpec, Pusher, TestImage};
use portolan_tests::podman::Podman;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::{Driver, Session};
use portolan_tests::{app_binary, artifacts_dir, seed, skopeo};

/// The app with `host` as its first registry, and a chooser that answers what
/// [`Chooser::answer`] last said.
struct App {
    home: AppHome,
    pick: PathBuf,
}

impl App {
    fn new() -> Self {
        let home = AppHome::new();
        let pick = home.path().join("pick.txt");
        std::fs::write(&pick, "").expect("pick file");
        Self { home, pick }
    }
    fn driver(&self, host: &str) -> Driver {
        let host = PathBuf::from(host);
        self.home.driver_with(&[
            ("PORTOLAN_DEMO_REGISTRY", &host),
            ("PORTOLAN_TEST_PICK_FILE", &self.pick),
        ])
    }
    /// What the next folder or file chooser answers.
    fn answer(&self, path: &Path) {
        std::fs::write(&self.pick, path.display().to_string()).expect("pick file");
    }
}

fn skopeo_digest(image: &str) -> String {
    skopeo::run(&[
        "inspect",
        "--tls-verify=false",
        "--format",
        "{{.Digest}}",
        image,
    ])
    .trim()
    .to_owned()
}

/// Open `repo`, then its tag `tag` (the image view).
fn open_image(s: &Session, repo: &str, tag: &str) {
    s.click(&s.wait(&format!("[data-repo='{repo}']"), 30));
    s.click(&s.wait(&format!("[data-tag='{tag}']"), 20));
    s.wait("[data-testid=digest]", 20);
}

/// The message of the newest finished transfer, once it says `want`. (The panel may still
/// show the transfer before it for a moment after a new one starts: wait for the words,
/// not for any message.)
fn finished(s: &Session, want: &str) -> String {
    s.wait_text(
        "[data-testid=transfer]:last-child [data-testid=pull-state]",
        60,
        |t| t.contains(want),
    )
}

/// The path in a "saved to PATH (...)" message.
fn saved_path(message: &str) -> PathBuf {
    let rest = message
        .split("saved to ")
        .nth(1)
        .unwrap_or_else(|| panic!("no path in: {message}"));
    PathBuf::from(rest.split(" (").next().unwrap_or(rest))
}

fn image(seed: &str) -> TestImage {
    build_image(&ImageSpec::new(seed, "amd64", &[40_000, 2_000]))
}

#[test]
fn pull_by_digest_to_a_chosen_folder_and_an_archive_podman_loads() {
    let registry = TestRegistry::start(Auth::None);
    let img = image("xfer-pull");
    Pusher::new(&registry).push_image("xfer/app", "v1", &img);
    let app = App::new();
    let chosen = app.home.path().join("chosen");
    std::fs::create_dir_all(&chosen).expect("mkdir");
    let driver = app.driver(&registry.host);
    let s = driver.open(&app_binary());
    open_image(&s, "xfer/app", "v1");

    // By digest, into the folder the chooser gives: skopeo reads the digest back.
    app.answer(&chosen);
    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.click(&s.wait("[data-testid=pull-to]", 5));
    s.click(&s.wait("[data-testid=choose-folder]", 5));
    s.wait_text("[data-testid=pull-folder]", 10, |t| t.contains("chosen"));
    s.click(&s.wait("[data-testid=by-digest]", 5));
    s.screenshot(&artifacts_dir().join("pull-dialog.png"));
    s.click(&s.wait("[data-testid=pull-submit]", 5));
    let message = finished(&s, "saved to");
    let title = s.wait_text("[data-testid=transfer]:last-child .title", 5, |t| {
        !t.is_empty()
    });
    assert!(
        title.contains(&format!("@{}", img.manifest.digest)),
        "pulled by digest: {title}"
    );
    let layout = saved_path(&message);
    assert!(
        layout.starts_with(&chosen),
        "{} is in the chosen folder",
        layout.display()
    );
    assert_eq!(
        skopeo_digest(&format!("oci:{}", layout.display())),
        img.manifest.digest
    );

    // As an archive: podman loads it under the name pulled.
    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.click(&s.wait("[data-testid=pull-to]", 5));
    s.click(&s.wait("input[name=format][value=archive]", 5));
    s.click(&s.wait("[data-testid=choose-folder]", 5));
    s.click(&s.wait("[data-testid=pull-submit]", 5));
    let message = finished(&s, "podman load -i");
    let archive = saved_path(&message);
    assert!(archive.is_file(), "{} is a file", archive.display());
    let podman = Podman::new();
    podman.run(&["load", "-i", &archive.display().to_string()]);
    let name = format!("{}/xfer/app:v1", registry.host);
    assert!(
        podman.names().contains(&name),
        "podman has {name}: {:?}",
        podman.names()
    );
    s.screenshot(&artifacts_dir().join("transfers.png"));
}

#[test]
fn push_a_layout_the_test_made() {
    let registry = TestRegistry::start(Auth::None);
    Pusher::new(&registry).push_image("xfer/app", "v1", &image("xfer-base"));
    let pushed = image("xfer-pushed");
    let app = App::new();
    let layout = app.home.path().join("layout");
    write_oci_layout(&layout, &pushed, "v7");
    let driver = app.driver(&registry.host);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-repo='xfer/app']", 30));
    s.wait("[data-tag='v1']", 20);

    app.answer(&layout);
    s.click(&s.wait("[data-testid=push]", 5));
    s.click(&s.wait("[data-testid=choose-layout]", 5));
    s.wait_text("[data-testid=push-source]", 10, |t| t.contains("layout"));
    // The tag is proposed from the image's name in the layout, and checked.
    s.wait_text("[data-testid=push-check]", 10, |t| t == "v7 is free.");
    s.click(&s.wait("[data-testid=push-submit]:not([disabled])", 10));
    finished(&s, "Pushed");
    assert_eq!(
        skopeo_digest(&format!("docker://{}", registry.reference("xfer/app:v7"))),
        pushed.manifest.digest,
        "the registry serves the pushed image"
    );
    // The open tag list shows the new tag with what was pushed, without a reload.
    let short = &pushed.manifest.digest["sha256:".len().."sha256:".len() + 12];
    s.wait_text("[data-tag='v7'] .digest", 10, |t| t.contains(short));
}

#[test]
fn copy_to_a_second_registry_with_its_referrer() {
    let first = TestRegistry::start(Auth::None);
    let second = TestRegistry::start(Auth::None);
    let img = image("xfer-copy");
    Pusher::new(&first).push_image("xfer/app", "v1", &img);
    let signature = seed::referrer(&first, "xfer/app", &img.manifest);
    let app = App::new();
    let driver = app.driver(&first.host);
    let s = driver.open(&app_binary());
    // The second registry, added as a user adds one.
    s.click(&s.wait("button.add", 20));
    s.type_into(&s.wait("input[name=host]", 5), &second.host);
    s.type_into(&s.wait("input[name=name]", 5), "Second");
    s.click(&s.wait("form[aria-label='Add registry'] button[type=submit]", 5));
    s.wait(&format!("button.reg[data-host='{}']", second.host), 10);
    s.click(&s.wait(&format!("button.reg[data-host='{}']", first.host), 5));
    open_image(&s, "xfer/app", "v1");

    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.click(&s.wait("[data-testid=copy-to]", 5));
    let select = s.wait("select[name=copy-registry]", 5);
    s.click(&select);
    s.click(&s.wait(
        &format!("select[name=copy-registry] option[value='{}']", second.host),
        5,
    ));
    s.screenshot(&artifacts_dir().join("copy-dialog.png"));
    s.click(&s.wait("[data-testid=copy-submit]", 5));
    finished(&s, "Referrers: 1 found, 1 copied");
    assert_eq!(
        skopeo_digest(&format!("docker://{}", second.reference("xfer/app:v1"))),
        img.manifest.digest
    );
    // The signature is there too, listed under the fallback tag as the source lists it.
    let fallback = format!(
        "docker://{}",
        second.reference(&format!(
            "xfer/app:sha256-{}",
            img.manifest.digest.trim_start_matches("sha256:")
        ))
    );
    let out = skopeo::output(&["inspect", "--raw", "--tls-verify=false", &fallback]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&signature.digest),
        "the second registry lists the signature: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_corrupted_layer_ends_in_a_clear_error_and_leaves_no_file() {
    let registry = TestRegistry::start(Auth::None);
    let img = image("xfer-hostile");
    Pusher::new(&registry).push_image("xfer/app", "v1", &img);
    let proxy = FaultyProxy::start(&registry.host);
    // Every read of the first layer gets the wrong bytes.
    proxy.inject(
        &img.layers[0].digest,
        Fault::ReplaceBody(vec![b'x'; img.layers[0].bytes.len()]),
        100,
    );
    let app = App::new();
    let chosen = app.home.path().join("chosen");
    std::fs::create_dir_all(&chosen).expect("mkdir");
    let driver = app.driver(&proxy.host);
    let s = driver.open(&app_binary());
    open_image(&s, "xfer/app", "v1");
    app.answer(&chosen);
    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.click(&s.wait("[data-testid=pull-to]", 5));
    s.click(&s.wait("[data-testid=choose-folder]", 5));
    s.wait_text("[data-testid=pull-folder]", 10, |t| t.contains("chosen"));
    s.click(&s.wait("[data-testid=pull-submit]", 5));
    let message = finished(&s, "digest");
    s.screenshot(&artifacts_dir().join("pull-corrupt.png"));
    assert!(
        s.find_all("[data-testid=transfer]:last-child[data-state=failed]")
            .len()
            == 1,
        "the transfer is marked failed: {message}"
    );
    let left: Vec<_> = std::fs::read_dir(&chosen)
        .expect("chosen")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "nothing is left in the folder: {left:?}");
}
