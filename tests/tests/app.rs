//! The desktop app in a real window (Xvfb), driven through tauri-driver/WebKitWebDriver,
//! against real registries, with the real Secret Service: what a user does and checks.

use std::time::{Duration, Instant};

use portolan_tests::app_home::AppHome;
use portolan_tests::desktop::{clipboard, keyring_has};
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir, seed};
use serde_json::json;

const ESCAPE: &str = "\u{E00C}";

fn add_registry(s: &Session, host: &str) {
    s.click(&s.wait("button.add", 20));
    s.type_into(&s.wait("input[name=host]", 5), host);
    s.type_into(&s.wait("input[name=name]", 5), "Test registry");
    s.click(&s.wait("form[aria-label='Add registry'] button[type=submit]", 5));
    s.wait(&format!("button.reg[data-host='{host}']"), 10);
}

/// Fill and submit the sign-in dialog (opening it first when `open`).
fn submit_sign_in(s: &Session, open: bool, username: Option<&str>, secret: &str) {
    if open {
        s.click(&s.wait("[data-testid=sign-in]", 5));
    }
    if let Some(u) = username {
        s.type_into(&s.wait("input[name=username]", 5), u);
    }
    s.type_into(&s.wait("input[name=secret]", 5), secret);
    s.click(&s.wait("form[aria-label='Sign in'] button[type=submit]", 5));
}

/// Wait until the sidebar shows `host` in sign-in state `state`.
fn wait_signed(s: &Session, host: &str, state: &str, secs: u64) {
    s.wait(
        &format!("button.reg[data-host='{host}'][data-sign-in='{state}']"),
        secs,
    );
}

fn open_row(s: &Session, css: &str) {
    let row = s.wait(css, 20);
    s.click(&row);
}

#[test]
fn browse_sign_in_copy_and_sign_out_in_the_real_window() {
    let registry = TestRegistry::start(Auth::Htpasswd(vec![(
        "frank".into(),
        "fr4nk-secret-pw".into(),
    )]));
    let seeded = seed::standard(&registry);
    seed::many_tags(&registry, "big/tags", 1200);
    let home = AppHome::new();
    let driver = home.driver();
    let s = driver.open(&app_binary());
    let shots = artifacts_dir();

    // Add the registry; without a sign-in it refuses and says so.
    add_registry(&s, &registry.host);
    s.wait_text(".error", 20, |t| t.contains("sign in"));
    assert!(!s
        .find_all("button.reg[data-host][data-sign-in='anonymous']")
        .is_empty());

    // Sign in: the secret goes to the keyring, not to any file.
    submit_sign_in(&s, true, Some("frank"), "fr4nk-secret-pw");
    wait_signed(&s, &registry.host, "keyring", 20);
    assert!(
        keyring_has(&registry.host),
        "the secret is in the OS keyring"
    );
    assert!(
        !home.written_text().contains("fr4nk-secret-pw"),
        "no secret in any file the app wrote"
    );

    // Repositories, then a repository with 1200 tags: all listed, rows virtualized.
    s.wait("[data-repo='big/tags']", 20);
    // Each row in view gets its tag count.
    s.wait_text(
        "[data-repo='big/tags'] [data-testid=tag-count-of]",
        20,
        |t| t == "1200 tags",
    );
    s.screenshot(&shots.join("repositories.png"));
    let opened = Instant::now();
    open_row(&s, "[data-repo='big/tags']");
    s.wait_text("[data-testid=tag-count]", 20, |t| {
        t.starts_with("1200 of 1200")
    });
    let listed_in = opened.elapsed();
    let rows = s.find_all("[data-tag]").len();
    assert!(
        rows > 5 && rows < 120,
        "only rows in view are rendered ({rows})"
    );
    s.wait("[data-tag='t0000'] .digest", 20);
    s.screenshot(&shots.join("tags-1200.png"));
    eprintln!("1200 tags listed {listed_in:?} after opening the repository");

    // Back (Escape) to the repositories, into the multi-platform index.
    s.key(ESCAPE);
    open_row(&s, "[data-repo='team/multi']");
    open_row(&s, "[data-tag='1.0']");
    s.wait(".card[data-platform='linux/arm64/v8']", 20);
    s.click(&s.wait(".card[data-platform='linux/arm64/v8']", 5));
    s.wait_text("[data-testid=title]", 10, |t| t.contains("linux/arm64/v8"));
    // A layer's size and the history line that made it: shortened in the cell (the shell
    // wrapper left out), whole on hover.
    let arm = &seeded.multi_arm64;
    s.click(&s.wait("[data-tab=layers]", 20));
    let full = &arm.layer_history[0];
    let short = format!(
        "RUN {}",
        full.strip_prefix("/bin/sh -c ").expect("a shell step")
    );
    s.wait_text("tr[data-layer='0'] [data-testid=layer-history]", 20, |t| {
        t == short
    });
    let title = s.script(
        "return document.querySelector(\"tr[data-layer='0'] [data-testid=layer-history]\").title",
        json!([]),
    );
    assert_eq!(title.as_str(), Some(full.as_str()));
    let size = s.wait_text("tr[data-layer='0'] [data-testid=layer-size]", 5, |t| {
        !t.is_empty()
    });
    assert_eq!(
        size,
        format!("{:.1} KiB", arm.layers[0].bytes.len() as f64 / 1024.0)
    );
    s.screenshot(&shots.join("image-arm64.png"));

    // Copy the digest (of the index: what `docker pull` takes): it lands on the clipboard.
    let digest = s.wait_text("[data-testid=digest]", 5, |t| t.starts_with("sha256:"));
    assert_eq!(digest, seeded.multi_digest);
    s.click(&s.wait("[data-testid=copy-digest]", 5));
    let deadline = Instant::now() + Duration::from_secs(5);
    while clipboard().trim() != digest && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(clipboard().trim(), digest);
    s.click(&s.wait("[data-testid=image-copy] [data-testid=copy-open]", 5));
    s.click(&s.wait("[data-copy='docker pull command']", 5));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        clipboard().trim(),
        format!("docker pull {}/team/multi@{digest}", registry.host)
    );

    // Pull it to disk with progress; every byte verified.
    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.click(&s.wait("[data-testid=pull]", 5));
    s.wait_text("[data-testid=pull-state]", 30, |t| t.contains("saved to"));
    let layout = home.path().join("downloads/team_multi-1.0");
    assert!(
        layout.join("index.json").is_file(),
        "pulled into {}",
        layout.display()
    );

    // Sign out: the keyring entry is gone, the sidebar says so.
    s.click(&s.wait("[data-testid=sign-out]", 5));
    wait_signed(&s, &registry.host, "anonymous", 10);
    assert!(!keyring_has(&registry.host));
    eprintln!("session opened in {:?}", s.opened_in);
}

#[test]
fn hostile_registry_text_stays_text() {
    let registry = TestRegistry::start(Auth::None);
    let payload_img = "<img src=x onerror=\"window.__xss=1\">";
    let payload_script = "<script>window.__xss=2</script>";
    let mut spec = ImageSpec::new(&format!("evil{payload_img}"), "amd64", &[2_000]);
    spec.labels = vec![
        ("org.example.evil".into(), payload_script.into()),
        ("title".into(), payload_img.into()),
    ];
    spec.annotations = vec![(
        "org.opencontainers.image.description".into(),
        payload_img.into(),
    )];
    let image = build_image(&spec);
    Pusher::new(&registry).push_image("evil/app", "v1", &image);
    // A hostile registry also lies in its tag list.
    let proxy = portolan_tests::faulty_proxy::FaultyProxy::start(&registry.host);
    let tags = json!({"name": "evil/app", "tags": ["v1", payload_img, payload_script]}).to_string();
    proxy.inject(
        "/tags/list",
        portolan_tests::faulty_proxy::Fault::ReplaceBody(tags.into_bytes()),
        100,
    );

    let home = AppHome::new();
    let driver = home.driver();
    let s = driver.open(&app_binary());
    add_registry(&s, &proxy.host);
    open_row(&s, "[data-repo='evil/app']");
    s.wait_text("[data-testid=tag-count]", 20, |t| t.contains("3 of 3"));
    let shown = s.page_text();
    assert!(
        shown.contains(payload_img) && shown.contains(payload_script),
        "tag names shown as text: {shown}"
    );
    open_row(&s, "[data-tag='v1']");
    s.wait("[data-label='org.example.evil']", 20);
    let shown = s.page_text();
    assert!(shown.contains(payload_script), "label shown literally");
    s.click(&s.wait("[data-tab=layers]", 5));
    s.wait("[data-testid=layer-history]", 10);
    let shown = s.page_text();
    assert!(
        shown.contains(&format!("SEED=evil{payload_img}")),
        "history line shown literally"
    );
    s.screenshot(&artifacts_dir().join("hostile.png"));
    let verdict = s.script("return {xss: window.__xss ?? null, imgs: document.querySelectorAll('img').length, scripts: document.querySelectorAll('body script').length}", json!([]));
    assert_eq!(
        verdict["xss"],
        serde_json::Value::Null,
        "no injected script ran"
    );
    assert_eq!(
        verdict["imgs"], 0,
        "no <img> was created from registry text"
    );
    assert_eq!(verdict["scripts"], 0);
}

#[test]
fn sign_in_to_a_token_registry_and_pin_a_repository() {
    let registry = TestRegistry::start(Auth::Token(vec![("gina".into(), "g1na-token".into())]));
    seed::standard(&registry);
    let home = AppHome::new();
    let driver = home.driver();
    let s = driver.open(&app_binary());
    add_registry(&s, &registry.host);
    // The catalog needs rights anonymous users do not get from this token server.
    s.wait_text("main", 20, |t| {
        t.contains("does not list its repositories") || t.contains("sign in")
    });
    // A wrong token is refused with a message, and nothing is saved.
    submit_sign_in(&s, true, Some("gina"), "wrong");
    s.wait_text("form[aria-label='Sign in'] .error", 20, |t| {
        t.contains("refused")
    });
    assert!(!keyring_has(&registry.host));
    submit_sign_in(&s, false, None, "g1na-token");
    wait_signed(&s, &registry.host, "keyring", 20);
    // Open a repository by name, as on ghcr.io: a bad name is explained, a good one opens.
    s.type_into(&s.wait("input[name=repository]", 20), "Team/Legacy");
    s.click(&s.wait("form.byname button[type=submit]", 5));
    s.wait_text("main", 10, |t| t.contains("must be lowercase"));
    let input = s.wait("input[name=repository]", 5);
    s.script(
        "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'));",
        json!([input]),
    );
    s.type_into(&input, "team/legacy");
    s.click(&s.wait("form.byname button[type=submit]", 5));
    s.wait_text("[data-testid=tag-count]", 20, |t| t == "1 of 1 tags");
    s.key(ESCAPE);
    open_row(&s, "[data-repo='team/app']");
    s.wait_text("[data-testid=tag-count]", 20, |t| t == "2 of 2 tags");
    s.click(&s.wait("[data-testid=pin]", 5));
    s.wait_text("[data-testid=pin]", 5, |t| t == "Unpin");
    let settings = home.written_text();
    assert!(
        settings.contains(&format!("{}/team/app", registry.host)),
        "pinned in the settings store"
    );
    assert!(
        !settings.contains("g1na-token"),
        "no secret in the settings store"
    );
    // The download folder the tests give (PORTOLAN_DOWNLOAD_DIR) is for this run only.
    let saved = std::fs::read_to_string(home.path().join("data/dev.portolan.app/settings.json"))
        .expect("the settings store");
    assert!(saved.contains("team/app"), "{saved}");
    assert!(
        !saved.contains(&*home.path().join("downloads").to_string_lossy()),
        "PORTOLAN_DOWNLOAD_DIR was saved into the settings: {saved}"
    );
    s.click(&s.wait("[data-testid=sign-out]", 5));
    wait_signed(&s, &registry.host, "anonymous", 10);
}
