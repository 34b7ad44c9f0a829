//! Whether and how TLS is spoken to an engine reached over TCP, decided by Docker's own
//! rules, and the refusal of a plain connection to another machine.
//!
//! - `DOCKER_HOST` (or a socket from the settings): TLS when `DOCKER_TLS_VERIFY` is set to
//!   anything non-empty (the engine's certificate checked), or `DOCKER_TLS` (not
//!   checked); the files are `ca.pem`, `cert.pem` and `key.pem` in `DOCKER_CERT_PATH`,
//!   else Docker's config folder (`~/.docker`). `https://` asks for TLS too.
//! - A Docker context: its TLS files are in
//!   `contexts/tls/<sha256 of its name>/docker/`, and its `meta.json` may say
//!   `SkipTLSVerify`; either one means TLS.
//!
//! A `ca.pem` is trusted besides the system's roots; a client certificate is presented
//! when both `cert.pem` and `key.pem` are there. Without TLS, an engine API on another
//! machine answers anyone on the network path with full control of that machine's
//! containers, so a plain `tcp://` that is not loopback is refused unless the user says
//! otherwise with [`ALLOW_PLAIN_ENV`].

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::local_engine::discover::EngineSocket;

/// The variable that allows a plain (unencrypted, unauthenticated) `tcp://` engine on
/// another machine: `PORTOLAN_ALLOW_PLAIN_ENGINE=1`.
pub const ALLOW_PLAIN_ENV: &str = "PORTOLAN_ALLOW_PLAIN_ENGINE";

/// TLS to an engine, as Docker's client sets it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineTls {
    /// A CA certificate to trust besides the system's (`ca.pem`), when there is one.
    pub ca: Option<PathBuf>,
    /// A client certificate and its key (`cert.pem`, `key.pem`), when both are there.
    pub identity: Option<(PathBuf, PathBuf)>,
    /// Whether the engine's certificate is checked (not for a context's `SkipTLSVerify`,
    /// nor for `DOCKER_TLS` without `DOCKER_TLS_VERIFY`).
    pub verify: bool,
}

impl EngineTls {
    /// TLS with the files found in `dir` (`ca.pem`, `cert.pem`, `key.pem`).
    pub fn from_dir(dir: &Path, verify: bool) -> Self {
        let file = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
        Self {
            ca: file("ca.pem"),
            identity: file("cert.pem").zip(file("key.pem")),
            verify,
        }
    }
}

/// What the process environment says about TLS to engines (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsEnv {
    /// `DOCKER_TLS_VERIFY` is set to something.
    pub verify: bool,
    /// `DOCKER_TLS` is set to something.
    pub tls: bool,
    /// Where the certificates are: `DOCKER_CERT_PATH`, else Docker's config folder.
    pub cert_path: Option<PathBuf>,
    /// [`ALLOW_PLAIN_ENV`] is set (to anything but `0`).
    pub allow_plain: bool,
}

impl TlsEnv {
    /// This process's, with `docker_config` as the certificates' default folder.
    pub fn of_process(docker_config: Option<&Path>) -> Self {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        Self {
            verify: set("DOCKER_TLS_VERIFY"),
            tls: set("DOCKER_TLS"),
            cert_path: std::env::var_os("DOCKER_CERT_PATH")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| docker_config.map(Path::to_owned)),
            allow_plain: std::env::var_os(ALLOW_PLAIN_ENV)
                .is_some_and(|v| !v.is_empty() && v != "0"),
        }
    }

    /// TLS for `host` (from `DOCKER_HOST` or the settings), or `None` for plain.
    pub fn for_host(&self, host: &str) -> Option<EngineTls> {
        if !is_tcp(host) {
            return None;
        }
        let verify = self.verify || (!self.tls && host.starts_with("https://"));
        if !(self.verify || self.tls || host.starts_with("https://")) {
            return None;
        }
        Some(match &self.cert_path {
            Some(dir) => EngineTls::from_dir(dir, verify),
            None => EngineTls {
                ca: None,
                identity: None,
                verify,
            },
        })
    }
}

/// TLS for a Docker context whose TLS files would be in `dir` and whose endpoint says
/// `skip_verify`, for `host`; `None` for plain (no files, no `SkipTLSVerify`).
pub fn for_context(host: &str, dir: &Path, skip_verify: bool) -> Option<EngineTls> {
    if !is_tcp(host) {
        return None;
    }
    let tls = EngineTls::from_dir(dir, !skip_verify);
    (tls.ca.is_some() || tls.identity.is_some() || skip_verify).then_some(tls)
}

/// Whether `host` is reached over TCP (`tcp://`, `http://`, `https://`).
pub fn is_tcp(host: &str) -> bool {
    ["tcp://", "http://", "https://"]
        .iter()
        .any(|s| host.starts_with(s))
}

/// `host:port` of a TCP engine address (`tcp://host:port/path`).
pub fn authority(host: &str) -> &str {
    let rest = host.split_once("://").map_or(host, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// An error when `socket` would be spoken to in plain TCP on another machine without the
/// user's explicit leave.
pub fn check_plain(socket: &EngineSocket) -> Result<()> {
    if !is_tcp(&socket.host)
        || socket.tls.is_some()
        || socket.allow_plain
        || crate::transport::is_loopback_host(authority(&socket.host))
    {
        return Ok(());
    }
    Err(Error::Engine {
        engine: format!("the engine at {} ({})", socket.host, socket.found_by),
        detail: "it would be reached without TLS on another machine: anyone on the network \
                 path could read and control it"
            .to_owned(),
        hint: format!(
            "use TLS (DOCKER_TLS_VERIFY=1, with ca.pem, cert.pem and key.pem in \
             DOCKER_CERT_PATH or ~/.docker), an ssh tunnel to a local socket, or, to accept \
             a plain connection anyway, set {ALLOW_PLAIN_ENV}=1"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path, names: &[&str]) {
        std::fs::create_dir_all(dir).expect("mkdir");
        for name in names {
            std::fs::write(dir.join(name), "pem").expect("write");
        }
    }

    #[test]
    fn the_environment_chooses_tls_as_dockers_client_does() {
        let dir = tempfile::tempdir().expect("temp dir");
        let certs = dir.path().join("certs");
        files(&certs, &["ca.pem", "cert.pem", "key.pem"]);
        let host = "tcp://10.1.2.3:2376";
        let env = |verify, tls| TlsEnv {
            verify,
            tls,
            cert_path: Some(certs.clone()),
            allow_plain: false,
        };
        assert_eq!(env(false, false).for_host(host), None, "no variable: plain");
        let verified = env(true, false).for_host(host).expect("tls");
        assert_eq!(
            verified,
            EngineTls {
                ca: Some(certs.join("ca.pem")),
                identity: Some((certs.join("cert.pem"), certs.join("key.pem"))),
                verify: true,
            }
        );
        let unchecked = env(false, true).for_host(host).expect("tls");
        assert!(!unchecked.verify, "DOCKER_TLS alone does not check");
        assert!(env(true, true).for_host(host).expect("tls").verify);
        assert!(
            env(false, false)
                .for_host("https://10.1.2.3:2376")
                .expect("tls")
                .verify
        );
        assert_eq!(
            env(true, false).for_host("unix:///run/docker.sock"),
            None,
            "a socket has no TLS"
        );

        // A key without its certificate is no identity; a missing CA is the system's.
        let partial = dir.path().join("partial");
        files(&partial, &["key.pem"]);
        let tls = TlsEnv {
            verify: true,
            cert_path: Some(partial),
            ..TlsEnv::default()
        }
        .for_host(host)
        .expect("tls");
        assert_eq!((tls.ca, tls.identity), (None, None));
    }

    #[test]
    fn a_context_uses_tls_when_it_has_files_or_skips_verification() {
        let dir = tempfile::tempdir().expect("temp dir");
        let host = "tcp://10.1.2.3:2376";
        let none = dir.path().join("none");
        assert_eq!(for_context(host, &none, false), None);
        let skipped = for_context(host, &none, true).expect("tls");
        assert!(!skipped.verify);
        let with = dir.path().join("with");
        files(&with, &["ca.pem"]);
        let tls = for_context(host, &with, false).expect("tls");
        assert_eq!(tls.ca, Some(with.join("ca.pem")));
        assert!(tls.verify);
        assert_eq!(for_context("unix:///x.sock", &with, true), None);
    }

    #[test]
    fn plain_tcp_to_another_machine_is_refused_unless_allowed() {
        let socket = |host: &str| EngineSocket::at(host, "DOCKER_HOST");
        let refused = check_plain(&socket("tcp://10.1.2.3:2375")).expect_err("refused");
        let text = refused.to_string();
        assert!(text.contains("without TLS"), "{text}");
        assert!(text.contains("DOCKER_TLS_VERIFY=1"), "{text}");
        assert!(text.contains("PORTOLAN_ALLOW_PLAIN_ENGINE=1"), "{text}");
        assert!(check_plain(&socket("tcp://engine.example.com:2375")).is_err());
        assert!(check_plain(&socket("http://10.1.2.3:2375/")).is_err());
        for fine in [
            "tcp://127.0.0.1:2375",
            "tcp://localhost:2375",
            "tcp://[::1]:2375",
            "unix:///run/docker.sock",
        ] {
            assert!(check_plain(&socket(fine)).is_ok(), "{fine}");
        }
        let allowed = EngineSocket {
            allow_plain: true,
            ..socket("tcp://10.1.2.3:2375")
        };
        assert!(check_plain(&allowed).is_ok());
        let with_tls = EngineSocket {
            tls: Some(EngineTls {
                ca: None,
                identity: None,
                verify: true,
            }),
            ..socket("tcp://10.1.2.3:2376")
        };
        assert!(check_plain(&with_tls).is_ok());
    }
}
