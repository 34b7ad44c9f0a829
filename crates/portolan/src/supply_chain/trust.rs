//! The trusted roots signatures are checked against: the Sigstore public-good instance
//! and GitHub's own instance (which signs artifact attestations of private repositories),
//! both shipped inside Portolan, or a `trusted_root.json` the user names.
//!
//! Each root's [`Verifier`] is built once (it parses every certificate and key of the root)
//! and reused for every signature.

use std::path::Path;

use sigstore_trust_root::{SigstoreInstance, TrustedRoot};
use sigstore_verify::Verifier;

/// One trusted root, ready to verify with.
pub struct Root {
    /// What to call it ("Sigstore public-good", "GitHub", or the file's name).
    pub name: String,
    /// The verifier over it.
    pub verifier: Verifier,
    /// Whether it lists transparency logs. A root without any (GitHub's) vouches for
    /// signing times through timestamp authorities alone.
    pub has_tlogs: bool,
    /// Whether it lists certificate transparency logs (GitHub's does not).
    pub has_ctlogs: bool,
}

/// The roots to try, in order.
pub struct TrustRoots {
    roots: Vec<Root>,
}

/// Why a trusted root could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the trusted root {name}: {detail}")]
pub struct TrustError {
    /// Which root.
    pub name: String,
    /// Why.
    pub detail: String,
}

fn load(
    name: &str,
    root: Result<TrustedRoot, sigstore_trust_root::Error>,
) -> Result<Root, TrustError> {
    let fail = |detail: String| TrustError {
        name: name.to_string(),
        detail,
    };
    let root = root.map_err(|e| fail(e.to_string()))?;
    let verifier = Verifier::new(&root).map_err(|e| fail(e.to_string()))?;
    Ok(Root {
        name: name.to_string(),
        has_tlogs: !root.tlogs.is_empty(),
        has_ctlogs: !root.ctlogs.is_empty(),
        verifier,
    })
}

impl TrustRoots {
    /// The roots shipped with Portolan: Sigstore's public-good instance, then GitHub's.
    pub fn shipped() -> Result<Self, TrustError> {
        Ok(Self {
            roots: vec![
                load(
                    "Sigstore public-good",
                    SigstoreInstance::PublicGood.embedded_trusted_root(),
                )?,
                load("GitHub", SigstoreInstance::GitHub.embedded_trusted_root())?,
            ],
        })
    }

    /// The shipped roots, each replaced by its refreshed copy under `trust_cache` when a
    /// refresh kept a usable one (see [`super::refresh`]).
    pub fn shipped_or_refreshed(trust_cache: &Path) -> Result<Self, TrustError> {
        let mut roots = Vec::new();
        for instance in super::refresh::Instance::ALL {
            let embedded = match instance {
                super::refresh::Instance::PublicGood => SigstoreInstance::PublicGood,
                super::refresh::Instance::GitHub => SigstoreInstance::GitHub,
            };
            let dir = super::refresh::cache_dir(trust_cache, instance);
            let refreshed = super::refresh::cached_root(&dir)
                .and_then(|root| load(&format!("{} (refreshed)", instance.name()), Ok(root)).ok());
            roots.push(match refreshed {
                Some(root) => root,
                None => load(instance.name(), embedded.embedded_trusted_root())?,
            });
        }
        Ok(Self { roots })
    }

    /// Sigstore's staging instance (for testing signers against staging).
    pub fn staging() -> Result<Self, TrustError> {
        Ok(Self {
            roots: vec![load(
                "Sigstore staging",
                SigstoreInstance::Staging.embedded_trusted_root(),
            )?],
        })
    }

    /// Only the root in this `trusted_root.json`.
    pub fn from_file(path: &Path) -> Result<Self, TrustError> {
        let name = path.display().to_string();
        let json = std::fs::read_to_string(path).map_err(|e| TrustError {
            name: name.clone(),
            detail: e.to_string(),
        })?;
        Ok(Self {
            roots: vec![load(&name, TrustedRoot::from_json(&json))?],
        })
    }

    /// The roots, in the order to try them.
    pub fn roots(&self) -> &[Root] {
        &self.roots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_roots_load() {
        let roots = TrustRoots::shipped().expect("the embedded roots load");
        let names: Vec<_> = roots.roots().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Sigstore public-good", "GitHub"]);
        assert!(roots.roots()[0].has_tlogs && roots.roots()[0].has_ctlogs);
        assert!(!roots.roots()[1].has_tlogs);
    }
}
