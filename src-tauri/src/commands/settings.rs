//! Settings the UI may read and change (the webview has no direct store access).

use crate::error::AppResult;
pub use crate::settings::{Settings, Theme};
use crate::state::AppState;
pub use portolan_ops::local_engine::EngineChoice;

/// The current settings.
pub async fn get_settings(state: &AppState) -> AppResult<Settings> {
    state.settings.load()
}

/// Change the theme.
pub async fn set_theme(state: &AppState, theme: Theme) -> AppResult<Settings> {
    let mut s = state.settings.load()?;
    s.theme = theme;
    state.settings.save(&s)?;
    Ok(s)
}

/// Pin or unpin a repository (`host/name`).
pub async fn pin_repository(
    state: &AppState,
    repository: String,
    pinned: bool,
) -> AppResult<Settings> {
    let mut s = state.settings.load()?;
    s.pinned.retain(|r| r != &repository);
    if pinned {
        s.pinned.push(repository);
    }
    state.settings.save(&s)?;
    Ok(s)
}

/// Choose the local engine (found automatically, a socket, or off).
pub async fn set_engine(state: &AppState, engine: EngineChoice) -> AppResult<Settings> {
    let mut s = state.settings.load()?;
    s.engine = engine;
    state.settings.save(&s)?;
    Ok(s)
}
