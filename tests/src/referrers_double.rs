//! A registry double with the OCI referrers API, which distribution 2.8 lacks.
//!
//! It answers `GET /v2/<name>/referrers/<digest>` with an image index
//! (`application/vnd.oci.image.index.v1+json`) of the manifests whose `subject` is that
//! digest — an empty one for a subject it knows nothing of, as registries with the API do.
//! Everything else is either served from memory ([`ReferrersDouble::start`]: `GET /v2/` and
//! manifests added with [`ReferrersDouble::add_manifest`]) or forwarded to a real registry
//! ([`ReferrersDouble::in_front_of`]), whose manifest pushes it indexes by subject, as a
//! registry with the API does. Routes of an [`HttpDouble`]; forwarded answers are passed
//! back as the registry sent them, and end their connection.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::http_double::{forward, HttpDouble, Reply, Request};
use crate::images::{sha256, OCI_INDEX};

#[derive(Default)]
struct State {
    /// Referrer descriptors by subject digest, in the order they arrived.
    referrers: HashMap<String, Vec<serde_json::Value>>,
    /// `(repository, tag or digest)` -> (media type, bytes), when standing alone.
    manifests: HashMap<(String, String), (String, Vec<u8>)>,
}

/// A running double.
pub struct ReferrersDouble {
    /// `127.0.0.1:PORT`.
    pub host: String,
    state: Arc<Mutex<State>>,
    double: HttpDouble,
}

impl ReferrersDouble {
    /// A double that serves manifests from memory.
    pub fn start() -> Self {
        Self::spawn(None)
    }

    /// A double that forwards everything but the referrers API to `upstream`
    /// (`127.0.0.1:PORT`, plain HTTP).
    pub fn in_front_of(upstream: &str) -> Self {
        Self::spawn(Some(upstream.to_owned()))
    }

    fn spawn(upstream: Option<String>) -> Self {
        let state: Arc<Mutex<State>> = Arc::default();
        let referrers = state.clone();
        let table = HttpDouble::builder().handle("GET", "/v2/**/referrers/*", move |r| {
            referrers_of(&referrers, r)
        });
        let rest = state.clone();
        let double = match upstream {
            Some(upstream) => table.fallback(move |r| forward_to(&upstream, &rest, r)),
            None => table
                .reply("*", "/v2/", Reply::json(&serde_json::json!({})))
                .reply("*", "/v2", Reply::json(&serde_json::json!({})))
                .handle("GET", "/v2/**/manifests/*", move |r| {
                    manifest_from_memory(&rest, r)
                })
                .fallback(|_| not_found()),
        }
        .start();
        Self {
            host: double.host.clone(),
            state,
            double,
        }
    }

    /// Serve `bytes` as manifest `repository:reference` (a tag, or its digest), and index
    /// it under its `subject` when it has one.
    pub fn add_manifest(&self, repository: &str, reference: &str, media_type: &str, bytes: &[u8]) {
        let mut state = self.state.lock().expect("state");
        index_subject(&mut state, media_type, bytes);
        state.manifests.insert(
            (repository.to_owned(), reference.to_owned()),
            (media_type.to_owned(), bytes.to_vec()),
        );
    }

    /// Request lines seen so far (`PUT /v2/a/manifests/sha256-… HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.double.request_lines()
    }
}

/// Remember the manifest `bytes` as a referrer of its `subject`, described as the
/// referrers API describes it.
fn index_subject(state: &mut State, media_type: &str, bytes: &[u8]) {
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let Some(subject) = manifest["subject"]["digest"].as_str() else {
        return;
    };
    let mut entry = serde_json::json!({
        "mediaType": manifest["mediaType"].as_str().unwrap_or(media_type),
        "digest": sha256(bytes),
        "size": bytes.len(),
    });
    let artifact_type = manifest["artifactType"]
        .as_str()
        .or_else(|| manifest["config"]["mediaType"].as_str());
    if let Some(t) = artifact_type {
        entry["artifactType"] = t.into();
    }
    if manifest["annotations"].is_object() {
        entry["annotations"] = manifest["annotations"].clone();
    }
    let listed = state.referrers.entry(subject.to_owned()).or_default();
    if !listed.iter().any(|e| e["digest"] == entry["digest"]) {
        listed.push(entry);
    }
}

/// `GET /v2/<name...>/referrers/<digest>`: the index of what refers to `<digest>`.
fn referrers_of(state: &Mutex<State>, request: &Request) -> Reply {
    let subject = request.path().rsplit('/').next().unwrap_or_default();
    let listed = state
        .lock()
        .expect("state")
        .referrers
        .get(subject)
        .cloned()
        .unwrap_or_default();
    let index =
        serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": listed});
    Reply::bytes(200, OCI_INDEX, serde_json::to_vec(&index).expect("json"))
}

/// `GET|HEAD /v2/<name...>/manifests/<reference>` from memory.
fn manifest_from_memory(state: &Mutex<State>, request: &Request) -> Reply {
    let segments: Vec<&str> = request.path().trim_start_matches('/').split('/').collect();
    let repository = segments[1..segments.len() - 2].join("/");
    let reference = segments[segments.len() - 1].to_owned();
    let found = state
        .lock()
        .expect("state")
        .manifests
        .get(&(repository, reference))
        .cloned();
    match found {
        Some((media_type, bytes)) => {
            let digest = sha256(&bytes);
            Reply::bytes(200, &media_type, bytes).with_header("Docker-Content-Digest", &digest)
        }
        None => not_found(),
    }
}

fn not_found() -> Reply {
    Reply::registry_error(404, "MANIFEST_UNKNOWN", "manifest unknown")
}

/// Pass the request to `upstream` and its answer back as sent, indexing a manifest push
/// the registry accepted by its subject.
fn forward_to(upstream: &str, state: &Mutex<State>, request: &Request) -> Reply {
    let Ok(response) = forward(upstream, request) else {
        return Reply::raw(|_| Ok(()));
    };
    let pushed = response.starts_with(b"HTTP/1.1 201") || response.starts_with(b"HTTP/1.0 201");
    let segments: Vec<&str> = request.path().split('/').collect();
    let is_manifest = segments.len() >= 4 && segments[segments.len() - 2] == "manifests";
    if request.method == "PUT" && pushed && is_manifest {
        let content_type = request
            .header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        index_subject(
            &mut state.lock().expect("state"),
            &content_type,
            &request.body,
        );
    }
    Reply::raw(move |client| client.write_all(&response))
}
