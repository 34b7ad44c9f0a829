//! A token service for distribution's bearer-token mode, in the tests' own code.
//!
//! It answers `GET /token?service=..&scope=..` like Docker Hub's or GHCR's (one route of
//! an [`HttpDouble`]): Basic credentials are checked against its users; anonymous callers
//! get `pull` on repositories under `public/` only; known users get every action they ask
//! for, and the catalog. Tokens are ES256 JWTs carrying the signing certificate in `x5c`, which the
//! registry checks against its `rootcertbundle`. Requests are counted so tests can check
//! that clients cache tokens.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

use crate::http_double::{HttpDouble, Reply, Request};

/// The service name the registry and the token server agree on: ghcr.io's, so the
/// registry challenges as ghcr.io does (`Bearer realm=".../token",service="ghcr.io",...`).
pub const SERVICE: &str = "ghcr.io";
/// The issuer name.
pub const ISSUER: &str = "test-issuer";

/// A running token server.
pub struct TokenServer {
    /// `http://127.0.0.1:PORT/token`.
    pub realm: String,
    /// PEM of the signing certificate (the registry's `rootcertbundle`).
    pub cert_pem: Vec<u8>,
    state: Arc<State>,
    _double: HttpDouble,
}

struct State {
    key: EcKey<Private>,
    cert_der: Vec<u8>,
    users: HashMap<String, String>,
    requests: AtomicUsize,
}

impl TokenServer {
    /// Start a server that knows `users` (name, password).
    pub fn start(users: &[(&str, &str)]) -> Self {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
        let key = EcKey::generate(&group).expect("key");
        let cert = self_signed(&key);
        let state = Arc::new(State {
            key,
            cert_der: cert.to_der().expect("der"),
            users: users
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
            requests: AtomicUsize::new(0),
        });
        let serving = state.clone();
        let double = HttpDouble::builder()
            .handle("*", "/token", move |request| answer(&serving, request))
            .start();
        Self {
            realm: double.url("/token"),
            cert_pem: cert.to_pem().expect("pem"),
            state,
            _double: double,
        }
    }

    /// How many token requests were answered (successfully or not).
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// A token with every action on `repositories` and the catalog (for seeding).
    pub fn admin_token(&self, repositories: &[&str]) -> String {
        let mut access: Vec<serde_json::Value> = repositories
            .iter()
            .map(|r| serde_json::json!({"type":"repository","name":r,"actions":["pull","push","delete","*"]}))
            .collect();
        access.push(serde_json::json!({"type":"registry","name":"catalog","actions":["*"]}));
        sign(&self.state, "admin", access, 300)
    }
}

fn self_signed(key: &EcKey<Private>) -> X509 {
    let pkey = PKey::from_ec_key(key.clone()).expect("pkey");
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", ISSUER).expect("cn");
    let name = name.build();
    let mut b = X509Builder::new().expect("x509");
    b.set_version(2).expect("version");
    b.set_subject_name(&name).expect("subject");
    b.set_issuer_name(&name).expect("issuer");
    b.set_pubkey(&pkey).expect("pubkey");
    let serial = openssl::bn::BigNum::from_u32(1)
        .and_then(|n| n.to_asn1_integer())
        .expect("serial");
    b.set_serial_number(&serial).expect("serial");
    b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).expect("t"))
        .expect("nb");
    b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(3650).expect("t"))
        .expect("na");
    b.sign(&pkey, openssl::hash::MessageDigest::sha256())
        .expect("sign");
    b.build()
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn sign(state: &State, subject: &str, access: Vec<serde_json::Value>, lifetime: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let header = serde_json::json!({
        "alg": "ES256", "typ": "JWT",
        "x5c": [base64::engine::general_purpose::STANDARD.encode(&state.cert_der)],
    });
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": subject, "aud": SERVICE,
        "exp": now + lifetime, "nbf": now - 5, "iat": now,
        "jti": format!("{now}-{}", state.requests.load(Ordering::SeqCst)),
        "access": access,
    });
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let digest = openssl::sha::sha256(input.as_bytes());
    let sig = EcdsaSig::sign(&digest, &state.key).expect("ecdsa");
    let mut raw = sig.r().to_vec_padded(32).expect("r");
    raw.extend(sig.s().to_vec_padded(32).expect("s"));
    format!("{input}.{}", b64url(&raw))
}

fn answer(state: &State, request: &Request) -> Reply {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let scopes: Vec<String> = request
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k == "scope")
        .flat_map(|(_, v)| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let user = match request
        .header("authorization")
        .and_then(|a| a.strip_prefix("Basic "))
    {
        Some(encoded) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&decoded).to_string();
            let (u, p) = text.split_once(':').unwrap_or(("", ""));
            if state.users.get(u).map(String::as_str) != Some(p) {
                return Reply::bytes(
                    401,
                    "application/json",
                    r#"{"details":"incorrect username or password"}"#,
                );
            }
            Some(u.to_owned())
        }
        None => None,
    };
    let mut access = Vec::new();
    for scope in scopes {
        // type:name:actions, where name may contain "host:port"
        let Some((head, actions)) = scope.rsplit_once(':') else {
            continue;
        };
        let Some((kind, name)) = head.split_once(':') else {
            continue;
        };
        let wanted: Vec<&str> = actions.split(',').collect();
        let granted: Vec<&str> = match (&user, kind) {
            (Some(_), _) => wanted,
            (None, "repository") if name.starts_with("public/") => {
                wanted.into_iter().filter(|a| *a == "pull").collect()
            }
            _ => Vec::new(),
        };
        access.push(serde_json::json!({"type": kind, "name": name, "actions": granted}));
    }
    let token = sign(state, user.as_deref().unwrap_or(""), access, 300);
    Reply::json(
        &serde_json::json!({"token": token, "access_token": token, "expires_in": 300, "issued_at": "2026-01-01T00:00:00Z"}),
    )
}
