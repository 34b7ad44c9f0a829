//! Bearer tokens: trading credentials for a token at the registry's realm, and caching
//! tokens per scope until they expire.
//!
//! Follows distribution's token spec: `GET realm?service=S&scope=A&scope=B` with Basic
//! credentials (or none, for anonymous pulls of public images), or a `POST` with an OAuth
//! refresh token when the credential is an identity token. `access_token` is preferred
//! over `token`; `expires_in` below 60 s counts as 60 s. Before any secret goes to a realm
//! the realm must be HTTPS, or a host plain HTTP is allowed for.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::auth::credential::{Credential, CredentialKind, Secret};
use crate::error::{Error, Result};
use crate::transport::{self, TransportOptions};

const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(60);
const MAX_TOKEN_RESPONSE: u64 = 1024 * 1024;
/// Tokens are renewed this long before they expire, so one never dies mid-request.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);
/// Tokens are kept at most this long, whatever `expires_in` says.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A token and when to stop using it.
#[derive(Debug, Clone)]
pub struct CachedToken {
    /// The bearer token.
    pub token: Secret,
    /// After this instant, fetch a new one.
    pub renew_at: Instant,
}

/// Tokens of one registry, keyed by scope.
#[derive(Debug, Default)]
pub struct TokenCache {
    tokens: HashMap<String, CachedToken>,
}

impl TokenCache {
    /// A live token for `scope`, if cached.
    pub fn get(&self, scope: &str) -> Option<Secret> {
        self.tokens
            .get(scope)
            .filter(|t| Instant::now() < t.renew_at)
            .map(|t| t.token.clone())
    }
    /// Remember a token for `scope`.
    pub fn put(&mut self, scope: &str, token: CachedToken) {
        self.tokens.insert(scope.to_owned(), token);
    }
    /// Forget the token for `scope` (the registry said it is invalid).
    pub fn invalidate(&mut self, scope: &str) {
        self.tokens.remove(scope);
    }
}

/// What the token endpoint answers.
#[derive(serde::Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Where and what to ask for.
pub struct TokenRequest<'a> {
    /// Registry host (for errors and the realm check).
    pub registry: &'a str,
    /// The realm URL from the challenge.
    pub realm: &'a str,
    /// The `service` parameter, if the challenge named one.
    pub service: Option<&'a str>,
    /// Scopes to ask for.
    pub scopes: &'a [String],
    /// Credential to authenticate with, or anonymous.
    pub credential: Option<&'a Credential>,
}

/// Check that the realm may receive a secret. Anonymous requests may go anywhere.
pub fn check_realm(
    options: &TransportOptions,
    registry: &str,
    realm: &str,
    with_secret: bool,
) -> Result<url::Url> {
    let url = url::Url::parse(realm).map_err(|e| {
        Error::protocol(
            registry,
            "its authentication challenge",
            format!("the realm \"{realm}\" is not a URL ({e})"),
        )
    })?;
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => {
            return Err(Error::protocol(
                registry,
                "its authentication challenge",
                format!("the realm \"{realm}\" has no host"),
            ))
        }
    };
    match url.scheme() {
        "https" => {}
        "http" if !with_secret || options.allows_plain_http(&host) => {}
        "http" => {
            return Err(Error::UnsafeRealm {
                registry: registry.to_owned(),
                realm: realm.to_owned(),
                reason: "it is plain HTTP; the secret would cross the network unencrypted. Mark the host insecure only if you trust the network".to_owned(),
            })
        }
        other => {
            return Err(Error::UnsafeRealm {
                registry: registry.to_owned(),
                realm: realm.to_owned(),
                reason: format!("the \"{other}\" scheme is not HTTP(S)"),
            })
        }
    }
    let registry_host = registry.split(':').next().unwrap_or(registry);
    if with_secret && url.host_str() != Some(registry_host) {
        tracing::debug!(registry, realm_host = %host, "token realm is on another host than the registry");
    }
    Ok(url)
}

/// Fetch a token.
#[tracing::instrument(level = "debug", skip_all, fields(registry = req.registry, scopes = ?req.scopes))]
pub async fn fetch(
    http: &reqwest::Client,
    options: &TransportOptions,
    req: TokenRequest<'_>,
) -> Result<CachedToken> {
    let with_secret = req.credential.is_some();
    let url = check_realm(options, req.registry, req.realm, with_secret)?;
    let response = token_request(http, url, &req).send().await.map_err(|e| {
        transport::unreachable(req.registry, &e, |reason| {
            format!("its token service {} failed: {reason}", req.realm)
        })
    })?;
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
        let reason = if with_secret {
            login_refused_hint(req.registry)
        } else {
            "sign in first: the repository is private, or does not exist".to_owned()
        };
        return Err(Error::Unauthorized {
            registry: req.registry.to_owned(),
            resource: describe_scopes(req.scopes),
            reason,
        });
    }
    let what = format!("a token from {}", req.realm);
    if !status.is_success() {
        return Err(Error::protocol(
            req.registry,
            what,
            format!("the token service answered HTTP {status}"),
        ));
    }
    let body = transport::read_capped(response, MAX_TOKEN_RESPONSE)
        .await
        .map_err(|_| Error::protocol(req.registry, &what, "the answer was cut off or too large"))?;
    let token = token_of(&body).map_err(|detail| Error::protocol(req.registry, &what, detail))?;
    tracing::debug!(lifetime_s = token.lifetime.as_secs(), "token received");
    Ok(CachedToken {
        token: Secret::new(token.value),
        renew_at: renew_time(Instant::now(), token.lifetime),
    })
}

/// The request for a token at `url` (the checked realm): an OAuth `POST` with a refresh
/// token for an identity token, else a `GET` with the scopes in the query and the
/// credential, if any, as Basic auth.
fn token_request(
    http: &reqwest::Client,
    mut url: url::Url,
    req: &TokenRequest<'_>,
) -> reqwest::RequestBuilder {
    match req.credential {
        Some(c) if c.kind == CredentialKind::IdentityToken => {
            let mut form: Vec<(&str, &str)> = vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", c.secret.expose()),
                ("client_id", "portolan"),
            ];
            if let Some(s) = req.service {
                form.push(("service", s));
            }
            let scope = req.scopes.join(" ");
            if !scope.is_empty() {
                form.push(("scope", &scope));
            }
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            http.post(url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body)
        }
        cred => {
            {
                let mut q = url.query_pairs_mut();
                if let Some(s) = req.service {
                    q.append_pair("service", s);
                }
                for scope in req.scopes {
                    q.append_pair("scope", scope);
                }
            }
            let b = http.get(url);
            match cred {
                Some(c) => b.basic_auth(&c.username, Some(c.secret.expose())),
                None => b,
            }
        }
    }
}

/// A token and how long to keep it, read from a token service's answer.
struct Received {
    value: String,
    lifetime: Duration,
}

/// The token in `body` (`access_token`, else `token`), or what is wrong with the body.
fn token_of(body: &[u8]) -> std::result::Result<Received, &'static str> {
    let answer: TokenAnswer = serde_json::from_slice(body)
        .map_err(|_| "the answer is not the token JSON the protocol describes")?;
    let value = answer
        .access_token
        .filter(|t| !t.is_empty())
        .or(answer.token.filter(|t| !t.is_empty()))
        .ok_or("the answer holds no token")?;
    Ok(Received {
        value,
        lifetime: token_lifetime(answer.expires_in),
    })
}

/// How long to keep a token: what the service said, at least a minute, and at most a day
/// (a token service may say anything; a cached token is refreshed on a 401 anyway).
fn token_lifetime(expires_in: Option<u64>) -> Duration {
    Duration::from_secs(expires_in.unwrap_or(60)).clamp(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME)
}

/// When to ask for a new token: a margin before it expires (never overflowing).
fn renew_time(now: Instant, lifetime: Duration) -> Instant {
    now.checked_add(lifetime.saturating_sub(EXPIRY_MARGIN))
        .unwrap_or(now)
}

/// What to sign in to `registry` with, in words (per registry where it differs).
pub fn sign_in_advice(registry: &str) -> &'static str {
    match registry {
        "ghcr.io" => "Use your GitHub username and a personal access token (classic) with read:packages (write:packages to push, delete:packages to delete).",
        "docker.io" => "Use your Docker Hub username and a password or a personal access token.",
        _ => "Use the username and password (or token) of this registry.",
    }
}

/// What to tell a user whose sign-in was refused, per registry.
pub fn login_refused_hint(registry: &str) -> String {
    match registry {
        "ghcr.io" => "the username or token was refused. ghcr.io needs a personal access token (classic) with the read:packages scope (write:packages to push, delete:packages to delete)".to_owned(),
        "docker.io" => "the username or password/access token was refused by Docker Hub".to_owned(),
        _ => "the username or password was refused; check them and sign in again".to_owned(),
    }
}

fn describe_scopes(scopes: &[String]) -> String {
    let names: Vec<&str> = scopes
        .iter()
        .map(|s| {
            // repository:NAME:actions, where NAME may hold host:port
            let trimmed = s.strip_prefix("repository:").unwrap_or(s);
            trimmed.rsplit_once(':').map(|(n, _)| n).unwrap_or(trimmed)
        })
        .collect();
    if names.is_empty() {
        "the registry".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_expiry_does_not_panic() {
        assert_eq!(token_lifetime(Some(u64::MAX)), MAX_TOKEN_LIFETIME);
        assert_eq!(token_lifetime(Some(0)), MIN_TOKEN_LIFETIME);
        assert_eq!(token_lifetime(None), MIN_TOKEN_LIFETIME);
        let now = Instant::now();
        assert!(renew_time(now, Duration::MAX) >= now);
        assert_eq!(
            renew_time(now, MIN_TOKEN_LIFETIME),
            now + MIN_TOKEN_LIFETIME - EXPIRY_MARGIN
        );
    }

    #[test]
    fn realm_safety() {
        let o = TransportOptions::default();
        assert!(check_realm(&o, "ghcr.io", "https://ghcr.io/token", true).is_ok());
        assert!(check_realm(&o, "r", "http://127.0.0.1:9/token", true).is_ok());
        let err = check_realm(&o, "r.example", "http://evil.example/token", true)
            .expect_err("http realm");
        assert!(matches!(err, Error::UnsafeRealm { .. }), "{err}");
        assert_eq!(err.code(), crate::ErrorCode::Insecure);
        assert!(check_realm(&o, "r.example", "http://evil.example/token", false).is_ok());
        assert!(check_realm(&o, "r.example", "ftp://x/token", true).is_err());
        assert!(check_realm(&o, "r.example", "not a url", false).is_err());
    }

    #[test]
    fn cache_respects_expiry() {
        let mut c = TokenCache::default();
        c.put(
            "s",
            CachedToken {
                token: Secret::new("t"),
                renew_at: Instant::now() + Duration::from_secs(50),
            },
        );
        assert_eq!(c.get("s").map(|t| t.expose().to_owned()), Some("t".into()));
        c.put(
            "old",
            CachedToken {
                token: Secret::new("t"),
                renew_at: Instant::now(),
            },
        );
        assert!(c.get("old").is_none());
        c.invalidate("s");
        assert!(c.get("s").is_none());
        assert_eq!(
            describe_scopes(&["repository:localhost:5000/a/b:pull".into()]),
            "localhost:5000/a/b"
        );
    }
}
