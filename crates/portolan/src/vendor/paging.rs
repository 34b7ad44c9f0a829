//! Reading every page of a vendor list. When the first page says how many pages there are
//! (GitHub's `Link: rel="last"`, Docker Hub's `count`), the rest are fetched a few at a
//! time, in parallel, and kept in order; otherwise each page's `next` is followed in turn.
//! Either way the list stops at [`MAX_ITEMS`] rather than grow without end.

use std::future::Future;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use url::Url;

use crate::error::{Error, Result};

/// Pages fetched at once when their number is known.
pub const PAGES_AT_ONCE: usize = 4;

/// No vendor list is read past this many entries.
pub const MAX_ITEMS: usize = 200_000;

/// One page of a list.
pub struct Page<T> {
    /// Its entries.
    pub items: Vec<T>,
    /// The next page's URL, when there is one.
    pub next: Option<Url>,
    /// How many pages there are, when the API says.
    pub last: Option<u32>,
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
    let too_many = || Error::TooMany {
        registry: host.to_owned(),
        what: what.to_owned(),
        limit: MAX_ITEMS,
    };
    let mut items = first.items;
    if let Some(last) = first.last.filter(|&n| n > 1) {
        if (last as usize).saturating_mul(items.len().max(1)) > MAX_ITEMS * 2 {
            return Err(too_many());
        }
        let rest: Vec<Page<T>> = stream::iter(2..=last)
            .map(&numbered)
            .buffered(PAGES_AT_ONCE)
            .try_collect()
            .await?;
        for page in rest {
            items.extend(page.items);
            if items.len() > MAX_ITEMS {
                return Err(too_many());
            }
        }
        return Ok(items);
    }
    let mut next = first.next;
    while let Some(url) = next {
        let page = follow(url).await?;
        if page.items.is_empty() {
            break;
        }
        items.extend(page.items);
        if items.len() > MAX_ITEMS {
            return Err(too_many());
        }
        next = page.next;
    }
    Ok(items)
}

/// The `page` number in a URL's query (`?page=7`).
pub fn page_number(url: &Url) -> Option<u32> {
    url.query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
}
