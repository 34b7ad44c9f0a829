//! The local check of a blob's bytes while they are uploaded.
//!
//! A push must never commit bytes other than the ones its manifest declares: a layout file
//! that was truncated or edited, or a source registry that serves wrong data during a copy.
//! Every byte is hashed on its way out, across all the requests of a chunked upload, and
//! the check runs *before* the last byte leaves: on a mismatch the request body fails, so
//! the registry never receives a complete blob, and the upload is abandoned, never
//! finished. A source that ends early or runs long fails the same way.
//!
//! A chunked upload that resumes from an offset the registry reports continues the hash
//! from the last acknowledged chunk; when the registry names another offset, the caller
//! re-reads the bytes before it into the hash ([`UploadCheck::rewind`] says when).

use std::sync::{Arc, Mutex};

use crate::digest::{Digest, Hasher};
use crate::error::Error;

/// Where the bytes come from, for errors.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A local file (a layout blob, or a slice of an archive).
    File(String),
    /// A registry (a copy), and what is read from it.
    Registry {
        /// Registry host.
        registry: String,
        /// What is read.
        what: String,
    },
}

/// The running hash of one blob upload, shared by the request bodies that send it.
pub struct UploadCheck {
    digest: Digest,
    size: u64,
    origin: Origin,
    state: Mutex<State>,
}

struct State {
    hasher: Hasher,
    /// Bytes hashed so far.
    position: u64,
    /// The hash at the end of the last chunk the registry acknowledged.
    checkpoint: (u64, Hasher),
    /// Whether the bytes were refused.
    refused: bool,
    /// Why, until a caller takes it.
    failure: Option<Error>,
}

impl UploadCheck {
    /// A check for blob `digest` of `size` bytes read from `origin`.
    pub fn new(digest: &Digest, size: u64, origin: Origin) -> Arc<Self> {
        let hasher = digest.hasher();
        Arc::new(Self {
            digest: digest.clone(),
            size,
            origin,
            state: Mutex::new(State {
                hasher: hasher.clone(),
                position: 0,
                checkpoint: (0, hasher),
                refused: false,
                failure: None,
            }),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Get ready to send bytes from `offset`. `false` when the hash at `offset` is not
    /// known: the caller must [`absorb`](Self::absorb) bytes `0..offset` first (after
    /// which this is `true`).
    pub fn rewind(&self, offset: u64) -> bool {
        let mut state = self.state();
        if state.position == offset {
            return true;
        }
        if state.checkpoint.0 == offset {
            state.hasher = state.checkpoint.1.clone();
            state.position = offset;
            return true;
        }
        state.hasher = self.digest.hasher();
        state.position = 0;
        offset == 0
    }

    /// Hash bytes that are not sent (re-read to rebuild the hash before a resume).
    pub fn absorb(&self, chunk: &[u8]) {
        let mut state = self.state();
        state.hasher.update(chunk);
        state.position = state.position.saturating_add(chunk.len() as u64);
    }

    /// Hash bytes about to be sent. An error means they must not be sent: the blob would
    /// be longer than declared, or these are its last bytes and the digest is wrong.
    pub fn feed(&self, chunk: &[u8]) -> std::io::Result<()> {
        let mut state = self.state();
        if state.refused {
            return Err(std::io::Error::other("the upload's bytes were refused"));
        }
        let end = state.position.saturating_add(chunk.len() as u64);
        if end > self.size {
            return Err(self.refuse(
                &mut state,
                format!("more than the {} bytes declared", self.size),
                None,
            ));
        }
        state.hasher.update(chunk);
        state.position = end;
        if end == self.size {
            let actual = state.hasher.clone().finish();
            if actual != self.digest {
                return Err(self.refuse(&mut state, format!("{} bytes", self.size), Some(actual)));
            }
        }
        Ok(())
    }

    /// [`feed`](Self::feed) for a request that sends bytes up to `end` only: a source that
    /// runs past its range is refused before the extra bytes are hashed or sent.
    pub fn feed_until(&self, chunk: &[u8], end: u64) -> std::io::Result<()> {
        {
            let mut state = self.state();
            if !state.refused && state.position.saturating_add(chunk.len() as u64) > end {
                let detail = format!("more bytes than the range up to byte {end} asked for");
                return Err(self.refuse(&mut state, detail, None));
            }
        }
        self.feed(chunk)
    }

    /// The source ended where bytes up to `expected_end` were due.
    pub fn ended(&self, expected_end: u64) -> std::io::Result<()> {
        let mut state = self.state();
        if state.refused {
            return Ok(());
        }
        if self.size == 0 {
            // An empty blob has no last byte to check before: check its digest here.
            let actual = state.hasher.clone().finish();
            if actual != self.digest {
                return Err(self.refuse(&mut state, "0 bytes".to_owned(), Some(actual)));
            }
        }
        if state.position >= expected_end {
            return Ok(());
        }
        let detail = format!(
            "only {} of the {} bytes declared",
            state.position, self.size
        );
        Err(self.refuse(&mut state, detail, None))
    }

    /// The registry acknowledged everything sent so far.
    pub fn acknowledged(&self) {
        let mut state = self.state();
        state.checkpoint = (state.position, state.hasher.clone());
    }

    /// Whether every byte was sent and matched the digest.
    pub fn verified(&self) -> bool {
        let state = self.state();
        !state.refused
            && state.position == self.size
            && state.hasher.clone().finish() == self.digest
    }

    /// Why the bytes were refused, if they were (taken once).
    pub fn take_failure(&self) -> Option<Error> {
        self.state().failure.take()
    }

    /// Whether the bytes were refused.
    pub fn failed(&self) -> bool {
        self.state().refused
    }

    fn refuse(&self, state: &mut State, got: String, actual: Option<Digest>) -> std::io::Error {
        let actual_text = actual
            .map(|d| d.to_string())
            .unwrap_or_else(|| format!("{got} (not hashed)"));
        let error = match &self.origin {
            Origin::File(path) => Error::BadSource {
                path: path.clone(),
                kind: "blob",
                detail: format!(
                    "it should hold blob {} ({} bytes), but it holds {got} hashing to {actual_text}; nothing was committed",
                    self.digest, self.size
                ),
            },
            Origin::Registry { registry, what } => Error::DigestMismatch {
                registry: registry.clone(),
                what: what.clone(),
                expected: self.digest.to_string(),
                actual: format!("{got}: {actual_text}"),
            },
        };
        let message = error.to_string();
        state.refused = true;
        state.failure = Some(error);
        std::io::Error::other(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(content: &[u8]) -> Arc<UploadCheck> {
        UploadCheck::new(
            &Digest::sha256_of(content),
            content.len() as u64,
            Origin::File("/x/blob".to_owned()),
        )
    }

    #[test]
    fn the_last_bytes_are_refused_when_the_digest_is_wrong() {
        let c = check(b"hello world");
        c.feed(b"hello ").expect("first part");
        let err = c.feed(b"w0rld").expect_err("wrong last bytes");
        assert!(err.to_string().contains("/x/blob"), "{err}");
        let failure = c.take_failure().expect("failure").to_string();
        assert!(
            failure.contains(&Digest::sha256_of(b"hello world").to_string()),
            "{failure}"
        );
        assert!(
            failure.contains(&Digest::sha256_of(b"hello w0rld").to_string()),
            "{failure}"
        );
        assert!(!c.verified());
    }

    #[test]
    fn short_and_long_sources_are_refused() {
        let c = check(b"hello world");
        c.feed(b"hello").expect("part");
        assert!(c.ended(11).is_err(), "ended early");
        let c = check(b"hello");
        assert!(c.feed(b"hello!").is_err(), "too long");
    }

    #[test]
    fn a_source_that_runs_past_its_range_is_refused() {
        let c = check(b"abcdefghij");
        c.feed_until(b"abcd", 4).expect("within");
        assert!(c.feed_until(b"efgh", 6).is_err(), "two bytes too many");
        assert!(c.failed());
    }

    #[test]
    fn an_empty_blob_is_checked_too() {
        let c = check(b"");
        c.ended(0).expect("the empty blob");
        assert!(c.verified());
        let c = UploadCheck::new(&Digest::sha256_of(b"x"), 0, Origin::File("/x/e".to_owned()));
        assert!(c.ended(0).is_err(), "declared empty, digest of other bytes");
        assert!(!c.verified());
    }

    #[test]
    fn chunks_resume_from_the_last_acknowledged_one() {
        let c = check(b"abcdefghij");
        c.feed(b"abcd").expect("chunk 1");
        c.acknowledged();
        c.feed(b"efg").expect("chunk 2, broken");
        // The registry says it has 4 bytes: the hash continues from the checkpoint.
        assert!(c.rewind(4));
        c.feed(b"efghij").expect("rest");
        assert!(c.verified());
        // An offset between checkpoints means re-reading the start.
        let c = check(b"abcdefghij");
        c.feed(b"abcdef").expect("chunk");
        assert!(!c.rewind(3));
        c.absorb(b"abc");
        assert!(c.rewind(3));
        c.feed(b"defghij").expect("rest");
        assert!(c.verified());
    }
}
