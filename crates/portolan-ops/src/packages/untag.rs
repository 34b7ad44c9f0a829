//! Removing one tag on ghcr.io, where the registry deletes nothing and GitHub's Packages
//! API deletes versions (one per manifest digest, with all its tags).
//!
//! When the version holds other tags, the tag is moved to a unique placeholder manifest
//! (the engine's: the OCI empty config, unique by annotation), GitHub's version for the
//! placeholder is found by its digest, and that version is deleted: the original keeps its
//! other tags. When the tag is the version's only tag, removing it is deleting the version
//! (restorable for 30 days), done only when the user confirmed exactly that.
//!
//! Every write re-checks first that the tag still points where the user saw it. A step that
//! fails leaves a typed account of what is left ([`VersionUntag::left`]) with what
//! finishing ([`UntagFinish`]) and undoing ([`UntagUndo`]) need; both are operations here.

use std::time::Duration;

use portolan::hosted_apis::github::{GitHubPackages, Owner, PackageVersion, VersionState};
use portolan::{Client, Digest, Error, Reference, Result};

use super::github::owner_named;
use super::{api_for, package_place, Api, VendorApis};
use crate::manage::{repository_ref, tag_ref};

/// A tag to remove from a ghcr.io package, as the user asked for it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionUntagRequest {
    /// The package's repository (`ghcr.io/OWNER/PACKAGE`).
    pub repository: String,
    /// The tag.
    pub tag: String,
    /// The digest the user saw the tag on: nothing is done unless it still points there.
    pub expected: Digest,
    /// OWNER is an organisation.
    #[serde(default)]
    pub org: bool,
    /// The user confirmed that removing the version's only tag deletes the version.
    #[serde(default)]
    pub delete_sole_version: bool,
}

/// What removing a tag will do, shown before the user confirms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionUntagPreview {
    /// The tag, fully qualified.
    pub reference: String,
    /// The digest it points at.
    pub digest: Digest,
    /// The version holding that digest.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: u64,
    /// The version's other tags (they stay).
    pub other_tags: Vec<String>,
    /// The tag is the version's only one: removing it deletes the version.
    pub deletes_version: bool,
    /// What will happen, in words.
    pub explanation: String,
}

/// How far an untag went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum VersionUntagOutcome {
    /// The tag was moved to a placeholder whose version was deleted: the original version
    /// keeps its other tags.
    Removed,
    /// The tag was the version's only one: the version was deleted (restorable).
    VersionDeleted,
    /// A step failed: `left` says what is left, `finish` how to complete it.
    Incomplete,
}

/// What finishing an incomplete untag needs: delete the placeholder's version, while the
/// placeholder's version holds no tag but this one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UntagFinish {
    /// The package's repository.
    pub repository: String,
    /// The tag being removed.
    pub tag: String,
    /// The placeholder it points at.
    pub placeholder: Digest,
    /// The placeholder's version, when it was found.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub placeholder_version: Option<u64>,
    /// OWNER is an organisation.
    pub org: bool,
}

/// What undoing an untag needs: restore the original's version when it was deleted, point
/// the tag back at the original, and delete the placeholder's version if one is left.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UntagUndo {
    /// The package's repository.
    pub repository: String,
    /// The removed tag.
    pub tag: String,
    /// The digest the tag pointed at.
    pub digest: Digest,
    /// The original's version, restored when it was deleted (found among the deleted
    /// versions by its digest when not given).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version: Option<u64>,
    /// The placeholder the tag was moved to, if any.
    pub placeholder: Option<Digest>,
    /// OWNER is an organisation.
    pub org: bool,
}

/// What an untag did, what is left when it stopped half-way, and what finish and undo need.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionUntag {
    /// The tag, fully qualified.
    pub reference: String,
    /// The tag alone.
    pub tag: String,
    /// The digest it pointed at.
    pub digest: Digest,
    /// The version holding that digest.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: u64,
    /// The version's other tags, which it keeps.
    pub other_tags: Vec<String>,
    /// How far it went.
    pub outcome: VersionUntagOutcome,
    /// The placeholder the tag was moved to, if any.
    pub placeholder: Option<Digest>,
    /// The placeholder's version, when it was found.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub placeholder_version: Option<u64>,
    /// When incomplete: exactly what is left, in words.
    pub left: Option<String>,
    /// When incomplete: the failure that stopped it.
    pub error: Option<String>,
    /// When incomplete: what finishing needs.
    pub finish: Option<UntagFinish>,
    /// What undoing needs.
    pub undo: UntagUndo,
}

/// A ghcr.io package opened through GitHub's API.
pub(super) struct OpenPackage {
    pub gh: GitHubPackages,
    pub owner: Owner,
    pub name: String,
    pub repo: Reference,
}

impl OpenPackage {
    /// The package `repository` names, through the GitHub API `apis` configure.
    pub async fn open(
        client: &Client,
        apis: &VendorApis,
        repository: &str,
        org: bool,
    ) -> Result<Self> {
        let (place, owner, name) = package_place(repository)?;
        let Api::GitHub(gh) = api_for(client, apis, &place).await? else {
            return Err(Error::input(
                format!("{repository} is not a GitHub package"),
                "versions are deleted through GitHub's API only on ghcr.io (or a registry given --github-api)",
            ));
        };
        let owner = owner_named(&gh, &owner, org).await?;
        let repo = repository_ref(repository)?;
        Ok(Self {
            gh,
            owner,
            name,
            repo,
        })
    }

    /// The versions in `state`, newest first.
    pub async fn versions(&self, state: VersionState) -> Result<Vec<PackageVersion>> {
        self.gh.versions(&self.owner, &self.name, state).await
    }

    /// The active version holding `digest`, if any.
    pub async fn version_of(&self, digest: &Digest) -> Result<Option<PackageVersion>> {
        let wanted = digest.to_string();
        Ok(self
            .versions(VersionState::Active)
            .await?
            .into_iter()
            .find(|v| v.digest == wanted))
    }

    /// The active version holding `digest`, asked a few times: GitHub lists a version made
    /// by a push only after a moment.
    async fn version_appearing(&self, digest: &Digest) -> Result<Option<PackageVersion>> {
        for wait in [0u64, 250, 500, 1000, 2000] {
            tokio::time::sleep(Duration::from_millis(wait)).await;
            if let Some(v) = self.version_of(digest).await? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// Where `tag` points now, or `None` when there is no such tag.
    pub async fn tag_now(&self, client: &Client, tag: &str) -> Result<Option<Digest>> {
        match client.resolve_digest(&tag_ref(&self.repo, tag)?).await {
            Ok(d) => Ok(Some(d)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Refuse (`TagMoved`) unless `tag` points at `expected` now.
    async fn recheck(&self, client: &Client, tag: &str, expected: &Digest) -> Result<()> {
        let now = self.tag_now(client, tag).await?;
        if now.as_ref() == Some(expected) {
            return Ok(());
        }
        Err(Error::TagMoved {
            reference: tag_ref(&self.repo, tag)?.to_string(),
            expected: expected.to_string(),
            actual: now.map_or_else(|| "nothing (the tag is gone)".to_owned(), |d| d.to_string()),
        })
    }
}

/// The version `digest` is held by, with `tag` on it, or the error saying it is not.
async fn version_holding(pkg: &OpenPackage, tag: &str, digest: &Digest) -> Result<PackageVersion> {
    pkg.version_of(digest).await?.ok_or_else(|| Error::NotFound {
        registry: pkg.gh.host().to_owned(),
        what: format!("the version of {}@{digest}", pkg.repo.name()),
        detail: format!(
            ": GitHub lists no active version with that digest (tag {tag}); list them with `versions`"
        ),
    })
}

fn others(version: &PackageVersion, tag: &str) -> Vec<String> {
    version
        .tags
        .iter()
        .filter(|t| t.as_str() != tag)
        .cloned()
        .collect()
}

/// What removing `tag` (seen on `expected`) will do: which version holds it, its other
/// tags, and whether the version goes with it.
pub async fn preview_untag(
    client: &Client,
    apis: &VendorApis,
    repository: &str,
    tag: &str,
    expected: &Digest,
    org: bool,
) -> Result<VersionUntagPreview> {
    let pkg = OpenPackage::open(client, apis, repository, org).await?;
    pkg.recheck(client, tag, expected).await?;
    let version = version_holding(&pkg, tag, expected).await?;
    let other_tags = others(&version, tag);
    let deletes_version = other_tags.is_empty();
    Ok(VersionUntagPreview {
        reference: tag_ref(&pkg.repo, tag)?.to_string(),
        digest: expected.clone(),
        version: version.id,
        explanation: explain(&pkg.repo, tag, version.id, &other_tags),
        other_tags,
        deletes_version,
    })
}

/// [`preview_untag`] where GitHub's Packages API manages `repository`'s registry (ghcr.io,
/// or the registry named with the GitHub API); `None` on any other registry, whose untag
/// is `manage::remove_tag`. A front end asks this first to know which untag a tag takes.
pub async fn preview_where_managed(
    client: &Client,
    apis: &VendorApis,
    repository: &str,
    tag: &str,
    expected: &Digest,
    org: bool,
) -> Result<Option<VersionUntagPreview>> {
    let host = super::Place::parse(repository)?.host;
    if super::vendor_of(&host, apis) != Some(super::Vendor::GitHub) {
        return Ok(None);
    }
    preview_untag(client, apis, repository, tag, expected, org)
        .await
        .map(Some)
}

fn explain(repo: &Reference, tag: &str, id: u64, other_tags: &[String]) -> String {
    let repo = repo.name();
    if other_tags.is_empty() {
        format!(
            "{tag} is the only tag of version {id}: removing it deletes the version (restorable for 30 days; or `portolan-cli version-delete {repo} {id}`)"
        )
    } else {
        format!(
            "version {id} keeps {}; {tag} moves to a placeholder whose version is then deleted",
            other_tags.join(", ")
        )
    }
}

/// Remove the tag `request` names, only while it points at the digest the user saw (see
/// the module's doc). A failure after the registry or GitHub changed is not an error: the
/// answer says what is left (`outcome` `Incomplete`).
pub async fn untag_version(
    client: &Client,
    apis: &VendorApis,
    request: &VersionUntagRequest,
) -> Result<VersionUntag> {
    let pkg = OpenPackage::open(client, apis, &request.repository, request.org).await?;
    let (tag, expected) = (request.tag.as_str(), &request.expected);
    pkg.recheck(client, tag, expected).await?;
    let version = version_holding(&pkg, tag, expected).await?;
    let other_tags = others(&version, tag);
    let mut done = VersionUntag {
        reference: tag_ref(&pkg.repo, tag)?.to_string(),
        tag: tag.to_owned(),
        digest: expected.clone(),
        version: version.id,
        other_tags: other_tags.clone(),
        outcome: VersionUntagOutcome::Removed,
        placeholder: None,
        placeholder_version: None,
        left: None,
        error: None,
        finish: None,
        undo: UntagUndo {
            repository: request.repository.clone(),
            tag: tag.to_owned(),
            digest: expected.clone(),
            version: Some(version.id),
            placeholder: None,
            org: request.org,
        },
    };
    if other_tags.is_empty() {
        delete_sole(client, &pkg, request, &version).await?;
        done.outcome = VersionUntagOutcome::VersionDeleted;
        return Ok(done);
    }
    move_and_delete(client, &pkg, request, &mut done).await?;
    Ok(done)
}

/// Delete `version`, whose only tag is the request's, once confirmed and re-checked.
async fn delete_sole(
    client: &Client,
    pkg: &OpenPackage,
    request: &VersionUntagRequest,
    version: &PackageVersion,
) -> Result<()> {
    if !request.delete_sole_version {
        return Err(Error::input(
            explain(&pkg.repo, &request.tag, version.id, &[]),
            "confirm that the version goes (--yes), or keep the tag",
        ));
    }
    // Just before: the tag is still there, and the version holds no other tag.
    pkg.recheck(client, &request.tag, &request.expected).await?;
    let now = version_holding(pkg, &request.tag, &request.expected).await?;
    if now.id != version.id || !others(&now, &request.tag).is_empty() {
        return Err(Error::ChangedSincePreview {
            what: format!("version {} of {}", version.id, pkg.repo.name()),
            changes: format!("it now carries {}", now.tags.join(", ")),
        });
    }
    pkg.gh
        .delete_version(&pkg.owner, &pkg.name, version.id)
        .await
}

/// Move the tag to a placeholder, find the placeholder's version and delete it; a failure
/// after the move is written into `done` as what is left.
async fn move_and_delete(
    client: &Client,
    pkg: &OpenPackage,
    request: &VersionUntagRequest,
    done: &mut VersionUntag,
) -> Result<()> {
    let tag = request.tag.as_str();
    // The engine moves the tag only while it still points at the digest the user saw.
    let guarded = tag_ref(&pkg.repo, tag)?.with_digest(request.expected.clone());
    let placeholder = client.move_to_placeholder(&guarded).await?;
    done.placeholder = Some(placeholder.clone());
    done.undo.placeholder = Some(placeholder.clone());
    let finish = UntagFinish {
        repository: request.repository.clone(),
        tag: tag.to_owned(),
        placeholder: placeholder.clone(),
        placeholder_version: None,
        org: request.org,
    };
    match delete_placeholder_version(client, pkg, &finish).await {
        Ok(id) => done.placeholder_version = Some(id),
        Err((id, e)) => {
            done.placeholder_version = id;
            done.outcome = VersionUntagOutcome::Incomplete;
            done.left = Some(left_after(&placeholder, id, &done.digest));
            done.error = Some(e.to_string());
            done.finish = Some(UntagFinish {
                placeholder_version: id,
                ..finish
            });
        }
    }
    Ok(())
}

/// What is left when the tag points at `placeholder` and its version was not deleted.
fn left_after(placeholder: &Digest, version: Option<u64>, original: &Digest) -> String {
    let finish = match version {
        Some(id) => format!("delete version {id} to finish"),
        None => {
            "its version was not found yet; delete it to finish once GitHub lists it".to_owned()
        }
    };
    format!("the tag now points at placeholder {placeholder}; {finish} (or tag {original} again to undo)")
}

/// Find the placeholder's version and delete it, after checking it holds no tag but the
/// one being removed (and that the tag still points at the placeholder, or is gone). The
/// version id, or the id found so far (if any) with the error.
async fn delete_placeholder_version(
    client: &Client,
    pkg: &OpenPackage,
    finish: &UntagFinish,
) -> std::result::Result<u64, (Option<u64>, Error)> {
    let found = pkg
        .version_appearing(&finish.placeholder)
        .await
        .map_err(|e| (finish.placeholder_version, e))?;
    let Some(version) = found else {
        return Err((
            finish.placeholder_version,
            Error::NotFound {
                registry: pkg.gh.host().to_owned(),
                what: format!("the version of placeholder {}", finish.placeholder),
                detail: ": GitHub does not list it (yet)".to_owned(),
            },
        ));
    };
    let id = Some(version.id);
    let strangers = others(&version, &finish.tag);
    if !strangers.is_empty() {
        return Err((
            id,
            Error::ChangedSincePreview {
                what: format!("placeholder version {}", version.id),
                changes: format!("it now carries {}", strangers.join(", ")),
            },
        ));
    }
    let now = pkg
        .tag_now(client, &finish.tag)
        .await
        .map_err(|e| (id, e))?;
    if now.as_ref().is_some_and(|d| *d != finish.placeholder) {
        return Err((
            id,
            Error::TagMoved {
                reference: format!("{}:{}", pkg.repo.name(), finish.tag),
                expected: finish.placeholder.to_string(),
                actual: now.map(|d| d.to_string()).unwrap_or_default(),
            },
        ));
    }
    pkg.gh
        .delete_version(&pkg.owner, &pkg.name, version.id)
        .await
        .map_err(|e| (id, e))?;
    Ok(version.id)
}

/// What finishing did: the placeholder version deleted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UntagFinished {
    /// The tag, fully qualified, now gone.
    pub reference: String,
    /// The placeholder's version, deleted.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub placeholder_version: u64,
}

/// Finish an incomplete untag: delete the placeholder's version, re-checked first.
pub async fn finish_untag(
    client: &Client,
    apis: &VendorApis,
    finish: &UntagFinish,
) -> Result<UntagFinished> {
    let pkg = OpenPackage::open(client, apis, &finish.repository, finish.org).await?;
    let id = delete_placeholder_version(client, &pkg, finish)
        .await
        .map_err(|(_, e)| e)?;
    Ok(UntagFinished {
        reference: tag_ref(&pkg.repo, &finish.tag)?.to_string(),
        placeholder_version: id,
    })
}

/// What undoing did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UntagUndone {
    /// The tag, fully qualified, back on `digest`.
    pub reference: String,
    /// Where it points again.
    pub digest: Digest,
    /// The original's version, when it was restored.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub restored_version: Option<u64>,
    /// The placeholder's version, when one was left and deleted.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub deleted_placeholder_version: Option<u64>,
}

/// Undo an untag: restore the original's version when it was deleted, point the tag back at
/// the original (only while the tag is gone or on the placeholder: a tag pushed meanwhile
/// is left alone), and delete a placeholder version left behind.
pub async fn undo_untag(
    client: &Client,
    apis: &VendorApis,
    undo: &UntagUndo,
) -> Result<UntagUndone> {
    let pkg = OpenPackage::open(client, apis, &undo.repository, undo.org).await?;
    let mut restored_version = None;
    if pkg.version_of(&undo.digest).await?.is_none() {
        let id = match undo.version {
            Some(id) => id,
            None => deleted_version_of(&pkg, &undo.digest).await?,
        };
        pkg.gh.restore_version(&pkg.owner, &pkg.name, id).await?;
        restored_version = Some(id);
    }
    let now = pkg.tag_now(client, &undo.tag).await?;
    match &now {
        Some(d) if *d == undo.digest => {}
        Some(d) if Some(d) != undo.placeholder.as_ref() => {
            return Err(Error::TagExists {
                reference: tag_ref(&pkg.repo, &undo.tag)?.to_string(),
                digest: d.to_string(),
            })
        }
        _ => {
            client
                .tag(&pkg.repo.with_digest(undo.digest.clone()), &undo.tag)
                .await?;
        }
    }
    let mut deleted_placeholder_version = None;
    if let Some(placeholder) = &undo.placeholder {
        if let Some(v) = pkg.version_of(placeholder).await? {
            if v.tags.is_empty() {
                pkg.gh.delete_version(&pkg.owner, &pkg.name, v.id).await?;
                deleted_placeholder_version = Some(v.id);
            }
        }
    }
    Ok(UntagUndone {
        reference: tag_ref(&pkg.repo, &undo.tag)?.to_string(),
        digest: undo.digest.clone(),
        restored_version,
        deleted_placeholder_version,
    })
}

/// The id of the deleted version holding `digest`.
async fn deleted_version_of(pkg: &OpenPackage, digest: &Digest) -> Result<u64> {
    let wanted = digest.to_string();
    pkg.versions(VersionState::Deleted)
        .await?
        .into_iter()
        .find(|v| v.digest == wanted)
        .map(|v| v.id)
        .ok_or_else(|| Error::NotFound {
            registry: pkg.gh.host().to_owned(),
            what: format!("a version of {}@{digest}", pkg.repo.name()),
            detail: ": it is neither active nor among the deleted versions (kept 30 days)"
                .to_owned(),
        })
}
