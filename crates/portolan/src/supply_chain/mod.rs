//! What vouches for an image: the signatures, attestations, SBOMs and provenance attached
//! to it, and whether they hold.
//!
//! Registries keep these beside an image in three ways, and [`discover`] reads all of them:
//! OCI 1.1 referrers (the API, else the `sha256-<hex>` fallback tag), cosign's tag scheme
//! (`sha256-<hex>.sig`, `.att`, `.sbom`), and BuildKit's attestation manifests inside an
//! index. [`verify`] gives each one a [`Verdict`] against a [`policy::TrustPolicy`] and the
//! trusted roots of [`trust`]; the cryptography is sigstore-rust's, never ours. [`sbom`],
//! [`provenance`] and [`osv`] read what the attestations say.
//!
//! Everything here reads registry input: every fetch has a byte budget, and a malformed
//! document is a verdict ("not checkable: ..."), never a panic.

pub mod cosign;
pub mod discover;
pub mod intoto;
pub mod notation;
pub mod osv;
pub mod policy;
pub mod provenance;
pub mod refresh;
pub mod report;
pub mod sbom;
pub mod summary;
pub mod trust;
pub mod verify;

use serde::Serialize;

/// The most bytes read for one attached document (a signature, a bundle, an attestation or
/// an SBOM). A 5,000-package SBOM is a few MB; more than this is refused, not parsed.
pub const MAX_ATTACHMENT_BYTES: u64 = 32 * 1024 * 1024;

/// What an attached artifact is, by its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A Sigstore bundle (v0.1 to v0.3): a message signature or a DSSE envelope, with its
    /// certificate or key hint, log entries and timestamps.
    SigstoreBundle,
    /// cosign's simple-signing signature (`sha256-<hex>.sig`, or a referrer of that type).
    CosignSignature,
    /// cosign's DSSE attestation (`sha256-<hex>.att`).
    CosignAttestation,
    /// A Notary Project signature (`application/vnd.cncf.notary.signature`).
    NotationSignature,
    /// An in-toto statement stored unsigned (BuildKit's attestation manifests).
    InTotoStatement,
    /// An SPDX document.
    Spdx,
    /// A CycloneDX document.
    CycloneDx,
    /// Something else: listed, not read.
    Other,
}

/// Where an attachment was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "via")]
pub enum FoundVia {
    /// The registry's referrers API.
    ReferrersApi,
    /// The OCI 1.1 fallback tag (`sha256-<hex>`).
    FallbackTag,
    /// One of cosign's tags (`sha256-<hex>.sig`, `.att`, `.sbom`).
    CosignTag {
        /// The tag.
        tag: String,
    },
    /// An entry of the image's own index (BuildKit's attestation manifest).
    IndexEntry,
}

/// Who signed, as far as the verified material says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signer {
    /// The certificate's identity (an email or a URI such as a workflow's), keyless only.
    pub identity: Option<String>,
    /// The OIDC issuer that vouched for the identity, keyless only.
    pub issuer: Option<String>,
    /// For a key: which one (the file the user named, or the key's SHA-256 fingerprint).
    pub key: Option<String>,
    /// The source repository the certificate names (Fulcio's CI claims).
    pub source_repository: Option<String>,
    /// The commit the certificate names.
    pub source_commit: Option<String>,
    /// The workflow or build configuration the certificate names.
    pub build_config: Option<String>,
    /// The CI run that signed (a URL the certificate states; shown, never followed blindly).
    pub run: Option<String>,
    /// The certificate subject of a Notation signature.
    pub subject: Option<String>,
}

/// What checking an attachment concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// The signature holds and the signer is the one the policy expects (or the policy
    /// named none).
    Verified {
        /// Who signed.
        signer: Signer,
        /// When, by the most trustworthy time the material proved (log or timestamp
        /// authority), RFC 3339.
        signed_at: Option<String>,
        /// What was checked, in words ("certificate chain", "transparency log",
        /// "RFC 3161 timestamp", ...).
        checks: Vec<String>,
        /// Whether an identity or key policy was matched (false: anyone the root trusts).
        policy_matched: bool,
    },
    /// The signature holds, but by someone other than the expected signer. As loud as
    /// [`Verdict::Failed`].
    WrongSigner {
        /// Who actually signed.
        signer: Signer,
        /// Who was expected, in words.
        expected: String,
    },
    /// The signature does not hold.
    Failed {
        /// Why, in words.
        reason: String,
    },
    /// It cannot be checked here (no key given for a key signature, no trust store for
    /// Notation, a format we do not read).
    NotCheckable {
        /// Why, in words.
        reason: String,
    },
    /// Nothing signs it (an SBOM or attestation stored as is): what it says is shown, but
    /// nothing vouches for it.
    Unsigned,
}

impl Verdict {
    /// Whether this verdict is a failure a user must see (an invalid signature or a valid
    /// one by someone else).
    pub fn is_failure(&self) -> bool {
        matches!(self, Verdict::Failed { .. } | Verdict::WrongSigner { .. })
    }
}

/// Text from a signed or attached document, safe to show (see [`printable`]), at most
/// 4,096 characters.
pub fn visible(text: &str) -> String {
    printable(text, 4096)
}

/// `text` without control characters (C0, DEL, C1) or the Unicode bidirectional overrides
/// and isolates (which can make a name read as another), cut to `max_chars` with an
/// ellipsis. For every string the supply-chain readers return.
pub fn printable(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars));
    for (count, c) in text
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .enumerate()
    {
        if count == max_chars {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// Unicode's explicit bidirectional formatting characters (embeddings, overrides,
/// isolates and marks) and the zero-width ones that can hide a difference between names.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}
