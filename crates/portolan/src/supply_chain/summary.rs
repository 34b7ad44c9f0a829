//! The one-line answer to "is this image signed?", for the tag list's Signed column and
//! the CLI's exit status: a failure anywhere wins (an invalid signature, or a valid one by
//! someone else, must never hide behind a good one), then a verified signature, then one
//! that could not be checked, then none.

use serde::Serialize;

use super::report::SupplyChainReport;
use super::Verdict;

/// The state of an image's signatures, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SignedState {
    /// A signature does not hold.
    Invalid,
    /// A signature holds, but by someone other than the expected signer.
    WrongSigner,
    /// A signature holds, by the expected signer (or anyone, when none is expected).
    Verified,
    /// Signatures exist that could not be checked here (no key, no trust store).
    NotCheckable,
    /// No signature.
    None,
}

/// An image's signatures in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignedSummary {
    /// The state.
    pub state: SignedState,
    /// Who signed (verified or wrong signer), in a few words.
    pub by: Option<String>,
    /// The OIDC issuer that vouched for them, for a keyless signer.
    pub issuer: Option<String>,
    /// The reason (invalid, not checkable), or what was expected (wrong signer).
    pub detail: Option<String>,
    /// How many signatures (and signed attestations) there are.
    pub signatures: usize,
}

/// Who a verdict's signer is, in a few words: the identity, else the key, else the
/// certificate subject.
pub fn signer_words(signer: &super::Signer) -> String {
    signer
        .identity
        .clone()
        .or_else(|| signer.key.as_ref().map(|k| format!("key {k}")))
        .or_else(|| signer.subject.clone())
        .unwrap_or_else(|| "an unnamed signer".into())
}

/// Summarize a report's signatures.
pub fn summarize(report: &SupplyChainReport) -> SignedSummary {
    let signatures: Vec<&Verdict> = report
        .attachments()
        .filter(|a| a.is_signature())
        .map(|a| &a.verdict)
        .collect();
    let count = signatures.len();
    let summary = |state, signer: Option<&super::Signer>, detail| SignedSummary {
        state,
        by: signer.map(signer_words),
        issuer: signer.and_then(|s| s.issuer.clone()),
        detail,
        signatures: count,
    };
    if let Some(Verdict::Failed { reason }) = signatures
        .iter()
        .find(|v| matches!(v, Verdict::Failed { .. }))
    {
        return summary(SignedState::Invalid, None, Some(reason.clone()));
    }
    if let Some(Verdict::WrongSigner { signer, expected }) = signatures
        .iter()
        .find(|v| matches!(v, Verdict::WrongSigner { .. }))
    {
        return summary(
            SignedState::WrongSigner,
            Some(signer),
            Some(format!("expected {expected}")),
        );
    }
    if let Some(Verdict::Verified { signer, .. }) = signatures
        .iter()
        .find(|v| matches!(v, Verdict::Verified { .. }))
    {
        return summary(SignedState::Verified, Some(signer), None);
    }
    if let Some(Verdict::NotCheckable { reason }) = signatures
        .iter()
        .find(|v| matches!(v, Verdict::NotCheckable { .. }))
    {
        return summary(SignedState::NotCheckable, None, Some(reason.clone()));
    }
    summary(SignedState::None, None, None)
}
