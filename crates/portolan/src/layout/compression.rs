//! Layer compression: telling gzip, zstd and a plain tar apart by their magic bytes (never
//! by file names, which `docker save` and `podman save` choose freely), and compressing a
//! plain tar with gzip the same way every time.
//!
//! The gzip stream is deterministic for a given input: a fixed level ([`GZIP_LEVEL`]), no
//! file name, no comment, modification time 0 and operating system "unknown" (255, as Go's
//! gzip writes), so pushing the same layer twice gives the same bytes and the same digest
//! and the registry deduplicates it. Both sides are hashed on the way: the compressed
//! digest names the blob, the uncompressed one is the layer's `diff_id`.

use std::io::{Read, Write};

use crate::digest::{Algorithm, Digest, Hasher};
use crate::transfer::progress::Cancel;

/// The gzip level used for layers (zlib's default: a fair trade of time and size).
pub const GZIP_LEVEL: u32 = 6;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
const CHUNK: usize = 256 * 1024;

/// How a layer's bytes are compressed, as their magic bytes show (what its media type
/// claims is [`crate::inspect::Compression`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetectedCompression {
    /// A plain tar.
    None,
    /// gzip (`1f 8b`).
    Gzip,
    /// zstd (`28 b5 2f fd`).
    Zstd,
}

impl DetectedCompression {
    /// Tell from the first bytes of a blob (4 are enough).
    pub fn detect(head: &[u8]) -> Self {
        if head.starts_with(&GZIP_MAGIC) {
            DetectedCompression::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) {
            DetectedCompression::Zstd
        } else {
            DetectedCompression::None
        }
    }

    /// Read the first bytes of `reader` (positioned at the blob) and tell.
    pub fn sniff(reader: &mut impl Read) -> std::io::Result<Self> {
        let mut head = [0u8; 4];
        let mut got = 0;
        while got < head.len() {
            match reader.read(&mut head[got..])? {
                0 => break,
                n => got += n,
            }
        }
        Ok(Self::detect(&head[..got]))
    }
}

/// What compressing a layer gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    /// The digest of the gzip stream (the blob's digest).
    pub digest: Digest,
    /// Its size in bytes.
    pub size: u64,
    /// The digest of the input (the layer's `diff_id`).
    pub diff_id: Digest,
}

/// Compress everything `input` yields into `output` with deterministic gzip, hashing both
/// sides; streams in fixed-size chunks (memory stays bounded whatever the layer size) and
/// stops with `Interrupted` when `cancel` is set.
pub fn gzip(
    input: &mut impl Read,
    output: impl Write,
    cancel: &Cancel,
) -> std::io::Result<Compressed> {
    let counted = Counting {
        inner: output,
        hasher: Hasher::new(Algorithm::Sha256),
        len: 0,
    };
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(counted, flate2::Compression::new(GZIP_LEVEL));
    let mut plain = Hasher::new(Algorithm::Sha256);
    let mut buf = vec![0u8; CHUNK];
    loop {
        if cancel.is_cancelled() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "cancelled",
            ));
        }
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        plain.update(&buf[..n]);
        encoder.write_all(&buf[..n])?;
    }
    let mut counted = encoder.finish()?;
    counted.inner.flush()?;
    Ok(Compressed {
        digest: counted.hasher.finish(),
        size: counted.len,
        diff_id: plain.finish(),
    })
}

/// A writer that hashes and counts what goes through it.
struct Counting<W> {
    inner: W,
    hasher: Hasher,
    len: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_not_names() {
        assert_eq!(
            DetectedCompression::detect(&[0x1f, 0x8b, 8, 0]),
            DetectedCompression::Gzip
        );
        assert_eq!(
            DetectedCompression::detect(&[0x28, 0xb5, 0x2f, 0xfd]),
            DetectedCompression::Zstd
        );
        assert_eq!(
            DetectedCompression::detect(b"ustar"),
            DetectedCompression::None
        );
        assert_eq!(
            DetectedCompression::detect(&[0x1f]),
            DetectedCompression::None
        );
        assert_eq!(DetectedCompression::detect(&[]), DetectedCompression::None);
        let mut short: &[u8] = &[0x1f, 0x8b];
        assert_eq!(
            DetectedCompression::sniff(&mut short).expect("read"),
            DetectedCompression::Gzip
        );
    }

    #[test]
    fn gzip_is_deterministic_and_hashes_both_sides() {
        let input: Vec<u8> = (0..300_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut first = Vec::new();
        let a = gzip(&mut input.as_slice(), &mut first, &Cancel::new()).expect("gzip");
        let mut second = Vec::new();
        let b = gzip(&mut input.as_slice(), &mut second, &Cancel::new()).expect("gzip");
        assert_eq!(first, second, "same input, same bytes");
        assert_eq!(a, b);
        assert_eq!(a.size, first.len() as u64);
        assert_eq!(a.digest, Digest::sha256_of(&first));
        assert_eq!(a.diff_id, Digest::sha256_of(&input));
        // no name, no mtime, OS unknown
        assert_eq!(&first[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(first.as_slice())
            .read_to_end(&mut back)
            .expect("gunzip");
        assert_eq!(back, input);
        let cancel = Cancel::new();
        cancel.cancel();
        assert!(gzip(&mut input.as_slice(), Vec::new(), &cancel).is_err());
    }
}
