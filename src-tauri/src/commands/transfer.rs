//! Pulling an image to disk with progress (a Channel) and cancellation.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::settings;
use crate::state::AppState;
use portolan::{Platform, PlatformChoice, ProgressEvent, PullOptions, PullReport, Reference};

/// Where a pull writes.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PullFormat {
    /// An OCI image layout folder.
    Oci,
    /// A `docker load` archive.
    Archive,
}

/// A finished pull.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PullDone {
    /// Where it was written.
    pub path: String,
    /// What was done.
    pub report: PullReport,
}

fn download_dir(app: &AppHandle) -> AppResult<PathBuf> {
    if let Some(dir) = settings::load(app)?.download_dir {
        return Ok(PathBuf::from(dir));
    }
    let base = app
        .path()
        .download_dir()
        .map_err(|e| AppError::new(portolan::ErrorCode::Io, format!("no download folder: {e}")))?;
    Ok(base.join("portolan"))
}

/// Pull `reference` into the download folder, reporting progress on `on_progress`.
/// `transfer_id` (chosen by the UI) lets `cancel_transfer` stop it.
pub async fn pull_image(
    app: &AppHandle,
    transfer_id: u32,
    reference: String,
    format: PullFormat,
    platform: Option<String>,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<PullDone> {
    let state = app.state::<AppState>();
    let reference = Reference::parse(&reference)?;
    let platform = match platform {
        Some(p) => PlatformChoice::One(Platform::parse(&p)?),
        None => PlatformChoice::Host,
    };
    let cancel = state.register_transfer(transfer_id);
    let options = PullOptions {
        platform,
        jobs: 4,
        progress: std::sync::Arc::new(move |e| {
            let _ = on_progress.send(e);
        }),
        cancel,
    };
    let name = reference.repository().replace('/', "_");
    // By tag: `repo-tag`; by digest: `repo-sha256-<first 12>` (never `-latest`).
    let tag = match (reference.tag(), reference.digest()) {
        (Some(t), _) => t.to_owned(),
        (None, Some(d)) => d.to_string().replace(':', "-").chars().take(19).collect(),
        (None, None) => "latest".to_owned(),
    };
    let dir = download_dir(app)?;
    let client = state.client();
    let result = match format {
        PullFormat::Oci => {
            let path = dir.join(format!("{name}-{tag}"));
            client
                .pull_to_layout(&reference, &path, &options)
                .await
                .map(|r| (path, r))
        }
        PullFormat::Archive => {
            let path = dir.join(format!("{name}-{tag}.tar"));
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| AppError::new(portolan::ErrorCode::Io, e.to_string()))?;
            client
                .pull_to_archive(&reference, &path, &options)
                .await
                .map(|r| (path, r))
        }
    };
    state.end_transfer(transfer_id);
    let (path, report) = result?;
    Ok(PullDone {
        path: path.display().to_string(),
        report,
    })
}

/// Stop a running transfer.
pub async fn cancel_transfer(app: &AppHandle, transfer_id: u32) -> AppResult<bool> {
    Ok(app.state::<AppState>().cancel_transfer(transfer_id))
}
