//! Docker Hub's repositories and tags as package rows: a namespace's repositories, a
//! repository's tags with their platform images. The Hub keeps no deleted versions.

use portolan::hosted_apis::dockerhub::{DockerHub, HubImage};
use portolan::hosted_apis::github::Visibility;
use portolan::{Error, Result};

use super::{
    package_pages, PackageList, PackageRow, Place, PlatformImage, Vendor, VendorApis, VersionList,
    VersionRow,
};
use crate::web_pages::{OwnerKind, WebPage};

/// The repositories of the namespace `place` names (else the signed-in user's), only
/// those with `visibility` when given.
pub(super) async fn packages(
    hub: &DockerHub,
    apis: &VendorApis,
    place: &Place,
    visibility: Option<Visibility>,
) -> Result<PackageList> {
    let host = &place.host;
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
            let (page_url, settings_url) = package_pages(apis, &repository, OwnerKind::User);
            PackageRow {
                repository,
                page_url,
                settings_url,
                owner_kind: OwnerKind::User,
                visibility: Some(if r.is_private { "private" } else { "public" }.to_owned()),
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

/// The tags of `namespace/name` (shown as `repository`), each a version.
pub(super) async fn versions(
    hub: &DockerHub,
    apis: &VendorApis,
    repository: String,
    namespace: &str,
    name: &str,
    deleted: bool,
) -> Result<VersionList> {
    if deleted {
        return Err(Error::input(
            "Docker Hub keeps no deleted versions",
            "list its tags without --deleted",
        ));
    }
    let tags = hub.tags(namespace, name).await?;
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
            platform: None,
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

fn platform_image(i: &HubImage) -> PlatformImage {
    PlatformImage {
        platform: i.platform(),
        digest: i.digest.clone(),
        size: i.size,
    }
}

/// The error for a version delete or restore asked of Docker Hub.
pub(super) fn no_versions() -> Error {
    Error::input(
        "Docker Hub has no package versions to delete or restore",
        "delete a tag on hub.docker.com",
    )
}
