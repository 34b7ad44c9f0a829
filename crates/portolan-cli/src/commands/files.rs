//! `files`: the files inside an image's layers, read from the registry as the layers
//! stream (nothing is pulled to disk), each layer verified against its digest on the way.

use std::path::PathBuf;

use clap::Args;
use portolan::inspect::{ImageDetails, LayerRow};
use portolan::layer_files::listing::Detail;
use portolan::layer_files::merged::merge;
use portolan::layer_files::read_file::SHOWN_BYTES;
use portolan::layer_files::reads::Watch;
use portolan::{Client, Platform, Reference};
use portolan_ops::layer_files::{self, Existing};

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

/// The image `reference` names (for an index, the platform's).
async fn image_of(
    client: &Client,
    reference: &Reference,
    platform: Option<&str>,
) -> portolan::Result<ImageDetails> {
    let platform = platform.map(Platform::parse).transpose()?;
    client.image_of(reference, platform.as_ref()).await
}

pub async fn cat(ctx: &Context, args: &CatArgs) -> portolan::Result<()> {
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
    let image = image_of(&ctx.client, &reference, args.platform.as_deref()).await?;
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
        None => {
            ctx.client
                .read_layer_file(
                    &reference,
                    &file.digest,
                    file.size,
                    &file.path,
                    SHOWN_BYTES,
                    None,
                    &watch,
                )
                .await?
        }
    };
    render::files::content(ctx.json, found.layer, &content);
    Ok(())
}

pub async fn files(ctx: &Context, args: &FilesArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let image = image_of(&ctx.client, &reference, args.platform.as_deref()).await?;
    let detail = if args.digests {
        Detail::ContentDigests
    } else {
        Detail::Headers
    };
    let chosen: Vec<LayerRow> = match &args.layer {
        None => image.layers.clone(),
        Some(wanted) => vec![layer_files::pick_layer(&image, wanted, &reference)?.clone()],
    };
    let listings = ctx
        .client
        .layer_listings(&reference, &chosen, detail, &Watch::none())
        .await?;
    if args.merged {
        render::files::merged(ctx.json, &merge(&listings), args.path_prefix.as_deref());
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

pub async fn diff(ctx: &Context, args: &DiffArgs) -> portolan::Result<()> {
    let first = Reference::parse(&args.first)?;
    let second = Reference::parse(&args.second)?;
    let platform = args.platform.as_deref().map(Platform::parse).transpose()?;
    let compared = ctx
        .client
        .compare_images(&first, &second, platform.as_ref(), &Watch::none())
        .await?;
    render::files::diff(ctx.json, &args.first, &args.second, &compared);
    Ok(())
}
