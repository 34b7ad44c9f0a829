//! How much memory a command took: its peak resident set (`VmHWM` in `/proc/PID/status`),
//! read every few milliseconds while it runs. The memory tests and the benches measure
//! `portolan-cli` this way, from outside, as a user's `top` would see it.
//!
//! A run that climbs past a ceiling is stopped there (the machine is shared; a test that
//! is about to fail need not take the rest of its memory): its peak then reads as at
//! least the ceiling.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// What a measured run did.
#[derive(Debug)]
pub struct Measured {
    /// How it ended (`None`: stopped at the ceiling).
    pub status: Option<ExitStatus>,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
    /// Its peak resident memory in bytes.
    pub peak_bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
}

impl Measured {
    /// The peak in MB (10^6 bytes, as the issue and `ps` report it).
    pub fn peak_mb(&self) -> u64 {
        self.peak_bytes / 1_000_000
    }

    /// Whether it exited with status 0.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// Standard error as text.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Standard output as text.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Stop a run whose resident memory passes this (2 GB): far past any limit a test checks.
pub const CEILING_BYTES: u64 = 2_000_000_000;

/// Run `command` (its output captured, no standard input) and measure its peak memory.
pub fn measure(mut command: Command) -> Measured {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the measured command");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (status, peak_kib) = watch(&mut child);
    Measured {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        peak_bytes: peak_kib * 1024,
        elapsed: started.elapsed(),
    }
}

/// Read a pipe to its end on a thread of its own (a full pipe would stall the child).
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut out);
        }
        out
    })
}

/// Poll the child's peak until it exits (or passes [`CEILING_BYTES`] and is killed).
fn watch(child: &mut Child) -> (Option<ExitStatus>, u64) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(high_water_kib)
        {
            peak_kib = peak_kib.max(kib);
        }
        if peak_kib * 1024 > CEILING_BYTES {
            let _ = child.kill();
            let _ = child.wait();
            return (None, peak_kib);
        }
        if let Some(status) = child.try_wait().expect("wait for the measured command") {
            return (Some(status), peak_kib);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `VmHWM` (the peak resident set, kB) of a `/proc/PID/status` text.
fn high_water_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `portolan-cli ARGS --no-keyring` as [`crate::cli`] runs it (Docker config and cache in
/// `home`, no log filter), plus `env`, measured.
pub fn measure_cli(home: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Measured {
    measure(crate::cli::in_home(home).envs(env).command(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_high_water_mark_is_read_from_proc_status() {
        let text = "Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t  1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(high_water_kib(text), Some(1234));
        assert_eq!(high_water_kib("Name:\tx\n"), None);
    }

    #[test]
    fn a_command_that_holds_memory_measures_at_least_that() {
        // perl (part of every Debian system) builds a 100 MB string and holds it a moment.
        let mut command = Command::new("perl");
        command.args([
            "-e",
            r#"$x = "a" x 100_000_000; select(undef, undef, undef, 0.3); print length $x"#,
        ]);
        let run = measure(command);
        assert!(run.succeeded(), "{}", run.stderr_text());
        assert_eq!(run.stdout_text().trim(), "100000000");
        assert!(run.peak_mb() >= 100, "{} MB", run.peak_mb());
        assert!(run.peak_mb() < 400, "{} MB", run.peak_mb());
    }
}
