//! The app's actions in a real window (Xvfb, WebDriver) against a real registry, checked
//! with skopeo, an independent client: tag, untag with Undo, delete by digest, and a bulk
//! clean-up from its preview; a tag added while a delete or a clean-up waits for its
//! confirm is never removed.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use portolan::{Client, Reference};
use portolan_tests::app_home::AppHome;
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir, block_on, seed, skopeo};

const BACKSPACE: &str = "\u{E003}";

/// The digest `host/repo:tag` resolves to, as skopeo sees it (`None`: no such tag).
fn skopeo_digest(registry: &TestRegistry, reference: &str) -> Option<String> {
    skopeo::digest(&format!("docker://{}", registry.reference(reference)))
}

/// The tags of `repo`, as skopeo lists them.
fn skopeo_tags(registry: &TestRegistry, repo: &str) -> BTreeSet<String> {
    let v = skopeo::json(&[
        "list-tags",
        "--tls-verify=false",
        &format!("docker://{}", registry.reference(repo)),
    ]);
    v["Tags"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The app, with `registry` as its first registry, showing the repository list.
fn open_app(home: &AppHome, registry: &TestRegistry) -> portolan_tests::webdriver::Driver {
    let host = std::path::PathBuf::from(&registry.host);
    home.driver_with(&[("PORTOLAN_DEMO_REGISTRY", &host)])
}

fn wait_gone(s: &Session, css: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !s.find_all(css).is_empty() {
        assert!(Instant::now() < deadline, "{css} is still shown");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Point at a tag's row (its action buttons show) and click one of them.
fn row_action(s: &Session, tag: &str, action: &str) {
    s.wait(&format!("[data-tag='{tag}'] .digest"), 20);
    s.hover(&s.wait(&format!("[data-tag='{tag}']"), 5));
    s.click(&s.wait(&format!("[data-tag='{tag}'] [data-action={action}]"), 5));
}

fn retype(s: &Session, css: &str, text: &str) {
    let input = s.wait(css, 5);
    s.type_into(&input, &BACKSPACE.repeat(40));
    s.type_into(&input, text);
}

#[test]
fn tag_untag_with_undo_and_delete_by_digest() {
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    let a = build_image(&ImageSpec::new("acts-a", "amd64", &[2_000]));
    let b = build_image(&ImageSpec::new("acts-b", "amd64", &[2_000]));
    pusher.push_image("acts/app", "v1", &a);
    pusher.push_manifest("acts/app", "v2", &a.manifest);
    pusher.push_image("acts/app", "old1", &b);
    pusher.push_manifest("acts/app", "old2", &b.manifest);
    let home = AppHome::new();
    let driver = open_app(&home, &registry);
    let s = driver.open(&app_binary());
    let shots = artifacts_dir();
    s.click(&s.wait("[data-repo='acts/app']", 30));

    // Add a tag: the name is checked as typed; an existing tag is named with its digest.
    row_action(&s, "v1", "tag");
    retype(&s, "input[name=new-tag]", "-bad");
    s.wait_text("[data-testid=tag-check]", 10, |t| t.contains("not allowed"));
    retype(&s, "input[name=new-tag]", "old1");
    let short_b = &b.manifest.digest["sha256:".len().."sha256:".len() + 12];
    s.wait_text("[data-testid=tag-check]", 10, |t| {
        t.contains("already points to") && t.contains(short_b)
    });
    retype(&s, "input[name=new-tag]", "v1-copy");
    s.wait_text("[data-testid=tag-check]", 10, |t| t.contains("is free"));
    s.screenshot(&shots.join("tag-dialog.png"));
    s.click(&s.wait("[data-testid=tag-submit]", 5));
    s.wait("[data-tag='v1-copy']", 10);
    assert_eq!(
        skopeo_digest(&registry, "acts/app:v1-copy").as_deref(),
        Some(a.manifest.digest.as_str()),
        "the new tag points at the same image"
    );

    // Remove one of two tags on an image: the other still resolves; Undo brings it back.
    row_action(&s, "v2", "untag");
    s.wait_text("form[aria-label='Remove tag']", 5, |t| {
        t.contains("v2") && t.contains(&a.manifest.digest[..19])
    });
    s.click(&s.wait("[data-testid=untag-submit]", 5));
    wait_gone(&s, "[data-tag='v2']", 10);
    assert_eq!(skopeo_digest(&registry, "acts/app:v2"), None, "v2 is gone");
    assert_eq!(
        skopeo_digest(&registry, "acts/app:v1").as_deref(),
        Some(a.manifest.digest.as_str()),
        "v1 still points at the image"
    );
    s.click(&s.wait("[data-testid=undo]", 5));
    s.wait("[data-tag='v2']", 10);
    assert_eq!(
        skopeo_digest(&registry, "acts/app:v2").as_deref(),
        Some(a.manifest.digest.as_str()),
        "Undo put v2 back on the same image"
    );

    // Delete by digest: the confirm lists every tag on the image; they go, nothing else.
    row_action(&s, "old1", "delete");
    s.wait_text("[data-testid=delete-tags]", 20, |t| {
        t.contains("old1") && t.contains("old2") && !t.contains("v1")
    });
    assert_eq!(
        s.script(
            "return document.querySelector('[data-testid=delete-submit]').disabled;",
            serde_json::json!([])
        ),
        serde_json::json!(true),
        "nothing is deleted before the digest is typed"
    );
    let hex = &b.manifest.digest["sha256:".len().."sha256:".len() + 6];
    s.type_into(&s.wait("input[name=confirm-digest]", 5), hex);
    s.screenshot(&shots.join("delete-dialog.png"));
    // While the dialog waits, someone tags the image `prod`: the delete is refused, and
    // the dialog shows the tags as they are now, to confirm again.
    let image_b = Reference::parse(&format!(
        "{}@{}",
        registry.reference("acts/app"),
        b.manifest.digest
    ))
    .expect("ref");
    block_on(Client::anonymous().tag(&image_b, "prod")).expect("tag prod");
    s.click(&s.wait("[data-testid=delete-submit]", 5));
    s.wait_text("form[aria-label='Delete image']", 20, |t| {
        t.contains("prod was added")
    });
    s.wait_text("[data-testid=delete-tags]", 20, |t| t.contains("prod"));
    assert!(
        skopeo_digest(&registry, "acts/app:prod").is_some(),
        "nothing was deleted"
    );
    s.type_into(&s.wait("input[name=confirm-digest]", 5), hex);
    s.click(&s.wait("[data-testid=delete-submit]", 5));
    wait_gone(&s, "[data-tag='old1']", 10);
    wait_gone(&s, "[data-tag='old2']", 10);
    assert_eq!(
        skopeo_tags(&registry, "acts/app"),
        ["v1", "v1-copy", "v2"].map(String::from).into(),
        "exactly the image's tags went"
    );
}

#[test]
fn clean_up_keeps_the_newest_three_as_previewed() {
    let registry = TestRegistry::start(Auth::None);
    // 20 tags over 8 images built on consecutive days, oldest first.
    let images = seed::dated_images(&registry, "acts/cleanup", &[4, 3, 3, 2, 2, 2, 2, 2]);
    // Newest first: d7's two tags, then d6's first tag by name, are the newest three. The
    // other d6 tag shares its image with a kept tag, so it is untagged; every older image
    // loses all its tags, so it is deleted.
    let kept: BTreeSet<String> = ["d7-0", "d7-1", "d6-0"].map(String::from).into();
    let home = AppHome::new();
    let driver = open_app(&home, &registry);
    let s = driver.open(&app_binary());
    let shots = artifacts_dir();
    s.click(&s.wait("[data-repo='acts/cleanup']", 30));
    s.wait_text("[data-testid=tag-count]", 20, |t| t.starts_with("20 of 20"));

    s.click(&s.wait("[data-testid=cleanup]", 5));
    retype(&s, "input[name=keep-newest]", "3");
    s.click(&s.wait("[data-testid=cleanup-preview]", 5));
    s.wait_text("[data-testid=cleanup-counts]", 30, |t| {
        t.contains("17 of 20 tags go") && t.contains("6 images deleted")
    });
    let fates: Vec<(String, String)> = s
        .script(
            "return [...document.querySelectorAll('[data-plan-tag]')].map(r => [r.dataset.planTag, r.dataset.fate]);",
            serde_json::json!([]),
        )
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap_or_default().to_owned(),
                r[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut expected: Vec<(String, String)> = vec![("d6-1".into(), "untag".into())];
    for (_, tags) in &images[..6] {
        expected.extend(tags.iter().map(|t| (t.clone(), "delete".to_owned())));
    }
    let sorted = |mut v: Vec<(String, String)>| {
        v.sort();
        v
    };
    assert_eq!(
        sorted(fates),
        sorted(expected),
        "the preview lists what goes"
    );
    assert_eq!(
        skopeo_tags(&registry, "acts/cleanup").len(),
        20,
        "nothing happened before the user said so"
    );
    s.screenshot(&shots.join("cleanup-preview.png"));

    // While the preview waits, someone tags the oldest image `prod`: its delete is
    // skipped and said, and it keeps every tag.
    let oldest = Reference::parse(&format!(
        "{}@{}",
        registry.reference("acts/cleanup"),
        images[0].0
    ))
    .expect("ref");
    block_on(Client::anonymous().tag(&oldest, "prod")).expect("tag prod");

    s.click(&s.wait("[data-testid=cleanup-run]", 5));
    s.wait_text("[data-testid=cleanup-summary]", 60, |t| {
        t.contains("Done: 6 of 7") && t.contains("1 skipped")
    });
    s.wait_text("[data-testid=cleanup-skipped]", 5, |t| {
        t.contains("prod was added")
    });
    s.screenshot(&shots.join("cleanup-summary.png"));
    let mut kept = kept;
    kept.extend(images[0].1.iter().cloned());
    kept.insert("prod".to_owned());
    assert_eq!(
        skopeo_tags(&registry, "acts/cleanup"),
        kept,
        "exactly the previewed tags are gone, and none the preview did not show"
    );
    assert_eq!(
        skopeo_digest(&registry, "acts/cleanup:d6-0").as_deref(),
        Some(images[6].0.as_str()),
        "the untagged tag's image stays for its kept tag"
    );
    s.click(&s.wait("form[aria-label='Clean up tags'] button.primary", 5));
    s.wait_text("[data-testid=tag-count]", 20, |t| t.starts_with("8 of 8"));
}

/// The image view offers what the list row does: its header names the other tags on the
/// image; Remove tag there removes that tag (Undo puts it back) and Delete image deletes
/// it with every tag on it, each from the list's own dialog, and the view goes back to
/// the list.
#[test]
fn remove_tag_and_delete_image_from_the_image_view() {
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    let a = build_image(&ImageSpec::new("view-a", "amd64", &[2_000]));
    let b = build_image(&ImageSpec::new("view-b", "amd64", &[2_000]));
    pusher.push_image("acts/view", "v1", &a);
    pusher.push_manifest("acts/view", "v2", &a.manifest);
    pusher.push_image("acts/view", "old", &b);
    let home = AppHome::new();
    let driver = open_app(&home, &registry);
    let s = driver.open(&app_binary());
    s.click(&s.wait("[data-repo='acts/view']", 30));

    // Remove tag: the view goes back to the list, the other tag stays; Undo.
    s.click(&s.wait("[data-tag='v2'] .digest", 20));
    s.wait_text("[data-testid=tags-here]", 20, |t| {
        t.contains("v1") && !t.contains("old")
    });
    s.click(&s.wait("[data-testid=remove-tag]", 5));
    s.wait_text("form[aria-label='Remove tag']", 5, |t| {
        t.contains("v2") && t.contains(&a.manifest.digest[..19])
    });
    s.click(&s.wait("[data-testid=untag-submit]", 5));
    s.wait_text("[data-testid=gone-toast]", 10, |t| {
        t.contains("Removed tag v2")
    });
    s.wait("[data-tag='v1']", 10);
    wait_gone(&s, "[data-tag='v2']", 10);
    assert_eq!(skopeo_digest(&registry, "acts/view:v2"), None, "v2 is gone");
    assert_eq!(
        skopeo_digest(&registry, "acts/view:v1").as_deref(),
        Some(a.manifest.digest.as_str()),
        "v1 still points at the image"
    );
    s.click(&s.wait("[data-testid=gone-toast] [data-testid=undo]", 5));
    s.wait("[data-tag='v2']", 10);
    assert_eq!(
        skopeo_digest(&registry, "acts/view:v2").as_deref(),
        Some(a.manifest.digest.as_str()),
        "Undo put v2 back on the same image"
    );

    // Delete image: every tag on it goes, nothing else; back to the list.
    s.click(&s.wait("[data-tag='old'] .digest", 20));
    s.click(&s.wait("[data-testid=delete-image]", 20));
    s.wait_text("[data-testid=delete-tags]", 20, |t| {
        t.contains("old") && !t.contains("v1")
    });
    let hex = &b.manifest.digest["sha256:".len().."sha256:".len() + 6];
    s.type_into(&s.wait("input[name=confirm-digest]", 5), hex);
    s.click(&s.wait("[data-testid=delete-submit]", 5));
    s.wait_text("[data-testid=gone-toast]", 10, |t| {
        t.contains("Deleted the image and 1 tag")
    });
    wait_gone(&s, "[data-tag='old']", 10);
    assert_eq!(
        skopeo_tags(&registry, "acts/view"),
        ["v1", "v2"].map(String::from).into(),
        "exactly the image's tag went"
    );
}
