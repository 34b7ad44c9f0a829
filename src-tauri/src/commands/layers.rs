//! The files inside an image's layers, for the window: a layer's listing (read from the
//! registry as it streams, verified, kept by digest), the image's layers merged into one
//! tree, two images compared, and one file, shown as text or as a hex preview, or saved.
//! Every read reports the bytes received to its channel and runs under a number the
//! window chose, so the window can stop it (`cancel_read`). Sizes cross the bridge as
//! JavaScript numbers (exact up to 2^53 bytes).

use std::sync::Arc;

use portolan_ops::layer_files::{self, Existing, FileRef};
pub use portolan_ops::{Digest, ImageDiff, LayerListing, MergedTree, ProgressEvent};
use portolan_ops::{Reference, Watch, SHOWN_BYTES};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::error::AppResult;
use crate::reads::ReadGuard;
use crate::state::AppState;

/// Bytes of a binary file the viewer shows as hex.
const HEX_PREVIEW: usize = 256;

/// A file as the viewer shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShownFile {
    /// Its path.
    pub path: String,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Its text, when it is text (up to 1 MiB).
    pub text: Option<String>,
    /// For a binary file: its first bytes as `offset  hex  ascii` rows.
    pub hex: Vec<String>,
    /// Whether what is shown stops before the end.
    pub cut: bool,
}

/// One layer of an image, read under the window's number `read_id`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LayerRead {
    /// The image (`host/repo:tag` or `@digest`).
    pub reference: String,
    /// The layer.
    pub digest: Digest,
    /// Its size as the manifest says.
    pub size: f64,
    /// The window's number for this read (`cancel_read` stops it).
    pub read_id: u32,
}

/// One file of a layer, read under the window's number `read_id`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FileRead {
    /// The image (`host/repo:tag` or `@digest`).
    pub reference: String,
    /// The layer.
    pub digest: Digest,
    /// Its size as the manifest says.
    pub size: f64,
    /// The file's path in the layer.
    pub path: String,
    /// The window's number for this read (`cancel_read` stops it).
    pub read_id: u32,
}

/// Two images to compare (for indexes, `platform`'s), under the window's number `read_id`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct Comparison {
    /// The image compared from.
    pub first: String,
    /// The image compared to.
    pub second: String,
    /// For indexes: which platform (this machine's when none).
    pub platform: Option<String>,
    /// The window's number for this read (`cancel_read` stops it).
    pub read_id: u32,
}

fn size_of(size: f64) -> u64 {
    if size.is_finite() && size >= 0.0 {
        size as u64
    } else {
        0
    }
}

/// Register read `read_id` and watch it through `channel`.
fn watch(state: &AppState, read_id: u32, channel: Channel<ProgressEvent>) -> (ReadGuard, Watch) {
    let guard = state.reads.start(read_id);
    let watch = Watch {
        cancel: guard.cancel().clone(),
        progress: Arc::new(move |event| {
            let _ = channel.send(event);
        }),
    };
    (guard, watch)
}

/// The files of layer `digest` (`size` bytes, as the manifest says) of `reference`.
pub async fn list_layer_files(
    state: &AppState,
    layer: LayerRead,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<LayerListing> {
    let (_running, watch) = watch(state, layer.read_id, on_progress);
    let reference = Reference::parse(&layer.reference)?;
    Ok(layer_files::layer_listing(
        &state.client(),
        &reference,
        &layer.digest,
        size_of(layer.size),
        &watch,
    )
    .await?)
}

/// One file of layer `digest` of `reference`.
pub async fn read_layer_file(
    state: &AppState,
    file: FileRead,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<ShownFile> {
    let (_running, watch) = watch(state, file.read_id, on_progress);
    let reference = Reference::parse(&file.reference)?;
    let file = FileRef::opened(file.digest, size_of(file.size), file.path);
    let content =
        layer_files::read(&state.client(), &reference, &file, SHOWN_BYTES, &watch).await?;
    let text = content.text().map(str::to_owned);
    let hex = if text.is_some() {
        Vec::new()
    } else {
        content.hex_rows(HEX_PREVIEW)
    };
    Ok(ShownFile {
        path: content.path,
        size: content.size,
        cut: content.cut,
        text,
        hex,
    })
}

/// Save file `path` of layer `digest` of `reference` whole to `to` (the file the save
/// dialog chose, which asked before replacing one; a folder gets the file under its
/// cleaned name, never over one already there), once the layer verified; where it was
/// saved. Where it goes is decided by [`portolan_ops::layer_files`], as for the CLI.
pub async fn save_layer_file(
    state: &AppState,
    file: FileRead,
    to: String,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<String> {
    let (_running, watch) = watch(state, file.read_id, on_progress);
    let reference = Reference::parse(&file.reference)?;
    let client = state.client();
    let to = std::path::PathBuf::from(to);
    let file = FileRef::opened(file.digest, size_of(file.size), file.path);
    let existing = if to.is_dir() {
        Existing::Keep
    } else {
        Existing::Replace
    };
    let content = layer_files::save(&client, &reference, &file, &to, existing, 0, &watch).await?;
    Ok(content.saved_to.unwrap_or_else(|| to.display().to_string()))
}

/// The image `reference` names (for an index, `platform`'s, else this machine's) as one
/// tree: every layer applied in order, with what later layers overwrote or deleted.
pub async fn image_files(
    state: &AppState,
    reference: String,
    platform: Option<String>,
    read_id: u32,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<MergedTree> {
    let (_running, watch) = watch(state, read_id, on_progress);
    let reference = Reference::parse(&reference)?;
    Ok(layer_files::merged_files(&state.client(), &reference, platform.as_deref(), &watch).await?)
}

/// Image `first` against image `second` (for indexes, `platform`'s): layers shared, paths
/// added, removed and changed.
pub async fn compare_images(
    state: &AppState,
    request: Comparison,
    on_progress: Channel<ProgressEvent>,
) -> AppResult<ImageDiff> {
    let (_running, watch) = watch(state, request.read_id, on_progress);
    let first = Reference::parse(&request.first)?;
    let second = Reference::parse(&request.second)?;
    Ok(layer_files::compare(
        &state.client(),
        &first,
        &second,
        request.platform.as_deref(),
        &watch,
    )
    .await?)
}

/// Stop read `read_id`; whether it was running.
pub async fn cancel_read(state: &AppState, read_id: u32) -> AppResult<bool> {
    Ok(state.reads.cancel(read_id))
}
