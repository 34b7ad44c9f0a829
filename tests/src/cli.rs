//! Running `portolan-cli` as every test does: its Docker config and cache in a home of the
//! test's own, no log filter, no standard input, and none of the caller's settings that
//! would point it elsewhere (API addresses, a Docker engine); `--no-keyring` unless the
//! test is about the keyring. A test adds what it is about with [`Cli::env`] and
//! [`Cli::stdin`].
//!
//! ```ignore
//! let out = cli::run(home.path(), &["tags", &reference]);
//! let out = cli::in_home(home.path()).env("DOCKER_HOST", &host).run(&["images"]);
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::cli_binary;

/// Settings of the caller that would send the CLI somewhere else; removed unless set with
/// [`Cli::env`].
const CLEARED: [&str; 10] = [
    "PORTOLAN_LOG",
    "PORTOLAN_GITHUB_API",
    "PORTOLAN_HUB_API",
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_TLS",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "PORTOLAN_ALLOW_PLAIN_ENGINE",
    "PORTOLAN_GITHUB_ACCEPT",
];

/// A `portolan-cli` run being set up.
pub struct Cli {
    home: PathBuf,
    keyring: bool,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
}

/// `portolan-cli` with its Docker config in `home` and its cache in `home/cache`.
pub fn in_home(home: &Path) -> Cli {
    Cli {
        home: home.to_owned(),
        keyring: false,
        env: Vec::new(),
        stdin: None,
    }
}

/// `portolan-cli ARGS --no-keyring` in `home`.
pub fn run(home: &Path, args: &[&str]) -> Output {
    in_home(home).run(args)
}

/// `portolan-cli ARGS --no-keyring` in a fresh home of its own, removed afterwards.
pub fn run_in_fresh_home(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    run(home.path(), args)
}

impl Cli {
    /// Let it use the Secret Service (no `--no-keyring`).
    pub fn keyring(mut self) -> Self {
        self.keyring = true;
        self
    }

    /// Set `name` to `value` for the run.
    pub fn env(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Set each `(name, value)`.
    pub fn envs(self, vars: &[(&str, &str)]) -> Self {
        vars.iter().fold(self, |cli, (k, v)| cli.env(*k, *v))
    }

    /// Write `text` to its standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.as_bytes().to_vec());
        self
    }

    /// The command, for a caller that runs it itself (to time it or watch its memory).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(cli_binary());
        command.args(args);
        if !self.keyring {
            command.arg("--no-keyring");
        }
        command
            .env("DOCKER_CONFIG", &self.home)
            .env("XDG_CACHE_HOME", self.home.join("cache"));
        for name in CLEARED {
            command.env_remove(name);
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        command
    }

    /// Run it with `args` and wait for it.
    pub fn run(self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        let Some(input) = &self.stdin else {
            return command.output().expect("run portolan-cli");
        };
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run portolan-cli");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(input).expect("write stdin");
        }
        child.wait_with_output().expect("wait portolan-cli")
    }
}
