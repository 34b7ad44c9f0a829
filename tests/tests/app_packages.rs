//! The app browsing a ghcr.io-like setup in a real window (Xvfb, WebDriver): a real
//! registry holding the images, and a GitHub Packages API of the test's own (Prism's
//! examples of GitHub's description cannot hold a consistent package; the requests
//! themselves are checked against that description in `vendor_apis.rs`). Packages with
//! visibility badges and a filter, versions by date with an index's platform images under
//! it, delete and restore a version, "Change visibility…" (the browser-opening call is
//! observed, not performed), and opening a version as an image.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use portolan_tests::app_home::AppHome;
use portolan_tests::http_double::{HttpDouble, Reply};
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir};
use serde_json::{json, Value};

/// A version as the fake API keeps it.
#[derive(Clone)]
struct Version {
    id: u64,
    digest: String,
    tags: Vec<&'static str>,
    created: &'static str,
    deleted: bool,
}

fn package(id: u64, owner: &str, name: &str, visibility: &str, updated: &str) -> Value {
    json!({
        "id": id, "name": name, "package_type": "container", "owner": {"login": owner},
        "visibility": visibility, "version_count": 4, "updated_at": updated,
        "created_at": "2025-01-01T00:00:00Z",
        // A page address the app must not open: pages are built from their parts.
        "html_url": format!("https://evil.example/phish/{owner}/{name}"),
    })
}

fn not_found() -> Reply {
    Reply::bytes(404, "application/json", r#"{"message":"Not Found"}"#)
}

/// GitHub Packages for user `octo` (member of `acme`), with package `app`'s versions in
/// `versions`.
fn fake_github(versions: Arc<Mutex<Vec<Version>>>) -> HttpDouble {
    let listed = versions.clone();
    HttpDouble::builder()
        .reply("GET", "/user", Reply::json(&json!({"login": "octo"})))
        .reply("GET", "/user/orgs", Reply::json(&json!([{"login": "acme"}])))
        .handle("GET", "/user/packages", |request| {
            let all = [
                package(1, "octo", "app", "private", "2026-03-01T00:00:00Z"),
                package(2, "octo", "site", "public", "2026-02-01T00:00:00Z"),
            ];
            let wanted = request.query("visibility");
            let shown: Vec<&Value> = all
                .iter()
                .filter(|p| wanted.as_deref().is_none_or(|v| p["visibility"] == v))
                .collect();
            Reply::json(&json!(shown))
        })
        .handle("GET", "/orgs/acme/packages", |request| {
            let tools = package(3, "acme", "tools", "internal", "2026-01-01T00:00:00Z");
            let wanted = request.query("visibility");
            Reply::json(&json!(
                if wanted.as_deref().is_none_or(|v| v == "internal") {
                    vec![tools]
                } else {
                    vec![]
                }
            ))
        })
        .handle(
            "GET",
            "/user/packages/container/app/versions",
            move |request| {
                let deleted = request.query("state").as_deref() == Some("deleted");
                let store = listed.lock().expect("versions");
                let rows: Vec<Value> = store
                    .iter()
                    .filter(|v| v.deleted == deleted)
                    .map(|v| {
                        json!({
                            "id": v.id, "name": v.digest, "created_at": v.created,
                            "deleted_at": if v.deleted { json!("2026-03-02T00:00:00Z") } else { Value::Null },
                            "metadata": {"package_type": "container", "container": {"tags": v.tags}},
                        })
                    })
                    .collect();
                Reply::json(&json!(rows))
            },
        )
        // DELETE …/versions/ID and POST …/versions/ID/restore; another method on a
        // version is refused.
        .handle("*", "/user/packages/container/app/versions/**", move |request| {
            let rest = &request.path()["/user/packages/container/app/versions/".len()..];
            let (id, restore) = match rest.strip_suffix("/restore") {
                Some(id) => (id, true),
                None => (rest, false),
            };
            let id: u64 = id.parse().unwrap_or(0);
            let mut store = versions.lock().expect("versions");
            let Some(v) = store.iter_mut().find(|v| v.id == id) else {
                return not_found();
            };
            match (request.method.as_str(), restore) {
                ("DELETE", false) => v.deleted = true,
                ("POST", true) => v.deleted = false,
                _ => return Reply::empty(405),
            }
            Reply::empty(204)
        })
        .fallback(|_| not_found())
        .start()
}

fn set_select(s: &Session, css: &str, value: &str) {
    s.script(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change', {bubbles: true}));",
        json!([css, value]),
    );
}

fn shown(s: &Session, css: &str, attribute: &str) -> Vec<String> {
    s.script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]));",
        json!([css, attribute]),
    )
    .as_array()
    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
    .unwrap_or_default()
}

fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !check() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn packages_with_visibility_versions_by_date_delete_restore_and_settings() {
    // The registry side of ghcr.io: bearer tokens from a realm, challenged with
    // service="ghcr.io", for the same login the API gets.
    let registry = TestRegistry::start(Auth::Token(vec![(
        "octo".into(),
        "ghp_classictoken".into(),
    )]));
    let (amd, arm) = (
        ImageSpec::new("pk-amd", "amd64", &[400]),
        ImageSpec::new("pk-arm", "arm64", &[400]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    let old = build_image(&ImageSpec::new("pk-old", "amd64", &[300]));
    let pusher = Pusher::new(&registry);
    pusher.push_index("octo/app", "v1", &[&a, &b], &index);
    pusher.push_image("octo/app", "v0", &old);
    let versions = Arc::new(Mutex::new(vec![
        Version {
            id: 10,
            digest: old.manifest.digest.clone(),
            tags: vec!["v0"],
            created: "2026-01-05T00:00:00Z",
            deleted: false,
        },
        Version {
            id: 20,
            digest: a.manifest.digest.clone(),
            tags: vec![],
            created: "2026-02-01T00:00:00Z",
            deleted: false,
        },
        Version {
            id: 21,
            digest: b.manifest.digest.clone(),
            tags: vec![],
            created: "2026-02-01T00:00:01Z",
            deleted: false,
        },
        Version {
            id: 22,
            digest: index.digest.clone(),
            tags: vec!["v1", "latest"],
            created: "2026-02-01T00:00:02Z",
            deleted: false,
        },
    ]));
    let api = fake_github(versions.clone());

    let home = AppHome::new();
    let docker = home.path().join("docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let auth = base64::engine::general_purpose::STANDARD.encode("octo:ghp_classictoken");
    std::fs::write(
        docker.join("config.json"),
        json!({"auths": {registry.host.clone(): {"auth": auth}}}).to_string(),
    )
    .expect("docker login");
    let opened = home.path().join("opened-urls");
    let api_url = PathBuf::from(format!("http://{}", api.host));
    let host = PathBuf::from(&registry.host);
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_GITHUB_API", &api_url),
        ("PORTOLAN_GITHUB_ACCEPT", Path::new("application/json")),
        ("PORTOLAN_GITHUB_REGISTRY", &host),
        ("PORTOLAN_TEST_OPEN_LOG", &opened),
    ]);
    let s = driver.open(&app_binary());

    // The packages of the user and their organisation, newest update first, with badges.
    s.wait("[data-package='acme/tools']", 30);
    assert_eq!(
        shown(&s, "[data-package]", "data-package"),
        ["octo/app", "octo/site", "acme/tools"]
    );
    let badge = |p: &str| s.text_of(&format!("[data-package='{p}'] [data-testid=visibility]"));
    assert_eq!(badge("octo/app").as_deref(), Some("private"));
    assert_eq!(badge("octo/site").as_deref(), Some("public"));
    assert_eq!(badge("acme/tools").as_deref(), Some("internal"));
    s.screenshot_themes("packages");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "packages: {problems:?}");

    // The visibility filter asks GitHub for public packages only.
    set_select(&s, "[data-testid=visibility-filter]", "public");
    wait_until("only public packages", || {
        shown(&s, "[data-package]", "data-package") == ["octo/site"]
    });
    set_select(&s, "[data-testid=visibility-filter]", "");
    s.wait("[data-package='octo/app']", 10);

    // Versions newest first, the index's platform images under it.
    s.click(&s.wait("[data-package='octo/app']", 10));
    s.wait("[data-version='22']", 20);
    assert_eq!(
        shown(&s, "[data-version]", "data-version"),
        ["22", "20", "21", "10"],
        "v1, its two platform images, then v0"
    );
    s.screenshot_themes("versions");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "versions: {problems:?}");
    assert!(s
        .text_of("[data-version='20']")
        .is_some_and(|t| t.contains("linux/amd64 image of sha256:")));

    // Delete v0: the confirm names its tag; it goes to Deleted, and Restore brings it back.
    s.click(&s.wait("[data-version='10'] [data-testid=delete-version]", 10));
    s.wait_text("[data-testid=delete-version-tags]", 10, |t| {
        t.contains("v0")
    });
    // At 800×600 the confirm fits: its digest wraps, nothing in it is cut or scrolls
    // sideways, and its buttons stay in the window.
    s.resize(800, 600);
    s.screenshot(&artifacts_dir().join("delete-version-800x600.png"));
    let cut = s.script(
        "const d = document.querySelector('form.dialog');
         const r = d.getBoundingClientRect();
         const wide = [d, ...d.querySelectorAll('*')]
           .filter((e) => e.tagName !== 'INPUT' && e.scrollWidth > e.clientWidth + 1)
           .map((e) => `${e.tagName}.${e.className}`);
         const b = document.querySelector('[data-testid=confirm-delete-version]').getBoundingClientRect();
         if (r.right > innerWidth || r.bottom > innerHeight || b.bottom > innerHeight) wide.push('outside the window');
         return wide;",
        json!([]),
    );
    assert_eq!(cut, json!([]), "the delete-version confirm at 800x600");
    s.resize(1200, 780);
    s.click(&s.wait("[data-testid=confirm-delete-version]", 5));
    wait_until("v0 gone from the list", || {
        s.find_all("[data-version='10']").is_empty()
    });
    assert!(versions
        .lock()
        .expect("versions")
        .iter()
        .any(|v| v.id == 10 && v.deleted));
    s.click(&s.wait("[data-testid=tab-deleted]", 5));
    s.click(&s.wait("[data-version='10'] [data-testid=restore-version]", 10));
    wait_until("v0 restored", || {
        versions
            .lock()
            .expect("versions")
            .iter()
            .any(|v| v.id == 10 && !v.deleted)
    });
    s.click(&s.wait("[data-testid=tab-active]", 5));
    s.wait("[data-version='10']", 10);

    // Change visibility: said first, then the settings page opens in the browser, built
    // from the package's parts on the configured GitHub's host, not from the API's
    // html_url.
    s.click(&s.wait("[data-testid=change-visibility]", 5));
    s.wait_text("form.dialog", 5, |t| {
        t.contains("cannot be made private again")
    });
    s.click(&s.wait("[data-testid=open-settings]", 5));
    wait_until("the settings page opened", || {
        std::fs::read_to_string(&opened).is_ok_and(|t| !t.trim().is_empty())
    });
    let web = format!("http://{}", api.host);
    assert_eq!(
        std::fs::read_to_string(&opened).expect("opened").trim(),
        format!("{web}/users/octo/packages/container/app/settings")
    );
    s.click(&s.wait("[data-testid=open-page]", 5));
    wait_until("the package page opened", || {
        std::fs::read_to_string(&opened).is_ok_and(|t| t.lines().count() == 2)
    });
    let pages = std::fs::read_to_string(&opened).expect("opened");
    assert_eq!(
        pages.lines().nth(1),
        Some(format!("{web}/users/octo/packages/container/package/app").as_str())
    );
    assert!(!pages.contains("evil.example"), "{pages}");

    // A version opens as an image, as a tag does.
    s.click(&s.wait("[data-version='22'] .grow", 5));
    s.wait_text("[data-testid=digest]", 20, |t| t == index.digest);
}
