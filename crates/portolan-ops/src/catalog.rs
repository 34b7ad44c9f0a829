//! Paging through a registry's catalog for a front end that asks page by page. The
//! next-page URL a registry sends (`Link`) stays here; the front end holds only an opaque
//! token, so nothing outside the backend chooses which URL is fetched.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use portolan::Client;

/// Tokens kept at most (older ones are forgotten; the front end starts over).
const MAX_TOKENS: usize = 1024;
/// Repositories per page.
const PAGE_SIZE: u32 = 100;

/// One page of a registry's catalog.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RepositoryPage {
    /// Repository names.
    pub items: Vec<String>,
    /// Pass back to get the next page; none at the end.
    pub next: Option<String>,
}

/// The next-page URLs handed out as tokens.
#[derive(Default)]
pub struct CatalogPages {
    pages: Mutex<HashMap<String, (String, url::Url)>>,
    counter: AtomicU64,
}

impl CatalogPages {
    /// The first page of `host`'s catalog (`token` none), or the page `token` names.
    pub async fn page(
        &self,
        client: &Client,
        host: &str,
        token: Option<&str>,
    ) -> portolan::Result<RepositoryPage> {
        let next = match token {
            None => None,
            Some(t) => {
                // Kept until its page arrives, so a page that failed can be asked again.
                let known = self
                    .pages
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(t)
                    .cloned();
                match known {
                    Some((for_host, url)) if for_host == host => Some(url),
                    _ => {
                        return Err(portolan::Error::input(
                            format!("page \"{t}\" of {host}'s repositories"),
                            "that page is no longer known; list the repositories again",
                        ))
                    }
                }
            }
        };
        let page = client.registry(host)?.catalog_page(PAGE_SIZE, next).await?;
        if let Some(t) = token {
            self.pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(t);
        }
        Ok(RepositoryPage {
            items: page.items,
            next: page.next.map(|url| self.remember(host, url)),
        })
    }

    fn remember(&self, host: &str, url: url::Url) -> String {
        let token = format!("p{}", self.counter.fetch_add(1, Ordering::Relaxed) + 1);
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_TOKENS {
            pages.clear();
        }
        pages.insert(token.clone(), (host.to_owned(), url));
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_good_for_its_host_only() {
        let pages = CatalogPages::default();
        let url = url::Url::parse("https://r.example/v2/_catalog?last=a").expect("url");
        let token = pages.remember("r.example", url);
        let client = Client::anonymous();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let err = rt
            .block_on(pages.page(&client, "other.example", Some(&token)))
            .expect_err("another host");
        assert_eq!(err.code(), portolan::ErrorCode::Input);
        assert!(
            pages.pages.lock().expect("lock").contains_key(&token),
            "a refused page keeps its token"
        );
        let err = rt
            .block_on(pages.page(&client, "r.example", Some("p999")))
            .expect_err("unknown token");
        assert_eq!(err.code(), portolan::ErrorCode::Input);
    }
}
