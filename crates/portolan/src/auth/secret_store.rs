//! Where Portolan keeps the secrets a user signs in with: the OS keyring.
//!
//! The [`SecretStore`] trait is small on purpose: the CLI and the desktop app share one
//! implementation ([`KeyringStore`]: Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) and therefore the same entries, so signing in once with either
//! signs in both. Each registry is one entry: service `portolan`, account = registry host,
//! secret = a small JSON document holding the username and the secret. Every call blocks
//! (it may wait for an unlock prompt), so async callers use `spawn_blocking`.

use crate::auth::credential::{Credential, CredentialKind, CredentialSource, Secret};
use crate::error::{Error, Result};

/// The keyring service name shared by the CLI and the app.
pub const KEYRING_SERVICE: &str = "portolan";

/// Saves, reads and deletes one credential per registry.
pub trait SecretStore: Send + Sync {
    /// The saved credential for `registry`, if any.
    fn get(&self, registry: &str) -> Result<Option<Credential>>;
    /// Save (or replace) the credential for `registry`.
    fn set(&self, registry: &str, credential: &Credential) -> Result<()>;
    /// Forget the credential for `registry`; `Ok(false)` when there was none.
    fn delete(&self, registry: &str) -> Result<bool>;
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    username: String,
    secret: String,
    kind: CredentialKind,
}

fn encode(credential: &Credential) -> Result<String> {
    serde_json::to_string(&Stored {
        username: credential.username.clone(),
        secret: credential.secret.expose().to_owned(),
        kind: credential.kind,
    })
    .map_err(|e| Error::internal(format!("cannot encode a credential: {e}")))
}

fn decode(registry: &str, text: &str) -> Result<Credential> {
    let stored: Stored = serde_json::from_str(text).map_err(|_| Error::Credentials {
        registry: registry.to_owned(),
        source_name: "the OS keyring".to_owned(),
        detail: "the saved entry is not one Portolan wrote; sign in again".to_owned(),
    })?;
    Ok(Credential {
        username: stored.username,
        secret: Secret::new(stored.secret),
        kind: stored.kind,
        source: CredentialSource::Keyring,
    })
}

/// The OS keyring, through the `keyring` crate, under [`KEYRING_SERVICE`].
#[cfg(feature = "os-keyring")]
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

#[cfg(feature = "os-keyring")]
impl Default for KeyringStore {
    fn default() -> Self {
        Self {
            service: KEYRING_SERVICE.to_owned(),
        }
    }
}

#[cfg(feature = "os-keyring")]
impl KeyringStore {
    fn entry(&self, registry: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, registry).map_err(|e| map_keyring_error(registry, e))
    }
}

#[cfg(feature = "os-keyring")]
fn map_keyring_error(registry: &str, e: keyring::Error) -> Error {
    match e {
        keyring::Error::PlatformFailure(inner) => Error::KeyringUnavailable {
            detail: inner.to_string(),
        },
        keyring::Error::NoStorageAccess(inner) => Error::KeyringUnavailable {
            detail: format!("the keyring is locked or refused access: {inner}"),
        },
        other => Error::Credentials {
            registry: registry.to_owned(),
            source_name: "the OS keyring".to_owned(),
            detail: other.to_string(),
        },
    }
}

#[cfg(feature = "os-keyring")]
impl SecretStore for KeyringStore {
    fn get(&self, registry: &str) -> Result<Option<Credential>> {
        let _span = tracing::debug_span!("keyring_get", registry).entered();
        match self.entry(registry)?.get_password() {
            Ok(text) => decode(registry, &text).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(registry, e)),
        }
    }

    fn set(&self, registry: &str, credential: &Credential) -> Result<()> {
        let _span = tracing::debug_span!("keyring_set", registry).entered();
        self.entry(registry)?
            .set_password(&encode(credential)?)
            .map_err(|e| map_keyring_error(registry, e))
    }

    fn delete(&self, registry: &str) -> Result<bool> {
        let _span = tracing::debug_span!("keyring_delete", registry).entered();
        match self.entry(registry)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_keyring_error(registry, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_through_json() {
        let c = Credential::password("alice", "pat_123");
        let text = encode(&c).expect("encode");
        let back = decode("r", &text).expect("decode");
        assert_eq!(back.username, "alice");
        assert_eq!(back.secret.expose(), "pat_123");
        assert_eq!(back.source, CredentialSource::Keyring);
        let err = decode("r", "plain-password").expect_err("foreign entry");
        assert!(!err.to_string().contains("plain-password"));
    }
}
