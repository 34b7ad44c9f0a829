//! The local engine (Docker, Podman) as the window shows it: its status and its images,
//! naming an image again and removing a name. Pulls into it and pushes from it are
//! transfers (`transfer`).

use crate::error::AppResult;
use crate::state::AppState;
use portolan_ops::local_engine;
pub use portolan_ops::local_engine::EngineStatus;
pub use portolan_ops::LocalImage;
pub use portolan_ops::LocalImageDetails;

/// Which engine is in use and whether it answers (never an error: the status says).
pub async fn engine_status(state: &AppState) -> AppResult<EngineStatus> {
    Ok(local_engine::status(&state.settings.load()?.engine).await)
}

/// The engine's images whose names or ID contain `filter`, newest first.
pub async fn local_images(state: &AppState, filter: String) -> AppResult<Vec<LocalImage>> {
    Ok(local_engine::images(&state.settings.load()?.engine, &filter).await?)
}

/// Name the engine's image `image` `target` too (`repo:tag`); the name given, in full.
pub async fn tag_local_image(state: &AppState, image: String, target: String) -> AppResult<String> {
    Ok(local_engine::tag_image(&state.settings.load()?.engine, &image, &target).await?)
}

/// Remove `name` from the engine (the image goes with its last name; an image a container
/// uses is refused); what the engine did.
pub async fn remove_local_image(state: &AppState, name: String) -> AppResult<Vec<String>> {
    Ok(local_engine::remove_image(&state.settings.load()?.engine, &name).await?)
}

/// What the engine says about its image `name`: names, platform, run config, history.
pub async fn inspect_local_image(state: &AppState, name: String) -> AppResult<LocalImageDetails> {
    Ok(local_engine::inspect_image(&state.settings.load()?.engine, &name).await?)
}
