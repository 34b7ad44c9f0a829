//! Reading every page of a vendor list. When the first page says how many pages there are
//! (GitHub's `Link: rel="last"`, Docker Hub's `count`), the rest are fetched a few at a
//! time, in parallel, and kept in order; otherwise each page's `next` is followed in turn.
//!
//! Either way the list is bounded, and checked page by page as each arrives (a page not
//! yet needed is not fetched): at most [`MAX_PAGES`] pages (an API that claims more is
//! refused before the second page), [`MAX_ITEMS`] entries, and [`MAX_LIST_BYTES`] of
//! answers, what the entries parsed from them hold.

use std::future::Future;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use url::Url;

use crate::error::{size_words, Error, Result};

/// Pages fetched at once when their number is known.
pub const PAGES_AT_ONCE: usize = 4;

/// No vendor list is read past this many entries.
pub const MAX_ITEMS: usize = 200_000;

/// No vendor list is read over more pages than this ([`MAX_ITEMS`] at 100 a page).
pub const MAX_PAGES: u32 = 2_000;

/// The answers of one list may add up to this much.
pub const MAX_LIST_BYTES: u64 = 64 << 20;

/// One page of a list.
pub struct Page<T> {
    /// Its entries.
    pub items: Vec<T>,
    /// The next page's URL, when there is one.
    pub next: Option<Url>,
    /// How many pages there are, when the API says.
    pub last: Option<u32>,
    /// The size of the answer it came in (what its entries hold, about).
    pub bytes: u64,
}

/// A list being gathered, within its limits.
struct Gathered<'a, T> {
    items: Vec<T>,
    bytes: u64,
    pages: u32,
    host: &'a str,
    what: &'a str,
}

impl<T> Gathered<'_, T> {
    /// Add `page`, or say which limit it went past.
    fn add(&mut self, page: Page<T>) -> Result<()> {
        self.pages += 1;
        self.bytes = self.bytes.saturating_add(page.bytes);
        self.items.extend(page.items);
        if self.items.len() > MAX_ITEMS {
            return Err(Error::TooMany {
                registry: self.host.to_owned(),
                what: self.what.to_owned(),
                limit: MAX_ITEMS,
            });
        }
        if self.bytes > MAX_LIST_BYTES {
            return Err(Error::OverBudget {
                registry: self.host.to_owned(),
                what: format!(
                    "{} ({} entries in {} pages read so far)",
                    self.what,
                    self.items.len(),
                    self.pages
                ),
                limit: format!("{} of answers", size_words(MAX_LIST_BYTES)),
            });
        }
        Ok(())
    }

    fn too_many_pages(&self, pages: impl std::fmt::Display) -> Error {
        Error::OverBudget {
            registry: self.host.to_owned(),
            what: format!("{} in {pages} pages", self.what),
            limit: format!("{MAX_PAGES} pages"),
        }
    }
}

/// Every entry: `first` (page 1), then pages 2..=last through `numbered` when the number
/// of pages is known, else through `follow` along each `next`.
pub async fn all_pages<T, N, NF, F, FF>(
    first: Page<T>,
    host: &str,
    what: &str,
    numbered: N,
    follow: F,
) -> Result<Vec<T>>
where
    N: Fn(u32) -> NF,
    NF: Future<Output = Result<Page<T>>>,
    F: Fn(Url) -> FF,
    FF: Future<Output = Result<Page<T>>>,
{
    let (last, mut next, first_items) = (first.last, first.next.clone(), first.items.len());
    let mut list = Gathered {
        items: Vec::new(),
        bytes: 0,
        pages: 0,
        host,
        what,
    };
    list.add(first)?;
    if let Some(last) = last.filter(|&n| n > 1) {
        if last > MAX_PAGES {
            return Err(list.too_many_pages(last));
        }
        if (last as usize).saturating_mul(first_items.max(1)) > MAX_ITEMS * 2 {
            return Err(Error::TooMany {
                registry: host.to_owned(),
                what: what.to_owned(),
                limit: MAX_ITEMS,
            });
        }
        // In order, a few in flight; each checked as it arrives, and the rest never asked
        // for once a limit is reached.
        let mut rest = stream::iter(2..=last)
            .map(&numbered)
            .buffered(PAGES_AT_ONCE);
        while let Some(page) = rest.try_next().await? {
            list.add(page)?;
        }
        return Ok(list.items);
    }
    while let Some(url) = next {
        if list.pages >= MAX_PAGES {
            return Err(list.too_many_pages(format!("more than {MAX_PAGES}")));
        }
        let page = follow(url).await?;
        if page.items.is_empty() {
            break;
        }
        next = page.next.clone();
        list.add(page)?;
    }
    Ok(list.items)
}

/// The `page` number in a URL's query (`?page=7`).
pub fn page_number(url: &Url) -> Option<u32> {
    url.query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn page(n: u32, bytes: u64, last: Option<u32>) -> Page<u32> {
        Page {
            items: (0..100).map(|i| n * 100 + i).collect(),
            next: Url::parse(&format!("https://api.example/x?page={}", n + 1)).ok(),
            last,
            bytes,
        }
    }

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn an_api_claiming_too_many_pages_is_refused_before_the_second() {
        let asked = AtomicU32::new(0);
        let err = run(all_pages(
            page(1, 1000, Some(MAX_PAGES + 100)),
            "api.example",
            "the tags of ns/app",
            |n| {
                asked.fetch_add(1, Ordering::SeqCst);
                async move { Ok(page(n, 1000, None)) }
            },
            |_| async { Ok(page(0, 0, None)) },
        ))
        .expect_err("refused");
        assert_eq!(asked.load(Ordering::SeqCst), 0);
        assert!(err.to_string().contains("in 2100 pages"), "{err}");
        assert!(err.to_string().contains("(2000 pages)"), "{err}");
    }

    #[test]
    fn pages_are_checked_as_they_arrive_and_the_rest_not_asked_for() {
        let asked = AtomicU32::new(0);
        let err = run(all_pages(
            page(1, 1 << 20, Some(1_000)),
            "api.example",
            "the tags of ns/app",
            |n| {
                asked.fetch_add(1, Ordering::SeqCst);
                async move { Ok(page(n, 1 << 20, None)) }
            },
            |_| async { Ok(page(0, 0, None)) },
        ))
        .expect_err("over budget");
        assert!(err.to_string().contains("64 MiB of answers"), "{err}");
        let asked = asked.load(Ordering::SeqCst);
        assert!(
            asked < 64 + PAGES_AT_ONCE as u32 + 1,
            "{asked} pages asked for"
        );
    }

    #[test]
    fn following_next_stops_at_the_page_limit() {
        let err = run(all_pages(
            page(1, 10, None),
            "api.example",
            "the tags of ns/app",
            |n| async move { Ok(page(n, 10, None)) },
            |url| async move { Ok(page(page_number(&url).unwrap_or(0), 10, None)) },
        ))
        .expect_err("endless");
        // 2,000 pages of 100 entries is the item limit too: either names what it hit.
        assert_eq!(err.code(), crate::ErrorCode::TooLarge, "{err}");
    }
}
