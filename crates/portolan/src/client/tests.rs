//! Unit tests of the request loop against an in-process fake registry (the workspace's HTTP
//! double): the auth state machine (Basic, Bearer, a refused token refreshed once) and the
//! retry policy (429 with `Retry-After`, 5xx up to the policy's attempts, broken
//! connections).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_double::{HttpDouble, Reply, Request};
use reqwest::{Method, StatusCode};

use super::{BlobHomes, Call, RegistryClient};
use crate::auth::chain::CredentialChain;
use crate::auth::credential::Credential;
use crate::error::Error;
use crate::transport::{RetryPolicy, TransportOptions};

const RESOURCE: &str = "/v2/repo/tags/list";
/// `alice:s3cret`, as Basic sends it.
const ALICE_BASIC: &str = "Basic YWxpY2U6czNjcmV0";

/// A policy fast enough for tests: 1 ms backoff, no wait above 300 ms.
pub(crate) fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(300),
    }
}

/// A client for `server`, signed in as alice when `signed_in`.
pub(crate) fn client_for(server: &HttpDouble, signed_in: bool) -> RegistryClient {
    let options = TransportOptions {
        retry: fast_policy(),
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    };
    let mut chain = CredentialChain::new();
    if signed_in {
        chain = chain.with_explicit(&server.host, Credential::password("alice", "s3cret"));
    }
    RegistryClient::new(
        &server.host,
        Arc::new(options),
        Arc::new(chain),
        Arc::new(BlobHomes::default()),
    )
    .expect("client")
}

/// GET the test resource through the request loop.
async fn get(client: &RegistryClient) -> crate::error::Result<reqwest::Response> {
    let url = client.api_url(RESOURCE.trim_start_matches('/')).await?;
    let scope = Some("repository:repo:pull".to_owned());
    client
        .send(Call::new(Method::GET, url, scope, "the tags of repo"))
        .await
}

fn tags() -> Reply {
    Reply::json(&serde_json::json!({"name": "repo", "tags": ["v1"]}))
}

/// A Bearer challenge naming the token service on the same fake server.
fn bearer_challenge(request: &Request, error: Option<&str>) -> Reply {
    let host = request.header("host").unwrap_or_default();
    let error = error.map(|e| format!(",error=\"{e}\"")).unwrap_or_default();
    Reply::empty(401).with_header(
        "WWW-Authenticate",
        &format!(
            "Bearer realm=\"http://{host}/token\",service=\"fake\",scope=\"repository:repo:pull\"{error}"
        ),
    )
}

/// Issues `T1`, `T2`, ... to alice.
fn token_service(request: &Request, issued: &AtomicU32) -> Reply {
    if request.header("authorization") != Some(ALICE_BASIC) {
        return Reply::empty(401);
    }
    let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
    Reply::json(&serde_json::json!({"token": format!("T{n}"), "expires_in": 300}))
}

#[test]
fn request_futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let client: Option<&RegistryClient> = None;
    if let Some(client) = client {
        assert_send(get(client));
        assert_send(client.fetch(
            Call::new(Method::GET, "http://x/".parse().expect("url"), None, "x"),
            1,
        ));
        // Transfers run in the desktop app's spawned tasks.
        let blob = crate::transfer::Blob {
            digest: crate::digest::Digest::sha256_of(b""),
            size: 0,
        };
        let source = crate::transfer::source::BlobSource::File {
            path: "x".into(),
            offset: 0,
        };
        let options = crate::transfer::push::PushOptions::default();
        assert_send(crate::transfer::upload::upload_blob(
            client, "repo", &blob, &source, None, &options,
        ));
        let reference: crate::reference::Reference = "localhost/x:1".parse().expect("ref");
        let pull = crate::transfer::pull::PullOptions::default();
        assert_send(crate::transfer::pull::pull_to_layout(
            client,
            &reference,
            std::path::Path::new("x"),
            &pull,
        ));
    }
}

#[tokio::test]
async fn basic_challenge_is_answered_with_the_credential() {
    let server = HttpDouble::serve(|r| match r.path() {
        "/v2/" => Reply::empty(200),
        RESOURCE if r.header("authorization") == Some(ALICE_BASIC) => tags(),
        RESOURCE => Reply::empty(401).with_header("WWW-Authenticate", "Basic realm=\"fake\""),
        _ => Reply::empty(404),
    });
    let client = client_for(&server, true);
    let response = get(&client).await.expect("signed in");
    assert_eq!(response.status(), StatusCode::OK);
    let sent: Vec<_> = server
        .requests_to("GET", RESOURCE)
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(sent, [None, Some(ALICE_BASIC.to_owned())]);
    // The client remembers: the next request carries Basic from the start.
    get(&client).await.expect("again");
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 3);
}

#[tokio::test]
async fn basic_challenge_without_a_credential_says_sign_in() {
    let server = HttpDouble::serve(|r| match r.path() {
        "/v2/" => Reply::empty(200),
        _ => Reply::empty(401).with_header("WWW-Authenticate", "Basic realm=\"fake\""),
    });
    let err = get(&client_for(&server, false))
        .await
        .expect_err("anonymous");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("sign in"), "{err}");
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 1);
}

#[tokio::test]
async fn bearer_challenge_fetches_a_token_and_sends_it() {
    let issued = Arc::new(AtomicU32::new(0));
    let counter = issued.clone();
    let server = HttpDouble::serve(move |r| match r.path() {
        "/v2/" => Reply::empty(200),
        "/token" => token_service(r, &counter),
        RESOURCE if r.header("authorization") == Some("Bearer T1") => tags(),
        RESOURCE => bearer_challenge(r, None),
        _ => Reply::empty(404),
    });
    let client = client_for(&server, true);
    let response = get(&client).await.expect("token accepted");
    assert_eq!(response.status(), StatusCode::OK);
    let token_requests = server.requests_to("GET", "/token");
    assert_eq!(token_requests.len(), 1);
    assert_eq!(
        token_requests[0].query("scope").as_deref(),
        Some("repository:repo:pull")
    );
    assert_eq!(token_requests[0].query("service").as_deref(), Some("fake"));
    let sent: Vec<_> = server
        .requests_to("GET", RESOURCE)
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(sent, [None, Some("Bearer T1".to_owned())]);
    // The token is cached for its scope: no second token request.
    get(&client).await.expect("again");
    assert_eq!(server.requests_to("GET", "/token").len(), 1);
    assert_eq!(issued.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_then_the_error_says_why() {
    let issued = Arc::new(AtomicU32::new(0));
    let counter = issued.clone();
    let server = HttpDouble::serve(move |r| match r.path() {
        "/v2/" => Reply::empty(200),
        "/token" => token_service(r, &counter),
        RESOURCE if r.header("authorization").is_some() => {
            bearer_challenge(r, Some("invalid_token"))
        }
        RESOURCE => bearer_challenge(r, None),
        _ => Reply::empty(404),
    });
    let err = get(&client_for(&server, true))
        .await
        .expect_err("every token refused");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(!err.to_string().contains("T2"), "no token in errors: {err}");
    // Bare, then with a first token, then with one fresh token; then it gives up.
    let sent: Vec<_> = server
        .requests_to("GET", RESOURCE)
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [
            None,
            Some("Bearer T1".to_owned()),
            Some("Bearer T2".to_owned())
        ]
    );
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn too_many_requests_waits_as_long_as_retry_after_says() {
    let answered = Arc::new(AtomicU32::new(0));
    let count = answered.clone();
    let server = HttpDouble::serve(move |r| match r.path() {
        "/v2/" => Reply::empty(200),
        RESOURCE if count.fetch_add(1, Ordering::SeqCst) < 2 => {
            Reply::empty(429).with_header("Retry-After", "1")
        }
        RESOURCE => tags(),
        _ => Reply::empty(404),
    });
    let started = Instant::now();
    let response = get(&client_for(&server, false)).await.expect("third time");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 3);
    // Two waits of Retry-After's second, each capped at the policy's 300 ms (the backoff
    // alone would be 1 ms and 2 ms).
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(600), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn endless_too_many_requests_is_rate_limited_after_the_policy_s_attempts() {
    let server = HttpDouble::serve(|r| match r.path() {
        "/v2/" => Reply::empty(200),
        _ => Reply::empty(429).with_header("Retry-After", "0"),
    });
    let err = get(&client_for(&server, false))
        .await
        .expect_err("rate limited");
    assert!(
        matches!(
            err,
            Error::RateLimited {
                retry_after: Some(0),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 4);
}

#[tokio::test]
async fn server_errors_are_retried_up_to_the_policy_s_attempts() {
    let server = HttpDouble::serve(|r| match r.path() {
        "/v2/" => Reply::empty(200),
        "/v2/broken/tags/list" => Reply::empty(501),
        _ => Reply::empty(503),
    });
    let client = client_for(&server, false);
    // The last answer is handed back for the caller to explain.
    let response = get(&client).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 4);
    // 501 will not change: asked once.
    let url = client.api_url("v2/broken/tags/list").await.expect("url");
    let response = client
        .send(Call::new(Method::GET, url, None, "broken"))
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::NOT_IMPLEMENTED);
    assert_eq!(server.requests_to("GET", "/v2/broken/tags/list").len(), 1);
}

#[tokio::test]
async fn a_configured_policy_is_the_one_used() {
    let server = HttpDouble::serve(|r| match r.path() {
        "/v2/" => Reply::empty(200),
        _ => Reply::empty(503),
    });
    let options = TransportOptions {
        retry: RetryPolicy {
            max_attempts: 2,
            ..fast_policy()
        },
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    };
    let client = RegistryClient::new(
        &server.host,
        Arc::new(options),
        Arc::new(CredentialChain::new()),
        Arc::new(BlobHomes::default()),
    )
    .expect("client");
    get(&client).await.expect("an answer");
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 2);
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried() {
    let answered = Arc::new(AtomicU32::new(0));
    let count = answered.clone();
    let server = HttpDouble::serve(move |r| match r.path() {
        "/v2/" => Reply::empty(200),
        // Read the request, then close without an answer.
        RESOURCE if count.fetch_add(1, Ordering::SeqCst) == 0 => Reply::raw(|_| Ok(())),
        RESOURCE => tags(),
        _ => Reply::empty(404),
    });
    let response = get(&client_for(&server, false)).await.expect("second time");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.requests_to("GET", RESOURCE).len(), 2);
}

#[tokio::test]
async fn nothing_listening_is_unreachable_after_the_policy_s_attempts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let host = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
    drop(listener);
    let client = RegistryClient::new(
        &host,
        Arc::new(TransportOptions {
            retry: fast_policy(),
            cert_dirs: Vec::new(),
            ..TransportOptions::default()
        }),
        Arc::new(CredentialChain::new()),
        Arc::new(BlobHomes::default()),
    )
    .expect("client");
    let err = client.ping().await.expect_err("nothing there");
    assert!(
        matches!(err, Error::Unreachable { tls: false, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_pull_rate_limit_a_registry_reports_is_kept() {
    let server = HttpDouble::serve(|r| match r.path() {
        "/v2/" => Reply::empty(200),
        RESOURCE => tags()
            .with_header("ratelimit-limit", "100;w=21600")
            .with_header("ratelimit-remaining", "7;w=21600"),
        _ => Reply::empty(404),
    });
    let client = client_for(&server, false);
    assert_eq!(client.rate_limit(), None, "nothing said yet");
    get(&client).await.expect("tags");
    let rate = client.rate_limit().expect("kept");
    assert_eq!((rate.remaining, rate.limit), (Some(7), Some(100)));
    assert!(rate.is_low());
}
