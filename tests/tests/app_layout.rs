//! The first minutes, at every size users try: a walk over the main views and dialogs in
//! a real window (Xvfb, WebDriver) at 1,280×800 and 1,024×700, light and dark, against a
//! real registry holding tag names up to 64 characters, a multi-platform index and an
//! image with history. At each stop nothing may stick out of the window, spill out of its
//! box or scroll sideways, no dialog control may fall outside its dialog, a tag name of up
//! to 64 characters is shown whole in the list at 1,280 px, and axe-core finds no serious
//! problem. Screenshots of each stop land in the test artifacts (`layout/`); `scripts/
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

/// The registry the walk reads: long tag names, a multi-platform index, a plain image.
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
        s.wait(&format!("[data-tag='{LONG_TAG}'] .digest"), 30);
        check(&s, "tags", size, &mut found);

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

        // The image: its header and each tab, the Pull menu open.
        s.click(&s.wait("[data-tag='latest']", 5));
        s.wait("[data-testid=digest]", 30);
        s.click(&s.wait("[data-tab=overview]", 10));
        s.wait("[data-testid=image-summary]", 30);
        s.wait("[data-testid=tags-here]", 30);
        check(&s, "image", size, &mut found);
        s.click(&s.wait("[data-testid=pull-open]", 5));
        s.wait("[data-testid=pull-to]", 5);
        check(&s, "pull-menu", size, &mut found);
        s.key("\u{E00C}");
        s.click(&s.wait("[data-tab=layers]", 5));
        s.wait("[data-testid=layer-size]", 30);
        check(&s, "layers", size, &mut found);
        s.click(&s.wait("[data-tab=files]", 5));
        s.wait("[data-testid=merged-summary]", 30);
        check(&s, "files", size, &mut found);
        s.click(&s.wait("[data-tab=config]", 5));
        s.wait("table.config", 10);
        check(&s, "config", size, &mut found);
        s.click(&s.wait("[data-tab=raw]", 5));
        s.click(&s.wait("[data-testid=raw-manifest]", 5));
        s.wait(".raw-head", 10);
        check(&s, "raw", size, &mut found);
        s.click(&s.wait("[data-testid=delete-image]", 5));
        s.wait("[data-testid=delete-tags]", 30);
        check(&s, "delete-image", size, &mut found);
        s.key("\u{E00C}");
        s.key("\u{E00C}");
        // The index: its platforms on the overview.
        s.click(&s.wait("[data-tag='multi']", 10));
        s.wait("[data-testid=digest]", 30);
        s.click(&s.wait("[data-tab=overview]", 10));
        s.wait("[data-testid=platform-facts]", 30);
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
