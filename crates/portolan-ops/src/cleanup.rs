//! Removing many tags at once: a plan the user sees before anything happens, then its steps
//! run a bounded number at a time, with progress and a summary.
//!
//! A plan comes from rules ("keep the newest N, tags matching a pattern, tags built on or
//! after a date": a tag is kept when any rule keeps it) or from a selection of tags to
//! untag or delete. Its unit of work is the image, not the tag: an image that keeps at
//! least one tag loses the others by untagging (never deleted), and an image none of whose
//! tags is kept is deleted once, by digest, taking every tag on it. Signatures,
//! attestations and SBOM tags (`sha256-<hex>.sig`, the referrers fallback) are never in a
//! rule's plan: they go with the images they describe, not by date.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use futures_util::{stream, StreamExt};
use portolan::reference::is_supply_chain_tag;
use portolan::{Client, Digest, Error, Result};

use crate::manage::{self, repository_ref};
use crate::tag_scan;

/// Which tags a clean-up keeps; a tag is kept when any rule given keeps it. No rule at all
/// is refused (it would remove every tag).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupRules {
    /// Keep the newest N tags (by their image's build date).
    pub keep_newest: Option<u32>,
    /// Keep the tags matching this pattern (`*` any run of characters, `?` one, `[abc]`
    /// one of).
    pub keep_matching: Option<String>,
    /// Keep the tags whose image was built on or after this date (`YYYY-MM-DD`, UTC).
    pub keep_built_since: Option<String>,
}

/// What happens to one tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TagFate {
    /// It stays.
    Keep,
    /// It is removed; its image stays (another tag keeps it).
    Untag,
    /// Its image is deleted, and the tag with it.
    Delete,
}

/// One tag in a plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlannedTag {
    /// The tag.
    pub tag: String,
    /// Where it points now.
    pub digest: Digest,
    /// When its image was built, when known.
    pub created: Option<String>,
    /// What happens to it.
    pub fate: TagFate,
    /// Why, in words.
    pub why: String,
    /// The other tags on the same image.
    pub shares_with: Vec<String>,
}

/// One step of a plan: what is sent to the registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Remove one tag, only while it still points at `digest`.
    Untag {
        /// The tag.
        tag: String,
        /// Where it pointed when planned.
        digest: Digest,
    },
    /// Delete one image and every tag on it.
    Delete {
        /// The image.
        digest: Digest,
        /// Its tags when planned (for the summary).
        tags: Vec<String>,
    },
}

/// A plan: every tag with its fate (newest first), and the steps that carry it out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupPlan {
    /// The repository (`host/name`).
    pub repository: String,
    /// Every tag considered, newest first (undated ones last).
    pub tags: Vec<PlannedTag>,
    /// What will be sent, in order.
    pub steps: Vec<Step>,
    /// Tags that stay, tags removed, images deleted.
    pub kept: u32,
    /// Tags that go.
    pub removed: u32,
    /// Images deleted.
    pub images_deleted: u32,
}

struct Scanned {
    tags: Vec<(String, Digest)>,
    dates: HashMap<Digest, Option<String>>,
}

async fn scan(client: &Arc<Client>, repository: &str, with_dates: bool) -> Result<Scanned> {
    let repo = repository_ref(repository)?;
    let tags = tag_scan::digests(client, &repo).await?;
    let dates = if with_dates {
        let images: HashSet<Digest> = tags.iter().map(|(_, d)| d.clone()).collect();
        tag_scan::build_dates(client, &repo, images).await
    } else {
        HashMap::new()
    };
    Ok(Scanned { tags, dates })
}

/// Plan a clean-up of `repository` by `rules`.
pub async fn plan_rules(
    client: &Arc<Client>,
    repository: &str,
    rules: &CleanupRules,
) -> Result<CleanupPlan> {
    let keep = Keeper::new(rules)?;
    let scanned = scan(client, repository, true).await?;
    Ok(decide(repository, scanned, |ranked| keep.decide(ranked)))
}

/// What to do with a selection of tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SelectionAction {
    /// Remove the selected tags; their images stay.
    Untag,
    /// Delete the selected tags' images, with every tag on them.
    Delete,
}

/// Plan removing the `selected` tags of `repository`.
pub async fn plan_selection(
    client: &Arc<Client>,
    repository: &str,
    selected: &[String],
    action: SelectionAction,
) -> Result<CleanupPlan> {
    if selected.is_empty() {
        return Err(Error::input(
            "nothing is selected",
            "select the tags to remove first",
        ));
    }
    let scanned = scan(client, repository, true).await?;
    let chosen: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let doomed: HashSet<Digest> = scanned
        .tags
        .iter()
        .filter(|(t, _)| chosen.contains(t.as_str()))
        .map(|(_, d)| d.clone())
        .collect();
    let mut plan = decide(repository, scanned, |ranked| {
        ranked
            .iter()
            .map(|t| {
                if chosen.contains(t.tag.as_str()) {
                    Some("selected".to_owned())
                } else if action == SelectionAction::Delete && doomed.contains(&t.digest) {
                    Some("on an image being deleted".to_owned())
                } else {
                    None
                }
            })
            .collect()
    });
    if action == SelectionAction::Untag {
        untag_only(&mut plan);
    }
    Ok(plan)
}

/// A selection's untag: every chosen tag is untagged, even the last tag of an image.
fn untag_only(plan: &mut CleanupPlan) {
    plan.steps.clear();
    for t in &mut plan.tags {
        if t.fate != TagFate::Keep {
            t.fate = TagFate::Untag;
            plan.steps.push(Step::Untag {
                tag: t.tag.clone(),
                digest: t.digest.clone(),
            });
        }
    }
    plan.images_deleted = 0;
}

/// A tag as the rules see it: ranked newest first.
struct Ranked {
    tag: String,
    digest: Digest,
    created: Option<String>,
}

/// Build the plan: `going` says, for the ranked tags, which go and why (`None`: kept).
fn decide(
    repository: &str,
    scanned: Scanned,
    going: impl FnOnce(&[Ranked]) -> Vec<Option<String>>,
) -> CleanupPlan {
    let mut ranked: Vec<Ranked> = scanned
        .tags
        .into_iter()
        .map(|(tag, digest)| {
            let created = scanned.dates.get(&digest).cloned().flatten();
            Ranked {
                tag,
                digest,
                created,
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        let key = |r: &Ranked| r.created.as_deref().and_then(instant);
        key(b).cmp(&key(a)).then_with(|| a.tag.cmp(&b.tag))
    });
    let verdicts = going(&ranked);
    let mut by_image: BTreeMap<&Digest, Vec<usize>> = BTreeMap::new();
    for (i, r) in ranked.iter().enumerate() {
        by_image.entry(&r.digest).or_default().push(i);
    }
    let goes = |i: usize| verdicts.get(i).is_some_and(Option::is_some);
    let mut tags = Vec::with_capacity(ranked.len());
    let mut steps = Vec::new();
    let mut deleted: HashSet<&Digest> = HashSet::new();
    for (i, r) in ranked.iter().enumerate() {
        let siblings = &by_image[&r.digest];
        let shares_with: Vec<String> = siblings
            .iter()
            .filter(|&&j| j != i)
            .map(|&j| ranked[j].tag.clone())
            .collect();
        let (fate, why) = match verdicts.get(i).cloned().flatten() {
            None => (TagFate::Keep, "kept".to_owned()),
            Some(why) => {
                let kept_by = siblings
                    .iter()
                    .find(|&&j| !goes(j))
                    .map(|&j| &ranked[j].tag);
                match kept_by {
                    Some(keeper) => (
                        TagFate::Untag,
                        format!("{why}; its image stays for {keeper}"),
                    ),
                    None => (TagFate::Delete, why),
                }
            }
        };
        match fate {
            TagFate::Untag => steps.push(Step::Untag {
                tag: r.tag.clone(),
                digest: r.digest.clone(),
            }),
            TagFate::Delete if deleted.insert(&r.digest) => steps.push(Step::Delete {
                digest: r.digest.clone(),
                tags: siblings.iter().map(|&j| ranked[j].tag.clone()).collect(),
            }),
            _ => {}
        }
        tags.push(PlannedTag {
            tag: r.tag.clone(),
            digest: r.digest.clone(),
            created: r.created.clone(),
            fate,
            why,
            shares_with,
        });
    }
    let count =
        |f: TagFate| u32::try_from(tags.iter().filter(|t| t.fate == f).count()).unwrap_or(u32::MAX);
    CleanupPlan {
        repository: repository.to_owned(),
        kept: count(TagFate::Keep),
        removed: count(TagFate::Untag).saturating_add(count(TagFate::Delete)),
        images_deleted: u32::try_from(deleted.len()).unwrap_or(u32::MAX),
        tags,
        steps,
    }
}

/// A build date as seconds since the epoch, for ordering (`None`: not a date).
fn instant(created: &str) -> Option<i64> {
    created
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}

/// The rules, checked and ready to apply.
struct Keeper {
    newest: Option<usize>,
    pattern: Option<glob::Pattern>,
    since: Option<jiff::civil::Date>,
}

impl Keeper {
    fn new(rules: &CleanupRules) -> Result<Self> {
        let pattern =
            match rules.keep_matching.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(p) => Some(glob::Pattern::new(p).map_err(|e| {
                    Error::input(format!("\"{p}\" is not a pattern"), e.to_string())
                })?),
            };
        let since = match rules.keep_built_since.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(d.parse::<jiff::civil::Date>().map_err(|_| {
                Error::input(format!("\"{d}\" is not a date"), "write it as YYYY-MM-DD")
            })?),
        };
        let newest = rules.keep_newest.map(|n| n as usize);
        if newest.is_none() && pattern.is_none() && since.is_none() {
            return Err(Error::input(
                "a clean-up needs at least one rule of what to keep",
                "keep the newest N tags, tags matching a pattern, or tags built since a date",
            ));
        }
        Ok(Self {
            newest,
            pattern,
            since,
        })
    }

    /// For each ranked tag, `None` to keep it or why it goes.
    fn decide(&self, ranked: &[Ranked]) -> Vec<Option<String>> {
        let mut rank = 0usize;
        ranked
            .iter()
            .map(|r| {
                if is_supply_chain_tag(&r.tag) {
                    return None;
                }
                let Some(at) = r.created.as_deref().and_then(instant) else {
                    return None; // no build date: never removed by date rules
                };
                rank += 1;
                let newest = self.newest.is_some_and(|n| rank <= n);
                let matching = self.pattern.as_ref().is_some_and(|p| p.matches(&r.tag));
                let recent = self.since.is_some_and(|since| {
                    jiff::Timestamp::from_second(at)
                        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date() >= since)
                        .unwrap_or(false)
                });
                if newest || matching || recent {
                    None
                } else {
                    Some(self.reason())
                }
            })
            .collect()
    }

    fn reason(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.newest {
            parts.push(format!("not among the newest {n}"));
        }
        if let Some(p) = &self.pattern {
            parts.push(format!("does not match {}", p.as_str()));
        }
        if let Some(d) = self.since {
            parts.push(format!("built before {d}"));
        }
        parts.join(", ")
    }
}

/// Send one step; `None` when it was done, else the engine's message.
async fn carry_out(client: &Client, repository: &str, step: &Step) -> Option<String> {
    let outcome = match step {
        Step::Untag { tag, digest } => manage::untag(client, repository, tag, digest)
            .await
            .map(drop),
        Step::Delete { digest, .. } => manage::delete(client, repository, digest).await.map(drop),
    };
    outcome.err().map(|e| e.to_string())
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepResult {
    /// The step.
    pub step: Step,
    /// `None` when done; the engine's message when it failed.
    pub error: Option<String>,
}

/// Where a running plan stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupProgress {
    /// Steps finished (done or failed).
    pub finished: u32,
    /// Steps in all.
    pub total: u32,
    /// Steps failed so far.
    pub failed: u32,
}

/// What a run did: every step with its outcome, in the plan's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupSummary {
    /// Steps done.
    pub done: u32,
    /// Steps failed.
    pub failed: u32,
    /// Each step and how it ended.
    pub results: Vec<StepResult>,
}

/// Steps sent at once while a plan runs.
pub const RUN_CONCURRENCY: usize = 8;

/// Carry out `steps` in `repository`, reporting each step that finishes: the untags
/// first, together (the engine batches them where the registry untags through
/// placeholders), then the deletes, [`RUN_CONCURRENCY`] at a time; then each failed step
/// once more, alone. A failed step does not stop the others; an untag whose tag has moved
/// since the plan is refused (the engine's guard), not forced.
pub async fn run(
    client: &Arc<Client>,
    repository: &str,
    steps: Vec<Step>,
    progress: impl Fn(CleanupProgress),
) -> Result<CleanupSummary> {
    let repo = repository_ref(repository)?;
    let total = u32::try_from(steps.len()).unwrap_or(u32::MAX);
    let mut results: Vec<(usize, StepResult)> = Vec::with_capacity(steps.len());
    let mut failed = 0u32;
    let report = |results: &[(usize, StepResult)], failed: u32| {
        progress(CleanupProgress {
            finished: u32::try_from(results.len()).unwrap_or(u32::MAX),
            total,
            failed,
        });
    };
    let (untags, deletes): (Vec<_>, Vec<_>) = steps
        .into_iter()
        .enumerate()
        .partition(|(_, step)| matches!(step, Step::Untag { .. }));
    if !untags.is_empty() {
        let pairs: Vec<(String, Digest)> = untags
            .iter()
            .filter_map(|(_, step)| match step {
                Step::Untag { tag, digest } => Some((tag.clone(), digest.clone())),
                Step::Delete { .. } => None,
            })
            .collect();
        let mut finished = 0u32;
        let mut failed_so_far = 0u32;
        let outcomes = client
            .untag_many(&repo, &pairs, |_, outcome| {
                finished += 1;
                failed_so_far += u32::from(outcome.is_err());
                progress(CleanupProgress {
                    finished,
                    total,
                    failed: failed_so_far,
                });
            })
            .await?;
        for ((i, step), outcome) in untags.into_iter().zip(outcomes) {
            let error = outcome.err().map(|e| e.to_string());
            failed += u32::from(error.is_some());
            results.push((i, StepResult { step, error }));
        }
        report(&results, failed);
    }
    let mut running = stream::iter(deletes)
        .map(|(i, step)| {
            let client = client.clone();
            async move {
                let error = carry_out(&client, repository, &step).await;
                (i, StepResult { step, error })
            }
        })
        .buffer_unordered(RUN_CONCURRENCY);
    while let Some((i, result)) = running.next().await {
        failed += u32::from(result.error.is_some());
        results.push((i, result));
        report(&results, failed);
    }
    drop(running);
    // Registries are not all safe for concurrent deletes in one repository (distribution
    // 2.8 lists a repository's tags while deleting a manifest and fails when another
    // delete removes one meanwhile): a step that failed while others ran is tried once
    // more on its own. An untag that failed left its tag where it was, so this is safe.
    for (_, result) in results.iter_mut().filter(|(_, r)| r.error.is_some()) {
        result.error = carry_out(client, repository, &result.step).await;
        if result.error.is_none() {
            failed -= 1;
            progress(CleanupProgress {
                finished: total,
                total,
                failed,
            });
        }
    }
    results.sort_by_key(|(i, _)| *i);
    Ok(CleanupSummary {
        done: total.saturating_sub(failed),
        failed,
        results: results.into_iter().map(|(_, r)| r).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(n: u8) -> Digest {
        Digest::sha256_of(&[n])
    }

    fn scanned(tags: &[(&str, u8)], dates: &[(u8, Option<&str>)]) -> Scanned {
        Scanned {
            tags: tags
                .iter()
                .map(|(t, d)| ((*t).to_owned(), digest(*d)))
                .collect(),
            dates: dates
                .iter()
                .map(|(d, at)| (digest(*d), at.map(str::to_owned)))
                .collect(),
        }
    }

    fn fates(plan: &CleanupPlan) -> Vec<(&str, TagFate)> {
        plan.tags.iter().map(|t| (t.tag.as_str(), t.fate)).collect()
    }

    #[test]
    fn keep_newest_untags_shared_images_and_deletes_the_rest_once() {
        // a (newest) carries "latest" too; b and c are older; c has two tags.
        let s = scanned(
            &[("v3", 1), ("latest", 1), ("v2", 2), ("v1", 3), ("v1.0", 3)],
            &[
                (1, Some("2024-03-01T00:00:00Z")),
                (2, Some("2024-02-01T00:00:00+01:00")),
                (3, Some("2024-01-01T00:00:00.5Z")),
            ],
        );
        let keeper = Keeper::new(&CleanupRules {
            keep_newest: Some(1),
            ..CleanupRules::default()
        })
        .expect("rules");
        let plan = decide("r/a", s, |ranked| keeper.decide(ranked));
        assert_eq!(
            fates(&plan),
            [
                ("latest", TagFate::Keep),
                ("v3", TagFate::Untag),
                ("v2", TagFate::Delete),
                ("v1", TagFate::Delete),
                ("v1.0", TagFate::Delete),
            ]
        );
        assert_eq!(
            plan.steps,
            [
                Step::Untag {
                    tag: "v3".into(),
                    digest: digest(1)
                },
                Step::Delete {
                    digest: digest(2),
                    tags: vec!["v2".into()]
                },
                Step::Delete {
                    digest: digest(3),
                    tags: vec!["v1".into(), "v1.0".into()]
                },
            ]
        );
        assert_eq!((plan.kept, plan.removed, plan.images_deleted), (1, 4, 2));
        assert!(
            plan.tags[1].why.contains("stays for latest"),
            "{}",
            plan.tags[1].why
        );
    }

    #[test]
    fn undated_and_signature_tags_are_never_removed_by_rules() {
        let sig = format!("sha256-{}.sig", "a".repeat(64));
        let s = scanned(
            &[("old", 1), ("nodate", 2), (sig.as_str(), 3)],
            &[
                (1, Some("2020-01-01T00:00:00Z")),
                (2, None),
                (3, Some("2019-01-01T00:00:00Z")),
            ],
        );
        let keeper = Keeper::new(&CleanupRules {
            keep_built_since: Some("2024-01-01".into()),
            ..CleanupRules::default()
        })
        .expect("rules");
        let plan = decide("r/a", s, |ranked| keeper.decide(ranked));
        let got: HashMap<&str, TagFate> = fates(&plan).into_iter().collect();
        assert_eq!(got["old"], TagFate::Delete);
        assert_eq!(got["nodate"], TagFate::Keep);
        assert_eq!(got[sig.as_str()], TagFate::Keep);
    }

    #[test]
    fn any_rule_keeps_and_no_rule_is_refused() {
        assert!(Keeper::new(&CleanupRules::default()).is_err());
        assert!(Keeper::new(&CleanupRules {
            keep_built_since: Some("last week".into()),
            ..CleanupRules::default()
        })
        .is_err());
        let s = scanned(
            &[("v2", 1), ("release-1", 2), ("pr-7", 3)],
            &[
                (1, Some("2024-03-01T00:00:00Z")),
                (2, Some("2024-02-01T00:00:00Z")),
                (3, Some("2024-01-01T00:00:00Z")),
            ],
        );
        let keeper = Keeper::new(&CleanupRules {
            keep_newest: Some(1),
            keep_matching: Some("release-*".into()),
            keep_built_since: None,
        })
        .expect("rules");
        let plan = decide("r/a", s, |ranked| keeper.decide(ranked));
        assert_eq!(
            fates(&plan),
            [
                ("v2", TagFate::Keep),
                ("release-1", TagFate::Keep),
                ("pr-7", TagFate::Delete)
            ]
        );
    }
}
