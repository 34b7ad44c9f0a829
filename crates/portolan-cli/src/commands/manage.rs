//! Changing what a repository holds without moving blobs: `tag`, `untag` and `delete`.

use std::io::IsTerminal;

use clap::Args;
use portolan_ops::manage::{self, TagRequest};
use portolan_ops::packages::{vendor_of, Vendor};
use portolan_ops::{Error, Reference, Result};

use super::Context;
use crate::{render, terminal};

#[derive(Args)]
pub struct TagArgs {
    /// The image (tag or digest).
    pub reference: String,
    /// The new tag, in the same repository. When it exists and points at another image,
    /// it is left alone unless --force is given.
    pub new_tag: String,
    /// Move the new tag when it already points at another image.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args)]
pub struct UntagArgs {
    /// REPO:TAG (REPO:TAG@sha256:... removes it only while it points there).
    pub reference: String,
    /// ghcr.io: when the tag is its version's only one, delete the version (restorable
    /// for 30 days) without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// ghcr.io: finish an untag that stopped half-way: delete the version of this
    /// placeholder the tag was moved to.
    #[arg(long, value_name = "PLACEHOLDER", conflicts_with = "undo")]
    pub finish: Option<String>,
    /// ghcr.io: undo an untag: restore the version of this digest if it was deleted and
    /// point the tag back at it.
    #[arg(long, value_name = "DIGEST")]
    pub undo: Option<String>,
    /// With --undo: the placeholder the tag was moved to, whose version is then deleted.
    #[arg(long, value_name = "PLACEHOLDER", requires = "undo")]
    pub placeholder: Option<String>,
    /// OWNER is a GitHub organisation.
    #[arg(long)]
    pub org: bool,
    #[command(flatten)]
    pub apis: super::packages::ApiArgs,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// REPO@sha256:...
    pub reference: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn tag(ctx: &Context, args: &TagArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let repository = reference.name();
    let source = match (reference.digest(), reference.tag()) {
        (Some(d), _) => d.to_string(),
        (None, Some(t)) => t.to_owned(),
        (None, None) => "latest".to_owned(),
    };
    let replace = if args.force {
        manage::check_new_tag(&ctx.client, &repository, &args.new_tag)
            .await?
            .existing
    } else {
        None
    };
    let tagged = manage::tag(
        &ctx.client,
        &TagRequest {
            repository,
            source,
            tag: args.new_tag.clone(),
            replace,
        },
    )
    .await?;
    render::tagged(ctx.json, &tagged);
    Ok(())
}

pub async fn untag(ctx: &Context, args: &UntagArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let repository = reference.name();
    let Some(tag) = reference.tag() else {
        return Err(Error::input(
            format!("untag needs a tag (REPO:TAG), and {reference} names none"),
            "to delete by digest, delete the manifest instead",
        ));
    };
    let apis = args.apis.apis();
    if vendor_of(reference.registry(), &apis) == Some(Vendor::GitHub) {
        return super::ghcr_untag::untag(ctx, args, &apis, &reference, tag).await;
    }
    if args.finish.is_some() || args.undo.is_some() {
        return Err(Error::input(
            "--finish and --undo are for ghcr.io untags",
            "elsewhere the registry removes the tag itself; tag the image again to undo",
        ));
    }
    let expected = match reference.digest() {
        Some(d) => d.clone(),
        None => manage::tag_digest(&ctx.client, &repository, tag).await?,
    };
    let untagged = manage::untag(&ctx.client, &apis, &repository, tag, &expected).await?;
    render::untagged(ctx.json, &untagged);
    Ok(())
}

pub async fn delete(ctx: &Context, args: &DeleteArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let repository = reference.name();
    let Some(digest) = reference.digest() else {
        return Err(Error::input(
            format!("delete needs a digest (REPO@sha256:...), and {reference} names none"),
            "it removes the image and every tag on it; to remove one tag, untag it instead",
        ));
    };
    // The preview: every tag that goes with it, and what it breaks, asked of the registry.
    let preview = manage::delete_preview(&ctx.client, &repository, digest).await?;
    let tags = preview.tags.clone();
    render::delete_preview(&reference, &preview, args.yes);
    if !args.yes {
        confirm(
            &format!("Delete {reference} and every tag on it? [y/N] "),
            "refusing to delete without confirmation",
            "no terminal to ask on; pass --yes",
        )?;
    }
    let deleted = manage::delete(&ctx.client, &repository, digest, &tags).await?;
    render::deleted(ctx.json, &deleted, &tags);
    Ok(())
}

/// Ask `question` on the terminal; refuses (`refusing` says what, with a hint naming
/// `no_terminal_hint`) when there is none to ask on. Also used by `cleanup`.
pub fn confirm(question: &str, refusing: &str, no_terminal_hint: &str) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::input(refusing, no_terminal_hint));
    }
    terminal::prompt(question);
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}
