//! Files the user points at: native folder, file and save-as choosers (Tauri's dialog plugin),
//! files dropped on the window, and showing a transfer's result in the file manager (the
//! desktop's own `xdg-open` on its folder: Tauri's opener plugin would do the same for
//! about 3 MB of binary and a D-Bus stack the app has no other use for).
//!
//! Native choosers cannot be driven by WebDriver, so the tests have one way in (a build
//! with the `test-hooks` feature only; see `crate::test_hooks`): a file whose text (a
//! path) is the answer of every chooser.

use std::path::PathBuf;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use portolan_ops::Error;

/// Files dropped on the window.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DroppedFiles {
    /// Their paths.
    pub paths: Vec<String>,
}

/// What a chooser is for.
#[derive(Clone)]
enum Pick {
    Folder,
    File,
    /// Where to save a file, suggesting this name.
    SaveAs(String),
}

async fn pick(
    app: &AppHandle,
    state: &AppState,
    title: String,
    what: Pick,
) -> AppResult<Option<String>> {
    if let Some(answer) = &state.test_hooks.pick_file {
        let path = std::fs::read_to_string(answer)
            .map_err(|e| AppError::from(Error::io("cannot read", answer, e)))?;
        return Ok(Some(path.trim().to_owned()).filter(|p| !p.is_empty()));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let chooser = app.dialog().file().set_title(title);
    let answer = move |picked: Option<tauri_plugin_dialog::FilePath>| {
        let _ = tx.send(picked.and_then(|p| p.into_path().ok()));
    };
    match what {
        Pick::Folder => chooser.pick_folder(answer),
        Pick::File => chooser
            .add_filter("Image archives", &["tar", "tar.gz", "tgz"])
            .pick_file(answer),
        Pick::SaveAs(name) => chooser.set_file_name(name).save_file(answer),
    }
    Ok(rx
        .await
        .ok()
        .flatten()
        .map(|p: PathBuf| p.display().to_string()))
}

/// Ask the user for a folder (`None`: they cancelled).
pub async fn pick_folder(
    app: &AppHandle,
    state: &AppState,
    title: String,
) -> AppResult<Option<String>> {
    pick(app, state, title, Pick::Folder).await
}

/// Ask the user for a file (`None`: they cancelled).
pub async fn pick_file(
    app: &AppHandle,
    state: &AppState,
    title: String,
) -> AppResult<Option<String>> {
    pick(app, state, title, Pick::File).await
}

/// Ask the user where to save a file, suggesting a name made from `name` (a path, often
/// from an image: its last part, cleaned as `portolan_ops::layer_files::save_name` cleans
/// it, so no separator, control or bidi character reaches the dialog) (`None`: they
/// cancelled).
pub async fn pick_save_file(
    app: &AppHandle,
    state: &AppState,
    title: String,
    name: String,
) -> AppResult<Option<String>> {
    let suggested = portolan_ops::layer_files::save_name(&name);
    pick(app, state, title, Pick::SaveAs(suggested)).await
}

/// Send the files dropped on the window from now on to `on_progress` (the latest caller).
pub async fn watch_drops(state: &AppState, on_progress: Channel<DroppedFiles>) -> AppResult<()> {
    state.set_drop_channel(on_progress);
    Ok(())
}

/// Show a finished transfer's result in the file manager.
pub async fn show_transfer_result(state: &AppState, transfer_id: u32) -> AppResult<()> {
    let Some(path) = state.transfers.result_path(transfer_id) else {
        return Err(Error::input(
            "that transfer has nothing to show",
            "only a finished pull has a file or folder to show",
        )
        .into());
    };
    // A layout is a folder: open it; an archive is a file: open the folder it is in.
    let folder = if path.is_dir() {
        path.clone()
    } else {
        path.parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| path.clone())
    };
    std::process::Command::new("xdg-open")
        .arg(&folder)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| {
            AppError::from(Error::Configuration {
                what: "the file manager (xdg-open)".to_owned(),
                detail: format!("{e}; the result is at {}", path.display()),
            })
        })
}
