//! The user's local engine as both front ends offer it: which one (found the way Docker's
//! and Podman's clients find it, a socket the user named, or none because they turned it
//! off), what it is and whether it answers (one status a window can show as it is:
//! ready, turned off, not found, or found but not usable, each with what to do), its images
//! (filterable, which a container uses, which have no name), naming one again or removing
//! a name (the image goes with its last name), and the `engine:IMAGE` form a push source
//! takes.

use portolan::local_engine::discover::{self, EngineSocket, Surroundings};
use portolan::local_engine::engine::{EngineInfo, LocalEngine, LocalImage, LocalImageDetails};

/// What a push source says when it names an image in the local engine.
pub const ENGINE_PREFIX: &str = "engine:";

/// Which engine the user wants.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineChoice {
    /// Find it as Docker's and Podman's clients do.
    #[default]
    Auto,
    /// This socket (`unix:///…` or `tcp://…`).
    Socket {
        /// The address.
        host: String,
    },
    /// None: pulls go to folders and archives only.
    Off,
}

/// The engine as a window shows it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EngineStatus {
    /// Connected and answering.
    Ready {
        /// What it is.
        info: EngineInfo,
    },
    /// The user turned it off.
    Off,
    /// Nothing found where engines listen.
    Missing {
        /// Every place looked at.
        looked: Vec<String>,
        /// What to do.
        hint: String,
    },
    /// Found, but it does not answer or may not be used.
    Unusable {
        /// Where it was found, and how.
        socket: EngineSocket,
        /// What went wrong.
        detail: String,
        /// What to do.
        hint: String,
    },
}

/// What to do when no engine is found.
const NO_ENGINE_HINT: &str = "start Docker, or Podman's API service (systemctl --user start podman.socket), or set DOCKER_HOST";

/// The socket `choice` means here, or why there is none.
pub fn socket_of(choice: &EngineChoice) -> portolan::Result<EngineSocket> {
    match choice {
        EngineChoice::Off => Err(portolan::Error::Engine {
            engine: "the local engine".to_owned(),
            detail: "it is turned off in the settings".to_owned(),
            hint: "turn it on in the settings, or pull to a folder or an archive".to_owned(),
        }),
        EngineChoice::Socket { host } => Ok(chosen(host)),
        EngineChoice::Auto => {
            discover::find(&Surroundings::of_process()).map_err(|looked| portolan::Error::Engine {
                engine: "a local engine".to_owned(),
                detail: format!("none was found (looked at: {})", looked.join(", ")),
                hint: NO_ENGINE_HINT.to_owned(),
            })
        }
    }
}

/// The socket the user named in the settings, with the TLS the environment says for it
/// (`DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`), as for `DOCKER_HOST`.
fn chosen(host: &str) -> EngineSocket {
    EngineSocket::named(host, "the settings", &Surroundings::of_process())
}

/// Connect to the engine `choice` means; errors say what to do.
pub async fn connect(choice: &EngineChoice) -> portolan::Result<LocalEngine> {
    LocalEngine::connect(socket_of(choice)?).await
}

/// Which engine `choice` means, and its version and socket; errors say what to do.
pub async fn info(choice: &EngineChoice) -> portolan::Result<EngineInfo> {
    connect(choice).await?.info().await
}

/// The engine's status, for a window to show as it is (never an error).
pub async fn status(choice: &EngineChoice) -> EngineStatus {
    let socket = match choice {
        EngineChoice::Off => return EngineStatus::Off,
        EngineChoice::Auto => match discover::find(&Surroundings::of_process()) {
            Ok(socket) => socket,
            Err(looked) => {
                return EngineStatus::Missing {
                    looked,
                    hint: NO_ENGINE_HINT.to_owned(),
                }
            }
        },
        EngineChoice::Socket { host } => chosen(host),
    };
    let engine = match LocalEngine::connect(socket.clone()).await {
        Ok(engine) => engine,
        Err(e) => return unusable(socket, &e),
    };
    match engine.info().await {
        Ok(info) => EngineStatus::Ready { info },
        Err(e) => unusable(socket, &e),
    }
}

fn unusable(socket: EngineSocket, e: &portolan::Error) -> EngineStatus {
    let (detail, hint) = match e {
        portolan::Error::Engine { detail, hint, .. } => (detail.clone(), hint.clone()),
        other => (other.to_string(), String::new()),
    };
    EngineStatus::Unusable {
        socket,
        detail,
        hint,
    }
}

/// The engine's images whose names, digests or ID contain `filter` (any case), newest
/// first.
pub async fn images(choice: &EngineChoice, filter: &str) -> portolan::Result<Vec<LocalImage>> {
    let images = connect(choice).await?.images().await?;
    let needle = filter.trim().to_lowercase();
    Ok(images
        .into_iter()
        .filter(|i| needle.is_empty() || matches(i, &needle))
        .collect())
}

/// Name the engine's image `image` (an ID or a name) `target` too (`repo:tag`, checked as
/// a reference; no tag means `latest`, as the engines' own `tag` commands do).
pub async fn tag_image(
    choice: &EngineChoice,
    image: &str,
    target: &str,
) -> portolan::Result<String> {
    let reference = portolan::Reference::parse(target.trim())?;
    if reference.tag().is_none() {
        return Err(portolan::Error::input(
            format!("{target} names a digest"),
            "a local image is named repo:tag",
        ));
    }
    let full = reference.to_string();
    let (repo, tag) = full.rsplit_once(':').ok_or_else(|| {
        portolan::Error::input(format!("{target} has no tag"), "name it repo:tag")
    })?;
    connect(choice).await?.tag(image, repo, tag).await?;
    Ok(full)
}

/// Remove `name` from the engine (see `LocalEngine::remove`: a shared name is only taken
/// off, the last name removes the image, an image in use is refused); what the engine did.
pub async fn remove_image(choice: &EngineChoice, name: &str) -> portolan::Result<Vec<String>> {
    connect(choice).await?.remove(name).await
}

/// What the engine says about its image `name`: names, platform, run config, history.
pub async fn inspect_image(
    choice: &EngineChoice,
    name: &str,
) -> portolan::Result<LocalImageDetails> {
    connect(choice).await?.inspect(name).await
}

fn matches(image: &LocalImage, needle: &str) -> bool {
    image
        .repo_tags
        .iter()
        .chain(&image.repo_digests)
        .chain(std::iter::once(&image.id))
        .any(|s| s.to_lowercase().contains(needle))
}

/// The image an `engine:IMAGE` push source names, if it names one.
pub fn engine_image(source: &str) -> Option<&str> {
    source
        .strip_prefix(ENGINE_PREFIX)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Where that engine is, in one line (`Podman Engine 4.3.1 at unix:///…`).
pub fn describe(info: &EngineInfo) -> String {
    format!("{} {} at {}", info.name, info.version, info.socket.host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(tags: &[&str]) -> LocalImage {
        LocalImage {
            id: "sha256:abc".to_owned(),
            repo_tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            repo_digests: vec![],
            size: 1,
            created: 0,
            in_use: false,
        }
    }

    #[test]
    fn filters_ignore_case_and_look_at_names_and_ids() {
        let i = image(&["localhost/My-App:1"]);
        assert!(matches(&i, "my-app"));
        assert!(matches(&i, "abc"));
        assert!(!matches(&i, "other"));
    }

    #[test]
    fn engine_sources_name_an_image() {
        assert_eq!(
            engine_image("engine:localhost/app:1"),
            Some("localhost/app:1")
        );
        assert_eq!(engine_image("engine:"), None);
        assert_eq!(engine_image("/tmp/app.tar"), None);
    }

    #[test]
    fn a_turned_off_engine_says_so() {
        let e = socket_of(&EngineChoice::Off).expect_err("off");
        assert!(e.to_string().contains("turned off"), "{e}");
    }
}
