//! Changing what a repository holds, one action at a time, as a user asks for it: add a
//! tag (never moving an existing one unless the user confirmed where it points now),
//! remove a tag (only while it still points where the user saw it, with what Undo needs),
//! and delete an image by digest after listing every tag that goes with it.
//!
//! The engine does the registry work (`portolan::transfer::tags`); this layer adds the
//! checks a window needs before and after each action.

use std::sync::Arc;

use portolan::reference::tag_problem;
use portolan::UntagMethod;
use portolan::{Client, Digest, Error, Reference, Result};

use crate::tag_scan;

/// What a front end shows about a tag name while the user types it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagCheck {
    /// Why it is not a valid tag, in words; `None` when it is one.
    pub problem: Option<String>,
    /// Where the tag points now, when it exists: creating it means moving it.
    pub existing: Option<Digest>,
}

/// `repository` (`host/name`) as a reference, refusing a tag or digest in it.
pub fn repository_ref(repository: &str) -> Result<Reference> {
    let reference = Reference::parse(repository)?;
    if reference.tag().is_some() || reference.digest().is_some() {
        return Err(Error::input(
            format!("\"{repository}\" names a tag or digest"),
            "name the repository alone (host/name)",
        ));
    }
    Ok(reference)
}

/// `repository:tag`, with `tag` checked.
pub fn tag_ref(repository: &Reference, tag: &str) -> Result<Reference> {
    if let Some(problem) = tag_problem(tag) {
        return Err(Error::input(
            format!("\"{tag}\" is not a valid tag"),
            problem,
        ));
    }
    Ok(Reference::from_parts(
        repository.registry(),
        repository.repository(),
        Some(tag),
        None,
    )?)
}

/// Check a tag the user is typing: its grammar, then (when valid) where it points now.
pub async fn check_new_tag(client: &Client, repository: &str, tag: &str) -> Result<TagCheck> {
    let repo = repository_ref(repository)?;
    if let Some(problem) = tag_problem(tag) {
        return Ok(TagCheck {
            problem: Some(problem),
            existing: None,
        });
    }
    Ok(TagCheck {
        problem: None,
        existing: current_digest(client, &tag_ref(&repo, tag)?).await?,
    })
}

/// Where a tag points now, or `None` when there is no such tag.
async fn current_digest(client: &Client, tag: &Reference) -> Result<Option<Digest>> {
    match client.resolve_digest(tag).await {
        Ok(d) => Ok(Some(d)),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A tag to add, as the user asked for it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TagRequest {
    /// The repository (`host/name`).
    pub repository: String,
    /// The image to tag: a digest (`sha256:...`) or an existing tag.
    pub source: String,
    /// The new tag.
    pub tag: String,
    /// When the tag exists: the digest the user agreed to move it away from. Without it
    /// (or when the tag has moved since), an existing tag is left alone.
    pub replace: Option<Digest>,
}

/// What a tag did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tagged {
    /// The new tag, fully qualified.
    pub reference: String,
    /// The image it points at.
    pub digest: Digest,
    /// Where it pointed before, when it was moved.
    pub moved_from: Option<Digest>,
}

/// Add a tag; an existing tag is moved only when `replace` names where it points now.
pub async fn tag(client: &Client, request: &TagRequest) -> Result<Tagged> {
    let repo = repository_ref(&request.repository)?;
    let new = tag_ref(&repo, &request.tag)?;
    let source = source_ref(&repo, &request.source)?;
    let digest = client.resolve_digest(&source).await?;
    let existing = current_digest(client, &new).await?;
    match &existing {
        Some(now) if *now == digest => {
            return Ok(Tagged {
                reference: new.to_string(),
                digest,
                moved_from: None,
            })
        }
        Some(now) if request.replace.as_ref() != Some(now) => {
            return Err(Error::TagExists {
                reference: new.to_string(),
                digest: now.to_string(),
            })
        }
        _ => {}
    }
    let source = source.with_digest(digest);
    let digest = client.tag(&source, &request.tag).await?;
    Ok(Tagged {
        reference: new.to_string(),
        digest,
        moved_from: existing,
    })
}

fn source_ref(repository: &Reference, source: &str) -> Result<Reference> {
    match Digest::parse(source) {
        Ok(d) => Ok(repository.with_digest(d)),
        Err(_) => tag_ref(repository, source),
    }
}

/// What removing a tag did, and what Undo needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Untagged {
    /// The removed tag, fully qualified.
    pub reference: String,
    /// The tag alone.
    pub tag: String,
    /// The image it pointed at (still there, by digest and under its other tags): tagging
    /// it again undoes the removal.
    pub digest: Digest,
    /// How the registry was asked.
    pub method: UntagMethod,
}

/// Remove `tag`, only while it points at `expected` (what the user saw).
pub async fn untag(
    client: &Client,
    repository: &str,
    tag: &str,
    expected: &Digest,
) -> Result<Untagged> {
    let repo = repository_ref(repository)?;
    let reference = tag_ref(&repo, tag)?.with_digest(expected.clone());
    let method = client.untag(&reference).await?;
    Ok(Untagged {
        reference: tag_ref(&repo, tag)?.to_string(),
        tag: tag.to_owned(),
        digest: expected.clone(),
        method,
    })
}

/// Delete the image `digest` (and with it every tag on it).
pub async fn delete(client: &Client, repository: &str, digest: &Digest) -> Result<Digest> {
    let repo = repository_ref(repository)?;
    client.delete(&repo.with_digest(digest.clone())).await
}

/// The tags of `repository` that point at `digest` now: what a delete takes with it.
pub async fn tags_on(
    client: &Arc<Client>,
    repository: &str,
    digest: &Digest,
) -> Result<Vec<String>> {
    let repo = repository_ref(repository)?;
    let scan = tag_scan::digests(client, &repo).await?;
    Ok(scan
        .into_iter()
        .filter(|(_, d)| d == digest)
        .map(|(t, _)| t)
        .collect())
}
