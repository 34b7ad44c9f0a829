//! Notary Project signatures (what `notation sign` attaches): the JWS envelope checked
//! against a trust store of X.509 certificates the user chose.
//!
//! The rules are the Notary Project's (signature-specification, signature-envelope-jws,
//! signing-scheme, trust-store-trust-policy). The cryptography is libraries': rustls-webpki
//! builds and checks the certificate path (with sigstore-crypto's aws-lc signature
//! algorithms), aws-lc-rs checks the JWS signature (fixed-size ECDSA, RSASSA-PSS), and
//! x509-cert reads the signing certificate's subject and key usages. What is checked:
//! the envelope's critical headers, the signature over `protected.payload`, the chain to a
//! trust-store certificate (valid now, or at the authentic signing time of a signing
//! authority), the signer's expiry, and that the payload names the image being looked at.
//! Not checked (yet): COSE envelopes, RFC 3161 timestamp countersignatures, revocation,
//! trust policies' identities and verification plugins.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use jiff::Timestamp;
use rustls::pki_types::{
    alg_id, pem::PemObject as _, AlgorithmIdentifier, CertificateDer, InvalidSignature,
    SignatureVerificationAlgorithm, TrustAnchor, UnixTime,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::Decode as _;

use super::{Signer, Verdict};

/// The media type of a JWS envelope (the signature manifest's layer).
pub const JWS_MEDIA_TYPE: &str = "application/jose+json";
/// The media type of a COSE envelope.
pub const COSE_MEDIA_TYPE: &str = "application/cose";
/// The artifact type (or config media type) of a Notary Project signature manifest.
pub const SIGNATURE_ARTIFACT_TYPE: &str = "application/vnd.cncf.notary.signature";
/// The only payload content type (`cty`) the specification defines.
pub const PAYLOAD_CONTENT_TYPE: &str = "application/vnd.cncf.notary.payload.v1+json";

/// The most certificates read from one envelope's `x5c`.
const MAX_CHAIN: usize = 16;
/// The most bytes read from one trust-store file.
const MAX_TRUST_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most characters of text taken from a document into a message.
const MAX_SHOWN: usize = 300;

const SIGNING_SCHEME: &str = "io.cncf.notary.signingScheme";
const SIGNING_TIME: &str = "io.cncf.notary.signingTime";
const AUTHENTIC_SIGNING_TIME: &str = "io.cncf.notary.authenticSigningTime";
const EXPIRY: &str = "io.cncf.notary.expiry";
const VERIFICATION_PLUGIN: &str = "io.cncf.notary.verificationPlugin";
const VERIFICATION_PLUGIN_MIN_VERSION: &str = "io.cncf.notary.verificationPluginMinVersion";
/// The headers a verifier must understand when they are present: each must then be in `crit`,
/// and `crit` may name no others.
const CRITICAL_HEADERS: [&str; 5] = [
    SIGNING_SCHEME,
    AUTHENTIC_SIGNING_TIME,
    EXPIRY,
    VERIFICATION_PLUGIN,
    VERIFICATION_PLUGIN_MIN_VERSION,
];

/// `id-kp-codeSigning` (1.3.6.1.5.5.7.3.3), as the OID's DER value bytes.
const CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];
const KEY_USAGE_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const EXTENDED_KEY_USAGE_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
/// Extended key usages a Notary Project signing certificate must not have.
const FORBIDDEN_EKUS: [(ObjectIdentifier, &str); 5] = [
    (ObjectIdentifier::new_unwrap("2.5.29.37.0"), "any purpose"),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"),
        "TLS servers",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
        "TLS clients",
    ),
    (ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"), "email"),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8"),
        "timestamping",
    ),
];

/// Why a trust store cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum NotationError {
    /// The file or folder cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// What was read.
        path: PathBuf,
        /// The system's words.
        source: std::io::Error,
    },
    /// A symbolic link, which a Notary Project trust store may not hold.
    #[error("{} is a symbolic link; a Notary Project trust store holds no links", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A file too large to be a certificate file.
    #[error("{} is larger than 4 MB, too large for a certificate file", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// A file that does not hold readable X.509 certificates.
    #[error("{} is not a certificate file: {detail}", path.display())]
    BadCertificate {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// No certificate was found.
    #[error("{} holds no certificate (.pem, .crt, .cer or .der)", path.display())]
    Empty {
        /// The file or folder.
        path: PathBuf,
    },
}

/// Which Notary Project trust store a set of certificates is: the signing scheme of a
/// signature decides which kind may verify it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrustStoreKind {
    /// Certificate authorities (`x509/ca`), for the `notary.x509` scheme.
    #[default]
    CertificateAuthority,
    /// Signing authorities (`x509/signingAuthority`), for `notary.x509.signingAuthority`.
    SigningAuthority,
}

/// The certificates a user trusts for Notation signatures (normally root CAs): one PEM or
/// DER file, or a folder of them (a named store such as `truststore/x509/ca/acme`).
#[derive(Debug, Clone)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor<'static>>,
    kind: TrustStoreKind,
}

impl TrustStore {
    /// Load a certificate-authority store from a file (PEM with one or more certificates,
    /// or one DER certificate) or a folder. In a folder, the `.pem`, `.crt`, `.cer` and
    /// `.der` files are read and subfolders are ignored, as Notation does; symbolic links
    /// are refused, as the specification requires.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, NotationError> {
        let path = path.as_ref();
        let meta = std::fs::symlink_metadata(path).map_err(|source| NotationError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut anchors = Vec::new();
        if meta.file_type().is_symlink() {
            return Err(NotationError::Symlink {
                path: path.to_owned(),
            });
        } else if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| NotationError::Io {
                path: path.to_owned(),
                source,
            })?;
            let mut files = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|source| NotationError::Io {
                    path: path.to_owned(),
                    source,
                })?;
                let file = entry.path();
                let kind = entry.file_type().map_err(|source| NotationError::Io {
                    path: file.clone(),
                    source,
                })?;
                let certificate_file = file.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    ["pem", "crt", "cer", "der"]
                        .iter()
                        .any(|known| e.eq_ignore_ascii_case(known))
                });
                if kind.is_symlink() && certificate_file {
                    return Err(NotationError::Symlink { path: file });
                }
                if kind.is_file() && certificate_file {
                    files.push(file);
                }
            }
            files.sort();
            for file in files {
                anchors.extend(read_certificate_file(&file)?);
            }
        } else {
            anchors = read_certificate_file(path)?;
        }
        if anchors.is_empty() {
            return Err(NotationError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(Self {
            anchors,
            kind: TrustStoreKind::CertificateAuthority,
        })
    }

    /// The same certificates, as a store of another kind (a signing-authority store).
    pub fn with_kind(mut self, kind: TrustStoreKind) -> Self {
        self.kind = kind;
        self
    }

    /// Which kind of store this is.
    pub fn kind(&self) -> TrustStoreKind {
        self.kind
    }

    /// How many certificates it holds.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether it holds none (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

fn read_certificate_file(path: &Path) -> Result<Vec<TrustAnchor<'static>>, NotationError> {
    let io = |source| NotationError::Io {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_TRUST_FILE_BYTES {
        return Err(NotationError::TooLarge {
            path: path.to_owned(),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let bad = |detail: String| NotationError::BadCertificate {
        path: path.to_owned(),
        detail,
    };
    let ders: Vec<CertificateDer<'static>> = if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<_, _>>()
            .map_err(|e| bad(format!("unreadable PEM ({e})")))?
    } else {
        vec![CertificateDer::from(bytes)]
    };
    ders.iter()
        .map(|der| {
            webpki::anchor_from_trusted_cert(der)
                .map(|anchor| anchor.to_owned())
                .map_err(|e| bad(format!("not an X.509 certificate ({e})")))
        })
        .collect()
}

/// Check a Notary Project signature envelope of the given media type (the signature
/// manifest's layer): JWS is verified, COSE and anything else are "not checkable", and so is
/// every envelope when no trust store is set.
pub fn verify_envelope(
    media_type: &str,
    envelope: &[u8],
    subject_digest: &str,
    trust_store: Option<&TrustStore>,
    now: Timestamp,
) -> Verdict {
    match media_type {
        JWS_MEDIA_TYPE => match trust_store {
            Some(store) => verify_jws(envelope, subject_digest, store, now),
            None => not_checkable("no trust store is set for Notation signatures"),
        },
        COSE_MEDIA_TYPE => not_checkable("COSE envelopes are not verified yet"),
        other => not_checkable(&format!(
            "the signature envelope is {}, which Portolan does not read",
            shown(other)
        )),
    }
}

/// Check a Notary Project JWS envelope (flattened JWS JSON) that should sign the image
/// `subject_digest` (`sha256:<hex>`), against `trust_store`, at `now`.
///
/// Verified means: the signature holds for the signing certificate; that certificate is
/// for code signing and chains to a certificate of the store, valid now (`notary.x509`) or
/// at the signing authority's authentic signing time (`notary.x509.signingAuthority`); the
/// signer's expiry, if any, has not passed; and the payload names `subject_digest`.
/// `notary.x509`'s signing time is the signer's own claim, so it is not reported as
/// `signed_at`. Never panics: a malformed envelope is a verdict.
pub fn verify_jws(
    envelope: &[u8],
    subject_digest: &str,
    trust_store: &TrustStore,
    now: Timestamp,
) -> Verdict {
    match check(envelope, subject_digest, trust_store, now) {
        Ok(verified) => Verdict::Verified {
            signer: Signer {
                subject: Some(verified.subject),
                ..Signer::default()
            },
            signed_at: verified.signed_at.map(|t| t.to_string()),
            checks: verified.checks,
            policy_matched: true,
        },
        Err(Stop::Failed(reason)) => Verdict::Failed { reason },
        Err(Stop::NotCheckable(reason)) => Verdict::NotCheckable { reason },
    }
}

fn not_checkable(reason: &str) -> Verdict {
    Verdict::NotCheckable {
        reason: reason.to_owned(),
    }
}

/// Why a check stopped.
enum Stop {
    Failed(String),
    NotCheckable(String),
}

fn failed(reason: impl Into<String>) -> Stop {
    Stop::Failed(reason.into())
}

fn unreadable(detail: impl std::fmt::Display) -> Stop {
    Stop::NotCheckable(format!(
        "not a readable Notary Project JWS envelope: {}",
        shown(&detail.to_string())
    ))
}

struct Verified {
    subject: String,
    signed_at: Option<Timestamp>,
    checks: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJws {
    payload: String,
    protected: String,
    #[serde(default)]
    header: Option<RawUnprotected>,
    signature: String,
}

#[derive(Deserialize)]
struct RawUnprotected {
    #[serde(default)]
    x5c: Vec<String>,
    #[serde(rename = "io.cncf.notary.timestampSignature", default)]
    timestamp_signature: Option<String>,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "targetArtifact")]
    target_artifact: TargetArtifact,
}

#[derive(Deserialize)]
struct TargetArtifact {
    digest: String,
}

/// A JWS envelope, decoded but not yet trusted.
struct Jws {
    /// The protected header and payload as they came, base64url: what the signature covers.
    protected_b64: String,
    payload_b64: String,
    header: Map<String, Value>,
    payload: Vec<u8>,
    signature: Vec<u8>,
    /// `x5c`: the signing certificate first, then its issuers.
    chain: Vec<CertificateDer<'static>>,
    /// Whether an RFC 3161 timestamp countersignature came with it.
    timestamped: bool,
}

impl Jws {
    fn parse(envelope: &[u8]) -> Result<Self, Stop> {
        let raw: RawJws = serde_json::from_slice(envelope).map_err(unreadable)?;
        let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let protected = b64url
            .decode(&raw.protected)
            .map_err(|_| unreadable("its protected header is not base64url"))?;
        let header: Map<String, Value> = serde_json::from_slice(&protected)
            .map_err(|_| unreadable("its protected header is not a JSON object"))?;
        let unprotected = raw
            .header
            .filter(|h| !h.x5c.is_empty())
            .ok_or_else(|| unreadable("it has no certificate chain (x5c)"))?;
        if unprotected.x5c.len() > MAX_CHAIN {
            return Err(failed(format!(
                "its certificate chain has {} certificates, more than {MAX_CHAIN}",
                unprotected.x5c.len()
            )));
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        let chain = unprotected
            .x5c
            .iter()
            .map(|c| b64.decode(c.trim()).map(CertificateDer::from))
            .collect::<Result<_, _>>()
            .map_err(|_| unreadable("a certificate of its chain (x5c) is not base64"))?;
        Ok(Self {
            signature: b64url
                .decode(&raw.signature)
                .map_err(|_| unreadable("its signature is not base64url"))?,
            payload: b64url
                .decode(&raw.payload)
                .map_err(|_| unreadable("its payload is not base64url"))?,
            protected_b64: raw.protected,
            payload_b64: raw.payload,
            header,
            chain,
            timestamped: unprotected.timestamp_signature.is_some(),
        })
    }
}

enum Scheme {
    /// `notary.x509`: the chain must be valid now (RFC 3161 timestamps aside).
    X509,
    /// `notary.x509.signingAuthority`: the chain must be valid at this authentic time.
    SigningAuthority(Timestamp),
}

/// What the protected header says, once its rules are checked.
struct Claims {
    alg: &'static JwsAlgorithm,
    scheme: Scheme,
    expiry: Option<Timestamp>,
    plugin: Option<String>,
}

impl Claims {
    fn read(header: &Map<String, Value>, store: TrustStoreKind) -> Result<Self, Stop> {
        let alg_name = header_str(header, "alg")?.ok_or_else(|| failed("it names no algorithm"))?;
        let alg = JwsAlgorithm::named(alg_name).ok_or_else(|| {
            failed(format!(
                "it uses the algorithm {}, which the Notary Project does not allow",
                shown(alg_name)
            ))
        })?;
        match header_str(header, "cty")? {
            Some(PAYLOAD_CONTENT_TYPE) => {}
            Some(other) => {
                return Err(failed(format!(
                    "its content type is {}, not a Notary Project payload",
                    shown(other)
                )))
            }
            None => return Err(failed("its protected header has no content type (cty)")),
        }
        check_critical(header)?;
        let scheme = match header_str(header, SIGNING_SCHEME)? {
            Some("notary.x509") => {
                if header.contains_key(AUTHENTIC_SIGNING_TIME) {
                    return Err(failed(
                        "it claims an authentic signing time, which only a signing authority gives",
                    ));
                }
                header_time(header, SIGNING_TIME)?
                    .ok_or_else(|| failed("its protected header has no signing time"))?;
                Scheme::X509
            }
            Some("notary.x509.signingAuthority") => {
                if header.contains_key(SIGNING_TIME) {
                    return Err(failed(
                        "it is a signing authority's, which gives an authentic signing time, not a signing time",
                    ));
                }
                let at = header_time(header, AUTHENTIC_SIGNING_TIME)?.ok_or_else(|| {
                    failed("it is a signing authority's, without an authentic signing time")
                })?;
                Scheme::SigningAuthority(at)
            }
            Some(other) => {
                return Err(Stop::NotCheckable(format!(
                    "it uses the signing scheme {}, which Portolan does not know",
                    shown(other)
                )))
            }
            None => return Err(failed("its protected header names no signing scheme")),
        };
        match (&scheme, store) {
            (Scheme::X509, TrustStoreKind::CertificateAuthority)
            | (Scheme::SigningAuthority(_), TrustStoreKind::SigningAuthority) => {}
            (Scheme::X509, TrustStoreKind::SigningAuthority) => {
                return Err(Stop::NotCheckable(
                    "it is signed with a CA-issued certificate (notary.x509), and the trust store is a signing-authority store".to_owned(),
                ))
            }
            (Scheme::SigningAuthority(_), TrustStoreKind::CertificateAuthority) => {
                return Err(Stop::NotCheckable(
                    "it is signed by a signing authority (notary.x509.signingAuthority), which needs a signing-authority trust store".to_owned(),
                ))
            }
        }
        Ok(Self {
            alg,
            scheme,
            expiry: header_time(header, EXPIRY)?,
            plugin: header_str(header, VERIFICATION_PLUGIN)?.map(shown),
        })
    }
}

fn check(
    envelope: &[u8],
    subject_digest: &str,
    store: &TrustStore,
    now: Timestamp,
) -> Result<Verified, Stop> {
    // COSE_Sign1_Tagged starts with CBOR tag 18.
    if envelope.first() == Some(&0xd2) {
        return Err(Stop::NotCheckable(
            "COSE envelopes are not verified yet".to_owned(),
        ));
    }
    let jws = Jws::parse(envelope)?;
    let claims = Claims::read(&jws.header, store.kind)?;

    // Integrity: the signature, with the signing certificate's key.
    let leaf = webpki::EndEntityCert::try_from(&jws.chain[0])
        .map_err(|e| failed(format!("the signing certificate is malformed ({e})")))?;
    verify_signature(&leaf, &jws, claims.alg)?;
    let subject = leaf_requirements(&jws.chain[0])?;

    // Authenticity: a path from the signing certificate to the trust store.
    let (at, signed_at) = match claims.scheme {
        Scheme::X509 => (now, None),
        Scheme::SigningAuthority(at) => (at, Some(at)),
    };
    let timestamp_may_vouch = matches!(claims.scheme, Scheme::X509) && jws.timestamped;
    verify_chain(&leaf, &jws.chain, store, at, timestamp_may_vouch)?;

    // The signer's expiry, then what the signer asked for that is not done here.
    if let Some(expiry) = claims.expiry {
        if expiry <= now {
            return Err(failed(format!("the signature expired on {expiry}")));
        }
    }
    if let Some(plugin) = claims.plugin {
        return Err(Stop::NotCheckable(format!(
            "it asks for the Notation verification plugin {plugin}, which Portolan does not run"
        )));
    }

    // What it signs.
    let payload: Payload = serde_json::from_slice(&jws.payload)
        .map_err(|_| failed("its payload is not a Notary Project payload (targetArtifact)"))?;
    let digest = payload.target_artifact.digest;
    if digest != subject_digest {
        return Err(failed(format!("signs {}, not this image", shown(&digest))));
    }
    let mut checks = vec![
        "certificate chain (trust store)".to_owned(),
        "signature".to_owned(),
    ];
    if signed_at.is_some() {
        checks.push("authentic signing time (signing authority)".to_owned());
    }
    Ok(Verified {
        subject,
        signed_at,
        checks,
    })
}

/// The JWS signature over `protected.payload`, by the signing certificate's key, with the
/// algorithm the header names (which must fit that key).
fn verify_signature(
    leaf: &webpki::EndEntityCert<'_>,
    jws: &Jws,
    alg: &'static JwsAlgorithm,
) -> Result<(), Stop> {
    let signed = format!("{}.{}", jws.protected_b64, jws.payload_b64);
    leaf.verify_signature(alg, signed.as_bytes(), &jws.signature)
        .map_err(|e| match e {
            webpki::Error::InvalidSignatureForPublicKey => failed(
                "the signature does not match the signed content: it was changed after signing, or signed with another key",
            ),
            _ => failed(format!(
                "it says {}, which does not fit the signing certificate's key ({})",
                alg.name, alg.key_words
            )),
        })?;
    if let Some(bits) = alg.rsa_bits {
        // A valid RSA signature is exactly as long as the key's modulus. The Notary Project
        // ties each PS algorithm to one key size, against algorithm substitution.
        let key_bits = jws.signature.len() * 8;
        if key_bits != bits {
            return Err(failed(format!(
                "it says {}, which goes with a {bits}-bit RSA key, and the signing key has {key_bits} bits",
                alg.name
            )));
        }
    }
    Ok(())
}

/// A path from the signing certificate through `x5c`, in its order, to a certificate of
/// the store, valid at `at`, for code signing (when the certificates name a purpose).
fn verify_chain(
    leaf: &webpki::EndEntityCert<'_>,
    chain: &[CertificateDer<'static>],
    store: &TrustStore,
    at: Timestamp,
    timestamp_may_vouch: bool,
) -> Result<(), Stop> {
    for cert in &chain[1..] {
        webpki::EndEntityCert::try_from(cert)
            .map_err(|_| failed("a certificate of its chain (x5c) is malformed"))?;
    }
    let time = UnixTime::since_unix_epoch(Duration::from_secs(
        u64::try_from(at.as_second()).unwrap_or(0),
    ));
    let path = leaf
        .verify_for_usage(
            sigstore_crypto::WEBPKI_VERIFICATION_ALGS,
            &store.anchors,
            &chain[1..],
            time,
            webpki::KeyUsage::required_if_present(CODE_SIGNING),
            None,
            None,
        )
        .map_err(|e| chain_error(&e, timestamp_may_vouch))?;
    // The path must be `x5c` as given (the signer, then each issuer in turn), and the
    // certificate after it, if any, the trusted one.
    let used: Vec<CertificateDer<'_>> = path.intermediate_certificates().map(|c| c.der()).collect();
    let out_of_order = || {
        failed("its certificate chain (x5c) is not in order, or holds a certificate that is not part of it")
    };
    if used
        .iter()
        .zip(&chain[1..])
        .any(|(u, c)| u.as_ref() != c.as_ref())
    {
        return Err(out_of_order());
    }
    if let Some(next) = chain.get(1 + used.len()) {
        let anchor = path.anchor();
        match webpki::anchor_from_trusted_cert(next) {
            Ok(a)
                if a.subject == anchor.subject
                    && a.subject_public_key_info == anchor.subject_public_key_info => {}
            _ => return Err(out_of_order()),
        }
    }
    Ok(())
}

/// The `crit` rules: present, a non-empty list naming only headers this verifier knows and
/// the envelope has, including the signing scheme and every other critical header present.
fn check_critical(header: &Map<String, Value>) -> Result<(), Stop> {
    let crit = match header.get("crit") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(_) => return Err(failed("its crit header is not a list of header names")),
        None => return Err(failed("its protected header has no crit list")),
    };
    let mut listed = Vec::new();
    for item in crit {
        let Value::String(name) = item else {
            return Err(failed("its crit header is not a list of header names"));
        };
        if !CRITICAL_HEADERS.contains(&name.as_str()) {
            return Err(failed(format!(
                "it marks {} critical, which Portolan does not understand",
                shown(name)
            )));
        }
        if !header.contains_key(name) {
            return Err(failed(format!(
                "its crit list names {}, which its header lacks",
                shown(name)
            )));
        }
        listed.push(name.as_str());
    }
    for name in CRITICAL_HEADERS {
        if (name == SIGNING_SCHEME || header.contains_key(name)) && !listed.contains(&name) {
            return Err(failed(format!("its crit list leaves out {name}")));
        }
    }
    Ok(())
}

/// A string header, if present.
fn header_str<'h>(header: &'h Map<String, Value>, name: &str) -> Result<Option<&'h str>, Stop> {
    match header.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(failed(format!("its {name} header is not a string"))),
    }
}

/// An RFC 3339 time header, if present.
fn header_time(header: &Map<String, Value>, name: &str) -> Result<Option<Timestamp>, Stop> {
    header_str(header, name)?
        .map(|text| {
            text.parse::<Timestamp>()
                .map_err(|_| failed(format!("its {name} header is not a time: {}", shown(text))))
        })
        .transpose()
}

/// The Notary Project's requirements on the signing certificate that path validation does
/// not cover (key usage, forbidden extended key usages); its subject, as text.
fn leaf_requirements(der: &[u8]) -> Result<String, Stop> {
    let cert = x509_cert::Certificate::from_der(der)
        .map_err(|_| failed("the signing certificate is malformed"))?;
    let mut key_usage = None;
    for ext in cert.tbs_certificate.extensions.iter().flatten() {
        if ext.extn_id == KEY_USAGE_OID {
            let usage = x509_cert::ext::pkix::KeyUsage::from_der(ext.extn_value.as_bytes())
                .map_err(|_| failed("the signing certificate's key usage is malformed"))?;
            key_usage = Some((ext.critical, usage));
        } else if ext.extn_id == EXTENDED_KEY_USAGE_OID {
            let usages =
                x509_cert::ext::pkix::ExtendedKeyUsage::from_der(ext.extn_value.as_bytes())
                    .map_err(|_| {
                        failed("the signing certificate's extended key usage is malformed")
                    })?;
            for (oid, words) in FORBIDDEN_EKUS {
                if usages.0.contains(&oid) {
                    return Err(failed(format!(
                        "the signing certificate is also for {words}, which the Notary Project forbids for signing"
                    )));
                }
            }
        }
    }
    match key_usage {
        None => {
            return Err(failed(
                "the signing certificate has no key usage (the Notary Project requires digitalSignature)",
            ))
        }
        Some((false, _)) => {
            return Err(failed(
                "the signing certificate's key usage is not marked critical",
            ))
        }
        Some((true, usage)) if !usage.digital_signature() => {
            return Err(failed(
                "the signing certificate's key usage does not allow digital signatures",
            ))
        }
        Some((true, usage))
            if usage.key_encipherment()
                || usage.data_encipherment()
                || usage.key_agreement()
                || usage.key_cert_sign()
                || usage.crl_sign()
                || usage.encipher_only()
                || usage.decipher_only() =>
        {
            return Err(failed(
                "the signing certificate's key usage allows more than signing, which the Notary Project forbids",
            ))
        }
        Some(_) => {}
    }
    Ok(shown(&cert.tbs_certificate.subject.to_string()))
}

/// Path validation's error, in words. An expired certificate under `notary.x509` with an
/// RFC 3161 timestamp is for that timestamp to decide, which is not checked here.
fn chain_error(error: &webpki::Error, timestamped: bool) -> Stop {
    use webpki::Error as E;
    let when = |t: &UnixTime| {
        i64::try_from(t.as_secs())
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .map_or_else(|| "long ago".to_owned(), |t| t.to_string())
    };
    match error {
        E::UnknownIssuer => {
            failed("the certificate chain does not lead to a certificate in the trust store")
        }
        E::CertExpired { not_after, .. } if timestamped => Stop::NotCheckable(format!(
            "a certificate of its chain expired on {}; its RFC 3161 timestamp would say whether it signed before, and timestamps are not verified yet",
            when(not_after)
        )),
        E::CertExpired { not_after, .. } => failed(format!(
            "a certificate of its chain expired on {}",
            when(not_after)
        )),
        E::CertNotValidYet { not_before, .. } => failed(format!(
            "a certificate of its chain is not valid before {}",
            when(not_before)
        )),
        E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            failed("a certificate of its chain is not for code signing (extended key usage)")
        }
        E::CaUsedAsEndEntity => failed("the signing certificate is a CA certificate"),
        E::EndEntityUsedAsCa => {
            failed("a certificate of its chain issues another without being a CA")
        }
        E::InvalidSignatureForPublicKey => {
            failed("a certificate of its chain is not signed by its issuer")
        }
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => failed(
            "a certificate of its chain is signed with an algorithm that is not accepted (such as SHA-1)",
        ),
        E::PathLenConstraintViolated => {
            failed("its certificate chain is longer than a CA allows (path length)")
        }
        other => failed(format!("its certificate chain is not valid ({other})")),
    }
}

/// Text from a document, safe to show: control characters dropped, length capped.
fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SHOWN)
        .collect();
    if text.chars().filter(|c| !c.is_control()).count() > MAX_SHOWN {
        out.push('…');
    }
    out
}

/// A JWS `alg` the Notary Project allows, as a signature check over the signing
/// certificate's key: the key's algorithm (and curve) must be the one `alg` implies.
#[derive(Debug)]
struct JwsAlgorithm {
    name: &'static str,
    key_words: &'static str,
    public_key: AlgorithmIdentifier,
    signature: AlgorithmIdentifier,
    verifier: &'static dyn aws_lc_rs::signature::VerificationAlgorithm,
    /// For RSASSA-PSS: the one key size the algorithm goes with.
    rsa_bits: Option<usize>,
}

static JWS_ALGORITHMS: [JwsAlgorithm; 6] = [
    JwsAlgorithm {
        name: "ES256",
        key_words: "ES256 needs a P-256 key",
        public_key: alg_id::ECDSA_P256,
        signature: alg_id::ECDSA_SHA256,
        verifier: &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
        rsa_bits: None,
    },
    JwsAlgorithm {
        name: "ES384",
        key_words: "ES384 needs a P-384 key",
        public_key: alg_id::ECDSA_P384,
        signature: alg_id::ECDSA_SHA384,
        verifier: &aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED,
        rsa_bits: None,
    },
    JwsAlgorithm {
        name: "ES512",
        key_words: "ES512 needs a P-521 key",
        public_key: alg_id::ECDSA_P521,
        signature: alg_id::ECDSA_SHA512,
        verifier: &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED,
        rsa_bits: None,
    },
    JwsAlgorithm {
        name: "PS256",
        key_words: "PS256 needs an RSA key",
        public_key: alg_id::RSA_ENCRYPTION,
        signature: alg_id::RSA_PSS_SHA256,
        verifier: &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA256,
        rsa_bits: Some(2048),
    },
    JwsAlgorithm {
        name: "PS384",
        key_words: "PS384 needs an RSA key",
        public_key: alg_id::RSA_ENCRYPTION,
        signature: alg_id::RSA_PSS_SHA384,
        verifier: &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA384,
        rsa_bits: Some(3072),
    },
    JwsAlgorithm {
        name: "PS512",
        key_words: "PS512 needs an RSA key",
        public_key: alg_id::RSA_ENCRYPTION,
        signature: alg_id::RSA_PSS_SHA512,
        verifier: &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA512,
        rsa_bits: Some(4096),
    },
];

impl JwsAlgorithm {
    fn named(name: &str) -> Option<&'static JwsAlgorithm> {
        JWS_ALGORITHMS.iter().find(|a| a.name == name)
    }
}

impl SignatureVerificationAlgorithm for JwsAlgorithm {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        aws_lc_rs::signature::UnparsedPublicKey::new(self.verifier, public_key)
            .verify(message, signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.public_key
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::ecdsa::EcdsaSig;
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::{PKey, Private};
    use openssl::rsa::{Padding, Rsa};
    use openssl::sign::RsaPssSaltlen;
    use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
    use openssl::x509::{X509Builder, X509NameBuilder, X509};
    use serde_json::json;

    const DIGEST: &str = "sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333";

    fn ec_key(curve: Nid) -> PKey<Private> {
        let group = EcGroup::from_curve_name(curve).expect("curve");
        PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey")
    }

    fn rsa_key(bits: u32) -> PKey<Private> {
        PKey::from_rsa(Rsa::generate(bits).expect("rsa")).expect("pkey")
    }

    /// What a test certificate is for.
    enum Role {
        Ca,
        Signer,
        /// A signing certificate for TLS servers.
        TlsServer,
        /// A signing certificate for another purpose (Microsoft document signing).
        Documents,
    }

    /// A certificate for `key`, issued by `issuer` (self-signed without one), valid from an
    /// hour ago for a year.
    fn cert(
        cn: &str,
        key: &PKey<Private>,
        issuer: Option<(&X509, &PKey<Private>)>,
        role: Role,
    ) -> X509 {
        let mut name = X509NameBuilder::new().expect("name");
        name.append_entry_by_text("C", "US").expect("c");
        name.append_entry_by_text("O", "Portolan tests").expect("o");
        name.append_entry_by_text("CN", cn).expect("cn");
        let name = name.build();
        let mut b = X509Builder::new().expect("builder");
        b.set_version(2).expect("v3");
        let serial = BigNum::from_u32(rand_serial()).and_then(|n| n.to_asn1_integer());
        b.set_serial_number(&serial.expect("serial"))
            .expect("serial");
        b.set_subject_name(&name).expect("subject");
        b.set_pubkey(key).expect("pubkey");
        let now = jiff::Timestamp::now().as_second();
        b.set_not_before(&Asn1Time::from_unix(now - 3600).expect("t"))
            .expect("nb");
        b.set_not_after(&Asn1Time::days_from_now(365).expect("t"))
            .expect("na");
        match issuer {
            Some((issuer, _)) => b.set_issuer_name(issuer.subject_name()),
            None => b.set_issuer_name(&name),
        }
        .expect("issuer");
        match role {
            Role::Ca => {
                b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
                    .expect("ext");
                b.append_extension(
                    KeyUsage::new()
                        .critical()
                        .key_cert_sign()
                        .crl_sign()
                        .build()
                        .expect("ku"),
                )
                .expect("ext");
            }
            Role::Signer | Role::TlsServer | Role::Documents => {
                b.append_extension(BasicConstraints::new().build().expect("bc"))
                    .expect("ext");
                b.append_extension(
                    KeyUsage::new()
                        .critical()
                        .digital_signature()
                        .build()
                        .expect("ku"),
                )
                .expect("ext");
                let mut eku = ExtendedKeyUsage::new();
                match role {
                    Role::Signer => eku.code_signing(),
                    Role::TlsServer => eku.server_auth(),
                    _ => eku.other("1.3.6.1.4.1.311.10.3.12"),
                };
                b.append_extension(eku.build().expect("eku")).expect("ext");
            }
        }
        let signing_key = issuer.map_or(key, |(_, k)| k);
        b.sign(signing_key, MessageDigest::sha256()).expect("sign");
        b.build()
    }

    fn rand_serial() -> u32 {
        let mut bytes = [0u8; 4];
        openssl::rand::rand_bytes(&mut bytes).expect("rand");
        u32::from_be_bytes(bytes) >> 1
    }

    /// A root CA, a code-signing certificate it issued, and a trust store holding the root.
    struct Pki {
        root: X509,
        leaf: X509,
        leaf_key: PKey<Private>,
        store: TrustStore,
        _dir: tempfile::TempDir,
    }

    fn store_of(certs: &[&X509]) -> (TrustStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (i, c) in certs.iter().enumerate() {
            std::fs::write(
                dir.path().join(format!("root{i}.pem")),
                c.to_pem().expect("pem"),
            )
            .expect("write");
        }
        (TrustStore::load(dir.path()).expect("store"), dir)
    }

    fn pki_with(leaf_key: PKey<Private>) -> Pki {
        let root_key = ec_key(Nid::X9_62_PRIME256V1);
        let root = cert("Notation test root", &root_key, None, Role::Ca);
        let leaf = cert(
            "notation test signer",
            &leaf_key,
            Some((&root, &root_key)),
            Role::Signer,
        );
        let (store, dir) = store_of(&[&root]);
        Pki {
            root,
            leaf,
            leaf_key,
            store,
            _dir: dir,
        }
    }

    fn pki() -> Pki {
        pki_with(ec_key(Nid::X9_62_PRIME256V1))
    }

    fn header(alg: &str) -> Value {
        json!({
            "alg": alg,
            "cty": PAYLOAD_CONTENT_TYPE,
            "io.cncf.notary.signingScheme": "notary.x509",
            "io.cncf.notary.signingTime": "2024-04-06T07:01:20Z",
            "crit": ["io.cncf.notary.signingScheme"],
        })
    }

    fn payload(digest: &str) -> Value {
        json!({"targetArtifact": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest,
            "size": 16724,
        }})
    }

    fn b64url(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A JWS signature over `protected.payload` by `key`, as `alg` expects it.
    fn sign(alg: &str, key: &PKey<Private>, data: &[u8]) -> Vec<u8> {
        let digest = match &alg[2..] {
            "256" => MessageDigest::sha256(),
            "384" => MessageDigest::sha384(),
            _ => MessageDigest::sha512(),
        };
        let mut signer = openssl::sign::Signer::new(digest, key).expect("signer");
        if alg.starts_with("PS") {
            signer.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
            signer
                .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                .expect("salt");
            signer.set_rsa_mgf1_md(digest).expect("mgf1");
        }
        signer.update(data).expect("update");
        let der = signer.sign_to_vec().expect("sign");
        if !alg.starts_with("ES") || key.ec_key().is_err() {
            return der;
        }
        // JWS ECDSA signatures are r || s, each as long as the curve's order.
        let width = match alg {
            "ES256" => 32,
            "ES384" => 48,
            _ => 66,
        };
        let sig = EcdsaSig::from_der(&der).expect("ecdsa");
        let mut out = sig.r().to_vec_padded(width).expect("r");
        out.extend(sig.s().to_vec_padded(width).expect("s"));
        out
    }

    fn envelope_with(
        header: &Value,
        payload: &Value,
        key: &PKey<Private>,
        chain: &[&X509],
        unprotected_extra: Value,
    ) -> Vec<u8> {
        let alg = header["alg"].as_str().unwrap_or("ES256");
        let protected = b64url(&serde_json::to_vec(header).expect("json"));
        let payload = b64url(&serde_json::to_vec(payload).expect("json"));
        let signature = sign(alg, key, format!("{protected}.{payload}").as_bytes());
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut unprotected = json!({
            "x5c": chain.iter().map(|c| b64.encode(c.to_der().expect("der"))).collect::<Vec<_>>(),
            "io.cncf.notary.signingAgent": "notation-go/1.2.0",
        });
        if let (Some(u), Value::Object(extra)) = (unprotected.as_object_mut(), unprotected_extra) {
            u.extend(extra);
        }
        serde_json::to_vec(&json!({
            "payload": payload,
            "protected": protected,
            "header": unprotected,
            "signature": b64url(&signature),
        }))
        .expect("json")
    }

    fn envelope(pki: &Pki, header: &Value, digest: &str) -> Vec<u8> {
        envelope_with(
            header,
            &payload(digest),
            &pki.leaf_key,
            &[&pki.leaf, &pki.root],
            json!({}),
        )
    }

    fn now() -> Timestamp {
        Timestamp::now()
    }

    fn reason(verdict: &Verdict) -> &str {
        match verdict {
            Verdict::Failed { reason } | Verdict::NotCheckable { reason } => reason,
            other => panic!("expected a failure or not checkable, got {other:?}"),
        }
    }

    #[track_caller]
    fn assert_failed(verdict: &Verdict, words: &str) {
        assert!(
            matches!(verdict, Verdict::Failed { reason } if reason.contains(words)),
            "expected a failure with {words:?}, got {verdict:?}"
        );
    }

    #[track_caller]
    fn assert_not_checkable(verdict: &Verdict, words: &str) {
        assert!(
            matches!(verdict, Verdict::NotCheckable { reason } if reason.contains(words)),
            "expected not checkable with {words:?}, got {verdict:?}"
        );
    }

    #[track_caller]
    fn assert_verified(verdict: &Verdict) {
        assert!(
            matches!(verdict, Verdict::Verified { .. }),
            "expected verified, got {verdict:?}"
        );
    }

    #[test]
    fn a_signature_chaining_to_the_trust_store_is_verified() {
        let pki = pki();
        let verdict = verify_jws(
            &envelope(&pki, &header("ES256"), DIGEST),
            DIGEST,
            &pki.store,
            now(),
        );
        let Verdict::Verified {
            signer,
            signed_at,
            checks,
            policy_matched,
        } = verdict
        else {
            panic!("expected verified, got {verdict:?}");
        };
        assert_eq!(
            signer.subject.as_deref(),
            Some("CN=notation test signer,O=Portolan tests,C=US")
        );
        // notary.x509's signing time is the signer's own claim, not a proven time.
        assert_eq!(signed_at, None);
        assert_eq!(checks, ["certificate chain (trust store)", "signature"]);
        assert!(policy_matched);
    }

    #[test]
    fn every_allowed_algorithm_verifies_with_its_key() {
        for (alg, key) in [
            ("ES384", ec_key(Nid::SECP384R1)),
            ("ES512", ec_key(Nid::SECP521R1)),
            ("PS256", rsa_key(2048)),
        ] {
            let pki = pki_with(key);
            let verdict = verify_jws(
                &envelope(&pki, &header(alg), DIGEST),
                DIGEST,
                &pki.store,
                now(),
            );
            assert!(
                matches!(verdict, Verdict::Verified { .. }),
                "{alg}: {verdict:?}"
            );
        }
    }

    #[test]
    fn an_algorithm_must_fit_the_signing_key() {
        // A P-256 key's ES256 signature under another algorithm's name.
        let pki = pki();
        for (named, words) in [
            ("ES384", "ES384 needs a P-384 key"),
            ("PS256", "PS256 needs an RSA key"),
        ] {
            let protected = b64url(&serde_json::to_vec(&header(named)).expect("json"));
            let body = b64url(&serde_json::to_vec(&payload(DIGEST)).expect("json"));
            let sig = sign(
                "ES256",
                &pki.leaf_key,
                format!("{protected}.{body}").as_bytes(),
            );
            let b64 = base64::engine::general_purpose::STANDARD;
            let env = serde_json::to_vec(&json!({
                "payload": body, "protected": protected, "signature": b64url(&sig),
                "header": {"x5c": [b64.encode(pki.leaf.to_der().expect("der"))]},
            }))
            .expect("json");
            assert_failed(&verify_jws(&env, DIGEST, &pki.store, now()), words);
        }

        // A 2048-bit RSA key signing as PS384, which goes with 3072 bits.
        let pki = pki_with(rsa_key(2048));
        let verdict = verify_jws(
            &envelope(&pki, &header("PS384"), DIGEST),
            DIGEST,
            &pki.store,
            now(),
        );
        assert_failed(
            &verdict,
            "goes with a 3072-bit RSA key, and the signing key has 2048 bits",
        );

        // No algorithm, or one the Notary Project does not allow.
        let mut h = header("ES256");
        for alg in ["none", "HS256", "RS256", "EdDSA"] {
            h["alg"] = json!(alg);
            let env = envelope(&pki, &h, DIGEST);
            assert_failed(
                &verify_jws(&env, DIGEST, &pki.store, now()),
                "does not allow",
            );
        }
    }

    #[test]
    fn an_intermediate_in_the_chain_is_followed_and_a_self_signed_signer_can_be_trusted() {
        let root_key = ec_key(Nid::X9_62_PRIME256V1);
        let root = cert("Notation test root", &root_key, None, Role::Ca);
        let mid_key = ec_key(Nid::SECP384R1);
        let mid = cert(
            "Notation test intermediate",
            &mid_key,
            Some((&root, &root_key)),
            Role::Ca,
        );
        let leaf_key = ec_key(Nid::X9_62_PRIME256V1);
        let leaf = cert("signer", &leaf_key, Some((&mid, &mid_key)), Role::Signer);
        let (store, _dir) = store_of(&[&root]);
        let env = envelope_with(
            &header("ES256"),
            &payload(DIGEST),
            &leaf_key,
            &[&leaf, &mid, &root],
            json!({}),
        );
        assert_verified(&verify_jws(&env, DIGEST, &store, now()));
        // Without the intermediate there is no path.
        let env = envelope_with(
            &header("ES256"),
            &payload(DIGEST),
            &leaf_key,
            &[&leaf],
            json!({}),
        );
        assert_failed(
            &verify_jws(&env, DIGEST, &store, now()),
            "does not lead to a certificate in the trust store",
        );

        // `notation cert generate-test`: one self-signed code-signing certificate, trusted as is.
        let key = ec_key(Nid::X9_62_PRIME256V1);
        let alone = cert("wabbit-networks.io", &key, None, Role::Signer);
        let (store, _dir) = store_of(&[&alone]);
        let env = envelope_with(
            &header("ES256"),
            &payload(DIGEST),
            &key,
            &[&alone],
            json!({}),
        );
        assert_verified(&verify_jws(&env, DIGEST, &store, now()));
    }

    #[test]
    fn a_changed_payload_fails() {
        let pki = pki();
        let env = envelope(&pki, &header("ES256"), DIGEST);
        let mut doc: Value = serde_json::from_slice(&env).expect("json");
        doc["payload"] = json!(b64url(
            &serde_json::to_vec(&payload("sha256:00")).expect("json")
        ));
        let tampered = serde_json::to_vec(&doc).expect("json");
        let verdict = verify_jws(&tampered, "sha256:00", &pki.store, now());
        assert_failed(&verdict, "the signature does not match the signed content");

        // A changed protected header (a later expiry) fails the same way.
        let mut h = header("ES256");
        h["io.cncf.notary.expiry"] = json!("2000-01-01T00:00:00Z");
        h["crit"] = json!(["io.cncf.notary.signingScheme", "io.cncf.notary.expiry"]);
        let mut doc: Value = serde_json::from_slice(&envelope(&pki, &h, DIGEST)).expect("json");
        h["io.cncf.notary.expiry"] = json!("2999-01-01T00:00:00Z");
        doc["protected"] = json!(b64url(&serde_json::to_vec(&h).expect("json")));
        let verdict = verify_jws(
            &serde_json::to_vec(&doc).expect("json"),
            DIGEST,
            &pki.store,
            now(),
        );
        assert_failed(&verdict, "the signature does not match the signed content");
    }

    #[test]
    fn a_signature_of_another_image_fails() {
        let pki = pki();
        let other = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        let verdict = verify_jws(
            &envelope(&pki, &header("ES256"), other),
            DIGEST,
            &pki.store,
            now(),
        );
        assert_failed(&verdict, &format!("signs {other}, not this image"));
    }

    #[test]
    fn a_chain_to_another_ca_fails() {
        let pki = pki();
        let stranger_key = ec_key(Nid::X9_62_PRIME256V1);
        let stranger = cert("Someone else's root", &stranger_key, None, Role::Ca);
        let (store, _dir) = store_of(&[&stranger]);
        let verdict = verify_jws(
            &envelope(&pki, &header("ES256"), DIGEST),
            DIGEST,
            &store,
            now(),
        );
        assert_failed(
            &verdict,
            "the certificate chain does not lead to a certificate in the trust store",
        );

        // Certificates the trusted root issued for TLS, or for another purpose.
        let root_key = ec_key(Nid::X9_62_PRIME256V1);
        let root = cert("root", &root_key, None, Role::Ca);
        let (store, _dir) = store_of(&[&root]);
        for (role, words) in [
            (Role::TlsServer, "also for TLS servers"),
            (Role::Documents, "not for code signing"),
        ] {
            let key = ec_key(Nid::X9_62_PRIME256V1);
            let leaf = cert("not a code signer", &key, Some((&root, &root_key)), role);
            let env = envelope_with(
                &header("ES256"),
                &payload(DIGEST),
                &key,
                &[&leaf, &root],
                json!({}),
            );
            assert_failed(&verify_jws(&env, DIGEST, &store, now()), words);
        }
    }

    #[test]
    fn the_chain_must_be_in_order_and_hold_nothing_else() {
        let pki = pki();
        let stranger_key = ec_key(Nid::X9_62_PRIME256V1);
        let stranger = cert("Someone else's root", &stranger_key, None, Role::Ca);
        let env = |chain: &[&X509]| {
            envelope_with(
                &header("ES256"),
                &payload(DIGEST),
                &pki.leaf_key,
                chain,
                json!({}),
            )
        };
        let words = "not in order, or holds a certificate that is not part of it";
        let verdict = verify_jws(&env(&[&pki.leaf, &stranger]), DIGEST, &pki.store, now());
        assert_failed(&verdict, words);
        let verdict = verify_jws(
            &env(&[&pki.leaf, &stranger, &pki.root]),
            DIGEST,
            &pki.store,
            now(),
        );
        assert_failed(&verdict, words);
        // The signing certificate alone is enough when the store holds its issuer.
        assert_verified(&verify_jws(&env(&[&pki.leaf]), DIGEST, &pki.store, now()));
    }

    #[test]
    fn an_expired_certificate_fails_unless_a_timestamp_may_vouch() {
        let pki = pki();
        let later = now() + jiff::SignedDuration::from_hours(24 * 800);
        let env = envelope(&pki, &header("ES256"), DIGEST);
        assert_failed(&verify_jws(&env, DIGEST, &pki.store, later), "expired on");
        let env = envelope_with(
            &header("ES256"),
            &payload(DIGEST),
            &pki.leaf_key,
            &[&pki.leaf, &pki.root],
            json!({"io.cncf.notary.timestampSignature": "MIIB"}),
        );
        assert_not_checkable(
            &verify_jws(&env, DIGEST, &pki.store, later),
            "timestamps are not verified yet",
        );
    }

    #[test]
    fn the_signers_expiry_is_enforced() {
        let pki = pki();
        let mut h = header("ES256");
        h["io.cncf.notary.expiry"] = json!("2020-01-01T00:00:00Z");
        h["crit"] = json!(["io.cncf.notary.signingScheme", "io.cncf.notary.expiry"]);
        let verdict = verify_jws(&envelope(&pki, &h, DIGEST), DIGEST, &pki.store, now());
        assert_failed(&verdict, "the signature expired on 2020-01-01T00:00:00Z");

        h["io.cncf.notary.expiry"] = json!("2999-01-01T00:00:00Z");
        assert_verified(&verify_jws(
            &envelope(&pki, &h, DIGEST),
            DIGEST,
            &pki.store,
            now(),
        ));
    }

    #[test]
    fn the_crit_list_is_enforced() {
        let pki = pki();
        let check = |h: &Value| verify_jws(&envelope(&pki, h, DIGEST), DIGEST, &pki.store, now());
        let mut h = header("ES256");
        h.as_object_mut().expect("object").remove("crit");
        assert_failed(&check(&h), "no crit list");

        h["crit"] = json!([]);
        assert_failed(&check(&h), "not a list of header names");

        h["crit"] = json!(["io.cncf.notary.expiry"]);
        assert_failed(&check(&h), "which its header lacks");

        h["io.cncf.notary.expiry"] = json!("2999-01-01T00:00:00Z");
        assert_failed(&check(&h), "leaves out io.cncf.notary.signingScheme");

        h["crit"] = json!(["io.cncf.notary.signingScheme"]);
        assert_failed(&check(&h), "leaves out io.cncf.notary.expiry");

        let mut h = header("ES256");
        h["io.example.mustUnderstand"] = json!("yes");
        h["crit"] = json!(["io.cncf.notary.signingScheme", "io.example.mustUnderstand"]);
        assert_failed(&check(&h), "which Portolan does not understand");

        // A non-critical extended header is fine.
        let mut h = header("ES256");
        h["io.example.note"] = json!("informational");
        assert_verified(&check(&h));
    }

    #[test]
    fn the_header_must_be_a_notary_payload_and_a_known_scheme() {
        let pki = pki();
        let check = |h: &Value| verify_jws(&envelope(&pki, h, DIGEST), DIGEST, &pki.store, now());
        let mut h = header("ES256");
        h["cty"] = json!("application/json");
        assert_failed(&check(&h), "not a Notary Project payload");

        let mut h = header("ES256");
        h["io.cncf.notary.signingScheme"] = json!("notary.tuf");
        assert_not_checkable(&check(&h), "notary.tuf");

        let mut h = header("ES256");
        h.as_object_mut()
            .expect("object")
            .remove("io.cncf.notary.signingTime");
        assert_failed(&check(&h), "no signing time");

        let mut h = header("ES256");
        h["io.cncf.notary.verificationPlugin"] = json!("com.example.plugin");
        h["crit"] = json!([
            "io.cncf.notary.signingScheme",
            "io.cncf.notary.verificationPlugin"
        ]);
        assert_not_checkable(&check(&h), "verification plugin com.example.plugin");
    }

    #[test]
    fn a_signing_authority_needs_its_own_store_and_is_checked_at_its_time() {
        let pki = pki();
        let signed = now() - jiff::SignedDuration::from_mins(5);
        let h = json!({
            "alg": "ES256",
            "cty": PAYLOAD_CONTENT_TYPE,
            "io.cncf.notary.signingScheme": "notary.x509.signingAuthority",
            "io.cncf.notary.authenticSigningTime": signed.to_string(),
            "crit": ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime"],
        });
        let env = envelope(&pki, &h, DIGEST);
        assert_not_checkable(
            &verify_jws(&env, DIGEST, &pki.store, now()),
            "signing-authority trust store",
        );

        let sa = pki
            .store
            .clone()
            .with_kind(TrustStoreKind::SigningAuthority);
        // Long after the certificate expired: the authentic signing time is what counts.
        let later = now() + jiff::SignedDuration::from_hours(24 * 800);
        let Verdict::Verified {
            signed_at, checks, ..
        } = verify_jws(&env, DIGEST, &sa, later)
        else {
            panic!("expected verified");
        };
        assert_eq!(signed_at, Some(signed.to_string()));
        assert!(checks.contains(&"authentic signing time (signing authority)".to_owned()));

        // A CA-issued signature is not for a signing-authority store.
        let env = envelope(&pki, &header("ES256"), DIGEST);
        assert_not_checkable(
            &verify_jws(&env, DIGEST, &sa, now()),
            "signing-authority store",
        );
    }

    #[test]
    fn cose_and_other_envelopes_are_not_checkable() {
        let pki = pki();
        let cose = [0xd2, 0x84, 0x58, 0x20, 0xa1, 0x01, 0x26];
        assert_not_checkable(
            &verify_jws(&cose, DIGEST, &pki.store, now()),
            "COSE envelopes are not verified yet",
        );
        let v = verify_envelope(COSE_MEDIA_TYPE, &cose, DIGEST, Some(&pki.store), now());
        assert_not_checkable(&v, "COSE envelopes are not verified yet");
        let env = envelope(&pki, &header("ES256"), DIGEST);
        assert_verified(&verify_envelope(
            JWS_MEDIA_TYPE,
            &env,
            DIGEST,
            Some(&pki.store),
            now(),
        ));
        assert_not_checkable(
            &verify_envelope(JWS_MEDIA_TYPE, &env, DIGEST, None, now()),
            "no trust store",
        );
        let v = verify_envelope(
            "text/plain\u{1b}[31m",
            &env,
            DIGEST,
            Some(&pki.store),
            now(),
        );
        assert!(!reason(&v).contains('\u{1b}'), "{v:?}");
    }

    #[test]
    fn garbage_and_truncated_envelopes_are_verdicts_not_panics() {
        let pki = pki();
        let env = envelope(&pki, &header("ES256"), DIGEST);
        let mut inputs: Vec<Vec<u8>> = (0..env.len()).map(|n| env[..n].to_vec()).collect();
        // Flipped letters' case, outside the two unsigned parts no check covers: the signing
        // agent, and the root's copy in x5c (the trust store's copy is the one trusted).
        let text = String::from_utf8(env.clone()).expect("utf-8");
        let b64 = base64::engine::general_purpose::STANDARD;
        let free = [
            r#""io.cncf.notary.signingAgent":"notation-go/1.2.0""#.to_owned(),
            b64.encode(pki.root.to_der().expect("der")),
        ]
        .map(|part| {
            let at = text.find(&part).expect("part");
            at..at + part.len()
        });
        for i in (0..env.len()).filter(|i| !free.iter().any(|r| r.contains(i))) {
            let mut flipped = env.clone();
            flipped[i] ^= 0x20;
            inputs.push(flipped);
        }
        let mut noise = vec![0u8; 4096];
        openssl::rand::rand_bytes(&mut noise).expect("rand");
        inputs.push(noise);
        for doc in [
            json!(null),
            json!([]),
            json!({}),
            json!({"payload": "", "protected": "", "signature": ""}),
            json!({"payload": "e30", "protected": "e30", "signature": "", "header": {"x5c": []}}),
            json!({"payload": "e30", "protected": "W10", "signature": "", "header": {"x5c": ["AAAA"]}}),
            json!({"payload": 1, "protected": {}, "signature": [], "header": "x"}),
            json!({"payload": "e30", "protected": b64url(&serde_json::to_vec(&header("ES256")).expect("json")),
                   "signature": "AAAA", "header": {"x5c": ["!!!"]}}),
            json!({"payload": "e30", "protected": b64url(&serde_json::to_vec(&header("ES256")).expect("json")),
                   "signature": "AAAA", "header": {"x5c": ["MIIB"]}}),
            json!({"payload": "e30", "protected": b64url(&serde_json::to_vec(&header("PS256")).expect("json")),
                   "signature": "", "header": {"x5c": [base64::engine::general_purpose::STANDARD.encode(pki.leaf.to_der().expect("der"))]}}),
        ] {
            inputs.push(serde_json::to_vec(&doc).expect("json"));
        }
        for input in &inputs {
            let verdict = verify_jws(input, DIGEST, &pki.store, now());
            assert!(
                !matches!(verdict, Verdict::Verified { .. }),
                "{}",
                String::from_utf8_lossy(input)
            );
            assert!(!reason(&verdict).is_empty());
        }
        // The intact envelope still verifies: the loop checked real damage.
        assert_verified(&verify_jws(&env, DIGEST, &pki.store, now()));
    }

    #[test]
    fn text_from_the_document_is_shown_without_control_characters() {
        let pki = pki();
        let digest = "sha256:ab\u{1b}[2J\ncd";
        let verdict = verify_jws(
            &envelope(&pki, &header("ES256"), digest),
            DIGEST,
            &pki.store,
            now(),
        );
        assert_failed(&verdict, "signs sha256:ab[2Jcd, not this image");
        let mut h = header("ES256");
        h["alg"] = json!("XX\u{7}\u{1b}");
        let verdict = verify_jws(&envelope(&pki, &h, DIGEST), DIGEST, &pki.store, now());
        assert!(
            !reason(&verdict).chars().any(char::is_control),
            "{verdict:?}"
        );
        let unknown = br#"{"payload":"","protected":"","signature":"","x\u001b[2J":1}"#;
        let verdict = verify_jws(unknown, DIGEST, &pki.store, now());
        assert_not_checkable(&verdict, "unknown field `x[2J`");
    }

    #[test]
    fn a_trust_store_loads_from_a_file_or_a_folder() {
        let pki = pki();
        let dir = tempfile::tempdir().expect("tempdir");
        let other_key = ec_key(Nid::X9_62_PRIME256V1);
        let other = cert("second root", &other_key, None, Role::Ca);
        let mut both = pki.root.to_pem().expect("pem");
        both.extend(other.to_pem().expect("pem"));
        std::fs::write(dir.path().join("both.pem"), &both).expect("write");
        std::fs::write(dir.path().join("root.der"), pki.root.to_der().expect("der"))
            .expect("write");
        std::fs::write(dir.path().join("README.txt"), b"not read").expect("write");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("sub/ignored.pem"), b"ignored").expect("write");
        let store = TrustStore::load(dir.path()).expect("folder");
        assert_eq!(store.len(), 3);
        assert_eq!(store.kind(), TrustStoreKind::CertificateAuthority);
        assert_eq!(
            TrustStore::load(dir.path().join("both.pem"))
                .expect("file")
                .len(),
            2
        );
        assert_eq!(
            TrustStore::load(dir.path().join("root.der"))
                .expect("der")
                .len(),
            1
        );

        std::fs::write(dir.path().join("bad.crt"), b"garbage").expect("write");
        assert!(matches!(
            TrustStore::load(dir.path()),
            Err(NotationError::BadCertificate { .. })
        ));
        assert!(matches!(
            TrustStore::load(dir.path().join("README.txt")),
            Err(NotationError::BadCertificate { .. })
        ));
        let empty = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            TrustStore::load(empty.path()),
            Err(NotationError::Empty { .. })
        ));
        assert!(matches!(
            TrustStore::load(empty.path().join("missing.pem")),
            Err(NotationError::Io { .. })
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("root.der"), empty.path().join("link.pem"))
                .expect("symlink");
            assert!(matches!(
                TrustStore::load(empty.path()),
                Err(NotationError::Symlink { .. })
            ));
        }
    }
}
