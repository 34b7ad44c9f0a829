//! Reading a registry: `repos`, `tags`, `inspect`, `referrers` and `digest`, each read
//! through `portolan_ops::browse`, as the desktop app reads.

use clap::Args;
use portolan_ops::{browse, Result};

use super::Context;
use crate::{render, terminal};

#[derive(Args)]
pub struct ReposArgs {
    /// Registry host.
    pub registry: String,
}

#[derive(Args)]
pub struct TagsArgs {
    /// Repository, e.g. ghcr.io/owner/image or ubuntu.
    pub repository: String,
}

#[derive(Args)]
pub struct InspectArgs {
    /// Image reference, e.g. ghcr.io/owner/image:tag or localhost:5000/a@sha256:...
    pub reference: String,
    /// For an index, the platform to show (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Print the manifest exactly as the registry sent it, byte for byte (so
    /// `| sha256sum` gives its digest); on a terminal, control characters are escaped.
    #[arg(long)]
    pub raw: bool,
}

#[derive(Args)]
pub struct DigestArgs {
    /// Image reference.
    pub reference: String,
}

#[derive(Args)]
pub struct ReferrersArgs {
    /// Image reference (tag or digest).
    pub reference: String,
}

pub async fn repos(ctx: &Context, args: &ReposArgs) -> Result<()> {
    let repos = browse::repositories(&ctx.client, &args.registry).await?;
    render::lines(ctx.json, &repos);
    Ok(())
}

pub async fn tags(ctx: &Context, args: &TagsArgs) -> Result<()> {
    let list = browse::tags(&ctx.client, &args.repository).await?;
    render::lines(ctx.json, &list.tags);
    Ok(())
}

pub async fn inspect(ctx: &Context, args: &InspectArgs) -> Result<()> {
    if args.raw {
        let raw = browse::raw_manifest(&ctx.client, &args.reference).await?;
        terminal::out_manifest(&raw.bytes);
        return Ok(());
    }
    let report = browse::inspect(&ctx.client, &args.reference, args.platform.as_deref()).await?;
    render::inspect(ctx.json, &report);
    Ok(())
}

pub async fn referrers(ctx: &Context, args: &ReferrersArgs) -> Result<()> {
    let report = browse::referrers(&ctx.client, &args.reference).await?;
    render::referrers(ctx.json, &report);
    Ok(())
}

pub async fn digest(ctx: &Context, args: &DigestArgs) -> Result<()> {
    let resolved = browse::resolve_digest(&ctx.client, &args.reference).await?;
    render::digest(ctx.json, &resolved);
    Ok(())
}
