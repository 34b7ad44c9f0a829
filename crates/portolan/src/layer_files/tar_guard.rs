//! A guard between a layer's inflated bytes and the `tar` reader. That reader keeps some
//! members whole in memory before it shows the entry they describe: a GNU long name or
//! long link, a PAX header; and a GNU sparse file's chain of extension headers becomes a
//! list it holds. A hostile layer makes any of these as large as it likes (a 255 KB gzip
//! layer held a 256 MiB name). The guard follows the archive's framing exactly as the
//! reader does (header blocks, sizes a PAX header overrides, sparse extension blocks,
//! padding to 512 bytes) and refuses such a member as soon as its header is read, before
//! the reader allocates anything for it.
//!
//! Where the framing stops making sense (a bad checksum, the end-of-archive block) the
//! `tar` reader stops too; the guard then lets the rest through untouched.

use std::io::Read;

/// The longest file or link name accepted (Linux's `PATH_MAX`).
pub const MAX_NAME_BYTES: u64 = 4096;
/// The largest PAX header accepted: a path, a link and extended attributes (Linux caps
/// one attribute's value at 64 KiB).
pub const MAX_PAX_BYTES: u64 = 64 * 1024;
/// The most extension headers one sparse file may have (21 pieces each).
pub const MAX_SPARSE_HEADERS: u32 = 1024;

const BLOCK: usize = 512;

/// What the guard refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A file or link name of `bytes` bytes.
    Name {
        /// Its length.
        bytes: u64,
    },
    /// A PAX header of `bytes` bytes.
    Pax {
        /// Its length.
        bytes: u64,
    },
    /// A sparse file described by more than [`MAX_SPARSE_HEADERS`] extension headers.
    Sparse,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Name { bytes } => write!(f, "a file name of {bytes} bytes"),
            Refusal::Pax { bytes } => write!(f, "a PAX header of {bytes} bytes"),
            Refusal::Sparse => write!(f, "a sparse file in too many pieces"),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The refusal an I/O error carries, if it is one.
    pub fn of(e: &std::io::Error) -> Option<&Refusal> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<Refusal>())
    }
}

/// Where in the archive the next byte is.
#[derive(Debug)]
enum At {
    /// In a member's header block.
    Header,
    /// In a sparse file's extension block (`count` read so far), its data (`size`) next.
    SparseExtension { count: u32, size: u64 },
    /// In a member's data and padding: `left` bytes, of which the first `keep` are a PAX
    /// header's records to keep (`pax`: this member is a PAX header).
    Data { left: u64, keep: u64, pax: bool },
    /// Past the end (or where the `tar` reader stops): everything passes.
    Done,
}

/// The guard: reads through `inner`, watching the framing.
pub struct TarGuard<R> {
    inner: R,
    at: At,
    block: [u8; BLOCK],
    filled: usize,
    /// The records of the PAX header being read.
    pax: Vec<u8>,
    /// The records of the last PAX header, for the member it describes.
    pending_pax: Option<Vec<u8>>,
}

impl<R: Read> TarGuard<R> {
    /// Guard the tar stream `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            at: At::Header,
            block: [0; BLOCK],
            filled: 0,
            pax: Vec::new(),
            pending_pax: None,
        }
    }

    /// See `bytes` pass.
    fn observe(&mut self, bytes: &[u8]) -> Result<(), Refusal> {
        match &mut self.at {
            At::Header | At::SparseExtension { .. } => {
                self.block[self.filled..self.filled + bytes.len()].copy_from_slice(bytes);
                self.filled += bytes.len();
                if self.filled == BLOCK {
                    self.filled = 0;
                    return self.on_block();
                }
            }
            At::Data { left, keep, pax } => {
                let kept = (*keep).min(bytes.len() as u64) as usize;
                self.pax.extend_from_slice(&bytes[..kept]);
                *keep -= kept as u64;
                *left -= bytes.len() as u64;
                if *left == 0 {
                    if *pax {
                        self.pending_pax = Some(std::mem::take(&mut self.pax));
                    }
                    self.at = At::Header;
                }
            }
            At::Done => {}
        }
        Ok(())
    }

    /// A whole block was read: a header or a sparse extension.
    fn on_block(&mut self) -> Result<(), Refusal> {
        if let At::SparseExtension { count, size } = self.at {
            if count + 1 > MAX_SPARSE_HEADERS {
                return Err(Refusal::Sparse);
            }
            // `isextended`, after 21 sparse entries of 24 bytes: another block follows.
            if self.block[504] == 1 {
                self.at = At::SparseExtension {
                    count: count + 1,
                    size,
                };
            } else {
                self.start_data(size, false);
            }
            return Ok(());
        }
        self.on_header()
    }

    fn on_header(&mut self) -> Result<(), Refusal> {
        // An all-zero block ends the archive; a bad checksum or size stops the reader.
        if self.block.iter().all(|b| *b == 0) || !checksum_matches(&self.block) {
            self.at = At::Done;
            return Ok(());
        }
        let header = tar::Header::from_byte_slice(&self.block);
        let kind = header.entry_type();
        let Ok(mut size) = header.entry_size() else {
            self.at = At::Done;
            return Ok(());
        };
        let extension = kind.is_gnu_longname()
            || kind.is_gnu_longlink()
            || kind.is_pax_local_extensions()
            || kind.is_pax_global_extensions();
        if !extension {
            // A PAX `size` record overrides the header's (files over 8 GiB).
            if let Some(s) = self.pending_pax.as_deref().and_then(pax_size) {
                size = s;
            }
        }
        let recognised = header.as_gnu().is_some() || header.as_ustar().is_some();
        let is_name = kind.is_gnu_longname() || kind.is_gnu_longlink();
        let is_pax = kind.is_pax_local_extensions();
        if recognised && (is_name || is_pax) {
            // Read whole by the `tar` reader, then applied to the next member.
            if is_name && size > MAX_NAME_BYTES + 1 {
                return Err(Refusal::Name { bytes: size });
            }
            if is_pax && size > MAX_PAX_BYTES {
                return Err(Refusal::Pax { bytes: size });
            }
            self.start_data(size, is_pax);
            return Ok(());
        }
        // A member the reader shows: the PAX header before it is used up.
        self.pending_pax = None;
        let extended = kind.is_gnu_sparse() && header.as_gnu().is_some_and(|g| g.is_extended());
        if extended {
            self.at = At::SparseExtension { count: 0, size };
        } else {
            self.start_data(size, false);
        }
        Ok(())
    }

    /// `size` bytes of data follow, padded to a block; `pax`: they are PAX records to keep.
    fn start_data(&mut self, size: u64, pax: bool) {
        let Some(padded) = size
            .checked_add(BLOCK as u64 - 1)
            .map(|s| s & !(BLOCK as u64 - 1))
        else {
            self.at = At::Done;
            return;
        };
        self.pax.clear();
        if padded == 0 {
            if pax {
                self.pending_pax = Some(Vec::new());
            }
            self.at = At::Header;
        } else {
            self.at = At::Data {
                left: padded,
                keep: if pax { size } else { 0 },
                pax,
            };
        }
    }
}

impl<R: Read> Read for TarGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Never read across a block or a member's end, so each read is one kind of byte.
        let room = match &self.at {
            At::Header | At::SparseExtension { .. } => BLOCK - self.filled,
            At::Data { left, .. } => usize::try_from(*left).unwrap_or(usize::MAX),
            At::Done => usize::MAX,
        };
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        self.observe(&buf[..n]).map_err(std::io::Error::other)?;
        Ok(n)
    }
}

/// Whether a header block's checksum is right, computed as the `tar` reader does.
fn checksum_matches(block: &[u8; BLOCK]) -> bool {
    let sum = block[..148]
        .iter()
        .chain(&block[156..])
        .map(|b| u32::from(*b))
        .sum::<u32>()
        + 8 * 32;
    tar::Header::from_byte_slice(block).cksum().ok() == Some(sum)
}

/// The `size` record of PAX records, as the `tar` reader reads it.
fn pax_size(records: &[u8]) -> Option<u64> {
    for record in tar::PaxExtensions::new(records) {
        let record = record.ok()?;
        if record.key() != Ok("size") {
            continue;
        }
        return record.value().ok()?.parse().ok();
    }
    None
}

#[cfg(test)]
#[path = "tar_guard_tests.rs"]
mod tests;
