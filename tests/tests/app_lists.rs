//! The window as users expect it, in a real window (Xvfb, WebDriver) against a real
//! registry: tag lists sorted by clicking a column (names naturally, dates after fetching
//! every tag's), grouped by digest, filtered in any case, with a copy menu on each row; the
//! image's own description at the top; an error panel whose Retry works once the registry
//! is back; a registry removed with its keyring entry; no serious or critical accessibility
//! problem on the main views (axe-core); screenshots of them, light and dark.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use portolan_tests::app_home::AppHome;
use portolan_tests::desktop::{clipboard, keyring_has};
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, seed};
use serde_json::json;

/// The tags of the rows shown, top to bottom.
fn rows(s: &Session) -> Vec<String> {
    s.script(
        "return [...document.querySelectorAll('[data-tag]')].map(e => e.dataset.tag);",
        json!([]),
    )
    .as_array()
    .map(|a| {
        a.iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    })
    .unwrap_or_default()
}

fn wait_rows(s: &Session, want: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = rows(s);
        if seen == want {
            return;
        }
        assert!(Instant::now() < deadline, "rows {seen:?}, wanted {want:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn no_accessibility_problems(s: &Session, view: &str) {
    let problems = s.accessibility_problems();
    assert!(
        problems.is_empty(),
        "{view}: serious or critical accessibility problems:\n{}",
        problems.join("\n")
    );
}

fn dated(seed_name: &str, created: &str, labels: &[(&str, &str)]) -> ImageSpec {
    let mut spec = ImageSpec::new(seed_name, "amd64", &[2_000]);
    spec.created = created.to_owned();
    spec.labels = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    spec
}

#[test]
fn sort_group_filter_copy_and_read_what_the_image_says() {
    let registry = TestRegistry::start(Auth::None);
    seed::many_tags(&registry, "big/tags", 1200);
    // Pushed out of date order: v2 is the newest, v10 the oldest.
    let pusher = Pusher::new(&registry);
    let about = [
        ("org.opencontainers.image.title", "Dated app"),
        (
            "org.opencontainers.image.description",
            "An app whose tags were pushed out of order",
        ),
        ("org.opencontainers.image.version", "2.0.0"),
        ("org.opencontainers.image.licenses", "Apache-2.0"),
        (
            "org.opencontainers.image.source",
            "https://github.com/example/dated-app",
        ),
    ];
    for (tag, created, labels) in [
        ("v2", "2026-03-01T10:00:00Z", &about[..]),
        ("v10", "2026-01-01T10:00:00Z", &[][..]),
        ("v1", "2026-02-01T10:00:00Z", &[][..]),
    ] {
        let image = build_image(&dated(&format!("dated-{tag}"), created, labels));
        pusher.push_image("team/dated", tag, &image);
    }
    let home = AppHome::new();
    let opened = home.path().join("opened.txt");
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&registry.host)),
        ("PORTOLAN_TEST_OPEN_LOG", &opened),
    ]);
    let s = driver.open(&app_binary());

    s.wait("[data-repo='team/dated']", 30);
    s.screenshot_themes("repositories");
    s.click(&s.wait("[data-repo='team/dated']", 30));
    // Names sort naturally: v2 before v10.
    wait_rows(&s, &["v1", "v2", "v10"]);
    // Created, newest first: fetched for every tag, then ordered once.
    s.click(&s.wait("button[data-sort=created]", 5));
    wait_rows(&s, &["v2", "v1", "v10"]);
    s.click(&s.wait("button[data-sort=created]", 5));
    wait_rows(&s, &["v10", "v1", "v2"]);
    let date = s.wait("[data-tag=v2] .date", 5);
    assert!(
        s.text(&date).ends_with("ago"),
        "relative dates: {}",
        s.text(&date)
    );
    let title = s.script(
        "return document.querySelector('[data-tag=v2] .date').title",
        json!([]),
    );
    assert!(
        title
            .as_str()
            .is_some_and(|t| t.contains("2026-03-01") && t.contains("UTC")),
        "the local time, with its zone, on hover: {title}"
    );
    s.click(&s.wait("button[data-sort=tag]", 5));
    wait_rows(&s, &["v1", "v2", "v10"]);
    // The filter ignores case.
    s.type_into(&s.wait("input[name=filter]", 5), "V1");
    wait_rows(&s, &["v1", "v10"]);
    no_accessibility_problems(&s, "tags");
    s.screenshot_themes("tags-sorted");

    // A row's copy menu: the pull command by tag.
    let row = s.wait("[data-tag=v1]", 5);
    s.hover(&row);
    s.click(&s.wait("[data-tag=v1] [data-testid=copy-open]", 5));
    s.click(&s.wait("[data-copy='docker pull command (by tag)']", 5));
    let want = format!("docker pull {}/team/dated:v1", registry.host);
    let deadline = Instant::now() + Duration::from_secs(5);
    while clipboard().trim() != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(clipboard().trim(), want);

    // What v2 says about itself, at the top of its view; its source opens in the browser.
    let input = s.wait("input[name=filter]", 5);
    s.script(
        "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'));",
        json!([input]),
    );
    s.click(&s.wait("[data-tag=v2]", 10));
    s.wait_text("[data-testid=about-title]", 20, |t| t == "Dated app");
    s.wait_text("[data-testid=about]", 5, |t| {
        t.contains("pushed out of order") && t.contains("Apache-2.0") && t.contains("2.0.0")
    });
    // A link from the image's labels names its host and asks first: Cancel opens nothing.
    s.click(&s.wait("[data-testid=about-source]", 5));
    s.wait_text("[data-testid=link-host]", 5, |t| t == "github.com");
    s.wait_text("form.dialog h2", 5, |t| t == "Open github.com?");
    s.click(&s.wait("form.dialog button[type=button]", 5));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!opened.exists(), "nothing opened on Cancel");
    s.click(&s.wait("[data-testid=about-source]", 5));
    s.click(&s.wait("[data-testid=open-link]", 5));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read_to_string(&opened).is_ok_and(|t| t.contains("github.com/example")) {
        assert!(
            Instant::now() < deadline,
            "the source was not opened: {}",
            s.script("return document.body.innerText", json!([]))
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    no_accessibility_problems(&s, "image");
    s.screenshot_themes("image-about");
    s.key("\u{E00C}");

    // 1200 tags on one image: one row, its tags as chips.
    s.key("\u{E00C}");
    s.click(&s.wait("[data-repo='big/tags']", 30));
    s.wait_text("[data-testid=tag-count]", 30, |t| {
        t.starts_with("1200 of 1200")
    });
    // Grouping asks only where each tag points (a HEAD per tag, several at a time), not
    // each tag's details.
    let grouping = Instant::now();
    s.click(&s.wait("[data-testid=group-by-digest]", 5));
    s.wait_text("[data-testid=tag-count]", 120, |t| {
        t.starts_with("1 image,")
    });
    let grouped_in = grouping.elapsed();
    eprintln!(
        "1200 tags grouped by digest in {} ms",
        grouped_in.as_millis()
    );
    assert_eq!(rows(&s).len(), 1, "one row");
    let size = s.script(
        "return document.querySelector('[data-tag]').dataset.groupSize",
        json!([]),
    );
    assert_eq!(size, json!("1200"));
    no_accessibility_problems(&s, "grouped tags");
    s.screenshot_themes("tags-grouped");
}

#[test]
fn retry_after_the_registry_is_back_and_remove_a_registry_with_its_login() {
    let mut registry = TestRegistry::start(Auth::Htpasswd(vec![(
        "rita".into(),
        "r1ta-secret-pw".into(),
    )]));
    seed::standard(&registry);
    let home = AppHome::new();
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&registry.host))]);
    let s = driver.open(&app_binary());
    let host = registry.host.clone();

    // Anonymous: the panel says to sign in, and offers that (not Retry); sign in from it,
    // and the list loads.
    s.wait_text("[role=alert]", 20, |t| t.contains("wants you to sign in"));
    assert!(
        s.find_all("[role=alert] [data-testid=retry]").is_empty(),
        "no Retry for a refused sign-in"
    );
    s.click(&s.wait("[role=alert] [data-testid=error-sign-in]", 5));
    s.type_into(&s.wait("input[name=username]", 5), "rita");
    s.type_into(&s.wait("input[name=secret]", 5), "r1ta-secret-pw");
    s.click(&s.wait("form[aria-label='Sign in'] button[type=submit]", 5));
    s.wait(
        &format!("button.reg[data-host='{host}'] .state[data-state='keyring']"),
        20,
    );
    assert!(keyring_has(&host));
    s.click(&s.wait(&format!("button.reg[data-host='{host}']"), 5));
    s.wait("[data-repo='team/app']", 20);

    // The registry goes down: a plain headline, the details folded, Retry.
    registry.stop();
    s.click(&s.wait(&format!("button.reg[data-host='{host}']"), 5));
    let headline = s.wait_text("[role=alert] .headline", 60, |t| t.contains("Can't reach"));
    assert!(
        headline.contains("is the registry running?"),
        "advice for a registry on this machine: {headline}"
    );
    s.wait(
        &format!("button.reg[data-host='{host}'] [data-testid=unreachable]"),
        5,
    );
    no_accessibility_problems(&s, "error panel");
    s.screenshot_themes("error-retry");
    registry.restart();
    s.click(&s.wait("[data-testid=retry]", 5));
    s.wait("[data-repo='team/app']", 30);
    assert!(
        s.find_all("[data-testid=unreachable]").is_empty(),
        "the sidebar's marker goes once it answers"
    );

    // Test connection, before a registry is added: what answers, and how it signs in.
    s.click(&s.wait("button.add", 5));
    s.type_into(&s.wait("input[name=host]", 5), &host);
    s.click(&s.wait("[data-testid=test-connection]:not([disabled])", 10));
    s.wait_text("[data-testid=test-result]", 20, |t| {
        t.contains(&format!("Reached {host}")) && t.contains("asks for a sign-in")
    });
    no_accessibility_problems(&s, "add registry");
    s.key("\u{E00C}");

    // Rename it: the sidebar says the new name; the host and the sign-in stay.
    s.click(&s.wait("[data-testid=rename-registry]", 5));
    let name = s.wait("input[name=registry-name]", 5);
    s.script(
        "arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'));",
        json!([name]),
    );
    s.type_into(&name, "Team registry");
    s.click(&s.wait("[data-testid=rename-submit]", 5));
    s.wait_text(&format!("button.reg[data-host='{host}'] .name"), 10, |t| {
        t == "Team registry"
    });
    assert!(keyring_has(&host), "a rename keeps the sign-in");

    // Remove it: the confirm says the keyring entry goes, and it does.
    s.click(&s.wait("[data-testid=remove-registry]", 5));
    s.wait_text("form[aria-label='Remove registry']", 5, |t| {
        t.contains("deleted from the keyring")
    });
    no_accessibility_problems(&s, "remove dialog");
    s.click(&s.wait("[data-testid=remove-submit]", 5));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !s
        .find_all(&format!("button.reg[data-host='{host}']"))
        .is_empty()
    {
        assert!(Instant::now() < deadline, "{host} is still in the sidebar");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!keyring_has(&host), "the keyring entry is gone");
}
