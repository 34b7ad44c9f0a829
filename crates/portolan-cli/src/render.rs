//! How results look on a terminal (aligned text) and to scripts (`--json`).
//!
//! Every line goes out through [`crate::terminal`] (`out!`), which cleans it of control
//! characters as a whole: strings from registries (tags, labels, history lines, media
//! types) cannot drive the terminal whichever field they arrive in.

use portolan_ops::browse::{self, Resolved};
use portolan_ops::{
    CopyReport, Digest, Error, ErrorCode, ImageDetails, ImageReport, PingInfo, PushReport,
    Reference, ReferrerRow, ReferrersReport, ReferrersSource, Subject, UntagMethod,
    CREATED_ANNOTATION,
};
use serde::Serialize;

use crate::terminal::{self, out};

pub mod engine;
pub mod files;
pub mod packages;
pub mod supply_chain;

fn print_json<T: serde::Serialize>(value: &T) {
    terminal::out_json_of(value);
}

pub use portolan_ops::summary::human_size;

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

pub fn digest(json: bool, resolved: &Resolved) {
    if json {
        print_json(resolved);
    } else {
        out!("{}", resolved.digest);
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

/// A pull: the report as JSON, or the one line both front ends say it in.
pub fn pulled(json: bool, reference: &Reference, pulled: &portolan_ops::pull::Pulled) {
    if json {
        print_json(pulled);
    } else {
        out!("{}", portolan_ops::pull::summary(reference, pulled));
    }
}

pub fn pushed(json: bool, reference: &Reference, report: &PushReport) {
    if json {
        print_json(report);
    } else {
        out!("{}", portolan_ops::push::summary(reference, report));
    }
}

/// A copy: the image, then (when asked for) what happened to its referrers.
pub fn copied(json: bool, to: &Reference, report: &CopyReport) {
    if json {
        print_json(report);
        return;
    }
    for line in portolan_ops::copy::summary(to, report) {
        out!("{line}");
    }
}

pub fn tagged(json: bool, tagged: &portolan_ops::manage::Tagged) {
    #[derive(Serialize)]
    struct Tagged<'a> {
        digest: &'a Digest,
        #[serde(skip_serializing_if = "Option::is_none")]
        moved_from: Option<&'a Digest>,
        tag: &'a str,
    }
    if json {
        print_json(&Tagged {
            digest: &tagged.digest,
            moved_from: tagged.moved_from.as_ref(),
            tag: &tagged.reference,
        });
        return;
    }
    let familiar = Reference::parse(&tagged.reference)
        .map(|r| r.familiar())
        .unwrap_or_else(|_| tagged.reference.clone());
    match &tagged.moved_from {
        Some(from) => out!("Tagged {} as {familiar} (moved from {from})", tagged.digest),
        None => out!("Tagged {} as {familiar}", tagged.digest),
    }
}

pub fn untagged(json: bool, untagged: &portolan_ops::manage::Untagged) {
    #[derive(Serialize)]
    struct Untagged<'a> {
        digest: &'a Digest,
        method: UntagMethod,
        untagged: &'a str,
    }
    if json {
        print_json(&Untagged {
            digest: &untagged.digest,
            method: untagged.method,
            untagged: &untagged.reference,
        });
        return;
    }
    let (familiar, repository) = match Reference::parse(&untagged.reference) {
        Ok(r) => (r.familiar(), r.name()),
        Err(_) => (untagged.reference.clone(), untagged.reference.clone()),
    };
    let digest = &untagged.digest;
    out!(
        "Removed tag {familiar} (it pointed at {digest}; `portolan-cli tag {repository}@{digest} {}` puts it back)",
        untagged.tag
    );
}

/// What a delete takes with it and what it breaks, before the user confirms (on stderr;
/// with `--yes`, only what it breaks).
pub fn delete_preview(
    reference: &Reference,
    preview: &portolan_ops::manage::DeletePreview,
    confirmed: bool,
) {
    if !confirmed {
        match preview.tags.as_slice() {
            [] => terminal::err!("No tag points to {reference}."),
            [one] => terminal::err!("Deleting it removes the tag {one}."),
            many => terminal::err!(
                "Deleting it removes these {} tags: {}",
                many.len(),
                many.join(", ")
            ),
        }
    }
    if !preview.listed_by.is_empty() {
        terminal::err!(
            "warning: the multi-platform tag{} {} list{} this image: deleting it breaks {} for this platform",
            if preview.listed_by.len() == 1 { "" } else { "s" },
            preview.listed_by.join(", "),
            if preview.listed_by.len() == 1 { "s" } else { "" },
            if preview.listed_by.len() == 1 { "it" } else { "them" },
        );
    }
}

pub fn deleted(json: bool, digest: &Digest, tags: &[String]) {
    #[derive(Serialize)]
    struct Deleted<'a> {
        deleted: &'a Digest,
        tags: &'a [String],
    }
    if json {
        print_json(&Deleted {
            deleted: digest,
            tags,
        });
    } else if tags.is_empty() {
        out!("Deleted {digest}");
    } else {
        out!("Deleted {digest} (and its tags {})", tags.join(", "));
    }
}

/// A clean-up's plan: the tags that go (and why), then the counts.
/// A clean-up's plan: the tags that go, then the tags that stay, each with why (the rule
/// that keeps it), then the counts.
pub fn cleanup_plan(json: bool, plan: &portolan_ops::cleanup::CleanupPlan) {
    use portolan_ops::cleanup::TagFate;
    if json {
        print_json(plan);
        return;
    }
    let going = plan.tags.iter().filter(|t| t.fate != TagFate::Keep);
    let staying = plan.tags.iter().filter(|t| t.fate == TagFate::Keep);
    let width = plan
        .tags
        .iter()
        .map(|t| t.tag.chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    if !plan.tags.is_empty() {
        out!(
            "{:<width$}  {:<13}  {:<19}  {:<23}  WHY",
            "TAG",
            "WHAT",
            "DIGEST",
            "BUILT"
        );
    }
    for t in going.chain(staying) {
        let what = match t.fate {
            TagFate::Delete => "image deleted",
            TagFate::Untag => "tag removed",
            TagFate::Keep => "stays",
        };
        let built = t
            .created
            .as_deref()
            .map(|c| c.chars().take(23).collect::<String>());
        out!(
            "{:<width$}  {what:<13}  {:<19}  {:<23}  {}",
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

pub fn cleanup_summary(json: bool, summary: &portolan_ops::cleanup::CleanupSummary) {
    if json {
        print_json(summary);
        return;
    }
    out!("{}", summary.headline);
    for r in &summary.results {
        if let Some(e) = &r.error {
            out!("failed: {}: {e}", r.what);
        }
        if let Some(why) = &r.skipped {
            out!("skipped: {}: {why}", r.what);
        }
    }
}

fn short_digest(digest: &Digest) -> String {
    digest.to_string().chars().take(19).collect()
}

/// A failed command on stderr: `error:` and `hint:` lines, or with `--json` one document
/// `{"error": {"code", "hint", "message"}}` (no `hint` when there is none).
pub fn error(json: bool, e: &Error, hint: Option<&str>) {
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
    let fallback = browse::fallback_tag(&report.subject);
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
        for (k, v) in r
            .annotations
            .iter()
            .filter(|(k, _)| k.as_str() != CREATED_ANNOTATION)
        {
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
        let names: Vec<String> = report
            .platforms
            .iter()
            .map(|p| p.platform.to_string())
            .collect();
        let width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max("PLATFORM".len());
        let digest_width = report
            .platforms
            .iter()
            .map(|p| p.digest.to_string().len())
            .max()
            .unwrap_or(0);
        // The size of each image by the one definition (its layers, compressed).
        out!(
            "  {:<width$}  {:<digest_width$}  {:>10}",
            "PLATFORM",
            "DIGEST",
            "IMAGE SIZE"
        );
        for (p, name) in report.platforms.iter().zip(&names) {
            let note = if p.attestation { "  (attestation)" } else { "" };
            let size = p
                .image_size
                .map(human_size)
                .unwrap_or_else(|| "-".to_owned());
            out!(
                "  {name:<width$}  {:<digest_width$}  {size:>10}{note}",
                p.digest.to_string()
            );
        }
        out!("  (image size: compressed, all layers)");
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
