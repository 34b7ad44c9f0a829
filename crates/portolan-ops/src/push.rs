//! Pushing a local image as a user asks for it: an image in the local engine
//! (`engine:IMAGE`), or an OCI layout folder or a `docker save` archive they picked or
//! dropped, the image inside it (chosen by name when it holds
//! several), to a repository and tag they typed; run in the background as a transfer with
//! progress per blob (skipped, mounted or uploaded) and Cancel. [`push`] is the one way both
//! front ends push, and [`summary`] the line that says what it did.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portolan::local_engine::discover::EngineSocket;
use portolan::local_engine::engine::LocalEngine;
use portolan::{Client, PushOptions, PushReport, PushSource, Reference};

use crate::local_engine::{self, EngineChoice};
use crate::summary::{transferred, Moved};

use crate::transfers::{TransferView, Transfers, WrittenTag};

/// The images a source holds, each by its first name (`image N` when it has none), for a
/// front end to offer a choice when there are several.
pub async fn source_images(path: &Path) -> portolan::Result<Vec<String>> {
    let source = PushSource::parse(&path.to_string_lossy());
    let names = tokio::task::spawn_blocking(move || source.image_names())
        .await
        .map_err(|e| portolan::Error::internal(format!("reading the source stopped: {e}")))??;
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            n.into_iter()
                .next()
                .unwrap_or_else(|| format!("image {}", i + 1))
        })
        .collect())
}

/// The repository a push of local image `image` (`nginx:1`, `ghcr.io/o/app:v2`) is offered
/// into on registry `host`: the image's name without its registry and tag, on `host`
/// (`host/nginx`, `host/o/app`).
pub fn suggested_target(image: &str, host: &str) -> String {
    let path = portolan::reference::without_registry(image);
    let path = match path.rfind(':') {
        Some(colon) if colon > 0 => &path[..colon],
        _ => path,
    };
    format!("{host}/{path}")
}

/// A push as the user asks for it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PushRequest {
    /// The OCI layout folder or `docker save` archive.
    pub source: String,
    /// The image inside it, by name; `None` when it holds one.
    pub image: Option<String>,
    /// Where to: `host/repo:tag`.
    pub destination: String,
}

/// Where a push can take its image from on this machine: the local engine (for an
/// `engine:IMAGE` source) and the folder its archive is spooled in while it is pushed.
#[derive(Debug, Clone)]
pub struct LocalSources {
    /// The engine the user chose.
    pub engine: EngineChoice,
    /// Where an engine's archive waits while it is pushed (Portolan's cache).
    pub spool_dir: PathBuf,
}

impl PushFrom {
    /// The source the user named; an `engine:IMAGE` source needs a usable engine.
    pub fn of(source: &str, image: Option<String>, local: &LocalSources) -> portolan::Result<Self> {
        Ok(match local_engine::engine_image(source) {
            Some(name) => PushFrom::Engine {
                socket: local_engine::socket_of(&local.engine)?,
                image: name.to_owned(),
                spool_dir: local.spool_dir.clone(),
            },
            None => PushFrom::File(PushSource::parse(source).with_image(image)),
        })
    }
}

/// Push from `from` to `destination` (which names a tag).
pub async fn push(
    client: &Client,
    from: &PushFrom,
    destination: &Reference,
    options: &PushOptions,
) -> portolan::Result<PushReport> {
    match from {
        PushFrom::File(source) => client.push(source, destination, options).await,
        PushFrom::Engine {
            socket,
            image,
            spool_dir,
        } => {
            let engine = options
                .cancel
                .or(LocalEngine::connect(socket.clone()))
                .await??;
            client
                .push_from_engine(&engine, image, destination, spool_dir, options)
                .await
        }
    }
}

/// What a push did, in the one line both front ends show.
pub fn summary(destination: &Reference, report: &PushReport) -> String {
    transferred(
        "Pushed",
        destination,
        &report.digest,
        Moved {
            bytes: report.transferred_bytes,
            skipped: report.skipped,
            mounted: report.mounted,
            resumed: 0,
        },
    )
}

/// Start `request` in the background; returns the transfer as listed. A source
/// `engine:IMAGE` is an image in the local engine; an engine that is turned off or not
/// found fails here, before anything starts.
pub fn start(
    client: Arc<Client>,
    transfers: &Arc<Transfers>,
    request: PushRequest,
    local: &LocalSources,
) -> portolan::Result<TransferView> {
    let destination = Reference::parse(&request.destination)?;
    if destination.tag().is_none() {
        return Err(portolan::Error::input(
            format!("push to {destination} needs a tag"),
            "name the tag to push to (host/repo:tag)",
        ));
    }
    let from = PushFrom::of(&request.source, request.image.clone(), local)?;
    let title = format!("Push {destination}");
    let shown = request.source.clone();
    let list = transfers.clone();
    Ok(transfers.spawn(title, shown, move |id, cancel, progress| {
        list.set_writes(id, WrittenTag::of(&destination));
        async move {
            let options = PushOptions {
                progress,
                cancel,
                ..PushOptions::default()
            };
            let report = push(&client, &from, &destination, &options).await?;
            Ok(summary(&destination, &report))
        }
    }))
}

/// What a push reads.
#[derive(Debug, Clone)]
pub enum PushFrom {
    /// A layout folder or an archive file.
    File(PushSource),
    /// An image in the local engine, saved to a spool file while it is pushed.
    Engine {
        /// The engine.
        socket: EngineSocket,
        /// The image, by name or ID.
        image: String,
        /// Where its archive waits while it is pushed.
        spool_dir: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::suggested_target;

    #[test]
    fn a_push_is_offered_into_the_image_name_on_the_registry_in_view() {
        let host = "localhost:5000";
        for (image, want) in [
            ("nginx:1.27", "localhost:5000/nginx"),
            ("nginx", "localhost:5000/nginx"),
            ("team/app:v1", "localhost:5000/team/app"),
            ("ghcr.io/o/app:v2", "localhost:5000/o/app"),
            ("localhost/app:dev", "localhost:5000/app"),
            ("registry:5000/a/b", "localhost:5000/a/b"),
        ] {
            assert_eq!(suggested_target(image, host), want, "{image}");
        }
    }
}
