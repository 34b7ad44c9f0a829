//! The one way text leaves the CLI: every line on stdout or stderr — results, errors,
//! warnings, prompts and log lines — goes through here and is made safe to show.
//!
//! Text from registries (media types, annotations, labels, history, tag and repository
//! names, error messages) is untrusted: a control character in it could retitle the window
//! (`ESC ]0;…`), move the cursor or rewrite what the user sees. So each line is cleaned as
//! a whole before it is written ([`safe`]): whitespace controls become a space, other
//! control characters (C0, DEL, C1) and bidirectional overrides become `�`. JSON stays
//! exact for scripts: serde escapes C0 controls, and [`safe_json`] escapes the rest as
//! `\u00XX`, which decodes to the same values.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{MultiProgress, TermLike};

/// Write one line to stdout: `out!("{x}")` (cleaned as a whole; the program ends quietly
/// when stdout is closed, as with `| head`).
macro_rules! out {
    () => {
        $crate::terminal::out_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::terminal::out_line(format_args!($($arg)*))
    };
}

/// Write one line to stderr: `err!("error: {e}")` (cleaned as a whole).
macro_rules! err {
    () => {
        $crate::terminal::err_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::terminal::err_line(format_args!($($arg)*))
    };
}

pub(crate) use {err, out};

/// Characters that must not reach a terminal as they are: controls and bidi overrides.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` as one safe line: whitespace controls (tab, newline, ...) become a space, other
/// control characters and bidirectional overrides become `�`.
pub fn safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' => ' ',
            c if is_unsafe(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// JSON text with every control character and bidi override escaped as `\uXXXX` (valid
/// JSON meaning the same values; serde_json leaves DEL and C1 raw), newlines and tabs
/// between values kept, carriage returns (only whitespace in valid JSON) dropped.
pub fn safe_json(text: &str) -> std::borrow::Cow<'_, str> {
    // The common case, checked a byte at a time: plain printable ASCII, nothing to escape.
    let plain = |b: &u8| (0x20..0x7f).contains(b) || *b == b'\n' || *b == b'\t';
    if text.as_bytes().iter().all(plain) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if is_unsafe(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn write_or_quit(stream: impl Write, bytes: &[u8]) {
    write_parts_or_quit(stream, &[bytes]);
}

fn write_parts_or_quit(mut stream: impl Write, parts: &[&[u8]]) {
    let written = parts
        .iter()
        .try_for_each(|p| stream.write_all(p))
        .and_then(|_| stream.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// One line on stdout, cleaned (what `out!` calls).
pub fn out_line(args: fmt::Arguments<'_>) {
    let line = safe(&args.to_string()) + "\n";
    write_or_quit(std::io::stdout().lock(), line.as_bytes());
}

/// One line on stderr, cleaned (what `err!` calls); shown above the progress bars, if any.
pub fn err_line(args: fmt::Arguments<'_>) {
    let line = safe(&args.to_string()) + "\n";
    above_bars(|| write_or_quit(std::io::stderr().lock(), line.as_bytes()));
}

/// The progress bars on screen, if any: lines written to stderr meanwhile go above them.
static BARS: Mutex<Option<MultiProgress>> = Mutex::new(None);

/// Show `bars` (drawn through [`BarTerm`]) until [`hide_bars`].
pub fn show_bars(bars: &MultiProgress) {
    *BARS.lock().unwrap_or_else(|e| e.into_inner()) = Some(bars.clone());
}

/// The bars are gone (cleared by their owner).
pub fn hide_bars() {
    *BARS.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Run `write` with the progress bars (if any) lifted off the screen, then redraw them.
fn above_bars<R>(write: impl FnOnce() -> R) -> R {
    let bars = BARS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match bars {
        Some(bars) => bars.suspend(write),
        None => write(),
    }
}

/// Where `indicatif` draws progress bars: stderr, each piece of text cleaned like any
/// other line. The cursor movements and line clearing are the only control sequences, and
/// `console` writes those, never text from a registry.
#[derive(Debug)]
pub struct BarTerm(console::Term);

impl BarTerm {
    /// Stderr, written once per redraw.
    pub fn stderr() -> Self {
        Self(console::Term::buffered_stderr())
    }
}

impl TermLike for BarTerm {
    fn width(&self) -> u16 {
        self.0.size().1
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(&safe(s))
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        // A lone carriage return is indicatif going back to the start of its first line.
        if s == "\r" {
            return self.0.write_str(s);
        }
        self.0.write_str(&safe(s))
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A question on stderr, without a newline (the answer is typed after it).
pub fn prompt(text: &str) {
    write_or_quit(std::io::stderr().lock(), safe(text).as_bytes());
}

/// `value` as a JSON document on stdout, written as it is encoded (a listing of 100,000
/// files is tens of megabytes: not built in memory first), escaped as [`safe_json`] does.
pub fn out_json_of<T: serde::Serialize>(value: &T) {
    // Buffered before the escaping: serde writes a token at a time, checked here in blocks.
    let mut writer = std::io::BufWriter::with_capacity(
        1 << 16,
        SafeJsonWriter {
            inner: std::io::stdout().lock(),
            pending: Vec::new(),
        },
    );
    let written = serde_json::to_writer_pretty(&mut writer, value)
        .map_err(std::io::Error::from)
        .and_then(|_| writer.write_all(b"\n"))
        .and_then(|_| writer.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => err!("error: cannot write JSON: {e}"),
    }
}

/// JSON text passed through as it is written, with what [`safe_json`] escapes escaped. A
/// character split between two writes waits for its other bytes.
struct SafeJsonWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Write for SafeJsonWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined: std::borrow::Cow<'_, [u8]> = if self.pending.is_empty() {
            std::borrow::Cow::Borrowed(buf)
        } else {
            let mut bytes = std::mem::take(&mut self.pending);
            bytes.extend_from_slice(buf);
            std::borrow::Cow::Owned(bytes)
        };
        let valid = match std::str::from_utf8(&joined) {
            Ok(_) => joined.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
        };
        let (text, rest) = joined.split_at(valid);
        let text = std::str::from_utf8(text).map_err(std::io::Error::other)?;
        self.inner.write_all(safe_json(text).as_bytes())?;
        self.pending = rest.to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            self.inner.write_all(safe_json(&rest).as_bytes())?;
        }
        self.inner.flush()
    }
}

/// A JSON document on stderr (errors with `--json`).
pub fn err_json(text: &str) {
    let doc = safe_json(text) + "\n";
    write_or_quit(std::io::stderr().lock(), doc.as_bytes());
}

/// A manifest's exact bytes on stdout, so `| sha256sum` gives its digest. On a terminal
/// (where nobody hashes), the JSON is shown with control characters escaped instead, and
/// ends with a newline.
pub fn out_manifest(bytes: &[u8]) {
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        let mut text = safe_json(&String::from_utf8_lossy(bytes)).into_owned();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        write_or_quit(stdout.lock(), text.as_bytes());
    } else {
        write_or_quit(stdout.lock(), bytes);
    }
}

/// Where log lines go: stderr, each line cleaned like any other.
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The log formatter writes one whole event (ending in a newline) per call.
        let text = String::from_utf8_lossy(buf);
        let (body, newline) = match text.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (text.as_ref(), ""),
        };
        let line = safe(body) + newline;
        above_bars(|| std::io::stderr().lock().write_all(line.as_bytes()))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_every_control_character() {
        assert_eq!(safe("a\u{1b}]0;pwned\u{7}b"), "a\u{fffd}]0;pwned\u{fffd}b");
        assert_eq!(safe("RUN a \\\n\tb\r"), "RUN a \\  b ");
        assert_eq!(
            safe("x\u{7f}\u{9b}2J\u{202e}y"),
            "x\u{fffd}\u{fffd}2J\u{fffd}y"
        );
        assert_eq!(safe("héllo — 日本"), "héllo — 日本");
    }

    #[test]
    fn json_written_in_pieces_is_escaped_like_json_written_whole() {
        let value = serde_json::json!({"a": "x\u{1b}]0;t\u{7}\u{7f}\u{9b}\u{202e}y é"});
        let text = serde_json::to_string_pretty(&value).expect("json");
        let mut writer = SafeJsonWriter {
            inner: Vec::new(),
            pending: Vec::new(),
        };
        // One byte at a time: every multi-byte character arrives split.
        for b in text.as_bytes() {
            writer.write_all(std::slice::from_ref(b)).expect("write");
        }
        writer.flush().expect("flush");
        assert_eq!(
            String::from_utf8(writer.inner).expect("utf-8"),
            safe_json(&text)
        );
    }

    #[test]
    fn json_keeps_its_values_and_loses_raw_controls() {
        let value = serde_json::json!({"a": "x\u{1b}]0;t\u{7}\u{7f}\u{9b}\u{202e}y"});
        let text = serde_json::to_string_pretty(&value).expect("json");
        let safe = safe_json(&text);
        assert!(safe.chars().all(|c| !is_unsafe(c) || c == '\n'), "{safe:?}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, value);
    }
}
