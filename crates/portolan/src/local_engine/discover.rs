//! Where the local engine listens, found as Docker's and Podman's clients find it, in this
//! order: `DOCKER_HOST`; the current Docker context (`currentContext` in Docker's
//! `config.json`, whose endpoint is in `contexts/meta/<sha256 of its name>/meta.json`);
//! Docker's socket (`/var/run/docker.sock`); Podman's rootless socket
//! (`$XDG_RUNTIME_DIR/podman/podman.sock`); Podman's system socket
//! (`/run/podman/podman.sock`). An explicit choice (`DOCKER_HOST`, a context) is used even
//! when nothing answers there, so the error names it; the default sockets are tried only
//! when they exist. A TCP address comes with the TLS settings Docker's client would use
//! for it, and whether a plain connection was explicitly allowed (see [`super::tls`]).

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::local_engine::tls::{self, EngineTls, TlsEnv};

/// Where an engine listens, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineSocket {
    /// `unix:///path/to.sock` or `tcp://host:port`.
    pub host: String,
    /// How it was found (`DOCKER_HOST`, `docker context "colima"`, `Podman's rootless
    /// socket`...).
    pub found_by: String,
    /// For a TCP address, the TLS to speak (`None`: plain).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub tls: Option<EngineTls>,
    /// Whether the user allowed a plain TCP connection to another machine.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub allow_plain: bool,
}

impl EngineSocket {
    /// `host`, found by `found_by`, plain (no TLS, nothing allowed).
    pub fn at(host: &str, found_by: &str) -> Self {
        Self {
            host: host.to_owned(),
            found_by: found_by.to_owned(),
            tls: None,
            allow_plain: false,
        }
    }

    /// `host` as the user named it (`DOCKER_HOST`, the settings), with the TLS the
    /// environment `s` says for it.
    pub fn named(host: &str, found_by: &str, s: &Surroundings) -> Self {
        Self {
            tls: s.tls.for_host(host),
            allow_plain: s.tls.allow_plain,
            ..Self::at(host, found_by)
        }
    }
}

/// What discovery looks at (the process environment, or a test's).
#[derive(Debug, Clone, Default)]
pub struct Surroundings {
    /// `DOCKER_HOST`.
    pub docker_host: Option<String>,
    /// `DOCKER_CONTEXT`, which overrides the config's current context.
    pub docker_context: Option<String>,
    /// Docker's config folder (`$DOCKER_CONFIG`, else `~/.docker`).
    pub docker_config: Option<PathBuf>,
    /// `$XDG_RUNTIME_DIR`.
    pub runtime_dir: Option<PathBuf>,
    /// Where the system sockets are (`/` outside tests).
    pub root: PathBuf,
    /// TLS settings from the environment.
    pub tls: TlsEnv,
}

impl Surroundings {
    /// This process's surroundings.
    pub fn of_process() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let docker_config = var("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| Path::new(&h).join(".docker")));
        Self {
            docker_host: var("DOCKER_HOST"),
            docker_context: var("DOCKER_CONTEXT"),
            tls: TlsEnv::of_process(docker_config.as_deref()),
            docker_config,
            runtime_dir: var("XDG_RUNTIME_DIR").map(PathBuf::from),
            root: PathBuf::from("/"),
        }
    }
}

/// The engine to use, or every place that was looked at (for the "no engine" message).
pub fn find(s: &Surroundings) -> Result<EngineSocket, Vec<String>> {
    if let Some(host) = &s.docker_host {
        return Ok(EngineSocket::named(host, "DOCKER_HOST", s));
    }
    if let Some(found) = context_endpoint(s) {
        return Ok(found);
    }
    let mut looked = vec!["DOCKER_HOST (not set)".to_owned()];
    let mut sockets = vec![(
        s.root.join("var/run/docker.sock"),
        "Docker's socket".to_owned(),
    )];
    if let Some(run) = &s.runtime_dir {
        sockets.push((
            run.join("podman/podman.sock"),
            "Podman's rootless socket".to_owned(),
        ));
    }
    sockets.push((
        s.root.join("run/podman/podman.sock"),
        "Podman's system socket".to_owned(),
    ));
    for (path, name) in sockets {
        if path.exists() {
            return Ok(EngineSocket::at(
                &format!("unix://{}", path.display()),
                &name,
            ));
        }
        looked.push(path.display().to_string());
    }
    Err(looked)
}

/// The endpoint of the current Docker context, unless it is `default` (the plain socket).
fn context_endpoint(s: &Surroundings) -> Option<EngineSocket> {
    let config = s.docker_config.as_ref()?;
    let name = match &s.docker_context {
        Some(n) => n.clone(),
        None => {
            let text = std::fs::read_to_string(config.join("config.json")).ok()?;
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            value.get("currentContext")?.as_str()?.to_owned()
        }
    };
    if name.is_empty() || name == "default" {
        return None;
    }
    let id = hex::encode(Sha256::digest(name.as_bytes()));
    let meta = config.join("contexts/meta").join(&id).join("meta.json");
    let text = std::fs::read_to_string(meta).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let endpoint = value.pointer("/Endpoints/docker")?;
    let host = endpoint.get("Host")?.as_str()?.to_owned();
    let skip_verify = endpoint
        .get("SkipTLSVerify")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let tls_dir = config.join("contexts/tls").join(&id).join("docker");
    Some(EngineSocket {
        tls: tls::for_context(&host, &tls_dir, skip_verify),
        allow_plain: s.tls.allow_plain,
        ..EngineSocket::at(&host, &format!("docker context \"{name}\""))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(dir: &Path) -> Surroundings {
        Surroundings {
            docker_config: Some(dir.join("docker")),
            runtime_dir: Some(dir.join("run-user")),
            root: dir.join("root"),
            ..Surroundings::default()
        }
    }

    #[test]
    fn docker_host_wins_then_the_context_then_the_sockets_that_exist() {
        let dir = tempfile::tempdir().expect("temp dir");
        let s = around(dir.path());
        let looked = find(&s).expect_err("nothing there");
        assert!(
            looked.iter().any(|l| l.ends_with("podman/podman.sock")),
            "{looked:?}"
        );

        // Podman's rootless socket.
        std::fs::create_dir_all(dir.path().join("run-user/podman")).expect("mkdir");
        std::fs::write(dir.path().join("run-user/podman/podman.sock"), "").expect("sock");
        let found = find(&s).expect("podman");
        assert_eq!(found.found_by, "Podman's rootless socket");

        // Docker's socket comes first.
        std::fs::create_dir_all(dir.path().join("root/var/run")).expect("mkdir");
        std::fs::write(dir.path().join("root/var/run/docker.sock"), "").expect("sock");
        assert_eq!(find(&s).expect("docker").found_by, "Docker's socket");

        // A context named in config.json, as `docker context use colima` leaves it.
        let id = hex::encode(Sha256::digest(b"colima"));
        let meta = dir.path().join("docker/contexts/meta").join(id);
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"colima","Endpoints":{"docker":{"Host":"unix:///home/u/.colima/docker.sock"}}}"#,
        )
        .expect("meta");
        std::fs::write(
            dir.path().join("docker/config.json"),
            r#"{"currentContext":"colima"}"#,
        )
        .expect("config");
        let found = find(&s).expect("context");
        assert_eq!(found.host, "unix:///home/u/.colima/docker.sock");
        assert_eq!(found.found_by, "docker context \"colima\"");

        // DOCKER_HOST over everything.
        let s = Surroundings {
            docker_host: Some("unix:///tmp/x.sock".into()),
            ..s
        };
        assert_eq!(find(&s).expect("env").found_by, "DOCKER_HOST");
    }

    /// A context named `name` at `host`, with `meta` extra endpoint fields and TLS files.
    fn context(config: &Path, name: &str, host: &str, skip: bool, files: &[&str]) {
        let id = hex::encode(Sha256::digest(name.as_bytes()));
        let meta = config.join("contexts/meta").join(&id);
        std::fs::create_dir_all(&meta).expect("mkdir");
        let endpoint = serde_json::json!({"Host": host, "SkipTLSVerify": skip});
        std::fs::write(
            meta.join("meta.json"),
            serde_json::json!({"Name": name, "Endpoints": {"docker": endpoint}}).to_string(),
        )
        .expect("meta");
        let tls = config.join("contexts/tls").join(&id).join("docker");
        std::fs::create_dir_all(&tls).expect("mkdir");
        for f in files {
            std::fs::write(tls.join(f), "pem").expect("pem");
        }
    }

    #[test]
    fn tls_settings_come_from_the_environment_for_docker_host_and_from_the_context() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("docker");
        let certs = dir.path().join("certs");
        std::fs::create_dir_all(&certs).expect("mkdir");
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            std::fs::write(certs.join(f), "pem").expect("pem");
        }
        let s = Surroundings {
            docker_host: Some("tcp://10.0.0.5:2376".into()),
            tls: TlsEnv {
                verify: true,
                cert_path: Some(certs.clone()),
                ..TlsEnv::default()
            },
            ..around(dir.path())
        };
        let found = find(&s).expect("DOCKER_HOST");
        let tls = found.tls.expect("DOCKER_TLS_VERIFY means TLS");
        assert!(tls.verify);
        assert_eq!(tls.ca, Some(certs.join("ca.pem")));
        assert_eq!(
            tls.identity,
            Some((certs.join("cert.pem"), certs.join("key.pem")))
        );
        // Without DOCKER_TLS_VERIFY: plain, and not allowed unless the user says so.
        let plain = Surroundings {
            tls: TlsEnv::default(),
            ..s.clone()
        };
        let found = find(&plain).expect("DOCKER_HOST");
        assert_eq!((found.tls, found.allow_plain), (None, false));
        let allowed = Surroundings {
            tls: TlsEnv {
                allow_plain: true,
                ..TlsEnv::default()
            },
            ..s.clone()
        };
        assert!(find(&allowed).expect("DOCKER_HOST").allow_plain);

        // A context: its own TLS files and SkipTLSVerify; the environment's are not used.
        context(&config, "remote", "tcp://10.0.0.6:2376", false, &["ca.pem"]);
        let s = Surroundings {
            docker_host: None,
            docker_context: Some("remote".into()),
            ..s
        };
        let found = find(&s).expect("context");
        assert_eq!(found.host, "tcp://10.0.0.6:2376");
        let tls = found.tls.expect("its files mean TLS");
        assert!(tls.verify);
        let id = hex::encode(Sha256::digest(b"remote"));
        assert_eq!(
            tls.ca,
            Some(config.join("contexts/tls").join(id).join("docker/ca.pem"))
        );
        assert_eq!(tls.identity, None, "not the environment's cert.pem");
        context(&config, "skipping", "tcp://10.0.0.7:2376", true, &[]);
        let s = Surroundings {
            docker_context: Some("skipping".into()),
            ..s
        };
        let tls = find(&s)
            .expect("context")
            .tls
            .expect("SkipTLSVerify is TLS");
        assert!(!tls.verify);
        context(&config, "bare", "tcp://10.0.0.8:2375", false, &[]);
        let s = Surroundings {
            docker_context: Some("bare".into()),
            ..s
        };
        assert_eq!(find(&s).expect("context").tls, None);
    }
}
