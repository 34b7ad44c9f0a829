//! Which origins a registry's requests may reach, and with what.
//!
//! A registry hands us URLs of its choosing: upload `Location`s, redirects to blob
//! storage, `Link` pages, a token realm. Three rules keep a hostile or misconfigured one
//! from turning them against the user:
//!
//! - **No downgrade.** Once a registry is reached over HTTPS, no request made for it goes
//!   over plain HTTP, whoever named the URL.
//! - **Credentials stay home.** The registry's `Authorization` (Basic or its bearer token)
//!   goes only to its own origin (scheme, host and port). The token realm is the one
//!   exception, and [`crate::auth::token::check_realm`] guards it.
//! - **Trust is per host.** Extra CA certificates and client certificates configured for a
//!   host (`certs.d/HOST/`, `--ca-file`) are used only for connections to that host: each
//!   other host (a realm, a CDN, an upload host) gets a client with the system roots and
//!   its own `certs.d` entry, if any. rustls has no per-connection trust store in reqwest,
//!   so this is done with one `reqwest::Client` per host, built on first use and kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::transport::TransportOptions;

/// `host` or `host:port` of a URL, as `certs.d` folders and `--insecure` name hosts (the
/// port only when it is not the scheme's default).
pub fn authority(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Refuse a request to `to` for a registry reached at `base` when it would leave HTTPS.
pub fn check_no_downgrade(
    registry: &str,
    base: &url::Url,
    to: &url::Url,
    what: &str,
) -> Result<()> {
    if base.scheme() == "https" && to.scheme() != "https" {
        return Err(Error::InsecureDowngrade {
            registry: registry.to_owned(),
            what: what.to_owned(),
            target: to.origin().ascii_serialization(),
        });
    }
    Ok(())
}

/// Whether `url` is on the registry's own origin (and may carry its credentials).
pub fn is_own_origin(base: &url::Url, url: &url::Url) -> bool {
    base.origin() == url.origin()
}

/// HTTP clients per host, each trusting only what was configured for that host.
pub struct HostClients {
    options: Arc<TransportOptions>,
    clients: Mutex<HashMap<String, reqwest::Client>>,
}

impl HostClients {
    /// A set holding `home`'s client, built already (so a bad CA file fails early).
    pub fn new(options: Arc<TransportOptions>, home: &str) -> Result<Self> {
        let client = options.build_client(home)?;
        let mut clients = HashMap::new();
        clients.insert(home.to_owned(), client);
        Ok(Self {
            options,
            clients: Mutex::new(clients),
        })
    }

    /// The client for the host of `url`.
    pub fn for_url(&self, url: &url::Url) -> Result<reqwest::Client> {
        self.for_host(&authority(url))
    }

    /// The client for `host` (`host` or `host:port`).
    pub fn for_host(&self, host: &str) -> Result<reqwest::Client> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = clients.get(host) {
            return Ok(c.clone());
        }
        let client = self.options.build_client(host)?;
        clients.insert(host.to_owned(), client.clone());
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> url::Url {
        url::Url::parse(s).expect("url")
    }

    #[test]
    fn https_never_goes_to_http() {
        let base = u("https://reg.example/");
        let err = check_no_downgrade(
            "reg.example",
            &base,
            &u("http://reg.example/v2/x"),
            "an upload",
        )
        .expect_err("downgrade");
        assert!(matches!(err, Error::InsecureDowngrade { .. }), "{err}");
        assert_eq!(err.code(), crate::ErrorCode::Insecure);
        assert!(err.to_string().contains("reg.example"), "{err}");
        assert!(err.to_string().contains("http://reg.example"), "{err}");
        assert!(check_no_downgrade("r", &base, &u("https://cdn.example/b"), "b").is_ok());
        // A registry the user allowed plain HTTP for may be sent anywhere it says.
        let plain = u("http://127.0.0.1:5000/");
        assert!(check_no_downgrade("r", &plain, &u("http://127.0.0.1:5000/v2/"), "b").is_ok());
    }

    #[test]
    fn own_origin_is_scheme_host_and_port() {
        let base = u("https://reg.example/");
        assert!(is_own_origin(&base, &u("https://reg.example:443/v2/a?x=1")));
        assert!(!is_own_origin(&base, &u("https://reg.example:8443/v2/")));
        assert!(!is_own_origin(&base, &u("https://evil.example/v2/")));
        assert!(!is_own_origin(&base, &u("http://reg.example/v2/")));
        assert!(!is_own_origin(
            &base,
            &u("https://reg.example.evil.example/v2/")
        ));
    }

    #[test]
    fn authority_names_hosts_as_certs_d_does() {
        assert_eq!(authority(&u("https://reg.example/v2/")), "reg.example");
        assert_eq!(authority(&u("https://reg.example:443/")), "reg.example");
        assert_eq!(
            authority(&u("https://reg.example:5000/")),
            "reg.example:5000"
        );
        assert_eq!(authority(&u("http://[::1]:5000/")), "[::1]:5000");
    }

    #[test]
    fn trust_configured_for_one_host_is_not_used_for_another() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("reg.example")).expect("mkdir");
        // Not PEM: building a client that would trust it fails, which shows where it is used.
        std::fs::write(dir.path().join("reg.example/ca.crt"), "not pem").expect("write");
        let options = Arc::new(TransportOptions {
            cert_dirs: vec![dir.path().to_path_buf()],
            ..TransportOptions::default()
        });
        assert!(HostClients::new(options.clone(), "reg.example").is_err());
        let clients = HostClients::new(options, "other.example").expect("other host");
        assert!(clients.for_host("cdn.example").is_ok());
        assert!(
            clients.for_host("reg.example").is_err(),
            "reg.example's CA is read only for it"
        );
    }
}
