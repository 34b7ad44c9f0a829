//! Transfers: start a pull, a push or a copy (each runs in the background, owned by the
//! operations layer), list the transfers of this run, cancel one, clear the finished ones.

use std::path::PathBuf;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use portolan_ops::copy;
pub use portolan_ops::copy::CopyRequest;
use portolan_ops::pull;
pub use portolan_ops::pull::PullRequest;
use portolan_ops::pull_target::PullFormat;
pub use portolan_ops::push::PushRequest;
use portolan_ops::push::{self, LocalSources};
pub use portolan_ops::transfers::TransferView;
use portolan_ops::Error;

/// Where pulls go: `PORTOLAN_DOWNLOAD_DIR` for this run, else the saved folder, else
/// `portolan` in the user's download folder.
fn download_dir(state: &AppState) -> AppResult<PathBuf> {
    if let Some(dir) = state.overrides.over(state.settings.load()?).download_dir {
        return Ok(PathBuf::from(dir));
    }
    let base = state.downloads.clone().map_err(|detail| {
        AppError::from(Error::Configuration {
            what: "the download folder".to_owned(),
            detail,
        })
    })?;
    Ok(base.join("portolan"))
}

/// Start pulling `reference` into `folder` (the download folder when `None`); it shows in
/// the transfers list.
pub async fn start_pull(
    state: &AppState,
    request: PullRequest,
    folder: Option<String>,
) -> AppResult<TransferView> {
    let dir = match (folder, request.format) {
        (Some(f), _) => PathBuf::from(f),
        // Into the engine: no folder is written (nor needed).
        (None, PullFormat::Engine) => PathBuf::new(),
        (None, _) => download_dir(state)?,
    };
    let engine = state.settings.load()?.engine;
    Ok(pull::start(
        state.client(),
        &state.transfers,
        &dir,
        &engine,
        request,
    )?)
}

/// The images an OCI layout folder or `docker save` archive holds, by name.
pub async fn push_source_images(_state: &AppState, source: String) -> AppResult<Vec<String>> {
    Ok(push::source_images(std::path::Path::new(&source)).await?)
}

/// The repository a push of local image `image` is offered into on registry `host` (its
/// name without registry or tag, as `portolan_ops::push::suggested_target` says).
pub async fn suggest_push_target(
    _state: &AppState,
    image: String,
    host: String,
) -> AppResult<String> {
    Ok(push::suggested_target(&image, &host))
}

/// Start pushing a local image (`engine:IMAGE`, a layout folder or an archive); it shows in
/// the transfers list.
pub async fn start_push(state: &AppState, request: PushRequest) -> AppResult<TransferView> {
    let local = LocalSources {
        engine: state.settings.load()?.engine,
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
pub async fn start_copy(state: &AppState, request: CopyRequest) -> AppResult<TransferView> {
    Ok(copy::start(state.client(), &state.transfers, request)?)
}

/// The transfers of this run, oldest first.
pub async fn list_transfers(state: &AppState) -> AppResult<Vec<TransferView>> {
    Ok(state.transfers.list())
}

/// Stop a running transfer.
pub async fn cancel_transfer(state: &AppState, transfer_id: u32) -> AppResult<bool> {
    Ok(state.transfers.cancel(transfer_id))
}

/// Forget the finished transfers.
pub async fn clear_transfers(state: &AppState) -> AppResult<Vec<TransferView>> {
    state.transfers.clear_finished();
    Ok(state.transfers.list())
}
