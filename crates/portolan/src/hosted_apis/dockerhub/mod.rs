//! Docker Hub through its Hub API (`hub.docker.com/v2`): the repositories of a namespace
//! with visibility, pull count, last update and storage size, and a repository's tags with
//! their dates and per-platform digests. The registry protocol has none of this (no
//! catalog on Docker Hub).
//!
//! Signing in exchanges the username and personal access token the user gave the
//! registry for a short-lived JWT (`POST /v2/auth/token`); without a credential, public
//! repositories are listed anonymously. The live Hub returns a tag's `images` as an array
//! where its published description says an object: both are accepted.

#[cfg(test)]
mod tests;

use reqwest::Method;
use serde::Deserialize;

use crate::auth::credential::{Credential, Secret};
use crate::error::{Error, RegistryErrorItem, Result};
use crate::hosted_apis::paging::{self, Page};
use crate::hosted_apis::rest::{Answer, RateLimit, RestApi};
use crate::transport::TransportOptions;

/// Docker Hub's API.
pub const DEFAULT_API: &str = "https://hub.docker.com";

/// Entries per page (the Hub's maximum).
const PAGE_SIZE: u32 = 100;

/// A repository of a namespace.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubRepository {
    /// Its name within the namespace.
    pub name: String,
    /// The namespace (user or organisation).
    #[serde(default)]
    pub namespace: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether it is private.
    #[serde(default)]
    pub is_private: bool,
    /// How often it was pulled.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub pull_count: Option<u64>,
    /// Stars.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub star_count: Option<u64>,
    /// When it last changed (RFC 3339).
    #[serde(default)]
    pub last_updated: Option<String>,
    /// Bytes it stores, when the Hub says.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub storage_size: Option<u64>,
}

/// One platform image of a tag.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubImage {
    /// `amd64`, `arm64`, ...
    #[serde(default)]
    pub architecture: Option<String>,
    /// `v8`, ...
    #[serde(default)]
    pub variant: Option<String>,
    /// `linux`, ...
    #[serde(default)]
    pub os: Option<String>,
    /// The platform manifest's digest.
    #[serde(default)]
    pub digest: Option<String>,
    /// Compressed size in bytes.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub size: Option<u64>,
    /// When it was last pushed (RFC 3339).
    #[serde(default)]
    pub last_pushed: Option<String>,
}

impl HubImage {
    /// `os/arch[/variant]`, as far as the Hub says.
    pub fn platform(&self) -> String {
        let mut p = format!(
            "{}/{}",
            self.os.as_deref().unwrap_or("?"),
            self.architecture.as_deref().unwrap_or("?")
        );
        if let Some(v) = self.variant.as_deref().filter(|v| !v.is_empty()) {
            p.push('/');
            p.push_str(v);
        }
        p
    }
}

/// A tag of a repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubTag {
    /// The tag.
    pub name: String,
    /// The digest it points to (the index for a multi-platform tag), when the Hub says.
    pub digest: Option<String>,
    /// When it last changed (RFC 3339).
    pub last_updated: Option<String>,
    /// Compressed size of its images.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub full_size: Option<u64>,
    /// Its platform images.
    pub images: Vec<HubImage>,
}

impl<'de> Deserialize<'de> for HubTag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        /// `images` as the live Hub sends it (an array) or as its description says (one).
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Images {
            Many(Vec<HubImage>),
            One(HubImage),
        }
        #[derive(Deserialize)]
        struct Raw {
            name: String,
            #[serde(default)]
            digest: Option<String>,
            #[serde(default)]
            last_updated: Option<String>,
            #[serde(default)]
            full_size: Option<u64>,
            #[serde(default)]
            images: Option<Images>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(Self {
            name: raw.name,
            digest: raw.digest,
            last_updated: raw.last_updated,
            full_size: raw.full_size,
            images: match raw.images {
                Some(Images::Many(v)) => v,
                Some(Images::One(i)) => vec![i],
                None => Vec::new(),
            },
        })
    }
}

/// A paged Hub list.
#[derive(Deserialize)]
struct Paged<T> {
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    next: Option<String>,
    results: Vec<T>,
}

/// A client of the Hub API.
pub struct DockerHub {
    api: RestApi,
    login: Option<Credential>,
    signed_in: tokio::sync::OnceCell<()>,
}

impl DockerHub {
    /// A client of the Hub API at `base`, signing in with `login` (username and personal
    /// access token) on first use; none lists public repositories only.
    pub fn new(options: &TransportOptions, base: &str, login: Option<Credential>) -> Result<Self> {
        Ok(Self {
            api: RestApi::new(options, base, "application/json", &[])?,
            login,
            signed_in: tokio::sync::OnceCell::new(),
        })
    }

    /// The API's host.
    pub fn host(&self) -> &str {
        self.api.host()
    }

    /// The rate limit the Hub reported last.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.api.rate_limit()
    }

    /// The username signed in with, if any.
    pub fn username(&self) -> Option<&str> {
        self.login.as_ref().map(|c| c.username.as_str())
    }

    /// Exchange the login for a JWT, once.
    async fn sign_in(&self) -> Result<()> {
        let Some(login) = &self.login else {
            return Ok(());
        };
        self.signed_in
            .get_or_try_init(|| async {
                #[derive(Deserialize)]
                struct Token {
                    access_token: String,
                }
                let what = "a Hub API token";
                let body = serde_json::json!({
                    "identifier": login.username,
                    "secret": login.secret.expose(),
                });
                let answer = self
                    .api
                    .send(
                        Method::POST,
                        self.api.url(&["v2", "auth", "token"], &[]),
                        Some(&body),
                        what,
                    )
                    .await?;
                if !answer.ok() {
                    return Err(self.refusal(&answer, &format!("signing in as {}", login.username)));
                }
                let token: Token = self.api.parse(&answer, what)?;
                self.api.set_bearer(Some(Secret::new(token.access_token)));
                Ok(())
            })
            .await
            .map(|_| ())
    }

    /// The repositories of `namespace`, most recently updated first.
    #[tracing::instrument(name = "hub.repositories", skip_all, fields(namespace = %namespace))]
    pub async fn repositories(&self, namespace: &str) -> Result<Vec<HubRepository>> {
        self.sign_in().await?;
        let what = format!("the repositories of {namespace}");
        let mut repos: Vec<HubRepository> = self
            .list(
                &["v2", "namespaces", namespace, "repositories"],
                &[("ordering", "-last_updated".to_owned())],
                &what,
            )
            .await?;
        repos.sort_by(|a, b| b.last_updated.cmp(&a.last_updated));
        Ok(repos)
    }

    /// The tags of `namespace/repository`, newest first.
    #[tracing::instrument(name = "hub.tags", skip_all, fields(namespace = %namespace, repository = %repository))]
    pub async fn tags(&self, namespace: &str, repository: &str) -> Result<Vec<HubTag>> {
        self.sign_in().await?;
        let what = format!("the tag list of {namespace}/{repository}");
        let mut tags: Vec<HubTag> = self
            .list(
                &[
                    "v2",
                    "namespaces",
                    namespace,
                    "repositories",
                    repository,
                    "tags",
                ],
                &[],
                &what,
            )
            .await?;
        tags.sort_by(|a, b| b.last_updated.cmp(&a.last_updated));
        Ok(tags)
    }

    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        path: &[&str],
        query: &[(&str, String)],
        what: &str,
    ) -> Result<Vec<T>> {
        let page_url = |n: u32| {
            let mut q = query.to_vec();
            q.push(("page", n.to_string()));
            q.push(("page_size", PAGE_SIZE.to_string()));
            self.api.url(path, &q)
        };
        let first = self.page(page_url(1), what).await?;
        paging::all_pages(
            first,
            self.api.host(),
            what,
            |n| self.page(page_url(n), what),
            |url| self.page(url, what),
        )
        .await
    }

    async fn page<T: serde::de::DeserializeOwned>(
        &self,
        url: url::Url,
        what: &str,
    ) -> Result<Page<T>> {
        let answer = self.api.send(Method::GET, url.clone(), None, what).await?;
        if !answer.ok() {
            return Err(self.refusal(&answer, what));
        }
        let paged: Paged<T> = self.api.parse(&answer, what)?;
        // Page 1 with a count tells how many pages there are (at the page size the Hub
        // actually used); `next` is followed only on the API's own origin.
        let served = paged.results.len() as u64;
        let last = (paging::page_number(&url) == Some(1) && served > 0)
            .then_some(paged.count)
            .flatten()
            .and_then(|count| u32::try_from(count.div_ceil(served)).ok());
        // The Hub writes `next` as an absolute URL; anything else is not a page to fetch.
        let next = paged
            .next
            .as_deref()
            .and_then(|n| url::Url::parse(n).ok())
            .filter(|u| self.api.is_own(u));
        Ok(Page {
            items: paged.results,
            next,
            last,
            bytes: answer.body.len() as u64,
        })
    }

    fn refusal(&self, answer: &Answer, what: &str) -> Error {
        let host = self.api.host().to_owned();
        let message = answer.message().unwrap_or_default();
        let said = if message.is_empty() {
            String::new()
        } else {
            format!(" (Docker Hub: \"{message}\")")
        };
        match answer.status {
            401 => Error::Unauthorized {
                registry: host,
                resource: what.to_owned(),
                reason: format!(
                    "the username and personal access token were not accepted{said}; sign in again"
                ),
            },
            403 => Error::Denied {
                registry: host,
                action: "read".to_owned(),
                resource: what.to_owned(),
                reason: format!("the account may not see this{said}"),
            },
            404 => Error::NotFound {
                registry: host,
                what: what.to_owned(),
                detail: if self.login.is_some() {
                    format!(": it does not exist, or this account cannot see it{said}")
                } else {
                    ": it does not exist, or it is private (sign in to see it)".to_owned()
                },
            },
            status => Error::Registry {
                registry: host,
                what: what.to_owned(),
                status,
                errors: (!message.is_empty())
                    .then(|| RegistryErrorItem {
                        code: "Docker Hub".to_owned(),
                        message,
                        detail: None,
                    })
                    .into_iter()
                    .collect(),
            },
        }
    }
}
