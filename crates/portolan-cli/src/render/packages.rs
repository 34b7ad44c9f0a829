//! How package and version lists look: one aligned row each for people, the operations
//! layer's rows as they are for `--json`. A rate limit running low is said on stderr.

use portolan_ops::packages::{PackageList, VersionList};
use portolan_ops::RateLimit;
use serde::Serialize;

use super::{human_size, print_json};
use crate::terminal::{self, out};

/// The date part of an RFC 3339 time (`2026-01-31`), or `-`.
fn day(at: &Option<String>) -> &str {
    at.as_deref()
        .map(|t| t.get(..10).unwrap_or(t))
        .unwrap_or("-")
}

fn warn_if_low(rate: &Option<RateLimit>) {
    if let Some(r) = rate.as_ref().filter(|r| r.is_low()) {
        terminal::err!(
            "note: {} API requests left{}",
            r.remaining.unwrap_or(0),
            r.limit.map(|l| format!(" of {l}")).unwrap_or_default()
        );
    }
}

pub fn packages(json: bool, list: &PackageList) {
    warn_if_low(&list.rate_limit);
    if json {
        print_json(list);
        return;
    }
    if list.packages.is_empty() {
        out!("No container packages for {}", list.owners.join(", "));
        return;
    }
    let width = list
        .packages
        .iter()
        .map(|p| p.owner.len() + p.name.len() + 1)
        .max()
        .unwrap_or(0);
    for p in &list.packages {
        let name = format!("{}/{}", p.owner, p.name);
        let count = match (p.version_count, p.pull_count) {
            (Some(v), _) => format!("{v} versions"),
            (None, Some(pulls)) => format!("{pulls} pulls"),
            _ => String::new(),
        };
        let size = p.storage_size.map(human_size).unwrap_or_default();
        out!(
            "{name:width$}  {:8}  {}  {count}{}{}",
            p.visibility.as_deref().unwrap_or("?"),
            day(&p.updated_at),
            if size.is_empty() {
                String::new()
            } else {
                format!(", {size}")
            },
            p.source_repository
                .as_deref()
                .map(|r| format!("  ({r})"))
                .unwrap_or_default(),
        );
    }
}

pub fn versions(json: bool, list: &VersionList) {
    warn_if_low(&list.rate_limit);
    if json {
        print_json(list);
        return;
    }
    if list.versions.is_empty() {
        out!("No versions of {}", list.repository);
        return;
    }
    for v in &list.versions {
        let id = v.id.map(|i| i.to_string()).unwrap_or_default();
        let digest = v.digest.as_deref().unwrap_or("-");
        let tags = if v.tags.is_empty() {
            if v.part_of.is_some() {
                format!("  └ {} image", v.platform.as_deref().unwrap_or("platform"))
            } else {
                "(untagged)".to_owned()
            }
        } else {
            v.tags.join(", ")
        };
        let when = match &v.deleted_at {
            Some(_) => format!("deleted {}", day(&v.deleted_at)),
            None => day(&v.created_at).to_owned(),
        };
        let platforms: Vec<&str> = v.images.iter().map(|i| i.platform.as_str()).collect();
        let platforms = if platforms.is_empty() {
            String::new()
        } else {
            format!("  [{}]", platforms.join(", "))
        };
        out!("{id:>10}  {when}  {digest}  {tags}{platforms}");
    }
}

pub fn version_changed(json: bool, package: &str, id: u64, what: &str) {
    #[derive(Serialize)]
    struct Changed<'a> {
        package: &'a str,
        state: &'a str,
        version_id: u64,
    }
    if json {
        print_json(&Changed {
            package,
            state: what,
            version_id: id,
        });
    } else {
        out!("Version {id} of {package} {what}");
    }
}

/// An untag on ghcr.io: what went, what stays, and how to undo (or finish) it.
pub fn version_untag(json: bool, done: &portolan_ops::packages::untag::VersionUntag) {
    use portolan_ops::packages::untag::VersionUntagOutcome;
    if json {
        print_json(done);
        return;
    }
    let reference = &done.reference;
    match done.outcome {
        VersionUntagOutcome::Removed => out!(
            "Removed {reference}; version {} keeps {} (placeholder version {} deleted)",
            done.version,
            done.other_tags.join(", "),
            done.placeholder_version.unwrap_or_default()
        ),
        VersionUntagOutcome::VersionDeleted => out!(
            "Removed {reference}: it was the only tag of version {}, deleted (restorable for 30 days)",
            done.version
        ),
        VersionUntagOutcome::Incomplete => {
            out!(
                "Removing {reference} stopped half-way: {}",
                done.left.as_deref().unwrap_or_default()
            );
            if let Some(p) = &done.placeholder {
                out!("  finish: portolan-cli untag {reference} --finish {p}");
            }
        }
    }
    let placeholder = done
        .placeholder
        .as_ref()
        .map(|p| format!(" --placeholder {p}"))
        .unwrap_or_default();
    out!(
        "  undo:   portolan-cli untag {reference} --undo {}{placeholder}",
        done.digest
    );
}

pub fn untag_finished(json: bool, done: &portolan_ops::packages::untag::UntagFinished) {
    if json {
        print_json(done);
    } else {
        out!(
            "Removed {}: placeholder version {} deleted",
            done.reference,
            done.placeholder_version
        );
    }
}

pub fn untag_undone(json: bool, done: &portolan_ops::packages::untag::UntagUndone) {
    if json {
        print_json(done);
        return;
    }
    let restored = done
        .restored_version
        .map(|v| format!(" (version {v} restored)"))
        .unwrap_or_default();
    out!(
        "{} points at {} again{restored}",
        done.reference,
        done.digest
    );
}

/// A version clean-up's plan: what goes first, then what stays, each with why.
pub fn version_plan(json: bool, plan: &portolan_ops::packages::version_cleanup::VersionPlan) {
    use portolan_ops::packages::version_plan::VersionFate;
    if json {
        print_json(plan);
        return;
    }
    let going = plan
        .versions
        .iter()
        .filter(|v| v.fate == VersionFate::Delete);
    let staying = plan
        .versions
        .iter()
        .filter(|v| v.fate != VersionFate::Delete);
    if !plan.versions.is_empty() {
        out!(
            "{:>10}  {:<7}  {:<10}  {:<19}  {:<20}  WHY",
            "VERSION",
            "WHAT",
            "CREATED",
            "DIGEST",
            "TAGS"
        );
    }
    for v in going.chain(staying) {
        let what = match v.fate {
            VersionFate::Delete => "delete",
            VersionFate::Untag => "untag",
            VersionFate::Keep => "keep",
        };
        let mut tags = v
            .tags
            .first()
            .cloned()
            .unwrap_or_else(|| "(untagged)".into());
        if v.tags.len() > 1 {
            tags.push_str(&format!(" +{}", v.tags.len() - 1));
        }
        let platform = v
            .platform
            .as_deref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        out!(
            "{:>10}  {what:<7}  {:<10}  {:<19}  {:<20}  {}{platform}",
            v.id,
            day(&v.created_at),
            v.digest.chars().take(19).collect::<String>(),
            tags,
            v.why
        );
    }
    out!(
        "{} of {} versions go (restorable for 30 days); {} stay.",
        plan.deleted,
        plan.versions.len(),
        plan.kept
    );
}

pub fn version_summary(
    json: bool,
    summary: &portolan_ops::packages::version_cleanup::VersionCleanupSummary,
) {
    if json {
        print_json(summary);
        return;
    }
    out!("{}", summary.headline);
    for r in &summary.results {
        if let Some(e) = &r.error {
            out!("failed: version {} ({}): {e}", r.id, r.digest);
        }
        if let Some(why) = &r.skipped {
            out!("skipped: version {} ({}): {why}", r.id, r.digest);
        }
    }
}
