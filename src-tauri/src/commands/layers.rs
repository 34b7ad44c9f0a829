//! The files inside an image's layers, for the window: a layer's listing (read from the
//! registry as it streams, verified, kept by digest), the image's layers merged into one
//! tree, and one file, shown as text or as a hex preview. Sizes cross the bridge as
//! JavaScript numbers (exact up to 2^53 bytes).

use portolan::layer_files::listing::LayerListing;
use portolan::layer_files::merged::MergedTree;
use portolan::layer_files::read_file::SHOWN_BYTES;
use portolan::{Cancel, Digest, Platform, Reference};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

use crate::error::AppResult;
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

fn size_of(size: f64) -> u64 {
    if size.is_finite() && size >= 0.0 {
        size as u64
    } else {
        0
    }
}

/// The files of layer `digest` (`size` bytes, as the manifest says) of `reference`.
pub async fn list_layer_files(
    app: &AppHandle,
    reference: String,
    digest: Digest,
    size: f64,
) -> AppResult<LayerListing> {
    let state = app.state::<AppState>();
    let reference = Reference::parse(&reference)?;
    Ok(state
        .client()
        .layer_files(&reference, &digest, size_of(size), &Cancel::new())
        .await?)
}

/// One file of layer `digest` of `reference`.
pub async fn read_layer_file(
    app: &AppHandle,
    reference: String,
    digest: Digest,
    size: f64,
    path: String,
) -> AppResult<ShownFile> {
    let state = app.state::<AppState>();
    let reference = Reference::parse(&reference)?;
    let content = state
        .client()
        .read_layer_file(
            &reference,
            &digest,
            size_of(size),
            &path,
            SHOWN_BYTES,
            None,
            &Cancel::new(),
        )
        .await?;
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

/// The image `reference` names (for an index, `platform`'s, else this machine's) as one
/// tree: every layer applied in order, with what later layers overwrote or deleted.
pub async fn image_files(
    app: &AppHandle,
    reference: String,
    platform: Option<String>,
) -> AppResult<MergedTree> {
    let state = app.state::<AppState>();
    let reference = Reference::parse(&reference)?;
    let platform = platform.as_deref().map(Platform::parse).transpose()?;
    Ok(state
        .client()
        .merged_files(&reference, platform.as_ref(), &Cancel::new())
        .await?)
}
