//! cosign's own formats, older than Sigstore bundles and still the most common on
//! registries: the simple-signing signature (`sha256-<hex>.sig`) and the DSSE attestation
//! (`sha256-<hex>.att`), each a layer whose annotations carry the signature, the
//! certificate and the transparency-log promise.
//!
//! A key signature is checked with the user's key (sigstore-rust's key verifier). A keyless
//! one is rewritten, without changing a byte of what was signed or logged, into the v0.1
//! Sigstore bundle it is equivalent to, and checked as a bundle: certificate chain, SCT and
//! log promise are never checked by code of ours.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::json;
use sigstore_crypto::VerificationKey;
use sigstore_types::{DerCertificate, SignatureBytes};

use super::intoto::{Envelope, Statement};
use super::policy::TrustPolicy;
use super::trust::TrustRoots;
use super::verify::{self, Signed};
use super::{visible, Signer, Verdict};

/// The media type of a simple-signing payload layer.
pub const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// The media type of a DSSE attestation layer.
pub const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
/// The annotation holding the base64 signature.
pub const SIGNATURE: &str = "dev.cosignproject.cosign/signature";
/// The annotation holding the signing certificate (PEM), keyless only.
pub const CERTIFICATE: &str = "dev.sigstore.cosign/certificate";
/// The annotation holding the certificate's chain (PEM), keyless only.
pub const CHAIN: &str = "dev.sigstore.cosign/chain";
/// The annotation holding the transparency log's promise (JSON).
pub const BUNDLE: &str = "dev.sigstore.cosign/bundle";
/// The annotation holding an RFC 3161 timestamp (JSON).
pub const TIMESTAMP: &str = "dev.sigstore.cosign/rfc3161timestamp";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A simple-signing signature's verdict over the image `subject_hex`.
pub fn simple_signing(
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    subject_hex: &str,
    roots: &TrustRoots,
    policy: &TrustPolicy,
) -> Verdict {
    let Some(signature) = annotations.get(SIGNATURE) else {
        return Verdict::Failed {
            reason: "the signature layer has no signature annotation".into(),
        };
    };
    let verdict = if annotations.contains_key(CERTIFICATE) {
        match legacy_bundle(
            annotations,
            json!({"messageSignature": {
                "messageDigest": {"algorithm": "SHA2_256",
                                  "digest": B64.encode(sha2_256(payload))},
                "signature": signature.trim(),
            }}),
        ) {
            Ok(bundle) => verify::bundle(&bundle, Signed::Bytes(payload), roots, policy).verdict,
            Err(reason) => Verdict::Failed { reason },
        }
    } else {
        match SignatureBytes::from_base64(signature.trim()) {
            Ok(sig) => with_keys(payload, &sig, policy),
            Err(_) => Verdict::Failed {
                reason: "the signature annotation is not base64".into(),
            },
        }
    };
    if !matches!(
        verdict,
        Verdict::Verified { .. } | Verdict::WrongSigner { .. }
    ) {
        return verdict;
    }
    match signed_digest(payload) {
        Some(d) if d.eq_ignore_ascii_case(&format!("sha256:{subject_hex}")) => verdict,
        Some(d) => Verdict::Failed {
            reason: format!(
                "the signature is valid but signs {}, not this image",
                visible(&d)
            ),
        },
        None => Verdict::Failed {
            reason: "the signed payload names no image digest".into(),
        },
    }
}

/// A cosign DSSE attestation's verdict over `subject_hex`, and the statement it carries
/// when it holds.
pub fn attestation(
    envelope_json: &[u8],
    annotations: &BTreeMap<String, String>,
    subject_hex: &str,
    roots: &TrustRoots,
    policy: &TrustPolicy,
) -> (Verdict, Option<Statement>) {
    let envelope = match Envelope::parse(envelope_json) {
        Ok(e) => e,
        Err(e) => {
            return (
                Verdict::Failed {
                    reason: e.to_string(),
                },
                None,
            )
        }
    };
    let verdict = if annotations.contains_key(CERTIFICATE) {
        let raw: serde_json::Value = match serde_json::from_slice(envelope_json) {
            Ok(v) => v,
            Err(e) => {
                return (
                    Verdict::Failed {
                        reason: e.to_string(),
                    },
                    None,
                )
            }
        };
        match legacy_bundle(annotations, json!({"dsseEnvelope": raw})) {
            Ok(bundle) => {
                verify::bundle(&bundle, Signed::Digest(subject_hex), roots, policy).verdict
            }
            Err(reason) => Verdict::Failed { reason },
        }
    } else {
        match envelope.signatures.first() {
            Some(sig) => with_keys(
                &envelope.signed_bytes(),
                &SignatureBytes::from_bytes(sig),
                policy,
            ),
            None => Verdict::Failed {
                reason: "the envelope has no signature".into(),
            },
        }
    };
    if !matches!(
        verdict,
        Verdict::Verified { .. } | Verdict::WrongSigner { .. }
    ) {
        return (verdict, None);
    }
    match envelope.statement() {
        Ok(st) if st.is_about(subject_hex) => (verdict, Some(st)),
        Ok(_) => (
            Verdict::Failed {
                reason: "the attestation is valid but about another artifact".into(),
            },
            None,
        ),
        Err(e) => (
            Verdict::Failed {
                reason: e.to_string(),
            },
            None,
        ),
    }
}

fn sha2_256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// The image digest a simple-signing payload names.
pub fn signed_digest(payload: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(payload).ok()?;
    v.pointer("/critical/image/docker-manifest-digest")?
        .as_str()
        .map(str::to_string)
}

fn with_keys(signed: &[u8], signature: &SignatureBytes, policy: &TrustPolicy) -> Verdict {
    if policy.keys.is_empty() {
        return Verdict::NotCheckable {
            reason: "signed with a key, and no public key was given to check it with".into(),
        };
    }
    for key in &policy.keys {
        let Ok(verifier) = VerificationKey::from_spki(&key.key) else {
            continue;
        };
        if verifier.verify(signed, signature).is_ok() {
            return Verdict::Verified {
                signer: Signer {
                    key: Some(key.name.clone()),
                    ..Signer::default()
                },
                signed_at: None,
                checks: vec![
                    format!("signature (key {})", key.name),
                    "not in a transparency log: the key's word alone".into(),
                ],
                policy_matched: true,
            };
        }
    }
    let names: Vec<&str> = policy.keys.iter().map(|k| k.name.as_str()).collect();
    Verdict::Failed {
        reason: format!("the signature does not verify with {}", names.join(" or ")),
    }
}

/// The v0.1 Sigstore bundle a keyless cosign layer's annotations amount to, with `content`
/// (its message signature or DSSE envelope).
pub fn legacy_bundle(
    annotations: &BTreeMap<String, String>,
    content: serde_json::Value,
) -> Result<Vec<u8>, String> {
    let mut certificates = Vec::new();
    for pem in annotations
        .get(CERTIFICATE)
        .into_iter()
        .chain(annotations.get(CHAIN))
        .flat_map(|text| pem_blocks(text))
    {
        let der = DerCertificate::from_pem(&pem).map_err(|e| format!("a certificate: {e}"))?;
        certificates.push(json!({"rawBytes": B64.encode(der.as_bytes())}));
    }
    let mut material = json!({
        "x509CertificateChain": {"certificates": certificates},
        "tlogEntries": [],
    });
    if let Some(promise) = annotations.get(BUNDLE) {
        let p: serde_json::Value =
            serde_json::from_str(promise).map_err(|e| format!("the log promise: {e}"))?;
        let body = p
            .pointer("/Payload/body")
            .and_then(|b| b.as_str())
            .ok_or("the log promise has no body")?;
        let decoded: serde_json::Value = B64
            .decode(body)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("the log promise's body is not base64 JSON")?;
        let log_id = p
            .pointer("/Payload/logID")
            .and_then(|v| v.as_str())
            .and_then(|h| hex::decode(h).ok())
            .ok_or("the log promise has no log ID")?;
        let number = |field: &str| {
            p.pointer(&format!("/Payload/{field}"))
                .and_then(|v| v.as_i64())
                .map(|n| n.to_string())
                .ok_or(format!("the log promise has no {field}"))
        };
        material["tlogEntries"] = json!([{
            "logIndex": number("logIndex")?,
            "logId": {"keyId": B64.encode(log_id)},
            "kindVersion": {
                "kind": decoded.get("kind").and_then(|k| k.as_str()).unwrap_or("hashedrekord"),
                "version": decoded.get("apiVersion").and_then(|k| k.as_str()).unwrap_or("0.0.1"),
            },
            "integratedTime": number("integratedTime")?,
            "inclusionPromise": {"signedEntryTimestamp": p.get("SignedEntryTimestamp")
                .and_then(|s| s.as_str()).ok_or("the log promise has no signed entry timestamp")?},
            "canonicalizedBody": body,
        }]);
    }
    if let Some(stamp) = annotations.get(TIMESTAMP) {
        let t: serde_json::Value =
            serde_json::from_str(stamp).map_err(|e| format!("the timestamp: {e}"))?;
        if let Some(token) = t.get("SignedRFC3161Timestamp").and_then(|s| s.as_str()) {
            material["timestampVerificationData"] =
                json!({"rfc3161Timestamps": [{"signedTimestamp": token}]});
        }
    }
    let mut bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "verificationMaterial": material,
    });
    if let (Some(b), Some(c)) = (bundle.as_object_mut(), content.as_object()) {
        b.extend(c.clone());
    }
    serde_json::to_vec(&bundle).map_err(|e| e.to_string())
}

fn pem_blocks(text: &str) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    text.split(BEGIN)
        .filter(|part| part.contains("-----END CERTIFICATE-----"))
        .map(|part| format!("{BEGIN}{part}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conformance(path: &str) -> Vec<u8> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/sigstore/conformance");
        std::fs::read(dir.join(path)).expect("fixture")
    }

    /// cosign's annotations for the log entry and certificate of conformance's v0.1 bundle.
    fn annotations_of_v01(tamper: bool) -> (BTreeMap<String, String>, String) {
        let b: serde_json::Value =
            serde_json::from_slice(&conformance("happy-path-v0.1/bundle.sigstore.json"))
                .expect("json");
        let vm = &b["verificationMaterial"];
        let certs = vm["x509CertificateChain"]["certificates"]
            .as_array()
            .expect("certs");
        let pem = |c: &serde_json::Value| {
            let raw = c["rawBytes"].as_str().expect("raw");
            format!("-----BEGIN CERTIFICATE-----\n{raw}\n-----END CERTIFICATE-----\n")
        };
        let entry = &vm["tlogEntries"][0];
        let log_id = hex::encode(
            B64.decode(entry["logId"]["keyId"].as_str().expect("id"))
                .expect("b64"),
        );
        let mut body = entry["canonicalizedBody"]
            .as_str()
            .expect("body")
            .to_string();
        if tamper {
            body = B64.encode(
                String::from_utf8(B64.decode(&body).expect("b64"))
                    .expect("utf8")
                    .replace("sha256", "sha257"),
            );
        }
        let promise = json!({
            "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
            "Payload": {"body": body,
                        "integratedTime": entry["integratedTime"].as_str().expect("t").parse::<i64>().expect("n"),
                        "logIndex": entry["logIndex"].as_str().expect("i").parse::<i64>().expect("n"),
                        "logID": log_id},
        });
        let mut a = BTreeMap::new();
        a.insert(CERTIFICATE.to_string(), pem(&certs[0]));
        a.insert(CHAIN.to_string(), certs[1..].iter().map(pem).collect());
        a.insert(BUNDLE.to_string(), promise.to_string());
        let sig = b["messageSignature"]["signature"]
            .as_str()
            .expect("sig")
            .to_string();
        (a, sig)
    }

    #[test]
    fn keyless_annotations_verify_as_the_bundle_they_amount_to() {
        let roots = TrustRoots::shipped().expect("roots");
        let artifact = conformance("a.txt");
        for (tamper, should_verify) in [(false, true), (true, false)] {
            let (annotations, sig) = annotations_of_v01(tamper);
            let bundle = legacy_bundle(
                &annotations,
                json!({"messageSignature": {"messageDigest": {"algorithm": "SHA2_256",
                        "digest": B64.encode(sha2_256(&artifact))}, "signature": sig}}),
            )
            .expect("converts");
            let verdict = verify::bundle(
                &bundle,
                Signed::Bytes(&artifact),
                &roots,
                &TrustPolicy::default(),
            )
            .verdict;
            assert_eq!(
                matches!(verdict, Verdict::Verified { .. }),
                should_verify,
                "tampered {tamper}: {verdict:?}"
            );
        }
    }

    #[test]
    fn a_key_signature_must_name_this_image() {
        use sigstore_crypto::KeyPair;
        let pair = KeyPair::generate_ecdsa_p256().expect("key");
        let key = pair.public_key_der().expect("der");
        let policy = TrustPolicy {
            keys: vec![super::super::policy::TrustedKey {
                name: "cosign.pub".into(),
                key,
            }],
            ..TrustPolicy::default()
        };
        let roots = TrustRoots::shipped().expect("roots");
        let subject = "ab".repeat(32);
        let payload = format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"r/x"}},"image":{{"docker-manifest-digest":"sha256:{subject}"}},"type":"cosign container image signature"}},"optional":null}}"#
        );
        let sig = pair.sign(payload.as_bytes()).expect("sign");
        let mut a = BTreeMap::new();
        a.insert(SIGNATURE.to_string(), B64.encode(sig.as_bytes()));
        let v = simple_signing(payload.as_bytes(), &a, &subject, &roots, &policy);
        assert!(matches!(v, Verdict::Verified { .. }), "{v:?}");
        let other = "cd".repeat(32);
        let v = simple_signing(payload.as_bytes(), &a, &other, &roots, &policy);
        assert!(
            matches!(&v, Verdict::Failed { reason } if reason.contains("not this image")),
            "{v:?}"
        );
        let v = simple_signing(
            payload.as_bytes(),
            &a,
            &subject,
            &roots,
            &TrustPolicy::default(),
        );
        assert!(matches!(v, Verdict::NotCheckable { .. }), "{v:?}");
        let mut tampered = payload.clone().into_bytes();
        tampered[10] ^= 1;
        let v = simple_signing(&tampered, &a, &subject, &roots, &policy);
        assert!(v.is_failure(), "{v:?}");
    }
}
