//! The engine's error type: one enum, each variant saying what happened, where, and what
//! the user can do about it.
//!
//! Front ends show `Display` to people and switch on [`Error::code`], a coarse
//! [`ErrorCode`] that the CLI's `--json` output and the desktop app's UI both receive. The
//! variants stay fine-grained: they carry what the message needs. Messages are front-end
//! neutral (they name no command-line flag); a front end adds its own hints.
//! No variant ever carries a secret.

use crate::platform::PlatformError;
use crate::reference::ReferenceError;

/// The class of an [`Error`]: what a front end switches on. Stable, serialised in
/// snake_case (`not_found`, `too_large`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    /// What the user typed or chose is not valid (a reference, a platform, a tag name, a
    /// local image that is not usable, options that do not go together).
    Input,
    /// The repository, tag, manifest or blob does not exist (or not for that platform).
    NotFound,
    /// The registry wants (other) credentials.
    Unauthorized,
    /// The credentials are fine but do not allow this.
    Forbidden,
    /// The registry could not be reached (DNS, refused connection, timeout, broken transfer).
    Unreachable,
    /// The TLS connection failed (an untrusted or invalid certificate, a failed handshake).
    Tls,
    /// Portolan refused to go on because it would be unsafe (credentials to an unsafe token
    /// service, a downgrade from HTTPS to plain HTTP).
    Insecure,
    /// The registry keeps asking us to slow down.
    RateLimited,
    /// Content does not match its digest.
    Integrity,
    /// A body or list is larger than Portolan accepts.
    TooLarge,
    /// The registry or Portolan does not support this (deletes, the catalog, a manifest
    /// kind, writing an artifact as a docker archive).
    Unsupported,
    /// The registry changed under us (a tag moved since the user looked).
    Conflict,
    /// An operation failed half-way and left something to repair (the message says what).
    Incomplete,
    /// The registry answered with an error Portolan does not classify further.
    Registry,
    /// The registry answered something that is not what the protocol says.
    Protocol,
    /// A credential store (Docker's config or helpers, the OS keyring) failed.
    Credentials,
    /// Local configuration is wrong (a CA file or client certificate that cannot be used,
    /// an unreadable Docker config).
    Configuration,
    /// The local container engine (Docker, Podman) is not there, not reachable or refused.
    Engine,
    /// The user cancelled.
    Cancelled,
    /// A local file or folder could not be read or written.
    Io,
    /// A bug or a failed internal task.
    Internal,
    /// A signature or attestation does not hold, or holds but by someone other than the
    /// signer expected.
    Untrusted,
}

impl ErrorCode {
    /// Every code, in the order the documentation lists them.
    pub const ALL: [ErrorCode; 22] = [
        Self::Input,
        Self::NotFound,
        Self::Unauthorized,
        Self::Forbidden,
        Self::Unreachable,
        Self::Tls,
        Self::Insecure,
        Self::RateLimited,
        Self::Integrity,
        Self::TooLarge,
        Self::Unsupported,
        Self::Conflict,
        Self::Incomplete,
        Self::Registry,
        Self::Protocol,
        Self::Credentials,
        Self::Configuration,
        Self::Engine,
        Self::Cancelled,
        Self::Io,
        Self::Internal,
        Self::Untrusted,
    ];

    /// What the code means, in one line, as the documentation says it.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Input => "what was typed or chosen is not valid (a reference, a platform, a tag, options that do not go together)",
            Self::NotFound => "the repository, tag, manifest or blob does not exist (or not for that platform)",
            Self::Unauthorized => "the registry wants (other) credentials",
            Self::Forbidden => "the credentials are fine but do not allow this",
            Self::Unreachable => "the registry could not be reached (DNS, refused connection, timeout, broken transfer)",
            Self::Tls => "the TLS connection failed (an untrusted or invalid certificate, a failed handshake)",
            Self::Insecure => "refused as unsafe (credentials to an unsafe token service, HTTPS to plain HTTP)",
            Self::RateLimited => "the registry keeps asking to slow down",
            Self::Integrity => "content does not match its digest",
            Self::TooLarge => "a body, list or name is larger than Portolan accepts (the message names the limit)",
            Self::Unsupported => "the registry or Portolan does not support this (deletes, the catalog, a manifest kind)",
            Self::Conflict => "the registry changed under us (a tag moved, or an image gained a tag since the preview)",
            Self::Incomplete => "done only in part; the message says what is left",
            Self::Registry => "the registry answered with an error Portolan does not classify further",
            Self::Protocol => "the registry answered something the protocol does not allow",
            Self::Credentials => "a credential store (Docker's config or helpers, the OS keyring) failed",
            Self::Configuration => "local configuration is wrong (a CA file or client certificate that cannot be used)",
            Self::Engine => "the local engine (Docker, Podman) is not there, not reachable, or refused",
            Self::Cancelled => "cancelled by the user",
            Self::Io => "a local file or folder could not be read or written",
            Self::Internal => "a bug or a failed internal task",
            Self::Untrusted => "a signature or attestation does not hold, or is by someone other than the expected signer",
        }
    }

    /// Whether trying the same thing again may succeed: not when what was asked is itself
    /// refused (invalid input, no permission, unsafe, unsupported), when the registry
    /// changed under the user (look again first), or when the user cancelled it.
    pub fn retryable(self) -> bool {
        !matches!(
            self,
            Self::Input
                | Self::Cancelled
                | Self::Forbidden
                | Self::Insecure
                | Self::Unsupported
                | Self::Conflict
                | Self::Untrusted
        )
    }

    /// The stable text of the code, as serialised (`not_found`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Unreachable => "unreachable",
            Self::Tls => "tls",
            Self::Insecure => "insecure",
            Self::RateLimited => "rate_limited",
            Self::Integrity => "integrity",
            Self::TooLarge => "too_large",
            Self::Unsupported => "unsupported",
            Self::Conflict => "conflict",
            Self::Incomplete => "incomplete",
            Self::Registry => "registry",
            Self::Protocol => "protocol",
            Self::Credentials => "credentials",
            Self::Configuration => "configuration",
            Self::Engine => "engine",
            Self::Cancelled => "cancelled",
            Self::Io => "io",
            Self::Internal => "internal",
            Self::Untrusted => "untrusted",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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

    /// The platform text is invalid.
    #[error(transparent)]
    Platform(#[from] PlatformError),

    /// Something else the user asked for is not valid: a tag name, a reference of the wrong
    /// kind for the operation, options that do not go together.
    #[error("{what}: {detail}")]
    Input {
        /// What is wrong ("\"v1!\" is not a valid tag").
        what: String,
        /// Why, or what to do instead.
        detail: String,
    },

    /// The registry could not be reached (DNS, refused connection, timeout, TLS).
    #[error("{}: {reason}. {hint}", if *tls { format!("{registry}'s TLS certificate was not accepted") } else { format!("cannot reach {registry}") })]
    Unreachable {
        /// Registry host.
        registry: String,
        /// What failed, from the HTTP stack.
        reason: String,
        /// What the user can do.
        hint: String,
        /// Whether TLS failed (a certificate refused, a handshake), rather than the network.
        tls: bool,
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

    /// An index has no image for the platform asked for.
    #[error("platform {wanted} in {reference} was not found on {registry}{detail}")]
    PlatformNotFound {
        /// Registry host.
        registry: String,
        /// The index's reference.
        reference: String,
        /// The platform asked for.
        wanted: String,
        /// The platforms it has, or what to do (prefixed with ": ").
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

    /// What a registry or API sent went past one of Portolan's memory budgets (one file
    /// name, the names of a layer or an image, a list's pages): reading stopped there.
    #[error("{registry} sent {what}, more than Portolan accepts ({limit}); it stopped reading there rather than hold it all in memory")]
    OverBudget {
        /// Registry or API host.
        registry: String,
        /// What it sent ("a file name of 256 MiB in layer sha256:…", "the tags of
        /// team/app").
        what: String,
        /// The limit, in words ("4 KiB", "64 MiB of names", "2,000 pages").
        limit: String,
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

    /// The local container engine could not be found, reached or used.
    #[error("{engine}: {detail}; {hint}")]
    Engine {
        /// Which engine, or where it was looked for.
        engine: String,
        /// What went wrong.
        detail: String,
        /// What to do.
        hint: String,
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

    /// A tag the user asked to create already points at another image, and they did not
    /// say to move it.
    #[error("{reference} already points at {digest}; moving it needs the user's confirmation")]
    TagExists {
        /// The tag.
        reference: String,
        /// Where it points now.
        digest: String,
    },

    /// What the user previewed is no longer what the registry holds (a tag was added to
    /// an image about to be deleted, or moved off it): nothing was done, so that nothing
    /// the preview did not show is lost.
    #[error("{what} changed since the preview: {changes}; nothing was done")]
    ChangedSincePreview {
        /// What was about to change (an image, a tag).
        what: String,
        /// The changes, in words ("prod was added").
        changes: String,
    },

    /// A change of many parts (a bulk clean-up) was done only in part: what failed was
    /// reported part by part.
    #[error("{0}")]
    PartlyDone(String),

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

    /// Local configuration cannot be used (a CA file or client certificate that cannot be
    /// read, a Docker config that is not valid JSON).
    #[error("{what}: {detail}")]
    Configuration {
        /// What could not be used ("cannot read CA file /etc/.../ca.crt for host").
        what: String,
        /// Why.
        detail: String,
    },

    /// A signature or attestation of an image does not hold, or holds but by someone
    /// other than the expected signer.
    #[error("{reference}: {detail}")]
    Untrusted {
        /// The image.
        reference: String,
        /// What failed, in words.
        detail: String,
    },

    /// A bug or a failed internal task (a worker that panicked, an invariant broken).
    #[error("internal error: {detail}")]
    Internal {
        /// What went wrong.
        detail: String,
    },
}

impl Error {
    /// The class of this error, for front ends to switch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Reference(_) | Self::Platform(_) | Self::Input { .. } => ErrorCode::Input,
            Self::BadSource { .. } => ErrorCode::Input,
            Self::Unreachable { tls: true, .. } => ErrorCode::Tls,
            Self::Unreachable { tls: false, .. } => ErrorCode::Unreachable,
            Self::Unauthorized { .. } => ErrorCode::Unauthorized,
            Self::Denied { .. } => ErrorCode::Forbidden,
            Self::NotFound { .. }
            | Self::PlatformNotFound { .. }
            | Self::PlatformMismatch { .. } => ErrorCode::NotFound,
            Self::CatalogUnavailable { .. }
            | Self::UnsupportedManifest { .. }
            | Self::DeleteUnsupported { .. }
            | Self::WrongKind { .. } => ErrorCode::Unsupported,
            Self::Registry { .. } => ErrorCode::Registry,
            Self::InvalidResponse { .. } => ErrorCode::Protocol,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::DigestMismatch { .. } => ErrorCode::Integrity,
            Self::TooLarge { .. } | Self::TooMany { .. } | Self::OverBudget { .. } => {
                ErrorCode::TooLarge
            }
            Self::UnsafeRealm { .. } | Self::InsecureDowngrade { .. } => ErrorCode::Insecure,
            Self::Credentials { .. } | Self::KeyringUnavailable { .. } => ErrorCode::Credentials,
            Self::Engine { .. } => ErrorCode::Engine,
            Self::Cancelled => ErrorCode::Cancelled,
            Self::Io { .. } => ErrorCode::Io,
            Self::TagMoved { .. } | Self::TagExists { .. } | Self::ChangedSincePreview { .. } => {
                ErrorCode::Conflict
            }
            Self::TagLeftOnPlaceholder { .. } | Self::PartlyDone(_) => ErrorCode::Incomplete,
            Self::Configuration { .. } => ErrorCode::Configuration,
            Self::Internal { .. } => ErrorCode::Internal,
            Self::Untrusted { .. } => ErrorCode::Untrusted,
        }
    }

    /// The HTTP status the registry answered, when the failure is an answer it gave (for
    /// a front end's own headline, with the registry's words kept as the details).
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Registry { status, .. }
            | Self::CatalogUnavailable { status, .. }
            | Self::DeleteUnsupported { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What was not found (`manifest HOST/REPO:TAG`, `repository HOST/REPO`), when that is
    /// the failure.
    pub fn missing(&self) -> Option<&str> {
        match self {
            Self::NotFound { what, .. } => Some(what),
            _ => None,
        }
    }

    /// The registry host the error is about, when there is one.
    pub fn registry(&self) -> Option<&str> {
        match self {
            Self::Unreachable { registry, .. }
            | Self::Unauthorized { registry, .. }
            | Self::Denied { registry, .. }
            | Self::NotFound { registry, .. }
            | Self::PlatformNotFound { registry, .. }
            | Self::CatalogUnavailable { registry, .. }
            | Self::Registry { registry, .. }
            | Self::RateLimited { registry, .. }
            | Self::DigestMismatch { registry, .. }
            | Self::TooLarge { registry, .. }
            | Self::TooMany { registry, .. }
            | Self::OverBudget { registry, .. }
            | Self::InvalidResponse { registry, .. }
            | Self::UnsafeRealm { registry, .. }
            | Self::InsecureDowngrade { registry, .. }
            | Self::Credentials { registry, .. }
            | Self::DeleteUnsupported { registry, .. } => Some(registry),
            _ => None,
        }
    }

    /// Bad user input: `what` is wrong, `detail` says why or what to do instead.
    pub fn input(what: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Input {
            what: what.into(),
            detail: detail.into(),
        }
    }

    /// `registry` answered `what` with something the protocol does not allow: `detail`
    /// says what was wrong ([`Error::InvalidResponse`]).
    pub fn protocol(
        registry: impl Into<String>,
        what: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self::InvalidResponse {
            registry: registry.into(),
            what: what.into(),
            detail: detail.into(),
        }
    }

    /// A bug or a failed internal task.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal {
            detail: detail.to_string(),
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

/// A size as a user reads it: `4 KiB`, `64 MiB`, `1.5 GiB` (exact bytes below 1 KiB).
pub fn size_words(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_is_offered_unless_the_same_request_must_fail_again() {
        let final_codes: Vec<&str> = ErrorCode::ALL
            .iter()
            .filter(|c| !c.retryable())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(
            final_codes,
            [
                "input",
                "forbidden",
                "insecure",
                "unsupported",
                "conflict",
                "cancelled",
                "untrusted"
            ]
        );
    }

    #[test]
    fn codes_serialise_as_their_stable_text() {
        for code in [
            ErrorCode::Input,
            ErrorCode::NotFound,
            ErrorCode::TooLarge,
            ErrorCode::RateLimited,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).expect("json");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(
                serde_json::from_str::<ErrorCode>(&json).expect("back"),
                code
            );
        }
    }

    #[test]
    fn variants_map_to_coarse_codes() {
        let unreachable = |tls| Error::Unreachable {
            registry: "r".into(),
            reason: "x".into(),
            hint: "y".into(),
            tls,
        };
        assert_eq!(unreachable(false).code(), ErrorCode::Unreachable);
        assert_eq!(unreachable(true).code(), ErrorCode::Tls);
        assert_eq!(unreachable(true).registry(), Some("r"));
        assert_eq!(Error::input("a", "b").code(), ErrorCode::Input);
        assert_eq!(Error::input("a", "b").to_string(), "a: b");
        assert_eq!(Error::internal("boom").code(), ErrorCode::Internal);
        let moved = Error::TagMoved {
            reference: "r/a:1".into(),
            expected: "sha256:a".into(),
            actual: "sha256:b".into(),
        };
        assert_eq!(moved.code(), ErrorCode::Conflict);
        assert_eq!(moved.registry(), None);
        assert_eq!(Error::Cancelled.code(), ErrorCode::Cancelled);
        let budget = Error::OverBudget {
            registry: "r".into(),
            what: "the tags of app".into(),
            limit: "64 MiB of names".into(),
        };
        assert_eq!(budget.code(), ErrorCode::TooLarge);
        assert_eq!(budget.registry(), Some("r"));
    }

    #[test]
    fn sizes_read_as_words() {
        assert_eq!(size_words(512), "512 bytes");
        assert_eq!(size_words(4096), "4 KiB");
        assert_eq!(size_words(64 << 20), "64 MiB");
        assert_eq!(size_words(3 << 29), "1.5 GiB");
    }
}
