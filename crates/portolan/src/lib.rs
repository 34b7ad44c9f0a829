//! Portolan's registry engine.
//!
//! Everything the desktop app and the command-line front end do with registries lives
//! here, with no dependency on Tauri or any UI: parsing references ([`reference`]),
//! finding credentials and answering auth challenges ([`auth`]), the OCI Distribution API
//! ([`client`]), the operations people ask for ([`inspect`], [`referrers`],
//! [`layer_files`]), moving images ([`transfer`]) and changing tags ([`tags`]), what
//! vouches for an image ([`supply_chain`]: signatures, attestations, SBOMs, provenance),
//! and the hosting services' own APIs beside the registry protocol ([`hosted_apis`]). The
//! [`Client`] facade holds one [`client::RegistryClient`] per registry so connections and
//! tokens are reused.
//!
//! Every body fetched by digest is verified; errors ([`Error`]) say what happened, to
//! which registry and reference, and what to do next; secrets never reach a log line.

pub mod auth;
pub mod client;
pub mod digest;
pub mod error;
pub mod hosted_apis;
pub mod inspect;
pub mod layer_files;
pub mod layout;
pub mod local_engine;
pub mod manifest;
pub mod platform;
pub mod reference;
pub mod referrers;
pub mod supply_chain;
pub mod tags;
pub mod transfer;
pub mod transport;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use auth::chain::CredentialChain;
pub use auth::credential::{Credential, CredentialProvider, Secret};
pub use client::{PingInfo, RegistryClient};
pub use digest::Digest;
pub use error::{Error, ErrorCode, Result};
pub use inspect::ImageReport;
pub use manifest::FetchedManifest;
pub use platform::Platform;
pub use reference::Reference;
pub use tags::UntagMethod;
pub use transfer::copy::CopyReport;
pub use transfer::progress::{Cancel, Progress, ProgressEvent};
pub use transfer::pull::{PlatformChoice, PullOptions, PullReport};
pub use transfer::push::{PushOptions, PushReport, PushSource};
pub use transport::TransportOptions;

/// The engine's entry point: one per app or CLI run.
pub struct Client {
    options: Arc<TransportOptions>,
    credentials: Arc<dyn CredentialProvider>,
    registries: Mutex<HashMap<String, Arc<RegistryClient>>>,
    blob_homes: Arc<client::BlobHomes>,
    listings: Option<layer_files::cache::ListingCache>,
}

impl Client {
    /// A client with these transport options and credential sources.
    pub fn new(options: TransportOptions, credentials: impl CredentialProvider + 'static) -> Self {
        Self {
            options: Arc::new(options),
            credentials: Arc::new(credentials),
            registries: Mutex::new(HashMap::new()),
            blob_homes: Arc::default(),
            listings: None,
        }
    }

    /// Use (and fill) this record of where blobs live, e.g. one loaded from a cache file,
    /// so later pushes and copies can mount instead of upload.
    pub fn with_blob_homes(mut self, homes: Arc<client::BlobHomes>) -> Self {
        self.blob_homes = homes;
        self
    }

    /// Keep layer listings in `cache` and read them from there (see
    /// [`layer_files::cache`]).
    pub fn with_listing_cache(mut self, cache: layer_files::cache::ListingCache) -> Self {
        self.listings = Some(cache);
        self
    }

    /// The record of where blobs live (to save it).
    pub fn blob_homes(&self) -> &Arc<client::BlobHomes> {
        &self.blob_homes
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
            self.blob_homes.clone(),
        )?);
        map.insert(registry.to_owned(), client.clone());
        Ok(client)
    }

    /// The credential the client would use for `registry` (looked up off the async
    /// threads: keyring and helper lookups block), for a [`hosted_apis`] client that takes
    /// the same token (GitHub Packages, Docker Hub).
    pub async fn credential_for(&self, registry: &str) -> Result<Option<Credential>> {
        let credentials = self.credentials.clone();
        let registry = registry.to_owned();
        tokio::task::spawn_blocking(move || credentials.credential_for(&registry))
            .await
            .map_err(|e| Error::internal(format!("the credential lookup stopped: {e}")))?
    }

    /// The transport options the client was built with (for a [`hosted_apis`] client).
    pub fn transport_options(&self) -> &TransportOptions {
        &self.options
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
        let client = RegistryClient::new(
            registry,
            self.options.clone(),
            Arc::new(chain),
            Arc::default(),
        )?;
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

    /// How many tags the repository `reference` names has, counted up to `cap` without
    /// keeping their names (what a catalog row shows): `(count, complete)`, `complete`
    /// false when counting stopped at `cap`.
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference.name()))]
    pub async fn count_tags(&self, reference: &Reference, cap: usize) -> Result<(usize, bool)> {
        self.registry(reference.registry())?
            .count_tags(reference.repository(), cap)
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

    /// What the registry says about the manifest `reference` points at, without its body
    /// (a `HEAD`): digest, media type, size.
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn manifest_head(&self, reference: &Reference) -> Result<client::ManifestHead> {
        self.registry(reference.registry())?
            .head_manifest(reference.repository(), &reference.target())
            .await
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

    /// A tag's row for a list: digest, kind, platforms, size and date.
    pub async fn tag_summary(&self, reference: &Reference) -> Result<inspect::TagSummary> {
        let client = self.registry(reference.registry())?;
        inspect::tag_summary(&client, reference).await
    }

    /// Forget the per-registry client (and its cached credential and tokens), e.g. after
    /// the user signed in or out.
    pub fn forget(&self, registry: &str) {
        self.registries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(registry);
    }

    /// Signatures, SBOMs and other artifacts that refer to `reference`'s digest.
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn referrers(
        &self,
        reference: &Reference,
    ) -> Result<(Vec<oci_spec::image::Descriptor>, client::ReferrersSource)> {
        let client = self.registry(reference.registry())?;
        let digest = client
            .digest_of(reference.repository(), &reference.target())
            .await?;
        client.referrers(reference.repository(), &digest).await
    }

    /// The referrers of what `reference` points at, each digest once, with the source that
    /// answered (the referrers API, the fallback tag, or neither).
    #[tracing::instrument(level = "info", skip(self), fields(reference = %reference))]
    pub async fn list_referrers(
        &self,
        reference: &Reference,
    ) -> Result<referrers::ReferrersReport> {
        let client = self.registry(reference.registry())?;
        referrers::list(&client, reference).await
    }

    /// Pull `reference` into the OCI image layout folder `dir`.
    pub async fn pull_to_layout(
        &self,
        reference: &Reference,
        dir: &std::path::Path,
        options: &PullOptions,
    ) -> Result<PullReport> {
        let client = self.registry(reference.registry())?;
        transfer::pull::pull_to_layout(&client, reference, dir, options).await
    }

    /// Pull `reference` into a `docker load` archive at `file`.
    pub async fn pull_to_archive(
        &self,
        reference: &Reference,
        file: &std::path::Path,
        options: &PullOptions,
    ) -> Result<PullReport> {
        let client = self.registry(reference.registry())?;
        transfer::pull::pull_to_archive(&client, reference, file, options).await
    }

    /// Push a local image (OCI layout or docker archive) to `reference`.
    pub async fn push(
        &self,
        source: &PushSource,
        reference: &Reference,
        options: &PushOptions,
    ) -> Result<PushReport> {
        let client = self.registry(reference.registry())?;
        transfer::push::push(&client, source, reference, options).await
    }

    /// Pull `reference` into the local `engine` (streamed into its image load endpoint) and
    /// name it after the reference.
    pub async fn pull_into_engine(
        &self,
        reference: &Reference,
        engine: &local_engine::engine::LocalEngine,
        options: &PullOptions,
    ) -> Result<transfer::pull_engine::EnginePullReport> {
        let client = self.registry(reference.registry())?;
        transfer::pull_engine::pull_into_engine(&client, reference, engine, options).await
    }

    /// Push `image` from the local `engine` to `reference` (its archive spooled in
    /// `spool_dir` while it is pushed).
    pub async fn push_from_engine(
        &self,
        engine: &local_engine::engine::LocalEngine,
        image: &str,
        reference: &Reference,
        spool_dir: &std::path::Path,
        options: &PushOptions,
    ) -> Result<PushReport> {
        let client = self.registry(reference.registry())?;
        transfer::push_engine::push_from_engine(
            &client, engine, image, reference, spool_dir, options,
        )
        .await
    }

    /// Copy `from` to `to` (same or another registry), optionally with its referrers.
    pub async fn copy(
        &self,
        from: &Reference,
        to: &Reference,
        referrers: bool,
        options: &PushOptions,
    ) -> Result<CopyReport> {
        let src = self.registry(from.registry())?;
        let dst = self.registry(to.registry())?;
        transfer::copy::copy(&src, &dst, from, to, referrers, options).await
    }

    /// Give the manifest `source` points at another tag.
    pub async fn tag(&self, source: &Reference, new_tag: &str) -> Result<Digest> {
        let client = self.registry(source.registry())?;
        tags::tag(&client, source, new_tag).await
    }

    /// Remove one tag, keeping the image and its other tags.
    pub async fn untag(&self, reference: &Reference) -> Result<UntagMethod> {
        let client = self.registry(reference.registry())?;
        tags::untag(&client, reference).await
    }

    /// Point the tag of `reference` at a new, unique placeholder manifest (only while it
    /// points at the digest `reference` names, when it names one); the placeholder's
    /// digest. See [`tags::move_to_placeholder`].
    pub async fn move_to_placeholder(&self, reference: &Reference) -> Result<Digest> {
        let client = self.registry(reference.registry())?;
        tags::move_to_placeholder(&client, reference).await
    }

    /// Remove many tags of `repository` (each `(tag, digest it must still point at)`),
    /// keeping the images and their other tags; results in the order given, each also
    /// told to `finished` as it ends.
    pub async fn untag_many(
        &self,
        repository: &Reference,
        tags: &[(String, Digest)],
        finished: impl FnMut(usize, &Result<UntagMethod>),
    ) -> Result<Vec<Result<UntagMethod>>> {
        let client = self.registry(repository.registry())?;
        Ok(
            crate::tags::untag_many::untag_many(&client, repository.repository(), tags, finished)
                .await,
        )
    }

    /// Delete a manifest by digest, with every tag on it.
    pub async fn delete(&self, reference: &Reference) -> Result<Digest> {
        let client = self.registry(reference.registry())?;
        tags::delete(&client, reference).await
    }
}
