//! Where a pull is written and what it is called: `REPO-TAG` for a tag, `REPO-sha256-HEX12`
//! for a digest (never `-latest`), as a folder (OCI layout) or a `.tar` (docker archive),
//! in the download folder (or no file at all, for a pull into the local engine). The name
//! has no registry host: the same repository and tag pulled from two registries share a
//! target (a layout holds both; an archive is replaced).

use std::path::{Path, PathBuf};

use portolan::Reference;

/// What a pull writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PullFormat {
    /// An OCI image layout folder (skopeo, podman, umoci read it).
    Oci,
    /// A `docker load` / `podman load` archive.
    Archive,
    /// Straight into the local engine (Docker, Podman), named after the reference.
    Engine,
}

/// The name a pull of `reference` gets (no folder, no extension).
pub fn base_name(reference: &Reference) -> String {
    let repo = reference.repository().replace('/', "_");
    let version = match (reference.tag(), reference.digest()) {
        (Some(tag), _) => tag.to_owned(),
        (None, Some(d)) => format!("sha256-{}", &d.hex()[..d.hex().len().min(12)]),
        (None, None) => "latest".to_owned(),
    };
    format!("{repo}-{version}")
}

/// Where a pull of `reference` in `format` goes inside `dir` (`None` for the engine,
/// which keeps images itself).
pub fn target(dir: &Path, reference: &Reference, format: PullFormat) -> Option<PathBuf> {
    let name = base_name(reference);
    match format {
        PullFormat::Oci => Some(dir.join(name)),
        PullFormat::Archive => Some(dir.join(format!("{name}.tar"))),
        PullFormat::Engine => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests_get_their_own_names() {
        let dir = Path::new("/d");
        let by_tag = Reference::parse("ghcr.io/o/app:v1").expect("ref");
        assert_eq!(
            target(dir, &by_tag, PullFormat::Oci),
            Some(dir.join("o_app-v1"))
        );
        assert_eq!(target(dir, &by_tag, PullFormat::Engine), None);
        let digest = format!("sha256:{}", "ab".repeat(32));
        let by_digest = Reference::parse(&format!("ghcr.io/o/app@{digest}")).expect("ref");
        assert_eq!(
            target(dir, &by_digest, PullFormat::Archive),
            Some(dir.join("o_app-sha256-abababababab.tar"))
        );
    }
}
