//! `files`: the files inside an image's layers, read from the registry as the layers
//! stream (nothing is pulled to disk), each layer verified against its digest on the way.

use std::path::PathBuf;

use clap::Args;
use portolan::inspect::{ImageDetails, LayerRow};
use portolan::layer_files::listing::Detail;
use portolan::layer_files::merged::merge;
use portolan::layer_files::operations::Watch;
use portolan::layer_files::read_file::{file_name_of, resolve, SHOWN_BYTES};
use portolan::{Client, Platform, Reference};

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
    /// Save the whole file here (a folder: under its own name), once its layer verified.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,
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
    let image = image_of(&ctx.client, &reference, args.platform.as_deref()).await?;
    let watch = Watch::none();
    let not_found = |why: String| portolan::Error::NotFound {
        registry: reference.registry().to_owned(),
        what: format!("{} in {reference}", args.path),
        detail: format!(": {why}"),
    };
    let (layer, path) = match &args.layer {
        Some(wanted) => {
            let layer = pick_layer(&image, wanted, &reference)?;
            if let Some(why) = &layer.not_fetched {
                return Err(portolan::Error::input(
                    format!("layer {} of {reference} cannot be read", layer.index),
                    why.clone(),
                ));
            }
            let listing = ctx
                .client
                .layer_files(
                    &reference,
                    &layer.digest,
                    layer.size,
                    Detail::Headers,
                    &watch,
                )
                .await?;
            let tree = merge(std::slice::from_ref(&listing));
            let (_, path) = resolve(&tree, &args.path).map_err(not_found)?;
            (layer, path)
        }
        None => {
            let listings = ctx
                .client
                .layer_listings(&reference, &image.layers, Detail::Headers, &watch)
                .await?;
            let (index, path) = resolve(&merge(&listings), &args.path).map_err(not_found)?;
            let layer = image
                .layers
                .get(index)
                .ok_or_else(|| portolan::Error::internal("a layer index out of range"))?;
            (layer, path)
        }
    };
    let target = args.output.as_ref().map(|o| {
        if o.is_dir() {
            o.join(file_name_of(&path))
        } else {
            o.clone()
        }
    });
    let content = ctx
        .client
        .read_layer_file(
            &reference,
            &layer.digest,
            layer.size,
            &path,
            SHOWN_BYTES,
            target.as_deref(),
            &watch,
        )
        .await?;
    render::files::content(ctx.json, layer.index, &content);
    Ok(())
}

/// The one layer `wanted` names: its position, or (the start of) its digest.
fn pick_layer<'a>(
    image: &'a ImageDetails,
    wanted: &str,
    reference: &Reference,
) -> portolan::Result<&'a LayerRow> {
    let by_position = wanted.parse::<usize>().ok();
    let found: Vec<&LayerRow> = image
        .layers
        .iter()
        .filter(|l| match by_position {
            Some(n) => l.index == n,
            None => {
                let d = l.digest.to_string();
                d.starts_with(wanted)
                    || d.split_once(':')
                        .is_some_and(|(_, hex)| hex.starts_with(wanted))
            }
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(portolan::Error::input(
            format!("{reference} has no layer {wanted}"),
            format!(
                "its layers are 0 to {}",
                image.layers.len().saturating_sub(1)
            ),
        )),
        _ => Err(portolan::Error::input(
            format!("\"{wanted}\" matches several layers of {reference}"),
            "give more of the digest",
        )),
    }
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
        Some(wanted) => vec![pick_layer(&image, wanted, &reference)?.clone()],
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
