//! A progress bar on stderr for pulls, pushes and copies, drawn from the engine's
//! progress events: one line, redrawn at most ten times a second, only on a terminal.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portolan::{Digest, Progress, ProgressEvent};

use crate::render::human_size;
use crate::terminal;

#[derive(Default)]
struct State {
    total: u64,
    blobs: usize,
    finished: usize,
    per_blob: HashMap<Digest, u64>,
    started: Option<Instant>,
    last_draw: Option<Instant>,
}

/// A callback that draws a bar when stderr is a terminal (and nothing otherwise).
pub fn bar(label: &'static str) -> Progress {
    let tty = std::io::stderr().is_terminal();
    let state = Arc::new(Mutex::new(State::default()));
    Arc::new(move |event| {
        if !tty {
            return;
        }
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            ProgressEvent::Started { blobs, total_bytes } => {
                s.total = total_bytes;
                s.blobs = blobs;
                s.started = Some(Instant::now());
            }
            ProgressEvent::Blob { digest, done, .. } => {
                s.per_blob.insert(digest, done);
            }
            ProgressEvent::BlobDone { digest, size, .. } => {
                // Skipped and mounted blobs count as done: nothing is left to move for them.
                s.finished += 1;
                s.per_blob.insert(digest, size);
            }
            ProgressEvent::Finished { .. } => {
                draw(&s, label, true);
                return;
            }
        }
        let due = s
            .last_draw
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
        if due {
            s.last_draw = Some(Instant::now());
            draw(&s, label, false);
        }
    })
}

fn draw(s: &State, label: &str, last: bool) {
    let done: u64 = s
        .per_blob
        .values()
        .fold(0u64, |sum, n| sum.saturating_add(*n));
    let fraction = if s.total == 0 {
        1.0
    } else {
        (done as f64 / s.total as f64).min(1.0)
    };
    let width = 30;
    let filled = (fraction * width as f64) as usize;
    let rate = s
        .started
        .map(|t| t.elapsed().as_secs_f64())
        .filter(|secs| *secs > 0.0)
        .map(|secs| format!("{}/s", human_size((done as f64 / secs) as u64)))
        .unwrap_or_default();
    let line = format!(
        "{label} [{}{}] {} / {}  {}/{} blobs  {rate}   ",
        "=".repeat(filled),
        " ".repeat(width - filled),
        human_size(done),
        human_size(s.total),
        s.finished,
        s.blobs
    );
    terminal::status(&line, last);
}
