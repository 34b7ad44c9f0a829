//! Refreshing the shipped trusted roots when online: each Sigstore instance publishes its
//! `trusted_root.json` as a target of a TUF repository, and keys rotate. A refresh walks
//! the TUF root chain forward from the root last trusted (first the one pinned in
//! [`tuf_roots`](self), then the newest one a refresh kept), checks timestamp, snapshot and
//! targets, downloads `trusted_root.json` against its pinned length and hash
//! (sigstore-rust's TUF client does every check), and only then replaces the cached copy.
//!
//! The HTTP side is ours ([`TufMirror`]): the engine's transport options (proxies, CA
//! files), no redirects, every body bounded by the length TUF allows for it.
//! [`super::trust::TrustRoots::shipped_or_refreshed`] prefers a refreshed root to the
//! embedded one, and falls back to the embedded one when the cache is missing or unusable.

use std::path::{Path, PathBuf};

use sigstore_trust_root::TrustedRoot;
use sigstore_tuf::transport::{FetchFuture, Repository};
use sigstore_tuf::Updater;
use url::Url;

/// The TUF target holding an instance's trusted root.
pub const TRUSTED_ROOT_TARGET: &str = "trusted_root.json";

/// A Sigstore instance whose trusted root can be refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instance {
    /// Sigstore's public-good instance.
    PublicGood,
    /// GitHub's instance (artifact attestations of private repositories).
    GitHub,
}

impl Instance {
    /// Both, in the order roots are tried.
    pub const ALL: [Instance; 2] = [Instance::PublicGood, Instance::GitHub];

    /// Its TUF repository.
    pub fn tuf_url(self) -> &'static str {
        match self {
            Instance::PublicGood => "https://tuf-repo-cdn.sigstore.dev/",
            Instance::GitHub => "https://tuf-repo.github.com/",
        }
    }

    /// The TUF root pinned in Portolan, where trust starts.
    pub fn pinned_tuf_root(self) -> &'static [u8] {
        match self {
            Instance::PublicGood => include_bytes!("tuf_roots/public-good.root.json"),
            Instance::GitHub => include_bytes!("tuf_roots/github.root.json"),
        }
    }

    /// The folder of its cache under the trust cache folder.
    pub fn cache_name(self) -> &'static str {
        match self {
            Instance::PublicGood => "public-good",
            Instance::GitHub => "github",
        }
    }

    /// What to call it.
    pub fn name(self) -> &'static str {
        match self {
            Instance::PublicGood => "Sigstore public-good",
            Instance::GitHub => "GitHub",
        }
    }
}

/// Why a refresh failed (the cached root, if any, is left as it was).
#[derive(Debug, thiserror::Error)]
#[error("cannot refresh the {instance} trusted root: {detail}")]
pub struct RefreshError {
    /// Which instance.
    pub instance: String,
    /// Why.
    pub detail: String,
}

/// A TUF repository over HTTP: metadata at its base, targets under `targets/`.
pub struct TufMirror {
    base: Url,
    http: reqwest::Client,
}

impl TufMirror {
    /// A mirror at `base` (which must end in `/`), fetched with `http` (built without
    /// redirects: [`crate::TransportOptions::build_client`]).
    pub fn new(base: Url, http: reqwest::Client) -> Self {
        Self { base, http }
    }

    async fn get(&self, path: &str, max_length: u64) -> sigstore_tuf::Result<Option<Vec<u8>>> {
        let url = self
            .base
            .join(path)
            .map_err(|e| sigstore_tuf::Error::transport(format!("{path}: {e}")))?;
        if url.origin() != self.base.origin() {
            return Err(sigstore_tuf::Error::transport(format!(
                "{path} leaves the mirror"
            )));
        }
        let mut response = self
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| sigstore_tuf::Error::transport(format!("GET {url}: {e}")))?;
        // 403 as well as 404: object stores answer 403 for what is not there, and the end
        // of the root chain is found by asking for the next version.
        if matches!(response.status().as_u16(), 403 | 404) {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(sigstore_tuf::Error::transport(format!(
                "GET {url}: {}",
                response.status()
            )));
        }
        if response.content_length().is_some_and(|n| n > max_length) {
            return Err(sigstore_tuf::Error::transport(format!(
                "{url} is larger than the {max_length} bytes allowed"
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| sigstore_tuf::Error::transport(format!("reading {url}: {e}")))?
        {
            if body.len() as u64 + chunk.len() as u64 > max_length {
                return Err(sigstore_tuf::Error::transport(format!(
                    "{url} is larger than the {max_length} bytes allowed"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Some(body))
    }
}

impl Repository for TufMirror {
    fn fetch_metadata<'a>(&'a self, name: &'a str, max_length: u64) -> FetchFuture<'a> {
        Box::pin(self.get(name, max_length))
    }

    fn fetch_target<'a>(&'a self, path: &'a str, max_length: u64) -> FetchFuture<'a> {
        Box::pin(async move { self.get(&format!("targets/{path}"), max_length).await })
    }
}

/// Where an instance's refreshed root and its last trusted TUF root are kept.
pub fn cache_dir(trust_cache: &Path, instance: Instance) -> PathBuf {
    trust_cache.join(instance.cache_name())
}

/// The refreshed trusted root in `dir`, when there is a usable one.
pub fn cached_root(dir: &Path) -> Option<TrustedRoot> {
    let text = std::fs::read_to_string(dir.join(TRUSTED_ROOT_TARGET)).ok()?;
    TrustedRoot::from_json(&text).ok()
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    /// The TUF root version now trusted.
    pub tuf_root_version: u64,
    /// Whether the trusted root changed.
    pub changed: bool,
    /// Where it is kept.
    pub path: PathBuf,
}

/// Refresh one instance's trusted root from `mirror` into `dir`, trusting `pinned` (the
/// TUF root shipped) unless `dir` holds a newer root a previous refresh verified.
pub async fn refresh(
    mirror: TufMirror,
    pinned: &[u8],
    dir: &Path,
    name: &str,
) -> Result<Refreshed, RefreshError> {
    let fail = |detail: String| RefreshError {
        instance: name.to_string(),
        detail,
    };
    let last = std::fs::read(dir.join("root.json")).ok();
    // The cached TUF root is only a starting point if it still verifies on its own; the
    // chain walk then rejects anything not signed forward from it.
    let start = last
        .as_deref()
        .filter(|bytes| sigstore_tuf::TrustedMetadataSet::from_root(bytes).is_ok())
        .unwrap_or(pinned);
    let mut updater = Updater::new(mirror, start).map_err(|e| fail(e.to_string()))?;
    let now = jiff::Timestamp::now();
    updater
        .refresh(now)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let bytes = updater
        .get_target(TRUSTED_ROOT_TARGET, now)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| fail("the trusted root is not UTF-8".into()))?;
    let root = TrustedRoot::from_json(text).map_err(|e| fail(e.to_string()))?;
    sigstore_verify::Verifier::new(&root).map_err(|e| fail(e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
    let path = dir.join(TRUSTED_ROOT_TARGET);
    let changed = std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice());
    write_atomically(&path, &bytes).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let trusted = updater.trusted();
    let root_path = dir.join("root.json");
    write_atomically(&root_path, trusted.root_bytes())
        .map_err(|e| fail(format!("{}: {e}", root_path.display())))?;
    Ok(Refreshed {
        tuf_root_version: trusted.root().version,
        changed,
        path,
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}
