//! Image references, parsed and normalised exactly as Docker does it.
//!
//! Every command a user types starts with a reference (`ubuntu`, `ghcr.io/o/i:v1`,
//! `localhost:5000/a/b@sha256:...`). Getting the normalisation right decides which host we
//! talk to and which repository we ask for, so this module follows distribution's
//! `reference/normalize.go` rule for rule: the first path component is a registry host only
//! when it is `localhost` or contains `.` or `:` (or upper-case letters); otherwise the
//! host is `docker.io` and one-component names get `library/`.

use std::fmt;

use crate::digest::Digest;

/// The registry host Docker Hub images live under in their canonical form.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that actually serves Docker Hub's Distribution API.
pub const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
const MAX_NAME_LEN: usize = 255;
const MAX_TAG_LEN: usize = 128;

/// A parsed, normalised reference: `registry/repository[:tag][@digest]`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

/// Why a reference could not be parsed, pointing at the offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid reference \"{input}\": {reason}\n  {input}\n  {caret}")]
pub struct ReferenceError {
    /// What the user typed.
    pub input: String,
    /// Byte offset of the offending part in `input`.
    pub offset: usize,
    /// What is wrong there, in words.
    pub reason: String,
    caret: String,
}

impl ReferenceError {
    fn new(input: &str, offset: usize, len: usize, reason: impl Into<String>) -> Self {
        let width = input[..offset.min(input.len())].chars().count();
        let caret = format!("{}{}", " ".repeat(width), "^".repeat(len.max(1)));
        Self {
            input: input.to_owned(),
            offset,
            reason: reason.into(),
            caret,
        }
    }
}

/// Refuse what cannot be a reference as a whole: nothing, surrounding spaces, a URL.
fn check_whole(input: &str) -> Result<(), ReferenceError> {
    if input.is_empty() {
        return Err(ReferenceError::new(input, 0, 1, "the reference is empty"));
    }
    if input.trim() != input {
        return Err(ReferenceError::new(
            input,
            0,
            input.len(),
            "the reference has leading or trailing spaces",
        ));
    }
    // A URL pasted in: say what a reference looks like rather than misread its scheme
    // as a host and port.
    if let Some(scheme) = ["http://", "https://", "oci://", "docker://"]
        .into_iter()
        .find(|s| input.to_ascii_lowercase().starts_with(s))
    {
        return Err(ReferenceError::new(
            input,
            0,
            scheme.len(),
            format!(
                "a reference has no scheme: drop the {scheme} (HOST/NAME:TAG; plain HTTP is chosen per host, not in the reference)"
            ),
        ));
    }
    Ok(())
}

/// `input` as its name, its tag and its digest: the digest is everything after the first
/// '@', the tag follows the last ':' when that ':' comes after the last '/'.
fn split_tag_and_digest(
    input: &str,
) -> Result<(&str, Option<String>, Option<Digest>), ReferenceError> {
    // Split off the digest: everything after the first '@'.
    let (name_and_tag, digest) = match input.find('@') {
        Some(at) => {
            let text = &input[at + 1..];
            let digest = Digest::parse(text).map_err(|e| {
                ReferenceError::new(input, at + 1, text.len(), format!("bad digest: {e}"))
            })?;
            (&input[..at], Some(digest))
        }
        None => (input, None),
    };
    // A tag follows the last ':' when that ':' comes after the last '/'.
    let last_slash = name_and_tag.rfind('/');
    let (name, tag) = match name_and_tag.rfind(':') {
        Some(colon) if last_slash.is_none_or(|s| colon > s) => {
            let tag = &name_and_tag[colon + 1..];
            validate_tag(input, colon + 1, tag)?;
            (&name_and_tag[..colon], Some(tag.to_owned()))
        }
        _ => (name_and_tag, None),
    };
    Ok((name, tag, digest))
}

impl Reference {
    /// Parse a reference the way `docker pull` does.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        check_whole(input)?;
        let (name, tag, digest) = split_tag_and_digest(input)?;
        if name.is_empty() {
            return Err(ReferenceError::new(
                input,
                0,
                1,
                "the repository name is empty",
            ));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(ReferenceError::new(
                input,
                0,
                name.len(),
                format!("the repository name is longer than {MAX_NAME_LEN} characters"),
            ));
        }
        let (registry, path, path_offset) = split_registry(name);
        if let Some(host) = registry {
            validate_host(input, host)?;
        }
        validate_path(input, path_offset, path)?;
        if registry.is_none() && is_hex_identifier(path) {
            return Err(ReferenceError::new(
                input,
                0,
                path.len(),
                "a 64-character hexadecimal string is an image ID, not a repository name",
            ));
        }
        let mut registry = registry.unwrap_or(DOCKER_HUB).to_owned();
        if registry == "index.docker.io" {
            registry = DOCKER_HUB.to_owned();
        }
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_owned()
        };
        Ok(Self {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// Build a reference from parts that are already known to be valid names.
    pub fn from_parts(
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        digest: Option<Digest>,
    ) -> Result<Self, ReferenceError> {
        let mut text = format!("{registry}/{repository}");
        if let Some(tag) = tag {
            text.push(':');
            text.push_str(tag);
        }
        let mut parsed = Self::parse(&text)?;
        parsed.digest = digest;
        Ok(parsed)
    }

    /// The canonical registry host (`docker.io` for Docker Hub).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The repository path inside the registry (`library/ubuntu`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if the user gave one.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest, if the user gave one. It decides over the tag.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// What to ask the registry for: the digest if given, else the tag, else `latest`.
    pub fn target(&self) -> Target {
        match (&self.digest, &self.tag) {
            (Some(d), _) => Target::Digest(d.clone()),
            (None, Some(t)) => Target::Tag(t.clone()),
            (None, None) => Target::Tag("latest".to_owned()),
        }
    }

    /// The same repository pinned to `digest` (the tag is kept for display).
    pub fn with_digest(&self, digest: Digest) -> Self {
        Self {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// `registry/repository`, the name without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The shortest form Docker would print (`ubuntu:latest`, `ghcr.io/o/i@sha256:...`).
    pub fn familiar(&self) -> String {
        let name = if self.registry == DOCKER_HUB {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_owned()
        } else {
            self.name()
        };
        let mut out = name;
        if let Some(tag) = &self.tag {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(&digest.to_string());
        }
        out
    }
}

impl fmt::Display for Reference {
    /// The fully qualified form: `docker.io/library/ubuntu:latest`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        match (&self.tag, &self.digest) {
            (Some(t), Some(d)) => write!(f, ":{t}@{d}"),
            (Some(t), None) => write!(f, ":{t}"),
            (None, Some(d)) => write!(f, "@{d}"),
            (None, None) => write!(f, ":latest"),
        }
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reference({self})")
    }
}

impl std::str::FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The host a registry name is served from (`docker.io` is served by `registry-1.docker.io`).
pub fn api_host(registry: &str) -> &str {
    if registry == DOCKER_HUB || registry == "index.docker.io" {
        DOCKER_HUB_API_HOST
    } else {
        registry
    }
}

/// Normalise what a user typed as a registry (`https://ghcr.io/`, `index.docker.io`) to a host.
pub fn normalize_registry(input: &str) -> Result<String, ReferenceError> {
    let trimmed = input.trim();
    let without_scheme = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or(trimmed);
    let host = without_scheme
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    if host.is_empty() {
        return Err(ReferenceError::new(
            input,
            0,
            1,
            "the registry host is empty",
        ));
    }
    validate_host(&host, &host)?;
    Ok(match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DOCKER_HUB.to_owned()
        }
        _ => host,
    })
}

/// The repository a user means by `name` while browsing `registry`: `name` itself when it
/// names a registry (`ghcr.io/o/i`, `localhost:5000/x`), otherwise `name` inside
/// `registry` (`o/i` on ghcr.io is `ghcr.io/o/i`; `ubuntu` on Docker Hub is
/// `docker.io/library/ubuntu`).
pub fn repository_in(registry: &str, name: &str) -> Result<Reference, ReferenceError> {
    let name = name.trim().trim_start_matches('/');
    match split_registry(name) {
        (Some(_), _, _) => Reference::parse(name),
        (None, _, _) => Reference::parse(&format!("{registry}/{name}")),
    }
}

/// `name` without its registry, when its first part names one (Docker's rule: `localhost`,
/// or a `.` or `:` in it): `ghcr.io/o/app:v1` is `o/app:v1`, `nginx:1` stays `nginx:1`.
pub fn without_registry(name: &str) -> &str {
    split_registry(name).1
}

/// Split `name` into (registry, path, byte offset of path), Docker's `splitDockerDomain`.
fn split_registry(name: &str) -> (Option<&str>, &str, usize) {
    match name.find('/') {
        Some(slash) => {
            let first = &name[..slash];
            let is_host = first.contains('.')
                || first.contains(':')
                || first == "localhost"
                || first.to_lowercase() != first;
            if is_host {
                (Some(first), &name[slash + 1..], slash + 1)
            } else {
                (None, name, 0)
            }
        }
        None => (None, name, 0),
    }
}

fn validate_host(input: &str, host: &str) -> Result<(), ReferenceError> {
    let offset = input.find(host).unwrap_or(0);
    let err = |at: usize, len: usize, why: &str| {
        Err(ReferenceError::new(input, offset + at, len, why.to_owned()))
    };
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        // IPv6 literal: [::1]:5000
        match rest.find(']') {
            Some(end) => {
                let inner = &rest[..end];
                if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                    return err(1, inner.len(), "bad IPv6 address in the registry host");
                }
                let after = &rest[end + 1..];
                match after.strip_prefix(':') {
                    Some(p) => (None, Some((p, end + 3))),
                    None if after.is_empty() => (None, None),
                    None => {
                        return err(
                            end + 2,
                            after.len(),
                            "unexpected text after the IPv6 address",
                        )
                    }
                }
            }
            None => return err(0, host.len(), "unclosed '[' in the registry host"),
        }
    } else {
        match host.rfind(':') {
            Some(c) => (Some(&host[..c]), Some((&host[c + 1..], c + 1))),
            None => (Some(host), None),
        }
    };
    if let Some(name) = name {
        let mut at = 0;
        for label in name.split('.') {
            let ok = !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return err(
                    at,
                    label.len(),
                    "the registry host has an invalid component (letters, digits and inner '-' only)",
                );
            }
            at += label.len() + 1;
        }
    }
    if let Some((port, at)) = port {
        if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
            return err(at, port.len(), "the registry port must be a number");
        }
    }
    Ok(())
}

fn validate_path(input: &str, offset: usize, path: &str) -> Result<(), ReferenceError> {
    let mut at = offset;
    for component in path.split('/') {
        if component.is_empty() {
            return Err(ReferenceError::new(
                input,
                at,
                1,
                "the repository name has an empty path component",
            ));
        }
        if let Some(pos) = component.find(|c: char| c.is_ascii_uppercase()) {
            return Err(ReferenceError::new(
                input,
                at + pos,
                1,
                "repository name must be lowercase",
            ));
        }
        if let Some(pos) = bad_component_position(component) {
            return Err(ReferenceError::new(
                input,
                at + pos,
                1,
                "repository path components are lowercase letters and digits, separated by '.', '_', '__' or '-'",
            ));
        }
        at += component.len() + 1;
    }
    Ok(())
}

/// Where a path component breaks `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`, if it does.
fn bad_component_position(component: &str) -> Option<usize> {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = 0;
    loop {
        // a run of [a-z0-9]+
        let start = i;
        while i < bytes.len() && alnum(bytes[i]) {
            i += 1;
        }
        if i == start {
            return Some(i.min(bytes.len().saturating_sub(1)));
        }
        if i == bytes.len() {
            return None;
        }
        // a separator: '.', '_', '__', or '-'+
        let sep_start = i;
        match bytes[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < bytes.len() && bytes[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < bytes.len() && bytes[i] == b'-' {
                    i += 1;
                }
            }
            _ => return Some(sep_start),
        }
        if i == bytes.len() {
            return Some(sep_start);
        }
    }
}

fn validate_tag(input: &str, offset: usize, tag: &str) -> Result<(), ReferenceError> {
    if tag.is_empty() {
        return Err(ReferenceError::new(
            input,
            offset,
            1,
            "the tag after ':' is empty",
        ));
    }
    if tag.len() > MAX_TAG_LEN {
        return Err(ReferenceError::new(
            input,
            offset,
            tag.len(),
            format!("a tag is at most {MAX_TAG_LEN} characters"),
        ));
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for (i, c) in tag.char_indices() {
        let ok = if i == 0 {
            word(c)
        } else {
            word(c) || c == '.' || c == '-'
        };
        if !ok {
            return Err(ReferenceError::new(
                input,
                offset + i,
                1,
                "a tag is letters, digits, '_', '.' and '-', and does not start with '.' or '-'",
            ));
        }
    }
    Ok(())
}

/// What is wrong with a tag the user typed, in words (the offending character named), or
/// `None` when it is a valid tag: front ends check as the user types with it.
pub fn tag_problem(tag: &str) -> Option<String> {
    if tag.is_empty() {
        return Some("type a tag".to_owned());
    }
    let e = validate_tag(tag, 0, tag).err()?;
    match tag[e.offset..].chars().next() {
        Some(c) if tag.len() <= MAX_TAG_LEN => Some(format!(
            "{:?} at position {} is not allowed: {}",
            c,
            tag[..e.offset].chars().count() + 1,
            e.reason
        )),
        _ => Some(format!("{} (this one has {})", e.reason, tag.len())),
    }
}

/// Whether a name is a valid tag (used for untrusted tag names from registries, too).
pub fn is_valid_tag(tag: &str) -> bool {
    validate_tag(tag, 0, tag).is_ok()
}

fn is_hex_identifier(s: &str) -> bool {
    s.len() == 64
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// What a manifest request names: a tag or a digest. Which one is decided when the value
/// is made (from a parsed reference, a tag the user typed, or a [`Digest`]), never by
/// looking at the text afterwards: a hostile index whose child "digest" is not a digest
/// cannot turn a verified fetch by digest into an unverified fetch by tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A tag.
    Tag(String),
    /// A digest (the content is verified against it).
    Digest(Digest),
}

impl Target {
    /// A tag.
    pub fn tag(tag: impl Into<String>) -> Self {
        Self::Tag(tag.into())
    }

    /// The digest, when it is one.
    pub fn digest(&self) -> Option<&Digest> {
        match self {
            Self::Digest(d) => Some(d),
            Self::Tag(_) => None,
        }
    }

    /// `:tag` or `@digest`, to follow a repository name in messages.
    pub fn suffix(&self) -> String {
        match self {
            Self::Tag(t) => format!(":{t}"),
            Self::Digest(d) => format!("@{d}"),
        }
    }
}

impl fmt::Display for Target {
    /// As it goes in a URL path: the tag, or the digest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tag(t) => f.write_str(t),
            Self::Digest(d) => write!(f, "{d}"),
        }
    }
}

impl From<&Digest> for Target {
    fn from(d: &Digest) -> Self {
        Self::Digest(d.clone())
    }
}

impl From<Digest> for Target {
    fn from(d: Digest) -> Self {
        Self::Digest(d)
    }
}

/// Whether a tag holds supply-chain artifacts rather than an image: the referrers fallback
/// tag (`sha256-<hex>`) and cosign's `sha256-<hex>.sig`, `.att` and `.sbom`.
pub fn is_supply_chain_tag(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix("sha256-") else {
        return false;
    };
    // Checked as bytes first: a name is registry input, and splitting it at a byte that
    // is not a character boundary would panic.
    let hex_ok = rest.len() >= 64
        && rest.as_bytes()[..64]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
    if !hex_ok {
        return false;
    }
    // The first 64 bytes are ASCII, so byte 64 is a character boundary.
    let suffix = &rest[64..];
    suffix.is_empty()
        || suffix
            .strip_prefix('.')
            .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_told_to_drop_its_scheme() {
        let e = Reference::parse("http://localhost:5000/team/app:v1").expect_err("a URL");
        assert!(e.to_string().contains("drop the http://"), "{e}");
        let e = Reference::parse("HTTPS://ghcr.io/o/app").expect_err("a URL");
        assert!(e.to_string().contains("drop the https://"), "{e}");
    }

    #[test]
    fn supply_chain_tags() {
        let hex = "a".repeat(64);
        assert!(is_supply_chain_tag(&format!("sha256-{hex}")));
        assert!(is_supply_chain_tag(&format!("sha256-{hex}.sig")));
        assert!(!is_supply_chain_tag(&format!("sha256-{hex}.")));
        assert!(!is_supply_chain_tag(&format!("sha256-{}", "a".repeat(63))));
        assert!(!is_supply_chain_tag("v1.0"));
        assert!(!is_supply_chain_tag(&format!("sha256-{}", "A".repeat(64))));
        // A multi-byte character across byte 64: no panic.
        assert!(!is_supply_chain_tag(&format!("sha256-{}é", "a".repeat(63))));
        assert!(!is_supply_chain_tag(&format!(
            "sha256-{}é.sig",
            "a".repeat(64)
        )));
    }

    fn full(s: &str) -> String {
        Reference::parse(s).expect(s).to_string()
    }

    /// The examples from distribution's normalize_test.go (TestParseNormalizedNamed and friends).
    #[test]
    fn docker_normalisation_examples() {
        let cases = [
            ("docker/docker", "docker.io/docker/docker:latest"),
            ("library/debian", "docker.io/library/debian:latest"),
            ("debian", "docker.io/library/debian:latest"),
            ("docker.io/docker/docker", "docker.io/docker/docker:latest"),
            ("docker.io/library/debian", "docker.io/library/debian:latest"),
            ("docker.io/debian", "docker.io/library/debian:latest"),
            ("index.docker.io/docker/docker", "docker.io/docker/docker:latest"),
            ("index.docker.io/library/debian", "docker.io/library/debian:latest"),
            ("index.docker.io/debian", "docker.io/library/debian:latest"),
            ("127.0.0.1:5000/docker/docker", "127.0.0.1:5000/docker/docker:latest"),
            ("127.0.0.1:5000/library/debian", "127.0.0.1:5000/library/debian:latest"),
            ("127.0.0.1:5000/debian", "127.0.0.1:5000/debian:latest"),
            ("192.168.0.1/docker/docker", "192.168.0.1/docker/docker:latest"),
            ("192.168.0.1:5000/debian", "192.168.0.1:5000/debian:latest"),
            ("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest"),
            ("localhost/debian", "localhost/debian:latest"),
            ("localhost:5000/debian", "localhost:5000/debian:latest"),
            ("localhost/library/debian", "localhost/library/debian:latest"),
            ("docker.io/foo/bar", "docker.io/foo/bar:latest"),
            ("Foo/bar", "Foo/bar:latest"),
            ("xn--n3h.com/myimage", "xn--n3h.com/myimage:latest"),
            ("[::1]:5000/foo", "[::1]:5000/foo:latest"),
            ("ubuntu:22.04", "docker.io/library/ubuntu:22.04"),
            ("ghcr.io/octo-org/hello_world:v1.0", "ghcr.io/octo-org/hello_world:v1.0"),
            ("a.b-c/d__e/f---g.h:T_ag-1.0", "a.b-c/d__e/f---g.h:T_ag-1.0"),
        ];
        for (input, want) in cases {
            assert_eq!(full(input), want, "input {input}");
        }
    }

    #[test]
    fn familiar_forms_round_trip() {
        for (input, want) in [
            ("docker.io/library/ubuntu", "ubuntu"),
            ("index.docker.io/docker/docker:1", "docker/docker:1"),
            ("ghcr.io/o/i:v1", "ghcr.io/o/i:v1"),
        ] {
            assert_eq!(Reference::parse(input).expect(input).familiar(), want);
        }
    }

    #[test]
    fn digest_decides_over_tag() {
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let r = Reference::parse(&format!("localhost:5000/a/b:v1@{d}")).expect("parse");
        assert_eq!(r.registry(), "localhost:5000");
        assert_eq!(r.repository(), "a/b");
        assert_eq!(r.tag(), Some("v1"));
        assert_eq!(r.target().to_string(), d);
        assert!(r.target().digest().is_some());
        let r = Reference::parse(&format!("localhost:5000/a/b@{d}")).expect("parse");
        assert_eq!(r.tag(), None);
        assert_eq!(r.to_string(), format!("localhost:5000/a/b@{d}"));
    }

    #[test]
    fn invalid_references_point_at_the_problem() {
        let cases: [(&str, usize); 13] = [
            ("", 0),
            (":latest", 0),
            ("ubuntu:", 7),
            ("docker.io/Debian", 10),
            ("a//b", 2),
            ("-foo", 0),
            ("aa/asdf$$^/aa", 7),
            ("foo_bar.com:8080/x", 0),
            ("ubuntu:-bad", 7),
            ("ubuntu@sha256:abc", 7),
            ("host:port/x", 5),
            (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                0,
            ),
            ("ubuntu:tag with space", 10),
        ];
        for (input, offset) in cases {
            let err = Reference::parse(input).expect_err(input);
            assert_eq!(err.offset, offset, "input {input:?}: {err}");
        }
        let err = Reference::parse("docker.io/Debian").expect_err("uppercase");
        assert!(err.to_string().contains("must be lowercase"), "{err}");
        assert!(err.to_string().contains("\n            ^"), "{err}");
    }

    #[test]
    fn registry_input_is_normalised() {
        assert_eq!(
            normalize_registry("https://ghcr.io/").expect("ok"),
            "ghcr.io"
        );
        assert_eq!(
            normalize_registry("index.docker.io").expect("ok"),
            "docker.io"
        );
        assert_eq!(
            normalize_registry("https://index.docker.io/v1/").expect("ok"),
            "docker.io"
        );
        assert_eq!(
            normalize_registry("localhost:5000").expect("ok"),
            "localhost:5000"
        );
        assert!(normalize_registry("bad host").is_err());
        assert_eq!(api_host("docker.io"), "registry-1.docker.io");
    }

    #[test]
    fn names_typed_while_browsing_a_registry() {
        let name = |r: &str, n: &str| repository_in(r, n).expect(n).name();
        assert_eq!(name("ghcr.io", "octo/app"), "ghcr.io/octo/app");
        assert_eq!(name("ghcr.io", " /octo/app "), "ghcr.io/octo/app");
        assert_eq!(name("docker.io", "ubuntu"), "docker.io/library/ubuntu");
        assert_eq!(name("ghcr.io", "quay.io/org/x"), "quay.io/org/x");
        assert_eq!(name("ghcr.io", "localhost:5000/x"), "localhost:5000/x");
        assert!(repository_in("ghcr.io", "Octo/App").is_err());
    }

    #[test]
    fn tag_problems_are_said_in_words() {
        assert_eq!(tag_problem("v1.2-rc_3"), None);
        assert_eq!(tag_problem("").as_deref(), Some("type a tag"));
        let dash = tag_problem("-v1").unwrap_or_default();
        assert!(
            dash.starts_with("'-' at position 1 is not allowed"),
            "{dash}"
        );
        let slash = tag_problem("v1/2").unwrap_or_default();
        assert!(slash.starts_with("'/' at position 3"), "{slash}");
        let long = tag_problem(&"a".repeat(129)).unwrap_or_default();
        assert!(
            long.contains("at most 128") && long.contains("129"),
            "{long}"
        );
    }

    #[test]
    fn tags_are_checked() {
        assert!(is_valid_tag("v1.0-rc_1"));
        assert!(is_valid_tag(&"a".repeat(128)));
        assert!(!is_valid_tag(&"a".repeat(129)));
        assert!(!is_valid_tag(".hidden"));
        assert!(!is_valid_tag("<script>"));
    }
}
