//! Where credentials come from, in order.
//!
//! [`CredentialChain`] answers "what do we use for this registry?" in a fixed order:
//! explicit, then the OS keyring, then the user's Docker login.

use std::collections::HashMap;
use std::sync::Arc;

use crate::auth::credential::{Credential, CredentialProvider};
use crate::auth::docker_config::DockerConfig;
use crate::auth::secret_store::SecretStore;
use crate::error::Result;

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

/// What the chain found for a registry, and what it could not read on the way.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// The credential to use, if any.
    pub credential: Option<Credential>,
    /// Sources that failed and were skipped (an unavailable keyring), in words.
    pub problems: Vec<String>,
}

impl CredentialChain {
    /// Look `registry` up in order: explicit, the keyring, Docker's login. A keyring that
    /// cannot be read is skipped (and reported); a broken Docker login is an error.
    pub fn lookup(&self, registry: &str) -> Result<Lookup> {
        let mut problems = Vec::new();
        if let Some(c) = self.explicit.get(registry) {
            return Ok(Lookup {
                credential: Some(c.clone()),
                problems,
            });
        }
        if let Some(store) = &self.store {
            match store.get(registry) {
                Ok(Some(c)) => {
                    return Ok(Lookup {
                        credential: Some(c),
                        problems,
                    })
                }
                Ok(None) => {}
                // No keyring on this machine is not fatal: fall through to Docker's login.
                Err(e) => {
                    tracing::debug!(registry, error = %e, "keyring lookup failed");
                    problems.push(e.to_string());
                }
            }
        }
        let credential = match &self.docker {
            Some(docker) => docker.credential_for(registry)?,
            None => None,
        };
        Ok(Lookup {
            credential,
            problems,
        })
    }
}

impl CredentialProvider for CredentialChain {
    fn credential_for(&self, registry: &str) -> Result<Option<Credential>> {
        self.lookup(registry).map(|l| l.credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
