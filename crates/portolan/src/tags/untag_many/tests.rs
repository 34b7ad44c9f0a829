//! Unit tests of batched untags against an in-process registry that, like distribution
//! 2.8, has no DELETE by tag and removes every tag on a manifest deleted by digest: the
//! batches remove exactly the tags named (one delete per batch), a moved tag is refused,
//! and when a batch's delete fails every tag goes back where it was.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use http_double::{HttpDouble, Reply, Request};

use super::{untag_many, BATCH};
use crate::client::tests::client_for;
use crate::digest::Digest;
use crate::error::ErrorCode;
use crate::manifest::OCI_MANIFEST;
use crate::tags::UntagMethod;

const IMAGE: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;
const OTHER: &[u8] = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[],"annotations":{"n":"2"}}"#;

/// Manifests by digest and tags, as a registry keeps them.
#[derive(Default)]
struct Store {
    manifests: BTreeMap<String, Vec<u8>>,
    tags: BTreeMap<String, String>,
}

struct Registry {
    store: Mutex<Store>,
    /// Deletes by digest still allowed (then refused with 403).
    deletes_left: AtomicU32,
    /// A push by someone else that lands on a tag when a delete is refused (the tag, and
    /// the digest of a manifest already stored).
    push_when_refused: Mutex<Option<(String, String)>>,
}

impl Registry {
    fn new(deletes: u32) -> Arc<Self> {
        Arc::new(Self {
            store: Mutex::new(Store::default()),
            deletes_left: AtomicU32::new(deletes),
            push_when_refused: Mutex::new(None),
        })
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add(&self, bytes: &[u8], tags: impl IntoIterator<Item = String>) -> Digest {
        let digest = Digest::sha256_of(bytes);
        let mut store = self.store();
        store.manifests.insert(digest.to_string(), bytes.to_vec());
        for tag in tags {
            store.tags.insert(tag, digest.to_string());
        }
        digest
    }

    fn answer(&self, r: &Request) -> Reply {
        let path = r.path();
        if path == "/v2/" {
            return Reply::empty(200);
        }
        if path == "/v2/repo/tags/list" {
            let tags: Vec<String> = self.store().tags.keys().cloned().collect();
            return Reply::json(&serde_json::json!({"name": "repo", "tags": tags}));
        }
        if path.starts_with("/v2/repo/blobs/") {
            return Reply::empty(200).with_header("Content-Length", "2");
        }
        let Some(reference) = path.strip_prefix("/v2/repo/manifests/") else {
            return Reply::empty(404);
        };
        let mut store = self.store();
        let digest = if reference.starts_with("sha256:") {
            Some(reference.to_owned()).filter(|d| store.manifests.contains_key(d))
        } else {
            store.tags.get(reference).cloned()
        };
        match r.method.as_str() {
            "GET" | "HEAD" => match digest {
                Some(d) => Reply::Body {
                    status: 200,
                    headers: vec![
                        ("Content-Type".into(), OCI_MANIFEST.into()),
                        ("Docker-Content-Digest".into(), d.clone()),
                    ],
                    body: if r.method == "GET" {
                        store.manifests[&d].clone()
                    } else {
                        Vec::new()
                    },
                },
                None => Reply::empty(404),
            },
            "PUT" => {
                let d = Digest::sha256_of(&r.body).to_string();
                store.manifests.insert(d.clone(), r.body.clone());
                if !reference.starts_with("sha256:") {
                    store.tags.insert(reference.to_owned(), d.clone());
                }
                Reply::empty(201).with_header("Docker-Content-Digest", &d)
            }
            "DELETE" if !reference.starts_with("sha256:") => Reply::empty(405),
            "DELETE" => {
                let allowed = self
                    .deletes_left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                match digest {
                    _ if !allowed => {
                        let push = self
                            .push_when_refused
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .take();
                        if let Some((tag, pushed)) = push {
                            store.tags.insert(tag, pushed);
                        }
                        Reply::empty(403)
                    }
                    Some(d) => {
                        store.manifests.remove(&d);
                        store.tags.retain(|_, on| *on != d);
                        Reply::empty(202)
                    }
                    None => Reply::empty(404),
                }
            }
            _ => Reply::empty(405),
        }
    }
}

fn serve(registry: &Arc<Registry>) -> HttpDouble {
    let r = registry.clone();
    HttpDouble::serve(move |request| r.answer(request))
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:03}")).collect()
}

#[tokio::test]
async fn batches_remove_exactly_the_tags_named_with_one_delete_each() {
    let registry = Registry::new(u32::MAX);
    let image = registry.add(IMAGE, names("old", 100).into_iter().chain(["keep".into()]));
    let other = registry.add(OTHER, ["moved".to_owned(), "other".to_owned()]);
    let server = serve(&registry);
    let client = client_for(&server, false);
    let mut asked: Vec<(String, Digest)> = names("old", 100)
        .into_iter()
        .map(|t| (t, image.clone()))
        .collect();
    // Where the user saw it: on `image`; it has moved to `other` since.
    asked.push(("moved".to_owned(), image.clone()));
    asked.push(("missing".to_owned(), image.clone()));
    let mut heard = 0;
    let results = untag_many(&client, "repo", &asked, |_, _| heard += 1).await;
    assert_eq!(heard, asked.len(), "every result is reported as it ends");
    for (i, result) in results.iter().take(100).enumerate() {
        assert_eq!(result.as_ref().ok(), Some(&UntagMethod::Placeholder), "{i}");
    }
    let moved = results[100].as_ref().expect_err("a moved tag is refused");
    assert_eq!(moved.code(), ErrorCode::Conflict, "{moved}");
    let missing = results[101].as_ref().expect_err("a missing tag");
    assert_eq!(missing.code(), ErrorCode::NotFound, "{missing}");
    let store = registry.store();
    assert_eq!(
        store
            .tags
            .iter()
            .map(|(t, d)| (t.as_str(), d.clone()))
            .collect::<Vec<_>>(),
        vec![
            ("keep", image.to_string()),
            ("moved", other.to_string()),
            ("other", other.to_string()),
        ],
        "exactly the named tags are gone, the images stay"
    );
    assert!(store.manifests.contains_key(&image.to_string()));
    drop(store);
    // One delete for the first tag (alone, to learn the registry's way), then one per batch.
    let deletes = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE" && r.path().contains("/manifests/sha256:"))
        .count();
    assert_eq!(deletes, 1 + 99usize.div_ceil(BATCH));
}

#[tokio::test]
async fn a_failed_batch_delete_puts_every_tag_back() {
    // The first delete (the first tag, alone) works; every later one is refused.
    let registry = Registry::new(1);
    let image = registry.add(IMAGE, names("old", 5).into_iter().chain(["keep".into()]));
    let server = serve(&registry);
    let client = client_for(&server, false);
    let asked: Vec<(String, Digest)> = names("old", 5)
        .into_iter()
        .map(|t| (t, image.clone()))
        .collect();
    let results = untag_many(&client, "repo", &asked, |_, _| {}).await;
    assert!(results[0].is_ok(), "{:?}", results[0]);
    for result in &results[1..] {
        let e = result.as_ref().expect_err("refused");
        assert_ne!(e.code(), ErrorCode::Incomplete, "put back, not left: {e}");
    }
    let store = registry.store();
    let left: Vec<(&str, &str)> = store
        .tags
        .iter()
        .map(|(t, d)| (t.as_str(), d.as_str()))
        .collect();
    let on_image = image.to_string();
    assert_eq!(
        left,
        ["keep", "old001", "old002", "old003", "old004"]
            .map(|t| (t, on_image.as_str()))
            .to_vec(),
        "every tag of the failed batch points where it did"
    );
}

#[tokio::test]
async fn a_push_that_lands_while_an_untag_fails_is_not_overwritten() {
    // No delete works; when the placeholder's delete is refused, someone pushes `other`
    // to the tag before Portolan can put it back: their push must stay.
    let registry = Registry::new(0);
    let image = registry.add(IMAGE, ["v1".to_owned(), "keep".to_owned()]);
    let other = registry.add(OTHER, ["elsewhere".to_owned()]);
    *registry
        .push_when_refused
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(("v1".to_owned(), other.to_string()));
    let server = serve(&registry);
    let client = client_for(&server, false);
    let results = untag_many(
        &client,
        "repo",
        &[("v1".to_owned(), image.clone())],
        |_, _| {},
    )
    .await;
    assert!(results[0].is_err(), "the untag failed: {:?}", results[0]);
    let store = registry.store();
    assert_eq!(
        store.tags.get("v1"),
        Some(&other.to_string()),
        "the push that landed meanwhile wins"
    );
    assert_eq!(store.tags.get("keep"), Some(&image.to_string()));
    drop(store);
    let put_back = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path().ends_with("/manifests/v1"))
        .count();
    assert_eq!(
        put_back, 1,
        "only the placeholder was put on v1, never the old image"
    );
}
