//! What the app holds while it runs: the engine client and the credential chain it uses
//! (both rebuilt when registries or sign-ins change), the secret store, and the transfers
//! of this run. How the client is built is decided by the operations layer
//! (`portolan_ops::setup`), the same way as for the CLI.

use std::sync::{Arc, Mutex, RwLock};

use tauri::ipc::Channel;

use portolan_ops::catalog::CatalogPages;
use portolan_ops::setup::{Built, ClientSetup, RegistryAccess};
use portolan_ops::transfers::Transfers;
use portolan_ops::{Client, CredentialChain, SecretStore};

use crate::commands::files::DroppedFiles;
use crate::settings::{Settings, SettingsStore};

/// Shared app state.
pub struct AppState {
    built: RwLock<(Arc<Client>, CredentialChain)>,
    /// The saved settings.
    pub settings: SettingsStore,
    /// The user's download folder (pulls go into `portolan` in it unless told otherwise),
    /// or why the desktop does not say where it is.
    pub downloads: Result<std::path::PathBuf, String>,
    /// Where sign-ins are saved (the OS keyring).
    pub secrets: Arc<dyn SecretStore>,
    /// Transfers of this run.
    pub transfers: Arc<Transfers>,
    /// Catalog pages handed to the UI as tokens.
    pub catalog: CatalogPages,
    /// Long reads (layer listings, trees, comparisons) the window can stop.
    pub reads: crate::reads::Reads,
    /// The end-to-end tests' hooks (only in a build with the `test-hooks` feature).
    pub test_hooks: crate::test_hooks::TestHooks,
    /// What the environment sets for this run only, over the saved settings.
    pub overrides: crate::settings::RunOverrides,
    /// Where the vendor APIs are (GitHub Packages, Docker Hub), from the environment.
    pub vendor_apis: portolan_ops::packages::VendorApis,
    drops: Mutex<Option<Channel<DroppedFiles>>>,
}

/// What the operations layer needs to build the client for these settings.
pub fn setup_for(settings: &Settings, secrets: Arc<dyn SecretStore>) -> ClientSetup {
    ClientSetup {
        registries: settings
            .registries
            .iter()
            .map(|r| RegistryAccess {
                host: r.host.clone(),
                insecure: r.insecure,
                ca_file: r.ca_file.as_ref().map(Into::into),
            })
            .collect(),
        saved_logins: Some(secrets),
        docker_login: true,
        transport: None,
    }
}

/// The client for these settings; what the user should know about it is logged (the
/// sidebar shows the per-registry warnings itself).
fn build(settings: &Settings, secrets: Arc<dyn SecretStore>) -> (Arc<Client>, CredentialChain) {
    let (client, chain, warnings) = build_with_warnings(settings, secrets);
    for w in &warnings {
        tracing::warn!("{w}");
    }
    (client, chain)
}

fn build_with_warnings(
    settings: &Settings,
    secrets: Arc<dyn SecretStore>,
) -> (Arc<Client>, CredentialChain, Vec<String>) {
    match setup_for(settings, secrets.clone()).build() {
        Ok(b) => (Arc::new(b.client), b.credentials, b.warnings),
        // A registry entry that is not a host (edited settings): keep going without it.
        Err(e) => {
            let fallback = ClientSetup {
                saved_logins: Some(secrets),
                docker_login: true,
                ..ClientSetup::default()
            };
            match fallback.build() {
                Ok(b) => (
                    Arc::new(b.client),
                    b.credentials,
                    vec![format!("a registry in the settings is ignored: {e}")],
                ),
                Err(_) => {
                    let b = Built::anonymous(e.to_string());
                    (Arc::new(b.client), b.credentials, b.warnings)
                }
            }
        }
    }
}

impl AppState {
    /// State for `settings`, as read from `store`; pulls go by default under `downloads`.
    pub fn new(
        store: SettingsStore,
        downloads: Result<std::path::PathBuf, String>,
        settings: &Settings,
    ) -> Self {
        let secrets = portolan_ops::setup::os_keyring();
        Self {
            built: RwLock::new(build(settings, secrets.clone())),
            settings: store,
            downloads,
            secrets,
            transfers: Arc::default(),
            catalog: CatalogPages::default(),
            reads: crate::reads::Reads::default(),
            test_hooks: crate::test_hooks::TestHooks::from_env(),
            overrides: crate::settings::RunOverrides::from_env(),
            vendor_apis: portolan_ops::packages::VendorApis::for_window(),
            drops: Mutex::new(None),
        }
    }

    /// Where files dropped on the window go from now on.
    pub fn set_drop_channel(&self, channel: Channel<DroppedFiles>) {
        *self.drops.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
    }

    /// Hand files dropped on the window to the UI, if it listens.
    pub fn dropped(&self, paths: &[std::path::PathBuf]) {
        if let Some(channel) = &*self.drops.lock().unwrap_or_else(|e| e.into_inner()) {
            let paths = paths.iter().map(|p| p.display().to_string()).collect();
            let _ = channel.send(DroppedFiles { paths });
        }
    }

    /// The current engine client.
    pub fn client(&self) -> Arc<Client> {
        self.built
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    /// The credential chain the client uses.
    pub fn credentials(&self) -> CredentialChain {
        self.built
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone()
    }

    /// Rebuild the client (registries or sign-ins changed).
    pub fn rebuild(&self, settings: &Settings) {
        *self.built.write().unwrap_or_else(|e| e.into_inner()) =
            build(settings, self.secrets.clone());
    }
}
