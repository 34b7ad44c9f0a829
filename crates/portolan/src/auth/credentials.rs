//! Credentials and where they come from.
//!
//! A [`Secret`] prints as `***` in `Debug` and `Display`, so a password or token cannot
//! leak through a log line, an error or a panic message by accident. A [`Credential`]
//! remembers its [`CredentialSource`] so front ends can label a Docker login as read-only.
//! [`CredentialChain`] answers "what do we use for this registry?" in a fixed order:
//! explicit, then the OS keyring, then the user's Docker login.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::auth::docker_config::DockerConfig;
use crate::auth::secret_store::SecretStore;
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

/// Explicit credentials first, then the OS keyring, then the Docker login.
#[derive(Default, Clone)]
pub struct CredentialChain {
    explicit: HashMap<String, Credential>,
    store: Option<Arc<dyn SecretStore>>,
    docker: Option<Arc<DockerConfig>>,
}

impl CredentialChain {
    /// An empty chain: anonymous access everywhere.
    pub fn new() -> Self {
        Self::default()
    }
    /// Use `credential` for `registry`, before any other source.
    pub fn with_explicit(mut self, registry: &str, credential: Credential) -> Self {
        self.explicit.insert(registry.to_owned(), credential);
        self
    }
    /// Consult a secret store (the OS keyring).
    pub fn with_store(mut self, store: Arc<dyn SecretStore>) -> Self {
        self.store = Some(store);
        self
    }
    /// Consult the user's Docker login.
    pub fn with_docker_config(mut self, config: DockerConfig) -> Self {
        self.docker = Some(Arc::new(config));
        self
    }
}

impl CredentialProvider for CredentialChain {
    fn credential_for(&self, registry: &str) -> Result<Option<Credential>> {
        if let Some(c) = self.explicit.get(registry) {
            return Ok(Some(c.clone()));
        }
        if let Some(store) = &self.store {
            match store.get(registry) {
                Ok(Some(c)) => return Ok(Some(c)),
                Ok(None) => {}
                // No keyring on this machine is not fatal: fall through to Docker's login.
                Err(e) => tracing::debug!(registry, error = %e, "keyring lookup failed"),
            }
        }
        if let Some(docker) = &self.docker {
            return docker.credential_for(registry);
        }
        Ok(None)
    }
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

    #[test]
    fn explicit_wins() {
        let chain =
            CredentialChain::new().with_explicit("r.example", Credential::password("u", "p"));
        assert_eq!(
            chain
                .credential_for("r.example")
                .expect("ok")
                .map(|c| c.username),
            Some("u".into())
        );
        assert_eq!(chain.credential_for("other").expect("ok"), None);
    }
}
