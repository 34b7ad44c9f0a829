//! The files inside an image's layers, read from the registry without pulling the image:
//! each layer's tar headers as they stream past ([`listing`]), as entries that know what
//! OCI whiteouts mean ([`entry`]), kept by layer digest so a second look costs no network
//! ([`cache`]); and an image's layers applied into one tree with what each layer wasted
//! ([`merged`]); one file read out of a layer, or saved once its layer verified
//! ([`read_file`]); two images compared, layer by layer and path by path ([`diff`]).
//! Layers whose bytes live outside the registry are named, not fetched ([`foreign`]).
//! Members a tar reader would hold whole (long names, PAX headers) are refused past their
//! limit before it reads them ([`tar_guard`]).
//! The [`crate::Client`] methods both front ends call are in [`reads`].
//! Nothing unverified is written to disk.

pub mod cache;
pub mod diff;
pub mod entry;
pub mod foreign;
pub mod listing;
pub mod merged;
pub mod read_file;
pub mod reads;
pub mod tar_guard;
