//! `portolan-cli packages`, `versions`, `version-delete` and `version-restore` as a user
//! runs them, against the vendors' published API descriptions served by Prism (every
//! request validated against GitHub's and Docker's own contracts), behind a recording proxy
//! of ours, and against fakes of our own where Prism's examples cannot say enough (paging,
//! container tags, platform images of an index, with a real registry holding the index).

use std::path::Path;
use std::process::Output;

use base64::Engine;
use portolan_tests::cli;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::http_double::{HttpDouble, Reply};
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::vendor_mocks::Prism;
use serde_json::{json, Value};

/// A clean Docker config folder holding a login for `host`.
fn docker_login(host: &str, user: &str, token: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"));
    std::fs::write(
        dir.path().join("config.json"),
        json!({"auths": {host: {"auth": auth}}}).to_string(),
    )
    .expect("write config.json");
    dir
}

/// The CLI for Prism: Prism answers 406 to GitHub's documented media type; the header is
/// configurable for exactly this.
fn prism_cli(config: &Path) -> cli::Cli {
    cli::in_home(config).env("PORTOLAN_GITHUB_ACCEPT", "application/json")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "portolan-cli failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).expect("JSON output")
}

#[test]
fn github_packages_flows_send_what_githubs_published_api_describes() {
    let prism = Prism::github();
    let proxy = FaultyProxy::start(&prism.host);
    let api = format!("http://{}", proxy.host);
    // The registry side of ghcr.io is any registry host here; the login for it is the
    // token the API gets.
    let registry = "127.0.0.1:1";
    let home = docker_login(registry, "octocat", "ghp_classictoken");
    let config = home.path();

    // No owner: the signed-in user's packages and those of each organisation.
    let listed =
        json_of(&prism_cli(config).run(&["packages", registry, "--github-api", &api, "--json"]));
    let owners: Vec<&str> = listed["owners"]
        .as_array()
        .expect("owners")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        owners,
        ["octocat", "github"],
        "the user, then their organisation"
    );
    let packages = listed["packages"].as_array().expect("packages");
    assert!(!packages.is_empty());
    for p in packages {
        assert_eq!(
            p["visibility"], "private",
            "GitHub's example packages are private"
        );
        assert!(p["settings_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/settings")));
        assert!(p["repository"]
            .as_str()
            .is_some_and(|r| r.starts_with(registry)));
    }
    let seen = proxy.requests();
    for wanted in [
        "GET /user HTTP/1.1",
        "GET /user/orgs?per_page=100&page=1",
        "GET /user/packages?package_type=container&per_page=100&page=1",
        "GET /orgs/github/packages?package_type=container&per_page=100&page=1",
    ] {
        assert!(
            seen.iter().any(|r| r.starts_with(wanted)),
            "{wanted} in {seen:?}"
        );
    }
    assert_eq!(
        proxy.authorized_requests().len(),
        seen.len(),
        "every request carried the token"
    );

    // An owner that is the signed-in user, with a visibility filter, as text.
    let text = ok(&prism_cli(config).run(&[
        "packages",
        &format!("{registry}/octocat"),
        "--visibility",
        "public",
        "--github-api",
        &api,
    ]));
    assert!(text.contains("octocat/hello_docker"), "{text}");
    assert!(
        proxy
            .requests()
            .iter()
            .any(|r| r.contains("/user/packages?package_type=container&visibility=public")),
        "the filter goes to GitHub"
    );

    // An organisation's nested package: its name is one encoded path segment.
    let versions = json_of(&prism_cli(config).run(&[
        "versions",
        &format!("{registry}/github/team/app"),
        "--org",
        "--github-api",
        &api,
        "--json",
    ]));
    assert!(versions["versions"]
        .as_array()
        .is_some_and(|v| !v.is_empty()));
    assert!(versions["versions"][0]["id"].as_u64().is_some());
    assert!(proxy
        .requests()
        .iter()
        .any(|r| r.contains("/orgs/github/packages/container/team%2Fapp/versions?state=active")));

    // Deleted versions, delete and restore.
    ok(&prism_cli(config).run(&[
        "versions",
        &format!("{registry}/octocat/app"),
        "--deleted",
        "--github-api",
        &api,
    ]));
    assert!(proxy
        .requests()
        .iter()
        .any(|r| r.contains("/user/packages/container/app/versions?state=deleted")));
    let deleted = ok(&prism_cli(config).run(&[
        "version-delete",
        &format!("{registry}/octocat/app"),
        "42",
        "--github-api",
        &api,
    ]));
    assert!(deleted.contains("Version 42 of"), "{deleted}");
    ok(&prism_cli(config).run(&[
        "version-restore",
        &format!("{registry}/octocat/app"),
        "42",
        "--github-api",
        &api,
    ]));
    let seen = proxy.requests();
    assert!(seen
        .iter()
        .any(|r| r.starts_with("DELETE /user/packages/container/app/versions/42")));
    assert!(seen
        .iter()
        .any(|r| r.starts_with("POST /user/packages/container/app/versions/42/restore")));

    // Slowed down once: waited and tried again.
    proxy.inject("/user/packages", Fault::Status(429, Some(1)), 1);
    ok(&prism_cli(config).run(&[
        "packages",
        &format!("{registry}/octocat"),
        "--github-api",
        &api,
    ]));

    // A fine-grained token is refused before anything is sent.
    let before = proxy.requests().len();
    let fine = docker_login(registry, "octocat", "github_pat_11AAAA");
    let out = prism_cli(fine.path()).run(&["packages", registry, "--github-api", &api]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fine-grained"), "{err}");
    assert_eq!(proxy.requests().len(), before, "nothing was sent");
}

/// A GitHub API of our own: user `octo`, package `app` with 150 versions over two pages
/// (with `Link` headers): the newest tagged `v1` is the index pushed to the registry, two
/// untagged ones are its platform images, the rest are untagged leftovers.
fn fake_github(index: String, platforms: Vec<String>) -> HttpDouble {
    let versions = move |request: &portolan_tests::http_double::Request| {
        let page: usize = request
            .query("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let all: Vec<Value> = (0..150u64)
            .map(|i| {
                let (name, tags) = match i {
                    0 => (index.clone(), vec!["v1"]),
                    1 | 2 => (platforms[i as usize - 1].clone(), vec![]),
                    _ => (format!("sha256:{i:064x}"), vec![]),
                };
                json!({
                    "id": 1000 - i,
                    "name": name,
                    "created_at": format!("2026-01-01T{:02}:{:02}:00Z", 23 - i / 60 % 24, 59 - i % 60),
                    "metadata": {"package_type": "container", "container": {"tags": tags}},
                })
            })
            .collect();
        let items: Vec<Value> = all.into_iter().skip((page - 1) * 100).take(100).collect();
        let mut links = vec![
            "</user/packages/container/app/versions?page=2&per_page=100>; rel=\"last\"".to_owned(),
        ];
        if page == 1 {
            links.push(
                "</user/packages/container/app/versions?page=2&per_page=100>; rel=\"next\""
                    .to_owned(),
            );
        }
        Reply::bytes(
            200,
            "application/json",
            serde_json::to_vec(&items).expect("json"),
        )
        .with_header("Link", &links.join(", "))
    };
    HttpDouble::builder()
        .reply("*", "/user", Reply::json(&json!({"login": "octo"})))
        .handle("*", "/user/packages/container/app/versions", versions)
        .fallback(|_| Reply::bytes(404, "application/json", r#"{"message":"Not Found"}"#))
        .start()
}

#[test]
fn ghcr_versions_group_the_platform_images_of_an_index_under_it() {
    let registry = TestRegistry::start(Auth::None);
    let (amd, arm) = (
        ImageSpec::new("grp-amd", "amd64", &[300]),
        ImageSpec::new("grp-arm", "arm64", &[300]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    Pusher::new(&registry).push_index("octo/app", "v1", &[&a, &b], &index);
    let api = fake_github(
        index.digest.clone(),
        vec![a.manifest.digest.clone(), b.manifest.digest.clone()],
    );
    let home = docker_login(&registry.host, "octo", "ghp_classictoken");
    let place = format!("{}/octo/app", registry.host);
    let listed = json_of(&prism_cli(home.path()).run(&[
        "versions",
        &place,
        "--github-api",
        &format!("http://{}", api.host),
        "--json",
    ]));
    let versions = listed["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 150, "both pages");
    assert_eq!(versions[0]["digest"], index.digest.as_str());
    assert_eq!(versions[0]["tags"], json!(["v1"]));
    for (row, platform) in versions[1..3].iter().zip([&a, &b]) {
        assert_eq!(row["digest"], platform.manifest.digest.as_str());
        assert_eq!(
            row["part_of"],
            index.digest.as_str(),
            "grouped under the index"
        );
    }
    assert!(
        versions[3..].iter().all(|v| v["part_of"].is_null()),
        "leftovers stay untagged orphans"
    );
    let text = ok(&prism_cli(home.path()).run(&[
        "versions",
        &place,
        "--github-api",
        &format!("http://{}", api.host),
    ]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("v1"), "{text}");
    assert!(
        lines[1].contains("└ linux/amd64 image") && lines[2].contains("└ linux/arm64 image"),
        "{text}"
    );
    assert!(lines[3].contains("(untagged)"), "{text}");
}

#[test]
fn docker_hub_flows_send_what_dockers_published_api_describes() {
    let prism = Prism::docker_hub();
    let proxy = FaultyProxy::start(&prism.host);
    let api = format!("http://{}", proxy.host);
    let registry = "127.0.0.1:1";
    let home = docker_login(registry, "alice", "dckr_pat_x");
    let config = home.path();

    // No namespace: the signed-in user's.
    let listed =
        json_of(&prism_cli(config).run(&["packages", registry, "--hub-api", &api, "--json"]));
    assert_eq!(listed["vendor"], "docker_hub");
    assert_eq!(listed["owners"], json!(["alice"]));
    let packages = listed["packages"].as_array().expect("packages");
    assert!(
        !packages.is_empty(),
        "the description's example repositories"
    );
    assert!(packages
        .iter()
        .all(|p| p["visibility"] == "public" || p["visibility"] == "private"));
    let seen = proxy.requests();
    assert!(
        seen.iter().any(|r| r.starts_with("POST /v2/auth/token")),
        "{seen:?}"
    );
    assert!(seen.iter().any(|r| r.starts_with(
        "GET /v2/namespaces/alice/repositories?ordering=-last_updated&page=1&page_size=100"
    )));

    let tags = json_of(&prism_cli(config).run(&[
        "versions",
        &format!("{registry}/library/nginx"),
        "--hub-api",
        &api,
        "--json",
    ]));
    assert!(tags["versions"].as_array().is_some_and(|v| !v.is_empty()));
    assert!(proxy.requests().iter().any(|r| r
        .starts_with("GET /v2/namespaces/library/repositories/nginx/tags?page=1&page_size=100")));
    // Every request after signing in carried the Hub's token.
    let signed: Vec<String> = proxy
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("GET "))
        .collect();
    assert_eq!(
        proxy
            .authorized_requests()
            .iter()
            .filter(|r| r.starts_with("GET "))
            .count(),
        signed.len()
    );
}

#[test]
fn an_untag_ghcr_refuses_says_which_version_to_delete_instead() {
    let registry = TestRegistry::start(Auth::None);
    let (amd, arm) = (
        ImageSpec::new("un-amd", "amd64", &[200]),
        ImageSpec::new("un-arm", "arm64", &[200]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    Pusher::new(&registry).push_index("octo/app", "v1", &[&a, &b], &index);
    // A registry that, like ghcr.io, deletes nothing.
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject(
        "DELETE /v2/octo/app/manifests/",
        Fault::Status(405, None),
        10,
    );
    let api = fake_github(
        index.digest.clone(),
        vec![a.manifest.digest.clone(), b.manifest.digest.clone()],
    );
    let home = docker_login(&proxy.host, "octo", "ghp_classictoken");
    let out = cli::in_home(home.path())
        .env("PORTOLAN_GITHUB_API", format!("http://{}", api.host))
        .run(&["untag", &format!("{}/octo/app:v1", proxy.host)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("v1 is the only tag of version 1000") && err.contains("version-delete"),
        "{err}"
    );
    // The tag is where it was.
    let digest =
        ok(&prism_cli(home.path()).run(&["digest", &format!("{}/octo/app:v1", registry.host)]));
    assert_eq!(digest.trim(), index.digest);
}
