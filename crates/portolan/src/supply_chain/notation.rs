//! Notary Project signatures (being written by a helper; placeholder API).

/// An X.509 trust store for Notation signatures.
#[derive(Debug, Clone)]
pub struct TrustStore;

impl TrustStore {
    /// Stub.
    pub fn load(_path: &std::path::Path) -> Result<Self, String> {
        Ok(TrustStore)
    }
}

/// Placeholder.
pub fn verify_jws(
    _envelope: &[u8],
    _subject_digest: &str,
    _store: &TrustStore,
    _now: jiff::Timestamp,
) -> super::Verdict {
    super::Verdict::NotCheckable {
        reason: "Notation signatures are not verified yet".into(),
    }
}
