//! GitHub Packages as package rows: an owner's packages, a package's versions (a tagged
//! multi-platform version followed by the untagged versions that are its platform images),
//! and what an untag refused by ghcr.io can do instead.

use futures_util::stream::{self, StreamExt};
use portolan::hosted_apis::github::{
    self, GitHubPackages, Owner, PackageVersion, VersionState, Visibility,
};
use portolan::{Client, Error, Reference, Result};

use super::{
    api_for, index_entries, package_pages, package_place, vendor_of, Api, PackageList, PackageRow,
    Place, Vendor, VendorApis, VersionList, VersionRow,
};
use crate::web_pages::{OwnerKind, WebPage};

/// The packages of the owner `place` names (`org` saying it is an organisation), or of the
/// signed-in user and their organisations, only those with `visibility` when given.
pub(super) async fn packages(
    gh: &GitHubPackages,
    apis: &VendorApis,
    place: &Place,
    org: bool,
    visibility: Option<Visibility>,
) -> Result<PackageList> {
    let host = &place.host;
    if let Some(name) = &place.owner {
        let who = owner_named(gh, name, org).await?;
        let kind = owner_kind(&who);
        let rows = gh.packages(&who, visibility).await?;
        let rows = rows.into_iter().map(|p| (kind, p)).collect();
        return Ok(list(gh, apis, host, vec![name.clone()], rows));
    }
    let me = gh.viewer().await?;
    let mut owners = vec![(Owner::Me, me)];
    for org in gh.organisations().await? {
        if !owners.iter().any(|(_, name)| *name == org) {
            owners.push((Owner::Org(org.clone()), org));
        }
    }
    let names: Vec<String> = owners.iter().map(|(_, n)| n.clone()).collect();
    let mut rows = Vec::new();
    for (who, _) in &owners {
        let kind = owner_kind(who);
        rows.extend(
            gh.packages(who, visibility)
                .await?
                .into_iter()
                .map(|p| (kind, p)),
        );
    }
    Ok(list(gh, apis, host, names, rows))
}

/// A GitHub package named by the user: its repository, owner and name, and whether the
/// owner was said to be an organisation.
pub(super) struct NamedPackage<'a> {
    pub repository: String,
    pub owner: &'a str,
    pub name: &'a str,
    pub org: bool,
}

/// The versions of `package` (deleted ones with `deleted`), newest first; active ones
/// with each tagged index's untagged platform images grouped after it.
pub(super) async fn versions(
    client: &Client,
    gh: &GitHubPackages,
    apis: &VendorApis,
    package: NamedPackage<'_>,
    deleted: bool,
) -> Result<VersionList> {
    let repository = package.repository;
    let who = owner_named(gh, package.owner, package.org).await?;
    let state = if deleted {
        VersionState::Deleted
    } else {
        VersionState::Active
    };
    let listed = gh.versions(&who, package.name, state).await?;
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
            version_row(v, page_url)
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

/// Whose packages a GitHub owner name means: the token's user (whose private packages
/// only `/user/...` lists), an organisation (said by `org`, else asked of GitHub), or
/// another user.
pub(super) async fn owner_named(gh: &GitHubPackages, owner: &str, org: bool) -> Result<Owner> {
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

/// A GitHub owner's kind, for its pages.
fn owner_kind(owner: &Owner) -> OwnerKind {
    match owner {
        Owner::Me | Owner::User(_) => OwnerKind::User,
        Owner::Org(_) => OwnerKind::Organization,
    }
}

/// The rows of GitHub's `rows`, most recently updated first.
fn list(
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

/// A GitHub package version as a row.
fn version_row(v: PackageVersion, page_url: Option<String>) -> VersionRow {
    VersionRow {
        id: Some(v.id),
        digest: Some(v.digest),
        tags: v.tags,
        created_at: v.created_at,
        deleted_at: v.deleted_at,
        part_of: None,
        platform: None,
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
    let read = read_indexes(client, repository, indexes_to_read(&rows));
    let Ok(children) = tokio::time::timeout(GROUPING_TIME, read).await else {
        tracing::debug!("reading the index manifests took too long; versions left ungrouped");
        return rows;
    };
    if children.is_empty() {
        return rows;
    }
    regroup(rows, &children)
}

/// The digests of the tagged versions that may be indexes with untagged platform images:
/// those pushed within [`PUSHED_TOGETHER`] of an untagged one, the newest
/// [`INDEXES_READ`].
fn indexes_to_read(rows: &[VersionRow]) -> Vec<String> {
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
    rows.iter()
        .filter(|r| !r.tags.is_empty() && near_untagged(r))
        .filter_map(|r| r.digest.clone())
        .take(INDEXES_READ)
        .collect()
}

/// A manifest an index lists: its digest and platform (`linux/arm64`), when said.
type Listed = (String, Option<String>);

/// Each of `digests` that is an index in `repository`, with the manifests it lists (8
/// read at a time; one that cannot be read is left out).
async fn read_indexes(
    client: &Client,
    repository: &str,
    digests: Vec<String>,
) -> Vec<(String, Vec<Listed>)> {
    stream::iter(digests)
        .map(|digest| async move {
            let reference = Reference::parse(&format!("{repository}@{digest}")).ok()?;
            let fetched = client.manifest(&reference).await.ok()?;
            Some((digest, index_entries(&fetched.manifest)?))
        })
        .buffer_unordered(8)
        .filter_map(|x| async move { x })
        .collect()
        .await
}

/// `rows` with each untagged platform image of an index in `children` moved right after
/// that index, in the index's order, and marked as its part with its platform.
fn regroup(rows: Vec<VersionRow>, children: &[(String, Vec<Listed>)]) -> Vec<VersionRow> {
    let parent_of = |digest: &str| {
        children.iter().find_map(|(parent, kids)| {
            kids.iter()
                .find(|(k, _)| k == digest)
                .map(|(_, platform)| (parent.clone(), platform.clone()))
        })
    };
    let (mut parts, mut rest): (Vec<VersionRow>, Vec<VersionRow>) = (Vec::new(), Vec::new());
    for mut row in rows {
        let parent = row
            .tags
            .is_empty()
            .then(|| row.digest.as_deref().and_then(parent_of))
            .flatten();
        if let Some((parent, platform)) = parent {
            row.part_of = Some(parent);
            row.platform = platform;
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
        for (kid, _) in kids {
            if let Some(at) = parts.iter().position(|p| p.digest.as_deref() == Some(&kid)) {
                out.push(parts.remove(at));
            }
        }
    }
    out
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
        let who = owner_named(&gh, &owner, false).await.ok()?;
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
