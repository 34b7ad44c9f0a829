//! How results look on a terminal (aligned text) and to scripts (`--json`).
//!
//! Every line goes out through [`crate::terminal`] (`out!`), which cleans it of control
//! characters as a whole: strings from registries (tags, labels, history lines, media
//! types) cannot drive the terminal whichever field they arrive in.

use portolan::client::ReferrersSource;
use portolan::inspect::{ImageDetails, ImageReport, Subject};
use portolan::referrers::{ReferrerRow, ReferrersReport, CREATED};
use portolan::transfer::referrers::ReferrersCopy;
use portolan::{
    CopyReport, Digest, ErrorCode, PingInfo, PullReport, PushReport, Reference, UntagMethod,
};
use serde::Serialize;

use crate::terminal::{self, out};

pub mod engine;
pub mod files;
pub mod packages;

fn print_json<T: serde::Serialize>(value: &T) {
    terminal::out_json_of(value);
}

/// Sizes as people read them: `1.5 MiB`. Any `u64` (a registry states sizes; sums of them
/// saturate at `u64::MAX`, 16 EiB) has a unit to be shown in.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn lines(json: bool, items: &[String]) {
    if json {
        print_json(&items);
    } else {
        for item in items {
            out!("{item}");
        }
    }
}

// The JSON documents below list their fields in alphabetical order, as scripts have
// always received them.

pub fn digest(json: bool, reference: &Reference, digest: &Digest) {
    #[derive(Serialize)]
    struct Resolved<'a> {
        digest: &'a Digest,
        reference: String,
    }
    if json {
        print_json(&Resolved {
            digest,
            reference: reference.to_string(),
        });
    } else {
        out!("{digest}");
    }
}

pub fn login(json: bool, registry: &str, info: &PingInfo) {
    #[derive(Serialize)]
    struct LoggedIn<'a> {
        auth: &'a str,
        registry: &'a str,
        saved_in: &'a str,
    }
    if json {
        print_json(&LoggedIn {
            auth: info.auth,
            registry,
            saved_in: "os-keyring",
        });
    } else {
        out!("Login Succeeded: {registry} (saved in the OS keyring)");
    }
}

pub fn logout(json: bool, registry: &str, removed: bool, docker_login: Option<String>) {
    #[derive(Serialize)]
    struct LoggedOut<'a> {
        docker_login_remains: Option<&'a str>,
        registry: &'a str,
        removed: bool,
    }
    if json {
        print_json(&LoggedOut {
            docker_login_remains: docker_login.as_deref(),
            registry,
            removed,
        });
        return;
    }
    if removed {
        out!("Removed the saved login for {registry}");
    } else {
        out!("Not logged in to {registry} with Portolan");
    }
    if let Some(path) = docker_login {
        out!("Your Docker login for {registry} in {path} is still used; `docker logout {registry}` removes it");
    }
}

/// What a transfer moved, for its one-line summary.
struct Moved {
    bytes: u64,
    skipped: usize,
    mounted: usize,
}

impl From<&PullReport> for Moved {
    fn from(r: &PullReport) -> Self {
        Self {
            bytes: r.transferred_bytes,
            skipped: r.skipped,
            mounted: 0,
        }
    }
}

impl From<&PushReport> for Moved {
    fn from(r: &PushReport) -> Self {
        Self {
            bytes: r.transferred_bytes,
            skipped: r.skipped,
            mounted: r.mounted,
        }
    }
}

fn transferred(verb: &str, reference: &Reference, digest: &Digest, moved: Moved) {
    let mut extra = format!("{} moved", human_size(moved.bytes));
    if moved.skipped > 0 {
        extra.push_str(&format!(", {} blobs already there", moved.skipped));
    }
    if moved.mounted > 0 {
        extra.push_str(&format!(", {} blobs mounted", moved.mounted));
    }
    out!("{verb} {} ({digest}; {extra})", reference.familiar());
}

pub fn pulled(json: bool, reference: &Reference, report: &PullReport) {
    if json {
        print_json(report);
    } else {
        transferred("Pulled", reference, &report.digest, report.into());
    }
}

pub fn pushed(json: bool, reference: &Reference, report: &PushReport) {
    if json {
        print_json(report);
    } else {
        transferred("Pushed", reference, &report.digest, report.into());
    }
}

/// A copy: the image, then (when asked for) what happened to its referrers.
pub fn copied(json: bool, to: &Reference, report: &CopyReport) {
    if json {
        print_json(report);
        return;
    }
    transferred("Copied", to, &report.push.digest, (&report.push).into());
    if let Some(r) = &report.referrers {
        referrers_copied(r);
    }
}

fn referrers_copied(r: &ReferrersCopy) {
    let looked = match r.subjects {
        1 => "1 manifest".to_owned(),
        n => format!("{n} manifests"),
    };
    if r.found == 0 {
        out!("Referrers: none found (looked at {looked})");
        return;
    }
    let listed = match r.destination {
        ReferrersSource::Api => "the destination's referrers API lists them".to_owned(),
        ReferrersSource::FallbackTag if r.fallback_tags.is_empty() => {
            "the destination's fallback tags already listed them".to_owned()
        }
        ReferrersSource::FallbackTag => format!(
            "merged into the destination's fallback tag{} {}",
            if r.fallback_tags.len() == 1 { "" } else { "s" },
            r.fallback_tags.join(", ")
        ),
        ReferrersSource::None => "nothing to list at the destination".to_owned(),
    };
    out!(
        "Referrers: {} found, {} copied (looked at {looked}); {listed}",
        r.found,
        r.copied
    );
    for d in &r.missing {
        out!("  not copied: {d} is listed at the source but missing there");
    }
}

pub fn tagged(json: bool, digest: &Digest, tagged: &Reference) {
    #[derive(Serialize)]
    struct Tagged<'a> {
        digest: &'a Digest,
        tag: String,
    }
    if json {
        print_json(&Tagged {
            digest,
            tag: tagged.to_string(),
        });
    } else {
        out!("Tagged {digest} as {}", tagged.familiar());
    }
}

pub fn untagged(json: bool, reference: &Reference, method: UntagMethod) {
    #[derive(Serialize)]
    struct Untagged {
        method: UntagMethod,
        untagged: String,
    }
    if json {
        print_json(&Untagged {
            method,
            untagged: reference.to_string(),
        });
    } else {
        out!("Removed tag {}", reference.familiar());
    }
}

pub fn deleted(json: bool, digest: &Digest) {
    #[derive(Serialize)]
    struct Deleted<'a> {
        deleted: &'a Digest,
    }
    if json {
        print_json(&Deleted { deleted: digest });
    } else {
        out!("Deleted {digest}");
    }
}

/// A clean-up's plan: the tags that go (and why), then the counts.
pub fn cleanup_plan(json: bool, plan: &portolan_ops::cleanup::CleanupPlan) {
    use portolan_ops::cleanup::TagFate;
    if json {
        print_json(plan);
        return;
    }
    let going: Vec<_> = plan
        .tags
        .iter()
        .filter(|t| t.fate != TagFate::Keep)
        .collect();
    let width = going.iter().map(|t| t.tag.len()).max().unwrap_or(3).max(3);
    if !going.is_empty() {
        out!(
            "{:<width$}  {:<13}  {:<19}  {:<16}  WHY",
            "TAG",
            "WHAT",
            "DIGEST",
            "BUILT"
        );
    }
    for t in going {
        let what = match t.fate {
            TagFate::Delete => "image deleted",
            _ => "tag removed",
        };
        let built = t
            .created
            .as_deref()
            .map(|c| c.chars().take(16).collect::<String>());
        out!(
            "{:<width$}  {what:<13}  {:<19}  {:<16}  {}",
            t.tag,
            short_digest(&t.digest),
            built.unwrap_or_default().replace('T', " "),
            t.why
        );
    }
    out!(
        "{} of {} tags go ({} images deleted); {} stay.",
        plan.removed,
        plan.tags.len(),
        plan.images_deleted,
        plan.kept
    );
}

/// What a clean-up did: counts, then each failed step with the registry's reason.
pub fn cleanup_summary(json: bool, summary: &portolan_ops::cleanup::CleanupSummary) {
    use portolan_ops::cleanup::Step;
    if json {
        print_json(summary);
        return;
    }
    out!(
        "Done: {} of {} steps.",
        summary.done,
        summary.done + summary.failed
    );
    for r in &summary.results {
        if let Some(e) = &r.error {
            let what = match &r.step {
                Step::Untag { tag, .. } => format!("untag {tag}"),
                Step::Delete { digest, .. } => format!("delete {}", short_digest(digest)),
            };
            out!("failed: {what}: {e}");
        }
    }
}

fn short_digest(digest: &Digest) -> String {
    digest.to_string().chars().take(19).collect()
}

/// A failed command on stderr: `error:` and `hint:` lines, or with `--json` one document
/// `{"error": {"code", "hint", "message"}}` (no `hint` when there is none).
pub fn error(json: bool, e: &portolan::Error, hint: Option<&str>) {
    #[derive(Serialize)]
    struct Failed<'a> {
        error: Failure<'a>,
    }
    #[derive(Serialize)]
    struct Failure<'a> {
        code: ErrorCode,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<&'a str>,
        message: String,
    }
    if json {
        let body = Failed {
            error: Failure {
                code: e.code(),
                hint,
                message: e.to_string(),
            },
        };
        match serde_json::to_string(&body) {
            Ok(text) => terminal::err_json(&text),
            Err(encoding) => terminal::err!("error: {e} (cannot encode JSON: {encoding})"),
        }
    } else {
        terminal::err!("error: {e}");
        if let Some(hint) = hint {
            terminal::err!("hint: {hint}");
        }
    }
}

/// The referrers of a manifest, with the source that answered.
pub fn referrers(json: bool, report: &ReferrersReport) {
    if json {
        print_json(report);
        return;
    }
    let fallback = portolan::client::referrers_tag(&report.subject);
    let source = match report.source {
        ReferrersSource::Api => "the registry's referrers API".to_owned(),
        ReferrersSource::FallbackTag => format!("the fallback tag {fallback}"),
        ReferrersSource::None => format!("no referrers API and no fallback tag {fallback}"),
    };
    out!("Subject     {} ({})", report.reference, report.subject);
    out!("Source      {source}");
    if report.referrers.is_empty() {
        out!("No referrers found");
        return;
    }
    out!();
    out!("Referrers ({}):", report.referrers.len());
    let width = |header: &str, cell: &dyn Fn(&ReferrerRow) -> String| {
        report
            .referrers
            .iter()
            .map(|r| cell(r).chars().count())
            .chain([header.len()])
            .max()
            .unwrap_or_default()
    };
    let artifact_type = |r: &ReferrerRow| r.artifact_type.clone().unwrap_or_else(|| "-".into());
    let (d, a, m) = (
        width("DIGEST", &|r| r.digest.to_string()),
        width("ARTIFACT TYPE", &artifact_type),
        width("MEDIA TYPE", &|r| r.media_type.clone()),
    );
    out!(
        "  {:<d$}  {:<a$}  {:<m$}  {:>10}  CREATED",
        "DIGEST",
        "ARTIFACT TYPE",
        "MEDIA TYPE",
        "SIZE"
    );
    for r in &report.referrers {
        out!(
            "  {:<d$}  {:<a$}  {:<m$}  {:>10}  {}",
            r.digest.to_string(),
            artifact_type(r),
            r.media_type,
            human_size(r.size),
            r.created().unwrap_or("-")
        );
        for (k, v) in r.annotations.iter().filter(|(k, _)| k.as_str() != CREATED) {
            out!("      {k} = {v}");
        }
    }
}

pub fn inspect(json: bool, report: &ImageReport) {
    if json {
        print_json(report);
        return;
    }
    out!("Reference   {}", report.reference);
    out!("Digest      {}", report.digest);
    if let Some(r) = &report.rate_limit {
        if let (Some(left), Some(limit)) = (r.remaining, r.limit) {
            out!("Pull limit  {left} of {limit} pulls left");
        }
    }
    out!("Media type  {}", report.media_type);
    out!("Kind        {:?}", report.kind);
    if let Some(t) = &report.artifact_type {
        out!("Artifact    {t}");
    }
    if let Some(s) = &report.subject {
        subject(s);
    }
    if !report.platforms.is_empty() {
        out!();
        out!("Platforms ({}):", report.platforms.len());
        for p in &report.platforms {
            let note = if p.attestation { "  (attestation)" } else { "" };
            out!(
                "  {:<22} {}  {:>10}{note}",
                p.platform,
                p.digest,
                human_size(p.size)
            );
        }
    }
    for (k, v) in &report.annotations {
        out!("Annotation  {k} = {v}");
    }
    if let Some(image) = &report.image {
        out!();
        image_details(image, !report.platforms.is_empty());
    }
}

fn subject(s: &Subject) {
    out!(
        "Subject     {} ({}, {})",
        s.digest,
        s.media_type,
        human_size(s.size)
    );
}

fn image_details(image: &ImageDetails, from_index: bool) {
    if from_index {
        out!("Image       {}", image.digest);
        if let Some(t) = &image.artifact_type {
            out!("Artifact    {t}");
        }
        if let Some(s) = &image.subject {
            subject(s);
        }
    }
    if let Some(p) = &image.platform {
        out!("Platform    {p}");
    }
    if let Some(c) = &image.created {
        out!("Created     {c}");
    }
    out!(
        "Config      {} ({})",
        image.config_digest,
        image.config_media_type
    );
    out!();
    out!(
        "Layers ({}, {} compressed):",
        image.layers.len(),
        human_size(image.total_size)
    );
    out!(
        "  {:>3}  {:<19}  {:>10}  {:<11}  CREATED BY",
        "#",
        "DIGEST",
        "SIZE",
        "COMPRESSION"
    );
    for layer in &image.layers {
        out!(
            "  {:>3}  {:<19}  {:>10}  {:<11}  {}",
            layer.index,
            layer.digest.short(),
            human_size(layer.size),
            layer.compression.as_str(),
            layer.created_by.as_deref().unwrap_or("-")
        );
    }
    let empty: Vec<_> = image.history.iter().filter(|h| h.empty_layer).collect();
    if !empty.is_empty() {
        out!();
        out!("Steps without a layer ({}):", empty.len());
        for h in empty {
            out!("  {}", h.created_by.as_deref().unwrap_or_default());
        }
    }
    if let Some(c) = &image.config {
        out!();
        out!("Config:");
        let show = |name: &str, v: &[String]| {
            if !v.is_empty() {
                out!(
                    "  {name:<12}{}",
                    serde_json::to_string(v).unwrap_or_default()
                );
            }
        };
        if let Some(u) = &c.user {
            out!("  {:<12}{u}", "User");
        }
        if let Some(w) = &c.working_dir {
            out!("  {:<12}{w}", "WorkingDir");
        }
        show("Entrypoint", &c.entrypoint);
        show("Cmd", &c.cmd);
        show("Ports", &c.exposed_ports);
        for e in &c.env {
            out!("  {:<12}{e}", "Env");
        }
        for (k, v) in &c.labels {
            out!("  {:<12}{k} = {v}", "Label");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(human_size(5 << 50), "5.0 PiB");
        assert_eq!(human_size(1 << 63), "8.0 EiB");
        assert_eq!(human_size(u64::MAX), "16.0 EiB");
    }
}
