//! On-disk image formats: the OCI image layout and `docker save`/`docker load` archives,
//! and the verified writer that lands downloaded blobs in them.

pub mod archive;
pub mod blob_writer;
pub mod oci;
