//! The files inside an image's layers, for `portolan-cli files`/`cat`/`diff` and the
//! desktop app's file viewer, so the two cannot differ: which image and layers are read
//! (an index's platform, a layer by position or digest), their listings and merged tree,
//! two images compared, which file a path names, and where a copy of it is saved.
//!
//! A path is resolved in the merged image (or one layer) following links within the
//! image; the copy is named after the path the user asked for, never after where a link
//! led (an image whose `notes.txt` links to `/root/.bashrc` must not make a save into a
//! folder write `.bashrc` there). The name is cleaned of separators, control and
//! direction-changing characters, and a file already there is kept unless the user said
//! to replace it.

use std::path::{Path, PathBuf};

use portolan::inspect::{ImageDetails, LayerRow};
use portolan::layer_files::diff::ImageDiff;
use portolan::layer_files::listing::{Detail, LayerListing};
use portolan::layer_files::merged::{merge, MergedTree};
use portolan::layer_files::read_file::{refuse_existing, resolve, FileContent, SaveTo};
use portolan::layer_files::reads::Watch;
use portolan::{Client, Digest, Error, Platform, Reference, Result};

/// The longest saved name, in bytes (file systems allow 255).
const MAX_NAME_BYTES: usize = 200;

/// The name a saved copy gets when none is left of the path's last part.
const FALLBACK_NAME: &str = "file";

/// The one layer `wanted` names in `image`: its position (0 is the base), or (the start
/// of) its digest.
pub fn pick_layer<'a>(
    image: &'a ImageDetails,
    wanted: &str,
    reference: &Reference,
) -> Result<&'a LayerRow> {
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
        [] => Err(Error::input(
            format!("{reference} has no layer {wanted}"),
            format!(
                "its layers are 0 to {}",
                image.layers.len().saturating_sub(1)
            ),
        )),
        _ => Err(Error::input(
            format!("\"{wanted}\" matches several layers of {reference}"),
            "give more of the digest",
        )),
    }
}

/// A file to read: where its content is, and the path the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// The layer blob its content is in.
    pub digest: Digest,
    /// That blob's size, as the manifest says.
    pub size: u64,
    /// Its path in that layer (where links led).
    pub path: String,
    /// The path the user asked for (what a saved copy is named after).
    pub asked: String,
}

impl FileRef {
    /// A file opened as a layer lists it (no link followed: it is what was asked for).
    pub fn opened(digest: Digest, size: u64, path: String) -> Self {
        Self {
            digest,
            size,
            asked: path.clone(),
            path,
        }
    }
}

/// A file found in an image.
#[derive(Debug, Clone)]
pub struct Located {
    /// The position of the layer its content is in.
    pub layer: usize,
    /// The file.
    pub file: FileRef,
}

/// The file `asked` names in `image` (of `reference`): in the merged image, or in layer
/// `layer` (a position or digest) alone, following links within the image.
pub async fn locate(
    client: &Client,
    reference: &Reference,
    image: &ImageDetails,
    asked: &str,
    layer: Option<&str>,
    watch: &Watch,
) -> Result<Located> {
    let not_found = |why: String| Error::NotFound {
        registry: reference.registry().to_owned(),
        what: format!("{asked} in {reference}"),
        detail: format!(": {why}"),
    };
    let (layer, path) = match layer {
        Some(wanted) => {
            let layer = pick_layer(image, wanted, reference)?;
            if let Some(why) = &layer.not_fetched {
                return Err(Error::input(
                    format!("layer {} of {reference} cannot be read", layer.index),
                    why.clone(),
                ));
            }
            let listing = client
                .layer_files(reference, &layer.digest, layer.size, Detail::Headers, watch)
                .await?;
            let tree = merge(std::slice::from_ref(&listing));
            let (_, path) = resolve(&tree, asked).map_err(not_found)?;
            (layer, path)
        }
        None => {
            let listings = client
                .layer_listings(reference, &image.layers, Detail::Headers, watch)
                .await?;
            let (index, path) = resolve(&merge(&listings), asked).map_err(not_found)?;
            let layer = image
                .layers
                .get(index)
                .ok_or_else(|| Error::internal("a layer index out of range"))?;
            (layer, path)
        }
    };
    Ok(Located {
        layer: layer.index,
        file: FileRef {
            digest: layer.digest.clone(),
            size: layer.size,
            path,
            asked: asked.to_owned(),
        },
    })
}

/// The name a copy of the file at `asked` (an image path) is saved under: its last part,
/// with separators, control characters and direction or invisible-formatting characters
/// replaced by `_`, at most 200 bytes; `file` when that leaves nothing usable (`.`, `..`,
/// empty). A dot file asked for by name keeps its name.
pub fn save_name(asked: &str) -> String {
    let last = asked
        .rsplit(['/', '\\'])
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let mut name = String::new();
    for c in last.chars() {
        let c = if unsafe_in_name(c) { '_' } else { c };
        if name.len() + c.len_utf8() > MAX_NAME_BYTES {
            break;
        }
        name.push(c);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        FALLBACK_NAME.to_owned()
    } else {
        name.to_owned()
    }
}

/// Whether `c` may not appear in a saved name: separators (either OS's), characters
/// Windows refuses, controls, and the formatting characters that reorder or hide text
/// (bidi embeddings, overrides and isolates, marks, zero-width ones, the BOM).
fn unsafe_in_name(c: char) -> bool {
    matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        || c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Whether a file already where a copy goes may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Keep it: the save fails and says so.
    Keep,
    /// Replace it (the user said so: `--force`, or a save dialog's own confirmation).
    Replace,
}

/// Where a copy of the file at `asked` goes when the user names `to`: inside `to` under
/// [`save_name`] when `to` is a folder, else `to` itself.
pub fn save_target(to: &Path, asked: &str) -> PathBuf {
    if to.is_dir() {
        to.join(save_name(asked))
    } else {
        to.to_owned()
    }
}

/// Where a copy of the file at `asked` goes for `to` (see [`save_target`]), or an error
/// when a file is already there and `existing` says to keep it: what a front end checks
/// before reading anything.
pub fn check_target(to: &Path, asked: &str, existing: Existing) -> Result<PathBuf> {
    let target = save_target(to, asked);
    if existing == Existing::Keep {
        refuse_existing(&target)?;
    }
    Ok(target)
}

/// Save the whole of `file` (of `reference`) where [`save_target`] says for `to`, once
/// its layer verified; what was read, with where it went.
pub async fn save(
    client: &Client,
    reference: &Reference,
    file: &FileRef,
    to: &Path,
    existing: Existing,
    shown: usize,
    watch: &Watch,
) -> Result<FileContent> {
    let target = check_target(to, &file.asked, existing)?;
    client
        .read_layer_file(
            reference,
            &file.digest,
            file.size,
            &file.path,
            shown,
            Some(SaveTo {
                path: &target,
                replace: existing == Existing::Replace,
            }),
            watch,
        )
        .await
}

/// Whether `e` is a save refused because a file was already there.
pub fn is_refused_existing(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists)
}

/// The image `reference` names, to read the files of: for an index, `platform`'s image
/// (`os/arch[/variant]`), else this machine's.
pub async fn image_of(
    client: &Client,
    reference: &Reference,
    platform: Option<&str>,
) -> Result<ImageDetails> {
    let platform = platform.map(Platform::parse).transpose()?;
    client.image_of(reference, platform.as_ref()).await
}

/// The layers of `image` a listing reads: the one `wanted` names (see [`pick_layer`]),
/// else every layer, base first.
pub fn chosen_layers(
    image: &ImageDetails,
    wanted: Option<&str>,
    reference: &Reference,
) -> Result<Vec<LayerRow>> {
    Ok(match wanted {
        None => image.layers.clone(),
        Some(wanted) => vec![pick_layer(image, wanted, reference)?.clone()],
    })
}

/// The files of layer `digest` (`size` bytes, as the manifest says) of `reference`'s
/// repository, read as it streams and verified, or from the listing cache.
pub async fn layer_listing(
    client: &Client,
    reference: &Reference,
    digest: &Digest,
    size: u64,
    watch: &Watch,
) -> Result<LayerListing> {
    client
        .layer_files(reference, digest, size, Detail::Headers, watch)
        .await
}

/// The listings of `layers` of `reference`'s image, in the order given, within the
/// engine's bounds on an image's listings (each layer read once).
pub async fn listings(
    client: &Client,
    reference: &Reference,
    layers: &[LayerRow],
    detail: Detail,
    watch: &Watch,
) -> Result<Vec<LayerListing>> {
    client
        .layer_listings(reference, layers, detail, watch)
        .await
}

/// An image's layer listings (base first) as one tree: each applied in order, whiteouts
/// included, each path with the layer that last wrote it and the bytes later layers
/// overwrite or delete.
pub fn merged(listings: &[LayerListing]) -> MergedTree {
    merge(listings)
}

/// The image `reference` names (for an index, `platform`'s, else this machine's) as one
/// tree (see [`merged`]).
pub async fn merged_files(
    client: &Client,
    reference: &Reference,
    platform: Option<&str>,
    watch: &Watch,
) -> Result<MergedTree> {
    let platform = platform.map(Platform::parse).transpose()?;
    client
        .merged_files(reference, platform.as_ref(), watch)
        .await
}

/// The first `shown` bytes of `file` (of `reference`), read from its layer as it streams;
/// nothing is saved.
pub async fn read(
    client: &Client,
    reference: &Reference,
    file: &FileRef,
    shown: usize,
    watch: &Watch,
) -> Result<FileContent> {
    client
        .read_layer_file(
            reference,
            &file.digest,
            file.size,
            &file.path,
            shown,
            None,
            watch,
        )
        .await
}

/// Image `first` against image `second` (for indexes, `platform`'s, else this
/// machine's): the layers they share, and the paths added, removed and changed.
pub async fn compare(
    client: &Client,
    first: &Reference,
    second: &Reference,
    platform: Option<&str>,
    watch: &Watch,
) -> Result<ImageDiff> {
    let platform = platform.map(Platform::parse).transpose()?;
    client
        .compare_images(first, second, platform.as_ref(), watch)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_copy_is_named_after_the_last_part_cleaned() {
        assert_eq!(save_name("etc/os-release"), "os-release");
        assert_eq!(save_name("/root/.bashrc"), ".bashrc", "asked for by name");
        assert_eq!(save_name("usr/bin/"), "bin");
        assert_eq!(save_name("a\\b\\c.txt"), "c.txt");
        assert_eq!(save_name("srv/evil\u{202E}txt.exe"), "evil_txt.exe");
        assert_eq!(save_name("srv/zero\u{200B}width\u{2066}x"), "zero_width_x");
        assert_eq!(save_name("srv/line\nbreak\u{1b}[31m"), "line_break_[31m");
        assert_eq!(save_name("srv/<script>:|"), "_script___");
        for nothing in ["", "/", ".", "..", "a/..", "srv/ ", "..."] {
            assert_eq!(save_name(nothing), "file", "{nothing:?}");
        }
        let long = format!("d/{}", "é".repeat(300));
        let name = save_name(&long);
        assert!(name.len() <= MAX_NAME_BYTES, "{}", name.len());
        assert!(name.chars().all(|c| c == 'é'));
    }

    #[test]
    fn a_folder_gets_the_cleaned_name_and_a_file_path_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            save_target(dir.path(), "etc/link-to-bashrc"),
            dir.path().join("link-to-bashrc")
        );
        assert_eq!(
            save_target(dir.path(), "../../x\u{202E}"),
            dir.path().join("x_")
        );
        let file = dir.path().join("chosen.txt");
        assert_eq!(save_target(&file, "etc/whatever"), file);
    }
}
