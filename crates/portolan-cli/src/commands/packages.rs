//! Packages and versions from the vendor APIs: `packages`, `versions`, `version-delete`
//! and `version-restore`. The operations layer picks the API (GitHub Packages for ghcr.io,
//! the Hub API for docker.io) and signs in with the registry's credential; this only reads
//! the arguments and prints.

use clap::Args;
use portolan_ops::packages::{self, VendorApis};
use portolan_ops::{Result, Visibility};

use super::Context;
use crate::render;

/// Where the vendor APIs are (flags over `PORTOLAN_GITHUB_API` / `PORTOLAN_HUB_API`).
#[derive(Args, Clone)]
pub struct ApiArgs {
    /// The GitHub REST API (GitHub Enterprise Server: https://HOST/api/v3).
    #[arg(long = "github-api", value_name = "URL")]
    pub github_api: Option<String>,
    /// The Docker Hub API.
    #[arg(long = "hub-api", value_name = "URL")]
    pub hub_api: Option<String>,
}

impl ApiArgs {
    pub(crate) fn apis(&self) -> VendorApis {
        VendorApis::from_env(self.github_api.clone(), self.hub_api.clone())
    }
}

#[derive(Args)]
pub struct PackagesArgs {
    /// ghcr.io (your packages and your organisations'), ghcr.io/OWNER, docker.io[/NAMESPACE].
    pub place: String,
    /// OWNER is a GitHub organisation.
    #[arg(long)]
    pub org: bool,
    /// Only packages with this visibility.
    #[arg(long, value_parser = ["public", "private", "internal"])]
    pub visibility: Option<String>,
    #[command(flatten)]
    pub apis: ApiArgs,
}

#[derive(Args)]
pub struct VersionsArgs {
    /// ghcr.io/OWNER/PACKAGE or docker.io/NAMESPACE/REPO.
    pub package: String,
    /// Deleted versions (restorable for 30 days) instead of active ones.
    #[arg(long)]
    pub deleted: bool,
    /// OWNER is a GitHub organisation.
    #[arg(long)]
    pub org: bool,
    #[command(flatten)]
    pub apis: ApiArgs,
}

#[derive(Args)]
pub struct VersionIdArgs {
    /// ghcr.io/OWNER/PACKAGE.
    pub package: String,
    /// The version's id (from `versions`).
    pub version_id: u64,
    /// OWNER is a GitHub organisation.
    #[arg(long)]
    pub org: bool,
    #[command(flatten)]
    pub apis: ApiArgs,
}

pub async fn packages(ctx: &Context, args: &PackagesArgs) -> Result<()> {
    let visibility = args.visibility.as_deref().and_then(Visibility::parse);
    let list = packages::packages(
        &ctx.client,
        &args.apis.apis(),
        &args.place,
        args.org,
        visibility,
    )
    .await?;
    render::packages::packages(ctx.json, &list);
    Ok(())
}

pub async fn versions(ctx: &Context, args: &VersionsArgs) -> Result<()> {
    let list = packages::versions(
        &ctx.client,
        &args.apis.apis(),
        &args.package,
        args.org,
        args.deleted,
    )
    .await?;
    render::packages::versions(ctx.json, &list);
    Ok(())
}

pub async fn delete(ctx: &Context, args: &VersionIdArgs) -> Result<()> {
    packages::delete_version(
        &ctx.client,
        &args.apis.apis(),
        &args.package,
        args.org,
        args.version_id,
    )
    .await?;
    render::packages::version_changed(ctx.json, &args.package, args.version_id, "deleted");
    Ok(())
}

pub async fn restore(ctx: &Context, args: &VersionIdArgs) -> Result<()> {
    packages::restore_version(
        &ctx.client,
        &args.apis.apis(),
        &args.package,
        args.org,
        args.version_id,
    )
    .await?;
    render::packages::version_changed(ctx.json, &args.package, args.version_id, "restored");
    Ok(())
}
