//! Reading a registry: `repos`, `tags`, `inspect`, `referrers` and `digest`.

use clap::Args;
use portolan::reference::normalize_registry;
use portolan::{Platform, Reference};

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

pub async fn repos(ctx: &Context, args: &ReposArgs) -> portolan::Result<()> {
    let registry = normalize_registry(&args.registry)?;
    let repos = ctx.client.repositories(&registry).await?;
    render::lines(ctx.json, &repos);
    Ok(())
}

pub async fn tags(ctx: &Context, args: &TagsArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.repository)?;
    let tags = ctx.client.tags(&reference).await?;
    render::lines(ctx.json, &tags);
    Ok(())
}

pub async fn inspect(ctx: &Context, args: &InspectArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    if args.raw {
        let fetched = ctx.client.manifest(&reference).await?;
        terminal::out_manifest(&fetched.bytes);
        return Ok(());
    }
    let platform = args.platform.as_deref().map(Platform::parse).transpose()?;
    let report = ctx.client.inspect(&reference, platform.as_ref()).await?;
    render::inspect(ctx.json, &report);
    Ok(())
}

pub async fn referrers(ctx: &Context, args: &ReferrersArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let report = ctx.client.list_referrers(&reference).await?;
    render::referrers(ctx.json, &report);
    Ok(())
}

pub async fn digest(ctx: &Context, args: &DigestArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let digest = ctx.client.resolve_digest(&reference).await?;
    render::digest(ctx.json, &reference, &digest);
    Ok(())
}
