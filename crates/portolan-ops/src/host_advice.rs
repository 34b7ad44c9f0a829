//! What the UI needs to know about a host the user types, so it keeps no rules of its own:
//! the host as Portolan will name it, whether it is on this machine or a private network,
//! and what to say before offering plain HTTP for it.

use portolan::reference::normalize_registry;
use portolan::transport::{is_local_host, is_loopback_host};

/// What Portolan makes of a host the user typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HostAdvice {
    /// The host as Portolan names it (`localhost:5000`, `docker.io`), when it is one.
    pub host: Option<String>,
    /// Why it is not a host, when it is not.
    pub problem: Option<String>,
    /// On this machine: plain HTTP is always tried when it does not speak TLS.
    pub loopback: bool,
    /// On this machine or a private network.
    pub local: bool,
    /// What to say when the user allows plain HTTP for it (a host that is not loopback).
    pub plain_http_warning: Option<String>,
}

/// The host as Portolan names it (`localhost:5000`, `docker.io`) for `input` (a host,
/// `host:port`, or a URL), or why it is not one.
pub fn registry_host(input: &str) -> portolan::Result<String> {
    Ok(normalize_registry(input)?)
}

/// Whether `host` is on this machine or a private network (so advice about a failure can
/// ask "is it running?" rather than "are you offline?").
pub fn is_local(host: &str) -> bool {
    is_local_host(host)
}

/// What to say about registry `host` when plain HTTP is allowed for it (`insecure`):
/// nothing for a host on this machine, where plain HTTP is tried anyway.
pub fn plain_http_warning(host: &str, insecure: bool) -> Option<String> {
    (insecure && !is_loopback_host(host)).then(|| crate::setup::insecure_warning(host))
}

/// Advice for `input` (a host, `host:port`, or a URL).
pub fn advise(input: &str) -> HostAdvice {
    match normalize_registry(input) {
        Ok(host) => {
            let loopback = is_loopback_host(&host);
            HostAdvice {
                loopback,
                local: is_local_host(&host),
                plain_http_warning: (!loopback).then(|| crate::setup::insecure_warning(&host)),
                host: Some(host),
                problem: None,
            }
        }
        Err(e) => HostAdvice {
            host: None,
            problem: Some(e.to_string()),
            loopback: false,
            local: false,
            plain_http_warning: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_means_local() {
        assert!(advise("localhost:5000").loopback);
        assert!(advise("http://127.0.0.1:5000/").loopback);
        let lan = advise("192.168.1.5:5000");
        assert!(lan.local && !lan.loopback && lan.plain_http_warning.is_some());
        // The UI's old regex took this for a local host.
        let evil = advise("localhost.evil.com");
        assert!(!evil.local && !evil.loopback);
        assert!(advise("not a host!").problem.is_some());
    }
}
