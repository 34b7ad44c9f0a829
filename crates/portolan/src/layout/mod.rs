//! On-disk image formats: the OCI image layout and `docker save`/`docker load` archives,
//! the verified writer that lands downloaded blobs in them, choosing an image in them by
//! name, and telling (and making) compressed layers.

pub mod archive;
pub mod blob_writer;
pub mod compression;
pub mod oci;
pub mod select;
