//! Unit tests of the GitHub Packages client against an in-process API that pages with
//! `Link` headers as GitHub does. (The requests themselves are checked against GitHub's
//! published OpenAPI description by the end-to-end tests, through Prism.)

use http_double::{HttpDouble, Reply, Request};
use serde_json::json;

use super::{GitHubPackages, Owner, VersionState, Visibility};
use crate::auth::credential::Secret;
use crate::client::tests::fast_policy;
use crate::error::{Error, ErrorCode};
use crate::transport::TransportOptions;

fn options() -> TransportOptions {
    TransportOptions {
        retry: fast_policy(),
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    }
}

fn client(server: &HttpDouble, token: &str) -> crate::error::Result<GitHubPackages> {
    GitHubPackages::new(
        &options(),
        &format!("http://{}", server.host),
        "application/json",
        Some(Secret::new(token)),
    )
}

fn version(id: u64, day: u32, tags: &[&str]) -> serde_json::Value {
    json!({
        "id": id,
        "name": format!("sha256:{id:064x}"),
        "created_at": format!("2026-01-{day:02}T10:00:00Z"),
        "updated_at": format!("2026-01-{day:02}T10:00:00Z"),
        "metadata": {"package_type": "container", "container": {"tags": tags}},
    })
}

/// 250 versions, 100 a page, with `Link` headers naming the next and last pages.
fn paged_versions(r: &Request) -> Reply {
    let page: u64 = r.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let items: Vec<_> = (1..=250u64)
        .skip(((page - 1) * 100) as usize)
        .take(100)
        .map(|id| {
            version(
                id,
                (id % 28 + 1) as u32,
                if id % 2 == 0 { &["t"] } else { &[] },
            )
        })
        .collect();
    let base = format!("http://{}{}", r.header("host").unwrap_or(""), r.path());
    let mut links = Vec::new();
    if page < 3 {
        links.push(format!(
            "<{base}?per_page=100&page={}>; rel=\"next\"",
            page + 1
        ));
    }
    links.push(format!("<{base}?per_page=100&page=3>; rel=\"last\""));
    Reply::json(&json!(items))
        .with_header("Link", &links.join(", "))
        .with_header("X-RateLimit-Remaining", "4999")
        .with_header("X-RateLimit-Limit", "5000")
}

#[tokio::test]
async fn every_page_of_versions_newest_first_with_tags() {
    let server = HttpDouble::serve(paged_versions);
    let gh = client(&server, "ghp_classic").expect("client");
    let versions = gh
        .versions(&Owner::Org("acme".into()), "team/app", VersionState::Active)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 250, "all three pages");
    assert!(
        versions
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at),
        "newest first"
    );
    assert_eq!(versions.iter().filter(|v| v.tags.is_empty()).count(), 125);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "one request per page");
    for r in &requests {
        // The nested name is one path segment.
        assert_eq!(
            r.path(),
            "/orgs/acme/packages/container/team%2Fapp/versions"
        );
        assert_eq!(r.query("state").as_deref(), Some("active"));
        assert_eq!(r.header("authorization"), Some("Bearer ghp_classic"));
    }
    let rate = gh.rate_limit().expect("rate limit read");
    assert_eq!((rate.remaining, rate.limit), (Some(4999), Some(5000)));
    assert!(!rate.is_low());
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_not_followed() {
    let server = HttpDouble::serve(|_| {
        Reply::json(&json!([version(1, 1, &["v1"])])).with_header(
            "Link",
            "<https://elsewhere.example/user/packages?page=2>; rel=\"next\"",
        )
    });
    let gh = client(&server, "ghp_classic").expect("client");
    let listed = gh
        .versions(&Owner::Me, "app", VersionState::Active)
        .await
        .expect("versions");
    assert_eq!(listed.len(), 1);
    assert_eq!(server.requests().len(), 1, "the token stayed on the API");
}

#[tokio::test]
async fn a_missing_scope_is_named() {
    let server = HttpDouble::serve(|_| {
        let mut a = Reply::json(&json!({"message": "Must have admin rights to Repository."}))
            .with_header("X-OAuth-Scopes", "repo, read:packages")
            .with_header("X-Accepted-OAuth-Scopes", "delete:packages");
        if let Reply::Body { status, .. } = &mut a {
            *status = 403;
        }
        a
    });
    let gh = client(&server, "ghp_classic").expect("client");
    let err = gh
        .delete_version(&Owner::Me, "app", 7)
        .await
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Forbidden);
    let text = err.to_string();
    assert!(text.contains("lacks the delete:packages scope"), "{text}");
    assert!(text.contains("repo, read:packages"), "{text}");
    assert_eq!(
        server.requests()[0].path(),
        "/user/packages/container/app/versions/7"
    );
}

#[tokio::test]
async fn an_exhausted_rate_limit_says_when_it_resets() {
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 600;
    let server = HttpDouble::serve(move |_| {
        let mut a = Reply::json(&json!({"message": "API rate limit exceeded"}))
            .with_header("X-RateLimit-Remaining", "0")
            .with_header("X-RateLimit-Limit", "5000")
            .with_header("X-RateLimit-Reset", &reset.to_string());
        if let Reply::Body { status, .. } = &mut a {
            *status = 403;
        }
        a
    });
    let gh = client(&server, "ghp_classic").expect("client");
    let err = gh
        .packages(&Owner::Me, Some(Visibility::Public))
        .await
        .expect_err("rate limited");
    assert_eq!(err.code(), ErrorCode::RateLimited);
    match err {
        Error::RateLimited { retry_after, .. } => {
            let wait = retry_after.expect("the reset is named");
            assert!((590..=600).contains(&wait), "{wait}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(
        server.requests()[0].query("visibility").as_deref(),
        Some("public")
    );
}

#[tokio::test]
async fn a_fine_grained_token_is_refused_before_it_is_sent() {
    let server = HttpDouble::serve(|_| Reply::empty(500));
    let err = client(&server, "github_pat_11ABCDEF")
        .err()
        .expect("refused");
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("fine-grained"), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn packages_keep_visibility_and_link_to_their_settings() {
    let server = HttpDouble::serve(|_| {
        Reply::json(&json!([
            {"id": 1, "name": "old", "package_type": "container", "owner": {"login": "alice"},
             "visibility": "public", "version_count": 3, "created_at": "2025-01-01T00:00:00Z",
             "updated_at": "2025-02-01T00:00:00Z", "html_url": "https://github.com/users/alice/packages/container/package/old"},
            {"id": 2, "name": "new", "package_type": "container", "owner": {"login": "alice"},
             "visibility": "something-new", "version_count": 1,
             "updated_at": "2026-02-01T00:00:00Z", "repository": {"full_name": "alice/new"}},
        ]))
    });
    let gh = client(&server, "ghp_classic").expect("client");
    let packages = gh.packages(&Owner::Me, None).await.expect("packages");
    assert_eq!(packages[0].name, "new", "most recently updated first");
    assert_eq!(
        packages[0].visibility, None,
        "an unknown visibility is kept apart"
    );
    assert_eq!(packages[0].repository.as_deref(), Some("alice/new"));
    assert_eq!(packages[1].visibility, Some(Visibility::Public));
    assert_eq!(
        packages[1].html_url.as_deref(),
        Some("https://github.com/users/alice/packages/container/package/old")
    );
    let r = &server.requests()[0];
    assert_eq!(r.path(), "/user/packages");
    assert_eq!(r.query("package_type").as_deref(), Some("container"));
    assert_eq!(r.query("per_page").as_deref(), Some("100"));
}
