//! Transfers in flight, owned here rather than by a view: each has an id, a title, where
//! it writes, its progress (bytes done of bytes in all) and a Cancel. A window lists them
//! wherever the user navigates; finished ones stay listed (with where they went, or why
//! they failed) until cleared.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use portolan::{Cancel, Digest, Progress, ProgressEvent};

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    /// Moving bytes.
    Running,
    /// Finished.
    Done,
    /// Stopped by an error.
    Failed,
    /// Stopped by the user.
    Cancelled,
}

/// One transfer as a front end shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferView {
    /// Its id (to cancel it).
    pub id: u32,
    /// What it is (`Pull ghcr.io/o/app:v1`).
    pub title: String,
    /// Where it writes.
    pub target: String,
    /// Where it stands.
    pub state: TransferState,
    /// Bytes moved so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done_bytes: u64,
    /// Bytes in all (0 until known).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_bytes: u64,
    /// Blobs in all, and finished.
    pub blobs: u32,
    /// Blobs finished.
    pub blobs_done: u32,
    /// When finished: what happened (where it went and how to use it, or the error).
    pub message: Option<String>,
}

struct Entry {
    view: TransferView,
    cancel: Cancel,
    per_blob: HashMap<Digest, u64>,
}

/// The transfers of one app or CLI run.
#[derive(Default)]
pub struct Transfers {
    entries: Mutex<BTreeMap<u32, Entry>>,
    next: std::sync::atomic::AtomicU32,
}

impl Transfers {
    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Register a transfer; returns its id, its Cancel, and the progress callback to hand
    /// to the engine (which also forwards every event to `forward`).
    pub fn start(
        self: &Arc<Self>,
        title: String,
        target: String,
        forward: Option<Progress>,
    ) -> (u32, Cancel, Progress) {
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let cancel = Cancel::new();
        self.entries().insert(
            id,
            Entry {
                view: TransferView {
                    id,
                    title,
                    target,
                    state: TransferState::Running,
                    done_bytes: 0,
                    total_bytes: 0,
                    blobs: 0,
                    blobs_done: 0,
                    message: None,
                },
                cancel: cancel.clone(),
                per_blob: HashMap::new(),
            },
        );
        let me = Arc::downgrade(self);
        let progress: Progress = Arc::new(move |event: ProgressEvent| {
            if let Some(me) = me.upgrade() {
                me.record(id, &event);
            }
            if let Some(f) = &forward {
                f(event);
            }
        });
        (id, cancel, progress)
    }

    fn record(&self, id: u32, event: &ProgressEvent) {
        let mut entries = self.entries();
        let Some(entry) = entries.get_mut(&id) else {
            return;
        };
        match event {
            ProgressEvent::Started { blobs, total_bytes } => {
                entry.view.blobs = u32::try_from(*blobs).unwrap_or(u32::MAX);
                entry.view.total_bytes = *total_bytes;
            }
            ProgressEvent::Blob { digest, done, .. } => {
                entry.per_blob.insert(digest.clone(), *done);
            }
            ProgressEvent::BlobDone { digest, size, .. } => {
                entry.per_blob.insert(digest.clone(), *size);
                entry.view.blobs_done = entry.view.blobs_done.saturating_add(1);
            }
            _ => {}
        }
        entry.view.done_bytes = entry
            .per_blob
            .values()
            .fold(0u64, |sum, n| sum.saturating_add(*n));
    }

    /// Record how a transfer ended.
    pub fn finish(&self, id: u32, outcome: Result<String, &portolan::Error>) {
        if let Some(entry) = self.entries().get_mut(&id) {
            let (state, message) = match outcome {
                Ok(message) => (TransferState::Done, message),
                Err(portolan::Error::Cancelled) => (
                    TransferState::Cancelled,
                    "cancelled; nothing half-written is left".to_owned(),
                ),
                Err(e) => (TransferState::Failed, e.to_string()),
            };
            entry.view.state = state;
            entry.view.message = Some(message);
        }
    }

    /// Cancel a running transfer; false when there is none by that id.
    pub fn cancel(&self, id: u32) -> bool {
        match self.entries().get(&id) {
            Some(e) if e.view.state == TransferState::Running => {
                e.cancel.cancel();
                true
            }
            _ => false,
        }
    }

    /// Every transfer of this run, oldest first.
    pub fn list(&self) -> Vec<TransferView> {
        self.entries().values().map(|e| e.view.clone()).collect()
    }

    /// Forget the finished ones.
    pub fn clear_finished(&self) {
        self.entries()
            .retain(|_, e| e.view.state == TransferState::Running);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_kept_and_cancel_reaches_the_engine() {
        let transfers = Arc::new(Transfers::default());
        let seen = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counter = seen.clone();
        let forward: Progress = Arc::new(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        let (id, cancel, progress) =
            transfers.start("Pull r/a:v1".into(), "/d/a".into(), Some(forward));
        let d = Digest::sha256_of(b"x");
        progress(ProgressEvent::Started {
            blobs: 2,
            total_bytes: 100,
        });
        progress(ProgressEvent::Blob {
            digest: d.clone(),
            done: 40,
            total: 60,
        });
        let view = &transfers.list()[0];
        assert_eq!(
            (view.done_bytes, view.total_bytes, view.blobs),
            (40, 100, 2)
        );
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert!(transfers.cancel(id));
        assert!(cancel.is_cancelled());
        transfers.finish(id, Err(&portolan::Error::Cancelled));
        assert_eq!(transfers.list()[0].state, TransferState::Cancelled);
        assert!(!transfers.cancel(id), "not running any more");
        transfers.clear_finished();
        assert!(transfers.list().is_empty());
    }
}
