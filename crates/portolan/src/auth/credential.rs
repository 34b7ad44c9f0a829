//! The credential types every source and consumer shares: a [`Secret`] that never
//! prints, a [`Credential`] that remembers its [`CredentialSource`], and the
//! [`CredentialProvider`] trait.
//!
//! A [`Secret`] prints as `***` in `Debug` and `Display`, so a password or token cannot
//! leak through a log line, an error or a panic message by accident. The sources (Docker's
//! config, the OS keyring) import only this module; the chain that combines them
//! (`chain`) sits above them.

use std::fmt;

use crate::error::Result;

/// A password or token. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What kind of secret a credential holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// A password or personal access token, sent with the username.
    Password,
    /// An OAuth refresh token (`identitytoken` in Docker's config).
    IdentityToken,
}

/// Where a credential was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "detail")]
pub enum CredentialSource {
    /// Given by the caller for this run.
    Explicit,
    /// Saved by Portolan in the OS keyring.
    Keyring,
    /// The `auths` section of a Docker config file (path given).
    DockerConfig(String),
    /// A Docker credential helper (`docker-credential-NAME`).
    DockerHelper(String),
}

impl CredentialSource {
    /// Whether Portolan may change or delete it (Docker's are read-only to us).
    pub fn is_read_only(&self) -> bool {
        matches!(self, Self::DockerConfig(_) | Self::DockerHelper(_))
    }
}

/// A username and secret for one registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The username (`<token>` for identity tokens in Docker's convention).
    pub username: String,
    /// The password, token or refresh token.
    pub secret: Secret,
    /// Password or identity token.
    pub kind: CredentialKind,
    /// Where it came from.
    pub source: CredentialSource,
}

impl Credential {
    /// A username and password (or personal access token) given by the caller.
    pub fn password(username: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            secret: Secret::new(secret),
            kind: CredentialKind::Password,
            source: CredentialSource::Explicit,
        }
    }
}

/// Looks up credentials for a registry host. Implementations may block (keyring, helper
/// processes); the client calls them off the async threads.
pub trait CredentialProvider: Send + Sync {
    /// The credential to use for `registry`, if any.
    fn credential_for(&self, registry: &str) -> Result<Option<Credential>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let c = Credential::password("alice", "hunter2-token");
        let shown = format!("{c:?} {}", c.secret);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***"));
        assert_eq!(c.secret.expose(), "hunter2-token");
    }
}
