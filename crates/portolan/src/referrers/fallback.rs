//! The distribution spec's referrers tag schema, for registries without the referrers API:
//! the referrers of `<alg>:<hex>` are listed in an image index tagged `<alg>-<hex>`.
//!
//! Writers must not lose what others listed: add entries to the index that is there,
//! de-duplicated by digest, and push it back ([`merge`]). Each entry describes one referrer
//! the way the referrers API would ([`entry_for`]): its media type, digest, size,
//! `artifactType` and annotations.

use std::collections::{BTreeMap, HashSet};

use oci_spec::image::Descriptor;
use serde_json::{Map, Value};

use crate::manifest::OCI_INDEX;

/// A fallback index after merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The index to push under the fallback tag.
    pub bytes: Vec<u8>,
    /// Entries that were not listed before.
    pub added: usize,
    /// Whether the index differs from what was there (nothing to push otherwise).
    pub changed: bool,
}

/// The referrers-list entry for the referrer manifest `bytes` (digest `digest`, media type
/// `media_type`): `artifactType` is the manifest's own, else (for an image manifest) its
/// config's media type, as the spec says the referrers API fills it in.
pub fn entry_for(digest: &str, media_type: &str, bytes: &[u8]) -> Result<Descriptor, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        artifact_type: Option<String>,
        config: Option<Config>,
        annotations: Option<BTreeMap<String, String>>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Config {
        media_type: Option<String>,
    }
    let probe: Probe = serde_json::from_slice(bytes)
        .map_err(|e| format!("the referrer {digest} is not a JSON manifest ({e})"))?;
    let artifact_type = probe
        .artifact_type
        .or_else(|| probe.config.and_then(|c| c.media_type));
    let mut entry = Map::new();
    entry.insert("mediaType".into(), media_type.into());
    entry.insert("digest".into(), digest.into());
    entry.insert("size".into(), (bytes.len() as u64).into());
    if let Some(t) = artifact_type {
        entry.insert("artifactType".into(), t.into());
    }
    if let Some(a) = probe.annotations.filter(|a| !a.is_empty()) {
        let a: Map<String, Value> = a.into_iter().map(|(k, v)| (k, v.into())).collect();
        entry.insert("annotations".into(), Value::Object(a));
    }
    serde_json::from_value(Value::Object(entry))
        .map_err(|e| format!("the referrer {digest} cannot be described ({e})"))
}

/// Merge `additions` into the fallback index `existing` (`None`: there is none yet).
/// Everything already listed stays, with every field it has; entries listed twice are
/// kept once; additions already listed are not added again.
pub fn merge(existing: Option<&[u8]>, additions: &[Descriptor]) -> Result<Merged, String> {
    let mut index = match existing {
        Some(bytes) => match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err("it is not a JSON object".to_owned()),
            Err(e) => return Err(format!("it is not JSON ({e})")),
        },
        None => {
            let mut map = Map::new();
            map.insert("schemaVersion".into(), 2.into());
            map.insert("mediaType".into(), OCI_INDEX.into());
            map
        }
    };
    let listed = match index.remove("manifests") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return Err("its \"manifests\" is not a list".to_owned()),
    };
    let before = listed.len();
    let mut seen = HashSet::new();
    let mut manifests: Vec<Value> = listed
        .into_iter()
        .filter(|entry| match entry.get("digest").and_then(Value::as_str) {
            Some(d) => seen.insert(d.to_owned()),
            // Not ours to judge: an entry we cannot read stays as it was.
            None => true,
        })
        .collect();
    let duplicates_dropped = before != manifests.len();
    let mut added = 0;
    for d in additions {
        if seen.insert(d.digest().to_string()) {
            let entry = serde_json::to_value(d).map_err(|e| e.to_string())?;
            manifests.push(entry);
            added += 1;
        }
    }
    index.insert("manifests".into(), Value::Array(manifests));
    let missing_type = !index.contains_key("mediaType");
    if missing_type {
        index.insert("mediaType".into(), OCI_INDEX.into());
    }
    let changed = existing.is_none() || added > 0 || duplicates_dropped || missing_type;
    let bytes = serde_json::to_vec(&Value::Object(index)).map_err(|e| e.to_string())?;
    Ok(Merged {
        bytes,
        added,
        changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(n: u8) -> String {
        format!("sha256:{}", format!("{n:02x}").repeat(32))
    }

    fn referrer(n: u8, artifact_type: Option<&str>) -> Descriptor {
        let mut m = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.example.config", "digest": digest(0), "size": 2},
            "layers": [],
            "annotations": {"org.opencontainers.image.created": format!("2026-01-0{n}T00:00:00Z")},
        });
        if let Some(t) = artifact_type {
            m["artifactType"] = t.into();
        }
        let bytes = serde_json::to_vec(&m).expect("json");
        entry_for(
            &digest(n),
            "application/vnd.oci.image.manifest.v1+json",
            &bytes,
        )
        .expect("entry")
    }

    fn digests(bytes: &[u8]) -> Vec<String> {
        let v: Value = serde_json::from_slice(bytes).expect("json");
        v["manifests"]
            .as_array()
            .expect("manifests")
            .iter()
            .map(|m| m["digest"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn entries_carry_the_artifact_type_and_annotations() {
        let own = referrer(1, Some("application/vnd.dev.sigstore.bundle.v0.3+json"));
        assert_eq!(
            own.artifact_type()
                .as_ref()
                .map(|t| t.to_string())
                .as_deref(),
            Some("application/vnd.dev.sigstore.bundle.v0.3+json")
        );
        // No artifactType: the config's media type stands in, as the referrers API does it.
        let from_config = referrer(2, None);
        assert_eq!(
            from_config
                .artifact_type()
                .as_ref()
                .map(|t| t.to_string())
                .as_deref(),
            Some("application/vnd.example.config")
        );
        assert_eq!(
            from_config
                .annotations()
                .as_ref()
                .and_then(|a| a.get("org.opencontainers.image.created"))
                .map(String::as_str),
            Some("2026-01-02T00:00:00Z")
        );
        assert!(entry_for(&digest(3), "x", b"<html>").is_err());
    }

    #[test]
    fn merging_keeps_what_was_listed_and_adds_each_digest_once() {
        let existing = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "annotations": {"kept": "yes"},
            "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(9), "size": 5, "artifactType": "application/example", "x-extra": 1},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(9), "size": 5},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(1), "size": 5},
            ],
        });
        let existing = serde_json::to_vec(&existing).expect("json");
        let merged =
            merge(Some(&existing), &[referrer(1, None), referrer(2, None)]).expect("merge");
        assert_eq!(merged.added, 1);
        assert!(merged.changed);
        assert_eq!(
            digests(&merged.bytes),
            vec![digest(9), digest(1), digest(2)]
        );
        let v: Value = serde_json::from_slice(&merged.bytes).expect("json");
        assert_eq!(v["annotations"]["kept"], "yes");
        assert_eq!(v["manifests"][0]["x-extra"], 1, "unknown fields survive");
        assert_eq!(
            v["manifests"][2]["artifactType"],
            "application/vnd.example.config"
        );

        // Merging what is already there changes nothing: no push needed.
        let again = merge(Some(&merged.bytes), &[referrer(2, None)]).expect("merge");
        assert_eq!((again.added, again.changed), (0, false));

        // No tag yet: a new OCI index.
        let fresh = merge(None, &[referrer(3, None)]).expect("merge");
        let v: Value = serde_json::from_slice(&fresh.bytes).expect("json");
        assert_eq!(v["mediaType"], OCI_INDEX);
        assert_eq!(v["schemaVersion"], 2);
        assert_eq!(digests(&fresh.bytes), vec![digest(3)]);

        assert!(merge(Some(b"[]"), &[]).is_err());
        assert!(merge(Some(br#"{"manifests":7}"#), &[]).is_err());
    }
}
