//! Copying (promoting) an image as a user asks for it: a tag or digest to another
//! repository or registry they added, blobs mounted where the registry allows it,
//! optionally with its referrers (signatures, SBOMs); run in the background as a transfer
//! in the app, in the foreground by the CLI, and said the same way by both ([`summary`]).

use std::sync::Arc;

use portolan::client::ReferrersSource;
use portolan::transfer::referrers::ReferrersCopy;
use portolan::{Client, CopyReport, PushOptions, Reference};

use crate::summary::{transferred, Moved};
use crate::transfers::{TransferView, Transfers, WrittenTag};

/// The source and destination of a copy, checked: the destination completed with the
/// source's tag or digest when it names none, and not the source itself.
pub fn endpoints(from: &str, to: &str) -> portolan::Result<(Reference, Reference)> {
    let from = Reference::parse(from)?;
    let to = destination(&from, to)?;
    if to == from {
        return Err(portolan::Error::input(
            format!("{to} is where the image already is"),
            "choose another repository or registry",
        ));
    }
    Ok((from, to))
}

/// Copy `from` to `to` (with its referrers when asked).
pub async fn copy(
    client: &Client,
    from: &Reference,
    to: &Reference,
    referrers: bool,
    options: &PushOptions,
) -> portolan::Result<CopyReport> {
    client.copy(from, to, referrers, options).await
}

/// What a copy did, as both front ends say it: the image, then (when asked for) what
/// happened to its referrers, one line each.
pub fn summary(to: &Reference, report: &CopyReport) -> Vec<String> {
    let push = &report.push;
    let mut lines = vec![transferred(
        "Copied",
        to,
        &push.digest,
        Moved {
            bytes: push.transferred_bytes,
            skipped: push.skipped,
            mounted: push.mounted,
            resumed: 0,
        },
    )];
    if let Some(r) = &report.referrers {
        lines.extend(referrers_copied(r));
    }
    lines
}

fn referrers_copied(r: &ReferrersCopy) -> Vec<String> {
    let looked = match r.subjects {
        1 => "1 manifest".to_owned(),
        n => format!("{n} manifests"),
    };
    if r.found == 0 {
        return vec![format!("Referrers: none found (looked at {looked})")];
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
    let mut lines = vec![format!(
        "Referrers: {} found, {} copied (looked at {looked}); {listed}",
        r.found, r.copied
    )];
    for d in &r.missing {
        lines.push(format!(
            "  not copied: {d} is listed at the source but missing there"
        ));
    }
    lines
}

/// A copy as the user asks for it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CopyRequest {
    /// What to copy: `host/repo:tag` or `host/repo@sha256:...`.
    pub from: String,
    /// Where to: `host/repo:tag` (or `host/repo`, keeping the source's tag or digest).
    pub to: String,
    /// Copy the referrers too.
    pub referrers: bool,
}

/// The destination, completed with the source's tag or digest when it names none.
pub fn destination(from: &Reference, to: &str) -> portolan::Result<Reference> {
    let to = Reference::parse(to)?;
    if to.tag().is_some() || to.digest().is_some() {
        return Ok(to);
    }
    let target = match (from.tag(), from.digest()) {
        (_, Some(d)) => return Ok(to.with_digest(d.clone())),
        (Some(t), None) => t,
        (None, None) => "latest",
    };
    Ok(Reference::from_parts(
        to.registry(),
        to.repository(),
        Some(target),
        None,
    )?)
}

/// Start `request` in the background; returns the transfer as listed.
pub fn start(
    client: Arc<Client>,
    transfers: &Arc<Transfers>,
    request: CopyRequest,
) -> portolan::Result<TransferView> {
    let (from, to) = endpoints(&request.from, &request.to)?;
    let title = format!("Copy {from} → {to}");
    let target = to.to_string();
    let list = transfers.clone();
    Ok(transfers.spawn(title, target, move |id, cancel, progress| {
        list.set_writes(id, WrittenTag::of(&to));
        async move {
            let options = PushOptions {
                progress,
                cancel,
                ..PushOptions::default()
            };
            let report = copy(&client, &from, &to, request.referrers, &options).await?;
            Ok(summary(&to, &report).join("; "))
        }
    }))
}
