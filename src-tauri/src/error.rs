//! What the UI receives when a command fails: `{code, message, detail?}` with stable codes.
//!
//! Messages come from the engine, which never puts a secret in one; registry text inside
//! them is untrusted and the UI renders it only as text.

use serde::Serialize;
use ts_rs::TS;

/// A failed command.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppError {
    /// Stable machine-readable code (`unauthorized`, `not_found`, `keyring_unavailable`...).
    pub code: String,
    /// What happened and what to do, for people.
    pub message: String,
    /// More detail, when there is any.
    pub detail: Option<String>,
}

impl AppError {
    /// An error raised by the shell itself.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            detail: None,
        }
    }
}

impl From<portolan::Error> for AppError {
    fn from(e: portolan::Error) -> Self {
        Self {
            code: e.code().to_owned(),
            message: e.to_string(),
            detail: None,
        }
    }
}

impl From<portolan::reference::ReferenceError> for AppError {
    fn from(e: portolan::reference::ReferenceError) -> Self {
        portolan::Error::from(e).into()
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
