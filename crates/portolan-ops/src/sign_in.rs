//! How the user is signed in to a registry, answered by the credential chain the client
//! itself uses (so what the window says is what requests send).

use portolan::auth::credential::CredentialSource;
use portolan::auth::token::sign_in_advice;
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
