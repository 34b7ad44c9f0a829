//! Progress bars on stderr for pulls, pushes and copies, drawn by `indicatif` from the
//! engine's progress events: a total bar (bytes, rate, ETA, blobs finished) and one bar per
//! blob in flight. Only on a terminal (hidden otherwise, so `--json` and pipes stay
//! clean), and cleared when the transfer ends, whether it succeeded, failed or was
//! cancelled.
//!
//! `indicatif` draws through [`terminal::BarTerm`], so every piece of text still passes
//! the CLI's one cleaning path; the only registry text in a bar is a blob's digest.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use portolan_ops::{Digest, Progress, ProgressEvent};

use crate::terminal;

/// Redraws per second at most.
const REDRAWS_PER_SECOND: u8 = 10;

/// Bytes done and in all, and the rate, for every bar.
const COUNTS: &str = "{binary_bytes:>10} / {binary_total_bytes:<10} {binary_bytes_per_sec:>12}";

/// The total's time left, and how wide it is drawn (`  ETA 12s `).
const ETA: &str = "  ETA {eta:<4}";
const ETA_WIDTH: usize = 10;

/// The bars of one transfer. Dropping it clears them from the screen.
pub struct Bars {
    shared: Arc<Shared>,
}

struct Shared {
    multi: MultiProgress,
    total: ProgressBar,
    blob_style: ProgressStyle,
    label: &'static str,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Blobs in the plan, and finished (moved, skipped or mounted).
    blobs: usize,
    finished: usize,
    /// Bytes done per blob, and their sum.
    done: HashMap<Digest, u64>,
    done_sum: u64,
    /// The bars of blobs in flight.
    bars: HashMap<Digest, ProgressBar>,
    /// Cleared: later events draw nothing.
    closed: bool,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl Bars {
    /// Bars labelled `label` (`pull`, `push`, `copy`), drawn on stderr when it is a terminal.
    pub fn new(label: &'static str) -> Self {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::term_like_with_hz(
                Box::new(terminal::BarTerm::stderr()),
                REDRAWS_PER_SECOND,
            )
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let total = multi.add(
            ProgressBar::hidden()
                .with_style(style(&format!(
                    "{{prefix:<19}} [{{wide_bar}}] {COUNTS}{ETA}"
                )))
                .with_prefix(label),
        );
        if !multi.is_hidden() {
            terminal::show_bars(&multi);
        }
        Self {
            shared: Arc::new(Shared {
                multi,
                total,
                // Blank where the total has its ETA, so the bars line up.
                blob_style: style(&format!(
                    "{{msg:<19}} [{{wide_bar}}] {COUNTS}{:width$}",
                    "",
                    width = ETA_WIDTH
                )),
                label,
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// The callback the engine reports to.
    pub fn progress(&self) -> Progress {
        let shared = self.shared.clone();
        Arc::new(move |event| shared.update(event))
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.shared.clear();
    }
}

impl Shared {
    fn update(&self, event: ProgressEvent) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.closed {
            return;
        }
        match event {
            // A copy with referrers runs one plan after another: each starts afresh.
            ProgressEvent::Started { blobs, total_bytes } => {
                self.clear_blobs(&mut s);
                *s = State {
                    blobs,
                    ..State::default()
                };
                self.total.reset();
                self.total.set_length(total_bytes);
            }
            ProgressEvent::Blob {
                digest,
                done,
                total,
            } => {
                let bar = s.bars.entry(digest.clone()).or_insert_with(|| {
                    self.multi.add(
                        ProgressBar::hidden()
                            .with_style(self.blob_style.clone())
                            .with_message(terminal::safe(&digest.short())),
                    )
                });
                bar.set_length(total);
                bar.set_position(done);
                s.record(digest, done);
            }
            ProgressEvent::BlobDone { digest, size, .. } => {
                // Skipped and mounted blobs count as done: nothing is left to move for them.
                if let Some(bar) = s.bars.remove(&digest) {
                    bar.finish_and_clear();
                    self.multi.remove(&bar);
                }
                s.finished += 1;
                s.record(digest, size);
            }
            ProgressEvent::Finished { .. } => {
                self.clear_blobs(&mut s);
                let length = self.total.length().unwrap_or_default();
                s.done_sum = s.done_sum.max(length);
            }
        }
        self.total.set_position(s.done_sum);
        self.total
            .set_prefix(format!("{} {}/{} blobs", self.label, s.finished, s.blobs));
    }

    fn clear_blobs(&self, s: &mut State) {
        for (_, bar) in s.bars.drain() {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }

    fn clear(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.closed = true;
        self.clear_blobs(&mut s);
        self.total.finish_and_clear();
        let _ = self.multi.clear();
        terminal::hide_bars();
    }
}

impl State {
    fn record(&mut self, digest: Digest, done: u64) {
        let before = self.done.insert(digest, done).unwrap_or_default();
        self.done_sum = self.done_sum.saturating_sub(before).saturating_add(done);
    }
}

/// A bar counting `len` steps of a bulk change (`cleanup`), drawn on stderr when it is a
/// terminal and `--json` is off; `finish_and_clear` removes it.
pub fn counter(json: bool, len: u64, unit: &'static str) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let target = ProgressDrawTarget::term_like_with_hz(
        Box::new(terminal::BarTerm::stderr()),
        REDRAWS_PER_SECOND,
    );
    ProgressBar::with_draw_target(Some(len), target)
        .with_style(style(&format!("[{{wide_bar}}] {{pos}}/{{len}} {unit}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portolan_ops::BlobOutcome;

    fn digest(n: u8) -> Digest {
        Digest::parse(&format!("sha256:{}", format!("{n:02x}").repeat(32))).expect("digest")
    }

    #[test]
    fn the_total_follows_every_blob_and_each_plan_starts_afresh() {
        let bars = Bars::new("pull");
        let progress = bars.progress();
        progress(ProgressEvent::Started {
            blobs: 2,
            total_bytes: 300,
        });
        for done in [50, 100] {
            progress(ProgressEvent::Blob {
                digest: digest(1),
                done,
                total: 100,
            });
        }
        progress(ProgressEvent::Blob {
            digest: digest(2),
            done: 40,
            total: 200,
        });
        let shared = bars.shared.clone();
        assert_eq!(shared.total.position(), 140);
        assert_eq!(shared.state.lock().expect("state").bars.len(), 2);

        // A skipped or mounted blob counts whole; its bar goes away.
        progress(ProgressEvent::BlobDone {
            digest: digest(2),
            size: 200,
            outcome: BlobOutcome::Skipped,
        });
        assert_eq!(shared.total.position(), 300);
        assert_eq!(shared.total.prefix(), "pull 1/2 blobs");
        assert_eq!(shared.state.lock().expect("state").bars.len(), 1);

        // The next plan (a copy's referrers) starts from zero.
        progress(ProgressEvent::Started {
            blobs: 1,
            total_bytes: 10,
        });
        assert_eq!(shared.total.position(), 0);
        assert_eq!(shared.total.length(), Some(10));
        assert!(shared.state.lock().expect("state").bars.is_empty());

        // Dropped: cleared, and late events draw nothing.
        drop(bars);
        progress(ProgressEvent::Blob {
            digest: digest(3),
            done: 5,
            total: 10,
        });
        let state = shared.state.lock().expect("state");
        assert!(state.closed && state.bars.is_empty());
        assert!(shared.total.is_finished());
    }
}
