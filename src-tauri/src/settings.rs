//! The app's settings, typed, kept with tauri-plugin-store (`settings.json` in the app's
//! data folder). The webview has no store permission: it reads and changes settings only
//! through the commands in `commands::settings` and `commands::registries`.
//!
//! Secrets are never here: they live in the OS keyring.

use portolan_ops::local_engine::EngineChoice;
use portolan_ops::supply_chain::{ExpectedSigner, TrustOptions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

use tauri::{AppHandle, Wry};
use tauri_plugin_store::{Store, StoreExt};
use ts_rs::TS;

use crate::error::{AppError, AppResult, ErrorCode};

const STORE_FILE: &str = "settings.json";
const KEY: &str = "settings";
const MAX_RECENT: usize = 20;

/// A registry the user browses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegistryEntry {
    /// What the sidebar shows.
    pub name: String,
    /// Host (and port): `ghcr.io`, `localhost:5000`.
    pub host: String,
    /// Allow plain HTTP (only offered for loopback-like hosts).
    pub insecure: bool,
    /// An extra CA certificate file (PEM) to trust for this registry.
    pub ca_file: Option<String>,
}

/// Light, dark, or whatever the system says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// Everything the app remembers between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Registries in the sidebar.
    pub registries: Vec<RegistryEntry>,
    /// Theme.
    pub theme: Theme,
    /// Last window size.
    pub window: Option<(u32, u32)>,
    /// Where pulls are written.
    pub download_dir: Option<String>,
    /// Recently opened repositories (`host/repo`), newest first.
    pub recent: Vec<String>,
    /// Pinned repositories (`host/repo`).
    pub pinned: Vec<String>,
    /// The local engine pulls go into and pushes come from (found, chosen, or off).
    pub engine: EngineChoice,
    /// The signer each repository (`host/repo`) is expected to be signed by.
    pub signers: BTreeMap<String, ExpectedSigner>,
    /// Keys, trusted root and Notation trust store signatures are checked with.
    pub trust: TrustOptions,
    /// Whether an SBOM's package list may be sent to OSV to look up known
    /// vulnerabilities: unset until the user is asked, off unless they say yes.
    pub vulnerability_lookups: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        let entry = |name: &str, host: &str| RegistryEntry {
            name: name.to_owned(),
            host: host.to_owned(),
            insecure: false,
            ca_file: None,
        };
        Self {
            registries: vec![
                entry("GitHub (ghcr.io)", "ghcr.io"),
                entry("Docker Hub", "docker.io"),
            ],
            theme: Theme::System,
            window: None,
            download_dir: None,
            recent: Vec::new(),
            pinned: Vec::new(),
            engine: EngineChoice::Auto,
            signers: BTreeMap::new(),
            trust: TrustOptions::default(),
            vulnerability_lookups: None,
        }
    }
}

impl Settings {
    /// Put `repository` first in the recent list.
    pub fn remember(&mut self, repository: &str) {
        self.recent.retain(|r| r != repository);
        self.recent.insert(0, repository.to_owned());
        self.recent.truncate(MAX_RECENT);
    }
}

/// What the environment sets for this run only, over the saved settings. Never saved: a
/// test, a demo or a one-off `PORTOLAN_DOWNLOAD_DIR=/tmp/x portolan` leaves the user's
/// settings as they were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOverrides {
    /// Where pulls are written (`PORTOLAN_DOWNLOAD_DIR`).
    pub download_dir: Option<String>,
    /// A trusted root to check keyless signatures against (`PORTOLAN_TRUSTED_ROOT`).
    pub trusted_root: Option<String>,
    /// Public keys for key signatures, `:`-separated (`PORTOLAN_PUBLIC_KEYS`).
    pub public_keys: Vec<String>,
    /// A Notation trust store (`PORTOLAN_NOTATION_TRUST_STORE`).
    pub notation_trust_store: Option<String>,
}

impl RunOverrides {
    /// The overrides the environment sets.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The overrides `lookup` (an environment) sets.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| lookup(name).filter(|d| !d.trim().is_empty());
        Self {
            download_dir: set("PORTOLAN_DOWNLOAD_DIR"),
            trusted_root: set("PORTOLAN_TRUSTED_ROOT"),
            public_keys: set("PORTOLAN_PUBLIC_KEYS")
                .map(|keys| {
                    keys.split(':')
                        .filter(|k| !k.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            notation_trust_store: set("PORTOLAN_NOTATION_TRUST_STORE"),
        }
    }

    /// The settings as this run uses them: `saved`, with the overrides over it.
    pub fn over(&self, saved: Settings) -> Settings {
        let mut trust = saved.trust.clone();
        if let Some(root) = &self.trusted_root {
            trust.trusted_root = Some(root.into());
        }
        trust.keys.extend(self.public_keys.iter().map(Into::into));
        if let Some(store) = &self.notation_trust_store {
            trust.notation_trust_store = Some(store.into());
        }
        Settings {
            download_dir: self.download_dir.clone().or(saved.download_dir),
            trust,
            ..saved
        }
    }
}

/// Where the settings are kept: the app's store file, opened once at start-up and held by
/// the app state, so commands read and write settings without the app handle.
#[derive(Clone)]
pub struct SettingsStore {
    store: Arc<Store<Wry>>,
}

impl SettingsStore {
    /// Open the app's settings store.
    pub fn open(app: &AppHandle) -> AppResult<Self> {
        Ok(Self {
            store: app.store(STORE_FILE).map_err(store_error)?,
        })
    }

    /// Read the settings (defaults when there are none yet).
    pub fn load(&self) -> AppResult<Settings> {
        Ok(self
            .store
            .get(KEY)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// Write the settings.
    pub fn save(&self, settings: &Settings) -> AppResult<()> {
        let value = serde_json::to_value(settings)
            .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
        self.store.set(KEY, value);
        self.store.save().map_err(store_error)
    }
}

fn store_error(e: tauri_plugin_store::Error) -> AppError {
    AppError::new(
        ErrorCode::Io,
        format!("cannot read or write the settings: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_dir_from_the_environment_is_for_this_run_only() {
        let env = |name: &str| (name == "PORTOLAN_DOWNLOAD_DIR").then(|| "/tmp/pulls".to_owned());
        let overrides = RunOverrides::from_lookup(env);
        let saved = Settings {
            download_dir: Some("/home/ada/Pulls".to_owned()),
            ..Settings::default()
        };
        let this_run = overrides.over(saved.clone());
        assert_eq!(this_run.download_dir.as_deref(), Some("/tmp/pulls"));
        // What is written back is the saved settings: the override is not in them.
        assert_eq!(saved.download_dir.as_deref(), Some("/home/ada/Pulls"));
        let first_run = overrides.over(Settings::default());
        assert_eq!(first_run.download_dir.as_deref(), Some("/tmp/pulls"));
        assert_eq!(Settings::default().download_dir, None);
        // Unset or empty: the saved folder.
        for unset in [None, Some(String::new())] {
            let overrides = RunOverrides::from_lookup(|_| unset.clone());
            assert_eq!(overrides, RunOverrides::default());
            assert_eq!(overrides.over(saved.clone()), saved);
        }
    }
}
