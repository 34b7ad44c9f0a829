//! How the CLI ends, as scripts see it: exit status 0 when it did what was asked, 1 when it
//! failed (with the engine's error code), 2 when the command line itself cannot be parsed
//! (the `usage` code). Usage errors get the same JSON form as every other error under
//! `--json`, so a script never has to parse clap's text. The list of codes in docs/cli.md is
//! generated from `portolan_ops::ErrorCode::ALL` (a test keeps it so).

use std::process::ExitCode;

#[cfg(test)]
use portolan_ops::ErrorCode;

use crate::terminal;

/// The code of an error in the command line itself (not one of the engine's).
pub const USAGE: &str = "usage";

/// Exit status of a command line that cannot be parsed.
pub const USAGE_STATUS: u8 = 2;

/// Report a command line clap could not parse (text, or JSON when `--json` was among the
/// arguments) and give the exit status; help and version requests print as clap does.
pub fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let json = std::env::args_os().any(|a| a == "--json");
    let message = error.render().to_string();
    let first = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_owned();
    if json {
        let body = serde_json::json!({
            "error": {
                "code": USAGE,
                "message": first,
                "hint": "portolan-cli --help lists the commands; portolan-cli COMMAND --help, their arguments",
            }
        });
        terminal::err_json(&body.to_string());
    } else {
        for line in message.lines() {
            terminal::err!("{line}");
        }
    }
    ExitCode::from(USAGE_STATUS)
}

/// The table of error codes, generated from the engine's codes and this CLI's own.
#[cfg(test)]
fn codes_table() -> String {
    let mut table = String::from("| code | meaning | exit status |\n|---|---|---|\n");
    for code in ErrorCode::ALL {
        table.push_str(&format!(
            "| `{}` | {} | 1 |\n",
            code.as_str(),
            code.meaning()
        ));
    }
    table.push_str(&format!(
        "| `{USAGE}` | the command line cannot be parsed (an unknown flag, a missing argument) | {USAGE_STATUS} |\n"
    ));
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "<!-- error-codes:start (generated: UPDATE_DOCS=1 cargo test -p portolan-cli error_codes) -->\n";
    const END: &str = "<!-- error-codes:end -->";

    /// The CLI reference (docs/cli.md) lists every code there is, as generated; `UPDATE_DOCS=1` rewrites it.
    #[test]
    fn error_codes_in_the_docs_are_generated() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/cli.md");
        let readme = std::fs::read_to_string(&path).expect("docs/cli.md");
        let start = readme
            .find(START)
            .expect("docs/cli.md's error-codes start marker")
            + START.len();
        let end = readme
            .find(END)
            .expect("docs/cli.md's error-codes end marker");
        let want = codes_table();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{want}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).expect("write docs/cli.md");
            return;
        }
        assert_eq!(
            &readme[start..end],
            want,
            "docs/cli.md's error codes are stale: run `UPDATE_DOCS=1 cargo test -p portolan-cli error_codes`"
        );
    }

    #[test]
    fn every_code_is_listed_once() {
        let mut seen: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), ErrorCode::ALL.len());
        // A new code must be added to ALL: this match stops compiling without it.
        for code in ErrorCode::ALL {
            match code {
                ErrorCode::Input
                | ErrorCode::NotFound
                | ErrorCode::Unauthorized
                | ErrorCode::Forbidden
                | ErrorCode::Unreachable
                | ErrorCode::Tls
                | ErrorCode::Insecure
                | ErrorCode::RateLimited
                | ErrorCode::Integrity
                | ErrorCode::TooLarge
                | ErrorCode::Unsupported
                | ErrorCode::Conflict
                | ErrorCode::Incomplete
                | ErrorCode::Registry
                | ErrorCode::Protocol
                | ErrorCode::Credentials
                | ErrorCode::Configuration
                | ErrorCode::Engine
                | ErrorCode::Cancelled
                | ErrorCode::Io
                | ErrorCode::Internal
                | ErrorCode::Untrusted => {}
            }
        }
        assert!(!seen.contains(&USAGE), "usage is the CLI's own code");
    }
}
