//! Transfers: start a pull, a push or a copy (each runs in the background, owned by the
//! operations layer), list the transfers of this run, cancel one, clear the finished ones.

use std::path::PathBuf;

use tauri::{AppHandle, Manager};

use crate::error::{AppError, AppResult};
use crate::settings;
use crate::state::AppState;
use portolan_ops::copy::{self, CopyRequest};
use portolan_ops::pull::{self, PullRequest};
use portolan_ops::pull_target::PullFormat;
use portolan_ops::push::{self, LocalSources, PushRequest};
use portolan_ops::transfers::TransferView;

/// Where pulls go: `PORTOLAN_DOWNLOAD_DIR` for this run, else the saved folder, else
/// `portolan` in the user's download folder.
fn download_dir(app: &AppHandle) -> AppResult<PathBuf> {
    let overrides = &app.state::<AppState>().overrides;
    if let Some(dir) = overrides.over(settings::load(app)?).download_dir {
        return Ok(PathBuf::from(dir));
    }
    let base = app.path().download_dir().map_err(|e| {
        AppError::from(portolan::Error::Configuration {
            what: "the download folder".to_owned(),
            detail: e.to_string(),
        })
    })?;
    Ok(base.join("portolan"))
}

/// Start pulling `reference` into `folder` (the download folder when `None`); it shows in
/// the transfers list.
pub async fn start_pull(
    app: &AppHandle,
    reference: String,
    format: PullFormat,
    platform: Option<String>,
    folder: Option<String>,
) -> AppResult<TransferView> {
    let state = app.state::<AppState>();
    let request = PullRequest {
        reference,
        format,
        platform,
    };
    let dir = match (folder, format) {
        (Some(f), _) => PathBuf::from(f),
        // Into the engine: no folder is written (nor needed).
        (None, PullFormat::Engine) => PathBuf::new(),
        (None, _) => download_dir(app)?,
    };
    let engine = settings::load(app)?.engine;
    Ok(pull::start(
        state.client(),
        &state.transfers,
        &dir,
        &engine,
        request,
    )?)
}

/// The images an OCI layout folder or `docker save` archive holds, by name.
pub async fn push_source_images(_app: &AppHandle, source: String) -> AppResult<Vec<String>> {
    Ok(push::source_images(std::path::Path::new(&source)).await?)
}

/// Start pushing a local image (`engine:IMAGE`, a layout folder or an archive); it shows in
/// the transfers list.
pub async fn start_push(app: &AppHandle, request: PushRequest) -> AppResult<TransferView> {
    let state = app.state::<AppState>();
    let local = LocalSources {
        engine: settings::load(app)?.engine,
        spool_dir: portolan_ops::setup::spool_dir(),
    };
    Ok(push::start(
        state.client(),
        &state.transfers,
        request,
        &local,
    )?)
}

/// Start copying an image to another repository or registry; it shows in the transfers
/// list.
pub async fn start_copy(app: &AppHandle, request: CopyRequest) -> AppResult<TransferView> {
    let state = app.state::<AppState>();
    Ok(copy::start(state.client(), &state.transfers, request)?)
}

/// The transfers of this run, oldest first.
pub async fn list_transfers(app: &AppHandle) -> AppResult<Vec<TransferView>> {
    Ok(app.state::<AppState>().transfers.list())
}

/// Stop a running transfer.
pub async fn cancel_transfer(app: &AppHandle, transfer_id: u32) -> AppResult<bool> {
    Ok(app.state::<AppState>().transfers.cancel(transfer_id))
}

/// Forget the finished transfers.
pub async fn clear_transfers(app: &AppHandle) -> AppResult<Vec<TransferView>> {
    let state = app.state::<AppState>();
    state.transfers.clear_finished();
    Ok(state.transfers.list())
}
