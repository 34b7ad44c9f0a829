//! What the front ends ask of layer files, on the [`Client`]: a layer's listing (from the
//! cache when it was read before), an image's listings and merged tree, one file read or
//! saved, and two images compared. Both the CLI and the app call these, so a flow differs
//! between them only in how it is shown.
//!
//! Every long read reports the bytes it received through a [`Progress`] (a `Started` with
//! the layers and bytes to read, then `Blob` as each layer streams, and `BlobDone` with
//! `Skipped` for a layer the cache already had) and stops at the next chunk once its
//! [`Cancel`] fires. Layers whose bytes are not in the registry are not fetched: their
//! listing says why (see [`super::foreign`]). An image's listings are bounded: each layer
//! digest is read once, [`MAX_LAYERS`] layers at most, [`MAX_IMAGE_LISTING_BYTES`] held.

use crate::digest::Digest;
use crate::error::{size_words, Error, Result};
use crate::inspect::{ImageDetails, LayerRow};
use crate::layer_files::diff::{diff, ImageDiff};
use crate::layer_files::listing::{list_layer, Detail, LayerListing};
use crate::layer_files::merged::{merge, MergedTree};
use crate::layer_files::read_file::{read_file, FileContent, SaveTo};
use crate::platform::Platform;
use crate::reference::Reference;
use crate::transfer::progress::{no_progress, BlobOutcome, Cancel, Progress, ProgressEvent};
use crate::Client;

/// Memory an image's listings may hold together (see [`LayerListing::held_bytes`]); the
/// layers past it are not read, and say why.
pub const MAX_IMAGE_LISTING_BYTES: u64 = 128 << 20;

/// The most layers an image's files are read from (container runtimes stop near 128).
pub const MAX_LAYERS: usize = 500;

/// How a read is watched: stopped by `cancel`, reported to `progress`.
#[derive(Clone)]
pub struct Watch {
    /// Stops the read at the next chunk.
    pub cancel: Cancel,
    /// Hears the bytes received.
    pub progress: Progress,
}

impl Watch {
    /// A read nobody watches or stops (the CLI stops with the process).
    pub fn none() -> Self {
        Self {
            cancel: Cancel::new(),
            progress: no_progress(),
        }
    }

    /// Tell the watcher which layers will be read (a `Started` event).
    pub fn plan<'a>(&self, layers: impl IntoIterator<Item = &'a LayerRow>) {
        // Sizes come from manifests: added up, they may pass 2^64 (saturating, not panicking).
        let (mut blobs, mut total_bytes) = (0usize, 0u64);
        for layer in layers {
            blobs += 1;
            total_bytes = total_bytes.saturating_add(layer.size);
        }
        (self.progress)(ProgressEvent::Started { blobs, total_bytes });
    }
}

impl Client {
    /// The files of layer `digest` (`size` bytes) of `reference`'s repository, read as it
    /// streams and verified (see [`super::listing`]), or from the listing cache.
    #[tracing::instrument(level = "info", skip(self, watch), fields(reference = %reference))]
    pub async fn layer_files(
        &self,
        reference: &Reference,
        digest: &Digest,
        size: u64,
        detail: Detail,
        watch: &Watch,
    ) -> Result<LayerListing> {
        let kept = self.listings.as_ref().and_then(|c| c.get(digest));
        // A kept listing without content digests does not do for a listing that needs them.
        if let Some(kept) = kept.filter(|k| k.content_digests || detail == Detail::Headers) {
            (watch.progress)(ProgressEvent::BlobDone {
                digest: digest.clone(),
                size,
                outcome: BlobOutcome::Skipped,
            });
            return Ok(kept);
        }
        let client = self.registry(reference.registry())?;
        let listing = list_layer(
            &client,
            reference.repository(),
            digest,
            size,
            detail,
            &watch.cancel,
            &watch.progress,
        )
        .await?;
        if let Some(cache) = &self.listings {
            cache.put(&listing);
        }
        (watch.progress)(ProgressEvent::BlobDone {
            digest: digest.clone(),
            size,
            outcome: BlobOutcome::Transferred,
        });
        Ok(listing)
    }

    /// The listings of `layers` of `reference`'s image, base first (each from the cache
    /// when it is there; a layer not in the registry gets a listing saying why). A layer
    /// listed more than once is read once. A layer whose listing would take the image's
    /// past [`MAX_IMAGE_LISTING_BYTES`] is left out, its listing saying why. More than
    /// [`MAX_LAYERS`] layers are refused. Call [`Watch::plan`] first for a progress bar.
    pub async fn layer_listings(
        &self,
        reference: &Reference,
        layers: &[LayerRow],
        detail: Detail,
        watch: &Watch,
    ) -> Result<Vec<LayerListing>> {
        let mut budget = MAX_IMAGE_LISTING_BYTES;
        self.listings_within(reference, layers, detail, watch, &mut budget)
            .await
    }

    /// [`Self::layer_listings`], spending `budget` (bytes the listings may hold).
    async fn listings_within(
        &self,
        reference: &Reference,
        layers: &[LayerRow],
        detail: Detail,
        watch: &Watch,
        budget: &mut u64,
    ) -> Result<Vec<LayerListing>> {
        if layers.len() > MAX_LAYERS {
            return Err(Error::OverBudget {
                registry: reference.registry().to_owned(),
                what: format!("an image of {} layers ({reference})", layers.len()),
                limit: format!("{MAX_LAYERS} layers an image"),
            });
        }
        let mut out: Vec<LayerListing> = Vec::with_capacity(layers.len());
        let mut read: std::collections::HashMap<&Digest, usize> = Default::default();
        let over = |layer: &LayerRow| {
            LayerListing::not_fetched(
                layer.digest.clone(),
                layer.size,
                format!(
                    "with it, the image's file list would hold more than {}, as much as Portolan keeps for one image",
                    size_words(MAX_IMAGE_LISTING_BYTES)
                ),
            )
        };
        // Once one layer is left out, the layers above it are not read either.
        let mut spent = false;
        for layer in layers {
            let listing = match (&layer.not_fetched, read.get(&layer.digest)) {
                (Some(why), _) => {
                    LayerListing::not_fetched(layer.digest.clone(), layer.size, why.clone())
                }
                _ if spent => over(layer),
                (None, Some(&earlier)) => out[earlier].clone(),
                (None, None) => {
                    read.insert(&layer.digest, out.len());
                    self.layer_files(reference, &layer.digest, layer.size, detail, watch)
                        .await?
                }
            };
            let held = listing.held_bytes();
            if held > *budget {
                spent = true;
                out.push(over(layer));
                continue;
            }
            *budget -= held;
            out.push(listing);
        }
        Ok(out)
    }

    /// The image `reference` names (for an index, `platform`'s, else this machine's).
    pub async fn image_of(
        &self,
        reference: &Reference,
        platform: Option<&Platform>,
    ) -> Result<ImageDetails> {
        let report = self.inspect(reference, platform).await?;
        report.image.ok_or_else(|| {
            Error::input(
                format!("{reference} has no image to show the files of"),
                "it is an index without an image for this platform, or an artifact",
            )
        })
    }

    /// The image `reference` names (for an index, `platform`'s, else this machine's) as one
    /// tree: its layers applied in order (see [`super::merged`]).
    pub async fn merged_files(
        &self,
        reference: &Reference,
        platform: Option<&Platform>,
        watch: &Watch,
    ) -> Result<MergedTree> {
        let image = self.image_of(reference, platform).await?;
        watch.plan(&image.layers);
        let listings = self
            .layer_listings(reference, &image.layers, Detail::Headers, watch)
            .await?;
        Ok(merge(&listings))
    }

    /// Compare image `first` with image `second` (for indexes, `platform`'s): the layers
    /// they share and the paths added, removed and changed (see [`super::diff`]).
    pub async fn compare_images(
        &self,
        first: &Reference,
        second: &Reference,
        platform: Option<&Platform>,
        watch: &Watch,
    ) -> Result<ImageDiff> {
        let one = self.image_of(first, platform).await?;
        let two = self.image_of(second, platform).await?;
        watch.plan(one.layers.iter().chain(&two.layers));
        // Files compare by content: the listings carry content digests.
        let detail = Detail::ContentDigests;
        // Both images share one budget: the comparison holds both.
        let mut budget = MAX_IMAGE_LISTING_BYTES;
        let first_listings = self
            .listings_within(first, &one.layers, detail, watch, &mut budget)
            .await?;
        let second_listings = self
            .listings_within(second, &two.layers, detail, watch, &mut budget)
            .await?;
        let digests = |image: &ImageDetails| -> Vec<Digest> {
            image.layers.iter().map(|l| l.digest.clone()).collect()
        };
        Ok(diff(
            &digests(&one),
            &merge(&first_listings),
            &digests(&two),
            &merge(&second_listings),
        ))
    }

    /// Read `path` out of layer `digest` (`size` bytes) of `reference`'s repository: its
    /// first `shown` bytes, and the whole file into `save_to` once the layer verified
    /// (where a file already there stays unless `save_to` says to replace it).
    #[allow(clippy::too_many_arguments)]
    pub async fn read_layer_file(
        &self,
        reference: &Reference,
        digest: &Digest,
        size: u64,
        path: &str,
        shown: usize,
        save_to: Option<SaveTo<'_>>,
        watch: &Watch,
    ) -> Result<FileContent> {
        let client = self.registry(reference.registry())?;
        read_file(
            &client,
            reference.repository(),
            digest,
            size,
            path,
            shown,
            save_to,
            &watch.cancel,
            &watch.progress,
        )
        .await
    }
}

#[cfg(test)]
#[path = "reads_tests.rs"]
mod tests;
