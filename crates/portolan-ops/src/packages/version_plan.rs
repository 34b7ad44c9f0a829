//! Which versions of a ghcr.io package a clean-up deletes, decided from the versions GitHub
//! lists and what their manifests say, without any I/O (so a plan over thousands of
//! versions is instant, and tested as a table).
//!
//! The rules are those users set in `actions/delete-package-versions` and retention
//! policies: a version is chosen when every selecting rule given chooses it (untagged only,
//! older than N days, created before a date), unless a keeping rule keeps it (the newest N
//! versions, a tag matching a pattern). Then nothing that a kept version needs goes: the
//! platform images (and attestation manifests) a kept index lists, a signature,
//! attestation or SBOM of a kept version (cosign's `sha256-<hex>.sig/.att/.sbom` tags, the
//! manifests the referrers API or the `sha256-<hex>` referrers tag lists for it), repeated
//! until nothing changes. Each version says why it stays or goes.
//!
//! A plan can also start from what the user picked: versions (the Versions view), or tags
//! (the Tags view: delete the versions holding them, or remove just those tags, untagging
//! a version that keeps others). What only a picked version needs goes with it; what a
//! kept version needs stays, as above.

use std::collections::{HashMap, HashSet};

use portolan::reference::is_supply_chain_tag;
use portolan::{Error, Result};

/// The rules of a version clean-up. At least one selecting rule is needed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionRules {
    /// Choose only untagged versions.
    #[serde(default)]
    pub delete_untagged: bool,
    /// Choose only versions older than this many days.
    pub older_than_days: Option<u32>,
    /// Choose only versions created before this date (`YYYY-MM-DD`, UTC).
    pub before: Option<String>,
    /// Keep the newest N versions, whatever the other rules say.
    pub keep_newest: Option<u32>,
    /// Keep versions with a tag matching any of these patterns (`*`, `?`, `[abc]`; an
    /// entry may hold several separated by commas).
    #[serde(default)]
    pub keep_matching: Vec<String>,
    /// Versions the user picked (by id): exactly these are chosen, instead of by the
    /// selecting rules, with what goes with them (an index's platform images, signatures
    /// and referrers no kept version needs).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub picked: Vec<u64>,
    /// Tags the user picked (the Tags view's selection): the versions holding them are
    /// chosen, as with `picked`.
    #[serde(default)]
    pub picked_tags: Vec<String>,
    /// With `picked_tags`: remove those tags only. A version that keeps other tags is
    /// untagged (each picked tag moved to a placeholder whose version is deleted); one left
    /// with no tag is deleted. Without it, each version holding a picked tag is deleted.
    #[serde(default)]
    pub untag_only: bool,
}

/// What a version's manifest says that a plan needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionFacts {
    /// For an index: the manifests it lists, with their platform (`linux/amd64`) if given.
    pub children: Vec<(String, Option<String>)>,
    /// The manifests whose `subject` is this one, as the registry's referrers API lists
    /// them (where the registry has none, the `sha256-<hex>` tag's index lists them, and
    /// it is a version of its own).
    pub referrers: Vec<String>,
}

/// A version as a plan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// GitHub's id.
    pub id: u64,
    /// The manifest digest.
    pub digest: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// When it was created (RFC 3339).
    pub created_at: Option<String>,
}

/// Keep, untag or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum VersionFate {
    /// It stays.
    Keep,
    /// It stays without the tags in `untag` (picked tags removed, others kept).
    Untag,
    /// It is deleted (restorable for 30 days).
    Delete,
}

/// One version in a plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlannedVersion {
    /// GitHub's id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: u64,
    /// The manifest digest.
    pub digest: String,
    /// Its tags when planned (a delete is skipped when they differ when it runs).
    pub tags: Vec<String>,
    /// When it was created.
    pub created_at: Option<String>,
    /// Its platform, when it is a platform image of an index.
    pub platform: Option<String>,
    /// What happens to it.
    pub fate: VersionFate,
    /// The tags removed from it (fate `untag`).
    #[serde(default)]
    pub untag: Vec<String>,
    /// Why, in words.
    pub why: String,
}

/// "30d" or "30" as days.
pub fn parse_days(text: &str) -> Result<u32> {
    let t = text.trim();
    t.strip_suffix('d')
        .unwrap_or(t)
        .parse::<u32>()
        .map_err(|_| {
            Error::input(
                format!("\"{text}\" is not a number of days"),
                "write it as 30d",
            )
        })
}

/// The rules, checked.
pub struct Chooser {
    /// The versions picked (none: the rules choose).
    picked: HashSet<u64>,
    /// The tags picked: the versions holding them are picked.
    picked_tags: HashSet<String>,
    /// Remove the picked tags only (see [`VersionRules::untag_only`]).
    untag_only: bool,
    untagged: bool,
    older_than: Option<jiff::Timestamp>,
    before: Option<jiff::Timestamp>,
    newest: usize,
    patterns: Vec<glob::Pattern>,
}

impl Chooser {
    /// `rules` checked, with "N days ago" counted from `now`.
    pub fn new(rules: &VersionRules, now: jiff::Timestamp) -> Result<Self> {
        let patterns = crate::cleanup::tag_patterns(&rules.keep_matching)?;
        let before = match rules.before.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(
                d.parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                    .map(|z| z.timestamp())
                    .ok_or_else(|| {
                        Error::input(format!("\"{d}\" is not a date"), "write it as YYYY-MM-DD")
                    })?,
            ),
        };
        let older_than = match rules.older_than_days {
            None => None,
            Some(days) => Some(
                now.checked_sub(jiff::SignedDuration::from_hours(i64::from(days) * 24))
                    .map_err(|e| Error::input(format!("{days} days ago"), e.to_string()))?,
            ),
        };
        let picked: HashSet<u64> = rules.picked.iter().copied().collect();
        let picked_tags: HashSet<String> = rules.picked_tags.iter().cloned().collect();
        let selecting = rules.delete_untagged || older_than.is_some() || before.is_some();
        if !picked.is_empty() || !picked_tags.is_empty() {
            if selecting || rules.keep_newest.is_some() || !patterns.is_empty() {
                return Err(Error::input(
                    "versions were picked and rules given",
                    "pick versions, or give rules, not both",
                ));
            }
        } else if !selecting {
            return Err(Error::input(
                "a version clean-up needs a rule of what to delete",
                "--delete-untagged, --older-than DAYS or --before DATE (each narrows what goes)",
            ));
        }
        Ok(Self {
            picked,
            picked_tags,
            untag_only: rules.untag_only,
            untagged: rules.delete_untagged,
            older_than,
            before,
            newest: rules.keep_newest.map_or(0, |n| n as usize),
            patterns,
        })
    }

    /// Why `version` (the `rank`th newest, from 0) stays, or `None` when the rules delete it.
    fn keeps(&self, version: &Listed, rank: usize) -> Option<String> {
        if rank < self.newest {
            return Some(format!("among the newest {}", self.newest));
        }
        if let Some((tag, p)) = version
            .tags
            .iter()
            .find_map(|t| self.patterns.iter().find(|p| p.matches(t)).map(|p| (t, p)))
        {
            return Some(format!("tag {tag} matches {}", p.as_str()));
        }
        if self.untagged && !version.tags.is_empty() {
            return Some("tagged (only untagged versions are deleted)".to_owned());
        }
        let created = version
            .created_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok());
        let Some(created) = created else {
            if self.older_than.is_some() || self.before.is_some() {
                return Some("no creation date: the date rules never delete it".to_owned());
            }
            return None;
        };
        if self.older_than.is_some_and(|limit| created >= limit) {
            return Some("not old enough".to_owned());
        }
        if self.before.is_some_and(|limit| created >= limit) {
            return Some("created on or after the date".to_owned());
        }
        None
    }

    /// Why a version the rules chose is deleted.
    fn deletes(&self, version: &Listed) -> String {
        let mut why = Vec::new();
        if version.tags.is_empty() {
            why.push("untagged");
        } else {
            why.push("tagged, no tag kept");
        }
        if self.older_than.is_some() {
            why.push("older than the limit");
        }
        if self.before.is_some() {
            why.push("created before the date");
        }
        why.join(", ")
    }
}

impl Chooser {
    /// Whether versions were picked (rather than chosen by rules).
    pub fn picks(&self) -> bool {
        !self.picked.is_empty() || !self.picked_tags.is_empty()
    }

    /// With picks: what happens to `version`, why, and the tags it loses (untag).
    fn picked_fate(&self, version: &Listed) -> (VersionFate, String, Vec<String>) {
        if self.picked.contains(&version.id) {
            return (VersionFate::Delete, "selected".to_owned(), Vec::new());
        }
        let hit: Vec<String> = version
            .tags
            .iter()
            .filter(|t| self.picked_tags.contains(*t))
            .cloned()
            .collect();
        let Some(first) = hit.first() else {
            return (VersionFate::Keep, NOT_PICKED.to_owned(), Vec::new());
        };
        if !self.untag_only {
            return (
                VersionFate::Delete,
                format!("holds selected tag {first}"),
                Vec::new(),
            );
        }
        if hit.len() == version.tags.len() {
            let why = if hit.len() == 1 {
                format!("its only tag {first} is removed")
            } else {
                "every tag of it is removed".to_owned()
            };
            return (VersionFate::Delete, why, Vec::new());
        }
        let kept: Vec<&str> = version
            .tags
            .iter()
            .filter(|t| !hit.contains(t))
            .map(String::as_str)
            .collect();
        let why = format!(
            "keeps {}; {} moved to a placeholder whose version is deleted",
            kept.join(", "),
            hit.join(", ")
        );
        (VersionFate::Untag, why, hit)
    }

    /// Whether a plan needs what `version`'s manifest says (see
    /// `version_cleanup::plan_versions`). By rules: every kept version's (what it lists
    /// must stay). Picked: each deleted version's (what goes with it), and each kept
    /// tagged version's pushed since the oldest deleted one, less [`SLACK`] (an index is
    /// pushed after the images it lists, so an older one cannot list them). An untagged
    /// index that is kept is not read: pulling it by digest may break for a platform.
    pub fn needs_facts(
        &self,
        version: &PlannedVersion,
        oldest_deleted: Option<jiff::Timestamp>,
    ) -> bool {
        if !self.picks() {
            return version.fate == VersionFate::Keep;
        }
        if version.fate == VersionFate::Delete {
            return true;
        }
        let created = version
            .created_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok());
        let slack = i64::try_from(SLACK.as_secs()).unwrap_or(i64::MAX);
        let recent = match (created, oldest_deleted) {
            (Some(c), Some(oldest)) => c.as_second() >= oldest.as_second().saturating_sub(slack),
            (_, None) => false,
            (None, Some(_)) => true,
        };
        !version.tags.is_empty() && recent
    }

    /// What a plan shows: with picked versions, those and what goes (or stays) with them,
    /// not every other version of the package; by rules, every version.
    pub fn shown(&self, mut plan: Vec<PlannedVersion>) -> Vec<PlannedVersion> {
        if self.picks() {
            plan.retain(|v| !(v.fate == VersionFate::Keep && v.why == NOT_PICKED));
        }
        plan
    }
}

/// How much earlier than an image an index listing it may say it was created (clocks,
/// a re-push): picked versions' possible indexes are read from this far back.
pub const SLACK: std::time::Duration = std::time::Duration::from_secs(3600);

/// Why a version not picked stays (until something picked takes it along).
const NOT_PICKED: &str = "not selected";

/// The oldest creation time among the versions `plan` deletes.
pub fn oldest_deleted(plan: &[PlannedVersion]) -> Option<jiff::Timestamp> {
    plan.iter()
        .filter(|v| v.fate == VersionFate::Delete)
        .filter_map(|v| v.created_at.as_deref()?.parse::<jiff::Timestamp>().ok())
        .min()
}

/// The plan for `versions` (newest first) with `facts` about their manifests: every
/// version with its fate and why.
pub fn decide(
    chooser: &Chooser,
    versions: &[Listed],
    facts: &HashMap<String, VersionFacts>,
) -> Vec<PlannedVersion> {
    let mut plan: Vec<PlannedVersion> = versions
        .iter()
        .enumerate()
        .map(|(rank, v)| {
            let (fate, why, untag) = if chooser.picks() {
                chooser.picked_fate(v)
            } else {
                match chooser.keeps(v, rank) {
                    Some(why) => (VersionFate::Keep, why, Vec::new()),
                    None => (VersionFate::Delete, chooser.deletes(v), Vec::new()),
                }
            };
            PlannedVersion {
                id: v.id,
                digest: v.digest.clone(),
                tags: v.tags.clone(),
                created_at: v.created_at.clone(),
                platform: None,
                fate,
                untag,
                why,
            }
        })
        .collect();
    name_platforms(&mut plan, facts);
    if chooser.picks() {
        take_along(&mut plan, facts);
    }
    protect_needed(&mut plan, facts);
    plan
}

/// With picked versions: what only a picked version needs goes with it (an index's
/// platform images, its referrers and cosign signatures), until nothing changes.
/// `protect_needed` then keeps again whatever a kept version needs too.
fn take_along(plan: &mut [PlannedVersion], facts: &HashMap<String, VersionFacts>) {
    let index_of: HashMap<String, usize> = plan
        .iter()
        .enumerate()
        .map(|(i, v)| (v.digest.clone(), i))
        .collect();
    let mut queue: Vec<usize> = (0..plan.len())
        .filter(|&i| plan[i].fate == VersionFate::Delete)
        .collect();
    while let Some(gone) = queue.pop() {
        let mut along: Vec<(usize, String)> = Vec::new();
        if let Some(f) = facts.get(&plan[gone].digest) {
            // The index of a referrers tag lists referrers of the version the tag names.
            let described = plan[gone]
                .tags
                .iter()
                .filter(|t| is_supply_chain_tag(t))
                .find_map(|t| subject_of(t).and_then(|s| index_of.get(&s)));
            for (child, platform) in &f.children {
                if let Some(&c) = index_of.get(child) {
                    let why = match described {
                        Some(&s) => format!("referrer of deleted version {}", label(&plan[s])),
                        None => format!(
                            "{} image of deleted index {}",
                            platform.as_deref().unwrap_or("a manifest"),
                            label(&plan[gone])
                        ),
                    };
                    along.push((c, why));
                }
            }
            for r in f.referrers.iter().filter_map(|r| index_of.get(r)) {
                along.push((
                    *r,
                    format!("referrer of deleted version {}", label(&plan[gone])),
                ));
            }
        }
        for (i, v) in plan.iter().enumerate() {
            for tag in v.tags.iter().filter(|t| is_supply_chain_tag(t)) {
                if subject_of(tag).as_deref() == Some(plan[gone].digest.as_str()) {
                    along.push((
                        i,
                        format!("{} of deleted version {}", kind_of(tag), label(&plan[gone])),
                    ));
                }
            }
        }
        for (i, why) in along {
            if plan[i].fate == VersionFate::Keep && plan[i].why == NOT_PICKED {
                plan[i].fate = VersionFate::Delete;
                plan[i].why = why;
                queue.push(i);
            }
        }
    }
}

/// Each version a listed index names with a platform gets it.
fn name_platforms(plan: &mut [PlannedVersion], facts: &HashMap<String, VersionFacts>) {
    let platforms: HashMap<&str, &str> = facts
        .values()
        .flat_map(|f| f.children.iter())
        .filter_map(|(d, p)| p.as_deref().map(|p| (d.as_str(), p)))
        .collect();
    for v in plan.iter_mut() {
        v.platform = platforms.get(v.digest.as_str()).map(|p| (*p).to_owned());
    }
}

/// Keep every version a kept version needs (its platform images, its signatures), until
/// nothing changes.
fn protect_needed(plan: &mut [PlannedVersion], facts: &HashMap<String, VersionFacts>) {
    let index_of: HashMap<String, usize> = plan
        .iter()
        .enumerate()
        .map(|(i, v)| (v.digest.clone(), i))
        .collect();
    // What each version needs kept with it: (the needed one, why).
    let mut needs: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
    for (i, v) in plan.iter().enumerate() {
        let Some(f) = facts.get(&v.digest) else {
            continue;
        };
        // The index of a referrers tag lists referrers of the version the tag names.
        let described = v
            .tags
            .iter()
            .filter(|t| is_supply_chain_tag(t))
            .find_map(|t| subject_of(t).and_then(|s| index_of.get(&s)));
        for (child, platform) in &f.children {
            if let Some(&c) = index_of.get(child) {
                let why = match described {
                    Some(&s) => format!("referrer of kept version {}", label(&plan[s])),
                    None => format!(
                        "{} image of kept index {}",
                        platform.as_deref().unwrap_or("a manifest"),
                        label(v)
                    ),
                };
                needs.entry(i).or_default().push((c, why));
            }
        }
        for r in f.referrers.iter().filter_map(|r| index_of.get(r)) {
            let why = format!("referrer of kept version {}", label(v));
            needs.entry(i).or_default().push((*r, why));
        }
    }
    for (i, v) in plan.iter().enumerate() {
        for tag in v.tags.iter().filter(|t| is_supply_chain_tag(t)) {
            if let Some(&s) = subject_of(tag).and_then(|s| index_of.get(&s)) {
                let why = format!("{} of kept version {}", kind_of(tag), label(&plan[s]));
                needs.entry(s).or_default().push((i, why));
            }
        }
    }
    let mut queue: Vec<usize> = (0..plan.len())
        .filter(|&i| plan[i].fate != VersionFate::Delete)
        .collect();
    let mut seen: HashSet<usize> = queue.iter().copied().collect();
    while let Some(kept) = queue.pop() {
        for (needed, why) in needs.get(&kept).into_iter().flatten() {
            if plan[*needed].fate == VersionFate::Delete {
                plan[*needed].fate = VersionFate::Keep;
                plan[*needed].why = why.clone();
            }
            if seen.insert(*needed) {
                queue.push(*needed);
            }
        }
    }
}

/// A version as a reason names it: its first tag and short digest.
fn label(v: &PlannedVersion) -> String {
    let short = short(&v.digest);
    match v.tags.first() {
        Some(tag) => format!("{tag} ({short})"),
        None => short,
    }
}

fn short(digest: &str) -> String {
    digest.chars().take(19).collect()
}

/// The digest a cosign tag (`sha256-<hex>.sig`) describes.
fn subject_of(tag: &str) -> Option<String> {
    let hex = tag.strip_prefix("sha256-")?.get(..64)?;
    Some(format!("sha256:{hex}"))
}

fn kind_of(tag: &str) -> &'static str {
    if tag.ends_with(".sig") {
        "signature"
    } else if tag.ends_with(".att") {
        "attestation"
    } else if tag.ends_with(".sbom") {
        "SBOM"
    } else {
        "referrers list"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: u64, digest: &str, tags: &[&str], day: u32) -> Listed {
        Listed {
            id,
            digest: digest.to_owned(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            created_at: Some(format!("2026-01-{day:02}T00:00:00Z")),
        }
    }

    fn hex(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    fn now() -> jiff::Timestamp {
        "2026-03-01T00:00:00Z".parse().expect("time")
    }

    #[test]
    fn kept_indexes_keep_their_platform_images_and_signatures() {
        let (index, amd, arm, old, sig) = (hex('a'), hex('b'), hex('c'), hex('d'), hex('e'));
        let referrer = hex('f');
        let sig_tag = format!("sha256-{}.sig", "a".repeat(64));
        let versions = vec![
            v(5, &sig, &[&sig_tag], 20),
            v(4, &index, &["v1"], 19),
            v(3, &amd, &[], 19),
            v(2, &arm, &[], 19),
            v(1, &old, &[], 2),
            v(0, &referrer, &[], 1),
        ];
        let mut facts = HashMap::new();
        facts.insert(
            index.clone(),
            VersionFacts {
                children: vec![
                    (amd.clone(), Some("linux/amd64".into())),
                    (arm.clone(), Some("linux/arm64".into())),
                ],
                referrers: vec![referrer.clone()],
            },
        );
        let rules = VersionRules {
            older_than_days: Some(1),
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&rules, now()).expect("rules"),
            &versions,
            &facts,
        );
        let fate: Vec<(u64, VersionFate)> = plan.iter().map(|p| (p.id, p.fate)).collect();
        // Tagged versions go too under "older than" alone, but v1 is not kept by a rule:
        // only the untagged rule protects tags. Keep v1 by pattern instead.
        assert!(
            fate.iter().all(|(_, f)| *f == VersionFate::Delete),
            "{plan:?}"
        );
        let rules = VersionRules {
            older_than_days: Some(1),
            keep_matching: vec!["v*".into()],
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&rules, now()).expect("rules"),
            &versions,
            &facts,
        );
        let fate: Vec<(u64, VersionFate)> = plan.iter().map(|p| (p.id, p.fate)).collect();
        assert_eq!(
            fate,
            [
                (5, VersionFate::Keep),
                (4, VersionFate::Keep),
                (3, VersionFate::Keep),
                (2, VersionFate::Keep),
                (1, VersionFate::Delete),
                (0, VersionFate::Keep)
            ]
        );
        assert!(
            plan[0].why.starts_with("signature of kept version v1"),
            "{}",
            plan[0].why
        );
        assert!(
            plan[2]
                .why
                .starts_with("linux/amd64 image of kept index v1"),
            "{}",
            plan[2].why
        );
        assert_eq!(plan[2].platform.as_deref(), Some("linux/amd64"));
        assert!(
            plan[5].why.starts_with("referrer of kept version v1"),
            "{}",
            plan[5].why
        );
    }

    #[test]
    fn untagged_newest_and_dates_narrow_what_goes() {
        let versions = vec![
            v(4, &hex('a'), &[], 28),
            v(3, &hex('b'), &["v1"], 3),
            v(2, &hex('c'), &[], 2),
            v(1, &hex('d'), &[], 1),
        ];
        let rules = VersionRules {
            delete_untagged: true,
            older_than_days: Some(30),
            keep_newest: Some(1),
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&rules, now()).expect("rules"),
            &versions,
            &HashMap::new(),
        );
        let deleted: Vec<u64> = plan
            .iter()
            .filter(|p| p.fate == VersionFate::Delete)
            .map(|p| p.id)
            .collect();
        assert_eq!(deleted, [2, 1]);
        let rules = VersionRules {
            before: Some("2026-01-02".into()),
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&rules, now()).expect("rules"),
            &versions,
            &HashMap::new(),
        );
        assert_eq!(plan[3].fate, VersionFate::Delete);
        assert_eq!(plan[2].fate, VersionFate::Keep);
        assert!(Chooser::new(&VersionRules::default(), now()).is_err());
    }

    #[test]
    fn picked_versions_take_along_what_only_they_need() {
        let (index, amd, arm, other, sig, shared) =
            (hex('a'), hex('b'), hex('c'), hex('d'), hex('e'), hex('f'));
        let sig_tag = format!("sha256-{}.sig", "a".repeat(64));
        let versions = vec![
            v(6, &sig, &[&sig_tag], 20),
            v(5, &index, &["v1"], 19),
            v(4, &other, &["v2"], 19),
            v(3, &amd, &[], 18),
            v(2, &arm, &[], 18),
            v(1, &shared, &[], 18),
        ];
        let mut facts = HashMap::new();
        let child = |d: &str, p: &str| (d.to_owned(), Some(p.to_owned()));
        facts.insert(
            index.clone(),
            VersionFacts {
                children: vec![
                    child(&amd, "linux/amd64"),
                    child(&arm, "linux/arm64"),
                    child(&shared, "linux/s390x"),
                ],
                referrers: vec![],
            },
        );
        // v2 lists the s390x image too: it must stay for v2.
        facts.insert(
            other.clone(),
            VersionFacts {
                children: vec![child(&shared, "linux/s390x")],
                referrers: vec![],
            },
        );
        let picked = VersionRules {
            picked: vec![5],
            ..VersionRules::default()
        };
        let chooser = Chooser::new(&picked, now()).expect("picked");
        let plan = decide(&chooser, &versions, &facts);
        let fate: Vec<(u64, VersionFate)> = plan.iter().map(|p| (p.id, p.fate)).collect();
        assert_eq!(
            fate,
            [
                (6, VersionFate::Delete),
                (5, VersionFate::Delete),
                (4, VersionFate::Keep),
                (3, VersionFate::Delete),
                (2, VersionFate::Delete),
                (1, VersionFate::Keep),
            ]
        );
        assert!(
            plan[0].why.starts_with("signature of deleted version v1"),
            "{}",
            plan[0].why
        );
        assert!(
            plan[3]
                .why
                .starts_with("linux/amd64 image of deleted index v1"),
            "{}",
            plan[3].why
        );
        assert!(
            plan[5]
                .why
                .starts_with("linux/s390x image of kept index v2"),
            "{}",
            plan[5].why
        );
        // A platform image of a kept index, picked alone, stays and says why.
        let picked = VersionRules {
            picked: vec![1],
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&picked, now()).expect("picked"),
            &versions,
            &facts,
        );
        assert_eq!(plan[5].fate, VersionFate::Keep);
        assert!(
            plan[5].why.contains("image of kept index"),
            "{}",
            plan[5].why
        );
        // Picks and rules do not mix.
        let both = VersionRules {
            picked: vec![1],
            delete_untagged: true,
            ..VersionRules::default()
        };
        assert!(Chooser::new(&both, now()).is_err());
    }

    #[test]
    fn picked_tags_untag_a_version_keeping_others_and_delete_one_left_bare() {
        let (index, amd, both, solo) = (hex('a'), hex('b'), hex('c'), hex('d'));
        let versions = vec![
            v(4, &index, &["multi"], 19),
            v(3, &amd, &[], 18),
            v(2, &both, &["x", "y", "z"], 10),
            v(1, &solo, &["w"], 9),
        ];
        let mut facts = HashMap::new();
        facts.insert(
            index.clone(),
            VersionFacts {
                children: vec![(amd.clone(), Some("linux/amd64".into()))],
                referrers: vec![],
            },
        );
        let rules = VersionRules {
            picked_tags: vec!["x".into(), "y".into(), "w".into(), "multi".into()],
            untag_only: true,
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&rules, now()).expect("picked"),
            &versions,
            &facts,
        );
        let fate: Vec<(u64, VersionFate)> = plan.iter().map(|p| (p.id, p.fate)).collect();
        assert_eq!(
            fate,
            [
                (4, VersionFate::Delete),
                (3, VersionFate::Delete),
                (2, VersionFate::Untag),
                (1, VersionFate::Delete),
            ]
        );
        assert_eq!(plan[2].untag, ["x", "y"]);
        assert!(plan[2].why.starts_with("keeps z"), "{}", plan[2].why);
        assert_eq!(plan[3].why, "its only tag w is removed");
        assert!(
            plan[1]
                .why
                .starts_with("linux/amd64 image of deleted index multi"),
            "{}",
            plan[1].why
        );
        // Deleting images: every version holding a picked tag goes, with all its tags.
        let rules = VersionRules {
            picked_tags: vec!["x".into()],
            ..VersionRules::default()
        };
        let plan = decide(
            &Chooser::new(&rules, now()).expect("picked"),
            &versions,
            &facts,
        );
        assert_eq!(plan[2].fate, VersionFate::Delete);
        assert_eq!(plan[2].why, "holds selected tag x");
        assert!(plan[2].untag.is_empty());
    }
}
