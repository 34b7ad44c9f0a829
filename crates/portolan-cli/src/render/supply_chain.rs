//! How verdicts, SBOMs and provenance look: one block per signature or attestation with
//! its verdict first, a package table, a provenance card. `--json` prints the operations
//! layer's reports as they are.

use portolan_ops::supply_chain::{Attachment, Format, FoundVia, SignedState, Verdict};
use portolan_ops::supply_chain::{SupplyChainView, VerifyReport};
use serde::Serialize;

use super::print_json;
use crate::terminal::out;

fn format_words(format: Format) -> &'static str {
    match format {
        Format::SigstoreBundle => "Sigstore bundle",
        Format::CosignSignature => "cosign signature",
        Format::CosignAttestation => "cosign attestation",
        Format::NotationSignature => "Notation signature",
        Format::InTotoStatement => "in-toto statement",
        Format::Spdx => "SPDX SBOM",
        Format::CycloneDx => "CycloneDX SBOM",
        Format::Other => "artifact",
    }
}

fn via_words(via: &FoundVia) -> String {
    match via {
        FoundVia::ReferrersApi => "referrer".into(),
        FoundVia::FallbackTag => "referrer (fallback tag)".into(),
        FoundVia::CosignTag { tag } => format!("tag {tag}"),
        FoundVia::IndexEntry => "index entry".into(),
    }
}

fn attachment(a: &Attachment) {
    let what = match &a.predicate_type {
        Some(p) => format!("{} ({p})", format_words(a.format)),
        None => format_words(a.format).to_string(),
    };
    let short = a.digest.short();
    match &a.verdict {
        Verdict::Verified {
            signer,
            signed_at,
            checks,
            policy_matched,
        } => {
            out!(
                "  VERIFIED       {what}, {} {short}",
                via_words(&a.found_via)
            );
            let who = portolan_ops::supply_chain::signer_words(signer);
            let issuer = signer
                .issuer
                .as_ref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default();
            let anyone = if *policy_matched {
                ""
            } else {
                "; no signer was expected, so anyone the root trusts passes"
            };
            out!("                 by {who}{issuer}{anyone}");
            if let (Some(repo), Some(commit)) = (&signer.source_repository, &signer.source_commit) {
                out!("                 built from {repo} @ {commit}");
            }
            out!(
                "                 {}checked: {}",
                signed_at
                    .as_ref()
                    .map(|t| format!("signed {t}; "))
                    .unwrap_or_default(),
                checks.join(", ")
            );
        }
        Verdict::WrongSigner { signer, expected } => {
            out!(
                "  WRONG SIGNER   {what}, {} {short}",
                via_words(&a.found_via)
            );
            out!(
                "                 valid, but signed by {} ({}); expected {expected}",
                portolan_ops::supply_chain::signer_words(signer),
                signer.issuer.as_deref().unwrap_or("no issuer")
            );
        }
        Verdict::Failed { reason } => {
            out!(
                "  FAILED         {what}, {} {short}",
                via_words(&a.found_via)
            );
            out!("                 {reason}");
        }
        Verdict::NotCheckable { reason } => {
            out!(
                "  NOT CHECKED    {what}, {} {short}",
                via_words(&a.found_via)
            );
            out!("                 {reason}");
        }
        Verdict::Unsigned => {
            out!(
                "  UNSIGNED       {what}, {} {short}",
                via_words(&a.found_via)
            );
        }
    }
}

pub fn verify(json: bool, report: &VerifyReport) {
    if json {
        print_json(report);
        return;
    }
    let r = &report.report;
    out!("Image       {} ({})", r.reference, r.digest);
    out!("Expected    {}", report.expected);
    let s = &report.summary;
    let result = match s.state {
        SignedState::Verified => format!("verified, by {}", s.by.clone().unwrap_or_default()),
        SignedState::Invalid => format!("INVALID: {}", s.detail.clone().unwrap_or_default()),
        SignedState::WrongSigner => format!(
            "SIGNED BY SOMEONE ELSE: {} ({})",
            s.by.clone().unwrap_or_default(),
            s.detail.clone().unwrap_or_default()
        ),
        SignedState::NotCheckable => format!(
            "signed, but not checkable here: {}",
            s.detail.clone().unwrap_or_default()
        ),
        SignedState::None => "no signature".into(),
    };
    out!("Result      {result}");
    for subject in &r.subjects {
        out!();
        match &subject.platform {
            Some(p) => out!("{p} image {}:", subject.digest),
            None => out!("Attached ({}):", subject.attachments.len()),
        }
        if subject.attachments.is_empty() {
            out!("  nothing attached");
        }
        for a in &subject.attachments {
            attachment(a);
        }
        for (digest, why) in &subject.unreadable {
            out!("  UNREADABLE     {}: {why}", digest.short());
        }
        if subject.left_unread > 0 {
            out!("  ... and {} more not read", subject.left_unread);
        }
    }
}

#[derive(Serialize)]
struct SbomsJson<'a> {
    reference: &'a str,
    sboms: &'a [portolan_ops::supply_chain::FoundSbom],
    unread: &'a [portolan_ops::supply_chain::UnreadDocument],
}

fn verdict_words(v: &Verdict) -> String {
    match v {
        Verdict::Verified { signer, .. } => format!(
            "signed, verified ({})",
            portolan_ops::supply_chain::signer_words(signer)
        ),
        Verdict::WrongSigner { .. } => "signed by someone else".into(),
        Verdict::Failed { reason } => format!("signature FAILED: {reason}"),
        Verdict::NotCheckable { reason } => format!("signed, not checked: {reason}"),
        Verdict::Unsigned => "unsigned".into(),
    }
}

pub fn sboms(json: bool, view: &SupplyChainView) {
    if json {
        print_json(&SbomsJson {
            reference: &view.verify.report.reference,
            sboms: &view.sboms,
            unread: &view.unread,
        });
        return;
    }
    for found in &view.sboms {
        let s = &found.sbom;
        out!(
            "{} SBOM{}{} with {} packages ({}; {}; {})",
            match s.format {
                portolan_ops::supply_chain::SbomFormat::Spdx => "SPDX",
                portolan_ops::supply_chain::SbomFormat::CycloneDx => "CycloneDX",
            },
            s.spec_version
                .as_ref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default(),
            found
                .platform
                .as_ref()
                .map(|p| format!(" for {p}"))
                .unwrap_or_default(),
            s.packages.len(),
            via_words(&found.found_via),
            verdict_words(&found.verdict),
            s.tool.clone().unwrap_or_else(|| "tool not stated".into()),
        );
        let licenses: Vec<String> = found
            .licenses
            .iter()
            .take(8)
            .map(|l| format!("{} {}", l.license, l.packages))
            .collect();
        if !licenses.is_empty() {
            out!("Licenses  {}", licenses.join(", "));
        }
        let width = |f: &dyn Fn(&portolan_ops::supply_chain::Package) -> usize, h: usize| {
            s.packages
                .iter()
                .map(f)
                .chain([h])
                .max()
                .unwrap_or(h)
                .min(48)
        };
        let n = width(&|p| p.name.chars().count(), 4);
        let v = width(&|p| p.version.as_deref().unwrap_or("-").chars().count(), 7);
        let u = width(&|p| p.purl.as_deref().unwrap_or("-").chars().count(), 4);
        out!(
            "  {:<n$}  {:<v$}  {:<u$}  LICENSES",
            "NAME",
            "VERSION",
            "PURL"
        );
        for p in &s.packages {
            out!(
                "  {:<n$}  {:<v$}  {:<u$}  {}",
                p.name,
                p.version.as_deref().unwrap_or("-"),
                p.purl.as_deref().unwrap_or("-"),
                if p.licenses.is_empty() {
                    "-".to_string()
                } else {
                    p.licenses.join(", ")
                }
            );
        }
        out!();
    }
    for u in &view.unread {
        out!("Unreadable SBOM {}: {}", u.attachment, u.reason);
    }
    if view.sboms.is_empty() {
        out!("No SBOM attached to {}", view.verify.report.reference);
    }
}

#[derive(Serialize)]
struct ProvenanceJson<'a> {
    reference: &'a str,
    provenance: &'a [portolan_ops::supply_chain::FoundProvenance],
}

pub fn provenance(json: bool, view: &SupplyChainView) {
    if json {
        print_json(&ProvenanceJson {
            reference: &view.verify.report.reference,
            provenance: &view.provenance,
        });
        return;
    }
    if view.provenance.is_empty() {
        out!(
            "No build provenance attached to {}",
            view.verify.report.reference
        );
    }
    for found in &view.provenance {
        out!(
            "Provenance{} ({}; {})",
            found
                .platform
                .as_ref()
                .map(|p| format!(" for {p}"))
                .unwrap_or_default(),
            via_words(&found.found_via),
            verdict_words(&found.verdict)
        );
        for (label, value) in provenance_lines(&found.provenance) {
            out!("  {label:<12}{value}");
        }
        out!();
    }
}

/// A provenance card as label and value lines (only what the attestation states).
fn provenance_lines(p: &portolan_ops::supply_chain::Provenance) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let mut add = |label: &'static str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            lines.push((label, v));
        }
    };
    let source = match (&p.source_repository, &p.source_commit) {
        (Some(r), Some(c)) => Some(format!("{r} @ {c}")),
        (Some(r), None) => Some(r.clone()),
        (None, Some(c)) => Some(format!("commit {c}")),
        (None, None) => None,
    };
    add("Source", source);
    add("Ref", p.source_ref.clone());
    add("Workflow", p.workflow.clone());
    add("Trigger", p.trigger.clone());
    add("Builder", p.builder_id.clone());
    add("Build type", p.build_type.clone());
    add(
        "Run",
        p.links.run.clone().or_else(|| p.invocation_id.clone()),
    );
    add("Started", p.started_on.clone());
    add("Finished", p.finished_on.clone());
    add("Predicate", Some(p.predicate_type.clone()));
    add("Commit link", p.links.commit.clone());
    add("Workflow link", p.links.workflow.clone());
    for (k, v) in p.build_parameters.iter().take(24) {
        lines.push(("Parameter", format!("{k} = {v}")));
    }
    lines
}

#[derive(Serialize)]
struct VulnsJson<'a> {
    #[serde(flatten)]
    view: &'a portolan_ops::supply_chain::VulnerabilityView,
}

pub fn vulns(json: bool, found: &portolan_ops::supply_chain::VulnerabilityView) {
    if json {
        print_json(&VulnsJson { view: found });
        return;
    }
    let r = &found.report;
    let counts: Vec<String> = r
        .counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(level, n)| {
            format!(
                "{n} {}",
                serde_json::to_value(level)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )
        })
        .collect();
    out!(
        "{}: {} known {} in {} packages looked up at {} ({} not looked up: no purl)",
        found.reference,
        r.vulns.len(),
        if r.vulns.len() == 1 {
            "vulnerability"
        } else {
            "vulnerabilities"
        },
        r.queried,
        found.source,
        r.not_queried
    );
    if !counts.is_empty() {
        out!("By severity  {}", counts.join(", "));
    }
    if r.incomplete {
        out!("Some packages had more results than Portolan reads: the list may be incomplete");
    }
    if r.vulns.is_empty() {
        return;
    }
    out!();
    let w = |f: &dyn Fn(&portolan_ops::supply_chain::Vuln) -> usize, h: usize| {
        r.vulns.iter().map(f).chain([h]).max().unwrap_or(h).min(40)
    };
    let (i, p, v) = (
        w(&|x| x.id.chars().count(), 2),
        w(&|x| x.package.chars().count(), 7),
        w(&|x| x.version.as_deref().unwrap_or("-").chars().count(), 7),
    );
    out!(
        "  {:<8}  {:<i$}  {:<p$}  {:<v$}  {:<10}  LINK",
        "SEVERITY",
        "ID",
        "PACKAGE",
        "VERSION",
        "FIXED IN"
    );
    for x in &r.vulns {
        out!(
            "  {:<8}  {:<i$}  {:<p$}  {:<v$}  {:<10}  {}",
            serde_json::to_value(x.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            x.id,
            x.package,
            x.version.as_deref().unwrap_or("-"),
            x.fixed.as_deref().unwrap_or("-"),
            x.url.as_deref().unwrap_or("-")
        );
        if let Some(summary) = &x.summary {
            out!("            {summary}");
        }
    }
}
