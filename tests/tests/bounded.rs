//! Memory stays bounded and nothing panics, whatever a hostile registry sends: endless
//! error bodies, endless tag lists, an index naming one child a hundred times, sizes that
//! overflow when added up. The registry here is [`FakeRegistry`], written to misbehave.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use portolan::{Client, Reference};
use portolan::{Error, ErrorCode};
use portolan_tests::block_on;
use portolan_tests::fake_registry::{FakeRegistry, Reply};
use portolan_tests::images::sha256;

fn reference(registry: &FakeRegistry, rest: &str) -> Reference {
    Reference::parse(&format!("{}/{rest}", registry.host)).expect("reference")
}

fn api_root(path: &str) -> Option<Reply> {
    (path == "/v2/").then(|| Reply::json(&serde_json::json!({})))
}

const MIB: u64 = 1024 * 1024;

#[test]
fn an_endless_error_body_is_read_only_up_to_its_cap() {
    let registry = FakeRegistry::start(|method, path| {
        if let Some(r) = api_root(path) {
            return r;
        }
        match method {
            // A delete refused with a 600 MiB body.
            "DELETE" => Reply::Endless {
                status: 405,
                content_type: "application/json".into(),
                total: 600 * MIB,
            },
            // Any other failure with one, too.
            _ => Reply::Endless {
                status: 500,
                content_type: "text/html".into(),
                total: 600 * MIB,
            },
        }
    });
    let digest = format!("sha256:{}", "a".repeat(64));
    let err = block_on(Client::anonymous().delete(&reference(&registry, &format!("r@{digest}"))))
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Unsupported, "{err}");
    assert!(matches!(err, Error::DeleteUnsupported { .. }), "{err}");
    let err = block_on(Client::anonymous().inspect(&reference(&registry, "r:v1"), None))
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Registry, "{err}");
    // Four attempts of the failing GET and one DELETE, each stopped early: socket buffers
    // hold a few MiB, far from the 3 GB offered.
    let sent = registry.bytes_sent();
    eprintln!(
        "endless error bodies: {} KiB accepted of 3000 MiB offered",
        sent / 1024
    );
    assert!(sent < 100 * MIB, "{} MiB were read", sent / MIB);
}

#[test]
fn an_endless_tag_list_ends_in_a_clear_error() {
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = pages.clone();
    let registry = FakeRegistry::start(move |_, path| {
        if let Some(r) = api_root(path) {
            return r;
        }
        // Every page holds 20,000 new names and points at one more page.
        let page = counter.fetch_add(1, Ordering::SeqCst);
        let tags: Vec<String> = (0..20_000).map(|i| format!("p{page}-{i}")).collect();
        Reply::Body {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                (
                    "Link".into(),
                    format!("</v2/r/tags/list?n=1000&last=p{page}>; rel=\"next\""),
                ),
            ],
            body: serde_json::json!({"name": "r", "tags": tags})
                .to_string()
                .into_bytes(),
        }
    });
    let err = block_on(Client::anonymous().tags(&reference(&registry, "r"))).expect_err("endless");
    assert_eq!(err.code(), ErrorCode::TooLarge, "{err}");
    assert!(matches!(err, Error::TooMany { .. }), "{err}");
    assert!(err.to_string().contains("2000000"), "{err}");
    let served = pages.load(Ordering::SeqCst);
    assert!(
        served <= 2 + portolan::client::MAX_LIST_ITEMS / 20_000,
        "stopped at the limit ({served} pages)"
    );
}

#[test]
fn an_index_naming_one_child_many_times_fetches_it_once_and_huge_sizes_do_not_panic() {
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": []},
    })
    .to_string()
    .into_bytes();
    let config_digest = sha256(&config);
    // Sizes whose sum overflows 64 bits.
    let layer = |n: u8| {
        serde_json::json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": format!("sha256:{}", format!("{n:x}").repeat(64)),
            "size": u64::MAX / 2,
        })
    };
    let child = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [layer(1), layer(2), layer(3)],
    })
    .to_string()
    .into_bytes();
    let child_digest = sha256(&child);
    let entry = serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": child_digest, "size": child.len(),
        "platform": {"architecture": "amd64", "os": "linux"},
    });
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": vec![entry; 100],
    })
    .to_string()
    .into_bytes();
    let child_fetches = Arc::new(AtomicUsize::new(0));
    let counter = child_fetches.clone();
    let served_child = child_digest.clone();
    let registry = FakeRegistry::start(move |method, path| {
        let child_digest = &served_child;
        if let Some(r) = api_root(path) {
            return r;
        }
        let manifest = |kind: &str, bytes: &[u8]| Reply::Body {
            status: 200,
            headers: vec![
                ("Content-Type".into(), kind.into()),
                ("Docker-Content-Digest".into(), sha256(bytes)),
            ],
            body: bytes.to_vec(),
        };
        if path == "/v2/r/manifests/v1" {
            return manifest("application/vnd.oci.image.index.v1+json", &index);
        }
        if path == format!("/v2/r/manifests/{child_digest}") {
            if method == "GET" {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            return manifest("application/vnd.oci.image.manifest.v1+json", &child);
        }
        if path == format!("/v2/r/blobs/{config_digest}") {
            return Reply::Body {
                status: 200,
                headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                body: config.clone(),
            };
        }
        Reply::Body {
            status: 404,
            headers: Vec::new(),
            body: br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}"#.to_vec(),
        }
    });
    let report = block_on(Client::anonymous().inspect(&reference(&registry, "r:v1"), None))
        .expect("inspect");
    let text = serde_json::to_string(&report).expect("json");
    assert!(text.contains(&child_digest), "{text}");
    assert_eq!(
        child_fetches.load(Ordering::SeqCst),
        1,
        "the child listed 100 times is fetched once"
    );
}

#[test]
fn an_index_child_that_is_not_a_digest_is_refused_not_fetched_as_a_tag() {
    // `foo:bar` has the shape of a digest to a lenient parser but is none Portolan can
    // verify; fetched as text it would be an unverified manifest by name.
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "foo:bar", "size": 10,
            "platform": {"architecture": "amd64", "os": "linux"},
        }],
    })
    .to_string()
    .into_bytes();
    let fetched_child = Arc::new(AtomicUsize::new(0));
    let counter = fetched_child.clone();
    let source = FakeRegistry::start(move |_, path| {
        if let Some(r) = api_root(path) {
            return r;
        }
        if path == "/v2/r/manifests/v1" {
            return Reply::Body {
                status: 200,
                headers: vec![
                    (
                        "Content-Type".into(),
                        "application/vnd.oci.image.index.v1+json".into(),
                    ),
                    ("Docker-Content-Digest".into(), sha256(&index)),
                ],
                body: index.clone(),
            };
        }
        if path.contains("foo:bar") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        Reply::Body {
            status: 404,
            headers: Vec::new(),
            body: Vec::new(),
        }
    });
    let destination =
        portolan_tests::registry::TestRegistry::start(portolan_tests::registry::Auth::None);
    let err = block_on(Client::anonymous().copy(
        &reference(&source, "r:v1"),
        &Reference::parse(&destination.reference("r:v1")).expect("ref"),
        false,
        &portolan::PushOptions::default(),
    ))
    .expect_err("refused");
    assert!(
        matches!(err, portolan::Error::InvalidResponse { .. }),
        "{err}"
    );
    assert_eq!(
        fetched_child.load(Ordering::SeqCst),
        0,
        "never fetched by name"
    );
}
