//! Cleaning up a ghcr.io package's versions: plan → preview → re-check → delete, the shape
//! of the tag clean-up (`crate::cleanup`) for a registry that deletes versions through
//! GitHub's API rather than manifests through the registry.
//!
//! The plan lists every version with its fate and why ([`version_plan`] decides); what it
//! needs of each kept version (its manifest, for an index's platform images, and its
//! referrers where the registry has the referrers API) is read from the registry first:
//! requests grow with the versions kept, not with those that go. Running a plan lists the
//! versions again, skips any whose tags changed since the preview (or whose tags no longer
//! point at it), and deletes (or, for a version keeping other tags, untags) the rest
//! [`VERSION_CONCURRENCY`] at a time, with a summary naming each failure's reason.

use std::collections::{BTreeSet, HashMap, HashSet};

use futures_util::stream::{self, StreamExt};
use portolan::hosted_apis::github::VersionState;
use portolan::{Client, Digest, Error, Result};

use super::untag::{untag_version, OpenPackage, VersionUntagOutcome, VersionUntagRequest};
use super::version_plan::{self, Chooser, Listed, VersionFacts, VersionFate, VersionRules};
use super::VendorApis;
use crate::cleanup::CleanupProgress;

pub use super::version_plan::PlannedVersion;

/// Version deletes sent at once.
pub const VERSION_CONCURRENCY: usize = 4;

/// Manifests read at once while planning.
const READS_AT_ONCE: usize = 8;

/// A version clean-up's plan: every version (newest first) with its fate and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionPlan {
    /// The package's repository (`ghcr.io/OWNER/PACKAGE`).
    pub repository: String,
    /// Every version, newest first.
    pub versions: Vec<PlannedVersion>,
    /// Versions deleted.
    pub deleted: u32,
    /// Versions that lose some tags and keep others (picked tags removed).
    pub untagged: u32,
    /// Versions kept as they are.
    pub kept: u32,
}

impl VersionPlan {
    /// What the plan changes (versions deleted, versions untagged), as
    /// [`run_version_plan`] takes them.
    pub fn steps(&self) -> Vec<PlannedVersion> {
        self.versions
            .iter()
            .filter(|v| v.fate != VersionFate::Keep)
            .cloned()
            .collect()
    }
}

/// The plan of `rules` for the package `repository` names (`org`: its owner is an
/// organisation): by the rules, or, when `rules.picked` names versions, those versions
/// and what goes with them.
pub async fn plan_versions(
    client: &Client,
    apis: &VendorApis,
    repository: &str,
    org: bool,
    rules: &VersionRules,
) -> Result<VersionPlan> {
    let chooser = Chooser::new(rules, jiff::Timestamp::now())?;
    let pkg = OpenPackage::open(client, apis, repository, org).await?;
    let listed: Vec<Listed> = pkg
        .versions(VersionState::Active)
        .await?
        .into_iter()
        .map(|v| Listed {
            id: v.id,
            digest: v.digest,
            tags: v.tags,
            created_at: v.created_at,
        })
        .collect();
    let mut facts: HashMap<String, VersionFacts> = HashMap::new();
    let mut read: HashSet<String> = HashSet::new();
    // Read what the plan needs, decide, and read again what the new plan needs (newly
    // kept versions; with picked versions, what newly goes with them), until it stops
    // changing.
    loop {
        let plan = version_plan::decide(&chooser, &listed, &facts);
        let oldest = version_plan::oldest_deleted(&plan);
        let wanted: Vec<String> = plan
            .iter()
            .filter(|v| chooser.needs_facts(v, oldest) && !read.contains(&v.digest))
            .map(|v| v.digest.clone())
            .collect();
        if wanted.is_empty() {
            return Ok(plan_of(repository, chooser.shown(plan)));
        }
        read.extend(wanted.iter().cloned());
        facts.extend(read_facts(client, &pkg, wanted).await?);
    }
}

fn plan_of(repository: &str, versions: Vec<PlannedVersion>) -> VersionPlan {
    let count = |fate: VersionFate| {
        let n = versions.iter().filter(|v| v.fate == fate).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    VersionPlan {
        repository: repository.to_owned(),
        deleted: count(VersionFate::Delete),
        untagged: count(VersionFate::Untag),
        kept: count(VersionFate::Keep),
        versions,
    }
}

/// What the versions `wanted` list (8 read at a time). One that cannot be read fails the
/// plan: without it, a platform image a kept version needs could be deleted.
async fn read_facts(
    client: &Client,
    pkg: &OpenPackage,
    wanted: Vec<String>,
) -> Result<Vec<(String, VersionFacts)>> {
    let answers: Vec<(String, Result<VersionFacts>)> = stream::iter(wanted)
        .map(|digest| async move {
            let facts = facts_of(client, pkg, &digest).await;
            (digest, facts)
        })
        .buffer_unordered(READS_AT_ONCE)
        .collect()
        .await;
    let mut out = Vec::with_capacity(answers.len());
    for (digest, facts) in answers {
        match facts {
            Ok(f) => out.push((digest, f)),
            Err(e) => {
                return Err(Error::input(
                    format!("cannot read version {digest}: {e}"),
                    "without it a clean-up could delete the platform images or referrers it needs; try again",
                ))
            }
        }
    }
    Ok(out)
}

/// A kept version's manifest (an index's children) and its referrers from the registry's
/// referrers API (none where it has no such API).
async fn facts_of(client: &Client, pkg: &OpenPackage, digest: &str) -> Result<VersionFacts> {
    let digest = Digest::parse(digest).map_err(|e| {
        Error::protocol(
            pkg.gh.host(),
            "a version's name",
            format!("not a digest: {e}"),
        )
    })?;
    let fetched = client
        .manifest(&pkg.repo.with_digest(digest.clone()))
        .await?;
    let registry = client.registry(pkg.repo.registry())?;
    let referrers = registry
        .referrers_api(pkg.repo.repository(), &digest)
        .await?
        .unwrap_or_default()
        .iter()
        .map(|d| d.digest().to_string())
        .collect();
    let children = super::index_entries(&fetched.manifest).unwrap_or_default();
    Ok(VersionFacts {
        children,
        referrers,
    })
}

/// How one version's step (a delete, or an untag) ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionResult {
    /// GitHub's id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: u64,
    /// The manifest digest.
    pub digest: String,
    /// Its tags when planned.
    pub tags: Vec<String>,
    /// What was to happen to it (delete, or untag).
    pub fate: VersionFate,
    /// Why it failed (`None`: done or skipped).
    pub error: Option<String>,
    /// Why it was not sent (changed since the preview).
    pub skipped: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionCleanupSummary {
    /// Versions deleted or untagged.
    pub done: u32,
    /// Steps that failed.
    pub failed: u32,
    /// Steps not sent (changed since the preview).
    pub skipped: u32,
    /// In one line.
    pub headline: String,
    /// Each version and how it ended, in the plan's order.
    pub results: Vec<VersionResult>,
}

impl VersionCleanupSummary {
    /// The error a front end reports when not every delete was done.
    pub fn shortfall(&self) -> Option<Error> {
        (self.failed > 0 || self.skipped > 0).then(|| {
            Error::PartlyDone(format!(
                "{} of {} versions were not changed ({} failed, {} skipped because they changed since the preview)",
                self.failed + self.skipped,
                self.done + self.failed + self.skipped,
                self.failed,
                self.skipped
            ))
        })
    }
}

/// Carry out `steps` (from a previewed plan: deletes, and untags of versions that keep
/// other tags), [`VERSION_CONCURRENCY`] at a time, each only while the version still
/// exists with the tags previewed and its tags still point at it.
pub async fn run_version_plan(
    client: &Client,
    apis: &VendorApis,
    repository: &str,
    org: bool,
    steps: Vec<PlannedVersion>,
    progress: impl Fn(CleanupProgress),
) -> Result<VersionCleanupSummary> {
    let pkg = OpenPackage::open(client, apis, repository, org).await?;
    let now: HashMap<u64, BTreeSet<String>> = pkg
        .versions(VersionState::Active)
        .await?
        .into_iter()
        .map(|v| (v.id, v.tags.into_iter().collect()))
        .collect();
    let mut tally = CleanupProgress {
        finished: 0,
        total: u32::try_from(steps.len()).unwrap_or(u32::MAX),
        failed: 0,
        skipped: 0,
    };
    let runner = &Runner {
        client,
        apis,
        repository,
        org,
        pkg,
        now,
    };
    let mut running = stream::iter(steps.into_iter().enumerate())
        .map(|(i, v)| async move { (i, runner.step(v).await) })
        .buffer_unordered(VERSION_CONCURRENCY);
    let mut results: Vec<(usize, VersionResult)> = Vec::new();
    while let Some((i, r)) = running.next().await {
        tally.finished += 1;
        tally.failed += u32::from(r.error.is_some());
        tally.skipped += u32::from(r.skipped.is_some());
        progress(tally.clone());
        results.push((i, r));
    }
    results.sort_by_key(|(i, _)| *i);
    Ok(summary_of(results.into_iter().map(|(_, r)| r).collect()))
}

/// What each step of a run needs: the package, and its versions' tags as read when the
/// run began.
struct Runner<'a> {
    client: &'a Client,
    apis: &'a VendorApis,
    repository: &'a str,
    org: bool,
    pkg: OpenPackage,
    now: HashMap<u64, BTreeSet<String>>,
}

impl Runner<'_> {
    /// Re-check one version, then delete it or remove its picked tags.
    async fn step(&self, v: PlannedVersion) -> VersionResult {
        let mut result = VersionResult {
            id: v.id,
            digest: v.digest.clone(),
            tags: v.tags.clone(),
            fate: v.fate,
            error: None,
            skipped: None,
        };
        match self.recheck(&v).await {
            Ok(None) => {}
            Ok(Some(changed)) => {
                result.skipped = Some(format!("changed since the preview: {changed}"));
                return result;
            }
            Err(e) => {
                result.error = Some(e.to_string());
                return result;
            }
        }
        let done = match v.fate {
            VersionFate::Delete => self
                .pkg
                .gh
                .delete_version(&self.pkg.owner, &self.pkg.name, v.id)
                .await
                .map_err(|e| e.to_string()),
            VersionFate::Untag => self.untag(&v).await,
            VersionFate::Keep => Ok(()),
        };
        result.error = done.err();
        result
    }

    /// What changed about `v` since the preview: gone, other tags, a tag moved.
    async fn recheck(&self, v: &PlannedVersion) -> Result<Option<String>> {
        let planned: BTreeSet<String> = v.tags.iter().cloned().collect();
        let Some(tags) = self.now.get(&v.id) else {
            return Ok(Some("the version is gone".to_owned()));
        };
        if let Some(c) = crate::manage::tag_changes(&planned, tags) {
            return Ok(Some(c));
        }
        for tag in &v.tags {
            match self.pkg.tag_now(self.client, tag).await? {
                Some(d) if d.to_string() == v.digest => {}
                _ => return Ok(Some(format!("{tag} moved"))),
            }
        }
        Ok(None)
    }

    /// Remove `v`'s picked tags one by one, each through a placeholder (the version keeps
    /// its other tags); the first that does not finish stops it, saying what is left.
    async fn untag(&self, v: &PlannedVersion) -> std::result::Result<(), String> {
        let expected = Digest::parse(&v.digest).map_err(|e| e.to_string())?;
        for tag in &v.untag {
            let request = VersionUntagRequest {
                repository: self.repository.to_owned(),
                tag: tag.clone(),
                expected: expected.clone(),
                org: self.org,
                delete_sole_version: false,
            };
            let done = untag_version(self.client, self.apis, &request)
                .await
                .map_err(|e| format!("{tag}: {e}"))?;
            if done.outcome != VersionUntagOutcome::Removed {
                return Err(format!(
                    "{tag}: {}",
                    done.left
                        .or(done.error)
                        .unwrap_or_else(|| "not removed".to_owned())
                ));
            }
        }
        Ok(())
    }
}

fn summary_of(results: Vec<VersionResult>) -> VersionCleanupSummary {
    let failed = results.iter().filter(|r| r.error.is_some()).count();
    let skipped = results.iter().filter(|r| r.skipped.is_some()).count();
    let done = results.len() - failed - skipped;
    let done_as = |fate: VersionFate| {
        results
            .iter()
            .filter(|r| r.fate == fate && r.error.is_none() && r.skipped.is_none())
            .count()
    };
    let (deleted, untagged) = (done_as(VersionFate::Delete), done_as(VersionFate::Untag));
    let mut headline = if untagged == 0 {
        format!(
            "Done: {deleted} of {} versions deleted (restorable for 30 days)",
            results.len()
        )
    } else {
        format!(
            "Done: {done} of {} versions changed ({deleted} deleted, restorable for 30 days; {untagged} untagged, keeping their other tags)",
            results.len()
        )
    };
    if failed > 0 {
        headline.push_str(&format!("; {failed} failed"));
    }
    if skipped > 0 {
        headline.push_str(&format!("; {skipped} skipped (changed since the preview)"));
    }
    headline.push('.');
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    VersionCleanupSummary {
        done: n(done),
        failed: n(failed),
        skipped: n(skipped),
        headline,
        results,
    }
}
