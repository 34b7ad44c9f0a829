//! What a transfer did, in the one line both front ends show: the CLI prints it, the app
//! shows it when the transfer ends. Kept here so the two cannot say different things about
//! the same report.

use portolan::{Digest, Reference};

/// Sizes as people read them: `1.5 MiB`. Any `u64` (a registry states sizes; sums of them
/// saturate at `u64::MAX`, 16 EiB) has a unit to be shown in.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// What moved in a transfer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Moved {
    /// Bytes sent or received.
    pub bytes: u64,
    /// Blobs already there (not moved).
    pub skipped: usize,
    /// Blobs mounted from another repository (not moved).
    pub mounted: usize,
    /// Bytes an interrupted earlier run had already moved (a resumed pull).
    pub resumed: u64,
}

/// "Pulled ghcr.io/o/app:1 (sha256:…; 12.0 MiB moved, 2 blobs already there)".
pub fn transferred(verb: &str, reference: &Reference, digest: &Digest, moved: Moved) -> String {
    let mut extra = if moved.resumed > 0 {
        format!(
            "resumed: {} already here, {} moved",
            human_size(moved.resumed),
            human_size(moved.bytes)
        )
    } else {
        format!("{} moved", human_size(moved.bytes))
    };
    if moved.skipped > 0 {
        extra.push_str(&format!(", {} blobs already there", moved.skipped));
    }
    if moved.mounted > 0 {
        extra.push_str(&format!(", {} blobs mounted", moved.mounted));
    }
    format!("{verb} {} ({digest}; {extra})", reference.familiar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(u64::MAX), "16.0 EiB");
    }

    #[test]
    fn a_resumed_pull_says_what_it_moved_and_what_was_already_here() {
        let reference = Reference::parse("ghcr.io/o/app:1").expect("reference");
        let digest = Digest::sha256_of(b"x");
        let line = transferred(
            "Pulled",
            &reference,
            &digest,
            Moved {
                bytes: 130_233_139,
                resumed: 69_835_161,
                ..Moved::default()
            },
        );
        assert!(
            line.contains("resumed: 66.6 MiB already here, 124.2 MiB moved"),
            "{line}"
        );
    }
}
