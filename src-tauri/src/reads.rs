//! Long reads the window can stop: listing a big layer, building an image's tree,
//! comparing two images, reading or saving one file. The window names each read with a
//! number of its own choosing; the read registers its [`Cancel`] under that number while it
//! runs, and `cancel_read` fires it. A view that closes cancels its read, so leaving a
//! 2 GB layer half-listed stops the download at once instead of in the background.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use portolan_ops::Cancel;

/// The reads running now, by the window's number.
#[derive(Default)]
pub struct Reads {
    running: Arc<Mutex<HashMap<u32, Cancel>>>,
}

/// A running read: its token, unregistered when the read ends.
pub struct ReadGuard {
    id: u32,
    cancel: Cancel,
    running: Arc<Mutex<HashMap<u32, Cancel>>>,
}

impl ReadGuard {
    /// The read's token.
    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }
}

impl Drop for ReadGuard {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        // A later read may have taken the number since: only remove our own.
        if running
            .get(&self.id)
            .is_some_and(|c| c.same_token(&self.cancel))
        {
            running.remove(&self.id);
        }
    }
}

impl Reads {
    /// Register read `id` (a previous read under that number is cancelled: the window
    /// moved on).
    pub fn start(&self, id: u32) -> ReadGuard {
        let cancel = Cancel::new();
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = running.insert(id, cancel.clone()) {
            old.cancel();
        }
        ReadGuard {
            id,
            cancel,
            running: self.running.clone(),
        }
    }

    /// Stop read `id`; whether it was running.
    pub fn cancel(&self, id: u32) -> bool {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        match running.get(&id) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_is_cancelled_by_its_number_and_forgotten_when_it_ends() {
        let reads = Reads::default();
        let guard = reads.start(7);
        assert!(!guard.cancel().is_cancelled());
        assert!(reads.cancel(7));
        assert!(guard.cancel().is_cancelled());
        drop(guard);
        assert!(!reads.cancel(7), "an ended read is gone");
        // A number reused while the first read still runs: the first is stopped, and
        // its end does not unregister the second.
        let first = reads.start(8);
        let second = reads.start(8);
        assert!(first.cancel().is_cancelled());
        drop(first);
        assert!(reads.cancel(8));
        assert!(second.cancel().is_cancelled());
    }
}
