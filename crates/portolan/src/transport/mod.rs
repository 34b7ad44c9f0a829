//! The configured HTTP client: TLS trust, plain-HTTP policy, proxies, timeouts, body caps
//! and the retry schedule. The only place in the engine that builds a `reqwest::Client`.
//!
//! Registries are reached over HTTPS with the system's trust roots plus any extra CA
//! certificates the user keeps where Docker and Podman look for them
//! (`/etc/docker/certs.d/HOST/`, `~/.config/containers/certs.d/HOST/`,
//! `/etc/containers/certs.d/HOST/`). Plain HTTP is allowed only for loopback hosts and for
//! hosts the user marked insecure. `HTTPS_PROXY`/`NO_PROXY` are honoured by reqwest.

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;

use crate::error::{Error, Result};

pub mod rate_limit;
pub mod retry;

/// How the engine talks HTTP. Cheap to clone.
#[derive(Debug, Clone)]
pub struct TransportOptions {
    /// Hosts (`host` or `host:port`) the user allowed to be reached over plain HTTP.
    pub insecure_hosts: HashSet<String>,
    /// Extra CA certificate files (PEM) per host, on top of the system roots.
    pub extra_ca_files: Vec<(String, PathBuf)>,
    /// Folders holding `HOST/*.crt` CA files, searched in order.
    pub cert_dirs: Vec<PathBuf>,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed between two reads of a response.
    pub read_timeout: Duration,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// Sent as `User-Agent`.
    pub user_agent: String,
}

impl Default for TransportOptions {
    fn default() -> Self {
        let mut cert_dirs = vec![PathBuf::from("/etc/docker/certs.d")];
        if let Some(home) = std::env::var_os("HOME") {
            cert_dirs.push(Path::new(&home).join(".config/containers/certs.d"));
        }
        cert_dirs.push(PathBuf::from("/etc/containers/certs.d"));
        Self {
            insecure_hosts: HashSet::new(),
            extra_ca_files: Vec::new(),
            cert_dirs,
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            user_agent: format!("portolan/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Bounded retries with exponential backoff; `Retry-After` wins when the registry sends it.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled each time.
    pub base_delay: Duration,
    /// No single wait is longer than this, whatever `Retry-After` says.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        retry_after.unwrap_or(backoff).min(self.max_delay)
    }
}

/// Parse `Retry-After`: delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Whether `host` (with or without a port) is a loopback name or address.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = strip_port(host);
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Whether `host` is on this machine or a private network (loopback, RFC 1918 and
/// link-local addresses, `.local` and `.localhost` names): the hosts a user may mark as
/// plain-HTTP registries.
pub fn is_local_host(host: &str) -> bool {
    if is_loopback_host(host) {
        return true;
    }
    let bare = strip_port(host)
        .trim_start_matches('[')
        .trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_private() || ip.is_link_local(),
        Ok(IpAddr::V6(ip)) => {
            (ip.segments()[0] & 0xfe00) == 0xfc00 || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => bare.ends_with(".local") || bare.ends_with(".localhost"),
    }
}

fn strip_port(host: &str) -> &str {
    if host.parse::<IpAddr>().is_ok() {
        return host;
    }
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map(|(h, _)| &host[..h.len() + 1])
            .unwrap_or(host);
    }
    match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

impl TransportOptions {
    /// Whether plain HTTP may be used for `host`.
    pub fn allows_plain_http(&self, host: &str) -> bool {
        is_loopback_host(host)
            || self.insecure_hosts.contains(host)
            || self.insecure_hosts.contains(strip_port(host))
    }

    /// CA files that apply to `host`: configured ones and those in the cert folders.
    pub fn ca_files_for(&self, host: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .extra_ca_files
            .iter()
            .filter(|(h, _)| h == host)
            .map(|(_, p)| p.clone())
            .collect();
        for dir in &self.cert_dirs {
            let Ok(entries) = std::fs::read_dir(dir.join(host)) else {
                continue;
            };
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "crt"))
                .collect();
            found.sort();
            files.extend(found);
        }
        files
    }

    /// A client certificate and key for `host`, found as Docker finds them: `NAME.cert` with
    /// `NAME.key` beside it in a cert folder's `HOST/` (the first pair wins).
    pub fn client_identity_for(&self, host: &str) -> Option<(PathBuf, PathBuf)> {
        for dir in &self.cert_dirs {
            let Ok(entries) = std::fs::read_dir(dir.join(host)) else {
                continue;
            };
            let mut certs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "cert"))
                .collect();
            certs.sort();
            for cert in certs {
                let key = cert.with_extension("key");
                if key.is_file() {
                    return Some((cert, key));
                }
            }
        }
        None
    }

    /// Build the HTTP client for one registry host.
    pub fn build_client(&self, host: &str) -> Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder()
            .user_agent(&self.user_agent)
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            // Redirects are followed by hand so credentials never follow them to another host.
            .redirect(reqwest::redirect::Policy::none());
        for file in self.ca_files_for(host) {
            let pem = std::fs::read(&file).map_err(|e| Error::Configuration {
                what: format!("cannot read CA file {} for {host}", file.display()),
                detail: e.to_string(),
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| Error::Configuration {
                    what: format!("cannot use CA file {} for {host}", file.display()),
                    detail: "it holds no PEM certificate".to_owned(),
                })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
            tracing::debug!(host, file = %file.display(), "trusting extra CA file");
        }
        if let Some((cert, key)) = self.client_identity_for(host) {
            let mut pem = std::fs::read(&cert).map_err(|e| Error::Configuration {
                what: format!("cannot read client certificate {}", cert.display()),
                detail: e.to_string(),
            })?;
            pem.push(b'\n');
            pem.extend(std::fs::read(&key).map_err(|e| Error::Configuration {
                what: format!("cannot read client key {}", key.display()),
                detail: e.to_string(),
            })?);
            let identity = reqwest::Identity::from_pem(&pem).map_err(|e| Error::Configuration {
                what: format!(
                    "{} and {} are not a PEM certificate and key",
                    cert.display(),
                    key.display()
                ),
                detail: e.to_string(),
            })?;
            builder = builder.identity(identity);
            tracing::debug!(host, cert = %cert.display(), "presenting a client certificate");
        }
        builder.build().map_err(|e| Error::Configuration {
            what: format!("cannot set up HTTPS for {host}"),
            detail: e.to_string(),
        })
    }
}

/// Why a capped read stopped.
#[derive(Debug)]
pub enum CappedReadError {
    /// The body is larger than the cap.
    TooLarge,
    /// The connection failed mid-body.
    Transport(reqwest::Error),
}

/// Read a whole body, refusing more than `limit` bytes (checked against `Content-Length`
/// first, then while streaming, since the header can lie or be absent).
pub async fn read_capped(
    response: reqwest::Response,
    limit: u64,
) -> std::result::Result<Vec<u8>, CappedReadError> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(CappedReadError::TooLarge);
    }
    let capacity = response.content_length().unwrap_or(0).min(limit) as usize;
    let mut out = Vec::with_capacity(capacity);
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(CappedReadError::Transport)?;
        if out.len() as u64 + chunk.len() as u64 > limit {
            return Err(CappedReadError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Words for a reqwest failure reaching `registry`, and what the user can do about it
/// (for a registry on this machine or network, that it may not be running; for one out
/// there, that this machine may be offline).
pub fn describe_failure(registry: &str, err: &reqwest::Error) -> (String, String) {
    let chain = error_chain(err);
    let connect_hint = if is_local_host(registry) {
        "Check the host name and port, that the registry is running, and any proxy settings (HTTPS_PROXY/NO_PROXY)".to_owned()
    } else {
        format!("Check your connection (this machine may be offline, or {registry} down) and any proxy settings (HTTPS_PROXY/NO_PROXY)")
    };
    let hint = if is_tls_related(err) {
        "To trust a private CA, put its certificate in /etc/docker/certs.d/HOST/ca.crt or ~/.config/containers/certs.d/HOST/ca.crt"
    } else if err.is_timeout() {
        "The registry did not answer in time: check the network or proxy (HTTPS_PROXY/NO_PROXY)"
    } else if err.is_connect() {
        &connect_hint
    } else {
        "Check the network and try again"
    };
    (chain, hint.to_owned())
}

/// The error for a request to `registry` that got no (whole) answer: `reason` words the
/// HTTP stack's failure in its context (`|r| format!("{r} (while fetching {what})")`).
/// The one place a `reqwest::Error` becomes [`Error::Unreachable`].
pub fn unreachable(
    registry: &str,
    err: &reqwest::Error,
    reason: impl FnOnce(String) -> String,
) -> Error {
    let (what_failed, hint) = describe_failure(registry, err);
    Error::Unreachable {
        registry: registry.to_owned(),
        reason: reason(what_failed),
        hint,
        tls: is_tls_related(err),
    }
}

/// Whether a failed request may be retried (the request never got an answer, and not
/// because a certificate was refused: that will not change by trying again).
pub fn is_retryable_failure(err: &reqwest::Error) -> bool {
    (err.is_connect() || err.is_timeout() || err.is_request() || err.is_body())
        && !is_tls_failure(err)
}

/// Whether an HTTPS attempt failed because the server does not speak TLS at all: nothing
/// listens on the TLS port, or what answers is not TLS (a plain-HTTP server). Only then may
/// a host marked insecure be tried over plain HTTP; an untrusted or invalid certificate is
/// never such a case.
pub fn speaks_no_tls(err: &reqwest::Error) -> bool {
    let chain = error_chain(err).to_lowercase();
    if chain.contains("certificate") || chain.contains("unknownissuer") {
        return false;
    }
    chain.contains("connection refused")
        || chain.contains("invalidcontenttype")
        || chain.contains("corrupt message")
        || chain.contains("wrong version number")
        || chain.contains("http request to an https server")
        // A server that hangs up on a ClientHello without a TLS alert.
        || chain.contains("handshake eof")
}

fn error_chain(err: &reqwest::Error) -> String {
    let mut chain = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

/// Whether a failure is a TLS problem for the user to fix (what [`describe_failure`] gives a
/// certificate hint for, and what [`Error::Unreachable`]'s `tls` records).
pub fn is_tls_related(err: &reqwest::Error) -> bool {
    is_tls_failure(err) || error_chain(err).to_lowercase().contains("ssl")
}

/// Whether a failure came from TLS (an untrusted or invalid certificate, a handshake).
pub fn is_tls_failure(err: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(s) = source {
        let text = s.to_string().to_lowercase();
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_insecure_policy() {
        let mut o = TransportOptions::default();
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:5000",
            "::1",
        ] {
            assert!(o.allows_plain_http(h), "{h}");
        }
        for h in [
            "ghcr.io",
            "10.0.0.1:5000",
            "localhost.evil.com",
            "127.0.0.1.nip.io",
        ] {
            assert!(!o.allows_plain_http(h), "{h}");
        }
        for h in [
            "192.168.1.5:5000",
            "10.1.2.3",
            "registry.local",
            "app.localhost:8080",
            "[fd00::1]:5000",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in ["ghcr.io", "8.8.8.8", "registry.example.com"] {
            assert!(!is_local_host(h), "{h}");
        }
        o.insecure_hosts.insert("myreg.lan".into());
        assert!(o.allows_plain_http("myreg.lan:5000"));
    }

    #[test]
    fn retry_after_and_backoff() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, None), Duration::from_millis(250));
        assert_eq!(p.delay(3, None), Duration::from_millis(1000));
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn finds_ca_files_like_docker() {
        let dir = tempfile::tempdir().expect("tempdir");
        let host_dir = dir.path().join("reg.example:5000");
        std::fs::create_dir_all(&host_dir).expect("mkdir");
        std::fs::write(host_dir.join("ca.crt"), "x").expect("write");
        std::fs::write(host_dir.join("client.key"), "x").expect("write");
        let o = TransportOptions {
            cert_dirs: vec![dir.path().to_path_buf()],
            ..TransportOptions::default()
        };
        assert_eq!(
            o.ca_files_for("reg.example:5000"),
            vec![host_dir.join("ca.crt")]
        );
        assert!(o.ca_files_for("other").is_empty());
        assert_eq!(
            o.client_identity_for("reg.example:5000"),
            None,
            "a key without a .cert is no identity"
        );
        std::fs::write(host_dir.join("client.cert"), "x").expect("write");
        assert_eq!(
            o.client_identity_for("reg.example:5000"),
            Some((host_dir.join("client.cert"), host_dir.join("client.key")))
        );
        // A file that is not PEM gives a clear error naming it.
        let err = o.build_client("reg.example:5000").expect_err("bad pem");
        assert!(err.to_string().contains("ca.crt"), "{err}");
    }
}
