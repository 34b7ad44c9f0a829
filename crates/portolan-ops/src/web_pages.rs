//! The vendor web pages Portolan sends the user to (a package's page, its settings, its
//! tags, a version, GitHub's new-token page), built from their parts on the web host that goes with
//! the configured API, and the links an image's labels name.
//!
//! An address an API returns (GitHub's `html_url`) is never opened: an API answer, or a
//! proxy in front of it, could point it anywhere, and "Change visibility…" would then send a
//! signed-in user to a look-alike page. Instead the page is named by its parts (the
//! repository `HOST/OWNER/PACKAGE`, whether the owner is a user or an organisation, a
//! version), each part percent-encoded as one path segment, on the web host of the vendor
//! API the settings name: `api.github.com` → `github.com`, GitHub Enterprise Server's
//! `https://HOST/api/v3` → `https://HOST`, the Hub API's own host for Docker Hub.
//!
//! A link from an image's labels (`org.opencontainers.image.source`, `url`,
//! `documentation`) is the image author's, not Portolan's: only `http` and `https` links
//! without credentials in them are opened, and the window names the link's host and asks
//! before opening it.

use portolan::{Error, Result};
use url::Url;

use crate::packages::{vendor_of, Place, Vendor, VendorApis};

/// Whether a package's owner is a user or an organisation (GitHub's pages differ).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OwnerKind {
    /// A user (`/users/OWNER/...`).
    #[default]
    User,
    /// An organisation (`/orgs/OWNER/...`).
    Organization,
}

/// A page to open in the browser, named by its parts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum WebPage {
    /// A package's page (`repository`: `HOST/OWNER/PACKAGE`).
    Package {
        /// `HOST/OWNER/PACKAGE`.
        repository: String,
        /// Who owns it.
        owner_kind: OwnerKind,
    },
    /// Where a package's visibility is changed (its settings page).
    PackageSettings {
        /// `HOST/OWNER/PACKAGE`.
        repository: String,
        /// Who owns it.
        owner_kind: OwnerKind,
    },
    /// Where a package's tags are managed by hand: on Docker Hub, whose published API
    /// has no tag delete, the repository's Tags page; on GitHub, the package's versions.
    Tags {
        /// `HOST/OWNER/PACKAGE`.
        repository: String,
        /// Who owns it.
        owner_kind: OwnerKind,
    },
    /// One version of a package: GitHub's version id, or a tag on Docker Hub.
    Version {
        /// `HOST/OWNER/PACKAGE`.
        repository: String,
        /// Who owns it.
        owner_kind: OwnerKind,
        /// The version id (GitHub) or tag (Docker Hub).
        version: String,
    },
    /// GitHub's page for a new classic token with the scopes Portolan uses ticked, for the
    /// GitHub that serves registry `host`.
    NewToken {
        /// The registry host (`ghcr.io`).
        host: String,
    },
    /// A link an image's labels name, which the user was shown (with its host) and chose.
    ImageLink {
        /// The link.
        url: String,
    },
}

/// The scopes Portolan asks a new GitHub token for: list, push, delete and restore.
const TOKEN_SCOPES: &str = "read:packages,write:packages,delete:packages";

impl WebPage {
    /// The page's address.
    pub fn url(&self, apis: &VendorApis) -> Result<Url> {
        match self {
            WebPage::Package {
                repository,
                owner_kind,
            } => package_url(apis, repository, *owner_kind, Tail::Page),
            WebPage::PackageSettings {
                repository,
                owner_kind,
            } => package_url(apis, repository, *owner_kind, Tail::Settings),
            WebPage::Tags {
                repository,
                owner_kind,
            } => package_url(apis, repository, *owner_kind, Tail::Tags),
            WebPage::Version {
                repository,
                owner_kind,
                version,
            } => package_url(apis, repository, *owner_kind, Tail::Version(version)),
            WebPage::NewToken { host } => {
                if vendor_of(host, apis) != Some(Vendor::GitHub) {
                    return Err(Error::input(
                        format!("{host} is not served by GitHub"),
                        "tokens are made on the GitHub that serves the registry",
                    ));
                }
                let mut url = github_web(&apis.github)?;
                url.path_segments_mut()
                    .map_err(|_| bad_api(&apis.github))?
                    .extend(["settings", "tokens", "new"]);
                url.query_pairs_mut()
                    .append_pair("scopes", TOKEN_SCOPES)
                    .append_pair("description", "Portolan");
                Ok(url)
            }
            WebPage::ImageLink { url } => image_link(url),
        }
    }
}

/// A link from an image's labels, if it may be offered: `http` or `https`, with a host and
/// no user name or password (`https://github.com@evil.example` goes to evil.example).
pub fn image_link(text: &str) -> Result<Url> {
    let refuse = || {
        Error::input(
            format!("\"{text}\" is not a web link"),
            "only http and https links without a user name or password are opened",
        )
    };
    let url = Url::parse(text.trim()).map_err(|_| refuse())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(refuse());
    }
    Ok(url)
}

/// Which page of a package.
enum Tail<'a> {
    Page,
    Settings,
    Tags,
    Version(&'a str),
}

/// A page of the package `repository` names, on its vendor's web host.
fn package_url(
    apis: &VendorApis,
    repository: &str,
    owner_kind: OwnerKind,
    tail: Tail<'_>,
) -> Result<Url> {
    let place = Place::parse(repository)?;
    let (Some(owner), Some(package)) = (place.owner.as_deref(), place.package.as_deref()) else {
        return Err(Error::input(
            format!("\"{repository}\" names no package"),
            "name it as HOST/OWNER/PACKAGE (ghcr.io/octocat/app)",
        ));
    };
    let version = match tail {
        Tail::Version(v) => Some(v),
        _ => None,
    };
    for part in [owner, package].into_iter().chain(version) {
        segment(part)?;
    }
    let vendor = vendor_of(&place.host, apis).ok_or_else(|| {
        Error::input(
            format!("{} has no web pages Portolan knows", place.host),
            "pages are opened for ghcr.io and docker.io (or the registry of a configured API)",
        )
    })?;
    match vendor {
        Vendor::GitHub => {
            let mut url = github_web(&apis.github)?;
            let owners = match owner_kind {
                OwnerKind::User => "users",
                OwnerKind::Organization => "orgs",
            };
            {
                let mut path = url.path_segments_mut().map_err(|_| bad_api(&apis.github))?;
                // A nested package (`team/app`) is one segment: `team%2Fapp`, as GitHub
                // names it.
                path.extend([owners, owner, "packages", "container"]);
                match tail {
                    Tail::Page => path.extend(["package", package]),
                    Tail::Settings => path.extend([package, "settings"]),
                    Tail::Tags => path.extend([package, "versions"]),
                    Tail::Version(id) => {
                        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                            return Err(Error::input(
                                format!("\"{id}\" is not a version id"),
                                "a GitHub version id is a number",
                            ));
                        }
                        path.extend([package, id])
                    }
                };
            }
            Ok(url)
        }
        Vendor::DockerHub => {
            let mut url = web_origin(&apis.hub)?;
            {
                let mut path = url.path_segments_mut().map_err(|_| bad_api(&apis.hub))?;
                match tail {
                    Tail::Page => path.extend(["r", owner, package]),
                    Tail::Settings => {
                        path.extend(["repository", "docker", owner, package, "settings"])
                    }
                    Tail::Tags => path.extend(["repository", "docker", owner, package, "tags"]),
                    Tail::Version(tag) => path.extend(["layers", owner, package, tag]),
                };
            }
            Ok(url)
        }
    }
}

/// Refuse a part that is not one plain path segment: empty, `.`/`..` (which a URL would
/// resolve away), or with control characters.
fn segment(part: &str) -> Result<()> {
    if part.is_empty() || part == "." || part == ".." || part.chars().any(char::is_control) {
        return Err(Error::input(
            format!(
                "\"{}\" cannot be part of a page address",
                part.escape_debug()
            ),
            "owner, package and version names are plain words",
        ));
    }
    Ok(())
}

/// The scheme, host and port of `api`, with an empty path.
fn web_origin(api: &str) -> Result<Url> {
    let mut url = Url::parse(api).map_err(|_| bad_api(api))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad_api(api));
    }
    url.set_path("");
    url.set_query(None);
    url.set_fragment(None);
    url.set_username("").map_err(|_| bad_api(api))?;
    url.set_password(None).map_err(|_| bad_api(api))?;
    Ok(url)
}

/// GitHub's web host for its API at `api`: `api.github.com` → `github.com` (and
/// `api.SUBDOMAIN.ghe.com` → `SUBDOMAIN.ghe.com`); GitHub Enterprise Server's
/// `https://HOST/api/v3`, or any other address, → its own host.
fn github_web(api: &str) -> Result<Url> {
    let mut url = web_origin(api)?;
    let web_host = url
        .host_str()
        .and_then(|h| h.strip_prefix("api."))
        .filter(|rest| rest.contains('.'))
        .map(str::to_owned);
    if let Some(host) = web_host {
        url.set_host(Some(&host)).map_err(|_| bad_api(api))?;
    }
    Ok(url)
}

fn bad_api(api: &str) -> Error {
    Error::Configuration {
        what: format!("the vendor API address {api}"),
        detail: "it is not an http(s) address with a host".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(page: WebPage, apis: &VendorApis) -> String {
        page.url(apis).expect("url").to_string()
    }

    #[test]
    fn github_pages_are_built_on_the_web_host_of_the_api() {
        let apis = VendorApis::default();
        let settings = |repository: &str, owner_kind| WebPage::PackageSettings {
            repository: repository.to_owned(),
            owner_kind,
        };
        assert_eq!(
            url(settings("ghcr.io/octo/app", OwnerKind::User), &apis),
            "https://github.com/users/octo/packages/container/app/settings"
        );
        assert_eq!(
            url(
                settings("ghcr.io/acme/team/app", OwnerKind::Organization),
                &apis
            ),
            "https://github.com/orgs/acme/packages/container/team%2Fapp/settings"
        );
        assert_eq!(
            url(
                WebPage::Package {
                    repository: "ghcr.io/octo/app".to_owned(),
                    owner_kind: OwnerKind::User
                },
                &apis
            ),
            "https://github.com/users/octo/packages/container/package/app"
        );
        assert_eq!(
            url(
                WebPage::Version {
                    repository: "ghcr.io/octo/app".to_owned(),
                    owner_kind: OwnerKind::User,
                    version: "42".to_owned()
                },
                &apis
            ),
            "https://github.com/users/octo/packages/container/app/42"
        );
        assert_eq!(
            url(
                WebPage::Tags {
                    repository: "ghcr.io/octo/app".to_owned(),
                    owner_kind: OwnerKind::User
                },
                &apis
            ),
            "https://github.com/users/octo/packages/container/app/versions"
        );
        assert_eq!(
            url(
                WebPage::NewToken {
                    host: "ghcr.io".to_owned()
                },
                &apis
            ),
            "https://github.com/settings/tokens/new?scopes=read%3Apackages%2Cwrite%3Apackages%2Cdelete%3Apackages&description=Portolan"
        );
        // GitHub Enterprise Server: the API under /api/v3, the pages on the same host.
        let ghes = VendorApis {
            github: "https://git.corp.example/api/v3".to_owned(),
            github_registry: Some("containers.corp.example".to_owned()),
            ..VendorApis::default()
        };
        assert_eq!(
            url(
                settings("containers.corp.example/team/app", OwnerKind::Organization),
                &ghes
            ),
            "https://git.corp.example/orgs/team/packages/container/app/settings"
        );
        // GitHub Enterprise Cloud with data residency.
        let ghe_com = VendorApis {
            github: "https://api.acme.ghe.com".to_owned(),
            ..VendorApis::default()
        };
        assert_eq!(
            url(settings("ghcr.io/octo/app", OwnerKind::User), &ghe_com),
            "https://acme.ghe.com/users/octo/packages/container/app/settings"
        );
    }

    #[test]
    fn hostile_names_stay_inside_one_path_segment_on_the_configured_host() {
        let apis = VendorApis::default();
        for (repository, want) in [
            (
                "ghcr.io/octo/a%2F..%2F..%2Fsettings",
                "https://github.com/users/octo/packages/container/a%252F..%252F..%252Fsettings/settings",
            ),
            (
                "ghcr.io/octo/x\\..\\evil",
                "https://github.com/users/octo/packages/container/x%5C..%5Cevil/settings",
            ),
        ] {
            let page = WebPage::PackageSettings {
                repository: repository.to_owned(),
                owner_kind: OwnerKind::User,
            };
            let built = page.url(&apis).expect("url");
            assert_eq!(built.host_str(), Some("github.com"));
            assert_eq!(built.as_str(), want);
        }
        for bad in ["ghcr.io/../app", "ghcr.io/octo/..", "ghcr.io/octo/a\u{1b}b"] {
            let page = WebPage::PackageSettings {
                repository: bad.to_owned(),
                owner_kind: OwnerKind::User,
            };
            assert!(page.url(&apis).is_err(), "{bad:?} refused");
        }
        let not_a_number = WebPage::Version {
            repository: "ghcr.io/octo/app".to_owned(),
            owner_kind: OwnerKind::User,
            version: "1?x=@evil.example".to_owned(),
        };
        assert!(not_a_number.url(&apis).is_err());
        // A registry no vendor API serves has no pages.
        let elsewhere = WebPage::Package {
            repository: "127.0.0.1:5000/octo/app".to_owned(),
            owner_kind: OwnerKind::User,
        };
        assert!(elsewhere.url(&apis).is_err());
    }

    #[test]
    fn docker_hub_pages_are_on_the_hub_host() {
        let apis = VendorApis::default();
        let page = |kind: fn(String) -> WebPage| url(kind("docker.io/alice/app".to_owned()), &apis);
        assert_eq!(
            page(|repository| WebPage::Package {
                repository,
                owner_kind: OwnerKind::User
            }),
            "https://hub.docker.com/r/alice/app"
        );
        assert_eq!(
            page(|repository| WebPage::PackageSettings {
                repository,
                owner_kind: OwnerKind::User
            }),
            "https://hub.docker.com/repository/docker/alice/app/settings"
        );
        assert_eq!(
            page(|repository| WebPage::Tags {
                repository,
                owner_kind: OwnerKind::User
            }),
            "https://hub.docker.com/repository/docker/alice/app/tags"
        );
        assert_eq!(
            page(|repository| WebPage::Version {
                repository,
                owner_kind: OwnerKind::User,
                version: "1.0#x".to_owned()
            }),
            "https://hub.docker.com/layers/alice/app/1.0%23x"
        );
        assert!(WebPage::NewToken {
            host: "docker.io".to_owned()
        }
        .url(&apis)
        .is_err());
    }

    #[test]
    fn image_links_are_plain_web_links_only() {
        assert_eq!(
            image_link("https://github.com/example/app")
                .expect("https")
                .host_str(),
            Some("github.com")
        );
        assert!(image_link("http://example.org/docs").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ssh://git@github.com/x",
            "https://github.com@evil.example/x",
            "https://user:pw@example.org/",
            "not a url",
            "",
        ] {
            assert!(image_link(bad).is_err(), "{bad} refused");
        }
    }
}
