//! `files`: the files inside an image's layers, read from the registry as the layers
//! stream (nothing is pulled to disk), each layer verified against its digest on the way.

use clap::Args;
use portolan::{Cancel, Platform, Reference};

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
    /// For an index, the platform (default: this machine's).
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
}

pub async fn files(ctx: &Context, args: &FilesArgs) -> portolan::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let platform = args.platform.as_deref().map(Platform::parse).transpose()?;
    let report = ctx.client.inspect(&reference, platform.as_ref()).await?;
    let Some(image) = &report.image else {
        return Err(portolan::Error::input(
            format!("{reference} has no image to list files of"),
            "it is an index without an image for this platform, or an artifact",
        ));
    };
    let chosen: Vec<_> = match &args.layer {
        None => image.layers.iter().collect(),
        Some(wanted) => {
            let by_position = wanted.parse::<usize>().ok();
            let found: Vec<_> = image
                .layers
                .iter()
                .filter(|l| match by_position {
                    Some(n) => l.index == n,
                    None => {
                        let d = l.digest.to_string();
                        d.starts_with(wanted.as_str())
                            || d["sha256:".len().min(d.len())..].starts_with(wanted.as_str())
                    }
                })
                .collect();
            match found.len() {
                1 => found,
                0 => {
                    return Err(portolan::Error::input(
                        format!("{reference} has no layer {wanted}"),
                        format!(
                            "its layers are 0 to {}",
                            image.layers.len().saturating_sub(1)
                        ),
                    ))
                }
                _ => {
                    return Err(portolan::Error::input(
                        format!("\"{wanted}\" matches several layers of {reference}"),
                        "give more of the digest",
                    ))
                }
            }
        }
    };
    let cancel = Cancel::new();
    let mut listings = Vec::new();
    for layer in chosen {
        let listing = ctx
            .client
            .layer_files(&reference, &layer.digest, layer.size, &cancel)
            .await?;
        listings.push((layer.index, listing));
    }
    if args.merged {
        let layers: Vec<_> = listings.into_iter().map(|(_, l)| l).collect();
        let tree = portolan::layer_files::merged::merge(&layers);
        render::files::merged(ctx.json, &tree, args.path_prefix.as_deref());
    } else {
        render::files::files(ctx.json, &listings, args.path_prefix.as_deref());
    }
    Ok(())
}
