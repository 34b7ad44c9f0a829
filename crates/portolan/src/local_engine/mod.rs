//! The container engine on the user's machine (Docker, or Podman's Docker-compatible
//! service), reached through its Engine API with `bollard`: found the way Docker's and
//! Podman's own clients find it ([`discover`]), then asked for its images, to load an
//! image streamed from a registry, to tag, and to save one for a push ([`engine`]). An
//! engine over TCP is spoken to with the TLS Docker's client would use ([`tls`],
//! [`tls_transport`]), and never in plain TCP to another machine unless the user says so.
//!
//! Nothing here reads the engine's storage directly: only its API, so what the engine
//! shows (`docker images`) is what Portolan shows.

pub mod discover;
pub mod engine;
pub mod tls;
pub mod tls_transport;
