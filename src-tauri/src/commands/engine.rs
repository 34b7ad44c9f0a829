//! The local engine (Docker, Podman) as the window shows it: its status and its images.
//! Pulls into it and pushes from it are transfers (`transfer`).

use crate::error::AppResult;
use crate::state::AppState;
use portolan_ops::local_engine;
pub use portolan_ops::local_engine::EngineStatus;
pub use portolan_ops::LocalImage;

/// Which engine is in use and whether it answers (never an error: the status says).
pub async fn engine_status(state: &AppState) -> AppResult<EngineStatus> {
    Ok(local_engine::status(&state.settings.load()?.engine).await)
}

/// The engine's images whose names or ID contain `filter`, newest first.
pub async fn local_images(state: &AppState, filter: String) -> AppResult<Vec<LocalImage>> {
    Ok(local_engine::images(&state.settings.load()?.engine, &filter).await?)
}
