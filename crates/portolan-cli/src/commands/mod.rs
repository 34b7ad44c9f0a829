//! One adapter per subcommand: its arguments, then parse → ask the engine (or the
//! operations layer) → render. Grouped by what they touch: signing in ([`auth`]), reading
//! a registry ([`browse`]), moving images ([`transfer`]) and changing tags ([`manage`]).

pub mod auth;
pub mod browse;
pub mod manage;
pub mod transfer;

use portolan::Client;

/// What every subcommand gets: the client built from the global flags, and the output
/// format.
pub struct Context {
    /// The engine client.
    pub client: Client,
    /// `--json`: print JSON instead of text.
    pub json: bool,
}
