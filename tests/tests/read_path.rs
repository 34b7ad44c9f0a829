//! The engine's read path against a real registry (distribution 2.8), in all three auth
//! modes: no auth, htpasswd, and bearer tokens from the tests' token server.

use portolan::auth::chain::CredentialChain;
use portolan::client::ReferrersSource;
use portolan::manifest::ManifestKind;
use portolan::{Client, Credential, Platform, Reference, TransportOptions};
use portolan::{Error, ErrorCode};
use portolan_tests::block_on;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::seed::{self, Seeded};

fn users() -> Vec<(String, String)> {
    vec![("alice".into(), "wonderland-pass".into())]
}

fn client_with(registry: &TestRegistry, user: Option<(&str, &str)>) -> Client {
    let mut chain = CredentialChain::new();
    if let Some((u, p)) = user {
        chain = chain.with_explicit(&registry.host, Credential::password(u, p));
    }
    Client::new(TransportOptions::default(), chain)
}

fn r(registry: &TestRegistry, rest: &str) -> Reference {
    Reference::parse(&registry.reference(rest)).expect("reference")
}

/// What a user checks when browsing: layers, sizes, history lines, config, platforms,
/// digests that match what was pushed, tags, and clear not-found errors.
async fn check_read_path(registry: &TestRegistry, client: &Client, seeded: &Seeded) {
    // An image: layers with their sizes and the history line that made each.
    let report = client
        .inspect(&r(registry, "team/app:v1"), None)
        .await
        .expect("inspect app");
    assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
    assert_eq!(report.kind, ManifestKind::Image);
    let image = report.image.expect("image details");
    assert_eq!(
        image.platform.as_ref().map(ToString::to_string).as_deref(),
        Some("linux/amd64")
    );
    let sizes: Vec<u64> = image.layers.iter().map(|l| l.size).collect();
    let want: Vec<u64> = seeded
        .app
        .layers
        .iter()
        .map(|b| b.bytes.len() as u64)
        .collect();
    assert_eq!(sizes, want);
    let lines: Vec<String> = image
        .layers
        .iter()
        .map(|l| l.created_by.clone().unwrap_or_default())
        .collect();
    assert_eq!(lines, seeded.app.layer_history);
    assert_eq!(
        image.history.iter().filter(|h| h.empty_layer).count(),
        seeded.app.empty_steps.len()
    );
    let config = image.config.expect("config");
    assert!(
        config.env.contains(&"SEED=app".to_owned()),
        "{:?}",
        config.env
    );
    assert_eq!(config.entrypoint, vec!["/usr/local/bin/hello"]);
    assert_eq!(config.exposed_ports, vec!["8080/tcp"]);
    assert_eq!(config.user.as_deref(), Some("1000:1000"));

    // By digest, and HEAD, give the same digest; so does the other tag.
    let digest = client
        .resolve_digest(&r(registry, "team/app:v2"))
        .await
        .expect("HEAD");
    assert_eq!(digest.to_string(), seeded.app.manifest.digest);
    let by_digest = client
        .inspect(
            &r(
                registry,
                &format!("team/app@{}", seeded.app.manifest.digest),
            ),
            None,
        )
        .await
        .expect("by digest");
    assert_eq!(by_digest.digest, digest);

    // A multi-platform index: its platforms, and the one asked for in detail.
    let arm = Platform::parse("linux/arm64").expect("platform");
    let report = client
        .inspect(&r(registry, "team/multi:1.0"), Some(&arm))
        .await
        .expect("index");
    assert_eq!(report.kind, ManifestKind::Index);
    assert_eq!(report.digest.to_string(), seeded.multi_digest);
    let platforms: Vec<String> = report
        .platforms
        .iter()
        .map(|p| p.platform.to_string())
        .collect();
    assert_eq!(platforms, vec!["linux/amd64", "linux/arm64/v8"]);
    let chosen = report.image.expect("chosen platform");
    assert_eq!(
        chosen.digest.to_string(),
        seeded.multi_arm64.manifest.digest
    );
    assert_eq!(chosen.layers.len(), 2);
    let s390 = Platform::parse("linux/s390x").expect("platform");
    let err = client
        .inspect(&r(registry, "team/multi:1.0"), Some(&s390))
        .await
        .expect_err("no such platform");
    assert!(err.to_string().contains("linux/arm64/v8"), "{err}");
    let _ = &seeded.multi_amd64;

    // Docker v2 schema 2 reads as well as OCI.
    let legacy = client
        .inspect(&r(registry, "team/legacy:v1"), None)
        .await
        .expect("docker v2");
    assert_eq!(legacy.media_type, portolan::manifest::DOCKER_MANIFEST);
    assert_eq!(legacy.digest.to_string(), seeded.legacy.manifest.digest);
    assert_eq!(legacy.image.expect("details").layers.len(), 2);

    // Tags, and a missing tag named in the error.
    let tags = client.tags(&r(registry, "team/app")).await.expect("tags");
    assert_eq!(tags, vec!["v1", "v2"]);
    let err = client
        .inspect(&r(registry, "team/app:nope"), None)
        .await
        .expect_err("missing tag");
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    assert!(err.to_string().contains("team/app:nope"), "{err}");
}

#[test]
fn read_path_without_auth() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    block_on(async {
        let client = client_with(&registry, None);
        check_read_path(&registry, &client, &seeded).await;
        let ping = client.ping(&registry.host).await.expect("ping");
        assert_eq!(ping.auth, "none");
        assert!(
            ping.base_url.starts_with("http://"),
            "loopback falls back to plain HTTP"
        );
    });
}

#[test]
fn read_path_with_htpasswd() {
    let registry = TestRegistry::start(Auth::Htpasswd(users()));
    let seeded = seed::standard(&registry);
    block_on(async {
        let client = client_with(&registry, Some(("alice", "wonderland-pass")));
        check_read_path(&registry, &client, &seeded).await;
        assert_eq!(
            client.ping(&registry.host).await.expect("ping").auth,
            "basic"
        );

        let anonymous = client_with(&registry, None);
        let err = anonymous
            .tags(&r(&registry, "team/app"))
            .await
            .expect_err("anonymous");
        assert_eq!(err.code(), ErrorCode::Unauthorized, "{err}");
        assert!(err.to_string().contains("sign in"), "{err}");

        let wrong = client_with(&registry, Some(("alice", "not-the-password")));
        let err = wrong
            .tags(&r(&registry, "team/app"))
            .await
            .expect_err("wrong password");
        assert_eq!(err.code(), ErrorCode::Unauthorized, "{err}");
        assert!(!err.to_string().contains("not-the-password"), "{err}");
        let err = anonymous
            .verify_login(&registry.host, Credential::password("alice", "nope"))
            .await
            .expect_err("login check");
        assert_eq!(err.code(), ErrorCode::Unauthorized);
        anonymous
            .verify_login(
                &registry.host,
                Credential::password("alice", "wonderland-pass"),
            )
            .await
            .expect("good login");
    });
}

#[test]
fn read_path_with_bearer_tokens() {
    let registry = TestRegistry::start(Auth::Token(users()));
    let seeded = seed::standard(&registry);
    let server = registry.token_server.as_ref().expect("token server");
    block_on(async {
        let client = client_with(&registry, Some(("alice", "wonderland-pass")));
        let before = server.requests();
        check_read_path(&registry, &client, &seeded).await;
        // About 20 API calls on 3 repositories: tokens are cached per scope, not fetched per call.
        let fetched = server.requests() - before;
        assert!(fetched <= 5, "fetched {fetched} tokens for 4 scopes");
        assert_eq!(
            client.ping(&registry.host).await.expect("ping").auth,
            "bearer"
        );

        // Anonymous: public repositories pull, private ones ask for a sign-in.
        let anonymous = client_with(&registry, None);
        let public = anonymous
            .inspect(&r(&registry, "public/hello:latest"), None)
            .await
            .expect("anonymous public pull");
        assert_eq!(public.digest.to_string(), seeded.public.manifest.digest);
        let err = anonymous
            .inspect(&r(&registry, "team/app:v1"), None)
            .await
            .expect_err("private");
        assert!(
            matches!(err.code(), ErrorCode::Forbidden | ErrorCode::Unauthorized),
            "{err}"
        );
        assert!(err.to_string().contains("sign in"), "{err}");

        // Wrong credentials are refused by the token server, without echoing the secret.
        let wrong = client_with(&registry, Some(("alice", "bad-secret-123")));
        let err = wrong
            .tags(&r(&registry, "team/app"))
            .await
            .expect_err("wrong password");
        assert_eq!(err.code(), ErrorCode::Unauthorized, "{err}");
        assert!(!format!("{err} {err:?}").contains("bad-secret-123"));
    });
}

#[test]
fn a_thousand_tags_are_all_listed() {
    let registry = TestRegistry::start(Auth::Token(users()));
    let tags = seed::many_tags(&registry, "big/tags", 1100);
    block_on(async {
        let client = client_with(&registry, Some(("alice", "wonderland-pass")));
        let listed = client.tags(&r(&registry, "big/tags")).await.expect("tags");
        assert_eq!(listed.len(), tags.len());
        assert!(listed == tags, "every tag, in lexical order");
    });
}

#[test]
fn three_hundred_repositories_page_through_the_catalog() {
    let registry = TestRegistry::start(Auth::Token(users()));
    let names = seed::many_repositories(&registry, 320);
    block_on(async {
        let client = client_with(&registry, Some(("alice", "wonderland-pass")));
        let listed = client.repositories(&registry.host).await.expect("catalog");
        assert_eq!(
            listed.len(),
            names.len(),
            "distribution pages 100 at a time; every page must be followed"
        );
        assert!(listed == names);
        // Anonymous users get no catalog rights from the token server: a clear error.
        let err = client_with(&registry, None)
            .repositories(&registry.host)
            .await
            .expect_err("no catalog");
        assert_eq!(err.code(), ErrorCode::Unsupported, "{err}");
        assert!(matches!(err, Error::CatalogUnavailable { .. }), "{err}");
        assert!(
            err.to_string().contains("open a repository by name"),
            "{err}"
        );
    });
}

#[test]
fn referrers_fall_back_to_the_digest_tag() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let subject = &seeded.app.manifest;
    let artifact = seed::referrer(&registry, "team/app", subject);
    block_on(async {
        let client = client_with(&registry, None);
        let (found, source) = client
            .referrers(&r(&registry, "team/app:v1"))
            .await
            .expect("referrers");
        assert_eq!(source, ReferrersSource::FallbackTag);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].digest().to_string(), artifact.digest);
        let (none, source) = client
            .referrers(&r(&registry, "team/legacy:v1"))
            .await
            .expect("no referrers");
        assert!(none.is_empty());
        assert_eq!(source, ReferrersSource::None);
        let art = client
            .inspect(
                &r(&registry, &format!("team/app@{}", artifact.digest)),
                None,
            )
            .await
            .expect("artifact");
        assert_eq!(art.kind, ManifestKind::Artifact);
    });
}
