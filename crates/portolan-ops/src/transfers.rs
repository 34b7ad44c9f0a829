//! Transfers in flight, owned here rather than by a view: each has an id, a title, where
//! it writes, its progress (bytes done of bytes in all, per blob, with the speed and the
//! time left) and a Cancel. A window lists them wherever the user navigates; finished ones
//! stay listed (with where they went, or why they failed) until cleared.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portolan::transfer::progress::BlobOutcome;
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
    /// Bytes per second over the last few seconds (0 when idle or finished).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes_per_second: u64,
    /// Seconds left at that speed, when it can be told.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seconds_left: Option<u64>,
    /// Each blob (layer, config) in the order it started.
    pub layers: Vec<BlobProgress>,
    /// When finished: what happened (where it went and how to use it, or the error).
    pub message: Option<String>,
    /// Where the result is, to show in the file manager, once it is there.
    pub result_path: Option<String>,
    /// How long it took, once finished (milliseconds).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub elapsed_ms: Option<u64>,
    /// The tag a push or copy writes, so that a view of its repository can show it once
    /// the transfer is done.
    pub writes: Option<WrittenTag>,
}

/// A tag a transfer writes in a registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WrittenTag {
    /// The repository, with its registry (`ghcr.io/o/app`), as the front ends name it.
    pub repository: String,
    /// The tag.
    pub tag: String,
}

impl WrittenTag {
    /// The tag `reference` names, if it names one.
    pub fn of(reference: &portolan::Reference) -> Option<Self> {
        Some(Self {
            repository: format!("{}/{}", reference.registry(), reference.repository()),
            tag: reference.tag()?.to_owned(),
        })
    }
}

/// One blob of a transfer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlobProgress {
    /// The blob.
    pub digest: Digest,
    /// Bytes moved.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    /// Its size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
    /// How it ended, once it has: moved, skipped (already there) or mounted.
    pub outcome: Option<BlobOutcome>,
}

/// How far back the speed looks.
const SPEED_WINDOW: Duration = Duration::from_secs(3);
/// How often the speed is sampled at most.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);

struct Entry {
    view: TransferView,
    cancel: Cancel,
    /// (when, bytes done then), oldest first, within [`SPEED_WINDOW`].
    samples: VecDeque<(Instant, u64)>,
    started: Instant,
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
                view: TransferView::new(id, title, target),
                cancel: cancel.clone(),
                samples: VecDeque::new(),
                started: Instant::now(),
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
        let view = &mut entry.view;
        match event {
            ProgressEvent::Started { blobs, total_bytes } => {
                view.blobs = u32::try_from(*blobs).unwrap_or(u32::MAX);
                view.total_bytes = *total_bytes;
            }
            ProgressEvent::Blob {
                digest,
                done,
                total,
            } => {
                let blob = blob_entry(&mut view.layers, digest, *total);
                let before = std::mem::replace(&mut blob.done, *done);
                view.done_bytes = view.done_bytes.saturating_sub(before).saturating_add(*done);
            }
            ProgressEvent::BlobDone {
                digest,
                size,
                outcome,
            } => {
                let blob = blob_entry(&mut view.layers, digest, *size);
                let before = std::mem::replace(&mut blob.done, *size);
                blob.outcome = Some(*outcome);
                view.done_bytes = view.done_bytes.saturating_sub(before).saturating_add(*size);
                view.blobs_done = view.blobs_done.saturating_add(1);
            }
            _ => {}
        }
        // Chunks arrive tens of thousands of times a second: the speed is sampled at most
        // every SAMPLE_EVERY.
        let now = Instant::now();
        if entry
            .samples
            .back()
            .is_some_and(|(at, _)| now.duration_since(*at) < SAMPLE_EVERY)
        {
            return;
        }
        entry.samples.push_back((now, view.done_bytes));
        while entry
            .samples
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > SPEED_WINDOW)
        {
            entry.samples.pop_front();
        }
        let (speed, left) = speed(&entry.samples, view.total_bytes);
        view.bytes_per_second = speed;
        view.seconds_left = left;
    }

    /// Run `work` in the background as a transfer titled `title`, writing to `target`:
    /// `work` gets the transfer's id, Cancel and progress callback, and its outcome ends
    /// the transfer (an `Ok` message says what was done). Returns the transfer as listed.
    pub fn spawn<Fut>(
        self: &Arc<Self>,
        title: String,
        target: String,
        work: impl FnOnce(u32, Cancel, Progress) -> Fut,
    ) -> TransferView
    where
        Fut: std::future::Future<Output = portolan::Result<String>> + Send + 'static,
    {
        let (id, cancel, progress) = self.start(title, target, None);
        let running = work(id, cancel, progress);
        let me = self.clone();
        tokio::spawn(async move {
            match running.await {
                Ok(message) => me.finish(id, Ok(message)),
                Err(e) => me.finish(id, Err(&e)),
            }
        });
        self.view(id).unwrap_or_else(|| unreachable_view(id))
    }

    /// Transfer `id` as listed.
    pub fn view(&self, id: u32) -> Option<TransferView> {
        self.entries().get(&id).map(|e| e.view.clone())
    }

    /// Record the tag transfer `id` writes (see [`TransferView::writes`]).
    pub fn set_writes(&self, id: u32, writes: Option<WrittenTag>) {
        if let Some(entry) = self.entries().get_mut(&id) {
            entry.view.writes = writes;
        }
    }

    /// Record where a finished transfer's result is (for "show in folder").
    pub fn set_result_path(&self, id: u32, path: &std::path::Path) {
        if let Some(entry) = self.entries().get_mut(&id) {
            entry.view.result_path = Some(path.display().to_string());
        }
    }

    /// Where transfer `id`'s result is, once it finished well.
    pub fn result_path(&self, id: u32) -> Option<std::path::PathBuf> {
        self.entries()
            .get(&id)
            .filter(|e| e.view.state == TransferState::Done)
            .and_then(|e| e.view.result_path.as_ref().map(Into::into))
    }

    /// Record how a transfer ended.
    pub fn finish(&self, id: u32, outcome: Result<String, &portolan::Error>) {
        if let Some(entry) = self.entries().get_mut(&id) {
            entry.view.bytes_per_second = 0;
            entry.view.seconds_left = None;
            entry.view.elapsed_ms =
                Some(u64::try_from(entry.started.elapsed().as_millis()).unwrap_or(u64::MAX));
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

/// A transfer that was just registered and cannot have been cleared: a view that says so
/// rather than a panic, should it ever happen.
fn unreachable_view(id: u32) -> TransferView {
    TransferView {
        state: TransferState::Failed,
        message: Some("the transfer vanished as it started".to_owned()),
        ..TransferView::new(id, String::new(), String::new())
    }
}

impl TransferView {
    /// A transfer just started: running, nothing moved yet.
    fn new(id: u32, title: String, target: String) -> Self {
        Self {
            id,
            title,
            target,
            state: TransferState::Running,
            done_bytes: 0,
            total_bytes: 0,
            blobs: 0,
            blobs_done: 0,
            bytes_per_second: 0,
            seconds_left: None,
            layers: Vec::new(),
            message: None,
            result_path: None,
            elapsed_ms: None,
            writes: None,
        }
    }
}

/// The blob `digest` of a transfer, added (in the order blobs start) when new.
fn blob_entry<'a>(
    layers: &'a mut Vec<BlobProgress>,
    digest: &Digest,
    total: u64,
) -> &'a mut BlobProgress {
    let at = match layers.iter().position(|b| &b.digest == digest) {
        Some(at) => at,
        None => {
            layers.push(BlobProgress {
                digest: digest.clone(),
                done: 0,
                total,
                outcome: None,
            });
            layers.len() - 1
        }
    };
    &mut layers[at]
}

/// Bytes per second over the samples, and the seconds left to `total` at that speed.
fn speed(samples: &VecDeque<(Instant, u64)>, total: u64) -> (u64, Option<u64>) {
    let (Some((t0, b0)), Some((t1, b1))) = (samples.front(), samples.back()) else {
        return (0, None);
    };
    let secs = t1.duration_since(*t0).as_secs_f64();
    if secs < 0.2 || b1 <= b0 {
        return (0, None);
    }
    let per_second = (b1 - b0) as f64 / secs;
    let left = (total > *b1).then(|| ((total - b1) as f64 / per_second).ceil() as u64);
    (per_second as u64, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_and_time_left_come_from_the_last_seconds() {
        let t0 = Instant::now();
        let mut samples = VecDeque::new();
        samples.push_back((t0, 0));
        assert_eq!(speed(&samples, 100), (0, None), "one sample tells nothing");
        samples.push_back((t0 + Duration::from_secs(2), 2_000_000));
        assert_eq!(speed(&samples, 10_000_000), (1_000_000, Some(8)));
        assert_eq!(
            speed(&samples, 2_000_000),
            (1_000_000, None),
            "nothing left"
        );
    }

    #[test]
    fn each_blob_is_listed_once_in_the_order_it_started() {
        let transfers = Arc::new(Transfers::default());
        let (_, _, progress) = transfers.start("Push r/a:v1".into(), "/l".into(), None);
        let (a, b) = (Digest::sha256_of(b"a"), Digest::sha256_of(b"b"));
        for (d, done) in [(&a, 5), (&b, 1), (&a, 10)] {
            progress(ProgressEvent::Blob {
                digest: d.clone(),
                done,
                total: 10,
            });
        }
        progress(ProgressEvent::BlobDone {
            digest: b.clone(),
            size: 3,
            outcome: BlobOutcome::Mounted,
        });
        let view = &transfers.list()[0];
        let blobs: Vec<_> = view
            .layers
            .iter()
            .map(|l| (l.digest.clone(), l.done, l.outcome))
            .collect();
        assert_eq!(
            blobs,
            [(a, 10, None), (b, 3, Some(BlobOutcome::Mounted))],
            "a blob mounted counts its size as done"
        );
        assert_eq!((view.done_bytes, view.blobs_done), (13, 1));
    }

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
