//! The first minutes, at every size users try: a walk over the main views and dialogs in
//! a real window (Xvfb, WebDriver) at 1,280×800, 1,024×700 and 800×600, light and dark,
//! against a real registry holding tag names up to 64 characters, a multi-platform index and an
//! image with history. At each stop nothing may stick out of the window, spill out of its
//! box or scroll sideways, no dialog control may fall outside its dialog, a tag name of up
//! to 64 characters is shown whole in the list at 1,280 px, and axe-core finds no serious
//! problem. The stops: the repositories, the tags (with a row whose details fail: its
//! manifest is gone from the registry's storage), the toolbar's "⋯" menu in a narrow
//! window, the tags grouped by digest with a group opened, a row's copy menu, Remove tag,
//! Delete image, Clean up and its preview, Push, the image (its header, with a finished
//! pull in the transfers panel, folded then open), its copy menu (each copy menu must sit
//! at its button), its Pull menu, each tab (Layers, Files, Config, Raw), Delete image, Tag,
//! Pull to, Copy to, and the index's overview with its platforms. On the way, Escape after Delete's dialog
//! must give the focus back to the list. Screenshots of each stop land in the test
//! artifacts (`layout/`); `scripts/screenshots` copies a few to `docs/screenshots/`.

use std::path::PathBuf;

use portolan_tests::app_home::AppHome;
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir};

/// The sizes walked: the common laptop, a small window, and the app's near-smallest.
const SIZES: [(u32, u32); 3] = [(1280, 800), (1024, 700), (800, 600)];

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
            // The first row (`broken`) has no digest to act on: the next one.
            s.key("\u{E015}");
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

        // The image: its header, its copy menu, each tab, the Pull menu, its dialogs.
        s.click(&s.wait("[data-tag='latest'] .tag", 5));
        s.wait("[data-testid=digest]", 30);
        s.click(&s.wait("[data-tab=overview]", 10));
        s.wait("[data-testid=image-summary]", 30);
        s.wait("[data-testid=tags-here]", 30);
        if n == 0 {
            // A finished transfer in the panel (folded into a line), and the panel open.
            s.click(&s.wait("[data-testid=pull-open]", 5));
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
        s.click(&s.wait("[data-testid=pull-open]", 5));
        s.wait("[data-testid=pull-to]", 5);
        check(&s, "pull-menu", size, &mut found);
        s.key(ESCAPE);
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
        dialog_stop(
            &s,
            "delete-image",
            size,
            &mut found,
            "[data-testid=delete-image]",
            "[data-testid=delete-tags]",
        );
        dialog_stop(
            &s,
            "tag-dialog",
            size,
            &mut found,
            "[data-testid=tag-image]",
            "[data-testid=tag-submit]",
        );
        s.click(&s.wait("[data-testid=pull-open]", 5));
        dialog_stop(
            &s,
            "pull-to",
            size,
            &mut found,
            "[data-testid=pull-to]",
            "[data-testid=pull-submit]",
        );
        s.click(&s.wait("[data-testid=pull-open]", 5));
        dialog_stop(
            &s,
            "copy-to",
            size,
            &mut found,
            "[data-testid=copy-to]",
            "[data-testid=copy-submit]",
        );
        s.key(ESCAPE);

        // The index: its platforms on the overview.
        s.click(&s.wait("[data-tag='multi'] .tag", 10));
        s.wait("[data-testid=digest]", 30);
        s.click(&s.wait("[data-tab=overview]", 10));
        s.wait("[data-testid=platform-facts]", 30);
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
