//! How a layer is compressed, as its media type says: the OCI `+gzip`/`+zstd` suffixes,
//! Docker's `.tar.gzip`, plain `.tar` for none — and `unknown` when the media type does
//! not tell (an artifact's blob of some other type). Nothing here looks at the bytes.

/// A layer's compression, from its media type (what its bytes are is
/// [`crate::layout::compression::DetectedCompression`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Compression {
    /// gzip (`…tar+gzip`, Docker's `…tar.gzip`).
    Gzip,
    /// zstd (`…tar+zstd`).
    Zstd,
    /// An uncompressed tar (`…tar`), or JSON.
    None,
    /// The media type does not say.
    Unknown,
}

impl Compression {
    /// The compression `media_type` declares.
    pub fn of_media_type(media_type: &str) -> Self {
        let t = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if t.ends_with("+gzip") || t.ends_with(".gzip") || t.ends_with("+gz") || t.ends_with(".gz")
        {
            Self::Gzip
        } else if t.ends_with("+zstd") || t.ends_with(".zstd") {
            Self::Zstd
        } else if t.ends_with(".tar")
            || t.ends_with("+tar")
            || t.ends_with("+json")
            || t == "application/json"
        {
            Self::None
        } else {
            Self::Unknown
        }
    }

    /// `gzip`, `zstd`, `none` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Zstd => "zstd",
            Self::None => "none",
            Self::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Compression::{self, *};

    #[test]
    fn compression_comes_from_the_media_type() {
        let cases = [
            ("application/vnd.oci.image.layer.v1.tar+gzip", Gzip),
            ("application/vnd.oci.image.layer.v1.tar+zstd", Zstd),
            ("application/vnd.oci.image.layer.v1.tar", None),
            (
                "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                Gzip,
            ),
            ("application/vnd.docker.image.rootfs.diff.tar.gzip", Gzip),
            (
                "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                Gzip,
            ),
            ("application/vnd.cncf.helm.chart.content.v1.tar+gzip", Gzip),
            ("application/vnd.in-toto+json", None),
            ("Application/VND.OCI.Image.Layer.v1.Tar+Zstd", Zstd),
            ("application/octet-stream", Unknown),
            ("application/vnd.example.weird", Unknown),
            ("", Unknown),
        ];
        for (media_type, want) in cases {
            assert_eq!(Compression::of_media_type(media_type), want, "{media_type}");
        }
        assert_eq!(Gzip.as_str(), "gzip");
        assert_eq!(Unknown.as_str(), "unknown");
    }
}
