//! Authentication: who we are to a registry and how we prove it.
//!
//! `challenge` reads what a registry asks for (`WWW-Authenticate`), `credentials` holds
//! secrets and finds them (explicit, the OS keyring, the user's Docker login), and `token`
//! trades credentials for bearer tokens and caches them per registry and scope.

pub mod challenge;
pub mod credentials;
pub mod docker_config;
pub mod secret_store;
pub mod token;

pub use challenge::{Challenge, Scheme};
pub use credentials::{Credential, CredentialKind, CredentialSource, Secret};
