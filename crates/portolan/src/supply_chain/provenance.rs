//! Build provenance: who built an image from which source, read from a SLSA provenance
//! predicate (v0.2 or v1).
//!
//! (Being written.)

/// Stub.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Provenance {}

/// Stub.
pub fn from_predicate(_predicate_type: &str, _predicate: &serde_json::Value) -> Option<Provenance> {
    None
}
