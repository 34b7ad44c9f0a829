//! Copying (promoting) an image as a user asks for it: a tag or digest to another
//! repository or registry they added, blobs mounted where the registry allows it,
//! optionally with its referrers (signatures, SBOMs); run in the background as a transfer.

use std::sync::Arc;

use portolan::{Client, PushOptions, Reference};

use crate::transfers::{TransferView, Transfers, WrittenTag};

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
    let from = Reference::parse(&request.from)?;
    let to = destination(&from, &request.to)?;
    if to == from {
        return Err(portolan::Error::input(
            format!("{to} is where the image already is"),
            "choose another repository or registry",
        ));
    }
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
            let report = client.copy(&from, &to, request.referrers, &options).await?;
            let referrers = report
                .referrers
                .map(|r| format!("; {} referrers copied", r.copied))
                .unwrap_or_default();
            Ok(format!(
                "copied to {to} ({}): {} blobs copied, {} already there, {} mounted{referrers}",
                report.push.digest,
                report
                    .push
                    .blobs
                    .saturating_sub(report.push.skipped)
                    .saturating_sub(report.push.mounted),
                report.push.skipped,
                report.push.mounted
            ))
        }
    }))
}
