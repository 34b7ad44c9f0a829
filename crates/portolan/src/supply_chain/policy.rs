//! Who a user expects to have signed: a certificate identity (exact, or a pattern) with its
//! OIDC issuer, and the public keys they hold.
//!
//! The cryptography never looks at this: sigstore-rust verifies a signature against anyone
//! its trusted root vouches for, and this policy then says whether that someone is the one
//! expected. A valid signature by someone else becomes [`super::Verdict::WrongSigner`], as
//! loud as an invalid one.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sigstore_types::DerPublicKey;

use super::Signer;

/// How the certificate identity must look.
#[derive(Debug, Clone)]
pub enum IdentityRule {
    /// Exactly this SAN (an email or a URI).
    Exact(String),
    /// A regular expression the whole SAN must match (anchored at both ends, unlike
    /// cosign's, so `github.com/me/.*` cannot match `evil.com/?github.com/me/x`).
    Pattern(regex::Regex),
}

impl IdentityRule {
    /// A pattern rule; the expression is anchored here.
    pub fn pattern(expression: &str) -> Result<Self, PolicyError> {
        regex::RegexBuilder::new(&format!("^(?:{expression})$"))
            .size_limit(1 << 20)
            .build()
            .map(IdentityRule::Pattern)
            .map_err(|e| PolicyError::Pattern {
                pattern: expression.to_string(),
                detail: e.to_string(),
            })
    }

    fn matches(&self, identity: &str) -> bool {
        match self {
            IdentityRule::Exact(expected) => expected == identity,
            IdentityRule::Pattern(re) => re.is_match(identity),
        }
    }

    fn describe(&self) -> String {
        match self {
            IdentityRule::Exact(expected) => expected.clone(),
            IdentityRule::Pattern(re) => {
                let anchored = re.as_str();
                let inner = anchored
                    .strip_prefix("^(?:")
                    .and_then(|s| s.strip_suffix(")$"))
                    .unwrap_or(anchored);
                format!("an identity matching {inner}")
            }
        }
    }
}

/// A public key the user trusts, with the name they know it by.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// What to call it (the file's name).
    pub name: String,
    /// The key (SubjectPublicKeyInfo, DER).
    pub key: DerPublicKey,
}

impl TrustedKey {
    /// Read a PEM public key file (`cosign.pub`).
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Key {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        let key = DerPublicKey::from_pem(&text).map_err(|e| PolicyError::Key {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(Self { name, key })
    }
}

/// A signer a repository remembers ("github.com/OWNER/REPO, workflow release.yml"), as the
/// settings store keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExpectedSigner {
    /// The certificate identity, exact.
    pub identity: Option<String>,
    /// Or a pattern the identity must match.
    pub identity_pattern: Option<String>,
    /// The OIDC issuer.
    pub issuer: Option<String>,
}

/// What a user expects of an image's signatures.
#[derive(Debug, Clone, Default)]
pub struct TrustPolicy {
    /// The certificate identity keyless signatures must have (none: anyone the trusted
    /// root vouches for, and the verdict says so).
    pub identity: Option<IdentityRule>,
    /// The OIDC issuer keyless signatures must have.
    pub issuer: Option<String>,
    /// Public keys for key-based signatures.
    pub keys: Vec<TrustedKey>,
}

/// Why a policy could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The identity pattern is not a regular expression.
    #[error("the identity pattern {pattern:?} is not a regular expression: {detail}")]
    Pattern {
        /// The pattern given.
        pattern: String,
        /// The parser's words.
        detail: String,
    },
    /// A key file cannot be read.
    #[error("cannot read the public key {path}: {detail}")]
    Key {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
}

impl TrustPolicy {
    /// The policy a remembered signer describes.
    pub fn from_expected(expected: &ExpectedSigner) -> Result<Self, PolicyError> {
        let identity = match (&expected.identity, &expected.identity_pattern) {
            (Some(exact), _) if !exact.is_empty() => Some(IdentityRule::Exact(exact.clone())),
            (_, Some(pattern)) if !pattern.is_empty() => Some(IdentityRule::pattern(pattern)?),
            _ => None,
        };
        Ok(Self {
            identity,
            issuer: expected.issuer.clone().filter(|i| !i.is_empty()),
            keys: Vec::new(),
        })
    }

    /// Whether it names a signer at all.
    pub fn names_a_signer(&self) -> bool {
        self.identity.is_some() || self.issuer.is_some()
    }

    /// The expected keyless signer, in words.
    pub fn describe(&self) -> String {
        match (&self.identity, &self.issuer) {
            (Some(id), Some(iss)) => format!("{} from {iss}", id.describe()),
            (Some(id), None) => id.describe(),
            (None, Some(iss)) => format!("any identity from {iss}"),
            (None, None) => "anyone the trusted root vouches for".to_string(),
        }
    }

    /// Whether a verified keyless signer is the expected one.
    pub fn accepts(&self, signer: &Signer) -> bool {
        let identity_ok = self.identity.as_ref().is_none_or(|rule| {
            signer
                .identity
                .as_deref()
                .is_some_and(|id| rule.matches(id))
        });
        let issuer_ok = self
            .issuer
            .as_ref()
            .is_none_or(|iss| signer.issuer.as_deref() == Some(iss.as_str()));
        identity_ok && issuer_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(identity: &str, issuer: &str) -> Signer {
        Signer {
            identity: Some(identity.into()),
            issuer: Some(issuer.into()),
            ..Signer::default()
        }
    }

    #[test]
    fn patterns_match_the_whole_identity() {
        let policy = TrustPolicy {
            identity: Some(
                IdentityRule::pattern(r"https://github\.com/me/app/\.github/workflows/.*")
                    .expect("valid"),
            ),
            issuer: Some("https://token.actions.githubusercontent.com".into()),
            keys: vec![],
        };
        let gha = "https://token.actions.githubusercontent.com";
        assert!(policy.accepts(&signer(
            "https://github.com/me/app/.github/workflows/release.yml@refs/heads/main",
            gha
        )));
        assert!(!policy.accepts(&signer(
            "https://evil.example/?https://github.com/me/app/.github/workflows/x",
            gha
        )));
        assert!(!policy.accepts(&signer(
            "https://github.com/me/app/.github/workflows/release.yml@refs/heads/main",
            "https://accounts.google.com"
        )));
    }

    #[test]
    fn an_empty_policy_accepts_anyone_and_says_so() {
        let policy = TrustPolicy::default();
        assert!(policy.accepts(&signer("a@example.com", "https://x")));
        assert!(!policy.names_a_signer());
        assert_eq!(policy.describe(), "anyone the trusted root vouches for");
    }

    #[test]
    fn a_bad_pattern_is_an_error() {
        assert!(IdentityRule::pattern("(").is_err());
    }
}
