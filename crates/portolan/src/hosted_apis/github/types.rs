//! What GitHub Packages says about packages and versions, as Portolan keeps it: only the
//! fields a user sees, each checked where it is read (a missing optional field is `None`,
//! an unknown visibility is kept as text rather than failing the whole list).

use std::fmt;

/// Whose packages: the signed-in user, another user, or an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The token's user (`/user/...`).
    Me,
    /// A user by login (`/users/{login}/...`).
    User(String),
    /// An organisation by login (`/orgs/{org}/...`).
    Org(String),
}

impl Owner {
    /// The API path prefix.
    pub(super) fn segments(&self) -> Vec<&str> {
        match self {
            Owner::Me => vec!["user"],
            Owner::User(login) => vec!["users", login],
            Owner::Org(org) => vec!["orgs", org],
        }
    }
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Me => f.write_str("the signed-in user"),
            Owner::User(login) => write!(f, "user {login}"),
            Owner::Org(org) => write!(f, "organisation {org}"),
        }
    }
}

/// Who can see a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Visibility {
    /// Anyone.
    Public,
    /// Those given access.
    Private,
    /// Members of the enterprise.
    Internal,
}

impl Visibility {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Internal => "internal",
        }
    }

    /// From what a user typed.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "public" => Some(Self::Public),
            "private" => Some(Self::Private),
            "internal" => Some(Self::Internal),
            _ => None,
        }
    }
}

/// Active or deleted versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionState {
    /// Versions in use.
    Active,
    /// Versions deleted in the last 30 days (restorable).
    Deleted,
}

impl VersionState {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionState::Active => "active",
            VersionState::Deleted => "deleted",
        }
    }
}

/// A container package.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Package {
    /// GitHub's id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: u64,
    /// Its name (`app`, or `team/app` for a nested one).
    pub name: String,
    /// The owner's login.
    pub owner: String,
    /// Who can see it, when GitHub says (`None` for a value Portolan does not know).
    pub visibility: Option<Visibility>,
    /// How many versions it has.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub version_count: Option<u64>,
    /// The repository it is linked to (`owner/repo`).
    pub repository: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: Option<String>,
    /// When it last changed (RFC 3339).
    pub updated_at: Option<String>,
    /// Its page on GitHub, as the API says (never opened: the app builds its pages from
    /// their parts, see `portolan_ops::web_pages`).
    pub html_url: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Package {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Login {
            login: String,
        }
        #[derive(serde::Deserialize)]
        struct Repo {
            full_name: Option<String>,
        }
        #[derive(serde::Deserialize)]
        struct Raw {
            id: u64,
            name: String,
            owner: Option<Login>,
            visibility: Option<String>,
            version_count: Option<u64>,
            repository: Option<Repo>,
            created_at: Option<String>,
            updated_at: Option<String>,
            html_url: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(Self {
            id: raw.id,
            name: raw.name,
            owner: raw.owner.map(|o| o.login).unwrap_or_default(),
            visibility: raw.visibility.as_deref().and_then(Visibility::parse),
            version_count: raw.version_count,
            repository: raw.repository.and_then(|r| r.full_name),
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            html_url: raw.html_url,
        })
    }
}

/// A version of a container package: one manifest (image or index), by digest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackageVersion {
    /// GitHub's id (to delete or restore it).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: u64,
    /// The manifest digest (GitHub calls it the version's name).
    pub digest: String,
    /// Its tags (none: an untagged version).
    pub tags: Vec<String>,
    /// When it was pushed (RFC 3339).
    pub created_at: Option<String>,
    /// When it last changed (RFC 3339).
    pub updated_at: Option<String>,
    /// When it was deleted, for a deleted version.
    pub deleted_at: Option<String>,
    /// Its page on GitHub.
    pub html_url: Option<String>,
}

impl<'de> serde::Deserialize<'de> for PackageVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Container {
            #[serde(default)]
            tags: Vec<String>,
        }
        #[derive(serde::Deserialize)]
        struct Metadata {
            container: Option<Container>,
        }
        #[derive(serde::Deserialize)]
        struct Raw {
            id: u64,
            name: String,
            metadata: Option<Metadata>,
            created_at: Option<String>,
            updated_at: Option<String>,
            deleted_at: Option<String>,
            html_url: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(Self {
            id: raw.id,
            digest: raw.name,
            tags: raw
                .metadata
                .and_then(|m| m.container)
                .map(|c| c.tags)
                .unwrap_or_default(),
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            deleted_at: raw.deleted_at,
            html_url: raw.html_url,
        })
    }
}
