//! Where every tag of a repository points, as cheaply as the registry allows: what a list
//! needs to group tags by image, without reading each tag's manifest.
//!
//! On ghcr.io and Docker Hub the vendor's API lists the versions with their tags (one
//! listing, a page per 100 or so), and only the tags it does not name (pushed since, or a
//! package the API does not show) are asked of the registry. Anywhere else, or when the
//! API cannot answer (not signed in, someone else's package), every tag is asked with a
//! `HEAD` (a digest, no body), [`tag_scan::CONCURRENCY`] at a time.

use std::collections::HashMap;
use std::sync::Arc;

use portolan::{Client, Reference, Result};
use serde::Serialize;

use crate::packages::{self, vendor_of, VendorApis};
use crate::tag_scan;

/// A tag and the digest it points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagDigest {
    /// The tag.
    pub tag: String,
    /// The manifest (or index) digest it points to.
    pub digest: String,
}

/// Where the digests came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DigestSource {
    /// The vendor's API (versions with their tags), the registry for the tags it missed.
    Api,
    /// A `HEAD` per tag.
    Registry,
}

/// Every tag of a repository with its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagDigests {
    /// The registry's tags, in its order, each with where it points; a tag deleted while
    /// they were read is left out.
    pub tags: Vec<TagDigest>,
    /// Where the digests came from.
    pub source: DigestSource,
}

/// Every tag of `repository` (`host/name`) with the digest it points to.
pub async fn tag_digests(
    client: &Arc<Client>,
    apis: &VendorApis,
    repository: &str,
) -> Result<TagDigests> {
    let reference = Reference::parse(repository)?;
    if vendor_of(reference.registry(), apis).is_some() {
        match from_api(client, apis, &reference).await {
            Ok(found) => return Ok(found),
            Err(e) => tracing::debug!(%repository, "digests asked of the registry: {e}"),
        }
    }
    let tags = tag_scan::heads(client, &reference).await?;
    Ok(TagDigests {
        tags: tags
            .into_iter()
            .map(|t| TagDigest {
                tag: t.tag,
                digest: t.digest.to_string(),
            })
            .collect(),
        source: DigestSource::Registry,
    })
}

/// The digests the vendor API lists, for the tags the registry has; a tag the API does
/// not name is asked of the registry.
async fn from_api(
    client: &Arc<Client>,
    apis: &VendorApis,
    reference: &Reference,
) -> Result<TagDigests> {
    let listed: HashMap<String, String> = packages::tag_digests(client, apis, &reference.name())
        .await?
        .into_iter()
        .collect();
    let registry_tags = client.tags(reference).await?;
    let missing: Vec<String> = registry_tags
        .iter()
        .filter(|t| !listed.contains_key(*t))
        .cloned()
        .collect();
    let mut asked: HashMap<String, String> = tag_scan::heads_of(client, reference, missing)
        .await?
        .into_iter()
        .map(|t| (t.tag, t.digest.to_string()))
        .collect();
    let tags = registry_tags
        .into_iter()
        .filter_map(|tag| {
            let digest = listed.get(&tag).cloned().or_else(|| asked.remove(&tag))?;
            Some(TagDigest { tag, digest })
        })
        .collect();
    Ok(TagDigests {
        tags,
        source: DigestSource::Api,
    })
}
