//! What the UI receives when a command fails: `{code, message, registry?}`, with the
//! engine's [`ErrorCode`] as the code (the CLI's `--json` errors carry the same codes).
//!
//! Messages come from the engine, which never puts a secret in one; registry text inside
//! them is untrusted and the UI renders it only as text.

pub use portolan_ops::ErrorCode;
use portolan_ops::{Error, PlatformError, ReferenceError};
use serde::Serialize;
use ts_rs::TS;

/// A failed command.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppError {
    /// What kind of failure (`unauthorized`, `not_found`, `tls`...), to switch on.
    pub code: ErrorCode,
    /// What happened and what to do, for people.
    pub message: String,
    /// The registry host the failure is about, when there is one (so the UI can offer to
    /// sign in to it, or point at its settings).
    pub registry: Option<String>,
    /// Whether that registry is on this machine or its network (so advice can ask "is it
    /// running?" rather than "are you offline?"); the rule is the engine's, not the UI's.
    pub registry_local: bool,
    /// The HTTP status the registry answered, when the failure is an answer it gave.
    pub status: Option<u16>,
    /// What was not found (`manifest HOST/REPO:TAG`), for a not-found failure.
    pub missing: Option<String>,
}

impl AppError {
    /// An error raised by the shell itself.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            registry: None,
            registry_local: false,
            status: None,
            missing: None,
        }
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
            registry: e.registry().map(str::to_owned),
            registry_local: e
                .registry()
                .is_some_and(portolan_ops::host_advice::is_local),
            status: e.http_status(),
            missing: e.missing().map(str::to_owned),
        }
    }
}

impl From<ReferenceError> for AppError {
    fn from(e: ReferenceError) -> Self {
        Error::from(e).into()
    }
}

impl From<PlatformError> for AppError {
    fn from(e: PlatformError) -> Self {
        Error::from(e).into()
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

/// Results of commands.
pub type AppResult<T> = Result<T, AppError>;
