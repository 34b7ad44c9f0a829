//! DSSE envelopes and in-toto statements: the wrapping every attestation shares (cosign's
//! `.att`, Sigstore bundles with a DSSE envelope, BuildKit's attestation layers).

use base64::Engine as _;
use serde::Deserialize;

/// The payload type of an in-toto statement inside a DSSE envelope.
pub const INTOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A DSSE envelope, its payload decoded.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// What the payload is (`application/vnd.in-toto+json`).
    pub payload_type: String,
    /// The payload's bytes.
    pub payload: Vec<u8>,
    /// The signatures, each decoded from base64.
    pub signatures: Vec<Vec<u8>>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    #[serde(rename = "payloadType")]
    payload_type: String,
    payload: String,
    #[serde(default)]
    signatures: Vec<RawSignature>,
}

#[derive(Deserialize)]
struct RawSignature {
    #[serde(default)]
    sig: String,
}

/// Why a document is not a readable envelope or statement.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not the JSON shape expected.
    #[error("not a {what}: {detail}")]
    Shape {
        /// What was expected.
        what: &'static str,
        /// The parser's words.
        detail: String,
    },
    /// A base64 field does not decode.
    #[error("{field} is not base64")]
    Base64 {
        /// Which field.
        field: &'static str,
    },
}

/// DSSE's pre-authentication encoding: what a DSSE signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

fn b64(field: &'static str, text: &str) -> Result<Vec<u8>, ParseError> {
    let engine = base64::engine::general_purpose::STANDARD;
    engine
        .decode(text.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(text.trim()))
        .map_err(|_| ParseError::Base64 { field })
}

impl Envelope {
    /// Read a DSSE envelope.
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        let raw: RawEnvelope = serde_json::from_slice(bytes).map_err(|e| ParseError::Shape {
            what: "DSSE envelope",
            detail: e.to_string(),
        })?;
        Ok(Self {
            payload: b64("payload", &raw.payload)?,
            signatures: raw
                .signatures
                .iter()
                .map(|s| b64("signature", &s.sig))
                .collect::<Result<_, _>>()?,
            payload_type: raw.payload_type,
        })
    }

    /// The bytes a signature over this envelope covers.
    pub fn signed_bytes(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }

    /// The in-toto statement it carries.
    pub fn statement(&self) -> Result<Statement, ParseError> {
        if self.payload_type != INTOTO_PAYLOAD_TYPE {
            return Err(ParseError::Shape {
                what: "in-toto envelope",
                detail: format!("its payload type is {}", self.payload_type),
            });
        }
        Statement::parse(&self.payload)
    }
}

/// An in-toto statement: what it is about (subjects by digest) and what it says
/// (a predicate of some type).
#[derive(Debug, Clone, Deserialize)]
pub struct Statement {
    /// `https://in-toto.io/Statement/v0.1` or `/v1`.
    #[serde(rename = "_type", default)]
    pub statement_type: String,
    /// What the statement is about.
    #[serde(default)]
    pub subject: Vec<Subject>,
    /// What kind of claim (`https://slsa.dev/provenance/v1`, `https://spdx.dev/Document`, ...).
    #[serde(rename = "predicateType", default)]
    pub predicate_type: String,
    /// The claim.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

/// One subject of a statement.
#[derive(Debug, Clone, Deserialize)]
pub struct Subject {
    /// Its name (an image reference, a file name).
    #[serde(default)]
    pub name: String,
    /// Its digests by algorithm (`sha256` → hex).
    #[serde(default)]
    pub digest: std::collections::BTreeMap<String, String>,
}

impl Statement {
    /// Read a statement.
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        serde_json::from_slice(bytes).map_err(|e| ParseError::Shape {
            what: "in-toto statement",
            detail: e.to_string(),
        })
    }

    /// Whether one of its subjects is this SHA-256 digest (hex, without `sha256:`).
    pub fn is_about(&self, sha256_hex: &str) -> bool {
        self.subject.iter().any(|s| {
            s.digest
                .get("sha256")
                .is_some_and(|d| d.eq_ignore_ascii_case(sha256_hex))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_is_dsse_v1() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn a_statement_is_about_its_subject() {
        let s = Statement::parse(
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"ABCD"}}],"predicateType":"p","predicate":{}}"#,
        )
        .expect("parses");
        assert!(s.is_about("abcd"));
        assert!(!s.is_about("abce"));
    }
}
