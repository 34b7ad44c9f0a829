//! Build provenance: who built an image from which source, read from a SLSA provenance
//! predicate (v0.2 or v1).
//!
//! (Being written.)
