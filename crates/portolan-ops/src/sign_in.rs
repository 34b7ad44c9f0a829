//! Signing in and out, and how the user is signed in to a registry, answered by the
//! credential chain the client itself uses (so what the window says is what requests send).
//!
//! A sign-in is checked against the registry before it is saved; a sign-out removes only
//! Portolan's own saved login and says when the user's Docker login still applies.

use std::sync::Arc;

use portolan::auth::credential::CredentialSource;
use portolan::auth::docker_config::DockerConfig;
use portolan::auth::secret_store::SecretStore;
use portolan::auth::token::sign_in_advice;
use portolan::reference::normalize_registry;
use portolan::CredentialChain;

/// How requests to a registry are authenticated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignIn {
    /// No credential: public content only.
    Anonymous,
    /// Signed in with Portolan; the secret is in the OS keyring.
    Keyring {
        /// The username.
        username: String,
    },
    /// Using the user's Docker login (read-only to Portolan).
    Docker {
        /// The username.
        username: String,
        /// Where Docker keeps it (config file or helper).
        source: String,
    },
    /// A credential given for this run only.
    Given {
        /// The username.
        username: String,
    },
}

/// The sign-in state of one registry, with what the user should know about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignInState {
    /// How requests are authenticated.
    pub sign_in: SignIn,
    /// A credential source that could not be read (the keyring, Docker's config), if any.
    pub problem: Option<String>,
    /// What to sign in with, for this registry.
    pub advice: String,
}

/// The sign-in state of `registry` (blocking: the keyring and Docker's helpers may be slow).
pub fn state_of(chain: &CredentialChain, registry: &str) -> SignInState {
    let (sign_in, problem) = match chain.lookup(registry) {
        Ok(found) => (
            found.credential.map(describe).unwrap_or(SignIn::Anonymous),
            (!found.problems.is_empty()).then(|| found.problems.join("; ")),
        ),
        Err(e) => (SignIn::Anonymous, Some(e.to_string())),
    };
    SignInState {
        sign_in,
        problem,
        advice: sign_in_advice(registry).to_owned(),
    }
}

/// [`state_of`], off the async threads.
pub async fn state(chain: &CredentialChain, registry: &str) -> SignInState {
    let (chain, host) = (chain.clone(), registry.to_owned());
    tokio::task::spawn_blocking(move || state_of(&chain, &host))
        .await
        .unwrap_or_else(|e| SignInState {
            sign_in: SignIn::Anonymous,
            problem: Some(format!("the credential lookup stopped: {e}")),
            advice: sign_in_advice(registry).to_owned(),
        })
}

/// Check `username` and `secret` against `registry`, then save them in `store`.
pub async fn sign_in(
    client: &portolan::Client,
    store: &Arc<dyn SecretStore>,
    registry: &str,
    username: String,
    secret: String,
) -> portolan::Result<portolan::PingInfo> {
    let registry = normalize_registry(registry)?;
    let credential = portolan::Credential::password(username, secret);
    let info = client.verify_login(&registry, credential.clone()).await?;
    let (store, host) = (store.clone(), registry.clone());
    blocking(move || store.set(&host, &credential)).await?;
    client.forget(&registry);
    Ok(info)
}

/// Check the user's own Docker login for `registry` (it is used, never copied).
pub async fn use_docker_login(
    client: &portolan::Client,
    registry: &str,
) -> portolan::Result<portolan::PingInfo> {
    let registry = normalize_registry(registry)?;
    let host = registry.clone();
    let found = blocking(move || DockerConfig::load_default()?.credential_for(&host)).await?;
    let Some(credential) = found else {
        return Err(portolan::Error::NotFound {
            registry: registry.clone(),
            what: format!("a Docker login for {registry}"),
            detail: ": sign in with `docker login`, or here".to_owned(),
        });
    };
    client.verify_login(&registry, credential).await
}

/// What a sign-out did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignedOut {
    /// Whether Portolan had a saved login to remove.
    pub removed: bool,
    /// Where the user's Docker login for the registry is, when one still applies.
    pub docker_login: Option<String>,
}

/// Remove Portolan's saved login for `registry` from `store`.
pub async fn sign_out(
    client: &portolan::Client,
    store: &Arc<dyn SecretStore>,
    registry: &str,
) -> portolan::Result<SignedOut> {
    let registry = normalize_registry(registry)?;
    let (store, host) = (store.clone(), registry.clone());
    let removed = blocking(move || store.delete(&host)).await?;
    client.forget(&registry);
    let host = registry.clone();
    let docker_login = blocking(move || {
        let docker = DockerConfig::load_default()?;
        Ok(docker
            .credential_for(&host)
            .ok()
            .flatten()
            .map(|_| docker.path().display().to_string()))
    })
    .await
    .unwrap_or(None);
    Ok(SignedOut {
        removed,
        docker_login,
    })
}

/// Run a keyring or helper call off the async threads (it may wait on a desktop prompt).
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> portolan::Result<T> + Send + 'static,
) -> portolan::Result<T> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|e| portolan::Error::internal(format!("a credential call stopped: {e}")))?
}

fn describe(c: portolan::Credential) -> SignIn {
    match c.source {
        CredentialSource::Keyring => SignIn::Keyring {
            username: c.username,
        },
        CredentialSource::DockerConfig(source) | CredentialSource::DockerHelper(source) => {
            SignIn::Docker {
                username: c.username,
                source,
            }
        }
        CredentialSource::Explicit => SignIn::Given {
            username: c.username,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portolan::Credential;

    #[test]
    fn the_chain_decides() {
        let chain =
            CredentialChain::new().with_explicit("r.example", Credential::password("dana", "pw"));
        let s = state_of(&chain, "r.example");
        assert_eq!(
            s.sign_in,
            SignIn::Given {
                username: "dana".into()
            }
        );
        assert_eq!(state_of(&chain, "other.example").sign_in, SignIn::Anonymous);
        assert!(state_of(&chain, "ghcr.io").advice.contains("read:packages"));
    }
}
