//! Changing what a repository holds without moving blobs: `tag`, `untag` and `delete`.

use std::io::IsTerminal;

use clap::Args;
use portolan::Reference;

use super::Context;
use crate::{render, terminal};

#[derive(Args)]
pub struct TagArgs {
    /// The image (tag or digest).
    pub reference: String,
    /// The new tag, in the same repository.
    pub new_tag: String,
}

#[derive(Args)]
pub struct UntagArgs {
    /// REPO:TAG.
    pub reference: String,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// REPO@sha256:...
    pub reference: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn tag(ctx: &Context, args: &TagArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let digest = ctx.client.tag(&reference, &args.new_tag).await?;
    let tagged = Reference::from_parts(
        reference.registry(),
        reference.repository(),
        Some(&args.new_tag),
        None,
    )?;
    render::tagged(ctx.json, &digest, &tagged);
    Ok(())
}

pub async fn untag(ctx: &Context, args: &UntagArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let method = match ctx.client.untag(&reference).await {
        Ok(m) => m,
        Err(e) => {
            let apis = portolan_ops::packages::VendorApis::from_env(None, None);
            return Err(portolan_ops::packages::explain_untag(
                &ctx.client,
                &apis,
                &reference,
                None,
                e,
            )
            .await);
        }
    };
    render::untagged(ctx.json, &reference, method);
    Ok(())
}

pub async fn delete(ctx: &Context, args: &DeleteArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    if !args.yes {
        confirm(
            &format!("Delete {reference} and every tag on it? [y/N] "),
            "refusing to delete without confirmation",
            "no terminal to ask on; pass --yes",
        )?;
    }
    let digest = ctx.client.delete(&reference).await?;
    render::deleted(ctx.json, &digest);
    Ok(())
}

/// Ask `question` on the terminal; refuses (`refusing` says what, with a hint naming
/// `no_terminal_hint`) when there is none to ask on. Also used by `cleanup`.
pub fn confirm(question: &str, refusing: &str, no_terminal_hint: &str) -> portolan::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(portolan::Error::input(refusing, no_terminal_hint));
    }
    terminal::prompt(question);
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(portolan::Error::Cancelled)
    }
}
