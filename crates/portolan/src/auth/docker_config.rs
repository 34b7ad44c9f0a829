//! The user's existing Docker login: `~/.docker/config.json` (or `$DOCKER_CONFIG`) and the
//! `docker-credential-*` helper protocol.
//!
//! Read-only: Portolan never writes Docker's files or helpers. Lookup follows docker/cli:
//! `credHelpers[host]`, then `credsStore`, then `auths`. Docker Hub is keyed as
//! `https://index.docker.io/v1/`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;

use crate::auth::credential::{Credential, CredentialKind, CredentialSource, Secret};
use crate::error::{Error, Result};
use crate::reference::DOCKER_HUB;

/// The key Docker uses for Docker Hub in config files and helper calls.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// A parsed Docker config file.
#[derive(Debug, Clone, Default)]
pub struct DockerConfig {
    path: PathBuf,
    auths: HashMap<String, AuthEntry>,
    creds_store: Option<String>,
    cred_helpers: HashMap<String, String>,
}

#[derive(Clone, Default, serde::Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

impl std::fmt::Debug for AuthEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthEntry(***)")
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileShape {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
}

impl DockerConfig {
    /// Where Docker keeps its config: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
            return Some(Path::new(&dir).join("config.json"));
        }
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker/config.json"))
    }

    /// Load the default config; a missing file is an empty config.
    pub fn load_default() -> Result<Self> {
        match Self::default_path() {
            Some(p) => Self::load(&p),
            None => Ok(Self::default()),
        }
    }

    /// Load a config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    path: path.to_path_buf(),
                    ..Self::default()
                })
            }
            Err(e) => {
                return Err(Error::Configuration {
                    what: format!("cannot read {}", path.display()),
                    detail: e.to_string(),
                })
            }
        };
        let shape: FileShape =
            serde_json::from_slice(&bytes).map_err(|e| Error::Configuration {
                what: format!("{} is not valid Docker config JSON", path.display()),
                detail: e.to_string(),
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            auths: shape.auths,
            creds_store: shape.creds_store.filter(|s| !s.is_empty()),
            cred_helpers: shape.cred_helpers,
        })
    }

    /// The file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The credential Docker would use for `registry`, if any.
    pub fn credential_for(&self, registry: &str) -> Result<Option<Credential>> {
        let server = server_key(registry);
        let helper = self
            .cred_helpers
            .get(registry)
            .or_else(|| self.cred_helpers.get(&server))
            .or(self.creds_store.as_ref());
        if let Some(helper) = helper {
            return helper_get(helper, registry, &server);
        }
        let entry = self
            .auths
            .iter()
            .find(|(key, _)| key_matches(key, registry))
            .map(|(_, e)| e);
        let Some(entry) = entry else { return Ok(None) };
        let source = CredentialSource::DockerConfig(self.path.display().to_string());
        if let Some(token) = entry.identitytoken.as_ref().filter(|t| !t.is_empty()) {
            let username = entry
                .auth
                .as_deref()
                .and_then(|a| decode_auth(a).ok())
                .map(|(u, _)| u)
                .or(entry.username.clone())
                .unwrap_or_else(|| "<token>".to_owned());
            return Ok(Some(Credential {
                username,
                secret: Secret::new(token.clone()),
                kind: CredentialKind::IdentityToken,
                source,
            }));
        }
        let (username, password) = match (&entry.auth, &entry.username, &entry.password) {
            (Some(auth), _, _) if !auth.is_empty() => {
                decode_auth(auth).map_err(|detail| Error::Credentials {
                    registry: registry.to_owned(),
                    source_name: self.path.display().to_string(),
                    detail,
                })?
            }
            (_, Some(u), Some(p)) => (u.clone(), p.clone()),
            _ => return Ok(None),
        };
        Ok(Some(Credential {
            username,
            secret: Secret::new(password),
            kind: CredentialKind::Password,
            source,
        }))
    }
}

/// The server URL Docker uses for `registry` in `auths` and helper calls.
fn server_key(registry: &str) -> String {
    if registry == DOCKER_HUB {
        DOCKER_HUB_KEY.to_owned()
    } else {
        registry.to_owned()
    }
}

/// Whether an `auths` key (`https://host/v1/`, `host`, `http://host`) names `registry`.
fn key_matches(key: &str, registry: &str) -> bool {
    let host = key
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let host = match host {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => DOCKER_HUB,
        h => h,
    };
    host == registry
}

fn decode_auth(auth: &str) -> std::result::Result<(String, String), String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .map_err(|_| "the \"auth\" field is not base64".to_owned())?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the \"auth\" field is not UTF-8".to_owned())?;
    let (u, p) = text
        .split_once(':')
        .ok_or_else(|| "the \"auth\" field is not user:password".to_owned())?;
    Ok((u.to_owned(), p.to_owned()))
}

/// Run `docker-credential-HELPER get` with the server URL on stdin.
fn helper_get(helper: &str, registry: &str, server: &str) -> Result<Option<Credential>> {
    let program = format!("docker-credential-{helper}");
    let fail = |detail: String| Error::Credentials {
        registry: registry.to_owned(),
        source_name: program.clone(),
        detail,
    };
    let _span = tracing::debug_span!("credential_helper", helper, registry).entered();
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run it ({e}); is it installed and on PATH?")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .map_err(|e| fail(format!("cannot write to it: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| fail(format!("it failed: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if said.to_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        // Helpers print their own message; it never holds the secret (that is only on success).
        return Err(fail(format!(
            "it exited with {}: {}",
            out.status,
            said.trim()
        )));
    }
    #[derive(serde::Deserialize)]
    struct HelperAnswer {
        #[serde(rename = "Username", default)]
        username: String,
        #[serde(rename = "Secret", default)]
        secret: String,
    }
    let answer: HelperAnswer = serde_json::from_slice(&out.stdout).map_err(|_| {
        fail("it printed something that is not the helper protocol's JSON".to_owned())
    })?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    let kind = if answer.username == "<token>" {
        CredentialKind::IdentityToken
    } else {
        CredentialKind::Password
    };
    Ok(Some(Credential {
        username: answer.username,
        secret: Secret::new(answer.secret),
        kind,
        source: CredentialSource::DockerHelper(program),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, body: &str) -> DockerConfig {
        let p = dir.join("config.json");
        std::fs::write(&p, body).expect("write");
        DockerConfig::load(&p).expect("load")
    }

    #[test]
    fn auths_by_host_and_hub_key() {
        let dir = tempfile::tempdir().expect("tmp");
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let cfg = write(
            dir.path(),
            &format!(
                r#"{{"auths":{{"https://index.docker.io/v1/":{{"auth":"{}"}},"ghcr.io":{{"auth":"{}"}},"https://reg.lan:5000":{{"identitytoken":"refresh-xyz","auth":"{}"}}}}}}"#,
                b64("hubuser:hubpass"),
                b64("octo:ghp_token:with:colons"),
                b64("tok:")
            ),
        );
        let hub = cfg.credential_for("docker.io").expect("ok").expect("hub");
        assert_eq!(
            (hub.username.as_str(), hub.secret.expose()),
            ("hubuser", "hubpass")
        );
        assert!(hub.source.is_read_only());
        let gh = cfg.credential_for("ghcr.io").expect("ok").expect("ghcr");
        assert_eq!(gh.secret.expose(), "ghp_token:with:colons");
        let lan = cfg
            .credential_for("reg.lan:5000")
            .expect("ok")
            .expect("lan");
        assert_eq!(lan.kind, CredentialKind::IdentityToken);
        assert_eq!(lan.secret.expose(), "refresh-xyz");
        assert!(cfg.credential_for("quay.io").expect("ok").is_none());
    }

    #[test]
    fn missing_file_is_empty_and_bad_json_is_an_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let cfg = DockerConfig::load(&dir.path().join("nope.json")).expect("missing is fine");
        assert!(cfg.credential_for("ghcr.io").expect("ok").is_none());
        std::fs::write(dir.path().join("bad.json"), "{").expect("write");
        let err = DockerConfig::load(&dir.path().join("bad.json")).expect_err("bad json");
        assert!(err.to_string().contains("bad.json"));
    }

    #[cfg(unix)]
    #[test]
    fn credential_helper_protocol() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        // A helper that knows one server, as docker-credential-pass would.
        let helper = dir.path().join("docker-credential-portolantest");
        std::fs::write(
            &helper,
            "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\nif [ \"$server\" = \"https://index.docker.io/v1/\" ]; then\n  printf '{\"ServerURL\":\"%s\",\"Username\":\"hub-helper-user\",\"Secret\":\"s3cret\"}' \"$server\"\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n",
        )
        .expect("write helper");
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = format!(
            "{}:{}",
            dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        // The helper is found on PATH; set it for this process only through a wrapper call.
        let cfg = write(
            dir.path(),
            r#"{"credsStore":"portolantest","auths":{"ghcr.io":{}}}"#,
        );
        let got = temp_env_path(&path, || cfg.credential_for("docker.io"));
        let c = got.expect("ok").expect("found");
        assert_eq!(c.username, "hub-helper-user");
        assert_eq!(c.secret.expose(), "s3cret");
        assert_eq!(
            c.source,
            CredentialSource::DockerHelper("docker-credential-portolantest".into())
        );
        let none = temp_env_path(&path, || cfg.credential_for("ghcr.io"));
        assert!(none.expect("ok").is_none());
        // A helper that is not installed is a clear error.
        let cfg = write(
            dir.path(),
            r#"{"credHelpers":{"quay.io":"does-not-exist"}}"#,
        );
        let err = cfg.credential_for("quay.io").expect_err("missing helper");
        assert!(
            err.to_string().contains("docker-credential-does-not-exist"),
            "{err}"
        );
    }

    /// PATH is process-wide; tests in this module are the only ones that change it.
    fn temp_env_path<T>(path: &str, f: impl FnOnce() -> T) -> T {
        static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let old = std::env::var_os("PATH");
        std::env::set_var("PATH", path);
        let out = f();
        if let Some(old) = old {
            std::env::set_var("PATH", old);
        }
        out
    }
}
