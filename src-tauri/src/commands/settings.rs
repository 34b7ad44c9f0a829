//! Settings the UI may read and change (the webview has no direct store access).

use tauri::AppHandle;

use crate::error::AppResult;
use crate::settings::{self, Settings, Theme};
use portolan_ops::local_engine::EngineChoice;

/// The current settings.
pub async fn get_settings(app: &AppHandle) -> AppResult<Settings> {
    settings::load(app)
}

/// Change the theme.
pub async fn set_theme(app: &AppHandle, theme: Theme) -> AppResult<Settings> {
    let mut s = settings::load(app)?;
    s.theme = theme;
    settings::save(app, &s)?;
    Ok(s)
}

/// Pin or unpin a repository (`host/name`).
pub async fn pin_repository(
    app: &AppHandle,
    repository: String,
    pinned: bool,
) -> AppResult<Settings> {
    let mut s = settings::load(app)?;
    s.pinned.retain(|r| r != &repository);
    if pinned {
        s.pinned.push(repository);
    }
    settings::save(app, &s)?;
    Ok(s)
}

/// Choose the local engine (found automatically, a socket, or off).
pub async fn set_engine(app: &AppHandle, engine: EngineChoice) -> AppResult<Settings> {
    let mut s = settings::load(app)?;
    s.engine = engine;
    settings::save(app, &s)?;
    Ok(s)
}
