//! Where every tag points, for grouping a tag list by digest (`portolan_ops::tag_digests`):
//! on a ghcr.io-like registry from GitHub's API (versions carry their tags), with no
//! manifest request per tag; on any other registry a `HEAD` per tag and nothing more.

use std::collections::BTreeMap;
use std::sync::Arc;

use portolan::Client;
use portolan_ops::packages::VendorApis;
use portolan_ops::tag_digests::{tag_digests, DigestSource, TagDigests};
use portolan_tests::block_on;
use portolan_tests::github_packages::GhcrLike;
use portolan_tests::images::{build_image, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};

fn by_tag(found: &TagDigests) -> BTreeMap<String, String> {
    found
        .tags
        .iter()
        .map(|t| (t.tag.clone(), t.digest.clone()))
        .collect()
}

#[test]
fn on_ghcr_the_digests_come_from_the_api_without_a_manifest_request_per_tag() {
    let ghcr = GhcrLike::start();
    let pusher = Pusher::new(&ghcr.registry);
    let a = build_image(&ImageSpec::new("group-a", "amd64", &[100]));
    let b = build_image(&ImageSpec::new("group-b", "amd64", &[100]));
    for tag in ["v1", "latest"] {
        pusher.push_image("octo/app", tag, &a);
    }
    pusher.push_image("octo/app", "v2", &b);
    let apis = VendorApis {
        github: ghcr.api_url(),
        github_accept: "application/json".to_owned(),
        github_registry: Some(ghcr.front.host.clone()),
        ..VendorApis::default()
    };
    let client = Arc::new(Client::anonymous());
    let found = block_on(tag_digests(&client, &apis, &ghcr.package())).expect("digests");
    assert_eq!(found.source, DigestSource::Api);
    let want: BTreeMap<String, String> = [
        ("latest", &a.manifest.digest),
        ("v1", &a.manifest.digest),
        ("v2", &b.manifest.digest),
    ]
    .into_iter()
    .map(|(t, d)| (t.to_owned(), d.clone()))
    .collect();
    assert_eq!(by_tag(&found), want);
    let manifest_requests: Vec<String> = ghcr
        .front
        .requests()
        .iter()
        .map(|r| r.line())
        .filter(|l| l.contains("/manifests/"))
        .collect();
    assert!(
        manifest_requests.is_empty(),
        "no manifest request: {manifest_requests:?}"
    );
}

#[test]
fn elsewhere_each_tag_is_one_head() {
    let registry = TestRegistry::start(Auth::None);
    let tags = portolan_tests::seed::many_tags(&registry, "big/tags", 40);
    let client = Arc::new(Client::anonymous());
    let repository = format!("{}/big/tags", registry.host);
    let found =
        block_on(tag_digests(&client, &VendorApis::default(), &repository)).expect("digests");
    assert_eq!(found.source, DigestSource::Registry);
    assert_eq!(found.tags.len(), tags.len());
    let digests: std::collections::BTreeSet<&str> =
        found.tags.iter().map(|t| t.digest.as_str()).collect();
    assert_eq!(digests.len(), 1, "every tag on one image");
}

#[test]
fn on_docker_hub_the_digests_come_from_the_hub_api() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("hub-app", "amd64", &[100]));
    let pusher = Pusher::new(&registry);
    for tag in ["v1", "latest"] {
        pusher.push_image("alice/app", tag, &image);
    }
    let tag = |name: &str| serde_json::json!({"name": name, "digest": image.manifest.digest, "last_updated": "2026-01-01T00:00:00Z", "full_size": 100, "images": []});
    let api = portolan_tests::http_double::HttpDouble::builder()
        .reply(
            "GET",
            "/v2/namespaces/alice/repositories/app/tags",
            portolan_tests::http_double::Reply::json(
                &serde_json::json!({"count": 2, "next": null, "results": [tag("v1"), tag("latest")]}),
            ),
        )
        .start();
    let apis = VendorApis {
        hub: format!("http://{}", api.host),
        hub_registry: Some(registry.host.clone()),
        ..VendorApis::default()
    };
    let client = Arc::new(Client::anonymous());
    let repository = format!("{}/alice/app", registry.host);
    let listed = block_on(portolan_ops::packages::tag_digests(
        &client,
        &apis,
        &repository,
    ));
    assert!(listed.is_ok(), "the Hub API answers: {listed:?}");
    let found = block_on(tag_digests(&client, &apis, &repository)).expect("digests");
    assert_eq!(found.source, DigestSource::Api);
    assert_eq!(found.tags.len(), 2);
}
