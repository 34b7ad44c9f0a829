//! The local engine (Docker, Podman) as the window shows it: its status and its images.
//! Pulls into it and pushes from it are transfers (`transfer`).

use tauri::AppHandle;

use crate::error::AppResult;
use crate::settings;
use portolan::local_engine::engine::LocalImage;
use portolan_ops::local_engine::{self, EngineStatus};

/// Which engine is in use and whether it answers (never an error: the status says).
pub async fn engine_status(app: &AppHandle) -> AppResult<EngineStatus> {
    Ok(local_engine::status(&settings::load(app)?.engine).await)
}

/// The engine's images whose names or ID contain `filter`, newest first.
pub async fn local_images(app: &AppHandle, filter: String) -> AppResult<Vec<LocalImage>> {
    Ok(local_engine::images(&settings::load(app)?.engine, &filter).await?)
}
