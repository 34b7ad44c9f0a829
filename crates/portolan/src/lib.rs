//! Portolan's registry engine.
//!
//! Everything the desktop app and the command-line front end do with registries lives
//! here, with no dependency on Tauri or any UI: parsing references ([`reference`]),
//! finding credentials and answering auth challenges ([`auth`]), the OCI Distribution API
//! ([`client`]), and the operations people ask for ([`inspect`]). The [`Client`] facade
//! holds one [`client::RegistryClient`] per registry so connections and tokens are reused.
//!
//! Every body fetched by digest is verified; errors ([`Error`]) say what happened, to
//! which registry and reference, and what to do next; secrets never reach a log line.

pub mod auth;
pub mod client;
pub mod digest;
pub mod error;
pub mod inspect;
pub mod manifest;
pub mod platform;
pub mod reference;
pub mod transport;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use auth::credentials::{Credential, CredentialChain, CredentialProvider, Secret};
pub use client::{PingInfo, RegistryClient};
pub use digest::Digest;
pub use error::{Error, Result};
pub use inspect::ImageReport;
pub use manifest::FetchedManifest;
pub use platform::Platform;
pub use reference::Reference;
pub use transport::TransportOptions;

/// The engine's entry point: one per app or CLI run.
pub struct Client {
    options: Arc<TransportOptions>,
    credentials: Arc<dyn CredentialProvider>,
    registries: Mutex<HashMap<String, Arc<RegistryClient>>>,
}

impl Client {
    /// A client with these transport options and credential sources.
    pub fn new(options: TransportOptions, credentials: impl CredentialProvider + 'static) -> Self {
        Self {
            options: Arc::new(options),
            credentials: Arc::new(credentials),
            registries: Mutex::new(HashMap::new()),
        }
    }

    /// A client that uses no credentials at all.
    pub fn anonymous() -> Self {
        Self::new(TransportOptions::default(), CredentialChain::new())
    }

    /// The per-registry client for `registry` (created on first use).
    pub fn registry(&self, registry: &str) -> Result<Arc<RegistryClient>> {
        let mut map = self.registries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(registry) {
            return Ok(c.clone());
        }
        let client = Arc::new(RegistryClient::new(
            registry,
            self.options.clone(),
            self.credentials.clone(),
        )?);
        map.insert(registry.to_owned(), client.clone());
        Ok(client)
    }

    /// Check that `registry` answers and accepts our credential.
    pub async fn ping(&self, registry: &str) -> Result<PingInfo> {
        self.registry(registry)?.ping().await
    }

    /// Check `credential` against `registry` without saving it anywhere (what `login` does
    /// before it stores a secret).
    #[tracing::instrument(level = "info", skip(self, credential))]
    pub async fn verify_login(&self, registry: &str, credential: Credential) -> Result<PingInfo> {
        let chain = CredentialChain::new().with_explicit(registry, credential);
        let client = RegistryClient::new(registry, self.options.clone(), Arc::new(chain))?;
        client.ping().await
    }

    /// Every repository `registry` lists in its catalog.
    #[tracing::instrument(level = "info", skip(self))]
    pub async fn repositories(&self, registry: &str) -> Result<Vec<String>> {
        self.registry(registry)?.catalog_all(100).await
    }

    /// Every tag of the repository `reference` names (its tag or digest is ignored).
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference.name()))]
    pub async fn tags(&self, reference: &Reference) -> Result<Vec<String>> {
        self.registry(reference.registry())?
            .tags_all(reference.repository())
            .await
    }

    /// The manifest `reference` points at, verified.
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn manifest(&self, reference: &Reference) -> Result<FetchedManifest> {
        self.registry(reference.registry())?
            .get_manifest(reference.repository(), &reference.target())
            .await
    }

    /// The digest `reference` resolves to (a `HEAD`, no download when the registry says).
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn resolve_digest(&self, reference: &Reference) -> Result<Digest> {
        Ok(self
            .registry(reference.registry())?
            .head_manifest(reference.repository(), &reference.target())
            .await?
            .digest)
    }

    /// Describe `reference`: manifest or index, platforms, layers with history, config.
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn inspect(
        &self,
        reference: &Reference,
        platform: Option<&Platform>,
    ) -> Result<ImageReport> {
        let client = self.registry(reference.registry())?;
        inspect::inspect(&client, reference, platform).await
    }

    /// Signatures, SBOMs and other artifacts that refer to `reference`'s digest.
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn referrers(
        &self,
        reference: &Reference,
    ) -> Result<(Vec<oci_spec::image::Descriptor>, client::ReferrersSource)> {
        let client = self.registry(reference.registry())?;
        let digest = match reference.digest() {
            Some(d) => d.clone(),
            None => {
                client
                    .head_manifest(reference.repository(), &reference.target())
                    .await?
                    .digest
            }
        };
        client.referrers(reference.repository(), &digest).await
    }
}
