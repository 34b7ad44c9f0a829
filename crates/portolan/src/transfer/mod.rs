//! Transfers: the write side of the engine and the machinery that moves blobs.
//!
//! `pull` (to an OCI layout or a docker archive), `push` (from either), `copy` (registry
//! to registry, streaming, mounting within one registry), `tags` (tag, untag, delete), and
//! `progress` (reports and cancellation shared by all of them). Every byte that moves is
//! verified against its digest on the way.

pub mod copy;
pub mod progress;
pub mod pull;
pub mod push;
pub mod source;
pub mod tags;

use crate::digest::Digest;

/// A blob to move: its digest and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// The digest.
    pub digest: Digest,
    /// The size in bytes.
    pub size: u64,
}
