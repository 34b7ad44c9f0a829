//! The first minutes, at every size users try: a walk over the main views and dialogs in
//! a real window (Xvfb, WebDriver) at 1,280×800 and 1,024×700, light and dark, against a
//! real registry holding tag names up to 64 characters, a multi-platform index and an
//! image with history. At each stop nothing may stick out of the window, spill out of its
//! box or scroll sideways, no dialog control may fall outside its dialog, a tag name of up
//! to 64 characters is shown whole in the list at 1,280 px, and axe-core finds no serious
//! problem. The tag list is seen plain (with a row whose details fail: its manifest is
//! gone from the registry's storage) and grouped by digest with a group opened. Screenshots of each stop land in the test artifacts (`layout/`); `scripts/
//! screenshots` copies a few to `docs/screenshots/`.

use std::path::PathBuf;

use portolan_tests::app_home::AppHome;
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir};

/// The sizes walked: the common laptop, and the small window the issue was seen at.
const SIZES: [(u32, u32); 2] = [(1280, 800), (1024, 700)];

/// A tag name of 64 characters, the longest the list must show whole at 1,280 px.
const LONG_TAG: &str = "nightly-2026-01-15-build-4711-feature-very-long-branch-name-abcd";

/// A tag the registry lists but whose manifest it cannot serve: its row's details fail.
const BROKEN_TAG: &str = "broken";

/// The registry the walk reads: long tag names, a multi-platform index, a plain image, and
/// a tag whose manifest is lost.
fn seeded() -> TestRegistry {
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    let app = build_image(&ImageSpec::new("walk-app", "amd64", &[40_000, 2_000]));
    for tag in [
        "latest",
        "v1.2.3",
        LONG_TAG,
        "feature-very-long-name-for-a-branch",
    ] {
        pusher.push_image("team/app", tag, &app);
    }
    let (amd, arm) = (
        ImageSpec::new("walk-amd", "amd64", &[3_000]),
        ImageSpec::new("walk-arm", "arm64", &[5_000]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    pusher.push_index("team/app", "multi", &[&a, &b], &index);
    let broken = build_image(&ImageSpec::new("walk-broken", "amd64", &[1_000]));
    pusher.push_image("team/app", BROKEN_TAG, &broken);
    let hex = broken
        .manifest
        .digest
        .strip_prefix("sha256:")
        .expect("sha256 digest");
    let data = registry
        .storage()
        .join("docker/registry/v2/blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data");
    std::fs::remove_file(&data).expect("remove the broken tag's manifest");
    registry
}

/// Every layout problem at this stop, in both themes, with screenshots.
fn check(s: &Session, stop: &str, size: (u32, u32), found: &mut Vec<String>) {
    for theme in ["light", "dark"] {
        s.script(
            "document.documentElement.dataset.theme = arguments[0];",
            serde_json::json!([theme]),
        );
        let shot = artifacts_dir()
            .join("layout")
            .join(format!("{stop}-{}x{}-{theme}.png", size.0, size.1));
        s.screenshot(&shot);
        for p in s.layout_problems() {
            found.push(format!("{stop} at {}x{} ({theme}): {p}", size.0, size.1));
        }
    }
    s.script(
        "document.documentElement.dataset.theme = 'light';",
        serde_json::Value::Null,
    );
    for p in s.accessibility_problems() {
        found.push(format!(
            "{stop} at {}x{}: accessibility: {p}",
            size.0, size.1
        ));
    }
}

#[test]
fn every_view_and_dialog_fits_at_each_size_in_both_themes() {
    let registry = seeded();
    let home = AppHome::new();
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&registry.host))]);
    let s = driver.open(&app_binary());
    let mut found = Vec::new();
    for size in SIZES {
        s.resize(size.0, size.1);
        s.wait("[data-repo='team/app']", 30);
        check(&s, "repositories", size, &mut found);

        s.click(&s.wait("[data-repo='team/app']", 10));
        s.wait(&format!("[data-tag='{LONG_TAG}'] .size:not(.pending)"), 30);
        s.wait(
            &format!("[data-tag='{BROKEN_TAG}'] [data-testid=row-retry]"),
            30,
        );
        check(&s, "tags", size, &mut found);

        // Grouped by digest (the option is in the toolbar's "⋯" menu in a narrow window),
        // the group of four tags opened.
        if s.find_all("[data-testid=toolbar-more]").is_empty() {
            s.click(&s.wait("[data-testid=group-by-digest]", 5));
        } else {
            s.click(&s.wait("[data-testid=toolbar-more]", 5));
            s.click(&s.wait("[data-testid=group-by-digest]", 5));
            check(&s, "tags-more", size, &mut found);
            s.click(&s.wait("[data-testid=toolbar-more]", 5));
        }
        s.wait_text("[data-testid=tag-count]", 30, |t| t.contains("images,"));
        s.click(&s.wait("[data-group-size='4'] [data-testid=group-expand]", 10));
        s.wait("[data-group-size='4'] .chips.open", 5);
        check(&s, "tags-grouped", size, &mut found);
        s.click(&s.wait("[data-group-size='4'] [data-testid=group-expand]", 5));
        if !s.find_all("[data-testid=toolbar-more]").is_empty() {
            s.click(&s.wait("[data-testid=toolbar-more]", 5));
        }
        s.click(&s.wait("[data-testid=group-by-digest]", 5));
        if !s.find_all("[data-testid=toolbar-more]").is_empty() {
            s.click(&s.wait("[data-testid=toolbar-more]", 5));
        }
        s.wait_text("[data-testid=tag-count]", 30, |t| t.starts_with("6 of 6"));

        // A row's copy menu.
        s.hover(&s.wait("[data-tag='latest']", 5));
        s.click(&s.wait("[data-tag='latest'] [data-testid=copy-open]", 5));
        check(&s, "copy-menu", size, &mut found);
        s.key("\u{E00C}");

        // Remove tag's confirm.
        s.hover(&s.wait("[data-tag='v1.2.3']", 5));
        s.click(&s.wait("[data-tag='v1.2.3'] [data-action=untag]", 5));
        s.wait("form.dialog", 10);
        check(&s, "remove-tag", size, &mut found);
        s.key("\u{E00C}");

        // Clean up, and Push.
        s.click(&s.wait("[data-testid=cleanup]", 5));
        s.wait("form.dialog", 10);
        check(&s, "cleanup", size, &mut found);
        s.key("\u{E00C}");
        s.click(&s.wait("[data-testid=push]", 5));
        s.wait("form.dialog", 10);
        check(&s, "push", size, &mut found);
        s.key("\u{E00C}");

        // The image, and the index.
        s.click(&s.wait("[data-tag='latest']", 5));
        s.wait("[data-testid=digest]", 30);
        s.wait("[data-testid=layer-size]", 30);
        check(&s, "image", size, &mut found);
        s.key("\u{E00C}");
        s.click(&s.wait("[data-tag='multi']", 10));
        s.wait("[data-testid=digest]", 30);
        s.wait("[data-testid=layer-size]", 30);
        check(&s, "index", size, &mut found);
        s.key("\u{E00C}");
        s.key("\u{E00C}");
    }
    assert!(
        found.is_empty(),
        "{} layout problems:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The registries of a busy sidebar: the demo registry (first, from the environment) and
/// seven more, some with long names, as a user adds them.
const SIDEBAR: [(&str, &str); 7] = [
    ("GitHub (ghcr.io)", "ghcr.io"),
    ("Docker Hub", "docker.io"),
    ("Quay", "quay.io"),
    (
        "GitLab of the platform team, the one with the long name",
        "registry.gitlab.com",
    ),
    ("Harbor", "harbor.platform-team.internal.example.com"),
    (
        "Amazon ECR (production, eu-central-1)",
        "123456789012.dkr.ecr.eu-central-1.amazonaws.com",
    ),
    ("Google Artifact Registry", "europe-west4-docker.pkg.dev"),
];

/// Eight registries fit the sidebar at 1,024×700 without scrolling, each name on one line;
/// Docker Hub signed out asks for a namespace (no error); Add registry with a preset chosen
/// fits at each size.
#[test]
fn a_busy_sidebar_docker_hub_signed_out_and_add_registry_with_a_preset() {
    let registry = TestRegistry::start(Auth::None);
    let home = AppHome::new();
    let store = home.path().join("data/dev.portolan.app");
    std::fs::create_dir_all(&store).expect("mkdir");
    let registries: Vec<_> = SIDEBAR
        .iter()
        .map(|(name, host)| serde_json::json!({ "name": name, "host": host, "insecure": false, "ca_file": null }))
        .collect();
    std::fs::write(
        store.join("settings.json"),
        serde_json::json!({ "settings": { "registries": registries } }).to_string(),
    )
    .expect("settings");
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&registry.host))]);
    let s = driver.open(&app_binary());
    let mut found = Vec::new();

    s.resize(1024, 700);
    s.wait("button.reg[data-host='docker.io']", 30);
    assert_eq!(
        s.find_all("button.reg[data-host]").len(),
        8,
        "eight registries"
    );
    // The empty registry says what to do next.
    s.wait("[data-testid=no-repositories]", 30);
    check(&s, "sidebar", (1024, 700), &mut found);
    let fit = s.script(
        "const ul = document.querySelector('.sidebar ul');
         const tall = [...document.querySelectorAll('button.reg .name')]
           .filter((n) => n.getBoundingClientRect().height > 24).map((n) => n.textContent);
         return { scrolls: ul.scrollHeight > ul.clientHeight + 1, tall };",
        serde_json::Value::Null,
    );
    assert_eq!(
        fit,
        serde_json::json!({ "scrolls": false, "tall": [] }),
        "eight registries fit without scrolling, each name on one line"
    );

    // Docker Hub, signed out: a namespace to name, not an error.
    s.click(&s.wait("button.reg[data-host='docker.io']", 5));
    s.wait("[data-testid=owner-prompt] input[name=namespace]", 30);
    assert!(s.find_all("[role=alert]").is_empty(), "no error panel");
    check(&s, "hub-signed-out", (1024, 700), &mut found);

    for size in SIZES {
        s.resize(size.0, size.1);
        s.click(&s.wait("button.add", 10));
        s.click(&s.wait("[data-preset=ecr]", 5));
        s.wait_text("[data-testid=preset-hint]", 5, |t| {
            t.contains("get-login-password")
        });
        let host = s.script(
            "return document.querySelector('input[name=host]').value",
            serde_json::Value::Null,
        );
        assert_eq!(
            host,
            serde_json::json!("<account>.dkr.ecr.<region>.amazonaws.com")
        );
        check(&s, "add-registry", size, &mut found);
        s.key("\u{E00C}");
    }
    assert!(
        found.is_empty(),
        "{} layout problems:\n{}",
        found.len(),
        found.join("\n")
    );
}
