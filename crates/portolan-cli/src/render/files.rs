//! How layer listings look: `ls -l`-like lines per layer for people (links with their
//! target, whiteouts as deletions, unsafe paths flagged), the listings as they are for
//! `--json`. Paths come from the registry: they go out through `out!`, which strips
//! control characters.

use portolan_ops::{
    EntryKind, FileContent, FileEntry, ImageDiff, LayerListing, MergedEntry, MergedTree,
    SkippedLayer, Wasted,
};
use serde::Serialize;

use super::{human_size, print_json};
use crate::terminal::out;

/// `drwxr-xr-x`-style type and permission letters.
fn mode_text(e: &FileEntry) -> String {
    let kind = match &e.kind {
        EntryKind::Dir | EntryKind::OpaqueDir => 'd',
        EntryKind::Symlink { .. } => 'l',
        EntryKind::Hardlink { .. } => 'h',
        EntryKind::CharDevice => 'c',
        EntryKind::BlockDevice => 'b',
        EntryKind::Fifo => 'p',
        EntryKind::Whiteout => 'w',
        EntryKind::File | EntryKind::Other { .. } => '-',
    };
    let bits = "rwxrwxrwx";
    let perms: String = bits
        .chars()
        .enumerate()
        .map(|(i, c)| if e.mode & (1 << (8 - i)) != 0 { c } else { '-' })
        .collect();
    format!("{kind}{perms}")
}

fn under(prefix: Option<&str>, path: &str) -> bool {
    match prefix.map(|p| p.trim_start_matches("./").trim_start_matches('/')) {
        None | Some("") => true,
        Some(p) => path == p.trim_end_matches('/') || path.starts_with(p),
    }
}

/// Two images compared: layers shared, then paths added (+), removed (-) and changed (~).
pub fn diff(json: bool, first: &str, second: &str, d: &ImageDiff) {
    if json {
        print_json(d);
        return;
    }
    out!(
        "Layers: {} shared, {} only in {first}, {} only in {second}",
        d.shared_layers.len(),
        d.only_first.len(),
        d.only_second.len()
    );
    for e in &d.added {
        out!("+ {}{}", e.path, size_note(e));
    }
    for e in &d.removed {
        out!("- {}{}", e.path, size_note(e));
    }
    for c in &d.changed {
        let sizes = if c.before.size != c.after.size {
            format!(
                " ({} → {})",
                human_size(c.before.size),
                human_size(c.after.size)
            )
        } else {
            String::new()
        };
        out!("~ {}{sizes}  [{}]", c.path, c.what.join(", "));
    }
    out!(
        "{} added, {} removed, {} changed",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
}

fn size_note(e: &FileEntry) -> String {
    if e.kind == EntryKind::File {
        format!(" ({})", human_size(e.size))
    } else {
        String::new()
    }
}

/// Bytes of a binary file shown as hex.
const HEX_PREVIEW: usize = 256;

/// A file read from a layer: its text (control characters stripped by `out!`), or for a
/// binary file its size and a hex preview; where it was saved.
pub fn content(json: bool, layer: usize, c: &FileContent) {
    if json {
        #[derive(Serialize)]
        struct Content<'a> {
            binary: bool,
            cut: bool,
            layer: usize,
            path: &'a str,
            saved_to: Option<&'a str>,
            size: u64,
            text: Option<&'a str>,
        }
        print_json(&Content {
            binary: c.binary,
            cut: c.cut,
            layer,
            path: &c.path,
            saved_to: c.saved_to.as_deref(),
            size: c.size,
            text: c.text(),
        });
        return;
    }
    if let Some(to) = &c.saved_to {
        out!(
            "Saved {} ({}, from layer {layer}, verified) to {to}",
            c.path,
            human_size(c.size)
        );
        return;
    }
    match c.text() {
        Some(text) => {
            for line in text.lines() {
                out!("{line}");
            }
            if c.cut {
                out!(
                    "… cut at {} of {}; save it whole with --output",
                    human_size(c.bytes.len() as u64),
                    human_size(c.size)
                );
            }
        }
        None => {
            out!(
                "{}: binary, {} bytes (layer {layer}); save it with --output",
                c.path,
                c.size
            );
            for row in c.hex_rows(HEX_PREVIEW) {
                out!("{row}");
            }
        }
    }
}

/// How many of the biggest wasted files the text form names.
const WORST: usize = 10;

pub fn merged(json: bool, tree: &MergedTree, prefix: Option<&str>) {
    if json {
        #[derive(Serialize)]
        struct Merged<'a> {
            entries: Vec<&'a MergedEntry>,
            skipped: &'a [SkippedLayer],
            total_bytes: u64,
            wasted: &'a [Wasted],
            wasted_bytes: u64,
        }
        print_json(&Merged {
            entries: tree
                .entries
                .iter()
                .filter(|e| under(prefix, &e.entry.path))
                .collect(),
            skipped: &tree.skipped,
            total_bytes: tree.total_bytes,
            wasted: &tree.wasted,
            wasted_bytes: tree.wasted_bytes,
        });
        return;
    }
    for m in tree.entries.iter().filter(|e| under(prefix, &e.entry.path)) {
        let e = &m.entry;
        let link = match &e.kind {
            EntryKind::Symlink { target } => format!(" -> {target}"),
            EntryKind::Hardlink { target } => format!(" link to {target}"),
            _ => String::new(),
        };
        let history = if m.overwrote.is_empty() {
            String::new()
        } else {
            let earlier: Vec<String> = m.overwrote.iter().map(|l| l.to_string()).collect();
            format!("  (replaces layer {})", earlier.join(", "))
        };
        out!(
            "  {} {:>10}  L{:<3} {}{link}{history}",
            mode_text(e),
            if e.kind == EntryKind::File {
                human_size(e.size)
            } else {
                String::new()
            },
            m.layer,
            e.path,
        );
    }
    out!();
    let share = if tree.total_bytes > 0 {
        100.0 * tree.wasted_bytes as f64 / tree.total_bytes as f64
    } else {
        0.0
    };
    out!(
        "{} files, {} in all; wasted {} ({share:.1}%) in {} files later layers overwrite or delete",
        tree.entries
            .iter()
            .filter(|e| e.entry.kind == EntryKind::File)
            .count(),
        human_size(tree.total_bytes),
        human_size(tree.wasted_bytes),
        tree.wasted.len()
    );
    for w in tree.wasted.iter().take(WORST) {
        out!(
            "  {:>10}  {}  (layer {}, {} by layer {})",
            human_size(w.size),
            w.path,
            w.layer,
            if w.deleted { "deleted" } else { "overwritten" },
            w.by
        );
    }
    for s in &tree.skipped {
        out!("Layer {} is not in this tree: {}", s.layer, s.reason);
    }
}

pub fn files(json: bool, listings: &[(usize, LayerListing)], prefix: Option<&str>) {
    if json {
        #[derive(Serialize)]
        struct Layer<'a> {
            compression: &'a str,
            cut: bool,
            digest: String,
            entries: Vec<&'a FileEntry>,
            index: usize,
            #[serde(skip_serializing_if = "Option::is_none")]
            not_fetched: Option<&'a str>,
        }
        let layers: Vec<Layer> = listings
            .iter()
            .map(|(index, l)| Layer {
                compression: &l.compression,
                cut: l.cut,
                digest: l.digest.to_string(),
                entries: l
                    .entries
                    .iter()
                    .filter(|e| under(prefix, &e.path))
                    .collect(),
                index: *index,
                not_fetched: l.not_fetched.as_deref(),
            })
            .collect();
        print_json(&layers);
        return;
    }
    for (index, listing) in listings {
        if let Some(why) = &listing.not_fetched {
            out!("Layer {index}  {}  (not fetched: {why})", listing.digest);
            continue;
        }
        let shown: Vec<&FileEntry> = listing
            .entries
            .iter()
            .filter(|e| under(prefix, &e.path))
            .collect();
        out!(
            "Layer {index}  {}  ({}, {} entries{})",
            listing.digest,
            listing.compression,
            listing.entries.len(),
            if listing.cut {
                ", cut: too many to list"
            } else {
                ""
            }
        );
        for e in shown {
            let what = match &e.kind {
                EntryKind::Symlink { target } => format!(" -> {target}"),
                EntryKind::Hardlink { target } => format!(" link to {target}"),
                EntryKind::Whiteout => "  (deleted)".to_owned(),
                EntryKind::OpaqueDir => "  (opaque: lower layers' contents hidden)".to_owned(),
                _ => String::new(),
            };
            let flag = if e.unsafe_path { "  [unsafe path]" } else { "" };
            let content = e
                .content
                .as_ref()
                .map(|d| format!("  {d}"))
                .unwrap_or_default();
            out!(
                "  {} {:>5}/{:<5} {:>10}  {}{what}{flag}{content}",
                mode_text(e),
                e.uid,
                e.gid,
                if e.kind == EntryKind::File {
                    human_size(e.size)
                } else {
                    String::new()
                },
                if e.path.is_empty() { "." } else { &e.path },
            );
        }
    }
}
