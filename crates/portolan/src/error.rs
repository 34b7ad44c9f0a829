//! The engine's error type: one enum, each variant saying what happened, where, and what
//! the user can do about it.
//!
//! Front ends show `Display` to people and switch on [`Error::code`] (stable strings the
//! desktop app passes to its UI). No variant ever carries a secret.

use crate::reference::ReferenceError;

/// One error from a registry's JSON error body (`{"errors":[{code,message,detail}]}`).
///
/// Parsed leniently: registries send codes outside the spec, and `detail` can be anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistryErrorItem {
    /// `MANIFEST_UNKNOWN`, `DENIED`, ... or whatever the registry chose.
    pub code: String,
    /// The registry's message.
    pub message: String,
    /// `detail`, re-serialised as compact JSON when it was not a string.
    pub detail: Option<String>,
}

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The reference text is invalid.
    #[error(transparent)]
    Reference(#[from] ReferenceError),

    /// The registry could not be reached (DNS, refused connection, timeout, TLS).
    #[error("cannot reach {registry}: {reason}. {hint}")]
    Unreachable {
        /// Registry host.
        registry: String,
        /// What failed, from the HTTP stack.
        reason: String,
        /// What the user can do.
        hint: String,
    },

    /// The registry refused our credentials, or asked for some and we had none.
    #[error("{registry} refused access to {resource}: {reason}")]
    Unauthorized {
        /// Registry host.
        registry: String,
        /// What we asked for (a repository, the catalog).
        resource: String,
        /// Why, and what to do.
        reason: String,
    },

    /// Credentials are fine but do not grant this action.
    #[error("{registry} denied {action} on {resource}: {reason}")]
    Denied {
        /// Registry host.
        registry: String,
        /// pull, push, delete, list.
        action: String,
        /// What we asked for.
        resource: String,
        /// Why, and what to do.
        reason: String,
    },

    /// The repository, tag, manifest or blob does not exist.
    #[error("{what} was not found on {registry}{detail}")]
    NotFound {
        /// Registry host.
        registry: String,
        /// e.g. "manifest ghcr.io/o/i:v2".
        what: String,
        /// The registry's own words, if any (prefixed with ": ").
        detail: String,
    },

    /// The registry has no `_catalog` (ghcr.io, Docker Hub) or does not let us read it.
    #[error("{registry} does not list its repositories (the catalog answered {status}); open a repository by name instead")]
    CatalogUnavailable {
        /// Registry host.
        registry: String,
        /// The HTTP status it answered.
        status: u16,
    },

    /// The registry said no with an error we do not classify further.
    #[error("{registry} answered {status} for {what}{}", describe_items(.errors))]
    Registry {
        /// Registry host.
        registry: String,
        /// What we asked for.
        what: String,
        /// HTTP status.
        status: u16,
        /// Parsed error body.
        errors: Vec<RegistryErrorItem>,
    },

    /// The registry keeps answering 429.
    #[error("{registry} is rate limiting requests for {what}{}; try again later", .retry_after.map(|s| format!(" (it asked to wait {s} s)")).unwrap_or_default())]
    RateLimited {
        /// Registry host.
        registry: String,
        /// What we asked for.
        what: String,
        /// Seconds the registry asked us to wait last time.
        retry_after: Option<u64>,
    },

    /// Content did not hash to the digest it was fetched by or announced with.
    #[error("{registry} sent {what} whose content does not match its digest: expected {expected}, got {actual}. Nothing was kept; the registry or a proxy in between is serving wrong data")]
    DigestMismatch {
        /// Registry host.
        registry: String,
        /// e.g. "manifest localhost:5000/a:v1" or "blob sha256:...".
        what: String,
        /// The digest asked for or announced.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },

    /// A body was larger than we accept.
    #[error("{registry} sent {what} larger than the {limit}-byte limit; refusing it")]
    TooLarge {
        /// Registry host.
        registry: String,
        /// What it was.
        what: String,
        /// The limit in bytes.
        limit: u64,
    },

    /// A list (tags, repositories) is longer than we accept.
    #[error("{registry} lists more than {limit} {what}; Portolan stops there rather than hold an endless list")]
    TooMany {
        /// Registry host.
        registry: String,
        /// What was listed.
        what: String,
        /// The limit.
        limit: usize,
    },

    /// A manifest of a kind Portolan cannot read.
    #[error("{reference} is a {media_type} manifest, which Portolan cannot read: {hint}")]
    UnsupportedManifest {
        /// The reference.
        reference: String,
        /// Its media type.
        media_type: String,
        /// What to do.
        hint: String,
    },

    /// The registry answered something that is not what the protocol says.
    #[error("{registry} sent an invalid response for {what}: {detail}")]
    InvalidResponse {
        /// Registry host.
        registry: String,
        /// What we asked for.
        what: String,
        /// What was wrong.
        detail: String,
    },

    /// We refused to send credentials somewhere unsafe.
    #[error("refusing to send credentials for {registry} to {realm}: {reason}")]
    UnsafeRealm {
        /// Registry host.
        registry: String,
        /// The token endpoint the registry named.
        realm: String,
        /// Why it is unsafe.
        reason: String,
    },

    /// A registry reached over HTTPS sent us to plain HTTP (an upload `Location`, a redirect).
    #[error("{registry} sent {what} to {target}, which is plain HTTP although the registry is reached over HTTPS; refusing to continue without TLS (the registry or a proxy in front of it is misconfigured)")]
    InsecureDowngrade {
        /// Registry host.
        registry: String,
        /// What the request was for.
        what: String,
        /// The plain-HTTP origin it named.
        target: String,
    },

    /// A credential source (docker config, a helper, the keyring) failed.
    #[error("could not read credentials for {registry} from {source_name}: {detail}")]
    Credentials {
        /// Registry host.
        registry: String,
        /// "~/.docker/config.json", "docker-credential-pass", "the OS keyring".
        source_name: String,
        /// What failed.
        detail: String,
    },

    /// The OS keyring cannot be used at all.
    #[error("no OS keyring is available ({detail}); on Linux, a Secret Service such as gnome-keyring must be running and unlocked")]
    KeyringUnavailable {
        /// The platform error.
        detail: String,
    },

    /// The caller cancelled the operation. Nothing half-done is visible.
    #[error("cancelled")]
    Cancelled,

    /// A local file or folder could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What we were doing ("cannot write").
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },

    /// A local image (layout folder or archive) is not what it should be.
    #[error("{path} is not a usable image {kind}: {detail}")]
    BadSource {
        /// The file or folder.
        path: String,
        /// "OCI layout" or "archive".
        kind: &'static str,
        /// What is wrong.
        detail: String,
    },

    /// What a reference points at cannot be written in the form asked for (an artifact
    /// saved as a docker archive, which `docker load` and `podman load` refuse).
    #[error("{reference} is {found}, not {wanted}; {hint}")]
    WrongKind {
        /// The reference.
        reference: String,
        /// What it is ("an artifact (config type ...)").
        found: String,
        /// What the operation needs ("a container image").
        wanted: String,
        /// What to do instead.
        hint: String,
    },

    /// A single-platform image is not of the platform the user asked for (Docker's words).
    #[error("image with reference {reference} was found but does not match the specified platform: wanted {wanted}, actual: {actual}")]
    PlatformMismatch {
        /// The reference.
        reference: String,
        /// The platform asked for.
        wanted: String,
        /// The image's platform, from its config.
        actual: String,
    },

    /// The registry does not allow deleting manifests.
    #[error("{registry} does not allow deleting {what} ({status}). {hint}")]
    DeleteUnsupported {
        /// Registry host.
        registry: String,
        /// What we tried to delete.
        what: String,
        /// The HTTP status it answered.
        status: u16,
        /// What to do instead.
        hint: String,
    },

    /// A tag no longer points at the digest the user saw (`REPO:TAG@DIGEST`).
    #[error(
        "{reference} now points at {actual}, not {expected}: someone moved it; nothing was changed"
    )]
    TagMoved {
        /// The tag.
        reference: String,
        /// The digest the user named.
        expected: String,
        /// Where the tag points now.
        actual: String,
    },

    /// An untag failed half-way and the tag could not be put back.
    #[error("removing {reference} failed ({reason}), and putting the tag back failed too ({restore}): it now points at an empty placeholder manifest {placeholder}; tag {original} as it again to restore it")]
    TagLeftOnPlaceholder {
        /// The tag.
        reference: String,
        /// The digest the tag pointed at before.
        original: String,
        /// The placeholder it points at now.
        placeholder: String,
        /// Why the untag failed.
        reason: String,
        /// Why the restore failed.
        restore: String,
    },

    /// Local configuration is wrong (a CA file that cannot be read, ...).
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// A stable, machine-readable code for front ends.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Reference(_) => "invalid_reference",
            Self::Unreachable { .. } => "unreachable",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Denied { .. } => "denied",
            Self::NotFound { .. } => "not_found",
            Self::CatalogUnavailable { .. } => "catalog_unavailable",
            Self::Registry { .. } => "registry_error",
            Self::RateLimited { .. } => "rate_limited",
            Self::DigestMismatch { .. } => "digest_mismatch",
            Self::TooLarge { .. } => "too_large",
            Self::TooMany { .. } => "too_many",
            Self::UnsupportedManifest { .. } => "unsupported_manifest",
            Self::InvalidResponse { .. } => "invalid_response",
            Self::UnsafeRealm { .. } => "unsafe_realm",
            Self::InsecureDowngrade { .. } => "insecure_downgrade",
            Self::Credentials { .. } => "credentials",
            Self::KeyringUnavailable { .. } => "keyring_unavailable",
            Self::Cancelled => "cancelled",
            Self::Io { .. } => "io",
            Self::BadSource { .. } => "bad_source",
            Self::WrongKind { .. } => "wrong_kind",
            Self::PlatformMismatch { .. } => "platform_mismatch",
            Self::DeleteUnsupported { .. } => "delete_unsupported",
            Self::TagMoved { .. } => "tag_moved",
            Self::TagLeftOnPlaceholder { .. } => "tag_left_on_placeholder",
            Self::Config(_) => "config",
        }
    }
}

fn describe_items(items: &[RegistryErrorItem]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = items
        .iter()
        .map(|i| {
            let mut s = format!("{}: {}", i.code, i.message);
            if let Some(d) = &i.detail {
                s.push_str(&format!(" ({d})"));
            }
            s
        })
        .collect();
    format!(": {}", parts.join("; "))
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
