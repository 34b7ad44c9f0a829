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

/// A running registry.
pub struct TestRegistry {
    /// `127.0.0.1:PORT`: the registry host as references name it.
    pub host: String,
    /// The token server, in token mode.
    pub token_server: Option<TokenServer>,
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
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: {deletes}\nhttp:\n  addr: {host}\n  secret: portolan-test-only\n{auth_yaml}",
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
            admin,
            child,
            dir,
        };
        registry.wait_ready();
        registry
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = format!("http://{}/v2/", self.host);
        let client = reqwest::blocking::Client::new();
        while Instant::now() < deadline {
            if client.get(&url).send().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let log = std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default();
        panic!("docker-registry did not start on {}:\n{log}", self.host);
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.host)
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
