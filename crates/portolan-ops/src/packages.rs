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

use futures_util::stream::{self, StreamExt};
use portolan::hosted_apis::dockerhub::{self, DockerHub, HubImage};
use portolan::hosted_apis::github::{
    self, GitHubPackages, Owner, PackageVersion, VersionState, Visibility,
};
use portolan::hosted_apis::rest::RateLimit;
use portolan::manifest::Manifest;
use portolan::reference::DOCKER_HUB;
use portolan::{Client, Error, Reference, Result};

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
            github: github::DEFAULT_API.to_owned(),
            github_named: false,
            github_accept: github::DEFAULT_ACCEPT.to_owned(),
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
        _ if apis.github_named => Some(Vendor::GitHub),
        _ if apis.hub_named => Some(Vendor::DockerHub),
        _ => None,
    }
}

/// A place a user names: a registry, an owner in it, maybe a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The registry host.
    pub host: String,
    /// The owner (GitHub user or organisation, Hub namespace), if named.
    pub owner: Option<String>,
    /// The package (repository) under the owner, if named (`team/app` when nested).
    pub package: Option<String>,
}

impl Place {
    /// Parse `HOST[/OWNER[/PACKAGE...]]`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim().trim_end_matches('/');
        let mut parts = text.splitn(3, '/');
        let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(|| {
            Error::input(
                "no registry named",
                "give e.g. ghcr.io/OWNER or docker.io/NAMESPACE",
            )
        })?;
        let host = if host == "index.docker.io" {
            DOCKER_HUB
        } else {
            host
        };
        let owner = parts.next().map(str::to_owned);
        let package = parts.next().map(str::to_owned);
        for part in owner.iter().chain(package.iter()) {
            if part.is_empty() || part.contains(['?', '#', ':', '@']) || part.contains("//") {
                return Err(Error::input(
                    format!("\"{text}\" is not HOST/OWNER/PACKAGE"),
                    "name a package as in an image reference, without tag or digest",
                ));
            }
        }
        Ok(Self {
            host: host.to_owned(),
            owner,
            package,
        })
    }

    /// The package's repository as an image reference would name it.
    pub fn repository(&self) -> Option<String> {
        Some(format!(
            "{}/{}/{}",
            self.host,
            self.owner.as_deref()?,
            self.package.as_deref()?
        ))
    }
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
enum Api {
    GitHub(GitHubPackages),
    Hub(DockerHub),
}

async fn api_for(client: &Client, apis: &VendorApis, place: &Place) -> Result<Api> {
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

/// Whose packages a GitHub owner name means: the token's user (whose private packages
/// only `/user/...` lists), an organisation (said by `org`, else asked of GitHub), or
/// another user.
async fn github_owner(gh: &GitHubPackages, owner: &str, org: bool) -> Result<Owner> {
    if org {
        return Ok(Owner::Org(owner.to_owned()));
    }
    if let Ok(me) = gh.viewer().await {
        if me.eq_ignore_ascii_case(owner) {
            return Ok(Owner::Me);
        }
    }
    Ok(if gh.is_organisation(owner).await? {
        Owner::Org(owner.to_owned())
    } else {
        Owner::User(owner.to_owned())
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
    let host = place.host.clone();
    match api_for(client, apis, &place).await? {
        Api::GitHub(gh) => {
            let owners: Vec<Owner> = match &place.owner {
                Some(owner) => vec![github_owner(&gh, owner, org).await?],
                None => {
                    let me = gh.viewer().await?;
                    let mut owners = vec![(Owner::Me, me)];
                    for org in gh.organisations().await? {
                        if !owners.iter().any(|(_, name)| *name == org) {
                            owners.push((Owner::Org(org.clone()), org));
                        }
                    }
                    let names: Vec<String> = owners.iter().map(|(_, n)| n.clone()).collect();
                    let mut rows = Vec::new();
                    for (owner, _) in &owners {
                        let kind = owner_kind(owner);
                        rows.extend(
                            gh.packages(owner, visibility)
                                .await?
                                .into_iter()
                                .map(|p| (kind, p)),
                        );
                    }
                    return Ok(github_list(&gh, apis, &host, names, rows));
                }
            };
            let name = place.owner.clone().unwrap_or_default();
            let kind = owner_kind(&owners[0]);
            let rows = gh.packages(&owners[0], visibility).await?;
            let rows = rows.into_iter().map(|p| (kind, p)).collect();
            Ok(github_list(&gh, apis, &host, vec![name], rows))
        }
        Api::Hub(hub) => {
            let namespace = match (&place.owner, hub.username()) {
                (Some(ns), _) => ns.clone(),
                (None, Some(user)) => user.to_owned(),
                (None, None) => {
                    return Err(Error::input(
                        "no Docker Hub namespace named",
                        "give docker.io/NAMESPACE, or sign in to docker.io to list your own",
                    ))
                }
            };
            let mut packages: Vec<PackageRow> = hub
                .repositories(&namespace)
                .await?
                .into_iter()
                .map(|r| {
                    let owner = if r.namespace.is_empty() {
                        namespace.clone()
                    } else {
                        r.namespace
                    };
                    let repository = format!("{host}/{owner}/{}", r.name);
                    let (page_url, settings_url) =
                        package_pages(apis, &repository, OwnerKind::User);
                    PackageRow {
                        repository,
                        page_url,
                        settings_url,
                        owner_kind: OwnerKind::User,
                        visibility: Some(
                            if r.is_private { "private" } else { "public" }.to_owned(),
                        ),
                        name: r.name,
                        owner,
                        version_count: None,
                        pull_count: r.pull_count,
                        storage_size: r.storage_size,
                        updated_at: r.last_updated,
                        source_repository: None,
                    }
                })
                .collect();
            if let Some(v) = visibility {
                packages.retain(|p| p.visibility.as_deref() == Some(v.as_str()));
            }
            Ok(PackageList {
                vendor: Vendor::DockerHub,
                owners: vec![namespace],
                packages,
                rate_limit: hub.rate_limit(),
            })
        }
    }
}

/// A GitHub owner's kind, for its pages.
fn owner_kind(owner: &Owner) -> OwnerKind {
    match owner {
        Owner::Me | Owner::User(_) => OwnerKind::User,
        Owner::Org(_) => OwnerKind::Organization,
    }
}

/// A package's page and settings page, built from its parts (none when a part cannot be
/// in an address). The API's own `html_url` is never used: see `web_pages`.
fn package_pages(
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

fn github_list(
    gh: &GitHubPackages,
    apis: &VendorApis,
    host: &str,
    owners: Vec<String>,
    rows: Vec<(OwnerKind, github::Package)>,
) -> PackageList {
    let mut packages: Vec<PackageRow> = rows
        .into_iter()
        .map(|(owner_kind, p)| {
            let repository = format!("{host}/{}/{}", p.owner, p.name);
            let (page_url, settings_url) = package_pages(apis, &repository, owner_kind);
            PackageRow {
                repository,
                settings_url,
                page_url,
                owner_kind,
                visibility: p.visibility.map(|v| v.as_str().to_owned()),
                name: p.name,
                owner: p.owner,
                version_count: p.version_count,
                pull_count: None,
                storage_size: None,
                updated_at: p.updated_at,
                source_repository: p.repository,
            }
        })
        .collect();
    packages.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
    PackageList {
        vendor: Vendor::GitHub,
        owners,
        packages,
        rate_limit: gh.rate_limit(),
    }
}

/// The package `HOST/OWNER/PACKAGE` named, or the error saying how to name one.
fn package_place(place: &str) -> Result<(Place, String, String)> {
    let place = Place::parse(place)?;
    match (&place.owner, &place.package) {
        (Some(owner), Some(package)) => {
            let (o, p) = (owner.clone(), package.clone());
            Ok((place, o, p))
        }
        _ => Err(Error::input(
            format!("\"{}\" names no package", place.host),
            "name it as HOST/OWNER/PACKAGE (ghcr.io/octocat/app)",
        )),
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
            let who = github_owner(&gh, &owner, org).await?;
            let state = if deleted {
                VersionState::Deleted
            } else {
                VersionState::Active
            };
            let listed = gh.versions(&who, &package, state).await?;
            let kind = owner_kind(&who);
            let page = |id: u64| {
                WebPage::Version {
                    repository: repository.clone(),
                    owner_kind: kind,
                    version: id.to_string(),
                }
                .url(apis)
                .ok()
                .map(String::from)
            };
            let mut rows: Vec<VersionRow> = listed
                .into_iter()
                .map(|v| {
                    let page_url = page(v.id);
                    github_version(v, page_url)
                })
                .collect();
            if !deleted {
                rows = group_platform_images(client, &repository, rows).await;
            }
            Ok(VersionList {
                vendor: Vendor::GitHub,
                repository,
                versions: rows,
                rate_limit: gh.rate_limit(),
            })
        }
        Api::Hub(hub) => {
            if deleted {
                return Err(Error::input(
                    "Docker Hub keeps no deleted versions",
                    "list its tags without --deleted",
                ));
            }
            let tags = hub.tags(&owner, &package).await?;
            let versions = tags
                .into_iter()
                .map(|t| VersionRow {
                    id: None,
                    digest: t.digest,
                    page_url: WebPage::Version {
                        repository: repository.clone(),
                        owner_kind: OwnerKind::User,
                        version: t.name.clone(),
                    }
                    .url(apis)
                    .ok()
                    .map(String::from),
                    tags: vec![t.name],
                    created_at: t.last_updated,
                    deleted_at: None,
                    part_of: None,
                    images: t.images.iter().map(platform_image).collect(),
                })
                .collect();
            Ok(VersionList {
                vendor: Vendor::DockerHub,
                repository,
                versions,
                rate_limit: hub.rate_limit(),
            })
        }
    }
}

fn platform_image(i: &HubImage) -> PlatformImage {
    PlatformImage {
        platform: i.platform(),
        digest: i.digest.clone(),
        size: i.size,
    }
}

fn github_version(v: PackageVersion, page_url: Option<String>) -> VersionRow {
    VersionRow {
        id: Some(v.id),
        digest: Some(v.digest),
        tags: v.tags,
        created_at: v.created_at,
        deleted_at: v.deleted_at,
        part_of: None,
        images: Vec::new(),
        page_url,
    }
}

/// Tagged versions whose manifests are read to find their platform images.
const INDEXES_READ: usize = 100;

/// How close in time an index and its platform images are pushed.
const PUSHED_TOGETHER: std::time::Duration = std::time::Duration::from_secs(3600);

/// The most the version list waits for index manifests before it is shown ungrouped.
const GROUPING_TIME: std::time::Duration = std::time::Duration::from_secs(8);

/// Put each untagged version that is a platform image of a tagged index right after that
/// index (in the index's order), marked as its part.
///
/// The API does not say which versions are indexes, so manifests are read from the
/// registry, but only where it can matter: tagged versions with an untagged one pushed
/// within [`PUSHED_TOGETHER`] of them (the images of an index are pushed just before it),
/// the newest [`INDEXES_READ`] of those, 8 at a time, for at most [`GROUPING_TIME`]. A
/// manifest that cannot be read in time leaves its versions as they are.
async fn group_platform_images(
    client: &Client,
    repository: &str,
    rows: Vec<VersionRow>,
) -> Vec<VersionRow> {
    let when = |r: &VersionRow| {
        r.created_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
    };
    let untagged_times: Vec<jiff::Timestamp> = rows
        .iter()
        .filter(|r| r.tags.is_empty())
        .filter_map(when)
        .collect();
    let near_untagged = |r: &VersionRow| {
        when(r).is_some_and(|t| {
            untagged_times
                .iter()
                .any(|u| (t.as_second() - u.as_second()).abs() <= PUSHED_TOGETHER.as_secs() as i64)
        })
    };
    let tagged: Vec<String> = rows
        .iter()
        .filter(|r| !r.tags.is_empty() && near_untagged(r))
        .filter_map(|r| r.digest.clone())
        .take(INDEXES_READ)
        .collect();
    let read = stream::iter(tagged)
        .map(|digest| async move {
            let reference = Reference::parse(&format!("{repository}@{digest}")).ok()?;
            match client.manifest(&reference).await.ok()?.manifest {
                Manifest::Index(index) => Some((
                    digest,
                    index
                        .manifests()
                        .iter()
                        .map(|d| d.digest().to_string())
                        .collect(),
                )),
                Manifest::Image(_) => None,
            }
        })
        .buffer_unordered(8)
        .filter_map(|x| async move { x })
        .collect::<Vec<(String, Vec<String>)>>();
    let Ok(children) = tokio::time::timeout(GROUPING_TIME, read).await else {
        tracing::debug!("reading the index manifests took too long; versions left ungrouped");
        return rows;
    };
    if children.is_empty() {
        return rows;
    }
    let parent_of = |digest: &str| {
        children
            .iter()
            .find(|(_, kids)| kids.iter().any(|k| k == digest))
            .map(|(parent, _)| parent.clone())
    };
    let (mut parts, mut rest): (Vec<VersionRow>, Vec<VersionRow>) = (Vec::new(), Vec::new());
    for mut row in rows {
        let parent = row
            .tags
            .is_empty()
            .then(|| row.digest.as_deref().and_then(parent_of))
            .flatten();
        if let Some(parent) = parent {
            row.part_of = Some(parent);
            parts.push(row);
        } else {
            rest.push(row);
        }
    }
    let mut out = Vec::with_capacity(rest.len() + parts.len());
    // Each index's platform images in the index's own order.
    for row in rest {
        let kids = row
            .digest
            .as_deref()
            .and_then(|d| children.iter().find(|(parent, _)| parent == d))
            .map(|(_, kids)| kids.clone())
            .unwrap_or_default();
        out.push(row);
        for kid in kids {
            if let Some(at) = parts.iter().position(|p| p.digest.as_deref() == Some(&kid)) {
                out.push(parts.remove(at));
            }
        }
    }
    out
}

/// Delete version `id` of the GitHub package `place` names.
pub async fn delete_version(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    id: u64,
) -> Result<()> {
    let (place, owner, package) = package_place(place)?;
    match api_for(client, apis, &place).await? {
        Api::GitHub(gh) => {
            let who = github_owner(&gh, &owner, org).await?;
            gh.delete_version(&who, &package, id).await
        }
        Api::Hub(_) => Err(no_versions_on_hub()),
    }
}

/// Restore deleted version `id` of the GitHub package `place` names.
pub async fn restore_version(
    client: &Client,
    apis: &VendorApis,
    place: &str,
    org: bool,
    id: u64,
) -> Result<()> {
    let (place, owner, package) = package_place(place)?;
    match api_for(client, apis, &place).await? {
        Api::GitHub(gh) => {
            let who = github_owner(&gh, &owner, org).await?;
            gh.restore_version(&who, &package, id).await
        }
        Api::Hub(_) => Err(no_versions_on_hub()),
    }
}

/// An untag refused by a registry whose packages GitHub's API lists (ghcr.io deletes
/// versions, not tags): the same error, saying what works instead. The version holding
/// `digest` is looked up: when `reference`'s tag is its only tag, deleting that version
/// removes exactly the tag; otherwise it names the other tags that would go too. Any
/// other error, or a failed lookup, is returned as it was.
pub async fn explain_untag(
    client: &Client,
    apis: &VendorApis,
    reference: &Reference,
    digest: Option<&portolan::Digest>,
    error: Error,
) -> Error {
    let Error::DeleteUnsupported {
        registry,
        what,
        status,
        ..
    } = &error
    else {
        return error;
    };
    let (Some(tag), Some(Vendor::GitHub)) =
        (reference.tag(), vendor_of(reference.registry(), apis))
    else {
        return error;
    };
    let repository = format!("{}/{}", reference.registry(), reference.repository());
    let found = async {
        let (place, owner, package) = package_place(&repository).ok()?;
        let Api::GitHub(gh) = api_for(client, apis, &place).await.ok()? else {
            return None;
        };
        let digest = match digest {
            Some(d) => d.clone(),
            None => client.resolve_digest(reference).await.ok()?,
        };
        let who = github_owner(&gh, &owner, false).await.ok()?;
        let versions = gh
            .versions(&who, &package, VersionState::Active)
            .await
            .ok()?;
        versions
            .into_iter()
            .find(|v| v.digest == digest.to_string())
    }
    .await;
    let Some(version) = found else {
        return error;
    };
    let others: Vec<&str> = version
        .tags
        .iter()
        .map(String::as_str)
        .filter(|t| *t != tag)
        .collect();
    let hint = if others.is_empty() {
        format!(
            "ghcr.io deletes package versions, not tags; {tag} is the only tag of version {id}: deleting that version removes exactly it (the package's Versions view, or `portolan-cli version-delete {repository} {id}`; restorable for 30 days)",
            id = version.id
        )
    } else {
        format!(
            "ghcr.io deletes package versions, not tags, and version {id} also carries {}: deleting it would remove those too (the package's Versions view, or `portolan-cli version-delete {repository} {id}`)",
            others.join(", "),
            id = version.id
        )
    };
    Error::DeleteUnsupported {
        registry: registry.clone(),
        what: what.clone(),
        status: *status,
        hint,
    }
}

fn no_versions_on_hub() -> Error {
    Error::input(
        "Docker Hub has no package versions to delete or restore",
        "delete a tag on hub.docker.com",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_parse_as_references_name_them() {
        let p = Place::parse("ghcr.io/octo/team/app").expect("place");
        assert_eq!(p.owner.as_deref(), Some("octo"));
        assert_eq!(p.package.as_deref(), Some("team/app"));
        assert_eq!(p.repository().as_deref(), Some("ghcr.io/octo/team/app"));
        assert_eq!(
            Place::parse("index.docker.io/alice").expect("hub").host,
            "docker.io"
        );
        assert!(Place::parse("ghcr.io/octo/app:v1").is_err());
        assert!(Place::parse("").is_err());
    }

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
    }
}
