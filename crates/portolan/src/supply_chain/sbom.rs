//! SBOMs: the package list an SPDX or CycloneDX document gives, whichever way it was
//! attached (a referrer, cosign's `.sbom` tag, or the predicate of an in-toto statement).
//!
//! (Being written.)

use serde::Serialize;

/// One package an SBOM lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Package {
    /// Its name.
    pub name: String,
    /// Its version, when stated.
    pub version: Option<String>,
    /// Its package URL (`pkg:npm/left-pad@1.3.0`), when stated.
    pub purl: Option<String>,
    /// Its licenses (SPDX expressions or names), as stated.
    pub licenses: Vec<String>,
}

/// The document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    /// SPDX (2.x JSON).
    Spdx,
    /// CycloneDX (1.x JSON).
    CycloneDx,
}

/// An SBOM's packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sbom {
    /// Its format.
    pub format: SbomFormat,
    /// The format's version as the document states it (`SPDX-2.3`, `1.5`).
    pub spec_version: Option<String>,
    /// The tool that made it, when stated.
    pub tool: Option<String>,
    /// The packages, in the document's order.
    pub packages: Vec<Package>,
}

/// Why a document is not a readable SBOM (stub until the parser lands).
#[derive(Debug, thiserror::Error)]
#[error("not a readable SBOM")]
pub struct SbomError;

/// Stub.
pub fn parse(_bytes: &[u8]) -> Result<Sbom, SbomError> {
    Err(SbomError)
}

/// Stub.
pub fn from_statement_predicate(
    _predicate_type: &str,
    _predicate: &serde_json::Value,
) -> Option<Result<Sbom, SbomError>> {
    None
}

/// Stub.
pub fn license_summary(_sbom: &Sbom) -> Vec<(String, usize)> {
    Vec::new()
}
