//! What a server says about its rate limit: GitHub's API (`x-ratelimit-remaining`,
//! `x-ratelimit-limit`, `x-ratelimit-reset`) and Docker Hub's registry and API
//! (`ratelimit-remaining: 76;w=21600`). Kept from the last answer so a front end can say
//! so when it runs low, before requests start failing with 429.

use reqwest::header::HeaderMap;

/// What an API said about its rate limit on its last answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RateLimit {
    /// Requests left in the window.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub remaining: Option<u64>,
    /// Requests allowed in the window.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub limit: Option<u64>,
    /// When the window resets (Unix seconds), when the API says.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub resets_at: Option<u64>,
}

impl RateLimit {
    /// Read `x-ratelimit-*` (GitHub) or `ratelimit-*` (Docker) headers.
    pub fn of(headers: &HeaderMap) -> Option<Self> {
        let number = |names: &[&str]| {
            names.iter().find_map(|n| {
                headers
                    .get(*n)
                    .and_then(|v| v.to_str().ok())
                    // Docker writes `100;w=21600`.
                    .and_then(|v| v.split(';').next())
                    .and_then(|v| v.trim().parse::<u64>().ok())
            })
        };
        let remaining = number(&["x-ratelimit-remaining", "ratelimit-remaining"]);
        let limit = number(&["x-ratelimit-limit", "ratelimit-limit"]);
        let resets_at = number(&["x-ratelimit-reset"]);
        (remaining.is_some() || limit.is_some()).then_some(Self {
            remaining,
            limit,
            resets_at,
        })
    }

    /// Whether a front end should say so: under a tenth of the window, or under 50.
    pub fn is_low(&self) -> bool {
        match (self.remaining, self.limit) {
            (Some(r), Some(l)) => r < 50.max(l / 10).min(l),
            (Some(r), None) => r < 50,
            _ => false,
        }
    }
}
