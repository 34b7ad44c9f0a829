//! Pulling to disk as a user asks for it: what they typed (reference, format, platform)
//! resolved by the engine's rules, the target named, the transfer registered, run in the
//! background, and its end recorded with where it went and how to use it. A pull that
//! fails or is cancelled leaves nothing of itself behind: a layout folder or an archive's
//! staging folder it created is removed (one that was there before, being resumed or added
//! to, is left as the engine leaves it: its previous state intact).

use std::path::Path;
use std::sync::Arc;

use portolan::{Client, Platform, PlatformChoice, PullOptions, Reference};

use crate::pull_target::{self, PullFormat};
use crate::transfers::{TransferView, Transfers};

/// A pull as the user asks for it.
#[derive(Debug, Clone)]
pub struct PullRequest {
    /// What to pull (`host/repo:tag` or `host/repo@sha256:...`).
    pub reference: String,
    /// Folder or archive.
    pub format: PullFormat,
    /// One platform (`linux/arm64`), or this machine's when none.
    pub platform: Option<String>,
}

/// Start `request` in the background, writing into `dir`; returns the transfer as listed.
pub fn start(
    client: Arc<Client>,
    transfers: &Arc<Transfers>,
    dir: &Path,
    request: PullRequest,
) -> portolan::Result<TransferView> {
    let reference = Reference::parse(&request.reference)?;
    let platform = match &request.platform {
        Some(p) => PlatformChoice::One(Platform::parse(p)?),
        None => PlatformChoice::Host,
    };
    let target = pull_target::target(dir, &reference, request.format);
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
                jobs: 4,
                progress,
                cancel,
            };
            match run(&client, &reference, format, &dir, &target, &options).await {
                Ok(()) => {
                    list.set_result_path(id, &target);
                    Ok(done_message(&target, format))
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

/// What a pull writes before it is done: the layout folder itself, or an archive's
/// staging folder (the archive file is written last, atomically).
fn scratch_of(target: &Path, format: PullFormat) -> std::path::PathBuf {
    match format {
        PullFormat::Oci => target.to_path_buf(),
        PullFormat::Archive => portolan::transfer::pull::staging_dir(target),
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
) -> portolan::Result<()> {
    match format {
        PullFormat::Oci => client.pull_to_layout(reference, target, options).await?,
        PullFormat::Archive => {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| portolan::Error::io("cannot create", dir, e))?;
            client.pull_to_archive(reference, target, options).await?
        }
    };
    Ok(())
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
    }
}
