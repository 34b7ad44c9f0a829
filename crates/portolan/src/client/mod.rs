//! The OCI Distribution API for one registry: one method per endpoint, verified bodies.
//!
//! A [`RegistryClient`] owns everything that is per registry: the HTTP client (with that
//! host's extra CA certificates), whether it is reached over HTTPS or allowed plain HTTP,
//! the credential to use, and the bearer tokens cached per scope. Every request goes
//! through [`RegistryClient::send`], which answers auth challenges, retries what is safe
//! to retry, and never lets a secret into a log line or an error.

mod blob_homes;
mod blobs;
mod error_body;
pub mod link;
pub mod name_list;
pub mod origins;
mod request;
#[cfg(test)]
pub(crate) mod tests;

use std::sync::{Arc, Mutex};

use oci_spec::image::{Descriptor, ImageIndex};
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use crate::auth::credential::{Credential, CredentialProvider};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{
    FetchedManifest, Manifest, ManifestParseError, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, OCI_INDEX,
};
use crate::reference::{api_host, Target};
use crate::transport::rate_limit::RateLimit;
use crate::transport::TransportOptions;

pub use blob_homes::BlobHomes;
pub use blobs::{push_scope, BlobRead, Mount, UploadSession};
pub use request::{Call, Payload};

const MAX_LIST_BODY: u64 = 16 * 1024 * 1024;
/// Error bodies are read up to this much (they are shown, never kept).
const MAX_ERROR_BODY: u64 = 64 * 1024;
/// A name list (tags, repositories) is read over at most this many pages.
pub const MAX_PAGES: usize = 10_000;
pub use name_list::{MAX_LIST_BYTES, MAX_NAME_BYTES};

/// The most referrers one subject may have, across every page of the answer (as many as
/// an index may list).
pub const MAX_REFERRERS: usize = crate::manifest::MAX_INDEX_ENTRIES;
const MAX_REFERRER_PAGES: usize = 100;

/// A client for one registry host.
pub struct RegistryClient {
    registry: String,
    host: String,
    /// The client for the registry's own host (its CA files and client certificate).
    http: reqwest::Client,
    /// Clients for other hosts it sends us to (realm, blob storage, upload hosts).
    hosts: origins::HostClients,
    options: Arc<TransportOptions>,
    credentials: Arc<dyn CredentialProvider>,
    credential: tokio::sync::OnceCell<Option<Credential>>,
    endpoint: tokio::sync::OnceCell<request::Endpoint>,
    auth: Mutex<request::AuthState>,
    /// Which repositories each blob was seen in, to mount from.
    blob_homes: Arc<BlobHomes>,
    /// The pull rate limit the registry reported last (Docker Hub's `ratelimit-*`).
    rate: Mutex<Option<RateLimit>>,
    /// Platform manifests of indexes read for tag rows at once, across every row: each may
    /// be 4 MiB (and more once parsed), and a list asks for many rows together.
    index_children: tokio::sync::Semaphore,
    /// Whether the registry has the referrers API, once a request has told (a registry with
    /// it never answers 404 there, so one 404 says it for the whole registry).
    has_referrers_api: std::sync::OnceLock<bool>,
}

/// Platform manifests read for tag rows at once, per registry.
pub const INDEX_CHILDREN_AT_ONCE: usize = 8;

/// What `/v2/` told us about a registry.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PingInfo {
    /// The base URL in use (`https://ghcr.io/`, or `http://` for allowed hosts).
    pub base_url: String,
    /// `none`, `basic` or `bearer`.
    pub auth: &'static str,
    /// Whether a credential was found for this registry.
    pub signed_in: bool,
}

/// One page of a list (`_catalog` or `tags/list`).
#[derive(Debug, Clone)]
pub struct Page {
    /// The names on this page.
    pub items: Vec<String>,
    /// Where the next page is, if the registry said.
    pub next: Option<url::Url>,
}

/// What a `HEAD` of a manifest says.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ManifestHead {
    /// The manifest's digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: Option<String>,
    /// Its size in bytes.
    pub size: Option<u64>,
}

/// How referrers were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReferrersSource {
    /// The registry's referrers API.
    Api,
    /// The `sha256-<hex>` fallback tag.
    FallbackTag,
    /// Neither had anything.
    None,
}

impl RegistryClient {
    /// The pull rate limit the registry reported on its last answer, if it reports one
    /// (Docker Hub: `ratelimit-limit: 100;w=21600`, `ratelimit-remaining`).
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Keep what `headers` say about the rate limit, if anything.
    fn note_rate_limit(&self, headers: &HeaderMap) {
        if let Some(rate) = RateLimit::of(headers) {
            *self.rate.lock().unwrap_or_else(|e| e.into_inner()) = Some(rate);
        }
    }
    /// A client for `registry` (canonical name, `docker.io` for Docker Hub).
    pub fn new(
        registry: &str,
        options: Arc<TransportOptions>,
        credentials: Arc<dyn CredentialProvider>,
        blob_homes: Arc<BlobHomes>,
    ) -> Result<Self> {
        let host = api_host(registry).to_owned();
        let hosts = origins::HostClients::new(options.clone(), &host)?;
        let http = hosts.for_host(&host)?;
        Ok(Self {
            registry: registry.to_owned(),
            host,
            http,
            hosts,
            options,
            credentials,
            credential: tokio::sync::OnceCell::new(),
            endpoint: tokio::sync::OnceCell::new(),
            auth: Mutex::new(request::AuthState::default()),
            blob_homes,
            rate: Mutex::new(None),
            index_children: tokio::sync::Semaphore::new(INDEX_CHILDREN_AT_ONCE),
            has_referrers_api: std::sync::OnceLock::new(),
        })
    }

    /// A turn to read an index's platform manifest for a tag row (see
    /// [`INDEX_CHILDREN_AT_ONCE`]); held until the manifest is reduced to what the row
    /// shows.
    pub async fn index_child_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.index_children.acquire().await.ok()
    }

    /// The registry's canonical name.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// How failed requests to this registry are retried (the configured policy).
    pub fn retry_policy(&self) -> crate::transport::RetryPolicy {
        self.options.retry
    }

    /// Check that the registry answers and that our credential (if any) is accepted.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn ping(&self) -> Result<PingInfo> {
        let endpoint = self.endpoint().await?;
        let url = endpoint.base.join("v2/").map_err(|e| self.bad_url(e))?;
        let response = self
            .send(Call::new(Method::GET, url, None, "the registry's API root"))
            .await?;
        self.expect_success(response, "the registry's API root")
            .await?;
        let auth = {
            let state = self.auth_state();
            if state.bearer.is_some() {
                "bearer"
            } else if state.basic {
                "basic"
            } else {
                "none"
            }
        };
        Ok(PingInfo {
            base_url: endpoint.base.to_string(),
            auth,
            signed_in: self.credential().await?.is_some(),
        })
    }

    /// One page of `_catalog`. `next` is the URL from the previous page's `Link`.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn catalog_page(&self, page_size: u32, next: Option<url::Url>) -> Result<Page> {
        let (body, next) = self.catalog_body(page_size, next).await?;
        self.page_of(&body, "repositories", next, "its repository catalog")
    }

    /// The body of one page of `_catalog`, and where the next page is.
    async fn catalog_body(
        &self,
        page_size: u32,
        next: Option<url::Url>,
    ) -> Result<(Vec<u8>, Option<url::Url>)> {
        let what = "its repository catalog";
        let url = match next {
            Some(u) => self.same_origin(u, what).await?,
            None => self.api_url(&format!("v2/_catalog?n={page_size}")).await?,
        };
        let call = Call::new(
            Method::GET,
            url.clone(),
            Some("registry:catalog:*".to_owned()),
            what,
        );
        let response = match self.send(call).await {
            // Signed in (or anonymous) without catalog rights: the registry lists nothing to us.
            Err(Error::Denied { .. }) => {
                return Err(Error::CatalogUnavailable {
                    registry: self.registry.clone(),
                    status: 401,
                })
            }
            other => other?,
        };
        let status = response.status();
        if matches!(status.as_u16(), 401 | 403 | 404 | 405) {
            return Err(Error::CatalogUnavailable {
                registry: self.registry.clone(),
                status: status.as_u16(),
            });
        }
        let (body, headers) = self.success_body(response, what, MAX_LIST_BODY).await?;
        let next = next_from(&headers, &url);
        Ok((body, next))
    }

    /// Every repository in the catalog, following `Link` pages.
    pub async fn catalog_all(&self, page_size: u32) -> Result<Vec<String>> {
        self.collect_pages("the repository names", "repositories", |next| {
            self.catalog_body(page_size, next)
        })
        .await
    }

    /// The body of one page of a repository's tags, and where the next page is.
    async fn tags_body(
        &self,
        repository: &str,
        page_size: u32,
        next: Option<url::Url>,
    ) -> Result<(Vec<u8>, Option<url::Url>)> {
        let what = format!("the tag list of {}/{repository}", self.registry);
        let url = match next {
            Some(u) => self.same_origin(u, &what).await?,
            None => {
                self.api_url(&format!("v2/{repository}/tags/list?n={page_size}"))
                    .await?
            }
        };
        let call = Call::new(
            Method::GET,
            url.clone(),
            Some(pull_scope(repository)),
            &what,
        );
        let (body, headers) = self.fetch(call, MAX_LIST_BODY).await?;
        let next = next_from(&headers, &url);
        Ok((body, next))
    }

    /// Every tag of a repository, following `Link` pages (registries that ignore `n` and
    /// send everything at once are fine too), in lexical order: the spec promises that
    /// order, but distribution 2.8 answers in storage order. At most
    /// [`MAX_LIST_BYTES`] of names are read.
    pub async fn tags_all(&self, repository: &str) -> Result<Vec<String>> {
        let mut tags = self
            .collect_pages(&format!("the tags of {repository}"), "tags", |next| {
                self.tags_body(repository, 1000, next)
            })
            .await?;
        tags.sort_unstable();
        Ok(tags)
    }

    /// How many distinct tags a repository has, counted up to `cap` without keeping
    /// them: `(count, complete)`, `complete` false when counting stopped at the cap.
    pub async fn count_tags(&self, repository: &str, cap: usize) -> Result<(usize, bool)> {
        let what = format!("the tags of {repository}");
        name_list::count_distinct(
            cap,
            "tags",
            |next| self.tags_body(repository, 1000, next),
            |e| self.not_a_name_list(&what, e),
        )
        .await
    }

    /// One page's names, within the list budget.
    fn page_of(
        &self,
        body: &[u8],
        field: &'static str,
        next: Option<url::Url>,
        what: &str,
    ) -> Result<Page> {
        let mut collected = name_list::Collected::new(MAX_LIST_BYTES);
        let mut refused = None;
        let end = name_list::each_name(body, field, &mut |name| match collected.take(name) {
            Ok(()) => name_list::Flow::More,
            Err(why) => {
                refused = Some(why);
                name_list::Flow::Stop
            }
        });
        if let Some(why) = refused {
            return Err(self.refused_name(what, why, collected.names.len()));
        }
        if let name_list::PageEnd::Invalid(e) = end {
            return Err(self.not_a_name_list(what, e));
        }
        Ok(Page {
            items: collected.names,
            next,
        })
    }

    /// Every name of the pages `fetch` returns, each once, within [`MAX_LIST_BYTES`] and
    /// [`MAX_PAGES`], checked at every name.
    async fn collect_pages<F, Fut>(
        &self,
        what: &str,
        field: &'static str,
        mut fetch: F,
    ) -> Result<Vec<String>>
    where
        F: FnMut(Option<url::Url>) -> Fut,
        Fut: std::future::Future<Output = Result<(Vec<u8>, Option<url::Url>)>>,
    {
        let mut collected = name_list::Collected::new(MAX_LIST_BYTES);
        let mut next = None;
        for _ in 0..MAX_PAGES {
            let (body, link) = fetch(next.take()).await?;
            let before = collected.names.len();
            let mut refused = None;
            let end = name_list::each_name(&body, field, &mut |name| match collected.take(name) {
                Ok(()) => name_list::Flow::More,
                Err(why) => {
                    refused = Some(why);
                    name_list::Flow::Stop
                }
            });
            drop(body);
            if let Some(why) = refused {
                return Err(self.refused_name(what, why, collected.names.len()));
            }
            if let name_list::PageEnd::Invalid(e) = end {
                return Err(self.not_a_name_list(what, e));
            }
            match link {
                // A page that adds nothing new means the registry is looping: stop.
                Some(n) if collected.names.len() > before => next = Some(n),
                _ => return Ok(collected.names),
            }
        }
        Err(Error::OverBudget {
            registry: self.registry.clone(),
            what: format!("{what} over more pages"),
            limit: format!("{MAX_PAGES} pages"),
        })
    }

    /// The error for a name a list may not hold.
    fn refused_name(&self, what: &str, why: name_list::Refused, read: usize) -> Error {
        match why {
            name_list::Refused::TooLong(bytes) => Error::protocol(
                &self.registry,
                what,
                format!("it lists a name of {bytes} bytes (at most {MAX_NAME_BYTES} are allowed)"),
            ),
            name_list::Refused::OverBudget => Error::OverBudget {
                registry: self.registry.clone(),
                what: format!("{what} ({read} read so far)"),
                limit: format!("{} of names", crate::error::size_words(MAX_LIST_BYTES)),
            },
        }
    }

    fn not_a_name_list(&self, what: &str, detail: String) -> Error {
        Error::protocol(
            &self.registry,
            what,
            format!("the body is not the JSON the API describes ({detail})"),
        )
    }

    /// Fetch a manifest by tag or digest, verified against the digest asked for and the
    /// `Docker-Content-Digest` the registry announced.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn get_manifest(&self, repository: &str, target: &Target) -> Result<FetchedManifest> {
        let what = format!("manifest {}/{repository}{}", self.registry, target.suffix());
        let url = self
            .api_url(&format!("v2/{repository}/manifests/{target}"))
            .await?;
        let call = Call::new(Method::GET, url, Some(pull_scope(repository)), &what)
            .accept(MANIFEST_ACCEPT);
        let (bytes, headers) = self.fetch(call, MAX_MANIFEST_BYTES).await?;
        let digest = self.verify_content(&bytes, target, &headers, &what)?;
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let (manifest, media_type) =
            Manifest::parse(&bytes, content_type).map_err(|e| match e {
                ManifestParseError::Unsupported { media_type, hint } => {
                    Error::UnsupportedManifest {
                        reference: format!("{}/{repository}{}", self.registry, target.suffix()),
                        media_type,
                        hint,
                    }
                }
                ManifestParseError::Invalid(detail) => {
                    Error::protocol(&self.registry, &what, detail)
                }
            })?;
        Ok(FetchedManifest {
            digest,
            media_type,
            bytes,
            manifest,
        })
    }

    /// The digest `target` names: itself when it is one, else what the tag points at now
    /// (a `HEAD`, nothing downloaded).
    pub async fn digest_of(&self, repository: &str, target: &Target) -> Result<Digest> {
        match target.digest() {
            Some(d) => Ok(d.clone()),
            None => Ok(self.head_manifest(repository, target).await?.digest),
        }
    }

    /// `HEAD` a manifest: its digest without downloading it (falls back to `GET` when the
    /// registry does not announce a digest).
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn head_manifest(&self, repository: &str, target: &Target) -> Result<ManifestHead> {
        let what = format!("manifest {}/{repository}{}", self.registry, target.suffix());
        let url = self
            .api_url(&format!("v2/{repository}/manifests/{target}"))
            .await?;
        let call = Call::new(Method::HEAD, url, Some(pull_scope(repository)), &what)
            .accept(MANIFEST_ACCEPT);
        let response = self.send(call).await?;
        let headers = response.headers().clone();
        self.expect_success(response, &what).await?;
        let announced = headers
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| Digest::parse(v.trim()).ok());
        match announced {
            Some(digest) => {
                if let Some(asked) = target.digest() {
                    if *asked != digest {
                        return Err(Error::DigestMismatch {
                            registry: self.registry.clone(),
                            what,
                            expected: asked.to_string(),
                            actual: digest.to_string(),
                        });
                    }
                }
                Ok(ManifestHead {
                    digest,
                    media_type: headers
                        .get(CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                    size: headers
                        .get(reqwest::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse().ok()),
                })
            }
            None => {
                let m = self.get_manifest(repository, target).await?;
                Ok(ManifestHead {
                    size: Some(m.bytes.len() as u64),
                    media_type: Some(m.media_type),
                    digest: m.digest,
                })
            }
        }
    }

    /// Fetch a small blob (an image config) into memory, verified against its digest.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn get_blob_bytes(
        &self,
        repository: &str,
        digest: &Digest,
        limit: u64,
    ) -> Result<Vec<u8>> {
        let what = format!("blob {digest} of {}/{repository}", self.registry);
        let url = self
            .api_url(&format!("v2/{repository}/blobs/{digest}"))
            .await?;
        let call = Call::new(Method::GET, url, Some(pull_scope(repository)), &what);
        let (bytes, _) = self.fetch(call, limit).await?;
        if !digest.matches(&bytes) {
            return Err(Error::DigestMismatch {
                registry: self.registry.clone(),
                what,
                expected: digest.to_string(),
                actual: Digest::sha256_of(&bytes).to_string(),
            });
        }
        Ok(bytes)
    }

    /// The artifacts that refer to `digest` (signatures, SBOMs): the referrers API, else the
    /// `sha256-<hex>` fallback tag, else none.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn referrers(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<(Vec<Descriptor>, ReferrersSource)> {
        if let Some(found) = self.referrers_api(repository, digest).await? {
            return Ok((found, ReferrersSource::Api));
        }
        match self.referrers_fallback(repository, digest).await? {
            Some((index, _)) => Ok((index.manifests().clone(), ReferrersSource::FallbackTag)),
            None => Ok((Vec::new(), ReferrersSource::None)),
        }
    }

    /// The registry's referrers API (`GET /v2/<name>/referrers/<digest>`), every page of it.
    /// `None` when the registry has no such API (it answers 404, or something that is not
    /// an image index); `Some` (maybe empty) when it answered.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn referrers_api(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Option<Vec<Descriptor>>> {
        if self.has_referrers_api.get() == Some(&false) {
            return Ok(None);
        }
        let what = format!("the referrers of {}/{repository}@{digest}", self.registry);
        let mut url = self
            .api_url(&format!("v2/{repository}/referrers/{digest}"))
            .await?;
        let mut found: Vec<Descriptor> = Vec::new();
        for page in 0..MAX_REFERRER_PAGES {
            let call = Call::new(
                Method::GET,
                url.clone(),
                Some(pull_scope(repository)),
                &what,
            )
            .accept(OCI_INDEX);
            let response = self.send(call).await?;
            let is_index = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(OCI_INDEX));
            let status = response.status();
            if page == 0 && (status == StatusCode::NOT_FOUND || (status.is_success() && !is_index))
            {
                let _ = self.has_referrers_api.set(false);
                return Ok(None);
            }
            let _ = self.has_referrers_api.set(true);
            let (body, headers) = self
                .success_body(response, &what, MAX_MANIFEST_BYTES)
                .await?;
            let index: ImageIndex = self.parse_json(&body, &what)?;
            found.extend(index.manifests().iter().cloned());
            if found.len() > MAX_REFERRERS {
                return Err(self.too_many_referrers(&what));
            }
            match next_from(&headers, &url) {
                Some(next) => url = self.same_origin(next, &what).await?,
                None => return Ok(Some(found)),
            }
        }
        Err(self.too_many_referrers(&what))
    }

    /// The fallback tag's index (`sha256-<hex>`), as registries without the referrers API
    /// list referrers, with its exact bytes (to merge into). `None` when there is no such tag.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn referrers_fallback(
        &self,
        repository: &str,
        digest: &Digest,
    ) -> Result<Option<(ImageIndex, FetchedManifest)>> {
        let tag = referrers_tag(digest);
        match self.get_manifest(repository, &Target::tag(&tag)).await {
            Ok(fetched) => match &fetched.manifest {
                Manifest::Index(index) if index.manifests().len() <= MAX_REFERRERS => {
                    Ok(Some(((**index).clone(), fetched)))
                }
                Manifest::Index(_) => Err(self.too_many_referrers(&format!(
                    "the referrers tag {}/{repository}:{tag}",
                    self.registry
                ))),
                Manifest::Image(_) => Err(Error::protocol(&self.registry, format!("the referrers tag {}/{repository}:{tag}", self.registry), "it holds an image manifest, where the distribution spec's referrers tag schema wants an image index")),
            },
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn too_many_referrers(&self, what: &str) -> Error {
        Error::protocol(
            &self.registry,
            what,
            format!("it lists more than {MAX_REFERRERS} referrers, more than Portolan accepts"),
        )
    }

    // ---- helpers shared by the endpoints ----

    async fn api_url(&self, path: &str) -> Result<url::Url> {
        let endpoint = self.endpoint().await?;
        endpoint.base.join(path).map_err(|e| self.bad_url(e))
    }

    /// A `Link` target must stay on the registry's origin: credentials go with it.
    async fn same_origin(&self, next: url::Url, what: &str) -> Result<url::Url> {
        let base = self.api_url("").await?;
        if next.origin() == base.origin() {
            Ok(next)
        } else {
            Err(Error::protocol(
                &self.registry,
                what,
                format!(
                    "its next-page link points to another host ({})",
                    next.origin().ascii_serialization()
                ),
            ))
        }
    }

    fn bad_url(&self, e: url::ParseError) -> Error {
        Error::internal(format!("cannot build a URL for {}: {e}", self.registry))
    }

    fn verify_content(
        &self,
        bytes: &[u8],
        target: &Target,
        headers: &HeaderMap,
        what: &str,
    ) -> Result<Digest> {
        let mismatch = |expected: &Digest, actual: Digest| Error::DigestMismatch {
            registry: self.registry.clone(),
            what: what.to_owned(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        };
        let computed = Digest::sha256_of(bytes);
        if let Some(asked) = target.digest() {
            let mut h = asked.hasher();
            h.update(bytes);
            let actual = h.finish();
            if actual != *asked {
                return Err(mismatch(asked, actual));
            }
        }
        if let Some(announced) = headers
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
        {
            let announced = Digest::parse(announced.trim()).map_err(|e| {
                Error::protocol(
                    &self.registry,
                    what,
                    format!("its Docker-Content-Digest header is not a digest ({e})"),
                )
            })?;
            let mut h = announced.hasher();
            h.update(bytes);
            let actual = h.finish();
            if actual != announced {
                return Err(mismatch(&announced, actual));
            }
        }
        Ok(target.digest().cloned().unwrap_or(computed))
    }

    fn parse_json<T: serde::de::DeserializeOwned>(&self, body: &[u8], what: &str) -> Result<T> {
        serde_json::from_slice(body).map_err(|e| {
            Error::protocol(
                &self.registry,
                what,
                format!("the body is not the JSON the API describes ({e})"),
            )
        })
    }
}

fn next_from(headers: &HeaderMap, url: &url::Url) -> Option<url::Url> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| link::next_link(v, url))
}

/// The scope to pull from a repository.
pub fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

/// The fallback tag that lists the referrers of `digest` on registries without the
/// referrers API (the distribution spec's "referrers tag schema"): `<alg>-<hex>`.
pub fn referrers_tag(digest: &Digest) -> String {
    format!("{}-{}", digest_algorithm_name(digest), digest.hex())
}

fn digest_algorithm_name(d: &Digest) -> &'static str {
    match d.algorithm() {
        crate::digest::Algorithm::Sha256 => "sha256",
        crate::digest::Algorithm::Sha512 => "sha512",
    }
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("registry", &self.registry)
            .finish_non_exhaustive()
    }
}
