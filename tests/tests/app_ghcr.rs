//! Managing a ghcr.io package in a real window (Xvfb, WebDriver), against a ghcr.io of the
//! tests' own (`github_packages`: a real registry whose every registry `DELETE` is refused
//! with 405, and a GitHub Packages API backed by it): Remove tag of one of two tags (the
//! confirm says the version keeps the other; the tag goes through a placeholder version,
//! none left; Undo puts it back), deleting two versions picked in the Versions view, and a
//! clean-up by rules that keeps the platform images of a kept multi-arch tag. skopeo reads
//! the registry independently.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use portolan_tests::app_binary;
use portolan_tests::app_home::AppHome;
use portolan_tests::github_packages::GhcrLike;
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::webdriver::{Driver, Session};
use serde_json::{json, Value};

/// The app, signed in to `ghcr` (a docker login), with it as its registry and its API as
/// GitHub's.
fn open_app(home: &AppHome, ghcr: &GhcrLike) -> Driver {
    let docker = home.path().join("docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let auth = base64::engine::general_purpose::STANDARD.encode("octo:ghp_classictoken");
    std::fs::write(
        docker.join("config.json"),
        json!({"auths": {ghcr.front.host.clone(): {"auth": auth}}}).to_string(),
    )
    .expect("docker login");
    let host = PathBuf::from(&ghcr.front.host);
    let api = PathBuf::from(ghcr.api_url());
    home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_GITHUB_API", &api),
        ("PORTOLAN_GITHUB_ACCEPT", Path::new("application/json")),
        ("PORTOLAN_GITHUB_REGISTRY", &host),
    ])
}

/// The package's tags, opened by name (`octo/app`) from the Packages view.
fn open_tags_by_name(s: &Session) {
    let owner = s.wait("input[name=owner]", 30);
    s.type_into(&owner, "octo/app");
    s.key("\u{E007}");
}

fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn wait_gone(s: &Session, css: &str) {
    wait_until(&format!("{css} gone"), || s.find_all(css).is_empty());
}

/// The fate (`delete`, `untag`, `keep`) the open plan gives the version `digest`.
fn plan_fate(s: &Session, digest: &str) -> Value {
    s.script(
        "return document.querySelector(`[data-testid=versions-plan] [data-digest='${arguments[0]}']`)?.getAttribute('data-fate') ?? null;",
        json!([digest]),
    )
}

/// The registry holds one tag, `tag`, on `digest`, and GitHub one version, `digest`'s (no
/// placeholder version left), and no registry `DELETE` was tried.
fn assert_only_left(ghcr: &GhcrLike, tag: &str, digest: &str) {
    assert_eq!(ghcr.skopeo_tags(), [tag]);
    assert_eq!(ghcr.skopeo_digest(tag).as_deref(), Some(digest));
    assert_eq!(
        version_digests(ghcr),
        [digest],
        "one version, no placeholder version left"
    );
    assert_eq!(
        ghcr.refused_registry_deletes(),
        0,
        "no registry DELETE tried"
    );
}

fn version_digests(ghcr: &GhcrLike) -> Vec<String> {
    ghcr.versions()
        .iter()
        .filter_map(|v: &Value| v["name"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn remove_one_of_two_tags_keeps_the_other_and_undo_puts_it_back() {
    let ghcr = GhcrLike::start();
    let image = ghcr.push_tagged("app-two-tags", &["v1", "latest"]);
    let home = AppHome::new();
    let driver = open_app(&home, &ghcr);
    let s = driver.open(&app_binary());

    // The repository's tags, opened by name from the Packages view.
    open_tags_by_name(&s);
    s.wait("[data-tag='v1'] .digest", 20);
    s.hover(&s.wait("[data-tag='v1']", 5));
    s.click(&s.wait("[data-tag='v1'] [data-action=untag]", 5));

    // The confirm says what ghcr.io will do: the version keeps its other tag.
    let said = s.wait_text("[data-testid=untag-keeps-others]", 20, |t| {
        t.contains("latest")
    });
    assert!(!said.contains("deletes the version"), "{said}");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "untag confirm: {problems:?}");
    s.click(&s.wait("[data-testid=untag-submit]", 5));
    wait_gone(&s, "[data-tag='v1']");
    s.wait("[data-testid=undo-toast]", 5);

    assert_only_left(&ghcr, "latest", &image.manifest.digest);

    // Undo, through the ops undo: v1 points at the image again, still one version.
    s.click(&s.wait("[data-testid=undo]", 5));
    s.wait("[data-tag='v1']", 20);
    wait_until("v1 back in the registry", || {
        ghcr.skopeo_digest("v1").as_deref() == Some(image.manifest.digest.as_str())
    });
    assert_eq!(ghcr.skopeo_tags(), ["latest", "v1"]);
    assert_eq!(version_digests(&ghcr), [image.manifest.digest.as_str()]);
}

#[test]
fn delete_picked_versions_then_clean_up_keeps_a_kept_index_platform_images() {
    let ghcr = GhcrLike::start();
    let one = ghcr.push_tagged("pick-one", &["one"]);
    let two = ghcr.push_tagged("pick-two", &["two"]);
    let three = ghcr.push_tagged("pick-three", &["three"]);
    let (amd, arm) = (
        ImageSpec::new("keep-amd", "amd64", &[100]),
        ImageSpec::new("keep-arm", "arm64", &[100]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    Pusher::new(&ghcr.registry).push_index("octo/app", "multi", &[&a, &b], &index);
    let orphan = build_image(&ImageSpec::new("orphan", "amd64", &[100]));
    ghcr.push_untagged(&orphan);
    for digest in [
        &one.manifest.digest,
        &two.manifest.digest,
        &three.manifest.digest,
        &index.digest,
        &a.manifest.digest,
        &b.manifest.digest,
        &orphan.manifest.digest,
    ] {
        ghcr.set_created(digest, "2025-01-01T00:00:00Z");
    }

    let home = AppHome::new();
    let driver = open_app(&home, &ghcr);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-package='octo/app']", 30));
    let row = |d: &str| format!("[data-digest='{d}']");
    s.wait(&row(&orphan.manifest.digest), 20);

    // Pick two versions, preview, delete.
    s.click(&s.wait(
        &format!("{} [data-testid=pick-version]", row(&one.manifest.digest)),
        5,
    ));
    s.click(&s.wait(
        &format!("{} [data-testid=pick-version]", row(&two.manifest.digest)),
        5,
    ));
    s.click(&s.wait("[data-testid=delete-versions]", 5));
    let preview = s.wait_text("[data-testid=versions-plan]", 10, |t| {
        t.contains("one") && t.contains("two")
    });
    assert!(!preview.contains("three"), "{preview}");
    s.wait_text("[data-testid=versions-count]", 5, |t| {
        t.starts_with("2 versions")
    });
    s.click(&s.wait("[data-testid=versions-run]", 5));
    s.wait_text("[data-testid=versions-summary]", 30, |t| !t.is_empty());
    assert!(s.find_all("[data-testid=versions-failures]").is_empty());
    s.click(&s.wait("[data-testid=versions-done]", 5));
    let left = version_digests(&ghcr);
    assert!(
        !left.contains(&one.manifest.digest) && !left.contains(&two.manifest.digest),
        "{left:?}"
    );
    assert!(left.contains(&three.manifest.digest), "{left:?}");
    assert!(ghcr.skopeo_digest("one").is_none() && ghcr.skopeo_digest("two").is_none());
    wait_gone(&s, &row(&one.manifest.digest));

    // Clean up untagged versions older than 30 days: the orphan goes; the platform images
    // of the kept `multi` stay, and the preview says so.
    s.click(&s.wait("[data-testid=cleanup-versions]", 5));
    s.click(&s.wait("[data-testid=versions-preview]", 5));
    s.wait("[data-testid=versions-plan]", 30);
    let fate = |d: &str| plan_fate(&s, d);
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "clean-up preview: {problems:?}");
    assert_eq!(fate(&orphan.manifest.digest), json!("delete"));
    assert_eq!(fate(&a.manifest.digest), json!("keep"));
    assert_eq!(fate(&b.manifest.digest), json!("keep"));
    assert_eq!(fate(&index.digest), json!("keep"));
    s.click(&s.wait("[data-testid=versions-run]", 5));
    s.wait_text("[data-testid=versions-summary]", 30, |t| !t.is_empty());
    assert!(s.find_all("[data-testid=versions-failures]").is_empty());

    let left = version_digests(&ghcr);
    assert!(!left.contains(&orphan.manifest.digest), "{left:?}");
    for kept in [
        &a.manifest.digest,
        &b.manifest.digest,
        &index.digest,
        &three.manifest.digest,
    ] {
        assert!(left.contains(kept), "{kept} kept: {left:?}");
    }
    // The multi-arch tag still pulls for both platforms.
    assert_eq!(
        ghcr.skopeo_digest("multi").as_deref(),
        Some(index.digest.as_str())
    );
    assert_eq!(
        ghcr.skopeo_digest(&a.manifest.digest).as_deref(),
        Some(a.manifest.digest.as_str())
    );
    assert_eq!(
        ghcr.skopeo_digest(&b.manifest.digest).as_deref(),
        Some(b.manifest.digest.as_str())
    );
}

#[test]
fn an_untag_stopped_half_way_says_what_is_left_and_finish_completes_it() {
    let ghcr = GhcrLike::start();
    let image = ghcr.push_tagged("app-half-way", &["v1", "latest"]);
    let home = AppHome::new();
    let driver = open_app(&home, &ghcr);
    let s = driver.open(&app_binary());
    open_tags_by_name(&s);
    s.wait("[data-tag='v1'] .digest", 20);
    s.hover(&s.wait("[data-tag='v1']", 5));
    s.click(&s.wait("[data-tag='v1'] [data-action=untag]", 5));
    s.wait_text("[data-testid=untag-keeps-others]", 20, |t| {
        t.contains("latest")
    });

    // GitHub refuses the placeholder version's delete: the dialog says exactly what is
    // left, and offers Finish.
    ghcr.refuse_deletes(1);
    s.click(&s.wait("[data-testid=untag-submit]", 5));
    let left = s.wait_text("[data-testid=untag-left]", 20, |t| {
        t.contains("placeholder")
    });
    assert!(left.contains("sha256:"), "{left}");
    assert_eq!(s.find_all("[data-testid=untag-undo]").len(), 1);
    let held = version_digests(&ghcr);
    assert_eq!(held.len(), 2, "the placeholder's version is left: {held:?}");

    s.click(&s.wait("[data-testid=untag-finish]", 5));
    wait_gone(&s, "[data-tag='v1']");
    assert_eq!(ghcr.skopeo_tags(), ["latest"]);
    assert_eq!(version_digests(&ghcr), [image.manifest.digest.as_str()]);
}

#[test]
fn remove_a_tag_from_the_versions_view_and_undo() {
    let ghcr = GhcrLike::start();
    let image = ghcr.push_tagged("versions-untag", &["v1", "latest"]);
    let solo = ghcr.push_tagged("versions-solo", &["solo"]);
    let home = AppHome::new();
    let driver = open_app(&home, &ghcr);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-package='octo/app']", 30));
    let row = format!("[data-digest='{}']", image.manifest.digest);
    // The row is still while the pointer is on it: its size is in.
    s.wait_text(&format!("{row} [data-testid=version-size]"), 20, |t| {
        !t.is_empty()
    });
    s.hover(&s.wait(&row, 5));
    s.click(&s.wait(&format!("{row} [aria-label='Remove tag v1']"), 5));
    s.wait_text("[data-testid=untag-keeps-others]", 20, |t| {
        t.contains("latest")
    });
    s.click(&s.wait("[data-testid=untag-submit]", 5));
    s.wait("[data-testid=versions-undo-toast]", 20);
    assert_eq!(ghcr.skopeo_tags(), ["latest", "solo"]);
    assert!(version_digests(&ghcr).contains(&image.manifest.digest));
    assert_eq!(
        version_digests(&ghcr).len(),
        2,
        "no placeholder version left"
    );

    s.click(&s.wait("[data-testid=versions-undo]", 5));
    wait_until("v1 back", || ghcr.skopeo_tags() == ["latest", "solo", "v1"]);
    assert_eq!(
        ghcr.skopeo_digest("v1").as_deref(),
        Some(image.manifest.digest.as_str())
    );
    assert_eq!(
        version_digests(&ghcr).len(),
        2,
        "no placeholder version left"
    );

    // The list has loaded again after the undo (its rows are new): v1 is back on its row.
    wait_until("the list loaded again", || {
        s.script(
            "return document.querySelector(arguments[0])?.textContent ?? '';",
            json!([row]),
        )
        .as_str()
        .is_some_and(|t| t.contains("v1"))
    });

    // A sole tag: the confirm says the version goes (restorable), and it does.
    let solo_row = format!("[data-digest='{}']", solo.manifest.digest);
    s.wait_text(&format!("{solo_row} [data-testid=version-size]"), 20, |t| {
        !t.is_empty()
    });
    s.hover(&s.wait(&solo_row, 20));
    s.click(&s.wait(&format!("{solo_row} [aria-label='Remove tag solo']"), 5));
    s.wait_text("[data-testid=untag-deletes-version]", 20, |t| {
        t.contains("deletes the version") && t.contains("30 days")
    });
    s.click(&s.wait("[data-testid=untag-submit]", 5));
    wait_gone(&s, &solo_row);
    assert!(!version_digests(&ghcr).contains(&solo.manifest.digest));
    assert_eq!(ghcr.skopeo_tags(), ["latest", "v1"]);
}

#[test]
fn versions_say_platform_and_size_and_deleting_an_index_takes_its_images_along() {
    let ghcr = GhcrLike::start();
    let (amd, arm) = (
        ImageSpec::new("rows-amd", "amd64", &[3000]),
        ImageSpec::new("rows-arm", "arm64", &[5000]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    Pusher::new(&ghcr.registry).push_index("octo/app", "multi", &[&a, &b], &index);
    let many: Vec<String> = (1..=7).map(|n| format!("r{n}")).collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let tagged = ghcr.push_tagged("rows-many", &many_refs);

    let home = AppHome::new();
    let driver = open_app(&home, &ghcr);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-package='octo/app']", 30));
    let row = |d: &str| format!("[data-digest='{d}']");

    // A platform image under its index says which platform; every row says its size, read
    // from its manifest (an index: its smallest to largest platform image).
    s.wait_text(
        &format!("{} [data-testid=platform-image]", row(&b.manifest.digest)),
        20,
        |t| t.starts_with("linux/arm64 image of"),
    );
    let size = |d: &str| {
        s.wait_text(&format!("{} [data-testid=version-size]", row(d)), 20, |t| {
            !t.is_empty()
        })
    };
    assert!(
        size(&a.manifest.digest).ends_with("KiB"),
        "{}",
        size(&a.manifest.digest)
    );
    assert!(size(&index.digest).contains('–'), "{}", size(&index.digest));
    let platforms = s.wait_text(
        &format!("{} [data-testid=version-platforms]", row(&index.digest)),
        20,
        |t| !t.is_empty(),
    );
    assert!(
        platforms.contains("linux/amd64") && platforms.contains("linux/arm64"),
        "{platforms}"
    );

    // Seven tags: three chips and "+4", whose title lists them all and whose click shows
    // every tag, each removable.
    let tags_row = row(&tagged.manifest.digest);
    let chips = s.find_all(&format!("{tags_row} [data-testid=tag-chip]"));
    assert_eq!(chips.len(), 3);
    let more = s.wait(&format!("{tags_row} [data-testid=more-tags]"), 5);
    assert_eq!(s.text(&more), "+4");
    let title = s.script(
        "return document.querySelector(arguments[0]).getAttribute('title');",
        json!([format!("{tags_row} [data-testid=more-tags]")]),
    );
    assert_eq!(title, json!(many.join(", ")));
    s.click(&more);
    let all = s.wait_text("[data-testid=all-tags]", 5, |t| t.contains("r7"));
    for t in &many {
        assert!(all.contains(t.as_str()), "{all}");
    }
    assert_eq!(
        s.find_all("[data-testid=all-tags] [data-testid=untag-version-tag]")
            .len(),
        7
    );
    s.key("\u{E00C}");
    wait_gone(&s, "[data-testid=all-tags]");

    // Picking the index: the preview says its platform images go with it.
    s.click(&s.wait(
        &format!("{} [data-testid=pick-version]", row(&index.digest)),
        5,
    ));
    s.click(&s.wait("[data-testid=delete-versions]", 5));
    let plan = s.wait_text("[data-testid=versions-plan]", 20, |t| {
        t.contains("deleted index")
    });
    assert!(
        plan.contains("linux/amd64 image of deleted index multi"),
        "{plan}"
    );
    assert!(
        plan.contains("linux/arm64 image of deleted index multi"),
        "{plan}"
    );
    s.wait_text("[data-testid=versions-count]", 5, |t| {
        t.starts_with("3 versions")
    });
    s.click(&s.wait("[data-testid=versions-run]", 5));
    s.wait_text("[data-testid=versions-summary]", 30, |t| !t.is_empty());
    let left = version_digests(&ghcr);
    assert_eq!(
        left,
        [tagged.manifest.digest.as_str()],
        "the index and its images went"
    );
    assert!(ghcr.skopeo_digest("multi").is_none());
}

#[test]
fn remove_picked_tags_in_the_tags_view_untags_or_deletes_each_version() {
    let ghcr = GhcrLike::start();
    let shared = ghcr.push_tagged("bulk-shared", &["keep", "drop-a"]);
    let bare = ghcr.push_tagged("bulk-bare", &["drop-b"]);
    let home = AppHome::new();
    let driver = open_app(&home, &ghcr);
    let s = driver.open(&app_binary());
    open_tags_by_name(&s);
    for tag in ["drop-a", "drop-b"] {
        s.wait(&format!("[data-tag='{tag}'] .digest"), 20);
        s.click(&s.wait(&format!("[data-tag='{tag}'] .pick"), 5));
    }
    s.click(&s.wait("[data-testid=untag-selected]", 5));

    // The preview is the version plan: one version loses drop-a and keeps `keep`; the
    // other, left with no tag, is deleted.
    let fate = |d: &str| plan_fate(&s, d);
    s.wait_text("[data-testid=versions-plan]", 20, |t| {
        t.contains("keeps keep")
    });
    assert_eq!(fate(&shared.manifest.digest), json!("untag"));
    assert_eq!(fate(&bare.manifest.digest), json!("delete"));
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "remove tags preview: {problems:?}");
    s.click(&s.wait("[data-testid=versions-run]", 5));
    let summary = s.wait_text("[data-testid=versions-summary]", 30, |t| !t.is_empty());
    assert!(
        s.find_all("[data-testid=versions-failures]").is_empty(),
        "{summary}"
    );

    assert_only_left(&ghcr, "keep", &shared.manifest.digest);
}
