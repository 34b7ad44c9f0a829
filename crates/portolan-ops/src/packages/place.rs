//! A place a user names for packages, the way they name an image: `HOST`,
//! `HOST/OWNER`, `HOST/OWNER/PACKAGE` (`team/app` when nested), never with a tag or digest.

use portolan::reference::DOCKER_HUB;
use portolan::{Error, Result};

/// A place a user names: a registry, an owner in it, maybe a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The registry host.
    pub host: String,
    /// The owner (GitHub user or organisation, Hub namespace), if named.
    pub owner: Option<String>,
    /// The package (repository) under the owner, if named (`team/app` when nested).
    pub package: Option<String>,
}

impl Place {
    /// Parse `HOST[/OWNER[/PACKAGE...]]`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim().trim_end_matches('/');
        let mut parts = text.splitn(3, '/');
        let host = parts.next().filter(|h| !h.is_empty()).ok_or_else(|| {
            Error::input(
                "no registry named",
                "give e.g. ghcr.io/OWNER or docker.io/NAMESPACE",
            )
        })?;
        let host = if host == "index.docker.io" {
            DOCKER_HUB
        } else {
            host
        };
        let owner = parts.next().map(str::to_owned);
        let package = parts.next().map(str::to_owned);
        for part in owner.iter().chain(package.iter()) {
            if part.is_empty() || part.contains(['?', '#', ':', '@']) || part.contains("//") {
                return Err(Error::input(
                    format!("\"{text}\" is not HOST/OWNER/PACKAGE"),
                    "name a package as in an image reference, without tag or digest",
                ));
            }
        }
        Ok(Self {
            host: host.to_owned(),
            owner,
            package,
        })
    }

    /// The package's repository as an image reference would name it.
    pub fn repository(&self) -> Option<String> {
        Some(format!(
            "{}/{}/{}",
            self.host,
            self.owner.as_deref()?,
            self.package.as_deref()?
        ))
    }
}

/// The package `HOST/OWNER/PACKAGE` named, or the error saying how to name one.
pub(super) fn package_place(place: &str) -> Result<(Place, String, String)> {
    let place = Place::parse(place)?;
    match (&place.owner, &place.package) {
        (Some(owner), Some(package)) => {
            let (o, p) = (owner.clone(), package.clone());
            Ok((place, o, p))
        }
        _ => Err(Error::input(
            format!("\"{}\" names no package", place.host),
            "name it as HOST/OWNER/PACKAGE (ghcr.io/octocat/app)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_parse_as_references_name_them() {
        let p = Place::parse("ghcr.io/octo/team/app").expect("place");
        assert_eq!(p.owner.as_deref(), Some("octo"));
        assert_eq!(p.package.as_deref(), Some("team/app"));
        assert_eq!(p.repository().as_deref(), Some("ghcr.io/octo/team/app"));
        assert_eq!(
            Place::parse("index.docker.io/alice").expect("hub").host,
            "docker.io"
        );
        assert!(Place::parse("ghcr.io/octo/app:v1").is_err());
        assert!(Place::parse("").is_err());
    }
}
