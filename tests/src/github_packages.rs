//! ghcr.io as the tests have it: a real registry behind a front that refuses every
//! registry `DELETE` (405 `UNSUPPORTED`, as ghcr.io answers), and a GitHub Packages API of
//! the tests' own backed by that registry: user `octo`, package `app` (repository
//! `octo/app`), a version per manifest digest the registry holds (tagged or not, read from
//! its storage), with the tags the registry has on it. Deleting a version deletes its
//! manifest (and its tags) in the registry; restoring puts them back. Both are
//! [`HttpDouble`]s.
//!
//! With [`GhcrLike::with_contract`], every API request is also sent to Prism serving
//! GitHub's published description, and its answer's status kept: the request shapes are
//! checked against GitHub's own contract while this fake gives consistent answers.
//!
//! With [`GhcrLike::start_with_latency`], every API request is answered only after a delay,
//! as a distant GitHub answers (tens of milliseconds), so that the benches can show what
//! sending requests at once buys; the registry itself answers at loopback speed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::http_double::{forward, HttpDouble, Reply, Request};
use crate::registry::{Auth, TestRegistry};

/// Every manifest type a version can be.
const ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

/// A deleted version, kept to restore it.
#[derive(Clone)]
struct Deleted {
    digest: String,
    tags: Vec<String>,
    media_type: String,
    bytes: Vec<u8>,
}

#[derive(Default)]
struct State {
    /// Each digest's version id, given on first sight and kept.
    ids: HashMap<String, u64>,
    next: u64,
    /// Creation times set by the test (else the registry's file time).
    created: HashMap<String, String>,
    deleted: HashMap<u64, Deleted>,
    /// Version deletes still to refuse (403).
    refuse_deletes: usize,
    /// Version deletes done, by id.
    deletes: Vec<u64>,
    /// Each API request and Prism's status for it (with a contract).
    contract: Vec<(String, u16)>,
}

/// A ghcr.io of the tests' own.
pub struct GhcrLike {
    /// The registry itself (deletes allowed: the API deletes through it).
    pub registry: TestRegistry,
    /// The registry as Portolan reaches it: every `DELETE` refused with 405.
    pub front: HttpDouble,
    /// GitHub Packages.
    pub api: HttpDouble,
    state: Arc<Mutex<State>>,
}

impl GhcrLike {
    /// Start it.
    pub fn start() -> Self {
        Self::start_full(None, Duration::ZERO)
    }

    /// Start it, sending every API request to Prism at `prism` (`127.0.0.1:PORT`) too.
    pub fn with_contract(prism: &str) -> Self {
        Self::start_full(Some(prism.to_owned()), Duration::ZERO)
    }

    /// Start it with the API answering each request after `latency` (the registry answers
    /// at once).
    pub fn start_with_latency(latency: Duration) -> Self {
        Self::start_full(None, latency)
    }

    fn start_full(prism: Option<String>, latency: Duration) -> Self {
        let registry = TestRegistry::start_with(Auth::None, true);
        let upstream = registry.host.clone();
        let front = HttpDouble::builder()
            .handle("DELETE", "/**", |_| {
                Reply::registry_error(405, "UNSUPPORTED", "The operation is unsupported.")
            })
            .fallback(move |request| match forward(&upstream, request) {
                Ok(bytes) => Reply::raw(move |client| std::io::Write::write_all(client, &bytes)),
                Err(_) => Reply::raw(|_| Ok(())),
            })
            .start();
        let state = Arc::new(Mutex::new(State {
            next: 1000,
            ..State::default()
        }));
        let api = api_double(
            Store {
                root: registry.storage(),
                host: registry.host.clone(),
                state: state.clone(),
            },
            prism,
            latency,
        );
        Self {
            registry,
            front,
            api,
            state,
        }
    }

    /// The package as Portolan names it (`FRONT/octo/app`).
    pub fn package(&self) -> String {
        format!("{}/octo/app", self.front.host)
    }

    /// The API's address.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api.host)
    }

    /// Say `digest`'s version was created at `at` (RFC 3339).
    pub fn set_created(&self, digest: &str, at: &str) {
        self.lock().created.insert(digest.to_owned(), at.to_owned());
    }

    /// Refuse the next `n` version deletes (403).
    pub fn refuse_deletes(&self, n: usize) {
        self.lock().refuse_deletes = n;
    }

    /// The active versions, as the API lists them.
    pub fn versions(&self) -> Vec<Value> {
        self.store().active()
    }

    /// The ids of the versions deleted so far, in order.
    pub fn deletes(&self) -> Vec<u64> {
        self.lock().deletes.clone()
    }

    /// Each API request and the status Prism gave it (with a contract).
    pub fn contract(&self) -> Vec<(String, u16)> {
        self.lock().contract.clone()
    }

    /// Whether the registry still serves the manifest `digest` (asked directly, not
    /// through the front).
    pub fn serves(&self, digest: &str) -> bool {
        let url = format!(
            "http://{}/v2/octo/app/manifests/{digest}",
            self.registry.host
        );
        let got = reqwest::blocking::Client::new()
            .head(&url)
            .header("Accept", ACCEPT)
            .send()
            .expect("HEAD manifest");
        got.status().is_success()
    }

    /// Registry `DELETE`s the front refused.
    pub fn refused_registry_deletes(&self) -> usize {
        self.front
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count()
    }

    fn store(&self) -> Store {
        Store {
            root: self.registry.storage(),
            host: self.registry.host.clone(),
            state: self.state.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("state")
    }
}

/// The versions, read from the registry's storage.
#[derive(Clone)]
struct Store {
    root: PathBuf,
    host: String,
    state: Arc<Mutex<State>>,
}

impl Store {
    fn manifests(&self) -> PathBuf {
        self.root
            .join("docker/registry/v2/repositories/octo/app/_manifests")
    }

    /// Every manifest digest the registry holds, with its tags and file time.
    fn held(&self) -> Vec<(String, Vec<String>, std::time::SystemTime)> {
        let dir = self.manifests();
        let mut tags: HashMap<String, Vec<String>> = HashMap::new();
        for entry in std::fs::read_dir(dir.join("tags"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let link = entry.path().join("current/link");
            if let Ok(digest) = std::fs::read_to_string(link) {
                let tag = entry.file_name().to_string_lossy().into_owned();
                tags.entry(digest.trim().to_owned()).or_default().push(tag);
            }
        }
        let mut held = Vec::new();
        let revisions = dir.join("revisions/sha256");
        for entry in std::fs::read_dir(revisions).into_iter().flatten().flatten() {
            let link = entry.path().join("link");
            let Ok(meta) = std::fs::metadata(&link) else {
                continue;
            };
            let digest = format!("sha256:{}", entry.file_name().to_string_lossy());
            let mut on = tags.remove(&digest).unwrap_or_default();
            on.sort();
            held.push((digest, on, meta.modified().expect("mtime")));
        }
        held.sort_by_key(|(d, _, at)| (*at, d.clone()));
        held
    }

    /// The active versions, newest first, as GitHub writes them.
    fn active(&self) -> Vec<Value> {
        let held = self.held();
        let mut state = self.state.lock().expect("state");
        let mut rows: Vec<(String, u64, Value)> = Vec::new();
        for (digest, tags, at) in held {
            let id = match state.ids.get(&digest) {
                Some(id) => *id,
                None => {
                    state.next += 1;
                    let id = state.next;
                    state.ids.insert(digest.clone(), id);
                    id
                }
            };
            let created = state.created.get(&digest).cloned().unwrap_or_else(|| {
                jiff::Timestamp::try_from(at)
                    .expect("time")
                    .round(jiff::Unit::Second)
                    .expect("round")
                    .to_string()
            });
            rows.push((
                created.clone(),
                id,
                version_json(id, &digest, &tags, &created, None),
            ));
        }
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        rows.into_iter().map(|(_, _, v)| v).collect()
    }

    fn deleted(&self) -> Vec<Value> {
        let state = self.state.lock().expect("state");
        state
            .deleted
            .iter()
            .map(|(id, d)| {
                version_json(
                    *id,
                    &d.digest,
                    &d.tags,
                    "2026-01-01T00:00:00Z",
                    Some("2026-01-02T00:00:00Z"),
                )
            })
            .collect()
    }

    fn http(&self) -> reqwest::blocking::Client {
        reqwest::blocking::Client::new()
    }

    /// Delete version `id`: its manifest and tags leave the registry.
    fn delete(&self, id: u64) -> Reply {
        {
            let mut state = self.state.lock().expect("state");
            if state.refuse_deletes > 0 {
                state.refuse_deletes -= 1;
                return Reply::bytes(
                    403,
                    "application/json",
                    r#"{"message":"refused by the test"}"#,
                );
            }
        }
        let Some(version) = self.active().into_iter().find(|v| v["id"] == id) else {
            return not_found();
        };
        let digest = version["name"].as_str().expect("name").to_owned();
        let url = format!("http://{}/v2/octo/app/manifests/{digest}", self.host);
        let got = self
            .http()
            .get(&url)
            .header("Accept", ACCEPT)
            .send()
            .expect("get manifest");
        let media_type = got
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = got.bytes().expect("manifest").to_vec();
        let tags: Vec<String> = version["metadata"]["container"]["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        let gone = self.http().delete(&url).send().expect("delete manifest");
        assert!(
            gone.status().is_success(),
            "registry delete: {}",
            gone.status()
        );
        // ghcr.io takes the version's tags with it.
        for tag in &tags {
            let _ = std::fs::remove_dir_all(self.manifests().join("tags").join(tag));
        }
        let mut state = self.state.lock().expect("state");
        state.deletes.push(id);
        state.deleted.insert(
            id,
            Deleted {
                digest,
                tags,
                media_type,
                bytes,
            },
        );
        Reply::empty(204)
    }

    /// Restore version `id`: its manifest and tags come back.
    fn restore(&self, id: u64) -> Reply {
        let Some(d) = self.state.lock().expect("state").deleted.remove(&id) else {
            return not_found();
        };
        for reference in std::iter::once(&d.digest).chain(d.tags.iter()) {
            let put = self
                .http()
                .put(format!(
                    "http://{}/v2/octo/app/manifests/{reference}",
                    self.host
                ))
                .header("Content-Type", &d.media_type)
                .body(d.bytes.clone())
                .send()
                .expect("put manifest");
            assert!(put.status().is_success(), "restore: {}", put.status());
        }
        Reply::empty(204)
    }
}

fn version_json(
    id: u64,
    digest: &str,
    tags: &[String],
    created: &str,
    deleted_at: Option<&str>,
) -> Value {
    json!({
        "id": id,
        "name": digest,
        "created_at": created,
        "updated_at": created,
        "deleted_at": deleted_at,
        "metadata": {"package_type": "container", "container": {"tags": tags}},
    })
}

fn not_found() -> Reply {
    Reply::bytes(404, "application/json", r#"{"message":"Not Found"}"#)
}

/// The id in `/user/packages/container/app/versions/{id}[/restore]`.
fn version_id(request: &Request) -> Option<u64> {
    request.path().split('/').nth(6)?.parse().ok()
}

fn api_double(store: Store, prism: Option<String>, latency: Duration) -> HttpDouble {
    let check = {
        let state = store.state.clone();
        move |request: &Request| {
            if let Some(prism) = &prism {
                let status = forward(prism, request)
                    .ok()
                    .and_then(|r| {
                        String::from_utf8_lossy(&r)
                            .split(' ')
                            .nth(1)
                            .and_then(|s| s.parse().ok())
                    })
                    .unwrap_or(0);
                let line = format!("{} {}", request.method, request.target);
                state.lock().expect("state").contract.push((line, status));
            }
        }
    };
    let routes = store.clone();
    HttpDouble::builder()
        .fallback(move |request| {
            if !latency.is_zero() {
                std::thread::sleep(latency);
            }
            check(request);
            let path = request.path();
            match (request.method.as_str(), path) {
                ("GET", "/user") => Reply::json(&json!({"login": "octo"})),
                // The packages the app's Packages view lists: `app` alone, no organisations.
                ("GET", "/user/orgs") => Reply::json(&json!([])),
                ("GET", "/user/packages") => Reply::json(&json!([{
                    "id": 1, "name": "app", "package_type": "container",
                    "owner": {"login": "octo"}, "visibility": "private",
                    "version_count": routes.active().len(),
                    "created_at": "2025-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                }])),
                ("GET", "/user/packages/container/app/versions") => {
                    if request.query("page").is_some_and(|p| p != "1") {
                        return Reply::json(&json!([]));
                    }
                    match request.query("state").as_deref() {
                        Some("deleted") => Reply::json(&json!(routes.deleted())),
                        _ => Reply::json(&json!(routes.active())),
                    }
                }
                ("DELETE", p) if p.starts_with("/user/packages/container/app/versions/") => {
                    version_id(request).map_or_else(not_found, |id| routes.delete(id))
                }
                ("POST", p) if p.ends_with("/restore") => {
                    version_id(request).map_or_else(not_found, |id| routes.restore(id))
                }
                _ => not_found(),
            }
        })
        .start()
}

/// Seeding the package's registry directly, and reading it back with skopeo: what the
/// CLI's and the window's ghcr.io tests both check against, never through the front.
impl GhcrLike {
    /// A one-layer image (made from `seed`) pushed under each of `tags`.
    pub fn push_tagged(&self, seed: &str, tags: &[&str]) -> crate::images::TestImage {
        let image =
            crate::images::build_image(&crate::images::ImageSpec::new(seed, "amd64", &[100]));
        let pusher = crate::images::Pusher::new(&self.registry);
        for tag in tags {
            pusher.push_image("octo/app", tag, &image);
        }
        image
    }

    /// `image` pushed by digest, untagged.
    pub fn push_untagged(&self, image: &crate::images::TestImage) {
        let pusher = crate::images::Pusher::new(&self.registry);
        for blob in image.layers.iter().chain([&image.config]) {
            pusher.push_blob("octo/app", blob);
        }
        pusher.push_manifest("octo/app", &image.manifest.digest, &image.manifest);
    }

    /// Where `tag` (or a digest) points in the registry, as skopeo reads it: the digest of
    /// the manifest's bytes, a placeholder's included; `None` when there is no such tag.
    pub fn skopeo_digest(&self, tag: &str) -> Option<String> {
        let sep = if tag.starts_with("sha256:") { "@" } else { ":" };
        let out = crate::skopeo::output(&[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{}/octo/app{sep}{tag}", self.registry.host),
        ]);
        out.status
            .success()
            .then(|| crate::images::sha256(&out.stdout))
    }

    /// The package's tags, sorted, as skopeo lists them.
    pub fn skopeo_tags(&self) -> Vec<String> {
        let listed = crate::skopeo::json(&[
            "list-tags",
            "--tls-verify=false",
            &format!("docker://{}/octo/app", self.registry.host),
        ]);
        let mut tags: Vec<String> = listed["Tags"]
            .as_array()
            .expect("Tags")
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        tags.sort();
        tags
    }
}
