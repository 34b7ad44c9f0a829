//! JSON over HTTPS to a vendor's REST API, with the registry client's rules: the token goes
//! only to the API's own origin (a `Link` or `next` URL elsewhere is refused, redirects are
//! not followed), plain HTTP only where the transport allows it, every body capped,
//! `Retry-After` and rate-limit headers honoured, and the last rate-limit reading kept so
//! a front end can show it when it runs low.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::Method;
use url::Url;

use crate::auth::credential::Secret;
use crate::error::{Error, Result};
pub use crate::transport::rate_limit::RateLimit;
use crate::transport::retry::{retry, Decision};
use crate::transport::{self, TransportOptions};

/// No page of a vendor API may be larger than this.
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

/// Why one exchange failed: the network (maybe worth another try), or anything else.
enum Failure {
    Transport(reqwest::Error),
    Engine(Error),
}

/// An answer, whatever its status (the vendor module decides what an error means).
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, capped.
    pub body: Vec<u8>,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// How long the API asked us to wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.header("retry-after")
            .and_then(transport::parse_retry_after)
    }

    /// Header `name` as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `message` of a JSON error body (GitHub's and Docker's both use it), or its
    /// first line of text; registry text, so kept short.
    pub fn message(&self) -> Option<String> {
        let text = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| {
                ["message", "detail", "errinfo"]
                    .iter()
                    .find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_owned))
            })
            .unwrap_or_else(|| {
                String::from_utf8_lossy(&self.body)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned()
            });
        let text: String = text.chars().filter(|c| !c.is_control()).take(300).collect();
        (!text.trim().is_empty()).then_some(text)
    }
}

/// One vendor API: its base URL, the HTTP client and the bearer token.
pub struct RestApi {
    /// The API's host, as errors name it.
    host: String,
    base: Url,
    http: reqwest::Client,
    headers: HeaderMap,
    bearer: Mutex<Option<Secret>>,
    retry: transport::RetryPolicy,
    rate: Mutex<Option<RateLimit>>,
}

impl RestApi {
    /// A client for the API at `base` (`https://api.github.com`, `https://HOST/api/v3`),
    /// sending `accept` as `Accept` and `extra` headers on every request.
    pub fn new(
        options: &TransportOptions,
        base: &str,
        accept: &str,
        extra: &[(&'static str, &str)],
    ) -> Result<Self> {
        let base = Url::parse(base.trim_end_matches('/')).map_err(|e| {
            Error::input(
                format!("\"{base}\" is not a usable API address"),
                format!("give a URL such as https://api.github.com ({e})"),
            )
        })?;
        let host = match (base.host_str(), base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => {
                return Err(Error::input(
                    format!("\"{base}\" is not a usable API address"),
                    "it names no host",
                ))
            }
        };
        match base.scheme() {
            "https" => {}
            "http" if options.allows_plain_http(&host) => {}
            _ => {
                return Err(Error::input(
                    format!("{base} is not an HTTPS address"),
                    "vendor APIs are reached over HTTPS (plain HTTP only on this machine or for hosts marked insecure)",
                ))
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_str(accept)
                .map_err(|_| Error::input("the Accept header is not valid", accept.to_owned()))?,
        );
        for (name, value) in extra {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(*name, v);
            }
        }
        Ok(Self {
            http: options.build_client(&host)?,
            host,
            base,
            headers,
            bearer: Mutex::new(None),
            retry: options.retry,
            rate: Mutex::new(None),
        })
    }

    /// The API's host (`api.github.com`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Send this token as `Authorization: Bearer` from now on (`None`: no token).
    pub fn set_bearer(&self, token: Option<Secret>) {
        *self.bearer.lock().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// Whether a token is set.
    pub fn has_bearer(&self) -> bool {
        self.bearer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// The rate limit the API reported last.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The URL of `segments` under the base (each segment encoded on its own, so a package
    /// name `a/b` becomes `a%2Fb`), with `query`.
    pub fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Whether `url` is on the API's own origin (where the token may go).
    pub fn is_own(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// Send a request and read its answer, whatever the status. GETs go through the
    /// engine's retry loop on 429, 502–504 and broken connections (waiting what
    /// `Retry-After` says, unless that is longer than the policy allows); nothing else is
    /// sent twice. A last 429 becomes [`Error::RateLimited`].
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<Answer> {
        if !self.is_own(&url) {
            return Err(Error::protocol(&self.host, what, format!(
                    "it pointed to {}, which is not the API's own address; the token is not sent there",
                    url.origin().ascii_serialization()
                )));
        }
        let idempotent = method == Method::GET;
        let outcome = retry(
            self.retry,
            |_| self.exchange(method.clone(), url.clone(), body, what),
            |outcome| match outcome {
                Ok(answer) if idempotent && matches!(answer.status, 429 | 502 | 503 | 504) => {
                    match answer.retry_after() {
                        Some(wait) if wait > self.retry.max_delay => Decision::Stop,
                        after => Decision::Retry { after },
                    }
                }
                Err(Failure::Transport(e)) if idempotent && transport::is_retryable_failure(e) => {
                    Decision::BACKOFF
                }
                _ => Decision::Stop,
            },
        )
        .await;
        match outcome {
            Ok(answer) if answer.status == 429 => {
                Err(self.rate_limited(what, answer.retry_after()))
            }
            Ok(answer) => Ok(answer),
            Err(Failure::Transport(e)) => Err(transport::unreachable(&self.host, &e, |r| r)),
            Err(Failure::Engine(e)) => Err(e),
        }
    }

    /// One request and its whole (capped) answer.
    async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> std::result::Result<Answer, Failure> {
        let mut request = self.http.request(method, url).headers(self.headers.clone());
        if let Some(token) = self
            .bearer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            request = request.header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        }
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.map_err(Failure::Transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(rate) = RateLimit::of(&headers) {
            *self.rate.lock().unwrap_or_else(|e| e.into_inner()) = Some(rate);
        }
        let body = transport::read_capped(response, MAX_PAGE_BYTES)
            .await
            .map_err(|e| match e {
                transport::CappedReadError::TooLarge => Failure::Engine(Error::TooLarge {
                    registry: self.host.clone(),
                    what: what.to_owned(),
                    limit: MAX_PAGE_BYTES,
                }),
                transport::CappedReadError::Transport(e) => Failure::Transport(e),
            })?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The error for an API that keeps saying "slow down".
    pub fn rate_limited(&self, what: &str, retry_after: Option<Duration>) -> Error {
        let reset_in = self.rate_limit().and_then(|r| r.resets_at).and_then(|at| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            Some(at.saturating_sub(now))
        });
        Error::RateLimited {
            registry: self.host.clone(),
            what: what.to_owned(),
            retry_after: retry_after.map(|d| d.as_secs()).or(reset_in),
        }
    }

    /// Parse a JSON body as `T`.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, answer: &Answer, what: &str) -> Result<T> {
        serde_json::from_slice(&answer.body).map_err(|e| {
            Error::protocol(
                &self.host,
                what,
                format!("the JSON is not what the API documents ({e})"),
            )
        })
    }
}
