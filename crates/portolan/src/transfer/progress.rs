//! Progress reports and cancellation for transfers.
//!
//! A transfer reports through a [`Progress`] callback (the CLI draws bars from it, the app
//! forwards it to a Tauri Channel) and stops at the next chunk boundary when its
//! [`Cancel`] token fires, leaving nothing half-done where a user would see it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::digest::Digest;
use crate::error::{Error, Result};

/// How a blob reached its destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BlobOutcome {
    /// Bytes were moved.
    Transferred,
    /// The destination already had it.
    Skipped,
    /// The registry linked it from another repository (no bytes moved).
    Mounted,
}

/// One progress report.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProgressEvent {
    /// The plan: how many blobs and bytes in all.
    Started {
        /// Number of blobs.
        blobs: usize,
        /// Their total size.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        total_bytes: u64,
    },
    /// Bytes moved for one blob.
    Blob {
        /// The blob.
        digest: Digest,
        /// Bytes done for it.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        done: u64,
        /// Its size.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        total: u64,
    },
    /// A blob finished.
    BlobDone {
        /// The blob.
        digest: Digest,
        /// Its size.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        size: u64,
        /// How.
        outcome: BlobOutcome,
    },
    /// Everything finished.
    Finished {
        /// Bytes moved.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        transferred_bytes: u64,
        /// Blobs skipped.
        skipped: usize,
        /// Blobs mounted.
        mounted: usize,
    },
}

/// A progress callback. Called often: keep it cheap.
pub type Progress = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

/// A progress callback that ignores everything.
pub fn no_progress() -> Progress {
    Arc::new(|_| {})
}

/// A cancellation token shared by the caller and the transfer.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
}

impl Cancel {
    /// A token that has not fired.
    pub fn new() -> Self {
        Self::default()
    }
    /// Ask the transfer to stop.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }
    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
    /// Resolves once the token fires (looked at every 100 ms): to race a wait that may
    /// never end, such as a registry that stops sending mid-blob.
    pub async fn cancelled(&self) {
        while !self.is_cancelled() {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    /// What `wait` gives, unless the token fires first (then `Err(Cancelled)`, and `wait`
    /// is dropped): for each wait on a registry or an engine that may never end.
    pub async fn or<F: std::future::Future>(&self, wait: F) -> Result<F::Output> {
        tokio::select! {
            biased;
            _ = self.cancelled() => Err(Error::Cancelled),
            done = wait => Ok(done),
        }
    }
    /// Whether `other` is this token (or a clone of it).
    pub fn same_token(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.flag, &other.flag)
    }
    /// `Err(Cancelled)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Counts shared by the blobs of one transfer, for the final report.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) transferred: AtomicU64,
    pub(crate) skipped: AtomicU64,
    pub(crate) mounted: AtomicU64,
    /// Of the bytes counted as transferred, those an earlier run had already fetched (a
    /// resumed download): not moved by this run.
    pub(crate) resumed: AtomicU64,
}

impl Tally {
    pub(crate) fn record(&self, outcome: BlobOutcome, bytes: u64) {
        match outcome {
            BlobOutcome::Transferred => self.transferred.fetch_add(bytes, Ordering::Relaxed),
            BlobOutcome::Skipped => self.skipped.fetch_add(1, Ordering::Relaxed),
            BlobOutcome::Mounted => self.mounted.fetch_add(1, Ordering::Relaxed),
        };
    }
    /// Report the end of the transfer; returns (bytes moved by this run, blobs skipped,
    /// blobs mounted).
    pub(crate) fn finish(&self, progress: &Progress) -> (u64, usize, usize) {
        let counts = (
            self.transferred
                .load(Ordering::Relaxed)
                .saturating_sub(self.resumed.load(Ordering::Relaxed)),
            self.skipped.load(Ordering::Relaxed) as usize,
            self.mounted.load(Ordering::Relaxed) as usize,
        );
        progress(ProgressEvent::Finished {
            transferred_bytes: counts.0,
            skipped: counts.1,
            mounted: counts.2,
        });
        counts
    }
}
