//! Removing many tags at once: a plan the user sees before anything happens, then its steps
//! run a bounded number at a time, each re-checked against the registry just before it is
//! sent, with progress and a summary.
//!
//! A plan comes from rules ("keep the newest N, tags matching patterns, tags built on or
//! after a date": a tag is kept when any rule keeps it) or from a selection of tags to
//! untag or delete. Its unit of work is the image, not the tag: an image that keeps at
//! least one tag loses the others by untagging (never deleted), an image that an index it
//! keeps lists (a platform image of a kept multi-arch tag) loses its tags but is never
//! deleted, and any other image none of whose tags is kept is deleted once, by digest,
//! taking every tag on it. Signatures, attestations and SBOM tags (`sha256-<hex>.sig`,
//! `.att`, `.sbom`, the referrers fallback `sha256-<hex>`) are never chosen by a rule: they
//! go with the image they describe when it is deleted (after it, and only once it is
//! gone), and stay while it stays.
//!
//! A plan is only a preview: when it runs, the registry is read again, and a step whose
//! image gained or lost a tag since the preview is skipped and reported, not sent, so that
//! nothing the user did not see is removed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use futures_util::{stream, StreamExt};
use portolan::reference::is_supply_chain_tag;
use portolan::{Client, Digest, Error, Reference, Result};

use crate::manage::{self, repository_ref};
use crate::tag_scan::{self, ImageFacts};

/// Which tags a clean-up keeps; a tag is kept when any rule given keeps it. No rule at all
/// is refused (it would remove every tag), and so is "keep the newest 0" alone.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupRules {
    /// Keep the newest N tags (by their image's build date).
    pub keep_newest: Option<u32>,
    /// Keep the tags matching any of these patterns (`*` any run of characters, `?` one,
    /// `[abc]` one of). An entry may hold several, separated by commas (a tag never has
    /// one). Matching is case-sensitive, as tags are: `Release-*` does not keep
    /// `release-1`.
    #[serde(default)]
    pub keep_matching: Vec<String>,
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
    /// It is removed; its image stays (another tag, or an index that is kept, keeps it).
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
    /// Other tags on the same image: the first [`SHARES_SHOWN`] of them.
    pub shares_with: Vec<String>,
    /// How many more tags the image has beyond `shares_with`.
    pub shares_more: u32,
}

/// Other tags of an image a planned tag names: a plan stays linear in the number of tags
/// (10,000 tags on one image must not make 10,000 lists of 10,000).
pub const SHARES_SHOWN: usize = 8;

/// One step of a plan: what is sent to the registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Remove `tags` from one image, each only while it still points at `digest`; the
    /// image stays (for `keeps`, or for an index that lists it).
    Untag {
        /// The image.
        digest: Digest,
        /// The tags removed from it.
        tags: Vec<String>,
        /// Its tags that stay. With `tags`, every tag on the image when planned: the step
        /// is skipped when they differ when it runs.
        #[serde(default)]
        keeps: Vec<String>,
        /// Run only after this image was deleted (a signature's tag goes after the image
        /// it signs, and only if that image went).
        #[serde(default)]
        follows: Option<Digest>,
    },
    /// Delete one image and every tag on it.
    Delete {
        /// The image.
        digest: Digest,
        /// Its tags when planned: the step is skipped when they differ when it runs.
        tags: Vec<String>,
        /// Run only after this image was deleted (see [`Step::Untag`]).
        #[serde(default)]
        follows: Option<Digest>,
    },
}

impl Step {
    /// The image the step changes.
    pub fn digest(&self) -> &Digest {
        match self {
            Step::Untag { digest, .. } | Step::Delete { digest, .. } => digest,
        }
    }

    /// Every tag on that image when planned.
    pub fn planned_tags(&self) -> BTreeSet<String> {
        match self {
            Step::Untag { tags, keeps, .. } => tags.iter().chain(keeps).cloned().collect(),
            Step::Delete { tags, .. } => tags.iter().cloned().collect(),
        }
    }

    /// What the step does, in words both front ends show ("untag v1", "untag 3 tags
    /// (a, b, c) from sha256:…", "delete sha256:… (tags a, b)").
    pub fn describe(&self) -> String {
        let listed = |tags: &[String]| {
            let mut text = tags[..tags.len().min(3)].join(", ");
            if tags.len() > 3 {
                text.push_str(&format!(" and {} more", tags.len() - 3));
            }
            text
        };
        match self {
            Step::Untag { tags, .. } if tags.len() == 1 => format!("untag {}", tags[0]),
            Step::Untag { digest, tags, .. } => format!(
                "untag {} tags ({}) from {}",
                tags.len(),
                listed(tags),
                short(digest)
            ),
            Step::Delete { digest, tags, .. } if tags.is_empty() => {
                format!("delete {}", short(digest))
            }
            Step::Delete { digest, tags, .. } => {
                format!("delete {} (tags {})", short(digest), listed(tags))
            }
        }
    }

    /// The tags the step removes.
    pub fn removes(&self) -> &[String] {
        match self {
            Step::Untag { tags, .. } | Step::Delete { tags, .. } => tags,
        }
    }

    /// The image whose deletion this step waits for, if any.
    pub fn follows(&self) -> Option<&Digest> {
        match self {
            Step::Untag { follows, .. } | Step::Delete { follows, .. } => follows.as_ref(),
        }
    }
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
    /// Tags that stay.
    pub kept: u32,
    /// Tags that go.
    pub removed: u32,
    /// Images deleted.
    pub images_deleted: u32,
}

struct Scanned {
    tags: Vec<(String, Digest)>,
    facts: HashMap<Digest, ImageFacts>,
}

async fn scan(client: &Arc<Client>, repository: &str) -> Result<Scanned> {
    let repo = repository_ref(repository)?;
    let tags = tag_scan::digests(client, &repo).await?;
    let images: HashSet<Digest> = tags.iter().map(|(_, d)| d.clone()).collect();
    let facts = tag_scan::image_facts(client, &repo, images).await?;
    Ok(Scanned { tags, facts })
}

/// Plan a clean-up of `repository` by `rules`.
pub async fn plan_rules(
    client: &Arc<Client>,
    repository: &str,
    rules: &CleanupRules,
) -> Result<CleanupPlan> {
    let keep = Keeper::new(rules)?;
    let scanned = scan(client, repository).await?;
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
    let scanned = scan(client, repository).await?;
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
                    Decision::Go("selected".to_owned())
                } else if action == SelectionAction::Delete && doomed.contains(&t.digest) {
                    Decision::Go("on an image being deleted".to_owned())
                } else {
                    Decision::Keep("not selected".to_owned())
                }
            })
            .collect()
    });
    match action {
        SelectionAction::Untag => untag_only(&mut plan, &chosen),
        SelectionAction::Delete => keep_unselected_on_kept_images(&mut plan, &chosen),
    }
    Ok(plan)
}

/// A selection's untag: every chosen tag is untagged, even the last tag of an image, and
/// nothing else goes (a signature stays with its image, which stays).
fn untag_only(plan: &mut CleanupPlan, chosen: &HashSet<&str>) {
    for t in &mut plan.tags {
        if t.fate == TagFate::Keep {
            continue;
        }
        if chosen.contains(t.tag.as_str()) {
            t.fate = TagFate::Untag;
            t.why = "selected".to_owned();
        } else {
            // Taken along only because an image was to be deleted: none is.
            t.fate = TagFate::Keep;
            t.why = "not selected".to_owned();
        }
    }
    plan.steps = group_steps(&plan.tags, &vec![None; plan.tags.len()]);
    plan.images_deleted = 0;
    recount(plan);
}

/// A selection's delete of an image that stays after all (a kept index lists it): only the
/// tags chosen are removed from it, not the others it carries.
fn keep_unselected_on_kept_images(plan: &mut CleanupPlan, chosen: &HashSet<&str>) {
    let mut changed = false;
    for t in &mut plan.tags {
        if t.fate == TagFate::Untag && !chosen.contains(t.tag.as_str()) {
            t.fate = TagFate::Keep;
            t.why = "not selected (its image stays)".to_owned();
            changed = true;
        }
    }
    if changed {
        let follows_of: HashMap<Digest, Digest> = plan
            .steps
            .iter()
            .filter_map(|s| s.follows().map(|f| (s.digest().clone(), f.clone())))
            .collect();
        let follows: Vec<Option<Digest>> = plan
            .tags
            .iter()
            .map(|t| follows_of.get(&t.digest).cloned())
            .collect();
        plan.steps = group_steps(&plan.tags, &follows);
        recount(plan);
    }
}

/// The steps that carry out `tags`' fates, one per image, in the order the images first
/// appear: a delete of an image whose tags go with it, or an untag of its tags that go
/// (naming the ones that stay). `follows[i]` is the image `tags[i]` goes after, if any.
fn group_steps(tags: &[PlannedTag], follows: &[Option<Digest>]) -> Vec<Step> {
    let mut order: Vec<&Digest> = Vec::new();
    let mut by_image: HashMap<&Digest, Vec<usize>> = HashMap::new();
    for (i, t) in tags.iter().enumerate() {
        let entry = by_image.entry(&t.digest).or_default();
        if entry.is_empty() {
            order.push(&t.digest);
        }
        entry.push(i);
    }
    let mut steps = Vec::new();
    for digest in order {
        let on_image = &by_image[digest];
        let names = |fate: Option<TagFate>| -> Vec<String> {
            on_image
                .iter()
                .filter(|&&i| fate.is_none_or(|f| tags[i].fate == f))
                .map(|&i| tags[i].tag.clone())
                .collect()
        };
        let follows = on_image
            .iter()
            .find_map(|&i| follows.get(i).cloned().flatten());
        if on_image.iter().any(|&i| tags[i].fate == TagFate::Delete) {
            steps.push(Step::Delete {
                digest: digest.clone(),
                tags: names(None),
                follows,
            });
        } else if on_image.iter().any(|&i| tags[i].fate == TagFate::Untag) {
            steps.push(Step::Untag {
                digest: digest.clone(),
                tags: names(Some(TagFate::Untag)),
                keeps: names(Some(TagFate::Keep)),
                follows,
            });
        }
    }
    steps
}

/// A tag as the rules see it: ranked newest first.
struct Ranked {
    tag: String,
    digest: Digest,
    created: Option<String>,
}

/// What a rule says about one tag, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Decision {
    /// It stays, kept by this (which rule, in words).
    Keep(String),
    /// It goes, for this reason.
    Go(String),
}

/// What happens to each tag, as the plan is worked out.
struct Verdicts {
    /// Per ranked tag: why it goes (`None`: it stays).
    why: Vec<Option<String>>,
    /// Per ranked tag: why it stays, when it does.
    kept: Vec<String>,
    /// Per ranked tag: the image whose deletion it goes with (a signature's subject).
    follows: Vec<Option<Digest>>,
    /// Images kept because a kept index lists them, with that index's tag.
    needed: HashMap<Digest, String>,
}

impl Verdicts {
    fn goes(&self, i: usize) -> bool {
        self.why.get(i).is_some_and(Option::is_some)
    }
}

/// Build the plan: `going` says, for the ranked tags, which go and why (`None`: kept).
/// Then the kept indexes keep the images they list, and signatures go with the images
/// deleted; both until nothing changes (a kept index may list an index).
fn decide(
    repository: &str,
    scanned: Scanned,
    going: impl FnOnce(&[Ranked]) -> Vec<Decision>,
) -> CleanupPlan {
    let facts = scanned.facts;
    let mut ranked: Vec<Ranked> = scanned
        .tags
        .into_iter()
        .map(|(tag, digest)| {
            let created = facts.get(&digest).and_then(|f| f.created.clone());
            Ranked {
                tag,
                digest,
                created,
            }
        })
        .collect();
    // Newest first, to the full precision the config gives (two images built in the same
    // second are still told apart); undated last.
    ranked.sort_by(|a, b| {
        let key = |r: &Ranked| r.created.as_deref().and_then(instant);
        key(b).cmp(&key(a)).then_with(|| a.tag.cmp(&b.tag))
    });
    let mut decisions = going(&ranked);
    decisions.resize(ranked.len(), Decision::Keep("kept".to_owned()));
    let (why, kept) = decisions
        .into_iter()
        .map(|d| match d {
            Decision::Keep(because) => (None, because),
            Decision::Go(why) => (Some(why), String::new()),
        })
        .unzip();
    let mut verdicts = Verdicts {
        why,
        kept,
        follows: vec![None; ranked.len()],
        needed: HashMap::new(),
    };
    let mut by_image: BTreeMap<&Digest, Vec<usize>> = BTreeMap::new();
    for (i, r) in ranked.iter().enumerate() {
        by_image.entry(&r.digest).or_default().push(i);
    }
    loop {
        let needed = keep_index_children(&ranked, &by_image, &facts, &verdicts);
        let grew = needed.len() > verdicts.needed.len();
        verdicts.needed = needed;
        let deleted = deleted_images(&by_image, &verdicts);
        let followed = follow_subjects(&ranked, &deleted, &mut verdicts);
        if !grew && !followed {
            break;
        }
    }
    build_plan(repository, &ranked, &by_image, &verdicts)
}

/// The images every kept index lists (kept: at least one of its tags stays, or an index
/// kept itself lists it), each with the tag of an index that keeps it.
fn keep_index_children(
    ranked: &[Ranked],
    by_image: &BTreeMap<&Digest, Vec<usize>>,
    facts: &HashMap<Digest, ImageFacts>,
    verdicts: &Verdicts,
) -> HashMap<Digest, String> {
    let mut needed: HashMap<Digest, String> = HashMap::new();
    loop {
        let mut grew = false;
        for (digest, tags) in by_image {
            let keeper = match tags.iter().find(|&&i| !verdicts.goes(i)) {
                Some(&i) => ranked[i].tag.clone(),
                None => match needed.get(*digest) {
                    Some(tag) => tag.clone(),
                    None => continue,
                },
            };
            let Some(children) = facts.get(*digest).map(|f| &f.children) else {
                continue;
            };
            for child in children {
                if by_image.contains_key(child) && !needed.contains_key(child) {
                    needed.insert(child.clone(), keeper.clone());
                    grew = true;
                }
            }
        }
        if !grew {
            return needed;
        }
    }
}

/// The images deleted: every tag goes and no kept index needs them.
fn deleted_images<'a>(
    by_image: &BTreeMap<&'a Digest, Vec<usize>>,
    verdicts: &Verdicts,
) -> HashSet<&'a Digest> {
    by_image
        .iter()
        .filter(|(digest, tags)| {
            tags.iter().all(|&i| verdicts.goes(i)) && !verdicts.needed.contains_key(**digest)
        })
        .map(|(digest, _)| *digest)
        .collect()
}

/// Signature, attestation and SBOM tags whose image is deleted go too; whether anything
/// new goes.
fn follow_subjects(ranked: &[Ranked], deleted: &HashSet<&Digest>, verdicts: &mut Verdicts) -> bool {
    let mut changed = false;
    for (i, r) in ranked.iter().enumerate() {
        if verdicts.goes(i) {
            continue;
        }
        let Some((subject, kind)) = supply_chain_subject(&r.tag) else {
            continue;
        };
        if deleted.contains(&subject) {
            verdicts.why[i] = Some(format!(
                "the {kind} of {}, which is deleted",
                short(&subject)
            ));
            verdicts.follows[i] = Some(subject);
            changed = true;
        }
    }
    changed
}

/// The image a supply-chain tag describes, and what it holds, in words.
fn supply_chain_subject(tag: &str) -> Option<(Digest, &'static str)> {
    if !is_supply_chain_tag(tag) {
        return None;
    }
    let rest = tag.strip_prefix("sha256-")?;
    let (hex, suffix) = rest.split_at(64);
    let kind = match suffix {
        ".sig" => "signature",
        ".att" => "attestation",
        ".sbom" => "SBOM",
        "" => "referrers list",
        _ => "artifact",
    };
    Digest::parse(&format!("sha256:{hex}"))
        .ok()
        .map(|d| (d, kind))
}

fn short(digest: &Digest) -> String {
    digest.to_string().chars().take(19).collect()
}

/// The plan from the verdicts: each tag's fate and why, and the steps.
fn build_plan(
    repository: &str,
    ranked: &[Ranked],
    by_image: &BTreeMap<&Digest, Vec<usize>>,
    verdicts: &Verdicts,
) -> CleanupPlan {
    let mut tags = Vec::with_capacity(ranked.len());
    for (i, r) in ranked.iter().enumerate() {
        let siblings = &by_image[&r.digest];
        let others = siblings.iter().filter(|&&j| j != i);
        let shares_with: Vec<String> = others
            .clone()
            .take(SHARES_SHOWN)
            .map(|&j| ranked[j].tag.clone())
            .collect();
        let shares_more =
            u32::try_from(others.count().saturating_sub(shares_with.len())).unwrap_or(u32::MAX);
        let (fate, why) = match verdicts.why.get(i).cloned().flatten() {
            None => (TagFate::Keep, verdicts.kept[i].clone()),
            Some(why) => {
                let kept_by = siblings
                    .iter()
                    .find(|&&j| !verdicts.goes(j))
                    .map(|&j| &ranked[j].tag);
                match (kept_by, verdicts.needed.get(&r.digest)) {
                    (Some(keeper), _) => (
                        TagFate::Untag,
                        format!("{why}; its image stays for {keeper}"),
                    ),
                    (None, Some(index)) => (
                        TagFate::Untag,
                        format!("{why}; its image stays: the kept index {index} lists it"),
                    ),
                    (None, None) => (TagFate::Delete, why),
                }
            }
        };
        tags.push(PlannedTag {
            tag: r.tag.clone(),
            digest: r.digest.clone(),
            created: r.created.clone(),
            fate,
            why,
            shares_with,
            shares_more,
        });
    }
    let steps = group_steps(&tags, &verdicts.follows);
    let images_deleted = steps
        .iter()
        .filter(|s| matches!(s, Step::Delete { .. }))
        .count();
    let mut plan = CleanupPlan {
        repository: repository.to_owned(),
        kept: 0,
        removed: 0,
        images_deleted: u32::try_from(images_deleted).unwrap_or(u32::MAX),
        tags,
        steps,
    };
    recount(&mut plan);
    plan
}

/// The plan's tag counts from its tags' fates.
fn recount(plan: &mut CleanupPlan) {
    let count = |f: TagFate| {
        u32::try_from(plan.tags.iter().filter(|t| t.fate == f).count()).unwrap_or(u32::MAX)
    };
    plan.kept = count(TagFate::Keep);
    plan.removed = count(TagFate::Untag).saturating_add(count(TagFate::Delete));
}

/// A build date as an instant, to the nanosecond (`None`: not a date).
fn instant(created: &str) -> Option<jiff::Timestamp> {
    created.parse::<jiff::Timestamp>().ok()
}

/// The rules, checked and ready to apply.
struct Keeper {
    newest: Option<usize>,
    patterns: Vec<glob::Pattern>,
    since: Option<jiff::civil::Date>,
}

/// The "keep tags matching" patterns a user typed: each entry may hold several, separated
/// by commas; blanks are ignored, and a pattern that does not parse is an input error. One
/// reading for the tag clean-up and the ghcr.io version clean-up.
pub(crate) fn tag_patterns(entries: &[String]) -> Result<Vec<glob::Pattern>> {
    entries
        .iter()
        .flat_map(|entry| entry.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            glob::Pattern::new(p)
                .map_err(|e| Error::input(format!("\"{p}\" is not a pattern"), e.to_string()))
        })
        .collect()
}

impl Keeper {
    fn new(rules: &CleanupRules) -> Result<Self> {
        let patterns = tag_patterns(&rules.keep_matching)?;
        let since = match rules.keep_built_since.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(d.parse::<jiff::civil::Date>().map_err(|_| {
                Error::input(format!("\"{d}\" is not a date"), "write it as YYYY-MM-DD")
            })?),
        };
        let newest = rules.keep_newest.map(|n| n as usize);
        if newest.is_none() && patterns.is_empty() && since.is_none() {
            return Err(Error::input(
                "a clean-up needs at least one rule of what to keep",
                "keep the newest N tags, tags matching a pattern, or tags built since a date",
            ));
        }
        if newest == Some(0) && patterns.is_empty() && since.is_none() {
            return Err(Error::input(
                "keeping the newest 0 tags keeps nothing: every dated tag would go",
                "keep the newest 1 or more, or add a pattern or a date to keep",
            ));
        }
        Ok(Self {
            newest,
            patterns,
            since,
        })
    }

    /// For each ranked tag, whether it stays (and which rule keeps it) or why it goes. An
    /// image built at the very instant of the last one "newest N" keeps is kept too: a tie
    /// is never broken by deleting.
    fn decide(&self, ranked: &[Ranked]) -> Vec<Decision> {
        let mut rank = 0usize;
        let mut boundary: Option<(jiff::Timestamp, &Digest, &str)> = None;
        ranked
            .iter()
            .map(|r| {
                if is_supply_chain_tag(&r.tag) {
                    return Decision::Keep(
                        "a signature, attestation or SBOM: it goes only with its image"
                            .to_owned(),
                    );
                }
                let Some(at) = r.created.as_deref().and_then(instant) else {
                    return Decision::Keep("no build date: the rules never remove it".to_owned());
                };
                rank += 1;
                let mut kept = Vec::new();
                if let Some(n) = self.newest {
                    if rank <= n {
                        kept.push(format!("among the newest {n}"));
                        if rank == n {
                            boundary = Some((at, &r.digest, &r.tag));
                        }
                    } else if let Some((last_at, last_digest, last_tag)) = boundary {
                        if last_at == at && *last_digest != r.digest {
                            kept.push(format!(
                                "built at the same instant as {last_tag}, the last of the newest {n}: a tie is not broken by deleting"
                            ));
                        }
                    }
                }
                if let Some(p) = self.patterns.iter().find(|p| p.matches(&r.tag)) {
                    kept.push(format!("matches {}", p.as_str()));
                }
                if let Some(since) = self.since {
                    if at.to_zoned(jiff::tz::TimeZone::UTC).date() >= since {
                        kept.push(format!("built on or after {since}"));
                    }
                }
                if kept.is_empty() {
                    Decision::Go(self.reason())
                } else {
                    Decision::Keep(kept.join("; "))
                }
            })
            .collect()
    }

    fn reason(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.newest {
            parts.push(format!("not among the newest {n}"));
        }
        if !self.patterns.is_empty() {
            let listed: Vec<&str> = self.patterns.iter().map(glob::Pattern::as_str).collect();
            parts.push(format!("matches none of {}", listed.join(", ")));
        }
        if let Some(d) = self.since {
            parts.push(format!("built before {d}"));
        }
        parts.join(", ")
    }
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepResult {
    /// The step.
    pub step: Step,
    /// What it did, in words.
    pub what: String,
    /// `None` when done or skipped; the engine's message when it failed.
    pub error: Option<String>,
    /// Why it was not sent: the registry changed since the preview (a tag was added to
    /// the image, or left it), or the image it goes with was not deleted.
    pub skipped: Option<String>,
}

/// Where a running plan stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupProgress {
    /// Tags handled so far (removed, failed or skipped).
    pub finished: u32,
    /// Tags the plan removes.
    pub total: u32,
    /// Tags not removed because their step failed, so far.
    pub failed: u32,
    /// Tags not removed because their step was skipped (changed since the preview), so far.
    pub skipped: u32,
}

/// What a run did: every step with its outcome, in the plan's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupSummary {
    /// Steps done.
    pub done: u32,
    /// Steps failed.
    pub failed: u32,
    /// Steps not sent because the registry changed since the preview.
    pub skipped: u32,
    /// The summary in one line, as both front ends show it.
    pub headline: String,
    /// Each step and how it ended.
    pub results: Vec<StepResult>,
}

impl CleanupSummary {
    fn headline_of(&self) -> String {
        let total = self.done + self.failed + self.skipped;
        let done = self
            .results
            .iter()
            .filter(|r| r.error.is_none() && r.skipped.is_none());
        let tags: usize = done.clone().map(|r| r.step.removes().len()).sum();
        let deleted = done
            .filter(|r| matches!(r.step, Step::Delete { .. }))
            .count();
        let mut line = format!(
            "Done: {} of {total} steps ({tags} tag{} removed, {deleted} image{} deleted)",
            self.done,
            if tags == 1 { "" } else { "s" },
            if deleted == 1 { "" } else { "s" }
        );
        if self.failed > 0 {
            line.push_str(&format!("; {} failed", self.failed));
        }
        if self.skipped > 0 {
            line.push_str(&format!(
                "; {} skipped (changed since the preview)",
                self.skipped
            ));
        }
        line.push('.');
        line
    }

    /// The error a front end reports when not every step was done (`None` when all were).
    pub fn shortfall(&self) -> Option<Error> {
        (self.failed > 0 || self.skipped > 0).then(|| {
            Error::PartlyDone(format!(
                "{} of {} steps were not done ({} failed, {} skipped because the registry changed since the preview)",
                self.failed + self.skipped,
                self.done + self.failed + self.skipped,
                self.failed,
                self.skipped
            ))
        })
    }
}

/// Steps sent at once while a plan runs.
pub const RUN_CONCURRENCY: usize = 8;

/// The registry as the run found it: each image's tags.
struct World {
    /// Each image's tags now.
    on_image: HashMap<Digest, BTreeSet<String>>,
}

impl World {
    fn of(tags: Vec<(String, Digest)>) -> Self {
        let mut on_image: HashMap<Digest, BTreeSet<String>> = HashMap::new();
        for (tag, digest) in tags {
            on_image.entry(digest).or_default().insert(tag);
        }
        Self { on_image }
    }

    /// How the step's image differs from its plan, in words (`None`: as planned).
    fn changes(&self, step: &Step) -> Option<String> {
        let now = self
            .on_image
            .get(step.digest())
            .cloned()
            .unwrap_or_default();
        describe_changes(&step.planned_tags(), &now)
    }
}

/// "changed since the preview: prod was added", or `None` when both sets are the same.
fn describe_changes(planned: &BTreeSet<String>, now: &BTreeSet<String>) -> Option<String> {
    manage::tag_changes(planned, now).map(|c| format!("changed since the preview: {c}"))
}

/// Send one delete step; how it ended. An image already gone counts as deleted (a delete
/// that went through but answered with an error, tried again).
async fn delete_step(client: &Client, repository: &Reference, step: &Step) -> StepOutcome {
    match client
        .delete(&repository.with_digest(step.digest().clone()))
        .await
    {
        Ok(_) | Err(Error::NotFound { .. }) => StepOutcome::Done,
        Err(e) => StepOutcome::Failed(e.to_string()),
    }
}

/// How a step ended, before it is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StepOutcome {
    Done,
    Failed(String),
    Skipped(String),
}

impl StepOutcome {
    fn into_result(self, step: Step) -> StepResult {
        let (error, skipped) = match self {
            StepOutcome::Done => (None, None),
            StepOutcome::Failed(e) => (Some(e), None),
            StepOutcome::Skipped(why) => (None, Some(why)),
        };
        StepResult {
            what: step.describe(),
            step,
            error,
            skipped,
        }
    }

    /// An untag step's outcome from its tags' answers: done when every tag went; skipped
    /// when none went because they had moved; else failed, naming the tags that did not
    /// go (a few, and how many in all).
    fn of_untags(answers: &[(&str, StepOutcome)]) -> StepOutcome {
        let missed: Vec<(&str, &StepOutcome)> = answers
            .iter()
            .filter(|(_, o)| *o != StepOutcome::Done)
            .map(|(t, o)| (*t, o))
            .collect();
        if missed.is_empty() {
            return StepOutcome::Done;
        }
        let why = |o: &StepOutcome| match o {
            StepOutcome::Failed(e) | StepOutcome::Skipped(e) => e.clone(),
            StepOutcome::Done => String::new(),
        };
        let mut said: Vec<String> = missed
            .iter()
            .take(5)
            .map(|(tag, o)| format!("{tag}: {}", why(o)))
            .collect();
        if missed.len() > said.len() {
            said.push(format!("and {} more", missed.len() - said.len()));
        }
        let text = format!(
            "{} of {} tags not removed ({})",
            missed.len(),
            answers.len(),
            said.join("; ")
        );
        if missed.len() == answers.len()
            && missed
                .iter()
                .all(|(_, o)| matches!(o, StepOutcome::Skipped(_)))
        {
            StepOutcome::Skipped(text)
        } else {
            StepOutcome::Failed(text)
        }
    }
}

/// One untag answer from the engine, as a step outcome (a tag that moved since the plan
/// was skipped, not failed).
fn untag_answer(answer: &Result<portolan::UntagMethod>) -> StepOutcome {
    match answer {
        Ok(_) => StepOutcome::Done,
        Err(e @ Error::TagMoved { .. }) => StepOutcome::Skipped(e.to_string()),
        Err(e) => StepOutcome::Failed(e.to_string()),
    }
}

/// The tally of a run, in tags, reported as they are handled.
struct Tally<F: Fn(CleanupProgress)> {
    total: u32,
    finished: u32,
    failed: u32,
    skipped: u32,
    progress: F,
}

impl<F: Fn(CleanupProgress)> Tally<F> {
    /// `tags` tags handled with `outcome`.
    fn count(&mut self, outcome: &StepOutcome, tags: usize) {
        let n = u32::try_from(tags).unwrap_or(u32::MAX);
        self.finished = self.finished.saturating_add(n);
        match outcome {
            StepOutcome::Done => {}
            StepOutcome::Failed(_) => self.failed = self.failed.saturating_add(n),
            StepOutcome::Skipped(_) => self.skipped = self.skipped.saturating_add(n),
        }
        self.report();
    }

    /// A step tried again moved from failed to `now`.
    fn recount(&mut self, now: &StepOutcome, tags: usize) {
        let n = u32::try_from(tags).unwrap_or(u32::MAX);
        if matches!(now, StepOutcome::Failed(_)) {
            return;
        }
        self.failed = self.failed.saturating_sub(n);
        if matches!(now, StepOutcome::Skipped(_)) {
            self.skipped = self.skipped.saturating_add(n);
        }
        self.report();
    }

    fn report(&self) {
        (self.progress)(CleanupProgress {
            finished: self.finished.min(self.total),
            total: self.total,
            failed: self.failed,
            skipped: self.skipped,
        });
    }
}

/// Carry out `steps` in `repository`, reporting progress as tags are handled.
///
/// First the registry is read again (every tag and where it points): a step whose image
/// carries other tags than its plan said is skipped, and the summary says what changed.
/// Then the untags, all together (the engine batches them where the registry untags
/// through placeholders; each is refused when its tag has moved), then the deletes,
/// [`RUN_CONCURRENCY`] at a time, after one more reading of where every tag points (a
/// tag made on an image about to go, or moved onto it, meanwhile, keeps it), and each
/// failed step once more, alone; then, the same way, the steps that follow a deleted image
/// (its signatures), only when that image is gone. A failed or skipped step does not stop
/// the others.
pub async fn run(
    client: &Arc<Client>,
    repository: &str,
    steps: Vec<Step>,
    progress: impl Fn(CleanupProgress),
) -> Result<CleanupSummary> {
    let repo = repository_ref(repository)?;
    let world = World::of(tag_scan::digests(client, &repo).await?);
    let mut tally = Tally {
        total: u32::try_from(steps.iter().map(|s| s.removes().len()).sum::<usize>())
            .unwrap_or(u32::MAX),
        finished: 0,
        failed: 0,
        skipped: 0,
        progress,
    };
    let mut outcomes: Vec<Option<StepOutcome>> = vec![None; steps.len()];
    let all = (0..steps.len()).collect();
    skip_changed(&world, &steps, all, &mut outcomes, &mut tally);
    // The steps that stand alone, then the ones that follow a deleted image (each phase
    // with its retries, so a signature goes only once its image's delete is known).
    for first in [true, false] {
        if !first {
            skip_followers_of_kept(&steps, &mut outcomes, &mut tally);
        }
        let now: Vec<usize> = (0..steps.len())
            .filter(|&i| outcomes[i].is_none() && steps[i].follows().is_none() == first)
            .collect();
        run_phase(client, &repo, &steps, &now, &mut outcomes, &mut tally).await?;
        retry_failed(client, &repo, &steps, &now, &mut outcomes, &mut tally).await;
    }
    Ok(summary_of(steps, outcomes))
}

/// Skip each of `indices` whose image carries other tags in `world` than its step said;
/// the others, to run.
fn skip_changed<F: Fn(CleanupProgress)>(
    world: &World,
    steps: &[Step],
    mut indices: Vec<usize>,
    outcomes: &mut [Option<StepOutcome>],
    tally: &mut Tally<F>,
) -> Vec<usize> {
    indices.retain(|&i| match world.changes(&steps[i]) {
        Some(changes) => {
            let outcome = StepOutcome::Skipped(changes);
            tally.count(&outcome, steps[i].removes().len());
            outcomes[i] = Some(outcome);
            false
        }
        None => true,
    });
    indices
}

/// Skip each step that follows an image (its signatures) whose delete was not done.
fn skip_followers_of_kept<F: Fn(CleanupProgress)>(
    steps: &[Step],
    outcomes: &mut [Option<StepOutcome>],
    tally: &mut Tally<F>,
) {
    for i in 0..steps.len() {
        if outcomes[i].is_some() {
            continue;
        }
        let Some(subject) = steps[i].follows() else {
            continue;
        };
        let went = outcomes.iter().zip(steps).any(|(o, s)| {
            matches!(s, Step::Delete { .. })
                && s.digest() == subject
                && o.as_ref() == Some(&StepOutcome::Done)
        });
        if !went {
            let outcome =
                StepOutcome::Skipped("kept: the image it describes was not deleted".to_owned());
            tally.count(&outcome, steps[i].removes().len());
            outcomes[i] = Some(outcome);
        }
    }
}

/// Run the steps `now`: the untags together, then the deletes [`RUN_CONCURRENCY`] at a
/// time after one more reading of where every tag points.
async fn run_phase<F: Fn(CleanupProgress)>(
    client: &Arc<Client>,
    repo: &Reference,
    steps: &[Step],
    now: &[usize],
    outcomes: &mut [Option<StepOutcome>],
    tally: &mut Tally<F>,
) -> Result<()> {
    let untags: Vec<usize> = now
        .iter()
        .copied()
        .filter(|&i| matches!(steps[i], Step::Untag { .. }))
        .collect();
    untag_together(client, repo, steps, &untags, outcomes, tally).await?;
    let mut deletes: Vec<usize> = now
        .iter()
        .copied()
        .filter(|&i| outcomes[i].is_none())
        .collect();
    if !deletes.is_empty() {
        // Just before the deletes, where every tag points now: a tag made on an image
        // about to go, or moved onto it, while the run went on, keeps it.
        let fresh = World::of(tag_scan::digests(client, repo).await?);
        deletes = skip_changed(&fresh, steps, deletes, outcomes, tally);
    }
    let mut running = stream::iter(deletes)
        .map(|i| {
            let (client, step) = (client.clone(), &steps[i]);
            async move { (i, delete_step(&client, repo, step).await) }
        })
        .buffer_unordered(RUN_CONCURRENCY);
    while let Some((i, outcome)) = running.next().await {
        tally.count(&outcome, steps[i].removes().len());
        outcomes[i] = Some(outcome);
    }
    Ok(())
}

/// Try each failed step of `now` once more, alone.
///
/// Registries are not all safe for concurrent deletes in one repository (distribution 2.8
/// lists a repository's tags while deleting a manifest and fails when another delete
/// removes one meanwhile). An untag that failed left its tags where they were, and one
/// already gone counts as done, so trying again is safe.
async fn retry_failed<F: Fn(CleanupProgress)>(
    client: &Arc<Client>,
    repo: &Reference,
    steps: &[Step],
    now: &[usize],
    outcomes: &mut [Option<StepOutcome>],
    tally: &mut Tally<F>,
) {
    for &i in now {
        if !matches!(outcomes[i], Some(StepOutcome::Failed(_))) {
            continue;
        }
        let again = match &steps[i] {
            Step::Delete { .. } => delete_step(client, repo, &steps[i]).await,
            Step::Untag { digest, tags, .. } => {
                let mut answers = Vec::with_capacity(tags.len());
                for tag in tags {
                    let answer = manage::untag_guarded(client, repo, tag, digest).await;
                    let outcome = match answer {
                        Err(Error::NotFound { .. }) => StepOutcome::Done,
                        other => untag_answer(&other),
                    };
                    answers.push((tag.as_str(), outcome));
                }
                StepOutcome::of_untags(&answers)
            }
        };
        tally.recount(&again, steps[i].removes().len());
        outcomes[i] = Some(again);
    }
}

/// What a run did, step by step (a step never tried counts as failed), and its counts.
fn summary_of(steps: Vec<Step>, outcomes: Vec<Option<StepOutcome>>) -> CleanupSummary {
    let results: Vec<StepResult> = steps
        .into_iter()
        .zip(outcomes)
        .map(|(step, outcome)| {
            outcome
                .unwrap_or_else(|| StepOutcome::Failed("the step was never tried".to_owned()))
                .into_result(step)
        })
        .collect();
    let count = |f: fn(&StepResult) -> bool| {
        u32::try_from(results.iter().filter(|r| f(r)).count()).unwrap_or(u32::MAX)
    };
    let mut summary = CleanupSummary {
        done: count(|r| r.error.is_none() && r.skipped.is_none()),
        failed: count(|r| r.error.is_some()),
        skipped: count(|r| r.skipped.is_some()),
        headline: String::new(),
        results,
    };
    summary.headline = summary.headline_of();
    summary
}

/// The untag steps `untags`, all their tags sent together through the engine's batched
/// untag; each step's outcome from its tags' answers.
async fn untag_together<F: Fn(CleanupProgress)>(
    client: &Arc<Client>,
    repo: &Reference,
    steps: &[Step],
    untags: &[usize],
    outcomes: &mut [Option<StepOutcome>],
    tally: &mut Tally<F>,
) -> Result<()> {
    let mut pairs: Vec<(String, Digest)> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    for &i in untags {
        if let Step::Untag { digest, tags, .. } = &steps[i] {
            for tag in tags {
                pairs.push((tag.clone(), digest.clone()));
                owner.push(i);
            }
        }
    }
    if pairs.is_empty() {
        return Ok(());
    }
    let answers = client
        .untag_many(repo, &pairs, |_, answer| {
            tally.count(&untag_answer(answer), 1);
        })
        .await?;
    let mut by_step: HashMap<usize, Vec<(&str, StepOutcome)>> = HashMap::new();
    for ((pair, step), answer) in pairs.iter().zip(&owner).zip(&answers) {
        by_step
            .entry(*step)
            .or_default()
            .push((pair.0.as_str(), untag_answer(answer)));
    }
    for (i, answers) in by_step {
        outcomes[i] = Some(StepOutcome::of_untags(&answers));
    }
    Ok(())
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
            facts: dates
                .iter()
                .map(|(d, at)| {
                    (
                        digest(*d),
                        ImageFacts {
                            created: at.map(str::to_owned),
                            children: Vec::new(),
                        },
                    )
                })
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
                    digest: digest(1),
                    tags: vec!["v3".into()],
                    keeps: vec!["latest".into()],
                    follows: None,
                },
                Step::Delete {
                    digest: digest(2),
                    tags: vec!["v2".into()],
                    follows: None,
                },
                Step::Delete {
                    digest: digest(3),
                    tags: vec!["v1".into(), "v1.0".into()],
                    follows: None,
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
            keep_matching: vec!["release-*".into()],
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

    fn rules(newest: Option<u32>, matching: &[&str]) -> Keeper {
        Keeper::new(&CleanupRules {
            keep_newest: newest,
            keep_matching: matching.iter().map(|m| (*m).to_owned()).collect(),
            keep_built_since: None,
        })
        .expect("rules")
    }

    #[test]
    fn a_kept_index_keeps_the_platform_images_it_lists() {
        // "latest" is an index (3) listing the amd64 image (1), also tagged "amd64", and
        // an arm64 image (2) with no tag of its own; "old" (4) is an unrelated image.
        let mut s = scanned(
            &[("latest", 3), ("amd64", 1), ("old", 4)],
            &[
                (1, Some("2024-03-01T00:00:00Z")),
                (3, Some("2024-03-01T00:00:00Z")),
                (4, Some("2024-01-01T00:00:00Z")),
            ],
        );
        s.facts.get_mut(&digest(3)).expect("index").children = vec![digest(1), digest(2)];
        let keeper = rules(None, &["latest"]);
        let plan = decide("r/a", s, |ranked| keeper.decide(ranked));
        let got: HashMap<&str, (TagFate, &str)> = plan
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), (t.fate, t.why.as_str())))
            .collect();
        assert_eq!(got["latest"].0, TagFate::Keep);
        assert_eq!(got["amd64"].0, TagFate::Untag, "{}", got["amd64"].1);
        assert!(
            got["amd64"].1.contains("the kept index latest lists it"),
            "{}",
            got["amd64"].1
        );
        assert_eq!(got["old"].0, TagFate::Delete);
        assert!(
            !plan
                .steps
                .iter()
                .any(|s| matches!(s, Step::Delete { digest: d, .. } if *d == digest(1))),
            "{:?}",
            plan.steps
        );
        assert_eq!(plan.images_deleted, 1);
    }

    #[test]
    fn signatures_go_with_their_image_and_stay_with_it() {
        let gone = digest(1);
        let kept = digest(2);
        let hex = |d: &Digest| d.to_string().trim_start_matches("sha256:").to_owned();
        let sig_gone = format!("sha256-{}.sig", hex(&gone));
        let att_gone = format!("sha256-{}.att", hex(&gone));
        let sig_kept = format!("sha256-{}.sig", hex(&kept));
        let s = scanned(
            &[
                ("old", 1),
                ("new", 2),
                (sig_gone.as_str(), 3),
                (att_gone.as_str(), 4),
                (sig_kept.as_str(), 5),
            ],
            &[
                (1, Some("2024-01-01T00:00:00Z")),
                (2, Some("2024-03-01T00:00:00Z")),
                (3, Some("2024-01-01T00:00:00Z")),
                (4, None),
                (5, Some("2024-03-01T00:00:00Z")),
            ],
        );
        let keeper = rules(Some(1), &[]);
        let plan = decide("r/a", s, |ranked| keeper.decide(ranked));
        let got: HashMap<&str, TagFate> = fates(&plan).into_iter().collect();
        assert_eq!(got["old"], TagFate::Delete);
        assert_eq!(got["new"], TagFate::Keep);
        assert_eq!(got[sig_gone.as_str()], TagFate::Delete);
        assert_eq!(got[att_gone.as_str()], TagFate::Delete);
        assert_eq!(got[sig_kept.as_str()], TagFate::Keep);
        let why = &plan
            .tags
            .iter()
            .find(|t| t.tag == sig_gone)
            .expect("listed")
            .why;
        assert!(why.contains("signature of sha256:"), "{why}");
        // The signature's delete waits for its image's.
        let sig_step = plan
            .steps
            .iter()
            .find(|s| *s.digest() == digest(3))
            .expect("a step for the signature");
        assert_eq!(sig_step.follows(), Some(&gone));
        assert_eq!(plan.images_deleted, 3);
    }

    #[test]
    fn keep_newest_zero_alone_is_refused_and_patterns_add_up() {
        let refused = Keeper::new(&CleanupRules {
            keep_newest: Some(0),
            ..CleanupRules::default()
        });
        assert!(refused.is_err());
        let s = scanned(
            &[
                ("release-1", 1),
                ("Release-2", 2),
                ("stable", 3),
                ("pr-9", 4),
            ],
            &[
                (1, Some("2024-04-01T00:00:00Z")),
                (2, Some("2024-03-01T00:00:00Z")),
                (3, Some("2024-02-01T00:00:00Z")),
                (4, Some("2024-01-01T00:00:00Z")),
            ],
        );
        // Repeated and comma-separated; case-sensitive.
        let keeper = rules(Some(0), &["release-*", "stable, nothing-*"]);
        let plan = decide("r/a", s, |ranked| keeper.decide(ranked));
        let got: HashMap<&str, TagFate> = fates(&plan).into_iter().collect();
        assert_eq!(got["release-1"], TagFate::Keep);
        assert_eq!(got["stable"], TagFate::Keep);
        assert_eq!(got["Release-2"], TagFate::Delete);
        assert_eq!(got["pr-9"], TagFate::Delete);
    }

    #[test]
    fn a_step_whose_image_changed_says_how() {
        let planned: BTreeSet<String> = ["v1".to_owned()].into();
        let now: BTreeSet<String> = ["v1".to_owned(), "prod".to_owned()].into();
        assert_eq!(
            describe_changes(&planned, &now).as_deref(),
            Some("changed since the preview: prod was added")
        );
        assert_eq!(describe_changes(&now, &now), None);
        let world = World::of(vec![("v1".into(), digest(1)), ("prod".into(), digest(1))]);
        let step = Step::Delete {
            digest: digest(1),
            tags: vec!["v1".into()],
            follows: None,
        };
        assert!(world
            .changes(&step)
            .is_some_and(|c| c.contains("prod was added")));
    }

    #[test]
    fn a_selection_untag_removes_exactly_the_chosen_tags() {
        let hex = digest(1)
            .to_string()
            .trim_start_matches("sha256:")
            .to_owned();
        let sig = format!("sha256-{hex}.sig");
        let s = scanned(
            &[("a", 1), ("b", 1), ("c", 1), (sig.as_str(), 2)],
            &[(1, Some("2024-01-01T00:00:00Z")), (2, None)],
        );
        let chosen: HashSet<&str> = ["a", "b"].into();
        let mut plan = decide("r/a", s, |ranked| {
            ranked
                .iter()
                .map(|t| {
                    if chosen.contains(t.tag.as_str()) {
                        Decision::Go("selected".to_owned())
                    } else {
                        Decision::Keep("not selected".to_owned())
                    }
                })
                .collect()
        });
        untag_only(&mut plan, &chosen);
        let got: HashMap<&str, TagFate> = fates(&plan).into_iter().collect();
        assert_eq!(got["a"], TagFate::Untag);
        assert_eq!(got["b"], TagFate::Untag);
        assert_eq!(
            got[sig.as_str()],
            TagFate::Keep,
            "its image stays, so does its signature"
        );
        assert_eq!(got["c"], TagFate::Keep);
        assert_eq!(
            plan.steps,
            [Step::Untag {
                digest: digest(1),
                tags: vec!["a".into(), "b".into()],
                keeps: vec!["c".into()],
                follows: None,
            }]
        );
        assert_eq!((plan.kept, plan.removed, plan.images_deleted), (2, 2, 0));
    }

    #[test]
    fn newest_is_ordered_to_the_nanosecond_and_a_true_tie_keeps_both() {
        // Built in the same second: the newer one (by its milliseconds) is the newest.
        let s = scanned(
            &[("older", 1), ("newer", 2), ("oldest", 3)],
            &[
                (1, Some("2026-01-01T17:08:06.153Z")),
                (2, Some("2026-01-01T17:08:06.518Z")),
                (3, Some("2025-01-01T00:00:00Z")),
            ],
        );
        let plan = decide("r/a", s, |ranked| rules(Some(1), &[]).decide(ranked));
        let got: HashMap<&str, (TagFate, &str)> = plan
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), (t.fate, t.why.as_str())))
            .collect();
        assert_eq!(got["newer"].0, TagFate::Keep);
        assert_eq!(got["newer"].1, "among the newest 1");
        assert_eq!(got["older"].0, TagFate::Delete);

        // Truly equal: neither goes on the strength of the tie, and the preview says so.
        let s = scanned(
            &[("a", 1), ("b", 2), ("c", 3)],
            &[
                (1, Some("2026-01-01T17:08:06.5Z")),
                (2, Some("2026-01-01T17:08:06.500Z")),
                (3, Some("2025-01-01T00:00:00Z")),
            ],
        );
        let plan = decide("r/a", s, |ranked| rules(Some(1), &[]).decide(ranked));
        let got: HashMap<&str, (TagFate, &str)> = plan
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), (t.fate, t.why.as_str())))
            .collect();
        assert_eq!(got["a"].0, TagFate::Keep);
        assert_eq!(got["b"].0, TagFate::Keep, "{}", got["b"].1);
        assert!(got["b"].1.contains("same instant as a"), "{}", got["b"].1);
        assert_eq!(got["c"].0, TagFate::Delete);
    }

    #[test]
    fn every_kept_tag_says_which_rule_kept_it() {
        let mut s = scanned(
            &[
                ("new", 1),
                ("release-1", 2),
                ("old", 3),
                ("amd64", 4),
                ("idx", 5),
            ],
            &[
                (1, Some("2024-05-01T00:00:00Z")),
                (2, Some("2024-01-01T00:00:00Z")),
                (3, Some("2023-01-01T00:00:00Z")),
                (4, Some("2022-01-01T00:00:00Z")),
                (5, None),
            ],
        );
        s.facts.insert(
            digest(5),
            ImageFacts {
                created: None,
                children: vec![digest(4)],
            },
        );
        let plan = decide("r/a", s, |ranked| {
            rules(Some(1), &["release-*"]).decide(ranked)
        });
        let why: HashMap<&str, &str> = plan
            .tags
            .iter()
            .map(|t| (t.tag.as_str(), t.why.as_str()))
            .collect();
        assert_eq!(why["new"], "among the newest 1");
        assert_eq!(why["release-1"], "matches release-*");
        assert!(why["idx"].contains("no build date"), "{}", why["idx"]);
        assert!(
            why["amd64"].contains("the kept index idx lists it"),
            "{}",
            why["amd64"]
        );
        assert!(
            why["old"].contains("not among the newest 1"),
            "{}",
            why["old"]
        );
    }

    #[test]
    fn a_plan_stays_linear_when_one_image_has_thousands_of_tags() {
        // 5,000 tags on one image: each planned tag names a few others, not 4,999, and
        // the image's untag is one step.
        let names: Vec<String> = (0..5000).map(|i| format!("t{i:05}")).collect();
        let tags: Vec<(&str, u8)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        let s = scanned(&tags, &[(1, Some("2024-01-01T00:00:00Z"))]);
        let plan = decide("r/a", s, |ranked| rules(Some(10), &[]).decide(ranked));
        assert!(plan
            .tags
            .iter()
            .all(|t| t.shares_with.len() <= SHARES_SHOWN));
        assert_eq!(plan.tags[0].shares_more, 4999 - SHARES_SHOWN as u32);
        assert_eq!(plan.steps.len(), 1);
        let Step::Untag { tags, keeps, .. } = &plan.steps[0] else {
            panic!("an untag: {:?}", plan.steps[0]);
        };
        assert_eq!((tags.len(), keeps.len()), (4990, 10));
    }

    #[test]
    fn an_untag_step_says_which_tags_did_not_go() {
        let answers: Vec<(&str, StepOutcome)> = vec![
            ("a", StepOutcome::Done),
            ("b", StepOutcome::Failed("refused".into())),
        ];
        let outcome = StepOutcome::of_untags(&answers);
        assert_eq!(
            outcome,
            StepOutcome::Failed("1 of 2 tags not removed (b: refused)".into())
        );
        let moved = vec![("a", StepOutcome::Skipped("moved".into()))];
        assert!(matches!(
            StepOutcome::of_untags(&moved),
            StepOutcome::Skipped(_)
        ));
    }

    #[test]
    fn a_selected_delete_of_an_image_a_kept_index_lists_removes_only_the_chosen_tag() {
        let mut s = scanned(
            &[("v1", 2), ("v1-amd64", 1), ("stable-amd64", 1)],
            &[
                (1, Some("2024-01-01T00:00:00Z")),
                (2, Some("2024-01-01T00:00:00Z")),
            ],
        );
        s.facts.get_mut(&digest(2)).expect("index").children = vec![digest(1)];
        let chosen: HashSet<&str> = ["v1-amd64"].into();
        let doomed: HashSet<Digest> = [digest(1)].into();
        let mut plan = decide("r/a", s, |ranked| {
            ranked
                .iter()
                .map(|t| {
                    if chosen.contains(t.tag.as_str()) {
                        Decision::Go("selected".to_owned())
                    } else if doomed.contains(&t.digest) {
                        Decision::Go("on an image being deleted".to_owned())
                    } else {
                        Decision::Keep("not selected".to_owned())
                    }
                })
                .collect()
        });
        keep_unselected_on_kept_images(&mut plan, &chosen);
        let got: HashMap<&str, TagFate> = fates(&plan).into_iter().collect();
        assert_eq!(got["v1-amd64"], TagFate::Untag);
        assert_eq!(got["stable-amd64"], TagFate::Keep);
        assert_eq!(got["v1"], TagFate::Keep);
        assert_eq!(
            plan.steps,
            [Step::Untag {
                digest: digest(1),
                tags: vec!["v1-amd64".into()],
                keeps: vec!["stable-amd64".into()],
                follows: None,
            }]
        );
    }
}
