//! Debian's `docker-registry` (distribution 2.8), started per test on a free loopback port
//! with its own temporary storage, in one of three auth modes.
//!
//! The process is killed when the [`TestRegistry`] is dropped, panics included.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;

use crate::token_server::{TokenServer, ISSUER, SERVICE};
use crate::{free_port, require_program};

/// How the registry authenticates.
pub enum Auth {
    /// Anyone may pull and push.
    None,
    /// HTTP Basic against an htpasswd file with these users.
    Htpasswd(Vec<(String, String)>),
    /// Bearer tokens from a token server in this process, knowing these users.
    Token(Vec<(String, String)>),
}

/// How the registry is reached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// Plain HTTP.
    Plain,
    /// HTTPS.
    Tls,
    /// HTTPS, and the client must present a certificate.
    MutualTls,
}

/// A running registry.
pub struct TestRegistry {
    /// `127.0.0.1:PORT`: the registry host as references name it.
    pub host: String,
    /// The token server, in token mode.
    pub token_server: Option<TokenServer>,
    /// The CA that signed the registry's certificate, when it serves HTTPS.
    pub ca_pem: Option<Vec<u8>>,
    /// A client certificate and key the registry accepts, when it requires one.
    pub client_identity: Option<(Vec<u8>, Vec<u8>)>,
    admin: Option<(String, String)>,
    child: Child,
    dir: tempfile::TempDir,
}

impl TestRegistry {
    /// Start a registry; panics (loudly) when `docker-registry` is missing.
    pub fn start(auth: Auth) -> Self {
        Self::start_with(auth, true)
    }

    /// Start a registry that allows deletes or not.
    pub fn start_with(auth: Auth, deletes: bool) -> Self {
        Self::start_full(auth, deletes, Wire::Plain)
    }

    /// Start a registry that serves HTTPS only, with a certificate from a test CA.
    pub fn start_tls(auth: Auth) -> Self {
        Self::start_full(auth, true, Wire::Tls)
    }

    /// Start an HTTPS registry that also requires a client certificate from the test CA.
    pub fn start_mutual_tls(auth: Auth) -> Self {
        Self::start_full(auth, true, Wire::MutualTls)
    }

    fn start_full(auth: Auth, deletes: bool, wire: Wire) -> Self {
        let binary = require_program("docker-registry");
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let host = format!("127.0.0.1:{port}");
        let mut auth_yaml = String::new();
        let mut token_server = None;
        let mut admin = None;
        match &auth {
            Auth::None => {}
            Auth::Htpasswd(users) => {
                let htpasswd = require_program("htpasswd");
                let mut lines = String::new();
                for (u, p) in users {
                    let out = Command::new(&htpasswd)
                        .args(["-Bbn", u, p])
                        .output()
                        .expect("htpasswd");
                    assert!(out.status.success(), "htpasswd failed");
                    lines.push_str(String::from_utf8_lossy(&out.stdout).trim());
                    lines.push('\n');
                }
                let path = dir.path().join("htpasswd");
                std::fs::write(&path, lines).expect("write htpasswd");
                auth_yaml = format!(
                    "auth:\n  htpasswd:\n    realm: portolan-test\n    path: {}\n",
                    path.display()
                );
                admin = users.first().cloned();
            }
            Auth::Token(users) => {
                let pairs: Vec<(&str, &str)> = users
                    .iter()
                    .map(|(u, p)| (u.as_str(), p.as_str()))
                    .collect();
                let server = TokenServer::start(&pairs);
                let cert = dir.path().join("token.crt");
                std::fs::write(&cert, &server.cert_pem).expect("write cert");
                auth_yaml = format!(
                    "auth:\n  token:\n    realm: {}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {}\n",
                    server.realm,
                    cert.display()
                );
                token_server = Some(server);
            }
        }
        let mut ca_pem = None;
        let mut client_identity = None;
        let mut tls_yaml = String::new();
        if wire != Wire::Plain {
            let made = crate::tls::make();
            std::fs::write(dir.path().join("server.crt"), &made.cert_pem).expect("cert");
            std::fs::write(dir.path().join("server.key"), &made.key_pem).expect("key");
            tls_yaml = format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                dir.path().join("server.crt").display(),
                dir.path().join("server.key").display()
            );
            if wire == Wire::MutualTls {
                std::fs::write(dir.path().join("client-ca.crt"), &made.ca_pem).expect("ca");
                tls_yaml.push_str(&format!(
                    "    clientcas:\n      - {}\n",
                    dir.path().join("client-ca.crt").display()
                ));
                client_identity = Some((made.client_cert_pem, made.client_key_pem));
            }
            ca_pem = Some(made.ca_pem);
        }
        // Foreign layers may name URLs on this machine only (Docker Hub allows Microsoft's
        // hosts the same way).
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: {deletes}\nvalidation:\n  manifests:\n    urls:\n      allow:\n        - '^https?://127\\.0\\.0\\.1[:/]'\nhttp:\n  addr: {host}\n  secret: portolan-test-only\n{tls_yaml}{auth_yaml}",
            dir.path().join("data").display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).expect("write config");
        let log = std::fs::File::create(dir.path().join("registry.log")).expect("log file");
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        let registry = Self {
            host,
            token_server,
            ca_pem,
            client_identity,
            admin,
            child,
            dir,
        };
        registry.wait_ready();
        registry
    }

    /// Stop the registry (what a registry that went down looks like to a client).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Start it again, on the same address with the same storage, and wait until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.path().join("registry.log"))
            .expect("log file");
        self.child = Command::new(require_program("docker-registry"))
            .arg("serve")
            .arg(self.dir.path().join("config.yml"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = format!("{}/v2/", self.base_url());
        let client = self.http_client();
        while Instant::now() < deadline {
            if client.get(&url).send().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let log = std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default();
        panic!("docker-registry did not start on {}:\n{log}", self.host);
    }

    /// `http://127.0.0.1:PORT` (or `https://`).
    pub fn base_url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.host)
    }

    /// A blocking HTTP client that trusts this registry (for fixtures).
    pub fn http_client(&self) -> reqwest::blocking::Client {
        let mut b = reqwest::blocking::Client::builder();
        if let Some(pem) = &self.ca_pem {
            b = b.add_root_certificate(reqwest::Certificate::from_pem(pem).expect("ca"));
        }
        if let Some((cert, key)) = &self.client_identity {
            let mut pem = cert.clone();
            pem.extend_from_slice(key);
            b = b.identity(reqwest::Identity::from_pem(&pem).expect("client identity"));
        }
        b.build().expect("client")
    }

    /// An `Authorization` header value with full rights on `repositories` (for seeding).
    pub fn admin_authorization(&self, repositories: &[&str]) -> Option<String> {
        if let Some(server) = &self.token_server {
            return Some(format!("Bearer {}", server.admin_token(repositories)));
        }
        self.admin.as_ref().map(|(u, p)| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        })
    }

    /// The registry's storage folder.
    pub fn storage(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A scratch folder that lives as long as the registry.
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// A reference string for `repository:tag` on this registry.
    pub fn reference(&self, repository_and_tag: &str) -> String {
        format!("{}/{repository_and_tag}", self.host)
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
