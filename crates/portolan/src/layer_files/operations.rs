//! What the front ends ask of layer files, on the [`Client`]: a layer's listing (from the
//! cache when it was read before), an image's listings and merged tree, one file read or
//! saved, and two images compared. Both the CLI and the app call these, so a flow differs
//! between them only in how it is shown.
//!
//! Every long read reports the bytes it received through a [`Progress`] (a `Started` with
//! the layers and bytes to read, then `Blob` as each layer streams, and `BlobDone` with
//! `Skipped` for a layer the cache already had) and stops at the next chunk once its
//! [`Cancel`] fires. Layers whose bytes are not in the registry are not fetched: their
//! listing says why (see [`super::foreign`]).

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::inspect::{ImageDetails, LayerRow};
use crate::layer_files::diff::{diff, ImageDiff};
use crate::layer_files::listing::{list_layer, Detail, LayerListing};
use crate::layer_files::merged::{merge, MergedTree};
use crate::layer_files::read_file::{read_file, FileContent, SaveTo};
use crate::platform::Platform;
use crate::reference::Reference;
use crate::transfer::progress::{no_progress, BlobOutcome, Cancel, Progress, ProgressEvent};
use crate::Client;

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
    /// when it is there; a layer not in the registry gets a listing saying why). Call
    /// [`Watch::plan`] first for a progress bar.
    pub async fn layer_listings(
        &self,
        reference: &Reference,
        layers: &[LayerRow],
        detail: Detail,
        watch: &Watch,
    ) -> Result<Vec<LayerListing>> {
        let mut out = Vec::with_capacity(layers.len());
        for layer in layers {
            out.push(match &layer.not_fetched {
                Some(why) => {
                    LayerListing::not_fetched(layer.digest.clone(), layer.size, why.clone())
                }
                None => {
                    self.layer_files(reference, &layer.digest, layer.size, detail, watch)
                        .await?
                }
            });
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
        let first_listings = self
            .layer_listings(first, &one.layers, detail, watch)
            .await?;
        let second_listings = self
            .layer_listings(second, &two.layers, detail, watch)
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
