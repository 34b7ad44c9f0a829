//! Sending one API request: scheme discovery, auth challenges, retries, error mapping.
//!
//! The loop in [`RegistryClient::send`] is the single place where a request meets the
//! network. It attaches what the registry asked for (Basic, or a bearer token for the
//! request's scope), answers a 401 by reading the challenge and fetching a token (once
//! more on `invalid_token`), waits out 429 (`Retry-After`) and 5xx with bounded backoff,
//! and retries connections that failed before an answer arrived. Every retry here goes
//! through [`transport::retry`] with the client's configured policy.

use base64::Engine;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, LOCATION, WWW_AUTHENTICATE};
use reqwest::{Method, Response, StatusCode};

use super::{error_body, origins, RegistryClient, MAX_ERROR_BODY};
use crate::auth::challenge::{self, Challenge, Scheme};
use crate::auth::credential::Credential;
use crate::auth::token::{self, TokenCache, TokenRequest};
use crate::error::{Error, Result};
use crate::transport::retry::Decision;
use crate::transport::{self, CappedReadError};

const MAX_REDIRECTS: usize = 5;
/// Auth rounds per request: one for a first token, one more after `invalid_token`.
const MAX_AUTH_ROUNDS: u32 = 2;

/// Where the registry's API lives, learned by the first `/v2/` request.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub(crate) base: url::Url,
}

/// How this registry wants to be authenticated, and the tokens we hold for it.
#[derive(Debug, Default)]
pub(crate) struct AuthState {
    /// Send Basic credentials on every request.
    pub(crate) basic: bool,
    /// The token endpoint (realm, service) once a Bearer challenge was seen.
    pub(crate) bearer: Option<(String, Option<String>)>,
    pub(crate) tokens: TokenCache,
}

/// The auth handshake of one request, kept across its retries.
#[derive(Debug)]
struct Handshake {
    /// 401s answered so far.
    rounds: u32,
    /// Scopes to ask the token service for: the call's own, plus any the registry's
    /// challenge named (one challenge may name several, space-separated).
    scopes: Vec<String>,
}

/// One request to make: method, URL, the scope it needs, and words for errors.
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    url: url::Url,
    scope: Option<String>,
    accept: Option<&'static str>,
    headers: Vec<(reqwest::header::HeaderName, String)>,
    payload: Payload,
    what: String,
}

/// A request body. Bytes can be sent again on a retry; a stream only once (an upload that
/// breaks mid-stream is resumed by its caller from the registry's reported offset).
#[derive(Clone, Default)]
pub enum Payload {
    /// No body.
    #[default]
    None,
    /// A body held in memory.
    Bytes(bytes::Bytes),
    /// A body streamed from a file or another registry.
    Stream(std::sync::Arc<std::sync::Mutex<Option<reqwest::Body>>>),
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Payload::None => f.write_str("None"),
            Payload::Bytes(b) => write!(f, "Bytes({})", b.len()),
            Payload::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl Payload {
    /// A one-shot streamed body.
    pub fn stream(body: reqwest::Body) -> Self {
        Payload::Stream(std::sync::Arc::new(std::sync::Mutex::new(Some(body))))
    }
}

impl Call {
    /// A request needing `scope` (`repository:NAME:pull`, `registry:catalog:*`, several
    /// separated by spaces, or none).
    pub fn new(method: Method, url: url::Url, scope: Option<String>, what: &str) -> Self {
        Self {
            method,
            url,
            scope,
            accept: None,
            headers: Vec::new(),
            payload: Payload::None,
            what: what.to_owned(),
        }
    }
    /// Set the `Accept` header.
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }
    /// Add a header.
    pub fn header(mut self, name: reqwest::header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    /// Set the body.
    pub fn body(mut self, payload: Payload) -> Self {
        self.payload = payload;
        self
    }
    /// What the request is for, in words.
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl RegistryClient {
    pub(crate) fn auth_state(&self) -> std::sync::MutexGuard<'_, AuthState> {
        self.auth.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The credential for this registry, looked up once (off the async threads: keyring
    /// and helper lookups block).
    pub(crate) async fn credential(&self) -> Result<Option<Credential>> {
        self.credential
            .get_or_try_init(|| async {
                let provider = self.credentials.clone();
                let registry = self.registry.clone();
                tokio::task::spawn_blocking(move || provider.credential_for(&registry))
                    .await
                    .map_err(|e| Error::internal(format!("credential lookup stopped: {e}")))?
            })
            .await
            .cloned()
    }

    /// Find out whether the registry speaks HTTPS, or (where allowed) plain HTTP.
    pub(crate) async fn endpoint(&self) -> Result<&Endpoint> {
        self.endpoint
            .get_or_try_init(|| async {
                let schemes: &[&str] = if self.options.allows_plain_http(&self.host) {
                    &["https", "http"]
                } else {
                    &["https"]
                };
                let mut probes = Vec::with_capacity(schemes.len());
                for scheme in schemes {
                    let base =
                        url::Url::parse(&format!("{scheme}://{}/", self.host)).map_err(|e| {
                            Error::input(
                                format!("\"{}\" is not a usable registry host", self.host),
                                e.to_string(),
                            )
                        })?;
                    let probe = base.join("v2/").map_err(|e| self.bad_url(e))?;
                    probes.push((base, probe));
                }
                transport::retry::retry(
                    self.options.retry,
                    |_| self.probe(&probes),
                    |outcome| match outcome {
                        Err(e) if transport::is_retryable_failure(e) => Decision::BACKOFF,
                        _ => Decision::Stop,
                    },
                )
                .await
                .map_err(|e| transport::unreachable(&self.registry, &e, |reason| reason))
            })
            .await
    }

    /// One round of scheme discovery over `probes` (base URL, `/v2/` URL): HTTPS, then
    /// plain HTTP where allowed and only when the server does not speak TLS at all.
    async fn probe(
        &self,
        probes: &[(url::Url, url::Url)],
    ) -> std::result::Result<Endpoint, reqwest::Error> {
        let mut https_err = None;
        let mut last_err = None;
        for (base, probe) in probes {
            let plain = base.scheme() == "http";
            match self.http.get(probe.clone()).send().await {
                Ok(response) if plain && response.status() == StatusCode::BAD_REQUEST => {
                    // An HTTPS server answering plain HTTP: the HTTPS error is the real one.
                    let body = transport::read_capped(response, 4096)
                        .await
                        .unwrap_or_default();
                    let text = String::from_utf8_lossy(&body).to_lowercase();
                    if text.contains("https") {
                        break;
                    }
                    return Ok(Endpoint { base: base.clone() });
                }
                Ok(response) => {
                    tracing::debug!(registry = %self.registry, %base, status = %response.status(), "registry endpoint found");
                    if response.status() == StatusCode::UNAUTHORIZED {
                        if let Some(c) = response
                            .headers()
                            .get(WWW_AUTHENTICATE)
                            .and_then(|v| v.to_str().ok())
                            .and_then(challenge::pick)
                        {
                            self.remember_challenge(&c);
                        }
                    }
                    return Ok(Endpoint { base: base.clone() });
                }
                Err(e) if !plain => {
                    let no_tls = transport::speaks_no_tls(&e);
                    https_err = Some(e);
                    // Plain HTTP only when the server does not speak TLS at all;
                    // a certificate we refuse is never a reason to drop TLS.
                    if !no_tls {
                        break;
                    }
                    if transport::is_loopback_host(&self.host) {
                        tracing::debug!(registry = %self.registry, "no TLS on a loopback registry; trying plain HTTP");
                    } else {
                        tracing::warn!(registry = %self.registry, "{} does not speak TLS; using plain HTTP because it is marked insecure", self.host);
                    }
                }
                Err(e) => last_err = Some(e),
            }
        }
        // Report the HTTPS failure unless plain HTTP was tried and failed on its own
        // terms (nothing listening at all).
        Err(match (https_err, last_err) {
            (Some(h), Some(p)) if p.is_connect() && !transport::is_tls_failure(&h) => p,
            (Some(h), _) => h,
            (None, Some(p)) => p,
            (None, None) => unreachable!("at least one scheme is tried"),
        })
    }

    fn remember_challenge(&self, c: &Challenge) {
        let mut state = self.auth_state();
        match c.scheme {
            Scheme::Bearer => {
                if let Some(realm) = c.realm() {
                    state.bearer = Some((realm.to_owned(), c.service().map(str::to_owned)));
                }
            }
            Scheme::Basic => state.basic = true,
            Scheme::Other(_) => {}
        }
    }

    /// The `Authorization` value for a request with `scope`, if we hold one.
    fn authorization(
        &self,
        scope: Option<&str>,
        credential: Option<&Credential>,
    ) -> Option<String> {
        let state = self.auth_state();
        if state.bearer.is_some() {
            return state
                .tokens
                .get(scope.unwrap_or(""))
                .map(|t| format!("Bearer {}", t.expose()));
        }
        if state.basic {
            return credential.map(|c| {
                let raw = format!("{}:{}", c.username, c.secret.expose());
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                )
            });
        }
        None
    }

    /// Fetch a token for `scopes` and cache it under `key`.
    async fn obtain_token(
        &self,
        key: &str,
        scopes: &[String],
        credential: Option<&Credential>,
    ) -> Result<()> {
        let (realm, service) = self
            .auth_state()
            .bearer
            .clone()
            .ok_or_else(|| Error::internal("no token realm known"))?;
        let http = url::Url::parse(&realm)
            .ok()
            .map(|u| self.hosts.for_url(&u))
            .transpose()?
            .unwrap_or_else(|| self.http.clone());
        let token = token::fetch(
            &http,
            &self.options,
            TokenRequest {
                registry: &self.registry,
                realm: &realm,
                service: service.as_deref(),
                scopes,
                credential,
            },
        )
        .await?;
        self.auth_state().tokens.put(key, token);
        Ok(())
    }

    /// Send `call`, answering auth challenges and retrying what is safe to retry. Returns
    /// the final response whatever its status (except 401s, which become errors here).
    pub async fn send(&self, call: Call) -> Result<Response> {
        let base = self.endpoint().await?.base.clone();
        origins::check_no_downgrade(&self.registry, &base, &call.url, &call.what)?;
        // Only the registry's own origin sees its credentials; a URL it named elsewhere
        // (an upload Location on another host) gets the request bare.
        if !origins::is_own_origin(&base, &call.url) {
            return self.send_elsewhere(call).await;
        }
        let credential = self.credential().await?;
        // The handshake lives across attempts: a retry after a 503 buys no more auth rounds.
        let handshake = tokio::sync::Mutex::new(Handshake {
            rounds: 0,
            scopes: call
                .scope
                .iter()
                .flat_map(|s| s.split_whitespace().map(str::to_owned))
                .collect(),
        });
        let outcome = transport::retry::retry(
            self.options.retry,
            |_| self.exchange(&call, credential.as_ref(), &handshake),
            |outcome| match outcome {
                Ok(Err(e)) if transport::is_retryable_failure(e) => {
                    tracing::debug!(what = %call.what, error = %e, "request failed");
                    Decision::BACKOFF
                }
                Ok(Ok(response)) if is_retryable_status(response.status()) => {
                    tracing::info!(what = %call.what, status = %response.status(), "registry asked us to wait");
                    Decision::Retry {
                        after: retry_after(response.headers()),
                    }
                }
                _ => Decision::Stop,
            },
        )
        .await?;
        if let Ok(response) = &outcome {
            self.note_rate_limit(response.headers());
        }
        match outcome {
            Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                Err(Error::RateLimited {
                    registry: self.registry.clone(),
                    what: call.what.clone(),
                    retry_after: retry_after(response.headers()).map(|d| d.as_secs()),
                })
            }
            Ok(response) => Ok(response),
            Err(e) => Err(transport::unreachable(&self.registry, &e, |reason| {
                format!("{reason} (while fetching {})", call.what)
            })),
        }
    }

    /// One attempt at `call` on the registry's own origin: send it with what the registry
    /// wants (a token for its scope, or Basic), answering 401s until an answer that is not
    /// a 401 arrives. The outer error ends the request (the handshake gave up); the inner
    /// one is a request that got no answer, which may be retried.
    async fn exchange(
        &self,
        call: &Call,
        credential: Option<&Credential>,
        handshake: &tokio::sync::Mutex<Handshake>,
    ) -> Result<std::result::Result<Response, reqwest::Error>> {
        let scope_key = call.scope.clone().unwrap_or_default();
        let mut handshake = handshake.lock().await;
        loop {
            // Ask for a token up front when we know the registry wants one.
            let needs_token = {
                let state = self.auth_state();
                state.bearer.is_some() && state.tokens.get(&scope_key).is_none()
            };
            if needs_token {
                self.obtain_token(&scope_key, &handshake.scopes, credential)
                    .await?;
            }
            let authorization = self.authorization(call.scope.as_deref(), credential);
            let request = self.request(&self.http, call, authorization)?;
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => return Ok(Err(e)),
            };
            log_warnings(response.headers(), &self.registry);
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(Ok(response));
            }
            handshake.rounds += 1;
            for asked in self.answer_challenge(call, &response, credential, handshake.rounds)? {
                if !handshake.scopes.contains(&asked) {
                    handshake.scopes.push(asked);
                }
            }
        }
    }

    /// The request for `call` on `http`: its method, URL, headers and body, with
    /// `authorization` when given.
    fn request(
        &self,
        http: &reqwest::Client,
        call: &Call,
        authorization: Option<String>,
    ) -> Result<reqwest::RequestBuilder> {
        let mut request = http.request(call.method.clone(), call.url.clone());
        if let Some(accept) = call.accept {
            request = request.header(ACCEPT, accept);
        }
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        for (name, value) in &call.headers {
            request = request.header(name.clone(), value.as_str());
        }
        attach_payload(request, call, &self.registry)
    }

    /// Send `call` to an origin other than the registry's: no credentials, no token, and a
    /// 401 from there changes nothing we know about the registry's own auth. Retries as
    /// [`send`](Self::send) does for failures before an answer (when the body can be sent
    /// again).
    async fn send_elsewhere(&self, call: Call) -> Result<Response> {
        let http = self.hosts.for_url(&call.url)?;
        let target = call.url.origin().ascii_serialization();
        tracing::debug!(what = %call.what, %target, "request to another origin, without credentials");
        let resendable = !matches!(call.payload, Payload::Stream(_));
        let outcome = transport::retry::retry(
            self.options.retry,
            |_| async {
                let request = self.request(&http, &call, None)?;
                Ok::<_, Error>(request.send().await)
            },
            |outcome| match outcome {
                Ok(Err(e)) if resendable && transport::is_retryable_failure(e) => Decision::BACKOFF,
                _ => Decision::Stop,
            },
        )
        .await?;
        let response = outcome.map_err(|e| {
            transport::unreachable(&self.registry, &e, |reason| {
                format!("{reason} (while sending {} to {target})", call.what)
            })
        })?;
        if response.status() == StatusCode::UNAUTHORIZED {
            return Err(Error::Unauthorized {
                registry: self.registry.clone(),
                resource: call.what.clone(),
                reason: format!(
                    "the registry sent the request to {target}, which asked for credentials; Portolan sends {}'s credentials only to {}",
                    self.registry,
                    self.endpoint().await?.base.origin().ascii_serialization()
                ),
            });
        }
        Ok(response)
    }

    /// Decide what to do about a 401: remember the scheme, drop a stale token, or give up
    /// with an error that says why. Returns the scopes a Bearer challenge asked for.
    fn answer_challenge(
        &self,
        call: &Call,
        response: &Response,
        credential: Option<&Credential>,
        round: u32,
    ) -> Result<Vec<String>> {
        let scope_key = call.scope.clone().unwrap_or_default();
        let challenge = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .and_then(challenge::pick);
        let unauthorized = |reason: String| Error::Unauthorized {
            registry: self.registry.clone(),
            resource: call.what.clone(),
            reason,
        };
        let Some(challenge) = challenge else {
            return Err(unauthorized(
                "it answered 401 without saying how to sign in".to_owned(),
            ));
        };
        if round > MAX_AUTH_ROUNDS {
            return Err(match challenge.error() {
                Some("insufficient_scope") => Error::Denied {
                    registry: self.registry.clone(),
                    action: action_of(call.scope.as_deref()),
                    resource: call.what.clone(),
                    reason: if credential.is_some() {
                        "the signed-in account has no access to it (or it does not exist)"
                            .to_owned()
                    } else {
                        "sign in first: it is private, or does not exist".to_owned()
                    },
                },
                _ if credential.is_some() => {
                    unauthorized(token::login_refused_hint(&self.registry))
                }
                _ => unauthorized("sign in first".to_owned()),
            });
        }
        match &challenge.scheme {
            Scheme::Basic => {
                let already_sent = self.auth_state().basic;
                match credential {
                    None => Err(unauthorized(
                        "sign in first: this registry needs a username and password".to_owned(),
                    )),
                    Some(_) if already_sent => {
                        Err(unauthorized(token::login_refused_hint(&self.registry)))
                    }
                    Some(_) => {
                        self.auth_state().basic = true;
                        Ok(Vec::new())
                    }
                }
            }
            Scheme::Bearer => {
                let Some(realm) = challenge.realm() else {
                    return Err(unauthorized(
                        "its Bearer challenge names no token service (realm)".to_owned(),
                    ));
                };
                let mut state = self.auth_state();
                state.basic = false;
                state.bearer = Some((realm.to_owned(), challenge.service().map(str::to_owned)));
                // A token we hold was refused (expired early, revoked, or too narrow):
                // drop it so the loop fetches a fresh one for the scopes asked.
                state.tokens.invalidate(&scope_key);
                drop(state);
                Ok(challenge.scopes())
            }
            Scheme::Other(name) => Err(unauthorized(format!(
                "it asks for \"{name}\" authentication, which Portolan does not support"
            ))),
        }
    }

    /// Like [`send`](Self::send), following redirects (blob storage often lives on a CDN).
    /// Credentials never follow a redirect to another origin.
    pub async fn send_following_redirects(&self, call: Call) -> Result<Response> {
        let origin = call.url.origin();
        let what = call.what.clone();
        // A redirected request keeps its method (GET or HEAD), scope and headers (`Range`,
        // `Accept`): blob storage must answer the same range, or a resume starts over.
        let (method, scope, accept, headers) = (
            call.method.clone(),
            call.scope.clone(),
            call.accept,
            call.headers.clone(),
        );
        let mut response = self.send(call).await?;
        for _ in 0..MAX_REDIRECTS {
            if !response.status().is_redirection() {
                return Ok(response);
            }
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| response.url().join(l).ok())
                .ok_or_else(|| {
                    Error::protocol(
                        &self.registry,
                        &what,
                        "a redirect without a usable Location",
                    )
                })?;
            origins::check_no_downgrade(&self.registry, response.url(), &location, &what)?;
            let method = if method == Method::HEAD {
                Method::HEAD
            } else {
                Method::GET
            };
            if location.origin() == origin {
                let mut next = Call::new(method, location, scope.clone(), &what);
                next.accept = accept;
                next.headers = headers.clone();
                response = self.send(next).await?;
            } else {
                tracing::debug!(host = ?location.host_str(), "following a redirect without credentials");
                let mut request = self.hosts.for_url(&location)?.request(method, location);
                if let Some(accept) = accept {
                    request = request.header(ACCEPT, accept);
                }
                for (name, value) in &headers {
                    request = request.header(name.clone(), value.as_str());
                }
                response = request.send().await.map_err(|e| {
                    transport::unreachable(&self.registry, &e, |reason| {
                        format!("{reason} (while following a redirect for {what})")
                    })
                })?;
            }
        }
        Err(Error::protocol(
            &self.registry,
            what,
            format!("more than {MAX_REDIRECTS} redirects"),
        ))
    }

    /// Turn a non-success response into the error a person can act on.
    pub(crate) async fn expect_success(&self, response: Response, what: &str) -> Result<Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = transport::read_capped(response, MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        let errors = error_body::parse(&body);
        let detail = errors
            .first()
            .map(|e| {
                if e.message.is_empty() {
                    e.code.clone()
                } else {
                    e.message.clone()
                }
            })
            .filter(|m| !m.is_empty())
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        Err(match status {
            StatusCode::NOT_FOUND => Error::NotFound {
                registry: self.registry.clone(),
                what: what.to_owned(),
                detail,
            },
            StatusCode::FORBIDDEN => Error::Denied {
                registry: self.registry.clone(),
                action: "access".to_owned(),
                resource: what.to_owned(),
                reason: format!("the signed-in account is not allowed to do this{detail}"),
            },
            _ => Error::Registry {
                registry: self.registry.clone(),
                what: what.to_owned(),
                status: status.as_u16(),
                errors,
            },
        })
    }

    /// Send `call` and read its successful body (capped at `limit`). A connection that
    /// breaks mid-body is retried like one that failed before the answer.
    pub(crate) async fn fetch(&self, call: Call, limit: u64) -> Result<(Vec<u8>, HeaderMap)> {
        // The outer error (the request itself failed, after its own retries) ends it; the
        // inner one (the body broke) is retried.
        transport::retry::retry(
            self.options.retry,
            |_| async {
                let response = self.send_following_redirects(call.clone()).await?;
                Ok::<_, Error>(self.success_body(response, &call.what, limit).await)
            },
            |outcome| match outcome {
                Ok(Err(Error::Unreachable { .. })) => {
                    tracing::debug!(what = %call.what, "body cut off");
                    Decision::BACKOFF
                }
                _ => Decision::Stop,
            },
        )
        .await?
    }

    /// Read a successful body, refusing more than `limit` bytes.
    pub(crate) async fn success_body(
        &self,
        response: Response,
        what: &str,
        limit: u64,
    ) -> Result<(Vec<u8>, HeaderMap)> {
        let response = self.expect_success(response, what).await?;
        let headers = response.headers().clone();
        let body = transport::read_capped(response, limit)
            .await
            .map_err(|e| match e {
                CappedReadError::TooLarge => Error::TooLarge {
                    registry: self.registry.clone(),
                    what: what.to_owned(),
                    limit,
                },
                CappedReadError::Transport(err) => {
                    transport::unreachable(&self.registry, &err, |reason| {
                        format!("the connection broke while reading {what}: {reason}")
                    })
                }
            })?;
        Ok((body, headers))
    }
}

/// Put the call's body on the request. A stream can be sent once: a second attempt
/// after it was taken is an error the transfer layer answers by resuming.
fn attach_payload(
    request: reqwest::RequestBuilder,
    call: &Call,
    registry: &str,
) -> Result<reqwest::RequestBuilder> {
    Ok(match &call.payload {
        Payload::None => request,
        Payload::Bytes(b) => request.body(b.clone()),
        Payload::Stream(slot) => {
            let body = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
            match body {
                Some(body) => request.body(body),
                None => {
                    return Err(Error::Unreachable {
                        registry: registry.to_owned(),
                        reason: format!(
                            "the request for {} failed after its streamed body was sent",
                            call.what
                        ),
                        hint: "the transfer resumes from where the registry says it stopped"
                            .to_owned(),
                        tls: false,
                    })
                }
            }
        }
    })
}

fn action_of(scope: Option<&str>) -> String {
    scope
        .and_then(|s| s.rsplit_once(':'))
        .map(|(_, a)| a.to_owned())
        .unwrap_or_else(|| "access".to_owned())
}

/// Answers worth waiting out: 429, and server errors other than 501 (which will not
/// change).
fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

/// The wait a response's `Retry-After` asks for.
fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(transport::parse_retry_after)
}

/// Registries send `Warning: 299 - "text"` for deprecations; people should see them.
fn log_warnings(headers: &HeaderMap, registry: &str) {
    for value in headers.get_all(reqwest::header::WARNING) {
        if let Ok(text) = value.to_str() {
            if let Some(rest) = text.strip_prefix("299 ") {
                let message = rest.trim_start_matches("- ").trim_matches('"');
                tracing::warn!(registry, "registry warning: {}", error_body::clean(message));
            }
        }
    }
}
