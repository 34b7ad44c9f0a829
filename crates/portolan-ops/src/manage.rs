//! Changing what a repository holds, one action at a time, as a user asks for it: add a
//! tag (never moving an existing one unless the user confirmed where it points now),
//! remove a tag (only while it still points where the user saw it, with what Undo needs),
//! and delete an image by digest after listing every tag that goes with it, and only while
//! those are still its tags.
//!
//! The engine does the registry work (`portolan::tags`); this layer adds the
//! checks a user needs before and after each action. Both front ends (the CLI and the
//! app) call these functions, so that a rule cannot differ between them.

use std::collections::BTreeSet;
use std::sync::Arc;

use portolan::reference::tag_problem;
use portolan::UntagMethod;
use portolan::{Client, Digest, Error, Reference, Result};

use crate::packages::{explain_untag, VendorApis};
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

/// Remove `tag`, only while it points at `expected` (what the user saw). A registry that
/// removes no tags (ghcr.io) is explained: what works instead there.
pub async fn untag(
    client: &Client,
    apis: &VendorApis,
    repository: &str,
    tag: &str,
    expected: &Digest,
) -> Result<Untagged> {
    match untag_guarded(client, &repository_ref(repository)?, tag, expected).await {
        Ok(method) => Ok(Untagged {
            reference: tag_ref(&repository_ref(repository)?, tag)?.to_string(),
            tag: tag.to_owned(),
            digest: expected.clone(),
            method,
        }),
        Err(e) => {
            let reference = tag_ref(&repository_ref(repository)?, tag)?;
            Err(explain_untag(client, apis, &reference, Some(expected), e).await)
        }
    }
}

/// The engine's untag of `repository:tag`, refused (`TagMoved`) unless the tag points at
/// `expected`.
pub async fn untag_guarded(
    client: &Client,
    repository: &Reference,
    tag: &str,
    expected: &Digest,
) -> Result<UntagMethod> {
    let reference = tag_ref(repository, tag)?.with_digest(expected.clone());
    client.untag(&reference).await
}

/// Where `repository:tag` points now: what an untag from a command line (which saw no
/// list) is guarded by.
pub async fn tag_digest(client: &Client, repository: &str, tag: &str) -> Result<Digest> {
    client
        .resolve_digest(&tag_ref(&repository_ref(repository)?, tag)?)
        .await
}

/// Delete the image `digest` (and with it every tag on it), only while its tags are the
/// `previewed` ones the user was shown: when a tag was added to it (or left it) since, it
/// is refused ([`Error::ChangedSincePreview`]) and nothing is deleted.
pub async fn delete(
    client: &Arc<Client>,
    repository: &str,
    digest: &Digest,
    previewed: &[String],
) -> Result<Digest> {
    let repo = repository_ref(repository)?;
    let now: BTreeSet<String> = tags_on(client, repository, digest)
        .await?
        .into_iter()
        .collect();
    let seen: BTreeSet<String> = previewed.iter().cloned().collect();
    if let Some(changes) = tag_changes(&seen, &now) {
        return Err(Error::ChangedSincePreview {
            what: repo.with_digest(digest.clone()).to_string(),
            changes,
        });
    }
    client.delete(&repo.with_digest(digest.clone())).await
}

/// How the tags on an image differ from what a preview showed, in words ("prod was
/// added; v1 no longer on it"), or `None` when they are the same.
pub(crate) fn tag_changes(previewed: &BTreeSet<String>, now: &BTreeSet<String>) -> Option<String> {
    let added: Vec<&str> = now.difference(previewed).map(String::as_str).collect();
    let gone: Vec<&str> = previewed.difference(now).map(String::as_str).collect();
    let mut parts = Vec::new();
    match added.as_slice() {
        [] => {}
        [one] => parts.push(format!("{one} was added")),
        many => parts.push(format!("{} were added", a_few(many))),
    }
    if !gone.is_empty() {
        parts.push(format!("{} no longer on it", a_few(&gone)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The first few names, and how many more (a message stays short whatever changed).
fn a_few(names: &[&str]) -> String {
    const SHOWN: usize = 10;
    let mut text = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
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

/// What deleting an image takes with it and what it breaks, shown before the user
/// confirms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeletePreview {
    /// The tags on the image now: they go with it.
    pub tags: Vec<String>,
    /// The tags of indexes (multi-arch images) that list it: deleting it breaks them for
    /// its platform.
    pub listed_by: Vec<String>,
}

/// The preview of deleting `digest` from `repository`.
pub async fn delete_preview(
    client: &Arc<Client>,
    repository: &str,
    digest: &Digest,
) -> Result<DeletePreview> {
    let repo = repository_ref(repository)?;
    let scan = tag_scan::heads(client, &repo).await?;
    let listed_by = tag_scan::indexes_listing(client, &repo, &scan, digest).await;
    Ok(DeletePreview {
        tags: scan
            .into_iter()
            .filter(|t| t.digest == *digest)
            .map(|t| t.tag)
            .collect(),
        listed_by,
    })
}
