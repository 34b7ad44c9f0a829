//! Manifests as registries send them: OCI image manifests and indexes, Docker v2 schema 2
//! manifests and manifest lists — told apart, parsed, and classified.
//!
//! The raw bytes are kept next to the parsed form: they are what the digest covers, what
//! a tag push must send back unchanged, and what the UI shows as "raw JSON".

use oci_spec::image::{ImageIndex, ImageManifest};

use crate::digest::Digest;

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker v2 schema 2 manifest.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker v2 manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker v2 schema 1 (refused).
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
/// Docker v2 schema 1, signed (refused).
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";
/// OCI image config.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// Docker image config.
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";

/// The `Accept` header for manifest requests: every type we can read.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// The largest manifest we accept, per the distribution spec's guidance (4 MiB).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// The largest image config we accept in memory.
pub const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;

/// A manifest fetched from a registry, verified against its digest.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    /// The digest of `bytes`.
    pub digest: Digest,
    /// The media type (from the body, else the `Content-Type`).
    pub media_type: String,
    /// The exact bytes the registry sent.
    pub bytes: Vec<u8>,
    /// The parsed form.
    pub manifest: Manifest,
}

/// A parsed manifest.
#[derive(Debug, Clone)]
pub enum Manifest {
    /// A single image (or artifact) manifest.
    Image(Box<ImageManifest>),
    /// An index / manifest list pointing at per-platform manifests.
    Index(Box<ImageIndex>),
}

/// What a manifest describes, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ManifestKind {
    /// A runnable container image.
    Image,
    /// A multi-platform index.
    Index,
    /// Something else stored in a registry (signature, SBOM, Helm chart...).
    Artifact,
}

/// Why bytes could not be read as a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestParseError {
    /// Schema 1 or an unknown media type.
    Unsupported {
        /// The media type found.
        media_type: String,
        /// What the user can do.
        hint: String,
    },
    /// Not valid JSON for the type.
    Invalid(String),
}

/// An index lists at most this many manifests (after de-duplication). Multi-platform
/// images list tens; a referrers index can list thousands.
pub const MAX_INDEX_ENTRIES: usize = 10_000;

/// An index's entries with each digest once (the first entry wins), so one child listed
/// many times is fetched and shown once; more than [`MAX_INDEX_ENTRIES`] is refused. The
/// index's bytes are untouched: this only shapes what the engine reads from it.
fn distinct_entries(mut index: ImageIndex) -> Result<ImageIndex, ManifestParseError> {
    let listed = index.manifests().len();
    let mut seen = std::collections::HashSet::new();
    let entries: Vec<_> = index
        .manifests()
        .iter()
        .filter(|d| seen.insert(d.digest().to_string()))
        .cloned()
        .collect();
    if entries.len() > MAX_INDEX_ENTRIES {
        return Err(ManifestParseError::Invalid(format!(
            "the index lists {} manifests; at most {MAX_INDEX_ENTRIES} are read",
            entries.len()
        )));
    }
    if entries.len() < listed {
        tracing::debug!(
            listed,
            distinct = entries.len(),
            "index lists manifests more than once"
        );
    }
    index.set_manifests(entries);
    Ok(index)
}

impl Manifest {
    /// Parse `bytes`, using the body's `mediaType` when present and `content_type` otherwise.
    /// Returns the media type decided on.
    pub fn parse(
        bytes: &[u8],
        content_type: Option<&str>,
    ) -> Result<(Self, String), ManifestParseError> {
        // What the body holds, not its contents: a 4 MiB manifest read as JSON values
        // would take ten times that.
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Probe {
            schema_version: Option<u32>,
            media_type: Option<String>,
            manifests: Option<serde::de::IgnoredAny>,
            layers: Option<serde::de::IgnoredAny>,
            config: Option<serde::de::IgnoredAny>,
        }
        let probe: Probe = serde_json::from_slice(bytes)
            .map_err(|e| ManifestParseError::Invalid(format!("not a JSON manifest: {e}")))?;
        let header_type = content_type
            .map(|c| c.split(';').next().unwrap_or_default().trim().to_owned())
            .filter(|c| !c.is_empty());
        let media_type = match (probe.media_type, header_type) {
            (Some(m), _) => m,
            (None, Some(h)) if h != "application/json" && h != "application/octet-stream" => h,
            _ if probe.manifests.is_some() => OCI_INDEX.to_owned(),
            _ if probe.layers.is_some() || probe.config.is_some() => OCI_MANIFEST.to_owned(),
            _ if probe.schema_version == Some(1) => DOCKER_SCHEMA1.to_owned(),
            _ => {
                return Err(ManifestParseError::Invalid(
                    "the body has no mediaType and looks like no known manifest".to_owned(),
                ))
            }
        };
        if media_type == DOCKER_SCHEMA1
            || media_type == DOCKER_SCHEMA1_SIGNED
            || probe.schema_version == Some(1)
        {
            return Err(ManifestParseError::Unsupported {
                media_type,
                hint: "Docker schema 1 manifests are deprecated and no longer pulled by Docker either; push the image again with a current client to store it as schema 2 or OCI".to_owned(),
            });
        }
        let manifest = match media_type.as_str() {
            OCI_INDEX | DOCKER_MANIFEST_LIST => {
                let index: ImageIndex = serde_json::from_slice(bytes)
                    .map_err(|e| ManifestParseError::Invalid(format!("invalid index: {e}")))?;
                Manifest::Index(Box::new(distinct_entries(index)?))
            }
            OCI_MANIFEST | DOCKER_MANIFEST => {
                let image: ImageManifest = serde_json::from_slice(bytes).map_err(|e| {
                    ManifestParseError::Invalid(format!("invalid image manifest: {e}"))
                })?;
                Manifest::Image(Box::new(image))
            }
            other => {
                return Err(ManifestParseError::Unsupported {
                    media_type: other.to_owned(),
                    hint: "it is not an OCI or Docker v2 manifest or index".to_owned(),
                })
            }
        };
        Ok((manifest, media_type))
    }

    /// Image, index or artifact.
    pub fn kind(&self) -> ManifestKind {
        match self {
            Manifest::Index(_) => ManifestKind::Index,
            Manifest::Image(m) => {
                let config_type = m.config().media_type().to_string();
                if m.artifact_type().is_some()
                    || (config_type != OCI_CONFIG && config_type != DOCKER_CONFIG)
                {
                    ManifestKind::Artifact
                } else {
                    ManifestKind::Image
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parses_oci_and_docker_types() {
        let oci = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"{OCI_CONFIG}","digest":"{CFG}","size":0}},"layers":[]}}"#
        );
        let (m, t) = Manifest::parse(oci.as_bytes(), None).expect("oci");
        assert_eq!(t, OCI_MANIFEST);
        assert_eq!(m.kind(), ManifestKind::Image);

        let docker = oci
            .replace(OCI_MANIFEST, DOCKER_MANIFEST)
            .replace(OCI_CONFIG, DOCKER_CONFIG);
        let (_, t) = Manifest::parse(docker.as_bytes(), Some("application/json")).expect("docker");
        assert_eq!(t, DOCKER_MANIFEST);

        // No mediaType in the body: the Content-Type decides, else the shape does.
        let bare = r#"{"schemaVersion":2,"manifests":[]}"#;
        let (m, t) = Manifest::parse(bare.as_bytes(), None).expect("bare index");
        assert_eq!((m.kind(), t.as_str()), (ManifestKind::Index, OCI_INDEX));

        let artifact = oci.replace(OCI_CONFIG, "application/vnd.cncf.helm.config.v1+json");
        let (m, _) = Manifest::parse(artifact.as_bytes(), None).expect("artifact");
        assert_eq!(m.kind(), ManifestKind::Artifact);
    }

    #[test]
    fn refuses_schema1_with_a_reason() {
        let s1 = r#"{"schemaVersion":1,"name":"a","tag":"b","fsLayers":[]}"#;
        match Manifest::parse(s1.as_bytes(), Some(DOCKER_SCHEMA1_SIGNED)) {
            Err(ManifestParseError::Unsupported { hint, .. }) => assert!(hint.contains("schema 1")),
            other => panic!("expected Unsupported, got {other:?}"),
        }
        assert!(matches!(
            Manifest::parse(b"<html>", None),
            Err(ManifestParseError::Invalid(_))
        ));
    }
}
