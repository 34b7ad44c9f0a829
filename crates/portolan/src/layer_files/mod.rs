//! The files inside an image's layers, read from the registry without pulling the image:
//! each layer's tar headers as they stream past ([`listing`]), as entries that know what
//! OCI whiteouts mean ([`entry`]). No file content is written to disk.

pub mod entry;
pub mod listing;
