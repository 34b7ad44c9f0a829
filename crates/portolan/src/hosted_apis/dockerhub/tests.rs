//! Unit tests of the Hub client against an in-process Hub API: signing in once, pages
//! fetched by number once the first page gives the count, and tags whose `images` come as
//! an array (the live Hub) or as one object (its published description).

use http_double::{HttpDouble, Reply, Request};
use serde_json::json;

use super::DockerHub;
use crate::auth::credential::Credential;
use crate::client::tests::fast_policy;
use crate::transport::TransportOptions;

fn hub(server: &HttpDouble, login: Option<Credential>) -> DockerHub {
    let options = TransportOptions {
        retry: fast_policy(),
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    };
    DockerHub::new(&options, &format!("http://{}", server.host), login).expect("client")
}

fn answer(r: &Request) -> Reply {
    if r.path() == "/v2/auth/token" {
        return Reply::json(&json!({"access_token": "jwt-for-alice"}));
    }
    let page: usize = r.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    // The Hub serves 100 a page whatever is asked beyond that; 230 tags.
    let results: Vec<_> = (0..230)
        .skip((page - 1) * 100)
        .take(100)
        .map(|i| {
            let image = json!({"architecture": "amd64", "os": "linux", "digest": format!("sha256:{i:064x}"), "size": 10});
            json!({
                "name": format!("t{i}"),
                "last_updated": format!("2026-01-01T00:{:02}:{:02}Z", i / 60, i % 60),
                "full_size": 10,
                // Even tags as the live Hub sends them, odd ones as the description says.
                "images": if i % 2 == 0 { json!([image]) } else { image },
            })
        })
        .collect();
    Reply::json(
        &json!({"count": 230, "next": "https://hub.docker.com/v2/placeholder", "previous": null, "results": results}),
    )
}

#[tokio::test]
async fn tags_of_every_page_newest_first_images_in_either_shape() {
    let server = HttpDouble::serve(answer);
    let hub = hub(&server, Some(Credential::password("alice", "dckr_pat_x")));
    let tags = hub.tags("alice", "app").await.expect("tags");
    assert_eq!(tags.len(), 230);
    assert_eq!(tags[0].name, "t229", "newest first");
    assert!(tags
        .iter()
        .all(|t| t.images.len() == 1 && t.images[0].platform() == "linux/amd64"));
    let signins = server.requests_to("POST", "/v2/auth/token");
    assert_eq!(signins.len(), 1, "signed in once");
    let body: serde_json::Value = serde_json::from_slice(&signins[0].body).expect("json");
    assert_eq!(body, json!({"identifier": "alice", "secret": "dckr_pat_x"}));
    let lists = server.requests_to("GET", "/v2/namespaces/alice/repositories/app/tags");
    let mut pages: Vec<_> = lists.iter().filter_map(|r| r.query("page")).collect();
    pages.sort();
    assert_eq!(
        pages,
        ["1", "2", "3"],
        "pages by number; the placeholder `next` (another origin) never followed"
    );
    assert!(lists
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer jwt-for-alice")));
}

#[tokio::test]
async fn anonymous_listing_sends_no_token() {
    let server = HttpDouble::serve(|_| {
        Reply::json(&json!({"count": 1, "next": null, "results": [
            {"name": "app", "namespace": "alice", "is_private": false, "pull_count": 42, "last_updated": "2026-01-01T00:00:00Z"}
        ]}))
    });
    let hub = hub(&server, None);
    let repos = hub.repositories("alice").await.expect("repositories");
    assert_eq!(repos.len(), 1);
    assert_eq!(repos[0].pull_count, Some(42));
    assert!(!repos[0].is_private);
    let r = &server.requests()[0];
    assert_eq!(r.path(), "/v2/namespaces/alice/repositories");
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.query("page_size").as_deref(), Some("100"));
}
