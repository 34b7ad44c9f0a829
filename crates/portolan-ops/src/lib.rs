//! Portolan's operations layer: what a user asks for, between the engine and the two front
//! ends (`portolan-cli` and the desktop app).
//!
//! The engine (`portolan`) knows registries; the front ends know terminals and windows.
//! What sits between them is decided here, once, so the CLI and the app cannot drift apart:
//!
//! - [`setup`]: building the engine client from what the user configured (one plain-HTTP
//!   policy, one Docker-config policy), with the warnings both front ends show; where
//!   sign-ins, layer listings and the record of where blobs live are kept.
//! - [`sign_in`]: how the user is signed in to a registry, answered by the same credential
//!   chain the client uses.
//! - [`browse`]: reading a registry (repositories, tags, digests, images, raw manifests
//!   and configs, referrers), parsed and bounded the same way for both front ends.
//! - [`catalog`]: paging through a catalog with opaque tokens (registry URLs stay here).
//! - [`host_advice`]: what the UI needs to know about a host the user types (is it local,
//!   is plain HTTP safe to offer) without keeping rules of its own.
//! - [`pull_target`] and [`pull`]: where a pull is written and what it is called (or the
//!   local engine it loads into), and running it in the background as a transfer.
//! - [`local_engine`]: which Docker or Podman the user's pulls and pushes use, its status
//!   as a window shows it, and its images.
//! - [`manage`]: tag, untag and delete as a window asks for them (a tag checked as it is
//!   typed, an existing tag moved only when confirmed, an untag guarded by the digest the
//!   user saw), and [`cleanup`]: removing many tags from a previewed plan, a bounded number
//!   at a time; both see every tag through [`tag_scan`].
//! - [`tag_digests`]: where every tag points, from a vendor API's versions or a `HEAD` per
//!   tag, so a list groups tags by image without reading each manifest.
//! - [`push`] and [`copy`]: pushing a local engine's image, layout or archive, and copying (promoting) an
//!   image to another repository or registry, each run in the background as a transfer.
//! - [`layer_files`]: the files in an image's layers (listings, the merged tree, two
//!   images compared, one file read), which file of an image a path names (links followed
//!   within the image) and where a saved copy goes, named after the path asked for and never over a
//!   file already there unless the user says so.
//! - [`packages`]: packages and versions where the registry protocol cannot list them
//!   (ghcr.io through GitHub Packages, Docker Hub through its Hub API).
//! - [`summary`]: the one line each transfer's report is said in, by both front ends.
//! - [`supply_chain`]: what vouches for an image (signatures and attestations with their
//!   verdicts, SBOMs, provenance, known vulnerabilities), checked with what the user trusts,
//!   and the trusted roots refreshed over TUF.
//! - [`web_pages`]: the vendor pages a user is sent to, built from their parts on the
//!   configured vendor's web host (never an address an API returned), and the checks on
//!   links an image's labels name.
//! - [`transfers`]: transfers in flight, their progress and cancellation, owned here rather
//!   than by a view, so a window can show them wherever the user navigates.
//! - [`values`]: the engine's value types the front ends show (references, digests,
//!   reports, errors, progress), re-exported at this crate's root, so the front ends
//!   depend on this crate only.
//!
//! It depends on the engine only: no Tauri, no terminal.

pub mod browse;
pub mod catalog;
pub mod cleanup;
pub mod copy;
pub mod host_advice;
pub mod layer_files;
pub mod local_engine;
pub mod manage;
pub mod packages;
pub mod pull;
pub mod pull_target;
pub mod push;
pub mod setup;
pub mod sign_in;
pub mod summary;
pub mod supply_chain;
pub mod tag_digests;
pub mod tag_scan;
pub mod transfers;
pub mod values;
pub mod web_pages;

/// Blobs a pull, push or copy moves at once unless the user says otherwise (the CLI's
/// `--jobs` default).
pub use portolan::transfer::DEFAULT_JOBS;
pub use values::*;
