//! Reading a registry, for both front ends: its repositories, a repository's tags (those
//! holding signatures, attestations or SBOMs named apart), what a reference resolves to,
//! an image in detail, a manifest or config exactly as sent (bounded), and the artifacts
//! that refer to an image.
//!
//! It exists so the CLI and the desktop app read a registry one way: what the user typed
//! is parsed here, and what the registry sends is split and bounded here, so the two
//! cannot show the same registry differently. Each function takes the text the user gave
//! and answers with a typed result; showing it is the front end's job.

use portolan::client::referrers_tag;
use portolan::inspect::{ImageReport, TagSummary};
use portolan::manifest::MAX_CONFIG_BYTES;
use portolan::reference::{is_supply_chain_tag, normalize_registry, repository_in};
use portolan::referrers::{ReferrerRow, ReferrersReport};
use portolan::{Client, Digest, Error, Platform, Reference, Result};
use serde::Serialize;

/// Every repository `registry` (a host, `host:port` or URL) lists in its catalog, every
/// page of it, within the engine's bound on a name list. A front end that shows one page
/// at a time pages with [`crate::catalog::CatalogPages`] instead.
pub async fn repositories(client: &Client, registry: &str) -> Result<Vec<String>> {
    let registry = normalize_registry(registry)?;
    client.repositories(&registry).await
}

/// The repository (`host/name`) a user means by `name` while browsing `host`: `name`
/// itself when it names a registry, else `name` on `host`.
pub fn repository_named(host: &str, name: &str) -> Result<String> {
    Ok(repository_in(host, name)?.name())
}

/// A repository's tags, with those that hold signatures, attestations or SBOMs (cosign's
/// `sha256-<hex>.sig`, the referrers fallback tag) named apart so a list can hide them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagList {
    /// Every tag, in order.
    pub tags: Vec<String>,
    /// The tags among them that hold supply-chain artifacts rather than images.
    pub supply_chain: Vec<String>,
}

impl TagList {
    /// `tags`, with the supply-chain ones among them named apart.
    pub fn of(tags: Vec<String>) -> Self {
        let supply_chain = tags
            .iter()
            .filter(|t| is_supply_chain_tag(t))
            .cloned()
            .collect();
        Self { tags, supply_chain }
    }
}

/// Every tag of `repository` (`host/name`; a tag or digest on it is ignored), in lexical
/// order.
pub async fn tags(client: &Client, repository: &str) -> Result<TagList> {
    let reference = Reference::parse(repository)?;
    Ok(TagList::of(client.tags(&reference).await?))
}

/// Tags a catalog row counts at most: past it the row says "10000+", and no name is kept
/// while counting.
pub const TAG_COUNT_CAP: usize = 10_000;

/// A repository's tag count for its catalog row, counted up to [`TAG_COUNT_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagCount {
    /// Distinct tags counted.
    pub count: u32,
    /// Counting stopped at the cap: there are at least `count`.
    pub more: bool,
}

/// How many tags `repository` has, up to [`TAG_COUNT_CAP`].
pub async fn count_tags(client: &Client, repository: &str) -> Result<TagCount> {
    let (count, complete) = client
        .count_tags(&Reference::parse(repository)?, TAG_COUNT_CAP)
        .await?;
    Ok(TagCount {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        more: !complete,
    })
}

/// What a tag points at, for its row in a list: digest, kind, platforms, size, date.
pub async fn describe_tag(client: &Client, reference: &str) -> Result<TagSummary> {
    client.tag_summary(&Reference::parse(reference)?).await
}

/// A reference and the digest it resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The digest.
    pub digest: Digest,
    /// The reference, fully qualified.
    pub reference: String,
}

/// The digest `reference` resolves to (a `HEAD`: nothing downloaded when the registry
/// says the digest).
pub async fn resolve_digest(client: &Client, reference: &str) -> Result<Resolved> {
    let reference = Reference::parse(reference)?;
    let digest = client.resolve_digest(&reference).await?;
    Ok(Resolved {
        digest,
        reference: reference.to_string(),
    })
}

/// `reference` in detail: manifest or index, platforms, layers with history, config. For
/// an index, `platform`'s image (`os/arch[/variant]`), else this machine's.
pub async fn inspect(
    client: &Client,
    reference: &str,
    platform: Option<&str>,
) -> Result<ImageReport> {
    let reference = Reference::parse(reference)?;
    let platform = platform.map(Platform::parse).transpose()?;
    client.inspect(&reference, platform.as_ref()).await
}

/// A manifest or blob exactly as the registry sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// Its digest.
    pub digest: Digest,
    /// Its media type.
    pub media_type: String,
    /// Its bytes, as sent.
    pub bytes: Vec<u8>,
}

/// A manifest or config as a window shows it: its text (bytes that are not UTF-8 shown
/// as replacement characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RawDocument {
    /// Its digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// The text.
    pub text: String,
}

impl Raw {
    /// As a window shows it.
    pub fn document(&self) -> RawDocument {
        RawDocument {
            digest: self.digest.to_string(),
            media_type: self.media_type.clone(),
            text: String::from_utf8_lossy(&self.bytes).into_owned(),
        }
    }
}

/// The manifest (or index) `reference` points at, byte for byte as sent (verified
/// against its digest when the reference names one).
pub async fn raw_manifest(client: &Client, reference: &str) -> Result<Raw> {
    let fetched = client.manifest(&Reference::parse(reference)?).await?;
    Ok(Raw {
        digest: fetched.digest,
        media_type: fetched.media_type,
        bytes: fetched.bytes,
    })
}

/// The config blob `digest` of `repository` (`media_type` as its manifest says), as sent,
/// verified, and refused past the engine's bound on a config.
pub async fn raw_config(
    client: &Client,
    repository: &str,
    digest: &str,
    media_type: &str,
) -> Result<Raw> {
    let reference = Reference::parse(repository)?;
    let parsed = Digest::parse(digest)
        .map_err(|e| Error::input(format!("\"{digest}\" is not a digest"), e.to_string()))?;
    let bytes = client
        .registry(reference.registry())?
        .get_blob_bytes(reference.repository(), &parsed, MAX_CONFIG_BYTES)
        .await?;
    Ok(Raw {
        digest: parsed,
        media_type: media_type.to_owned(),
        bytes,
    })
}

/// The artifacts (signatures, SBOMs, attestations) that refer to what `reference` points
/// at, each digest once, with the source that answered (the referrers API, the fallback
/// tag, or neither).
pub async fn referrers(client: &Client, reference: &str) -> Result<ReferrersReport> {
    client.list_referrers(&Reference::parse(reference)?).await
}

/// An artifact that refers to an image, as a window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Referrer {
    /// Its manifest digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// What it is (`application/vnd.dev.cosign...`), when the registry says.
    pub artifact_type: Option<String>,
    /// Size of its manifest.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

impl From<&ReferrerRow> for Referrer {
    fn from(row: &ReferrerRow) -> Self {
        Self {
            digest: row.digest.to_string(),
            media_type: row.media_type.clone(),
            artifact_type: row.artifact_type.clone(),
            size: row.size,
        }
    }
}

/// The referrers of `reference` as a window lists them (see [`referrers`]).
pub async fn referrer_list(client: &Client, reference: &str) -> Result<Vec<Referrer>> {
    let report = referrers(client, reference).await?;
    Ok(report.referrers.iter().map(Referrer::from).collect())
}

/// The tag that holds the referrers of `subject` on a registry without the referrers API
/// (`sha256-<hex>`).
pub fn fallback_tag(subject: &Digest) -> String {
    referrers_tag(subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supply_chain_tags_are_named_apart_and_kept_in_the_list() {
        let hex = "a".repeat(64);
        let tags = vec![
            "1.0".to_owned(),
            format!("sha256-{hex}"),
            format!("sha256-{hex}.sig"),
            "latest".to_owned(),
        ];
        let list = TagList::of(tags.clone());
        assert_eq!(list.tags, tags);
        assert_eq!(
            list.supply_chain,
            vec![format!("sha256-{hex}"), format!("sha256-{hex}.sig")]
        );
    }

    #[test]
    fn a_raw_document_shows_bytes_that_are_not_text() {
        let raw = Raw {
            digest: Digest::parse(&format!("sha256:{}", "b".repeat(64))).expect("digest"),
            media_type: "application/json".to_owned(),
            bytes: b"{\"a\":\xff}".to_vec(),
        };
        let doc = raw.document();
        assert_eq!(doc.text, "{\"a\":\u{FFFD}}");
        assert_eq!(doc.digest, format!("sha256:{}", "b".repeat(64)));
    }

    #[tokio::test]
    async fn a_config_digest_that_is_not_one_is_refused_before_any_request() {
        let client = Client::anonymous();
        let e = raw_config(&client, "localhost:5000/app", "nope", "application/json")
            .await
            .expect_err("not a digest");
        assert_eq!(e.code(), portolan::ErrorCode::Input);
    }
}
