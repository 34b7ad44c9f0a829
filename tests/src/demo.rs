//! The demo registry (`portolan-demo-registry`) as a reader starts it: run, its address read
//! from its first line (its trust folder from the second) and its storage folder from what it says on stderr; stopped with a
//! signal as Ctrl-C or `kill` would.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running demo registry; stopped with SIGTERM when dropped.
pub struct Demo {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub host: String,
    /// Where it keeps its images.
    pub storage: PathBuf,
    /// The folder of the keys and trust files that check `demo/signed` (its second line).
    pub trust: PathBuf,
}

impl Demo {
    /// Start the binary at `bin` (an integration test passes
    /// `env!("CARGO_BIN_EXE_portolan-demo-registry")`) and wait until it serves.
    pub fn start(bin: &Path) -> Self {
        let mut child = Command::new(bin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the demo registry");
        let mut host = String::new();
        let mut trust = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut host).expect("its address");
        stdout.read_line(&mut trust).expect("its trust folder");
        // Its storage, from the line that names it (the tools the demo runs to sign its
        // samples may have written to stderr before).
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut said = String::new();
        let mut before = String::new();
        while !said.contains("(storage ") {
            before.push_str(&said);
            said.clear();
            let read = stderr.read_line(&mut said).expect("its storage");
            if read == 0 {
                let status = child.wait().expect("wait");
                panic!("the demo registry ended ({status}) without naming its storage:\n{before}");
            }
        }
        let storage = said
            .split("(storage ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap_or_else(|| panic!("no storage in {said:?}"));
        Self {
            child,
            host: host.trim().to_owned(),
            storage: PathBuf::from(storage),
            trust: PathBuf::from(trust.trim()),
        }
    }

    /// Send `signal` (`INT`, `TERM`) and wait, at most 30 s, for it to end.
    pub fn stop(&mut self, signal: &str) -> ExitStatus {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{signal}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after SIG{signal}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.stop("TERM");
        }
    }
}
