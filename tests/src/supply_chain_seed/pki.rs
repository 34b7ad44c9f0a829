//! Keys and X.509 certificates for the supply-chain seed, made with the openssl crate.
//!
//! The seed needs the certificate shapes real signers produce: a Fulcio-like chain (root,
//! intermediate, a ten-minute leaf naming a GitHub Actions workflow in its SAN and the
//! OIDC issuer in Fulcio's extensions), a timestamping authority (critical `timeStamping`
//! EKU, as RFC 3161 requires) and Notary Project code-signing chains. Nothing here reads
//! registry input, so failures are panics with the step that failed.

use openssl::asn1::{Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Builder, X509Extension, X509NameBuilder, X509};

/// A fresh P-256 private key.
pub fn p256() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256 curve");
    PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("pkey")
}

/// ECDSA P-256 SHA-256 over `data`, DER-encoded (what cosign, DSSE and Sigstore bundles
/// carry).
pub fn sign_der(key: &PKey<Private>, data: &[u8]) -> Vec<u8> {
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), key).expect("signer");
    signer.sign_oneshot_to_vec(data).expect("ECDSA sign")
}

/// ECDSA P-256 SHA-256 over `data` as JWS ES256 wants it: `r || s`, 32 bytes each.
pub fn sign_raw(key: &PKey<Private>, data: &[u8]) -> Vec<u8> {
    der_to_raw(&sign_der(key, data))
}

/// A DER ECDSA signature as `r || s` (32 bytes each).
pub fn der_to_raw(der: &[u8]) -> Vec<u8> {
    let sig = EcdsaSig::from_der(der).expect("DER ECDSA signature");
    let mut raw = sig.r().to_vec_padded(32).expect("r");
    raw.extend(sig.s().to_vec_padded(32).expect("s"));
    raw
}

/// An `r || s` signature as DER (for checking a JWS signature with `openssl dgst`).
pub fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    assert_eq!(raw.len(), 64, "ES256 signatures are 64 bytes");
    let r = BigNum::from_slice(&raw[..32]).expect("r");
    let s = BigNum::from_slice(&raw[32..]).expect("s");
    EcdsaSig::from_private_components(r, s)
        .and_then(|sig| sig.to_der())
        .expect("DER signature")
}

/// PEM (SubjectPublicKeyInfo) of a key's public half.
pub fn public_pem(key: &PKey<Private>) -> Vec<u8> {
    key.public_key_to_pem().expect("public PEM")
}

/// A certificate and its private key.
pub struct Cert {
    /// The private key.
    pub key: PKey<Private>,
    /// The certificate.
    pub cert: X509,
}

impl Cert {
    /// DER of the certificate.
    pub fn der(&self) -> Vec<u8> {
        self.cert.to_der().expect("certificate DER")
    }
    /// PEM of the certificate.
    pub fn pem(&self) -> Vec<u8> {
        self.cert.to_pem().expect("certificate PEM")
    }
    /// PEM (PKCS#8) of the private key.
    pub fn key_pem(&self) -> Vec<u8> {
        self.key.private_key_to_pem_pkcs8().expect("key PEM")
    }
}

/// What a certificate is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A CA: `basicConstraints` critical `CA:TRUE` (with this path length, if any),
    /// `keyUsage` critical `keyCertSign, cRLSign`.
    Ca(Option<u32>),
    /// A code signer: `keyUsage` critical `digitalSignature`, EKU `codeSigning`.
    CodeSigning,
    /// A timestamping authority: `keyUsage` critical `digitalSignature`, EKU critical
    /// `timeStamping` (and nothing else, as RFC 3161 requires).
    TimeStamping,
}

/// What to put in a certificate.
pub struct Spec<'a> {
    /// Subject name entries (`("CN", "...")`); empty for Fulcio-style leaves.
    pub subject: &'a [(&'a str, &'a str)],
    /// Its role.
    pub role: Role,
    /// Valid from (Unix seconds).
    pub not_before: i64,
    /// Valid until (Unix seconds).
    pub not_after: i64,
    /// A URI Subject Alternative Name (critical when the subject is empty, as RFC 5280
    /// asks).
    pub san_uri: Option<&'a str>,
    /// Non-critical extensions by dotted OID, with the bytes of their `extnValue`.
    pub extensions: &'a [(String, Vec<u8>)],
}

/// Issue a certificate for a fresh P-256 key, signed by `issuer` (self-signed when
/// `None`).
pub fn issue(spec: &Spec<'_>, issuer: Option<&Cert>) -> Cert {
    let key = p256();
    let mut name = X509NameBuilder::new().expect("name");
    for (field, value) in spec.subject {
        name.append_entry_by_text(field, value).expect("name entry");
    }
    let name = name.build();
    let mut b = X509Builder::new().expect("x509");
    b.set_version(2).expect("version");
    let serial = {
        let mut n = BigNum::new().expect("bn");
        n.rand(127, MsbOption::MAYBE_ZERO, false).expect("rand");
        n.to_asn1_integer().expect("serial")
    };
    b.set_serial_number(&serial).expect("serial");
    b.set_subject_name(&name).expect("subject");
    match issuer {
        Some(i) => b.set_issuer_name(i.cert.subject_name()),
        None => b.set_issuer_name(&name),
    }
    .expect("issuer");
    b.set_pubkey(&key).expect("pubkey");
    b.set_not_before(&Asn1Time::from_unix(spec.not_before).expect("time"))
        .expect("not before");
    b.set_not_after(&Asn1Time::from_unix(spec.not_after).expect("time"))
        .expect("not after");
    match spec.role {
        Role::Ca(pathlen) => {
            let mut bc = BasicConstraints::new();
            bc.critical().ca();
            if let Some(p) = pathlen {
                bc.pathlen(p);
            }
            b.append_extension(bc.build().expect("bc")).expect("bc");
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()
                    .expect("ku"),
            )
            .expect("ku");
        }
        Role::CodeSigning => {
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .build()
                    .expect("ku"),
            )
            .expect("ku");
            b.append_extension(ExtendedKeyUsage::new().code_signing().build().expect("eku"))
                .expect("eku");
        }
        Role::TimeStamping => {
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .build()
                    .expect("ku"),
            )
            .expect("ku");
            b.append_extension(
                ExtendedKeyUsage::new()
                    .critical()
                    .time_stamping()
                    .build()
                    .expect("eku"),
            )
            .expect("eku");
        }
    }
    let ski = SubjectKeyIdentifier::new()
        .build(&b.x509v3_context(None, None))
        .expect("ski");
    b.append_extension(ski).expect("ski");
    if let Some(i) = issuer {
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&b.x509v3_context(Some(&i.cert), None))
            .expect("aki");
        b.append_extension(aki).expect("aki");
    }
    if let Some(uri) = spec.san_uri {
        let mut san = SubjectAlternativeName::new();
        if spec.subject.is_empty() {
            san.critical();
        }
        let san = san
            .uri(uri)
            .build(&b.x509v3_context(issuer.map(|i| i.cert.as_ref()), None))
            .expect("san");
        b.append_extension(san).expect("san");
    }
    for (oid, value) in spec.extensions {
        let oid = Asn1Object::from_str(oid).expect("oid");
        let value = Asn1OctetString::new_from_bytes(value).expect("octets");
        b.append_extension(X509Extension::new_from_der(&oid, false, &value).expect("extension"))
            .expect("extension");
    }
    let signing_key = issuer.map_or(&key, |i| &i.key);
    b.sign(signing_key, MessageDigest::sha256()).expect("sign");
    Cert {
        cert: b.build(),
        key,
    }
}

/// A CA certificate valid from a day ago for ten years.
pub fn ca(subject: &[(&str, &str)], pathlen: Option<u32>, issuer: Option<&Cert>) -> Cert {
    let now = now();
    issue(
        &Spec {
            subject,
            role: Role::Ca(pathlen),
            not_before: now - 86_400,
            not_after: now + 10 * 365 * 86_400,
            san_uri: None,
            extensions: &[],
        },
        issuer,
    )
}

/// DER `UTF8String` of `text`: how Fulcio encodes its extensions from
/// `1.3.6.1.4.1.57264.1.8` on (the older `.1.1` to `.1.6` hold the raw bytes).
pub fn der_utf8(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = vec![0x0c];
    match bytes.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n <= 0xff => out.extend([0x81, n as u8]),
        n => {
            assert!(n <= 0xffff, "extension value too long");
            out.extend([0x82, (n >> 8) as u8, n as u8]);
        }
    }
    out.extend_from_slice(bytes);
    out
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}
