//! Platforms (`linux/amd64`, `linux/arm64/v8`): parsing what users type, naming the
//! machine we run on, choosing an image from an index the way `docker pull` does, and
//! refusing a single-platform image of another platform when one was asked for (as
//! `docker pull --platform` does) instead of silently using it.

use std::fmt;

/// An OS, architecture and optional variant. Crosses to front ends as its text
/// (`linux/arm64/v8`), which [`Platform::parse`] reads back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Platform {
    /// `linux`, `windows`, ...
    pub os: String,
    /// `amd64`, `arm64`, ... (Go's names, as in image configs)
    pub architecture: String,
    /// `v7`, `v8`, ...
    pub variant: Option<String>,
}

/// Text that is not a platform.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{input}\" is not a platform; write os/arch or os/arch/variant, e.g. linux/arm64")]
pub struct PlatformError {
    /// What the user typed.
    pub input: String,
}

impl Platform {
    /// Parse `os/arch[/variant]`.
    pub fn parse(text: &str) -> Result<Self, PlatformError> {
        let parts: Vec<&str> = text.split('/').collect();
        let bad = || PlatformError {
            input: text.to_owned(),
        };
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        match parts.as_slice() {
            [os, arch] => Ok(Self::new(os, arch, None)),
            [os, arch, variant] => Ok(Self::new(os, arch, Some(variant))),
            _ => Err(bad()),
        }
    }

    /// A platform from its parts, with architecture aliases normalised.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Self {
        let architecture = match architecture {
            "x86_64" | "x86-64" => "amd64",
            "aarch64" => "arm64",
            "i386" | "x86" => "386",
            other => other,
        };
        Self {
            os: os.to_lowercase(),
            architecture: architecture.to_owned(),
            variant: variant.map(str::to_owned),
        }
    }

    /// The platform an index entry declares.
    pub fn of_entry(p: &oci_spec::image::Platform) -> Self {
        Self::new(
            &p.os().to_string(),
            &p.architecture().to_string(),
            p.variant().as_deref(),
        )
    }

    /// Whether `have` satisfies this (wanted) platform.
    pub fn accepts(&self, have: &Platform) -> bool {
        self.matches(&have.os, &have.architecture, have.variant.as_deref())
    }

    /// The machine Portolan runs on.
    pub fn host() -> Self {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            other => other,
        };
        let os = match std::env::consts::OS {
            "macos" | "ios" => "linux", // containers on a Mac run in a Linux VM
            other => other,
        };
        Self::new(os, arch, None)
    }

    /// The platform an image config declares (`os`, `architecture`, `variant`), when it
    /// names one; read leniently, so any JSON object with those fields will do.
    pub fn of_config(config: &[u8]) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_slice(config).ok()?;
        let os = value.get("os")?.as_str().filter(|s| !s.is_empty())?;
        let arch = value
            .get("architecture")?
            .as_str()
            .filter(|s| !s.is_empty())?;
        let variant = value
            .get("variant")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty());
        Some(Self::new(os, arch, variant))
    }

    /// Docker's rule for `--platform` on an image that is not an index: the image's own
    /// platform (`actual`, from its config) must satisfy this one, else it is refused with
    /// Docker's words.
    pub fn require(&self, actual: &Platform, reference: &str) -> crate::error::Result<()> {
        if self.accepts(actual) {
            return Ok(());
        }
        Err(crate::error::Error::PlatformMismatch {
            reference: reference.to_owned(),
            wanted: self.to_string(),
            actual: actual.to_string(),
        })
    }

    /// Whether an index entry with these fields satisfies this platform (a missing
    /// variant on our side matches any; arm64's default variant is v8).
    pub fn matches(&self, os: &str, architecture: &str, variant: Option<&str>) -> bool {
        if self.os != os || self.architecture != architecture {
            return false;
        }
        match (&self.variant, variant) {
            (None, _) => true,
            (Some(want), Some(have)) => want == have,
            (Some(want), None) => self.architecture == "arm64" && want == "v8",
        }
    }
}

impl serde::Serialize for Platform {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_image_of_another_platform_is_refused_in_dockers_words() {
        let config = br#"{"os":"linux","architecture":"amd64","rootfs":{"type":"layers"}}"#;
        let actual = Platform::of_config(config).expect("platform");
        assert_eq!(actual.to_string(), "linux/amd64");
        let arm = Platform::parse("linux/arm64").expect("ok");
        let err = arm.require(&actual, "h/r:1").expect_err("mismatch");
        assert_eq!(
            err.to_string(),
            "image with reference h/r:1 was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64"
        );
        assert!(matches!(err, crate::Error::PlatformMismatch { .. }));
        assert_eq!(err.code(), crate::error::ErrorCode::NotFound);
        assert!(Platform::parse("linux/amd64")
            .expect("ok")
            .require(&actual, "h/r:1")
            .is_ok());
        let v8 = Platform::of_config(br#"{"os":"linux","architecture":"arm64","variant":"v8"}"#)
            .expect("platform");
        assert!(arm.require(&v8, "h/r:1").is_ok());
        assert!(Platform::of_config(b"{}").is_none());
        assert!(Platform::of_config(b"not json").is_none());
    }

    #[test]
    fn parse_and_match() {
        let p = Platform::parse("linux/aarch64").expect("ok");
        assert_eq!(p.to_string(), "linux/arm64");
        assert!(p.matches("linux", "arm64", Some("v8")));
        assert!(Platform::parse("linux/arm/v7")
            .expect("ok")
            .matches("linux", "arm", Some("v7")));
        assert!(!Platform::parse("linux/arm/v7")
            .expect("ok")
            .matches("linux", "arm", Some("v6")));
        assert!(Platform::parse("linux/arm64/v8")
            .expect("ok")
            .matches("linux", "arm64", None));
        let err = Platform::parse("linux").expect_err("no arch");
        assert_eq!(err.input, "linux");
        assert_eq!(
            crate::Error::from(err).code(),
            crate::error::ErrorCode::Input
        );
        assert!(Platform::parse("linux//v7").is_err());
        assert_eq!(
            Platform::host().os,
            if cfg!(target_os = "windows") {
                "windows"
            } else {
                "linux"
            }
        );
    }
}
