//! Authentication: who we are to a registry and how we prove it.
//!
//! `challenge` reads what a registry asks for (`WWW-Authenticate`), `credential` holds the
//! types a secret travels in, `docker_config` and `secret_store` are the places secrets are
//! found (the user's Docker login, the OS keyring), `chain` consults them in order
//! (explicit first), and `token` trades credentials for bearer tokens and caches them per
//! registry and scope. The dependencies run one way: sources import only `credential`,
//! the chain imports the sources.

pub mod chain;
pub mod challenge;
pub mod credential;
pub mod docker_config;
pub mod secret_store;
pub mod token;

pub use challenge::{Challenge, Scheme};
pub use credential::{Credential, CredentialKind, CredentialSource, Secret};
