//! `files`: the files inside an image's layers, read from the registry as the layers
//! stream (nothing is pulled to disk), each layer verified against its digest on the way.

use std::path::PathBuf;

use clap::Args;
use portolan_ops::layer_files::{self, Existing};
use portolan_ops::{Detail, Reference, Result, Watch, SHOWN_BYTES};

use super::Context;
use crate::render;

#[derive(Args)]
pub struct FilesArgs {
    /// Image reference.
    pub reference: String,
    /// Only entries under this path (`etc/`, `usr/bin/python3`).
    pub path_prefix: Option<String>,
    /// One layer: its position (0 is the base, as `inspect` numbers them) or its digest
    /// (or the start of it). Without it, every layer in order.
    #[arg(long, value_name = "N|DIGEST")]
    pub layer: Option<String>,
    /// The image as one tree: every layer applied in order (whiteouts included), each path
    /// with the layer that last wrote it, and the bytes later layers overwrite or delete.
    #[arg(long, conflicts_with = "layer")]
    pub merged: bool,
    /// Each file's content digest too (sha256 of its bytes, hashed as the layer streams:
    /// slower on a fast link).
    #[arg(long)]
    pub digests: bool,
    /// For an index, the platform (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

#[derive(Args)]
pub struct CatArgs {
    /// Image reference.
    pub reference: String,
    /// The file (`etc/os-release`); links are followed within the image.
    pub path: String,
    /// Read it from this layer (position or digest) instead of the merged image.
    #[arg(long, value_name = "N|DIGEST")]
    pub layer: Option<String>,
    /// Save the whole file here, once its layer verified. A folder: under the name of the
    /// path asked for (cleaned; never where a link led). A file already there is kept
    /// unless --force.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// With --output, replace a file already there.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// For an index, the platform (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

pub async fn cat(ctx: &Context, args: &CatArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let existing = if args.force {
        Existing::Replace
    } else {
        Existing::Keep
    };
    // A file in the way is said before anything is read.
    if let Some(to) = &args.output {
        layer_files::check_target(to, &args.path, existing)?;
    }
    let image = layer_files::image_of(&ctx.client, &reference, args.platform.as_deref()).await?;
    let watch = Watch::none();
    let found = layer_files::locate(
        &ctx.client,
        &reference,
        &image,
        &args.path,
        args.layer.as_deref(),
        &watch,
    )
    .await?;
    let file = &found.file;
    let content = match &args.output {
        Some(to) => {
            layer_files::save(
                &ctx.client,
                &reference,
                file,
                to,
                existing,
                SHOWN_BYTES,
                &watch,
            )
            .await?
        }
        None => layer_files::read(&ctx.client, &reference, file, SHOWN_BYTES, &watch).await?,
    };
    render::files::content(ctx.json, found.layer, &content);
    Ok(())
}

pub async fn files(ctx: &Context, args: &FilesArgs) -> Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let image = layer_files::image_of(&ctx.client, &reference, args.platform.as_deref()).await?;
    let detail = if args.digests {
        Detail::ContentDigests
    } else {
        Detail::Headers
    };
    let chosen = layer_files::chosen_layers(&image, args.layer.as_deref(), &reference)?;
    let listings =
        layer_files::listings(&ctx.client, &reference, &chosen, detail, &Watch::none()).await?;
    if args.merged {
        let tree = layer_files::merged(&listings);
        render::files::merged(ctx.json, &tree, args.path_prefix.as_deref());
    } else {
        let numbered: Vec<_> = chosen.iter().map(|l| l.index).zip(listings).collect();
        render::files::files(ctx.json, &numbered, args.path_prefix.as_deref());
    }
    Ok(())
}

#[derive(Args)]
pub struct DiffArgs {
    /// The first image.
    pub first: String,
    /// The second image.
    pub second: String,
    /// For indexes, the platform (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

pub async fn diff(ctx: &Context, args: &DiffArgs) -> Result<()> {
    let first = Reference::parse(&args.first)?;
    let second = Reference::parse(&args.second)?;
    let compared = layer_files::compare(
        &ctx.client,
        &first,
        &second,
        args.platform.as_deref(),
        &Watch::none(),
    )
    .await?;
    render::files::diff(ctx.json, &args.first, &args.second, &compared);
    Ok(())
}
