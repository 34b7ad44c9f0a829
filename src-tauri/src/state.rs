//! What the app holds while it runs: the engine client (rebuilt when registries or
//! sign-ins change), the secret store, and the cancel tokens of running transfers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use portolan::auth::docker_config::DockerConfig;
use portolan::auth::secret_store::{KeyringStore, SecretStore};
use portolan::{Cancel, Client, CredentialChain, TransportOptions};

use crate::settings::Settings;

/// Shared app state.
pub struct AppState {
    client: RwLock<Arc<Client>>,
    /// Where sign-ins are saved (the OS keyring).
    pub secrets: Arc<dyn SecretStore>,
    transfers: Mutex<HashMap<u32, Cancel>>,
}

/// The engine client for these settings: their TLS and plain-HTTP choices, credentials
/// from the keyring first and the user's Docker login second.
pub fn build_client(settings: &Settings, secrets: Arc<dyn SecretStore>) -> Client {
    let mut options = TransportOptions::default();
    for r in &settings.registries {
        if r.insecure {
            options.insecure_hosts.insert(r.host.clone());
        }
        if let Some(ca) = &r.ca_file {
            options.extra_ca_files.push((r.host.clone(), ca.into()));
        }
    }
    let mut chain = CredentialChain::new().with_store(secrets);
    match DockerConfig::load_default() {
        Ok(docker) => chain = chain.with_docker_config(docker),
        Err(e) => tracing::warn!("ignoring the Docker config: {e}"),
    }
    Client::new(options, chain)
}

impl AppState {
    /// State for these settings.
    pub fn new(settings: &Settings) -> Self {
        let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::default());
        Self {
            client: RwLock::new(Arc::new(build_client(settings, secrets.clone()))),
            secrets,
            transfers: Mutex::default(),
        }
    }

    /// The current engine client.
    pub fn client(&self) -> Arc<Client> {
        self.client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Rebuild the client (registries or sign-ins changed).
    pub fn rebuild(&self, settings: &Settings) {
        *self.client.write().unwrap_or_else(|e| e.into_inner()) =
            Arc::new(build_client(settings, self.secrets.clone()));
    }

    /// Register a transfer under the id the UI chose; returns its cancel token.
    pub fn register_transfer(&self, id: u32) -> Cancel {
        let cancel = Cancel::new();
        self.transfers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, cancel.clone());
        cancel
    }

    /// Forget a finished transfer.
    pub fn end_transfer(&self, id: u32) {
        self.transfers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Cancel a running transfer; false when it is not running.
    pub fn cancel_transfer(&self, id: u32) -> bool {
        match self
            .transfers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
        {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }
}
