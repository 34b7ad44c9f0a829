//! GitHub Packages through the GitHub REST API: what ghcr.io keeps outside the registry
//! protocol. The registry has no catalog and no delete; GitHub's API lists a user's or an
//! organisation's container packages with their visibility, each package's versions (one
//! per manifest digest, with its tags and creation date), and deletes and restores
//! versions. Visibility is read-only there: it is changed on the package's settings page.
//!
//! The token is the classic personal access token the user signs in to ghcr.io with
//! (scopes `read:packages`, `write:packages`, `delete:packages`). GitHub Packages does not
//! accept fine-grained tokens; one is refused here with that explanation rather than sent.
//! A refusal names the scope the token lacks, from GitHub's `X-OAuth-Scopes` header.

mod types;

#[cfg(test)]
mod tests;

use reqwest::Method;

use crate::auth::credential::Secret;
use crate::client::link;
use crate::error::{Error, RegistryErrorItem, Result};
use crate::hosted_apis::paging::{self, Page};
use crate::hosted_apis::rest::{Answer, RateLimit, RestApi};
use crate::transport::TransportOptions;

pub use types::{Owner, Package, PackageVersion, VersionState, Visibility};

/// GitHub's public API.
pub const DEFAULT_API: &str = "https://api.github.com";

/// What GitHub documents as its media type; a mock may want plain `application/json`.
pub const DEFAULT_ACCEPT: &str = "application/vnd.github+json";

/// The REST API version the requests are written against.
const API_VERSION: &str = "2022-11-28";

/// Entries per page (GitHub's maximum).
const PER_PAGE: u32 = 100;

/// What an operation needs of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Read,
    Delete,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::Read => "read:packages",
            Scope::Delete => "delete:packages",
        }
    }

    /// Whether a token with `scopes` (GitHub's `X-OAuth-Scopes`) has this one.
    fn granted_by(self, scopes: &str) -> bool {
        scopes.split(',').map(str::trim).any(|s| match self {
            // write:packages includes read:packages.
            Scope::Read => s == "read:packages" || s == "write:packages",
            Scope::Delete => s == "delete:packages",
        })
    }
}

/// A client of GitHub Packages for one token.
pub struct GitHubPackages {
    api: RestApi,
}

impl GitHubPackages {
    /// A client of the API at `base` (`https://api.github.com`, or `https://HOST/api/v3`
    /// for GitHub Enterprise Server), sending `accept` as `Accept`, with `token` (none:
    /// public data only).
    pub fn new(
        options: &TransportOptions,
        base: &str,
        accept: &str,
        token: Option<Secret>,
    ) -> Result<Self> {
        let api = RestApi::new(
            options,
            base,
            accept,
            &[("x-github-api-version", API_VERSION)],
        )?;
        if let Some(token) = &token {
            if token.expose().starts_with("github_pat_") {
                return Err(Error::Unauthorized {
                    registry: api.host().to_owned(),
                    resource: "GitHub Packages".to_owned(),
                    reason: "this is a fine-grained personal access token, which GitHub Packages does not accept; sign in with a classic token (scopes read:packages, write:packages, delete:packages)".to_owned(),
                });
            }
        }
        api.set_bearer(token);
        Ok(Self { api })
    }

    /// The API's host (`api.github.com`).
    pub fn host(&self) -> &str {
        self.api.host()
    }

    /// The rate limit GitHub reported last.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.api.rate_limit()
    }

    /// The login of the token's user.
    pub async fn viewer(&self) -> Result<String> {
        #[derive(serde::Deserialize)]
        struct User {
            login: String,
        }
        let what = "the signed-in user";
        let answer = self
            .checked(Method::GET, self.api.url(&["user"], &[]), what, Scope::Read)
            .await?;
        Ok(self.api.parse::<User>(&answer, what)?.login)
    }

    /// Whether `login` is an organisation (GitHub's `type` of the account).
    pub async fn is_organisation(&self, login: &str) -> Result<bool> {
        #[derive(serde::Deserialize)]
        struct Account {
            #[serde(rename = "type")]
            kind: Option<String>,
        }
        let what = format!("account {login}");
        let answer = self
            .checked(
                Method::GET,
                self.api.url(&["users", login], &[]),
                &what,
                Scope::Read,
            )
            .await?;
        Ok(self.api.parse::<Account>(&answer, &what)?.kind.as_deref() == Some("Organization"))
    }

    /// The organisations the token's user belongs to (their logins).
    pub async fn organisations(&self) -> Result<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct Org {
            login: String,
        }
        let orgs: Vec<Org> = self
            .list(
                &["user", "orgs"],
                &[],
                "the user's organisations",
                Scope::Read,
            )
            .await?;
        Ok(orgs.into_iter().map(|o| o.login).collect())
    }

    /// The container packages of `owner`, most recently updated first; only those with
    /// `visibility` when given.
    #[tracing::instrument(name = "github.packages", skip_all, fields(owner = %owner))]
    pub async fn packages(
        &self,
        owner: &Owner,
        visibility: Option<Visibility>,
    ) -> Result<Vec<Package>> {
        let mut path = owner.segments();
        path.push("packages");
        let mut query = vec![("package_type", "container".to_owned())];
        if let Some(v) = visibility {
            query.push(("visibility", v.as_str().to_owned()));
        }
        let what = format!("the container packages of {owner}");
        let mut packages: Vec<Package> = self.list(&path, &query, &what, Scope::Read).await?;
        packages.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
        Ok(packages)
    }

    /// One package of `owner`.
    pub async fn package(&self, owner: &Owner, name: &str) -> Result<Package> {
        let mut path = owner.segments();
        path.extend(["packages", "container", name]);
        let what = format!("package {name} of {owner}");
        let answer = self
            .checked(Method::GET, self.api.url(&path, &[]), &what, Scope::Read)
            .await?;
        self.api.parse(&answer, &what)
    }

    /// The versions of package `name` in `state`, newest first.
    #[tracing::instrument(name = "github.versions", skip_all, fields(owner = %owner, package = %name))]
    pub async fn versions(
        &self,
        owner: &Owner,
        name: &str,
        state: VersionState,
    ) -> Result<Vec<PackageVersion>> {
        let mut path = owner.segments();
        path.extend(["packages", "container", name, "versions"]);
        let query = [("state", state.as_str().to_owned())];
        let what = format!("the {} versions of package {name}", state.as_str());
        let mut versions: Vec<PackageVersion> =
            self.list(&path, &query, &what, Scope::Read).await?;
        versions.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(versions)
    }

    /// Delete version `id` of package `name` (restorable for 30 days).
    #[tracing::instrument(name = "github.delete_version", skip_all, fields(owner = %owner, package = %name, id = id))]
    pub async fn delete_version(&self, owner: &Owner, name: &str, id: u64) -> Result<()> {
        let id = id.to_string();
        let mut path = owner.segments();
        path.extend(["packages", "container", name, "versions", &id]);
        let what = format!("version {id} of package {name}");
        self.checked(
            Method::DELETE,
            self.api.url(&path, &[]),
            &what,
            Scope::Delete,
        )
        .await
        .map(|_| ())
    }

    /// Restore deleted version `id` of package `name`.
    #[tracing::instrument(name = "github.restore_version", skip_all, fields(owner = %owner, package = %name, id = id))]
    pub async fn restore_version(&self, owner: &Owner, name: &str, id: u64) -> Result<()> {
        let id = id.to_string();
        let mut path = owner.segments();
        path.extend(["packages", "container", name, "versions", &id, "restore"]);
        let what = format!("version {id} of package {name}");
        self.checked(Method::POST, self.api.url(&path, &[]), &what, Scope::Delete)
            .await
            .map(|_| ())
    }

    /// Every entry of a paged list.
    async fn list<T: serde::de::DeserializeOwned>(
        &self,
        path: &[&str],
        query: &[(&str, String)],
        what: &str,
        scope: Scope,
    ) -> Result<Vec<T>> {
        let page_url = |n: u32| {
            let mut q = query.to_vec();
            q.push(("per_page", PER_PAGE.to_string()));
            q.push(("page", n.to_string()));
            self.api.url(path, &q)
        };
        let first = self.page(page_url(1), what, scope).await?;
        paging::all_pages(
            first,
            self.api.host(),
            what,
            |n| self.page(page_url(n), what, scope),
            |url| self.page(url, what, scope),
        )
        .await
    }

    async fn page<T: serde::de::DeserializeOwned>(
        &self,
        url: url::Url,
        what: &str,
        scope: Scope,
    ) -> Result<Page<T>> {
        let answer = self.checked(Method::GET, url.clone(), what, scope).await?;
        let links = answer.header("link").unwrap_or("");
        let next = link::next_link(links, &url).filter(|u| self.api.is_own(u));
        let last = link::link(links, &url, "last").and_then(|u| paging::page_number(&u));
        Ok(Page {
            items: self.api.parse(&answer, what)?,
            next,
            last,
            bytes: answer.body.len() as u64,
        })
    }

    /// Send, and turn any answer but a 2xx into the error a user can act on.
    async fn checked(
        &self,
        method: Method,
        url: url::Url,
        what: &str,
        scope: Scope,
    ) -> Result<Answer> {
        let action = if method == Method::GET {
            "read"
        } else if method == Method::DELETE {
            "delete"
        } else {
            "restore"
        };
        let answer = self.api.send(method, url, None, what).await?;
        if answer.ok() {
            return Ok(answer);
        }
        Err(self.refusal(&answer, what, action, scope))
    }

    fn refusal(&self, answer: &Answer, what: &str, action: &str, scope: Scope) -> Error {
        let host = self.api.host().to_owned();
        let message = answer.message().unwrap_or_default();
        let said = if message.is_empty() {
            String::new()
        } else {
            format!(" (GitHub: \"{message}\")")
        };
        let signed_in = self.api.has_bearer();
        match answer.status {
            401 if !signed_in => Error::Unauthorized {
                registry: host,
                resource: what.to_owned(),
                reason: "GitHub lists packages only with a token: sign in to the registry with a classic personal access token (scope read:packages)".to_owned(),
            },
            401 => Error::Unauthorized {
                registry: host,
                resource: what.to_owned(),
                reason: format!(
                    "the token was not accepted{said}: it may have expired or been revoked; sign in again with a classic personal access token"
                ),
            },
            403 if answer.header("x-ratelimit-remaining") == Some("0") => {
                self.api.rate_limited(what, answer.retry_after())
            }
            403 => {
                let has = answer.header("x-oauth-scopes");
                let reason = match has {
                    Some(has) if !scope.granted_by(has) => format!(
                        "the token lacks the {} scope (it has: {}); make a classic token with it",
                        scope.name(),
                        if has.trim().is_empty() { "none" } else { has.trim() }
                    ),
                    _ if !signed_in => format!("sign in with a classic token with the {} scope", scope.name()),
                    _ => format!(
                        "the token needs the {} scope, and its user must be allowed to {action} this package{said}",
                        scope.name()
                    ),
                };
                Error::Denied {
                    registry: host,
                    action: action.to_owned(),
                    resource: what.to_owned(),
                    reason,
                }
            }
            404 => Error::NotFound {
                registry: host,
                what: what.to_owned(),
                detail: if signed_in {
                    format!(": it does not exist, or the token cannot see it{said}")
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
                        code: "GitHub".to_owned(),
                        message,
                        detail: None,
                    })
                    .into_iter()
                    .collect(),
            },
        }
    }
}
