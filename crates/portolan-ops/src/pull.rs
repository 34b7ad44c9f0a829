//! Pulling to disk as a user asks for it: what they typed (reference, format, platform)
//! resolved by the engine's rules, the target named, the transfer registered, run in the
//! background, and its end recorded with where it went and how to use it.

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
    let (id, cancel, progress) = transfers.start(
        format!("Pull {reference}"),
        target.display().to_string(),
        None,
    );
    let options = PullOptions {
        platform,
        jobs: 4,
        progress,
        cancel,
    };
    let (format, dir, transfers2) = (request.format, dir.to_path_buf(), transfers.clone());
    tokio::spawn(async move {
        let outcome = run(&client, &reference, format, &dir, &target, &options).await;
        match outcome {
            Ok(()) => transfers2.finish(id, Ok(done_message(&target, format))),
            Err(e) => transfers2.finish(id, Err(&e)),
        }
    });
    transfers
        .list()
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| portolan::Error::internal("a transfer vanished as it started"))
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
