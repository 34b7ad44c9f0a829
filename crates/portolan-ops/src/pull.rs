//! Pulling to disk or into the local engine as a user asks for it: [`pull`] is the one way
//! both front ends pull (the CLI with its progress bars, the app as a transfer), and
//! [`summary`] the one line that says what it did. For the app: what they typed
//! (reference, format, platform) resolved by the engine's rules, the target named, the
//! transfer registered, run in the background, and its end recorded with where it went and
//! how to use it. A pull that
//! fails or is cancelled leaves nothing of itself behind: a layout folder or an archive's
//! staging folder it created is removed (one that was there before, being resumed or added
//! to, is left as the engine leaves it: its previous state intact).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portolan::local_engine::discover::EngineSocket;
use portolan::local_engine::engine::LocalEngine;
use portolan::transfer::pull_engine::EnginePullReport;
use portolan::transfer::DEFAULT_JOBS;
use portolan::{Client, Platform, PlatformChoice, PullOptions, PullReport, Reference};

use crate::local_engine::{self, EngineChoice};
use crate::pull_target::{self, PullFormat};
use crate::summary::{transferred, Moved};
use crate::transfers::{TransferView, Transfers};

/// Where a pull goes.
#[derive(Debug, Clone)]
pub enum PullInto {
    /// An OCI image layout in this folder (created if needed; resumed or added to).
    Layout(PathBuf),
    /// A `docker load` archive in this file (written last, whole).
    Archive(PathBuf),
    /// The local engine at this socket, named after the reference.
    Engine(EngineSocket),
}

/// What a pull did.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum Pulled {
    /// Written to a layout or an archive.
    Disk(PullReport),
    /// Loaded into the local engine.
    Engine(EnginePullReport),
}

/// Pull `reference` into `into`: every blob verified before it is visible; Cancel
/// (`options.cancel`) stops it at once, a layout left resumable.
pub async fn pull(
    client: &Client,
    reference: &Reference,
    into: &PullInto,
    options: &PullOptions,
) -> portolan::Result<Pulled> {
    Ok(match into {
        PullInto::Layout(dir) => {
            Pulled::Disk(client.pull_to_layout(reference, dir, options).await?)
        }
        PullInto::Archive(file) => {
            // As `cp` does: the file goes into a folder that exists, never one made up
            // from a mistyped path.
            let parent = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !parent.is_dir() {
                return Err(portolan::Error::input(
                    format!("the folder {} does not exist", parent.display()),
                    "create it first, or write the archive somewhere else",
                ));
            }
            Pulled::Disk(client.pull_to_archive(reference, file, options).await?)
        }
        PullInto::Engine(socket) => {
            let engine = options
                .cancel
                .or(LocalEngine::connect(socket.clone()))
                .await??;
            Pulled::Engine(client.pull_into_engine(reference, &engine, options).await?)
        }
    })
}

/// What a pull did, in the one line both front ends show.
pub fn summary(reference: &Reference, pulled: &Pulled) -> String {
    match pulled {
        Pulled::Disk(report) => transferred(
            "Pulled",
            reference,
            &report.digest,
            Moved {
                bytes: report.transferred_bytes,
                skipped: report.skipped,
                mounted: 0,
                resumed: report.resumed_bytes,
            },
        ),
        Pulled::Engine(report) => format!(
            "Pulled {}: {}",
            reference.familiar(),
            engine_message(report)
        ),
    }
}

/// A pull as the user asks for it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PullRequest {
    /// What to pull (`host/repo:tag` or `host/repo@sha256:...`).
    pub reference: String,
    /// Folder or archive.
    pub format: PullFormat,
    /// One platform (`linux/arm64`), or this machine's when none.
    pub platform: Option<String>,
}

/// Start `request` in the background, writing into `dir` or loading into the `engine`;
/// returns the transfer as listed. A pull into an engine that is turned off or not found
/// fails here, before anything starts.
pub fn start(
    client: Arc<Client>,
    transfers: &Arc<Transfers>,
    dir: &Path,
    engine: &EngineChoice,
    request: PullRequest,
) -> portolan::Result<TransferView> {
    let reference = Reference::parse(&request.reference)?;
    let platform = match &request.platform {
        Some(p) => PlatformChoice::One(Platform::parse(p)?),
        // An engine runs its own platform, which may not be this machine's (a remote
        // DOCKER_HOST): the engine pull asks it.
        None => PlatformChoice::Host,
    };
    let Some(target) = pull_target::target(dir, &reference, request.format) else {
        return start_into_engine(client, transfers, engine, reference, platform);
    };
    let (format, dir) = (request.format, dir.to_path_buf());
    let scratch = scratch_of(&target, format);
    let fresh = !scratch.exists();
    let title = format!("Pull {reference}");
    let shown = target.display().to_string();
    let list = transfers.clone();
    Ok(
        transfers.spawn(title, shown, move |id, cancel, progress| async move {
            let options = PullOptions {
                platform,
                jobs: DEFAULT_JOBS,
                progress,
                cancel,
            };
            match run(&client, &reference, format, &dir, &target, &options).await {
                Ok(pulled) => {
                    list.set_result_path(id, &target);
                    Ok(format!(
                        "{}; {}",
                        summary(&reference, &pulled),
                        done_message(&target, format)
                    ))
                }
                Err(e) => {
                    if fresh {
                        remove_scratch(&scratch).await;
                    }
                    Err(e)
                }
            }
        }),
    )
}

/// A pull into the local engine: nothing is written here, and a load that fails leaves
/// nothing named in the engine.
fn start_into_engine(
    client: Arc<Client>,
    transfers: &Arc<Transfers>,
    engine: &EngineChoice,
    reference: Reference,
    platform: PlatformChoice,
) -> portolan::Result<TransferView> {
    let socket = local_engine::socket_of(engine)?;
    let title = format!("Pull {reference}");
    let shown = format!("the local engine at {}", socket.host);
    Ok(
        transfers.spawn(title, shown, move |_, cancel, progress| async move {
            let options = PullOptions {
                platform,
                jobs: 1,
                progress,
                cancel,
            };
            let pulled = pull(&client, &reference, &PullInto::Engine(socket), &options).await?;
            Ok(summary(&reference, &pulled))
        }),
    )
}

/// What to tell the user when a pull into the engine is done.
pub fn engine_message(report: &EnginePullReport) -> String {
    let id = report.image_id.trim_start_matches("sha256:");
    let id = &id[..id.len().min(12)];
    match &report.name {
        Some(name) => format!(
            "loaded into {} as {name} (image {id}): `docker run {name}` or `podman run {name}` starts it",
            report.engine
        ),
        None => format!(
            "loaded into {} as image {id} (pulled by digest, so it has no name: `docker tag {id} NAME` gives it one)",
            report.engine
        ),
    }
}

/// What a pull writes before it is done: the layout folder itself, or an archive's
/// staging folder (the archive file is written last, atomically).
fn scratch_of(target: &Path, format: PullFormat) -> std::path::PathBuf {
    match format {
        PullFormat::Archive => portolan::transfer::pull::staging_dir(target),
        PullFormat::Oci | PullFormat::Engine => target.to_path_buf(),
    }
}

async fn remove_scratch(scratch: &Path) {
    if let Err(e) = tokio::fs::remove_dir_all(scratch).await {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("could not remove {}: {e}", scratch.display());
        }
    }
}

async fn run(
    client: &Client,
    reference: &Reference,
    format: PullFormat,
    dir: &Path,
    target: &Path,
    options: &PullOptions,
) -> portolan::Result<Pulled> {
    let into = match format {
        PullFormat::Oci => PullInto::Layout(target.to_path_buf()),
        PullFormat::Archive => {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| portolan::Error::io("cannot create", dir, e))?;
            PullInto::Archive(target.to_path_buf())
        }
        PullFormat::Engine => {
            return Err(portolan::Error::internal(
                "an engine pull has no target file",
            ))
        }
    };
    pull(client, reference, &into, options).await
}

/// What to tell the user when a pull is done: where it is and how to load it.
pub fn done_message(target: &Path, format: PullFormat) -> String {
    let path = target.display();
    match format {
        PullFormat::Oci => format!(
            "saved to {path} (an OCI layout: `podman pull oci:{path}` or `skopeo copy oci:{path} …` reads it)"
        ),
        PullFormat::Archive => format!(
            "saved to {path} (load it with `docker load -i {path}` or `podman load -i {path}`)"
        ),
        PullFormat::Engine => format!("loaded into the local engine ({path})"),
    }
}
