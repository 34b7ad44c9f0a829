//! The files inside an image's layers, read from the registry without pulling the image:
//! each layer's tar headers as they stream past ([`listing`]), as entries that know what
//! OCI whiteouts mean ([`entry`]), kept by layer digest so a second look costs no network
//! ([`cache`]); and an image's layers applied into one tree with what each layer wasted
//! ([`merged`]); one file read out of a layer, or saved once its layer verified
//! ([`read_file`]); two images compared, layer by layer and path by path ([`diff`]).
//! Nothing unverified is written to disk.

pub mod cache;
pub mod diff;
pub mod entry;
pub mod listing;
pub mod merged;
pub mod read_file;
