//! Which repositories each blob was seen in, per registry — so a push or copy to another
//! repository of the same registry can ask for a cross-repository mount instead of sending
//! the bytes again (what skopeo's blob-info cache does).
//!
//! Shared by every registry client of a [`crate::Client`]; front ends that run once per
//! command (the CLI) load it from and save it to a cache file they choose.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use crate::digest::Digest;
use crate::error::{Error, Result};

/// Repositories remembered per blob, at most this many.
const MAX_REPOS_PER_BLOB: usize = 8;
/// Blobs remembered per registry, at most this many.
const MAX_BLOBS_PER_REGISTRY: usize = 50_000;

/// registry → digest → repositories.
#[derive(Debug, Default)]
pub struct BlobHomes {
    inner: Mutex<HashMap<String, HashMap<Digest, Vec<String>>>>,
}

impl BlobHomes {
    /// Remember that `digest` is in `repository` of `registry`.
    pub fn remember(&self, registry: &str, repository: &str, digest: &Digest) {
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let blobs = map.entry(registry.to_owned()).or_default();
        if blobs.len() >= MAX_BLOBS_PER_REGISTRY && !blobs.contains_key(digest) {
            if let Some(victim) = blobs.keys().next().cloned() {
                blobs.remove(&victim);
            }
        }
        let repos = blobs.entry(digest.clone()).or_default();
        if let Some(pos) = repos.iter().position(|r| r == repository) {
            repos.remove(pos);
        }
        repos.insert(0, repository.to_owned());
        repos.truncate(MAX_REPOS_PER_BLOB);
    }

    /// A repository of `registry` other than `not_in` where `digest` was seen.
    pub fn find(&self, registry: &str, digest: &Digest, not_in: &str) -> Option<String> {
        let map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        map.get(registry)?
            .get(digest)?
            .iter()
            .find(|r| *r != not_in)
            .cloned()
    }

    /// Load a cache file; a missing or unreadable one is an empty cache.
    pub fn load(path: &Path) -> Self {
        let parsed = std::fs::read(path).ok().and_then(|b| {
            serde_json::from_slice::<HashMap<String, HashMap<Digest, Vec<String>>>>(&b).ok()
        });
        Self {
            inner: Mutex::new(parsed.unwrap_or_default()),
        }
    }

    /// Save to a cache file (atomically).
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = {
            let map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            serde_json::to_vec(&*map)
                .map_err(|e| Error::internal(format!("cannot encode the blob cache: {e}")))?
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        crate::layout::oci::write_atomic(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_round_trips() {
        let d = Digest::sha256_of(b"x");
        let homes = BlobHomes::default();
        homes.remember("r", "a", &d);
        homes.remember("r", "b", &d);
        assert_eq!(homes.find("r", &d, "a").as_deref(), Some("b"));
        assert_eq!(homes.find("r", &d, "b").as_deref(), Some("a"));
        assert_eq!(homes.find("other", &d, "a"), None);
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("cache/homes.json");
        homes.save(&file).expect("save");
        assert_eq!(
            BlobHomes::load(&file).find("r", &d, "x").as_deref(),
            Some("b")
        );
        std::fs::write(&file, "garbage").expect("write");
        assert_eq!(BlobHomes::load(&file).find("r", &d, "x"), None);
    }
}
