//! A Docker Hub repository in a real window (Xvfb, WebDriver): a real registry standing
//! for Docker Hub's, and a Hub API of the test's own. *Group by digest* gives one row for
//! the image's two tags; *Remove tag*, which Hub's published API cannot do, says so and
//! opens the repository's Tags page on the Hub's web host (the browser-opening call is
//! observed, not performed). Where the tags point is asked of the Hub API's tag list
//! (`tag_digests.rs` checks that the vendor APIs' answers are used, with no manifest read
//! on a ghcr.io-like registry).

use std::path::PathBuf;

use portolan_tests::app_binary;
use portolan_tests::app_home::AppHome;
use portolan_tests::http_double::{HttpDouble, Reply};
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use serde_json::json;

#[test]
fn hub_tags_group_and_remove_tag_opens_the_tags_page() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("hub-app", "amd64", &[500]));
    let pusher = Pusher::new(&registry);
    for tag in ["v1", "latest"] {
        pusher.push_image("alice/app", tag, &image);
    }
    let tag = |name: &str| json!({"name": name, "digest": image.manifest.digest, "last_updated": "2026-01-01T00:00:00Z", "full_size": 500, "images": []});
    let api = HttpDouble::builder()
        .reply(
            "GET",
            "/v2/namespaces/alice/repositories/app/tags",
            Reply::json(&json!({"count": 2, "next": null, "results": [tag("v1"), tag("latest")]})),
        )
        .fallback(|_| Reply::bytes(404, "application/json", r#"{"message":"not found"}"#))
        .start();

    let home = AppHome::new();
    let opened = home.path().join("opened-urls");
    let api_url = PathBuf::from(format!("http://{}", api.host));
    let host = PathBuf::from(&registry.host);
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_HUB_API", &api_url),
        ("PORTOLAN_HUB_REGISTRY", &host),
        ("PORTOLAN_TEST_OPEN_LOG", &opened),
    ]);
    let s = driver.open(&app_binary());

    // The Hub lists no repositories through its registry: open one by name.
    let name = s.wait("input[name=owner]", 30);
    s.type_into(&name, "alice/app");
    s.click(&s.wait("form.byname button[type=submit]", 5));
    s.wait_text("[data-testid=tag-count]", 30, |t| t.starts_with("2 of 2"));

    s.click(&s.wait("[data-testid=group-by-digest]", 5));
    s.wait_text("[data-testid=tag-count]", 30, |t| t.starts_with("1 image,"));
    // Where each tag points is asked of the Hub API (the two rows in view may have
    // their details first).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while api
        .requests_to("GET", "/v2/namespaces/alice/repositories/app/tags")
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the Hub API's tag list was not asked"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    s.click(&s.wait("[data-testid=group-by-digest]", 5));
    s.wait_text("[data-testid=tag-count]", 30, |t| t.starts_with("2 of 2"));

    // Remove tag on the row: explained, and the Tags page opened.
    s.hover(&s.wait("[data-tag='v1']", 10));
    s.click(&s.wait("[data-tag='v1'] [data-action=untag]", 20));
    s.wait("[data-testid=hub-untag-explained]", 10);
    s.click(&s.wait("[data-testid=hub-untag-open]", 5));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !opened.exists() {
        assert!(std::time::Instant::now() < deadline, "no page opened");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).expect("opened").trim(),
        format!("http://{}/repository/docker/alice/app/tags", api.host)
    );
}
