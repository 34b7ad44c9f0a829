//! Known vulnerabilities of an SBOM's packages, from OSV (`POST /v1/querybatch` by purl,
//! then `GET /v1/vulns/{id}` for each one found).
//!
//! OSV's batch query answers only ids (`{id, modified}`) per query, in pages; the details
//! (summary, aliases, severity, fixed versions) come from one `GET` per distinct id, at most
//! eight at a time. A mock that answers whole records in the batch (Prism, from the
//! published description) is read the same way. Every answer is capped (per response and
//! in all), pages per query are bounded, and every string is stripped of control
//! characters: the answers end up on screen beside registry data.
//!
//! The report is complete or an error, never silently partial, with one exception said in
//! [`VulnReport::incomplete`]: a query that still had pages after the bound.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::{StreamExt, TryStreamExt};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use url::Url;

use super::printable;
use super::sbom::{purl_type, Package};
use crate::transport::retry::{retry, Decision};
use crate::transport::{self, RetryPolicy, TransportOptions};

/// OSV's public API.
pub const DEFAULT_API: &str = "https://api.osv.dev";

/// The most queries in one `querybatch` request (OSV's own limit).
pub const MAX_QUERIES_PER_BATCH: usize = 1000;
/// The most pages read for one query (the first included).
const MAX_PAGES: usize = 20;
/// The most bytes of one `querybatch` answer (ids only are a few hundred KB for 1,000
/// queries; whole records, as a mock sends, more).
const MAX_BATCH_BYTES: u64 = 32 * 1024 * 1024;
/// The most bytes of one vulnerability record.
const MAX_VULN_BYTES: u64 = 4 * 1024 * 1024;
/// The most bytes read in all for one report.
const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// The most distinct vulnerabilities one report fetches.
const MAX_VULNS: usize = 10_000;
/// Vulnerability records fetched at once.
const CONCURRENT_FETCHES: usize = 8;
/// The longest purl sent, page token kept, id or alias read (in characters).
const MAX_PURL_CHARS: usize = 1024;
const MAX_TOKEN_CHARS: usize = 4096;
const MAX_ID_CHARS: usize = 128;
const MAX_ALIASES: usize = 32;
const MAX_SUMMARY_CHARS: usize = 300;

/// How bad a vulnerability is, in the words of GitHub's advisories (OSV's `MODERATE` is
/// [`Severity::Medium`]). Sorted worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Critical (CVSS 9.0–10.0).
    Critical,
    /// High (CVSS 7.0–8.9).
    High,
    /// Medium or moderate (CVSS 4.0–6.9).
    Medium,
    /// Low (CVSS 0.1–3.9; a CVSS score of 0.0, "none", counts here too).
    Low,
    /// The record states no level we can read (only a CVSS v2 or v4 vector, or nothing).
    Unknown,
}

impl Severity {
    /// Every level, worst first.
    pub const ALL: [Severity; 5] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Unknown,
    ];

    /// A level named in words (`CRITICAL`, `HIGH`, `MODERATE`, `medium`, `LOW`, and the
    /// distributions' `important`, `negligible`, `unimportant`).
    fn from_word(word: &str) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Self::Critical),
            "high" | "important" => Some(Self::High),
            "moderate" | "medium" => Some(Self::Medium),
            "low" | "negligible" | "unimportant" => Some(Self::Low),
            _ => None,
        }
    }

    /// The level of a CVSS base score (the CVSS v3 qualitative scale).
    fn from_score(score: f64) -> Self {
        if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Medium
        } else {
            Self::Low
        }
    }
}

/// One known vulnerability of one package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vuln {
    /// Its OSV id (`GHSA-35jh-r3h4-6jhm`, `CVE-2021-23337`, `DLA-3682-1`).
    pub id: String,
    /// The same vulnerability's ids in other databases.
    pub aliases: Vec<String>,
    /// Its one-line summary (or the first line of its details).
    pub summary: Option<String>,
    /// The package's name, as the SBOM gives it.
    pub package: String,
    /// The package's version, as the SBOM gives it.
    pub version: Option<String>,
    /// The purl it was queried by.
    pub purl: String,
    /// How bad it is: the record's own level (`database_specific.severity`, as GitHub's
    /// advisories give it, or an affected package's), else the level of its CVSS v3 base
    /// score computed from the vector, else [`Severity::Unknown`]. CVSS v2 and v4 vectors
    /// are not scored here.
    pub severity: Severity,
    /// The first version that fixes it for this package, when the record states one. With
    /// several fixed versions (one per release line), the lowest above the installed
    /// version by a generic comparison (numbers as numbers), which can be wrong for an
    /// ecosystem's special orderings.
    pub fixed: Option<String>,
    /// Its page on osv.dev, when its id is plain (`^[A-Za-z0-9._:-]+$`).
    pub url: Option<String>,
}

/// What OSV knows about an SBOM's packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VulnReport {
    /// Packages queried (those with a purl).
    pub queried: usize,
    /// Packages not queried: no purl, or one without a version.
    pub not_queried: usize,
    /// The vulnerabilities, one per package and id, worst first.
    pub vulns: Vec<Vuln>,
    /// How many of [`VulnReport::vulns`] are at each level (every level present).
    pub counts: BTreeMap<Severity, usize>,
    /// Whether some query had more pages than Portolan reads (or a page token that did
    /// not change): the list may miss vulnerabilities of those packages.
    pub incomplete: bool,
}

/// Why OSV could not be asked or did not answer usefully.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// The API address is not usable.
    #[error("\"{address}\" is not a usable OSV API address: {detail}")]
    Address {
        /// The address given.
        address: String,
        /// Why.
        detail: String,
    },
    /// The HTTP client could not be set up (a CA file that cannot be read).
    #[error("cannot set up the connection to {host}: {detail}")]
    Setup {
        /// The API's host.
        host: String,
        /// Why.
        detail: String,
    },
    /// The API could not be reached.
    #[error("cannot reach the OSV API at {host}: {reason}. {hint}")]
    Unreachable {
        /// The API's host.
        host: String,
        /// What failed.
        reason: String,
        /// What the user can do.
        hint: String,
    },
    /// The API answered an error status.
    #[error("the OSV API at {host} answered {status} for {what}{}", .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Status {
        /// The API's host.
        host: String,
        /// What was asked.
        what: String,
        /// HTTP status.
        status: u16,
        /// The API's message, cleaned and cut.
        message: Option<String>,
    },
    /// One answer was larger than accepted.
    #[error("the OSV API at {host} sent {what} larger than the {limit}-byte limit; refusing it")]
    TooLarge {
        /// The API's host.
        host: String,
        /// What it was.
        what: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The answers of one report went past the total budget.
    #[error("the OSV API at {host} sent more than {limit} bytes for one report; stopped reading")]
    OverBudget {
        /// The API's host.
        host: String,
        /// The budget in bytes.
        limit: u64,
    },
    /// More distinct vulnerabilities than one report fetches.
    #[error("the OSV API at {host} reported more than {limit} vulnerabilities; stopped there")]
    TooMany {
        /// The API's host.
        host: String,
        /// The limit.
        limit: usize,
    },
    /// An answer that is not what the API documents.
    #[error("the OSV API at {host} sent an invalid answer for {what}: {detail}")]
    Invalid {
        /// The API's host.
        host: String,
        /// What was asked.
        what: String,
        /// What is wrong.
        detail: String,
    },
}

impl From<OsvError> for crate::error::Error {
    fn from(e: OsvError) -> Self {
        use crate::error::Error;
        match e {
            OsvError::Address { address, detail } => Error::Input {
                what: format!("\"{address}\" is not a usable OSV API address"),
                detail,
            },
            OsvError::Setup { host, detail } => Error::Configuration {
                what: format!("cannot set up the connection to {host}"),
                detail,
            },
            OsvError::Unreachable { host, reason, hint } => Error::Unreachable {
                registry: host,
                reason,
                hint,
                tls: false,
            },
            OsvError::Status {
                host,
                what,
                status: 429,
                ..
            } => Error::RateLimited {
                registry: host,
                what,
                retry_after: None,
            },
            OsvError::Status {
                host,
                what,
                status,
                message,
            } => Error::Registry {
                registry: host,
                what,
                status,
                errors: message
                    .map(|message| crate::error::RegistryErrorItem {
                        code: String::new(),
                        message,
                        detail: None,
                    })
                    .into_iter()
                    .collect(),
            },
            OsvError::TooLarge { host, what, limit } => Error::TooLarge {
                registry: host,
                what,
                limit,
            },
            OsvError::OverBudget { host, limit } => Error::OverBudget {
                registry: host,
                what: "vulnerability records".to_owned(),
                limit: format!("{} MiB", limit / (1024 * 1024)),
            },
            OsvError::TooMany { host, limit } => Error::TooMany {
                registry: host,
                what: "vulnerabilities".to_owned(),
                limit,
            },
            OsvError::Invalid { host, what, detail } => Error::protocol(host, what, detail),
        }
    }
}

/// A client of one OSV API.
pub struct OsvClient {
    base: Url,
    /// `host` or `host:port`, as errors name it.
    host: String,
    http: reqwest::Client,
    retry: RetryPolicy,
}

/// One exchange's failure: the network (maybe worth another try), or anything else.
enum Failure {
    Transport(reqwest::Error),
    Osv(OsvError),
}

/// An answer: status and capped body.
struct Answer {
    status: u16,
    retry_after: Option<std::time::Duration>,
    body: Vec<u8>,
}

/// One distinct purl to query and the packages that carry it.
struct Query {
    purl: String,
    packages: Vec<usize>,
    /// What the batch answers said, by id (an id alone, or a whole record from a mock).
    found: Vec<(String, Value)>,
}

impl OsvClient {
    /// A client of the API at `base` (normally [`DEFAULT_API`]) with the engine's transport
    /// settings (trusted CAs, proxies, timeouts, retries). Plain HTTP only where the
    /// transport allows it (this machine, hosts marked insecure).
    pub fn new(options: &TransportOptions, base: &str) -> Result<Self, OsvError> {
        let (base, host) = Self::address(base, |host| options.allows_plain_http(host))?;
        let http = options.build_client(&host).map_err(|e| OsvError::Setup {
            host: host.clone(),
            detail: e.to_string(),
        })?;
        Ok(Self {
            base,
            host,
            http,
            retry: options.retry,
        })
    }

    /// A client of the API at `base` over `http` (which should have timeouts and follow no
    /// redirects); plain HTTP only on this machine.
    pub fn with_http(base: &str, http: reqwest::Client) -> Result<Self, OsvError> {
        let (base, host) = Self::address(base, transport::is_loopback_host)?;
        Ok(Self {
            base,
            host,
            http,
            retry: RetryPolicy::default(),
        })
    }

    fn address(base: &str, plain_ok: impl Fn(&str) -> bool) -> Result<(Url, String), OsvError> {
        let refuse = |detail: &str| OsvError::Address {
            address: printable(base, 200),
            detail: detail.to_owned(),
        };
        let url = Url::parse(base.trim().trim_end_matches('/'))
            .map_err(|e| refuse(&format!("give a URL such as {DEFAULT_API} ({e})")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(refuse("it names no host")),
        };
        match url.scheme() {
            "https" => {}
            "http" if plain_ok(&host) => {}
            _ => {
                return Err(refuse(
                    "the OSV API is reached over HTTPS (plain HTTP only on this machine or for hosts marked insecure)",
                ))
            }
        }
        Ok((url, host))
    }

    /// The API's host, as errors name it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The known vulnerabilities of `packages`: each one with a purl is queried by it (with
    /// its version added when the purl has none; qualifiers and subpath dropped, since
    /// OSV matches on type, namespace, name and version), in batches of at most 1,000,
    /// every page of each; then every distinct vulnerability's record is fetched.
    pub async fn vulnerabilities(&self, packages: &[Package]) -> Result<VulnReport, OsvError> {
        let spent = AtomicU64::new(0);
        let mut queries: Vec<Query> = Vec::new();
        let mut by_purl: HashMap<String, usize> = HashMap::new();
        let mut not_queried = 0;
        for (index, package) in packages.iter().enumerate() {
            let Some(purl) = query_purl(package) else {
                not_queried += 1;
                continue;
            };
            let slot = *by_purl.entry(purl.clone()).or_insert_with(|| {
                queries.push(Query {
                    purl,
                    packages: Vec::new(),
                    found: Vec::new(),
                });
                queries.len() - 1
            });
            queries[slot].packages.push(index);
        }
        let queried = packages.len() - not_queried;

        let mut incomplete = false;
        for start in (0..queries.len()).step_by(MAX_QUERIES_PER_BATCH) {
            let end = (start + MAX_QUERIES_PER_BATCH).min(queries.len());
            incomplete |= self.query_batch(&mut queries[start..end], &spent).await?;
        }

        // Each distinct id once; a 404 keeps what the batch said.
        let mut ids: Vec<&str> = Vec::new();
        let mut seen: HashMap<&str, &Value> = HashMap::new();
        for query in &queries {
            for (id, record) in &query.found {
                if seen.insert(id.as_str(), record).is_none() {
                    ids.push(id.as_str());
                }
            }
        }
        if ids.len() > MAX_VULNS {
            return Err(OsvError::TooMany {
                host: self.host.clone(),
                limit: MAX_VULNS,
            });
        }
        // Owned ids and fallbacks: a stream of borrowed items makes a future that is not
        // `Send` for every lifetime, which the app's commands need.
        let work: Vec<(String, Option<Value>)> = ids
            .iter()
            .map(|id| ((*id).to_owned(), seen.get(id).map(|v| (*v).clone())))
            .collect();
        let spent = &spent;
        let records: HashMap<String, Value> = futures_util::stream::iter(work)
            .map(|(id, fallback)| async move {
                let record = self.record(&id, spent).await?;
                let record = record.or(fallback).unwrap_or_else(|| json!({ "id": id }));
                Ok::<_, OsvError>((id, record))
            })
            .buffer_unordered(CONCURRENT_FETCHES)
            .try_collect()
            .await?;

        let mut vulns = Vec::new();
        for query in &queries {
            for (id, batch_record) in &query.found {
                // Every id was fetched; the batch's own record is only a fallback.
                let record = records.get(id).unwrap_or(batch_record);
                for &index in &query.packages {
                    vulns.push(vuln(id, record, &packages[index], &query.purl));
                }
            }
        }
        vulns.sort_by(|a, b| {
            (a.severity, &a.id, &a.package, &a.version)
                .cmp(&(b.severity, &b.id, &b.package, &b.version))
        });
        let mut counts: BTreeMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for v in &vulns {
            *counts.entry(v.severity).or_default() += 1;
        }
        Ok(VulnReport {
            queried,
            not_queried,
            vulns,
            counts,
            incomplete,
        })
    }

    /// Ask for `queries` (at most 1,000) and every further page of each; whether some
    /// query's pages were cut short.
    async fn query_batch(
        &self,
        queries: &mut [Query],
        spent: &AtomicU64,
    ) -> Result<bool, OsvError> {
        let what = "the batch query";
        let url = self.url(&["v1", "querybatch"]);
        let mut pending: Vec<(usize, Option<String>)> =
            (0..queries.len()).map(|i| (i, None)).collect();
        let mut incomplete = false;
        let mut page = 0;
        while !pending.is_empty() {
            page += 1;
            let body = json!({
                "queries": pending.iter().map(|(i, token)| {
                    let mut q = json!({"package": {"purl": queries[*i].purl}});
                    if let Some(token) = token {
                        q["page_token"] = json!(token);
                    }
                    q
                }).collect::<Vec<_>>()
            });
            let answer = self
                .fetch(
                    Method::POST,
                    url.clone(),
                    Some(&body),
                    MAX_BATCH_BYTES,
                    what,
                    spent,
                )
                .await?;
            if !(200..300).contains(&answer.status) {
                return Err(self.status_error(what, &answer));
            }
            let parsed: Value = serde_json::from_slice(&answer.body)
                .map_err(|e| self.invalid(what, format!("not JSON ({e})")))?;
            let results = parsed
                .get("results")
                .and_then(Value::as_array)
                .ok_or_else(|| self.invalid(what, "it has no list of results".to_owned()))?;
            if results.len() != pending.len() {
                return Err(self.invalid(
                    what,
                    format!("{} results for {} queries", results.len(), pending.len()),
                ));
            }
            let mut next = Vec::new();
            for ((i, token), result) in pending.iter().zip(results) {
                let query = &mut queries[*i];
                for record in result
                    .get("vulns")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(id) = record.get("id").and_then(Value::as_str) else {
                        continue;
                    };
                    let id = printable(id.trim(), MAX_ID_CHARS);
                    if !id.is_empty() && !query.found.iter().any(|(known, _)| *known == id) {
                        query.found.push((id, record.clone()));
                    }
                }
                let next_token = result
                    .get("next_page_token")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty());
                if let Some(next_token) = next_token {
                    let repeated = token.as_deref() == Some(next_token);
                    if repeated || page >= MAX_PAGES || next_token.chars().count() > MAX_TOKEN_CHARS
                    {
                        tracing::debug!(purl = %query.purl, page, repeated, "OSV pages cut short");
                        incomplete = true;
                    } else {
                        next.push((*i, Some(next_token.to_owned())));
                    }
                }
            }
            pending = next;
        }
        Ok(incomplete)
    }

    /// The record of vulnerability `id`; `None` when the API does not know it (404).
    async fn record(&self, id: &str, spent: &AtomicU64) -> Result<Option<Value>, OsvError> {
        let what = format!("vulnerability {id}");
        let answer = self
            .fetch(
                Method::GET,
                self.url(&["v1", "vulns", id]),
                None,
                MAX_VULN_BYTES,
                &what,
                spent,
            )
            .await?;
        match answer.status {
            200..=299 => serde_json::from_slice(&answer.body)
                .map(Some)
                .map_err(|e| self.invalid(&what, format!("not JSON ({e})"))),
            404 => Ok(None),
            _ => Err(self.status_error(&what, &answer)),
        }
    }

    /// The URL of `segments` under the base, each one encoded on its own.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Send a request (again on 429, 502–504 and broken connections, as the policy
    /// allows) and read its answer within `limit` and what is left of the total budget.
    async fn fetch(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        limit: u64,
        what: &str,
        spent: &AtomicU64,
    ) -> Result<Answer, OsvError> {
        let outcome = retry(
            self.retry,
            |_| self.exchange(method.clone(), url.clone(), body, limit, what, spent),
            |outcome| match outcome {
                Ok(answer) if matches!(answer.status, 429 | 502 | 503 | 504) => {
                    match answer.retry_after {
                        Some(wait) if wait > self.retry.max_delay => Decision::Stop,
                        after => Decision::Retry { after },
                    }
                }
                Err(Failure::Transport(e)) if transport::is_retryable_failure(e) => {
                    Decision::BACKOFF
                }
                _ => Decision::Stop,
            },
        )
        .await;
        match outcome {
            Ok(answer) => Ok(answer),
            Err(Failure::Transport(e)) => {
                let (reason, hint) = transport::describe_failure(&self.host, &e);
                Err(OsvError::Unreachable {
                    host: self.host.clone(),
                    reason,
                    hint,
                })
            }
            Err(Failure::Osv(e)) => Err(e),
        }
    }

    async fn exchange(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        limit: u64,
        what: &str,
        spent: &AtomicU64,
    ) -> Result<Answer, Failure> {
        let mut request = self
            .http
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.map_err(Failure::Transport)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(transport::parse_retry_after);
        let left = MAX_TOTAL_BYTES.saturating_sub(spent.load(Ordering::Relaxed));
        let body = transport::read_capped(response, limit.min(left))
            .await
            .map_err(|e| match e {
                transport::CappedReadError::TooLarge if left < limit => {
                    Failure::Osv(OsvError::OverBudget {
                        host: self.host.clone(),
                        limit: MAX_TOTAL_BYTES,
                    })
                }
                transport::CappedReadError::TooLarge => Failure::Osv(OsvError::TooLarge {
                    host: self.host.clone(),
                    what: what.to_owned(),
                    limit,
                }),
                transport::CappedReadError::Transport(e) => Failure::Transport(e),
            })?;
        if spent.fetch_add(body.len() as u64, Ordering::Relaxed) + body.len() as u64
            > MAX_TOTAL_BYTES
        {
            return Err(Failure::Osv(OsvError::OverBudget {
                host: self.host.clone(),
                limit: MAX_TOTAL_BYTES,
            }));
        }
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }

    fn status_error(&self, what: &str, answer: &Answer) -> OsvError {
        // OSV's errors are `{"code": 3, "message": "..."}` (google.rpc.Status).
        let message = serde_json::from_slice::<Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| {
                String::from_utf8_lossy(&answer.body)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned()
            });
        let message = printable(message.trim(), 300);
        OsvError::Status {
            host: self.host.clone(),
            what: what.to_owned(),
            status: answer.status,
            message: (!message.is_empty()).then_some(message),
        }
    }

    fn invalid(&self, what: &str, detail: String) -> OsvError {
        OsvError::Invalid {
            host: self.host.clone(),
            what: what.to_owned(),
            detail,
        }
    }
}

/// The purl `package` is queried by: its purl without qualifiers or subpath, with its
/// version added when the purl has none; `None` without a purl or any version (a purl
/// with no version would ask for every vulnerability the package ever had).
fn query_purl(package: &Package) -> Option<String> {
    let purl = package.purl.as_deref()?.trim();
    purl_type(purl)?;
    let base = purl.split('#').next().unwrap_or(purl);
    let base = base.split('?').next().unwrap_or(base);
    let last = base.rsplit('/').next().unwrap_or(base);
    let purl = if last.contains('@') {
        base.to_owned()
    } else {
        let version = package
            .version
            .as_deref()
            .filter(|v| !v.trim().is_empty())?;
        format!("{base}@{}", encode_version(version.trim()))
    };
    let purl = printable(&purl, MAX_PURL_CHARS);
    (purl.chars().count() <= MAX_PURL_CHARS).then_some(purl)
}

/// A version as a purl writes it: percent-encoded but for what versions are made of.
fn encode_version(version: &str) -> String {
    let mut out = String::with_capacity(version.len());
    for b in version.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b'+' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` sequences decoded (as UTF-8, lossily).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A purl without its version, lower-cased: `pkg:npm/%40scope/name`.
fn purl_identity(purl: &str) -> String {
    let base = purl.split(['?', '#']).next().unwrap_or(purl);
    let (path, last) = base.rsplit_once('/').unwrap_or(("", base));
    let name = last.split('@').next().unwrap_or(last);
    percent_decode(&format!("{path}/{name}")).to_ascii_lowercase()
}

/// The names a purl's package may have in an OSV record: `name`, `namespace/name` (npm,
/// Go), `namespace:name` (Maven).
fn purl_names(purl: &str) -> Vec<String> {
    let identity = purl_identity(purl);
    let Some((_, path)) = identity.split_once('/') else {
        return Vec::new();
    };
    let path = path.trim_start_matches('/');
    let mut names = vec![path.to_owned()];
    if let Some((namespace, name)) = path.rsplit_once('/') {
        names.push(format!("{namespace}:{name}"));
        names.push(name.to_owned());
        // `pkg:deb/debian/curl` is `curl` in OSV; `pkg:golang/github.com/a/b` is
        // `github.com/a/b`.
    }
    names
}

/// A [`Vuln`] for `package` from an OSV record (a whole one, or just `{id}`).
fn vuln(id: &str, record: &Value, package: &Package, purl: &str) -> Vuln {
    let affected = matching_affected(record, package, purl);
    let severity = severity(record, &affected);
    let summary = record
        .get("summary")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            record
                .get("details")
                .and_then(Value::as_str)
                .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
        })
        .map(|s| printable(s.trim(), MAX_SUMMARY_CHARS))
        .filter(|s| !s.is_empty());
    let aliases = record
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|a| printable(a.trim(), MAX_ID_CHARS))
        .filter(|a| !a.is_empty())
        .take(MAX_ALIASES)
        .collect();
    Vuln {
        id: id.to_owned(),
        aliases,
        summary,
        package: package.name.clone(),
        version: package.version.clone(),
        purl: purl.to_owned(),
        severity,
        fixed: fixed_version(&affected, version_of(purl).or(package.version.as_deref())),
        url: is_plain_id(id).then(|| format!("https://osv.dev/vulnerability/{id}")),
    }
}

/// `^[A-Za-z0-9._:-]+$`.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

/// The version a purl states.
fn version_of(purl: &str) -> Option<&str> {
    let base = purl.split(['?', '#']).next().unwrap_or(purl);
    let last = base.rsplit('/').next().unwrap_or(base);
    last.split_once('@')
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// The record's `affected` entries about this package: by purl, else by name; if none
/// match and there is only one, that one.
fn matching_affected<'a>(record: &'a Value, package: &Package, purl: &str) -> Vec<&'a Value> {
    let all: Vec<&Value> = record
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let identity = purl_identity(purl);
    let mut names = purl_names(purl);
    names.push(package.name.to_ascii_lowercase());
    let matching: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|a| {
            let p = &a["package"];
            let by_purl = p["purl"]
                .as_str()
                .is_some_and(|theirs| purl_identity(theirs) == identity);
            let by_name = p["name"]
                .as_str()
                .is_some_and(|theirs| names.contains(&theirs.to_ascii_lowercase()));
            by_purl || by_name
        })
        .collect();
    if matching.is_empty() && all.len() == 1 {
        all
    } else {
        matching
    }
}

/// See [`Vuln::severity`].
fn severity(record: &Value, affected: &[&Value]) -> Severity {
    let word = |v: &Value| {
        v.get("severity")
            .and_then(Value::as_str)
            .and_then(Severity::from_word)
    };
    if let Some(s) = word(&record["database_specific"]) {
        return s;
    }
    for a in affected {
        if let Some(s) = word(&a["database_specific"]).or_else(|| word(&a["ecosystem_specific"])) {
            return s;
        }
    }
    let scored = std::iter::once(record)
        .chain(affected.iter().copied())
        .flat_map(|v| {
            v.get("severity")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|entry| {
            let score = entry.get("score").and_then(Value::as_str)?;
            match entry.get("type").and_then(Value::as_str)? {
                "CVSS_V3" => cvss3_base_score(score).map(Severity::from_score),
                "Ubuntu" => Severity::from_word(score),
                _ => None,
            }
        })
        .min();
    scored.unwrap_or(Severity::Unknown)
}

/// The fixed version for `installed`: of the fixed versions the ranges (not `GIT` ones)
/// state, the lowest above `installed`, else the highest; the first stated when the
/// installed version is unknown.
fn fixed_version(affected: &[&Value], installed: Option<&str>) -> Option<String> {
    let fixed: Vec<&str> = affected
        .iter()
        .flat_map(|a| {
            a.get("ranges")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter(|r| r.get("type").and_then(Value::as_str) != Some("GIT"))
        .flat_map(|r| {
            r.get("events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|e| e.get("fixed").and_then(Value::as_str))
        .filter(|f| !f.trim().is_empty())
        .collect();
    let chosen = match installed {
        None => fixed.first().copied(),
        Some(installed) => {
            let installed = percent_decode(installed);
            fixed
                .iter()
                .copied()
                .filter(|f| compare_versions(f, &installed).is_gt())
                .min_by(|a, b| compare_versions(a, b))
                .or_else(|| fixed.iter().copied().max_by(|a, b| compare_versions(a, b)))
        }
    };
    chosen.map(|f| printable(f.trim(), 128))
}

/// A generic version order: runs of digits compare as numbers, other runs as text.
fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn runs(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ra, rb) = (runs(a), runs(b));
    for (x, y) in ra.iter().zip(&rb) {
        let order = match (x, y) {
            ((true, x), (true, y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                x.len().cmp(&y.len()).then_with(|| x.cmp(y))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    ra.len().cmp(&rb.len())
}

/// The CVSS v3.0/v3.1 base score of a vector (`CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`
/// → 9.8), by the specification's formula; `None` when a base metric is missing or unknown.
fn cvss3_base_score(vector: &str) -> Option<f64> {
    let mut parts = vector.trim().split('/');
    if !matches!(parts.next()?, "CVSS:3.0" | "CVSS:3.1") {
        return None;
    }
    let metrics: HashMap<&str, &str> = parts.filter_map(|p| p.split_once(':')).collect();
    let m = |k: &str| metrics.get(k).copied();
    let changed = match m("S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match m("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match m("AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (m("PR")?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match m("UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |k: &str| match m(k)? {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    };
    let iss = 1.0 - (1.0 - cia("C")?) * (1.0 - cia("I")?) * (1.0 - cia("A")?);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02_f64).powi(15)
    } else {
        6.42 * iss
    };
    if impact <= 0.0 {
        return Some(0.0);
    }
    let exploitability = 8.22 * av * ac * pr * ui;
    let total = if changed {
        1.08 * (impact + exploitability)
    } else {
        impact + exploitability
    };
    Some(round_up(total.min(10.0)))
}

/// CVSS v3.1's Roundup: the smallest one-decimal number not below `x`, without floating
/// point surprises.
fn round_up(x: f64) -> f64 {
    let int = (x * 100_000.0).round() as i64;
    if int % 10_000 == 0 {
        int as f64 / 100_000.0
    } else {
        ((int / 10_000) + 1) as f64 / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_double::{HttpDouble, Reply, Request};

    fn pkg(name: &str, version: Option<&str>, purl: Option<&str>) -> Package {
        Package {
            name: name.into(),
            version: version.map(Into::into),
            purl: purl.map(Into::into),
            licenses: Vec::new(),
            ecosystem: purl.and_then(purl_type),
        }
    }

    #[test]
    fn cvss3_scores() {
        for (vector, score) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N", 3.3),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ] {
            assert_eq!(cvss3_base_score(vector), Some(score), "{vector}");
        }
        assert_eq!(cvss3_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N"), None);
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:N/AC:L"), None);
        assert_eq!(cvss3_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), None);
    }

    #[test]
    fn severity_from_database_then_cvss() {
        let ghsa = json!({"database_specific": {"severity": "MODERATE"},
                          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]});
        assert_eq!(severity(&ghsa, &[]), Severity::Medium);
        let cve = json!({"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]});
        assert_eq!(severity(&cve, &[]), Severity::Critical);
        let v4 = json!({"severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]});
        assert_eq!(severity(&v4, &[]), Severity::Unknown);
        let debian = json!({"affected": [{"ecosystem_specific": {"severity": "unimportant"}}]});
        let affected: Vec<&Value> = debian["affected"]
            .as_array()
            .expect("a list")
            .iter()
            .collect();
        assert_eq!(severity(&debian, &affected), Severity::Low);
        assert_eq!(severity(&json!({"id": "X"}), &[]), Severity::Unknown);
    }

    #[test]
    fn query_purls() {
        assert_eq!(
            query_purl(&pkg(
                "curl",
                Some("7.88.1-10+deb12u5"),
                Some("pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12")
            )),
            Some("pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5".to_owned())
        );
        assert_eq!(
            query_purl(&pkg("x", Some("1.0 beta"), Some("pkg:npm/x"))),
            Some("pkg:npm/x@1.0%20beta".to_owned())
        );
        assert_eq!(query_purl(&pkg("x", None, Some("pkg:npm/x"))), None);
        assert_eq!(query_purl(&pkg("x", Some("1"), None)), None);
        assert_eq!(query_purl(&pkg("x", Some("1"), Some("not a purl"))), None);
        assert_eq!(
            query_purl(&pkg("@s/p", None, Some("pkg:npm/%40s/p@2.0.0"))),
            Some("pkg:npm/%40s/p@2.0.0".to_owned())
        );
    }

    #[test]
    fn fixed_version_for_the_installed_line() {
        let record = json!({"affected": [
            {"package": {"ecosystem": "npm", "name": "other"},
             "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "9.9.9"}]}]},
            {"package": {"ecosystem": "npm", "name": "@s/p", "purl": "pkg:npm/%40s/p"},
             "ranges": [
                {"type": "GIT", "repo": "https://github.com/s/p", "events": [{"introduced": "0"}, {"fixed": "abc123"}]},
                {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.10.2"}, {"introduced": "2.0.0"}, {"fixed": "2.0.10"}]}
             ]}
        ]});
        let v = vuln(
            "GHSA-aaaa-bbbb-cccc",
            &record,
            &pkg("@s/p", Some("2.0.9"), None),
            "pkg:npm/%40s/p@2.0.9",
        );
        assert_eq!(
            v.fixed.as_deref(),
            Some("2.0.10"),
            "numbers compare as numbers"
        );
        let v = vuln(
            "GHSA-aaaa-bbbb-cccc",
            &record,
            &pkg("@s/p", Some("1.2"), None),
            "pkg:npm/%40s/p@1.2",
        );
        assert_eq!(v.fixed.as_deref(), Some("1.10.2"));
        assert_eq!(
            v.url.as_deref(),
            Some("https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc")
        );
        let odd = vuln("x/../y", &json!({}), &pkg("a", None, None), "pkg:npm/a@1");
        assert_eq!(odd.url, None);
        assert_eq!(odd.severity, Severity::Unknown);
    }

    fn batch_of(request: &Request) -> Vec<Value> {
        let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
        body["queries"].as_array().expect("queries").clone()
    }

    /// 1,001 packages (two sharing a purl, one without) go as two batches of 1,000 and 1,
    /// each purl once; ids only come back, records are fetched once per id.
    #[tokio::test]
    async fn batches_of_a_thousand_and_one_fetch_per_id() {
        let double = HttpDouble::builder()
            .handle("POST", "/v1/querybatch", |r| {
                let results: Vec<Value> = batch_of(r)
                    .iter()
                    .map(|q| {
                        let purl = q["package"]["purl"].as_str().unwrap_or_default();
                        if purl.ends_with("/p7@1.0.7") || purl.ends_with("/p999@1.0.999") {
                            json!({"vulns": [{"id": "OSV-2024-1", "modified": "2024-01-01T00:00:00Z"}]})
                        } else {
                            json!({})
                        }
                    })
                    .collect();
                Reply::json(&json!({ "results": results }))
            })
            .reply(
                "GET",
                "/v1/vulns/OSV-2024-1",
                Reply::json(&json!({"id": "OSV-2024-1", "summary": "Bad\u{1b}[2J thing",
                                    "database_specific": {"severity": "CRITICAL"}})),
            )
            .start();
        let mut packages: Vec<Package> = (0..1000)
            .map(|i| {
                pkg(
                    &format!("p{i}"),
                    Some(&format!("1.0.{i}")),
                    Some(&format!("pkg:npm/p{i}@1.0.{i}")),
                )
            })
            .collect();
        packages.push(pkg("p7", Some("1.0.7"), Some("pkg:npm/p7@1.0.7")));
        packages.push(pkg("q", Some("1"), Some("pkg:npm/q@1")));
        packages.push(pkg("no-purl", Some("1"), None));
        let client = OsvClient::with_http(&double.url(""), reqwest::Client::new()).expect("client");
        let report = client.vulnerabilities(&packages).await.expect("report");
        let batches = double.requests_to("POST", "/v1/querybatch");
        assert_eq!(
            batches
                .iter()
                .map(|r| batch_of(r).len())
                .collect::<Vec<_>>(),
            [1000, 1]
        );
        assert_eq!(double.requests_to("GET", "/v1/vulns/OSV-2024-1").len(), 1);
        assert_eq!(report.queried, 1002);
        assert_eq!(report.not_queried, 1);
        assert_eq!(report.vulns.len(), 3, "p7 twice, p999 once");
        assert_eq!(report.counts[&Severity::Critical], 3);
        assert_eq!(report.counts[&Severity::Low], 0);
        assert_eq!(report.vulns[0].summary.as_deref(), Some("Bad[2J thing"));
        assert!(!report.incomplete);
    }

    #[tokio::test]
    async fn refusals_name_the_host() {
        let double = HttpDouble::builder()
            .reply(
                "POST",
                "/v1/querybatch",
                Reply::bytes(
                    400,
                    "application/json",
                    r#"{"code":3,"message":"Invalid query.\u0007"}"#,
                ),
            )
            .start();
        let client = OsvClient::with_http(&double.url(""), reqwest::Client::new()).expect("client");
        let packages = [pkg("a", Some("1"), Some("pkg:npm/a@1"))];
        let err = client
            .vulnerabilities(&packages)
            .await
            .expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains(&double.host) && text.contains("400") && text.contains("Invalid query."),
            "{text}"
        );
        assert!(!text.contains('\u{7}'));

        let garbage = HttpDouble::builder()
            .reply(
                "POST",
                "/v1/querybatch",
                Reply::bytes(200, "application/json", "{\"results\": 7"),
            )
            .start();
        let client =
            OsvClient::with_http(&garbage.url(""), reqwest::Client::new()).expect("client");
        assert!(matches!(
            client.vulnerabilities(&packages).await,
            Err(OsvError::Invalid { .. })
        ));

        assert!(matches!(
            OsvClient::with_http("http://osv.example", reqwest::Client::new()),
            Err(OsvError::Address { .. })
        ));
        let none = OsvClient::with_http("https://api.osv.dev", reqwest::Client::new())
            .expect("client")
            .vulnerabilities(&[pkg("a", None, None)])
            .await
            .expect("nothing to ask");
        assert_eq!(
            (none.queried, none.not_queried, none.vulns.len()),
            (0, 1, 0)
        );
    }
}
