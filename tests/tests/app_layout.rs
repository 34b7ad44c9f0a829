//! The first minutes, at every size users try: a walk over the main views and dialogs in
//! a real window (Xvfb, WebDriver) at 1,280×800 and 1,024×700, light and dark, against a
//! real registry holding tag names up to 64 characters, a multi-platform index and an
//! image with history. At each stop nothing may stick out of the window, spill out of its
//! box or scroll sideways, no dialog control may fall outside its dialog, a tag name of up
//! to 64 characters is shown whole in the list at 1,280 px, and axe-core finds no serious
//! problem. The stops: the repositories, the tags, a row's copy menu, Remove tag, Delete
//! image, Clean up and its preview, Push, the image with a finished pull in the transfers
//! panel (folded, then open), its copy menu (each copy menu must sit at its button), Tag,
//! Pull to, Copy to, and the index. On the way, Escape after Delete's dialog must give the
//! focus back to the list. Screenshots of each stop land in the test artifacts (`layout/`);
//! `scripts/screenshots` copies a few to `docs/screenshots/`.

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

/// Escape, Delete and other keys sent to whatever has the focus.
const ESCAPE: &str = "\u{E00C}";
const DELETE: &str = "\u{E017}";

/// How far an open copy menu is from the button that opened it: it must sit right under
/// or over it (within 8 px), inside the window, and not leftwards of the list it is in.
fn copy_menu_misplaced(s: &Session, trigger: &str) -> Option<String> {
    let found = s.script(
        "const b = document.querySelector(arguments[0]).getBoundingClientRect();
         const m = document.querySelector('[role=menu]').getBoundingClientRect();
         const near = Math.min(Math.abs(m.top - b.bottom), Math.abs(b.top - m.bottom));
         const inside = m.left >= 0 && m.right <= innerWidth && m.top >= 0 && m.bottom <= innerHeight;
         const over = m.right >= b.left && m.left <= b.right;
         return near <= 8 && inside && over ? null
           : `copy menu ${Math.round(m.left)},${Math.round(m.top)}..${Math.round(m.right)},${Math.round(m.bottom)} is not at its button ${Math.round(b.left)},${Math.round(b.top)}..${Math.round(b.right)},${Math.round(b.bottom)}`;",
        serde_json::json!([trigger]),
    );
    found.as_str().map(str::to_owned)
}

/// What has the focus: `grid` for a list, else the element's tag and test id.
fn focused(s: &Session) -> String {
    s.script(
        "const a = document.activeElement;
         return a?.getAttribute('role') === 'grid' ? 'grid' : `${a?.tagName} ${a?.dataset?.testid ?? ''}`;",
        serde_json::Value::Null,
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Open a dialog with `open`, check it as `stop`, close it with Escape.
fn dialog_stop(
    s: &Session,
    stop: &str,
    size: (u32, u32),
    found: &mut Vec<String>,
    open: &str,
    ready: &str,
) {
    s.click(&s.wait(open, 10));
    s.wait("form.dialog", 10);
    s.wait(ready, 30);
    check(s, stop, size, found);
    s.key(ESCAPE);
}

#[test]
fn every_view_and_dialog_fits_at_each_size_in_both_themes() {
    let registry = seeded();
    let home = AppHome::new();
    let driver = home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&registry.host))]);
    let s = driver.open(&app_binary());
    let mut found = Vec::new();
    for (n, size) in SIZES.into_iter().enumerate() {
        s.resize(size.0, size.1);
        s.wait("[data-repo='team/app']", 30);
        check(&s, "repositories", size, &mut found);

        s.click(&s.wait("[data-repo='team/app']", 10));
        s.wait(&format!("[data-tag='{LONG_TAG}'] .digest"), 30);
        check(&s, "tags", size, &mut found);

        // A row's copy menu: at its button, though the rows scroll inside a transform.
        s.hover(&s.wait("[data-tag='latest']", 5));
        let trigger = "[data-tag='latest'] [data-testid=copy-open]";
        s.click(&s.wait(trigger, 5));
        s.wait("[role=menu]", 5);
        check(&s, "copy-menu", size, &mut found);
        found.extend(
            copy_menu_misplaced(&s, trigger)
                .map(|p| format!("copy-menu at {}x{}: {p}", size.0, size.1)),
        );
        s.key(ESCAPE);
        assert!(
            s.find_all("[role=menu]").is_empty(),
            "Escape closes the copy menu"
        );

        // Remove tag's confirm, for the longest name (the title and the text wrap it).
        s.hover(&s.wait(&format!("[data-tag='{LONG_TAG}']"), 5));
        dialog_stop(
            &s,
            "remove-tag",
            size,
            &mut found,
            &format!("[data-tag='{LONG_TAG}'] [data-action=untag]"),
            "[data-testid=untag-submit]",
        );

        // From the keyboard: Delete opens the cursor row's Remove tag, Escape closes it and
        // gives the focus back to the list, where Delete opens it again.
        if n == 0 {
            s.script(
                "document.querySelector('[role=grid]').focus();",
                serde_json::Value::Null,
            );
            s.key(DELETE);
            s.wait("form.dialog [data-testid=untag-submit]", 10);
            s.key(ESCAPE);
            std::thread::sleep(std::time::Duration::from_millis(200));
            assert!(
                s.find_all("form.dialog").is_empty(),
                "Escape closes the dialog"
            );
            assert_eq!(
                focused(&s),
                "grid",
                "after Escape the focus is back on the list"
            );
            s.key(DELETE);
            s.wait("form.dialog [data-testid=untag-submit]", 10);
            s.key(ESCAPE);
        }

        // Delete image's confirm.
        s.hover(&s.wait("[data-tag='latest']", 5));
        dialog_stop(
            &s,
            "delete-image",
            size,
            &mut found,
            "[data-tag='latest'] [data-action=delete]",
            "[data-testid=delete-tags]",
        );

        // Clean up, its preview, and Push.
        dialog_stop(
            &s,
            "cleanup",
            size,
            &mut found,
            "[data-testid=cleanup]",
            "[data-testid=cleanup-preview]",
        );
        s.click(&s.wait("[data-testid=cleanup]", 5));
        s.click(&s.wait("[data-testid=cleanup-preview]", 10));
        s.wait("[data-testid=cleanup-plan]", 30);
        check(&s, "cleanup-plan", size, &mut found);
        s.key(ESCAPE);
        dialog_stop(
            &s,
            "push",
            size,
            &mut found,
            "[data-testid=push]",
            "[data-testid=push-submit]",
        );

        // The image; its copy menu and dialogs.
        s.click(&s.wait("[data-tag='latest'] .tag", 5));
        s.wait("[data-testid=digest]", 30);
        s.wait("[data-testid=layer-size]", 30);
        if n == 0 {
            // A finished transfer in the panel (folded into a line), and the panel open.
            s.click(&s.wait("[data-testid=pull]", 5));
            s.wait_text(
                "[data-testid=transfer]:last-child [data-testid=pull-state]",
                60,
                |t| t.contains("saved to"),
            );
        }
        check(&s, "image", size, &mut found);
        s.click(&s.wait("[data-testid=transfers-toggle]", 5));
        s.wait("[data-testid=transfer] .row", 5);
        check(&s, "transfers", size, &mut found);
        s.click(&s.wait("[data-testid=transfers-toggle]", 5));
        let trigger = "[data-testid=image-copy] [data-testid=copy-open]";
        s.click(&s.wait(trigger, 5));
        s.wait("[role=menu]", 5);
        check(&s, "image-copy", size, &mut found);
        found.extend(
            copy_menu_misplaced(&s, trigger)
                .map(|p| format!("image-copy at {}x{}: {p}", size.0, size.1)),
        );
        s.key(ESCAPE);
        dialog_stop(
            &s,
            "tag-dialog",
            size,
            &mut found,
            "[data-testid=tag-image]",
            "[data-testid=tag-submit]",
        );
        dialog_stop(
            &s,
            "pull-to",
            size,
            &mut found,
            "[data-testid=pull-to]",
            "[data-testid=pull-submit]",
        );
        dialog_stop(
            &s,
            "copy-to",
            size,
            &mut found,
            "[data-testid=copy-to]",
            "[data-testid=copy-submit]",
        );
        s.key(ESCAPE);

        // The index.
        s.click(&s.wait("[data-tag='multi'] .tag", 10));
        s.wait("[data-testid=digest]", 30);
        s.wait("[data-testid=layer-size]", 30);
        check(&s, "index", size, &mut found);
        s.key(ESCAPE);
        s.key(ESCAPE);
    }
    assert!(
        found.is_empty(),
        "{} layout problems:\n{}",
        found.len(),
        found.join("\n")
    );
}
