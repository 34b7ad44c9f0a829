//! `untag` on ghcr.io, where a tag goes by deleting a package version through GitHub's
//! API (`portolan_ops::packages::untag`): the tag's own placeholder version when the
//! version holds other tags, else the version itself after a confirmation; and `--finish`
//! / `--undo` for an untag that stopped half-way or is regretted.

use portolan_ops::packages::untag::{
    self, UntagFinish, UntagUndo, VersionUntag, VersionUntagOutcome, VersionUntagRequest,
};
use portolan_ops::packages::VendorApis;
use portolan_ops::{Digest, Error, Reference, Result};

use super::manage::{confirm, UntagArgs};
use super::Context;
use crate::render;

fn digest_arg(text: &str) -> Result<Digest> {
    Digest::parse(text)
        .map_err(|e| Error::input(format!("\"{text}\" is not a digest"), e.to_string()))
}

pub async fn untag(
    ctx: &Context,
    args: &UntagArgs,
    apis: &VendorApis,
    reference: &Reference,
    tag: &str,
) -> Result<()> {
    let repository = reference.name();
    if let Some(placeholder) = &args.finish {
        let finish = UntagFinish {
            repository,
            tag: tag.to_owned(),
            placeholder: digest_arg(placeholder)?,
            placeholder_version: None,
            org: args.org,
        };
        let done = untag::finish_untag(&ctx.client, apis, &finish).await?;
        render::packages::untag_finished(ctx.json, &done);
        return Ok(());
    }
    if let Some(original) = &args.undo {
        let undo = UntagUndo {
            repository,
            tag: tag.to_owned(),
            digest: digest_arg(original)?,
            version: None,
            placeholder: args.placeholder.as_deref().map(digest_arg).transpose()?,
            org: args.org,
        };
        let done = untag::undo_untag(&ctx.client, apis, &undo).await?;
        render::packages::untag_undone(ctx.json, &done);
        return Ok(());
    }
    let expected = match reference.digest() {
        Some(d) => d.clone(),
        None => portolan_ops::manage::tag_digest(&ctx.client, &repository, tag).await?,
    };
    let mut confirmed = args.yes;
    if !confirmed {
        let preview =
            untag::preview_untag(&ctx.client, apis, &repository, tag, &expected, args.org).await?;
        if preview.deletes_version {
            confirm(
                &format!(
                    "{} Delete version {}? [y/N] ",
                    preview.explanation, preview.version
                ),
                &preview.explanation,
                "no terminal to ask on; pass --yes to delete the version",
            )?;
            confirmed = true;
        }
    }
    let request = VersionUntagRequest {
        repository,
        tag: tag.to_owned(),
        expected,
        org: args.org,
        delete_sole_version: confirmed,
    };
    let done = untag::untag_version(&ctx.client, apis, &request).await?;
    render::packages::version_untag(ctx.json, &done);
    incomplete(&done)
}

/// The error an untag that stopped half-way ends with (its report was printed).
fn incomplete(done: &VersionUntag) -> Result<()> {
    if done.outcome != VersionUntagOutcome::Incomplete {
        return Ok(());
    }
    Err(Error::PartlyDone(format!(
        "removing {} stopped half-way ({}): {}",
        done.reference,
        done.error.as_deref().unwrap_or("a step failed"),
        done.left.as_deref().unwrap_or_default()
    )))
}
