//! One adapter per subcommand: its arguments, then parse → ask the operations layer
//! (`portolan_ops`) → render. Grouped by what they touch: signing in ([`auth`]), reading
//! a registry ([`browse`]), the local engine's images ([`engine`]), moving images
//! ([`transfer`]), changing tags ([`manage`], on ghcr.io through its versions:
//! [`ghcr_untag`]) and removing many at once ([`cleanup`], on ghcr.io by versions: [`version_cleanup`]).

pub mod auth;
pub mod browse;
pub mod cleanup;
pub mod engine;
pub mod files;
pub mod ghcr_untag;
pub mod manage;
pub mod packages;
pub mod supply_chain;
pub mod transfer;
pub mod version_cleanup;

use portolan_ops::Client;

/// What every subcommand gets: the client built from the global flags, and the output
/// format.
pub struct Context {
    /// The engine client.
    pub client: std::sync::Arc<Client>,
    /// `--json`: print JSON instead of text.
    pub json: bool,
}
