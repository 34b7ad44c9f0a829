//! Packages and their versions where the registry protocol cannot list them: ghcr.io
//! through GitHub Packages, Docker Hub through the Hub API. A user names a place the way
//! they name an image (`ghcr.io`, `ghcr.io/OWNER`, `ghcr.io/OWNER/PACKAGE`,
//! `docker.io/NAMESPACE/REPO`); this module decides which vendor API answers for it, signs
//! in to that API with the registry's own credential, and returns vendor-neutral rows both
//! front ends show the same way.
//!
//! Which API: `ghcr.io` is GitHub's and `docker.io` Docker's. Any other registry host is
//! treated as the one whose API address the user configured (a GitHub Enterprise Server
//! registry with `--github-api https://HOST/api/v3`, or a test double), and refused
//! otherwise, pointing at `repos`.
//!
//! What a user names is read in [`place`]; each API's rows are made in `github` (GitHub
//! Packages, where a tagged index's platform images are grouped under it) and `hub`
//! (Docker Hub); this module picks the API and holds the rows both front ends show.
//! What ghcr.io cannot do through the registry is done through GitHub's API: removing one
//! tag ([`untag`]) and cleaning up versions by rules ([`version_plan`] decides,
//! [`version_cleanup`] reads and deletes).

mod github;
mod hub;
mod place;
pub mod untag;
pub mod version_cleanup;
pub mod version_plan;

use portolan::hosted_apis::dockerhub::{self, DockerHub};
use portolan::hosted_apis::github::{GitHubPackages, Visibility};
use portolan::hosted_apis::rest::RateLimit;
use portolan::manifest::Manifest;
use portolan::reference::DOCKER_HUB;
use portolan::{Client, Error, Result};

pub use github::explain_untag;
use place::package_place;
pub use place::Place;

use crate::web_pages::{OwnerKind, WebPage};

/// Where the vendor APIs are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorApis {
    /// GitHub's REST API (`https://api.github.com`, `https://HOST/api/v3`).
    pub github: String,
    /// Whether the user named it (then any registry host may use it).
    pub github_named: bool,
    /// The `Accept` header sent to GitHub (a mock may want `application/json`).
    pub github_accept: String,
    /// The Hub API (`https://hub.docker.com`).
    pub hub: String,
    /// Whether the user named it.
    pub hub_named: bool,
    /// The registry host the named GitHub API serves (GitHub Enterprise Server's registry),
    /// when it is not ghcr.io.
    pub github_registry: Option<String>,
    /// The registry host the named Hub API serves, when it is not docker.io.
    pub hub_registry: Option<String>,
}

impl Default for VendorApis {
    fn default() -> Self {
        Self {
            github: portolan::hosted_apis::github::DEFAULT_API.to_owned(),
            github_named: false,
            github_accept: portolan::hosted_apis::github::DEFAULT_ACCEPT.to_owned(),
            hub: dockerhub::DEFAULT_API.to_owned(),
            hub_named: false,
            github_registry: None,
            hub_registry: None,
        }
    }
}

impl VendorApis {
    /// The defaults, overridden by `PORTOLAN_GITHUB_API`, `PORTOLAN_GITHUB_ACCEPT` and
    /// `PORTOLAN_HUB_API`, then by what the user gave (flags, settings).
    pub fn from_env(github: Option<String>, hub: Option<String>) -> Self {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut apis = Self::default();
        if let Some(url) = github.or_else(|| env("PORTOLAN_GITHUB_API")) {
            apis.github = url;
            apis.github_named = true;
        }
        if let Some(accept) = env("PORTOLAN_GITHUB_ACCEPT") {
            apis.github_accept = accept;
        }
        if let Some(url) = hub.or_else(|| env("PORTOLAN_HUB_API")) {
            apis.hub = url;
            apis.hub_named = true;
        }
        apis.github_registry = env("PORTOLAN_GITHUB_REGISTRY");
        apis.hub_registry = env("PORTOLAN_HUB_REGISTRY");
        apis
    }

    /// For a window with many registries: the APIs from the environment, each answering
    /// only for its own registry (ghcr.io, docker.io, or the host named by
    /// `PORTOLAN_GITHUB_REGISTRY` / `PORTOLAN_HUB_REGISTRY`), never for every host.
    pub fn for_window() -> Self {
        Self {
            github_named: false,
            hub_named: false,
            ..Self::from_env(None, None)
        }
    }
}

/// Which vendor API answers for a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Vendor {
    /// GitHub Packages.
    #[serde(rename = "github")]
    GitHub,
    /// Docker Hub.
    DockerHub,
}

/// The vendor API for `host`, if any.
pub fn vendor_of(host: &str, apis: &VendorApis) -> Option<Vendor> {
    if apis.github_registry.as_deref() == Some(host) {
        return Some(Vendor::GitHub);
    }
    if apis.hub_registry.as_deref() == Some(host) {
        return Some(Vendor::DockerHub);
    }
    match host {
        "ghcr.io" => Some(Vendor::GitHub),
        DOCKER_HUB | "index.docker.io" | "registry-1.docker.io" => Some(Vendor::DockerHub),
        // A named API with no registry host named answers for any other host (a GitHub
        // Enterprise Server); once its registry is named, for that host alone.
        _ if apis.github_named && apis.github_registry.is_none() => Some(Vendor::GitHub),
        _ if apis.hub_named && apis.hub_registry.is_none() => Some(Vendor::DockerHub),
        _ => None,
    }
}

/// The manifests `manifest` lists when it is an index, each with its platform
/// (`linux/arm64`) when the index says it; `None` for an image. Both the version list (a
/// platform image under its index) and the version plan (what a kept index needs) read it.
pub(super) fn index_entries(manifest: &Manifest) -> Option<Vec<(String, Option<String>)>> {
    let Manifest::Index(index) = manifest else {
        return None;
    };
    Some(
        index
            .manifests()
            .iter()
            .map(|d| {
                let platform = d
                    .platform()
                    .as_ref()
                    .map(|p| portolan::Platform::of_entry(p).to_string());
                (d.digest().to_string(), platform)
            })
            .collect(),
    )
}

/// A package (GitHub) or repository (Docker Hub), as both front ends list it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackageRow {
    /// Its name under the owner (`app`, `team/app`).
    pub name: String,
    /// The owner (user, organisation or namespace).
    pub owner: String,
    /// Whether the owner is a user or an organisation (GitHub's pages differ).
    pub owner_kind: OwnerKind,
    /// The repository to open in the registry (`ghcr.io/owner/app`).
    pub repository: String,
    /// `public`, `private`, `internal`, or none when the API did not say.
    pub visibility: Option<String>,
    /// Versions (GitHub), when known.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version_count: Option<u64>,
    /// Pulls (Docker Hub), when known.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub pull_count: Option<u64>,
    /// Bytes stored (Docker Hub), when known.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub storage_size: Option<u64>,
    /// When it last changed (RFC 3339).
    pub updated_at: Option<String>,
    /// The source repository it is linked to (`owner/repo` on GitHub).
    pub source_repository: Option<String>,
    /// Its page on the vendor's site (built from its parts: see `web_pages`).
    pub page_url: Option<String>,
    /// Where its visibility is changed (GitHub: its settings page; no API changes it).
    pub settings_url: Option<String>,
}

/// Packages and what the API said about its rate limit.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackageList {
    /// Which API answered.
    pub vendor: Vendor,
    /// The owners listed (the signed-in user and their organisations, or the one named).
    pub owners: Vec<String>,
    /// Most recently updated first.
    pub packages: Vec<PackageRow>,
    /// The API's rate limit after the listing.
    pub rate_limit: Option<RateLimit>,
}

/// One platform image of a version (Docker Hub says per tag).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlatformImage {
    /// `linux/amd64`.
    pub platform: String,
    /// Its manifest digest.
    pub digest: Option<String>,
    /// Compressed size.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub size: Option<u64>,
}

/// A version (GitHub: a manifest by digest; Docker Hub: a tag).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionRow {
    /// GitHub's version id (to delete or restore it); none on Docker Hub.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub id: Option<u64>,
    /// The manifest digest, when known.
    pub digest: Option<String>,
    /// Its tags (none: untagged).
    pub tags: Vec<String>,
    /// When it was pushed or last updated (RFC 3339).
    pub created_at: Option<String>,
    /// When it was deleted (a deleted GitHub version).
    pub deleted_at: Option<String>,
    /// An untagged version that is a platform image of this index (digest): ghcr.io keeps
    /// the images of a multi-platform tag as untagged versions of their own.
    pub part_of: Option<String>,
    /// A platform image's platform (`linux/arm64`), as its index lists it.
    pub platform: Option<String>,
    /// Its platform images, where the API lists them (Docker Hub).
    pub images: Vec<PlatformImage>,
    /// Its page on the vendor's site (built from its parts: see `web_pages`).
    pub page_url: Option<String>,
}

/// Versions of one package.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionList {
    /// Which API answered.
    pub vendor: Vendor,
    /// The repository (`ghcr.io/owner/app`).
    pub repository: String,
    /// Newest first; a platform image of an index comes right after the index.
    pub versions: Vec<VersionRow>,
    /// The API's rate limit after the listing.
    pub rate_limit: Option<RateLimit>,
}

/// The vendor API for `place`, signed in with the registry's credential.
pub(super) enum Api {
    GitHub(GitHubPackages),
    Hub(DockerHub),
}

pub(super) async fn api_for(client: &Client, apis: &VendorApis, place: &Place) -> Result<Api> {
    let vendor = vendor_of(&place.host, apis).ok_or_else(|| {
        Error::input(
            format!("{} has no package API Portolan knows", place.host),
            "packages and versions are listed for ghcr.io and docker.io (or a registry given --github-api / --hub-api); list its repositories with `repos`",
        )
    })?;
    let credential = client.credential_for(&place.host).await?;
    Ok(match vendor {
        Vendor::GitHub => Api::GitHub(GitHubPackages::new(
            client.transport_options(),
            &apis.github,
            &apis.github_accept,
            credential.map(|c| c.secret),
        )?),
        Vendor::DockerHub => Api::Hub(DockerHub::new(
            client.transport_options(),
            &apis.hub,
            credential,
        )?),
    })
}

/// The packages at `place` (`ghcr.io`: the signed-in user's and their organisations';
/// `ghcr.io/OWNER`: that owner's, `org` saying it is an organisation), only those with
/// `visibility` when given.
pub async fn packages(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    visibility: Option<Visibility>,
) -> Result<PackageList> {
    let place = Place::parse(place)?;
    if place.package.is_some() {
        return Err(Error::input(
            format!("{} names a package", place.repository().unwrap_or_default()),
            "list packages of HOST or HOST/OWNER; list a package's versions with `versions`",
        ));
    }
    match api_for(client, apis, &place).await? {
        Api::GitHub(gh) => github::packages(&gh, apis, &place, org, visibility).await,
        Api::Hub(hub) => hub::packages(&hub, apis, &place, visibility).await,
    }
}

/// The versions of the package `place` names (deleted ones with `deleted`), newest first.
/// On GitHub, the untagged platform images of each tagged multi-platform version are put
/// right after it and marked as its parts (from the registry's index).
pub async fn versions(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    deleted: bool,
) -> Result<VersionList> {
    let (place, owner, package) = package_place(place)?;
    let repository = place.repository().unwrap_or_default();
    match api_for(client, apis, &place).await? {
        Api::GitHub(gh) => {
            let package = github::NamedPackage {
                repository,
                owner: &owner,
                name: &package,
                org,
            };
            github::versions(client, &gh, apis, package, deleted).await
        }
        Api::Hub(hub) => hub::versions(&hub, apis, repository, &owner, &package, deleted).await,
    }
}

/// A package's page and settings page, built from its parts (none when a part cannot be
/// in an address). The API's own `html_url` is never used: see `web_pages`.
pub(super) fn package_pages(
    apis: &VendorApis,
    repository: &str,
    owner_kind: OwnerKind,
) -> (Option<String>, Option<String>) {
    let url = |page: WebPage| page.url(apis).ok().map(String::from);
    (
        url(WebPage::Package {
            repository: repository.to_owned(),
            owner_kind,
        }),
        url(WebPage::PackageSettings {
            repository: repository.to_owned(),
            owner_kind,
        }),
    )
}

/// What is done to one GitHub package version.
#[derive(Debug, Clone, Copy)]
enum VersionAction {
    Delete,
    Restore,
}

/// Delete version `id` of the GitHub package `place` names.
pub async fn delete_version(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    id: u64,
) -> Result<()> {
    act_on_version(client, apis, place, org, id, VersionAction::Delete).await
}

/// Restore deleted version `id` of the GitHub package `place` names.
pub async fn restore_version(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    id: u64,
) -> Result<()> {
    act_on_version(client, apis, place, org, id, VersionAction::Restore).await
}

async fn act_on_version(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    id: u64,
    action: VersionAction,
) -> Result<()> {
    let (place, owner, package) = package_place(place)?;
    let Api::GitHub(gh) = api_for(client, apis, &place).await? else {
        return Err(hub::no_versions());
    };
    let who = github::owner_named(&gh, &owner, org).await?;
    match action {
        VersionAction::Delete => gh.delete_version(&who, &package, id).await,
        VersionAction::Restore => gh.restore_version(&who, &package, id).await,
    }
}

/// Every tag of the package `repository` (`HOST/OWNER/PACKAGE`) names, with the digest
/// it points to, as its vendor's API lists them (GitHub: each version with its tags;
/// Docker Hub: each tag with its digest): one listing, no manifest read. A tag the API
/// gives no digest for is left out.
pub async fn tag_digests(
    client: &Client,
    apis: &VendorApis,
    repository: &str,
) -> Result<Vec<(String, String)>> {
    let (place, owner, package) = package_place(repository)?;
    Ok(match api_for(client, apis, &place).await? {
        Api::GitHub(gh) => {
            let who = github::owner_named(&gh, &owner, false).await?;
            gh.versions(
                &who,
                &package,
                portolan::hosted_apis::github::VersionState::Active,
            )
            .await?
            .into_iter()
            .flat_map(|v| {
                let digest = v.digest;
                v.tags.into_iter().map(move |t| (t, digest.clone()))
            })
            .collect()
        }
        Api::Hub(hub) => hub
            .tags(&owner, &package)
            .await?
            .into_iter()
            .filter_map(|t| Some((t.name, t.digest?)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_hosts_or_named_apis_have_a_vendor() {
        let apis = VendorApis::default();
        assert_eq!(vendor_of("ghcr.io", &apis), Some(Vendor::GitHub));
        assert_eq!(vendor_of("docker.io", &apis), Some(Vendor::DockerHub));
        assert_eq!(vendor_of("127.0.0.1:5000", &apis), None);
        let named = VendorApis {
            github_named: true,
            ..VendorApis::default()
        };
        assert_eq!(vendor_of("registry.corp", &named), Some(Vendor::GitHub));
        // Once the API's registry is named, other hosts are not GitHub's.
        let one = VendorApis {
            github_named: true,
            github_registry: Some("ghe.corp".into()),
            ..VendorApis::default()
        };
        assert_eq!(vendor_of("ghe.corp", &one), Some(Vendor::GitHub));
        assert_eq!(vendor_of("127.0.0.1:5000", &one), None);
    }
}
