//! One local engine, connected: what it is (Docker or Podman, version, platform), its
//! images (and which a container uses), loading an image from a byte stream
//! (`POST /images/load`), tagging, removing a name or an image, and saving an image as a
//! byte stream (`GET /images/{name}/get`). Errors say which engine and what
//! to do: start it, start Podman's API socket, or join the `docker` group.

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};

use crate::error::{Error, Result};
use crate::local_engine::discover::EngineSocket;
use crate::local_engine::{tls, tls_transport};
use crate::platform::Platform;

/// Seconds a load or a save may take (a big image is one call).
const CALL_TIMEOUT: u64 = 3600;

/// Seconds a question may take (version, images, tag): an engine that accepts the
/// connection and never answers must not leave the window "looking for Docker" for long.
const QUESTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// What the engine says about itself.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineInfo {
    /// `Docker Engine`, `Podman Engine`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The Engine API version it speaks.
    pub api_version: String,
    /// The platform it runs images for (`linux/amd64`).
    pub platform: String,
    /// Where it listens and how it was found.
    pub socket: EngineSocket,
}

/// One image the engine holds.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalImage {
    /// Its ID (`sha256:` of its config).
    pub id: String,
    /// Its names (`host/repo:tag`).
    pub repo_tags: Vec<String>,
    /// The digests it was pulled by (`host/repo@sha256:…`).
    pub repo_digests: Vec<String>,
    /// Its size on disk, as the engine counts it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// When it was built (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created: i64,
    /// A container (running or stopped) uses it: the engine refuses to remove it.
    pub in_use: bool,
}

/// What the engine says about one of its images, as `docker image inspect` and `docker
/// history` do: its names, platform, run config, and the steps that made it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalImageDetails {
    /// Its ID (`sha256:` of its config).
    pub id: String,
    /// Its names (`host/repo:tag`).
    pub repo_tags: Vec<String>,
    /// The digests it was pulled by (`host/repo@sha256:…`).
    pub repo_digests: Vec<String>,
    /// When it was built, as the engine says it (RFC 3339).
    pub created: Option<String>,
    /// `os/arch[/variant]`.
    pub platform: String,
    /// Its size on disk, as the engine counts it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// What runs: the entrypoint, then the command.
    pub entrypoint: Vec<String>,
    /// The default command.
    pub cmd: Vec<String>,
    /// `NAME=value`.
    pub env: Vec<String>,
    /// The working directory, when set.
    pub working_dir: Option<String>,
    /// The user it runs as, when set.
    pub user: Option<String>,
    /// `80/tcp`.
    pub exposed_ports: Vec<String>,
    /// Its labels, sorted by name.
    pub labels: Vec<(String, String)>,
    /// The steps that made it, oldest first.
    pub history: Vec<LocalStep>,
}

/// One step of a local image's history.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalStep {
    /// The command that made it.
    pub created_by: String,
    /// The bytes it added (0: no layer).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// When (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created: i64,
}

/// A connected engine.
pub struct LocalEngine {
    docker: bollard::Docker,
    socket: EngineSocket,
}

impl LocalEngine {
    /// Connect to the engine at `socket` (nothing is sent yet: [`LocalEngine::info`] is the
    /// first call that can fail for want of an engine).
    pub async fn connect(socket: EngineSocket) -> Result<Self> {
        // The oldest API the operations here need (Podman 4 speaks 1.41); then whatever
        // the engine offers up to what bollard knows.
        let floor = bollard::ClientVersion {
            major_version: 1,
            minor_version: 41,
        };
        let host = socket.host.as_str();
        let docker = if let Some(path) = host.strip_prefix("unix://") {
            reachable(&socket, std::path::Path::new(path))?;
            bollard::Docker::connect_with_socket(path, CALL_TIMEOUT, &floor)
                .map_err(|e| failure(&socket, "connecting", e))?
        } else if tls::is_tcp(host) {
            match &socket.tls {
                Some(settings) => tls_transport::connect(host, settings, CALL_TIMEOUT, &floor)?,
                None => {
                    tls::check_plain(&socket)?;
                    bollard::Docker::connect_with_http(host, CALL_TIMEOUT, &floor)
                        .map_err(|e| failure(&socket, "connecting", e))?
                }
            }
        } else {
            return Err(Error::Engine {
                engine: socket.host.clone(),
                detail: format!(
                    "{} names an engine address Portolan cannot use",
                    socket.found_by
                ),
                hint: "use unix:///path/to.sock or tcp://host:port".to_owned(),
            });
        };
        let engine = Self { docker, socket };
        let docker = engine
            .quick()
            .negotiate_version()
            .await
            .map_err(|e| failure(&engine.socket, "asking its version", e))?
            .with_timeout(std::time::Duration::from_secs(CALL_TIMEOUT));
        Ok(Self { docker, ..engine })
    }

    /// The client for a question (a short timeout).
    fn quick(&self) -> bollard::Docker {
        self.docker.clone().with_timeout(QUESTION_TIMEOUT)
    }

    /// Where it listens.
    pub fn socket(&self) -> &EngineSocket {
        &self.socket
    }

    /// What the engine is.
    pub async fn info(&self) -> Result<EngineInfo> {
        let v = self
            .quick()
            .version()
            .await
            .map_err(|e| failure(&self.socket, "asking its version", e))?;
        let name = v
            .components
            .as_ref()
            .and_then(|c| c.first())
            .map(|c| c.name.clone())
            .or_else(|| v.platform.as_ref().map(|p| p.name.clone()))
            .unwrap_or_else(|| "Docker Engine".to_owned());
        Ok(EngineInfo {
            name,
            version: v.version.unwrap_or_default(),
            api_version: v.api_version.unwrap_or_default(),
            platform: format!(
                "{}/{}",
                v.os.unwrap_or_else(|| "linux".to_owned()),
                v.arch.unwrap_or_else(|| "amd64".to_owned())
            ),
            socket: self.socket.clone(),
        })
    }

    /// The platform the engine runs images for.
    pub async fn platform(&self) -> Result<Platform> {
        Platform::parse(&self.info().await?.platform).map_err(Error::from)
    }

    /// The IDs (hex, without `sha256:`) of the images its containers use, running or not.
    async fn images_in_use(&self) -> Result<std::collections::HashSet<String>> {
        let options = bollard::query_parameters::ListContainersOptions {
            all: true,
            ..Default::default()
        };
        Ok(self
            .quick()
            .list_containers(Some(options))
            .await
            .map_err(|e| failure(&self.socket, "listing its containers", e))?
            .into_iter()
            .filter_map(|c| c.image_id)
            .map(|id| bare_id(&id).to_owned())
            .collect())
    }

    /// Its images, newest first, each saying whether a container uses it.
    pub async fn images(&self) -> Result<Vec<LocalImage>> {
        let in_use = self.images_in_use().await?;
        let options = bollard::query_parameters::ListImagesOptions {
            all: false,
            ..Default::default()
        };
        let mut images: Vec<LocalImage> = self
            .quick()
            .list_images(Some(options))
            .await
            .map_err(|e| failure(&self.socket, "listing its images", e))?
            .into_iter()
            .map(|i| LocalImage {
                repo_tags: i
                    .repo_tags
                    .into_iter()
                    .filter(|t| t != "<none>:<none>")
                    .collect(),
                repo_digests: i
                    .repo_digests
                    .into_iter()
                    .filter(|d| !d.starts_with("<none>"))
                    .collect(),
                size: u64::try_from(i.size).unwrap_or(0),
                created: i.created,
                in_use: in_use.contains(bare_id(&i.id)),
                id: i.id,
            })
            .collect();
        images.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        Ok(images)
    }

    /// Load the `docker save` archive that `body` streams; the engine's report of what it
    /// loaded (`Loaded image: …` lines). A stream that ends in an error aborts the load.
    pub async fn load<S>(&self, body: S) -> Result<Vec<String>>
    where
        S: Stream<Item = std::result::Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let options = bollard::query_parameters::ImportImageOptions {
            quiet: true,
            ..Default::default()
        };
        let mut answers = self.docker.import_image_stream(options, body, None);
        let mut loaded = Vec::new();
        while let Some(answer) = answers.next().await {
            let info = answer.map_err(|e| failure(&self.socket, "loading the image", e))?;
            if let Some(detail) = info.error_detail {
                return Err(Error::Engine {
                    engine: self.socket.host.clone(),
                    detail: format!(
                        "it refused the image: {}",
                        detail.message.unwrap_or_default()
                    ),
                    hint: "nothing was tagged".to_owned(),
                });
            }
            for line in [info.stream, info.status].into_iter().flatten() {
                let line = line.trim();
                if !line.is_empty() {
                    loaded.push(line.to_owned());
                }
            }
        }
        Ok(loaded)
    }

    /// Name image `image` (an ID or a name) `repo:tag` too.
    pub async fn tag(&self, image: &str, repo: &str, tag: &str) -> Result<()> {
        let options = bollard::query_parameters::TagImageOptions {
            repo: Some(repo.to_owned()),
            tag: Some(tag.to_owned()),
        };
        self.quick()
            .tag_image(image, Some(options))
            .await
            .map_err(|e| failure(&self.socket, &format!("tagging {image} as {repo}:{tag}"), e))
    }

    /// Remove `name` (an image's name, or its ID): a name the image shares with others is
    /// only taken off; its last name, or its ID, removes the image. An image a container
    /// uses is refused with the engine's reason (never forced). The engine's account of
    /// what it did (`untagged: …`, `deleted: …`).
    pub async fn remove(&self, name: &str) -> Result<Vec<String>> {
        let options = bollard::query_parameters::RemoveImageOptions {
            force: false,
            noprune: false,
            ..Default::default()
        };
        let done = self
            .quick()
            .remove_image(name, Some(options), None)
            .await
            .map_err(|e| failure(&self.socket, &format!("removing {name}"), e))?;
        Ok(done
            .into_iter()
            .flat_map(|d| {
                let untagged = d.untagged.map(|t| format!("untagged: {t}"));
                let deleted = d.deleted.map(|t| format!("deleted: {t}"));
                untagged.into_iter().chain(deleted)
            })
            .collect())
    }

    /// What the engine says about `name` (a name or an ID): names, platform, run config and
    /// history.
    pub async fn inspect(&self, name: &str) -> Result<LocalImageDetails> {
        let engine = self.quick();
        let what = format!("reading {name}");
        let image = engine
            .inspect_image(name)
            .await
            .map_err(|e| failure(&self.socket, &what, e))?;
        let mut history = engine
            .image_history(name)
            .await
            .map_err(|e| failure(&self.socket, &what, e))?;
        // The engine says the newest step first.
        history.reverse();
        let config = image.config.unwrap_or_default();
        let mut labels: Vec<(String, String)> =
            config.labels.unwrap_or_default().into_iter().collect();
        labels.sort();
        let platform = [image.os, image.architecture, image.variant]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        Ok(LocalImageDetails {
            id: image.id.unwrap_or_default(),
            repo_tags: image.repo_tags.unwrap_or_default(),
            repo_digests: image.repo_digests.unwrap_or_default(),
            created: image.created.map(|c| c.to_string()),
            platform,
            size: image.size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            entrypoint: config.entrypoint.unwrap_or_default(),
            cmd: config.cmd.unwrap_or_default(),
            env: config.env.unwrap_or_default(),
            working_dir: config.working_dir.filter(|w| !w.is_empty()),
            user: config.user.filter(|u| !u.is_empty()),
            exposed_ports: config.exposed_ports.unwrap_or_default(),
            labels,
            history: history
                .into_iter()
                .map(|h| LocalStep {
                    created_by: h.created_by,
                    size: u64::try_from(h.size).unwrap_or(0),
                    created: h.created,
                })
                .collect(),
        })
    }

    /// Image `image` as a `docker save` archive, streamed.
    pub fn save(&self, image: &str) -> impl Stream<Item = Result<Bytes>> + Send + 'static {
        let socket = self.socket.clone();
        let what = format!("saving {image}");
        self.docker
            .export_image(image)
            .map_err(move |e| failure(&socket, &what, e))
    }
}

/// An image ID without its `sha256:` (engines differ in whether they say it).
fn bare_id(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

/// Whether the socket file is there and may be looked at: a missing one and one behind a
/// folder the user may not enter need different advice.
fn reachable(socket: &EngineSocket, path: &std::path::Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(_) => Ok(()),
        Err(e) => Err(Error::Engine {
            engine: format!("the engine at {} ({})", socket.host, socket.found_by),
            detail: if e.kind() == std::io::ErrorKind::PermissionDenied {
                format!("permission denied on {}", path.display())
            } else {
                format!("no socket at {}", path.display())
            },
            hint: if e.kind() == std::io::ErrorKind::PermissionDenied {
                PERMISSION_HINT.to_owned()
            } else {
                start_hint(socket).to_owned()
            },
        }),
    }
}

/// What to do when the socket may not be opened.
const PERMISSION_HINT: &str = "join the docker group (sudo usermod -aG docker $USER, then log in again), or use Podman's rootless socket (systemctl --user start podman.socket)";

/// What to do when nothing answers.
fn start_hint(socket: &EngineSocket) -> &'static str {
    if socket.host.contains("podman") {
        "start Podman's API service: systemctl --user start podman.socket (or run podman system service)"
    } else {
        "start Docker (systemctl start docker), or point DOCKER_HOST at a running engine"
    }
}

/// An engine call's failure, with what to do about it.
fn failure(socket: &EngineSocket, doing: &str, e: bollard::errors::Error) -> Error {
    use bollard::errors::Error as B;
    let start = start_hint(socket);
    // The reason is often deep in the chain (hyper's "client error (Connect)" wraps the
    // socket's own error): say it, and choose the advice by it.
    let io = io_cause(&e);
    let text = match &io {
        Some(io) => format!("{e}: {io}"),
        None => e.to_string(),
    };
    let kind = io.map(std::io::Error::kind);
    let (detail, hint) = match &e {
        B::SocketNotFoundError(path) => (format!("no socket at {path}"), start.to_owned()),
        B::DockerResponseServerError {
            status_code,
            message,
        } => (
            format!("{doing} failed ({status_code}): {message}"),
            if *status_code == 404 {
                "check the image name (portolan-cli images lists them)".to_owned()
            } else {
                "see the engine's message".to_owned()
            },
        ),
        _ if tls_cause(&e).is_some() => (
            format!(
                "{doing}: the TLS handshake failed ({})",
                tls_cause(&e).map(ToString::to_string).unwrap_or_default()
            ),
            TLS_HINT.to_owned(),
        ),
        _ if kind == Some(std::io::ErrorKind::PermissionDenied) => (
            format!("{doing}: permission denied on {}", socket.host),
            PERMISSION_HINT.to_owned(),
        ),
        _ if matches!(
            kind,
            Some(std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound)
        ) =>
        {
            (
                format!("{doing}: nothing answers at {}", socket.host),
                start.to_owned(),
            )
        }
        _ => (format!("{doing}: {text}"), start.to_owned()),
    };
    Error::Engine {
        engine: format!("the engine at {} ({})", socket.host, socket.found_by),
        detail,
        hint,
    }
}

/// What to do when the engine's TLS handshake fails.
const TLS_HINT: &str = "check the engine's TLS files: ca.pem (the CA that signed its certificate), cert.pem and key.pem (a client certificate it accepts), in DOCKER_CERT_PATH (else ~/.docker) or the Docker context's TLS folder";

/// The TLS error somewhere in `e`'s chain (hyper-rustls wraps it in I/O errors, whose
/// `source` skips what they wrap: they are opened with `get_ref`).
fn tls_cause(e: &bollard::errors::Error) -> Option<&rustls::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        cause = match c.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    None
}

/// The operating system's error at the root of `e`, if there is one.
fn io_cause(e: &bollard::errors::Error) -> Option<&std::io::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        cause = c.source();
    }
    None
}
