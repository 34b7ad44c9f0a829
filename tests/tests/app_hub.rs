//! A Docker Hub repository in a real window (Xvfb, WebDriver): a real registry standing
//! for Docker Hub's, and a Hub API of the test's own. *Group by digest* gives one row for
//! the image's two tags; *Remove tag*, which Hub's published API cannot do, says so and
//! opens the repository's Tags page on the Hub's web host (the browser-opening call is
//! observed, not performed); so do the selection's *Remove tags…* and the toolbar's *Clean
//! up…*, with no clean-up plan asked of the registry. Where the tags point is asked of the Hub API's tag list
//! (`tag_digests.rs` checks that the vendor APIs' answers are used, with no manifest read
//! on a ghcr.io-like registry).

use std::path::PathBuf;

use portolan_tests::app_binary;
use portolan_tests::app_home::AppHome;
use portolan_tests::http_double::{forward, HttpDouble, Reply};
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use serde_json::json;

#[test]
fn hub_tags_group_and_remove_tag_opens_the_tags_page() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("hub-app", "amd64", &[500]));
    let pusher = Pusher::new(&registry);
    for tag in ["v1", "latest"] {
        pusher.push_image("alice/app", tag, &image);
    }
    // The registry as the app reaches it, each request recorded: a clean-up plan would
    // list the tags and read every image.
    let upstream = registry.host.clone();
    let front = HttpDouble::builder()
        .fallback(move |request| match forward(&upstream, request) {
            Ok(bytes) => Reply::raw(move |client| std::io::Write::write_all(client, &bytes)),
            Err(_) => Reply::raw(|_| Ok(())),
        })
        .start();
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
    let host = PathBuf::from(&front.host);
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

    // Remove tags… on a selection of both, and Clean up…: explained, no plan asked for.
    for t in ["v1", "latest"] {
        s.wait(&format!("[data-tag='{t}'] .digest:not(.pending)"), 30);
    }
    let asked = quiet(&front, &api);
    for t in ["v1", "latest"] {
        s.click(&s.wait(&format!("[data-tag='{t}'] input.pick"), 5));
    }
    s.wait_text("[data-testid=selection]", 5, |t| {
        t.starts_with("2 selected")
    });
    s.click(&s.wait("[data-testid=untag-selected]", 5));
    let explained = s.wait_text("[data-testid=hub-untag-explained]", 10, |_| true);
    assert!(explained.contains("these 2 tags"), "{explained}");
    no_plan(&s, &front, &api, asked);
    s.click(&s.wait("form.dialog button[type=button]", 5));
    s.click(&s.wait("[data-testid=cleanup]", 5));
    let explained = s.wait_text("[data-testid=hub-untag-explained]", 10, |_| true);
    assert!(explained.contains("cannot clean up"), "{explained}");
    no_plan(&s, &front, &api, asked);
    s.click(&s.wait("form.dialog button[type=button]", 5));

    // Remove tag on the row: explained, and the Tags page opened.
    s.hover(&s.wait("[data-tag='v1']", 10));
    s.click(&s.wait("[data-tag='v1'] [data-action=untag]", 20));
    s.wait("[data-testid=hub-untag-explained]", 10);
    s.click(&s.wait("[data-testid=hub-untag-open]", 5));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    // The file exists before its line is in it.
    while !std::fs::read_to_string(&opened).is_ok_and(|t| !t.trim().is_empty()) {
        assert!(std::time::Instant::now() < deadline, "no page opened");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).expect("opened").trim(),
        format!("http://{}/repository/docker/alice/app/tags", api.host)
    );
}

/// The requests the registry and the Hub API have had, once neither has had one for a
/// second (the rows' details are in).
fn quiet(front: &HttpDouble, api: &HttpDouble) -> usize {
    assert!(
        !front.requests().is_empty(),
        "the app reaches the registry through the recording front"
    );
    let count = || front.requests().len() + api.requests().len();
    let mut seen = count();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let now = count();
        if now == seen {
            return now;
        }
        seen = now;
    }
}

/// No clean-up dialog, and no request since `asked` (a plan lists the tags and reads every
/// image) a second after the explanation showed.
fn no_plan(s: &Session, front: &HttpDouble, api: &HttpDouble, asked: usize) {
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert!(
        s.find_all("[data-testid=cleanup-counts], [data-testid=cleanup-plan], [data-testid=cleanup-preview]")
            .is_empty(),
        "a clean-up dialog opened"
    );
    let since: Vec<String> = front
        .request_lines()
        .into_iter()
        .chain(api.request_lines())
        .collect();
    assert_eq!(
        front.requests().len() + api.requests().len(),
        asked,
        "requests after the explanation: {since:?}"
    );
}
