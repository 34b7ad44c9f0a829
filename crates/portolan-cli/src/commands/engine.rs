//! `images`: the local engine's images (Docker, or Podman's API service), found the way
//! their own clients find it; what `push engine:IMAGE` can push.

use clap::Args;
use portolan_ops::local_engine::{self, EngineChoice};
use portolan_ops::Result;

use super::Context;
use crate::render;

#[derive(Args)]
pub struct ImagesArgs {
    /// Only images whose name, digest or ID contains this (any case).
    pub filter: Option<String>,
}

pub async fn images(ctx: &Context, args: &ImagesArgs) -> Result<()> {
    let info = local_engine::info(&EngineChoice::Auto).await?;
    let images =
        local_engine::images(&EngineChoice::Auto, args.filter.as_deref().unwrap_or("")).await?;
    render::engine::images(ctx.json, &info, &images);
    Ok(())
}
