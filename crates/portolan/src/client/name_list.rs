//! Lists of names a registry pages through (`tags/list`, `_catalog`), read within a byte
//! budget. Each page's names are taken one at a time as the JSON is parsed, so a page of
//! millions of tiny names is never a vector of millions of strings first; the budget is
//! checked at every name, across every page, and counts what holding a name costs (its
//! bytes and about [`NAME_OVERHEAD`] more), not how many there are.
//!
//! Counting a list ([`count_distinct`]) keeps an 8-byte hash of each name, never the name,
//! and stops at the count asked for.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The names of one list may hold this much (64 MiB: several times the largest
/// repositories seen in the wild).
pub const MAX_LIST_BYTES: u64 = 64 << 20;

/// What holding a name costs beyond its bytes: the string and the hash that spots a
/// name served twice.
pub const NAME_OVERHEAD: u64 = 32;

/// No tag (128) or repository name (255 in distribution) is longer than this.
pub const MAX_NAME_BYTES: usize = 512;

/// What to do after a name.
pub(crate) enum Flow {
    /// The next name.
    More,
    /// Stop reading this page (the caller knows why).
    Stop,
}

/// Why a page's names stopped.
pub(crate) enum PageEnd {
    /// The body was read through.
    Done,
    /// The taker said stop.
    Stopped,
    /// The body is not the JSON of a name list.
    Invalid(String),
}

const STOPPED: &str = "portolan: stopped by the taker";

/// Hand each name of the list under `field` in the JSON object `body` to `take`, as it is
/// parsed. A missing or `null` list is empty.
pub(crate) fn each_name(
    body: &[u8],
    field: &'static str,
    take: &mut dyn FnMut(String) -> Flow,
) -> PageEnd {
    let mut stopped = false;
    let seed = PageSeed {
        field,
        take,
        stopped: &mut stopped,
    };
    let mut parser = serde_json::Deserializer::from_slice(body);
    let parsed = seed.deserialize(&mut parser).and_then(|()| parser.end());
    match parsed {
        Ok(()) => PageEnd::Done,
        Err(_) if stopped => PageEnd::Stopped,
        Err(e) => PageEnd::Invalid(e.to_string()),
    }
}

struct PageSeed<'a> {
    field: &'static str,
    take: &'a mut dyn FnMut(String) -> Flow,
    stopped: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object with a \"{}\" list", self.field)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.field {
                map.next_value_seed(NamesSeed {
                    take: &mut *self.take,
                    stopped: &mut *self.stopped,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct NamesSeed<'a> {
    take: &'a mut dyn FnMut(String) -> Flow,
    stopped: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for NamesSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for NamesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of names, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(name) = seq.next_element::<String>()? {
            if let Flow::Stop = (self.take)(name) {
                *self.stopped = true;
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
}

/// Names kept across pages: each once, within [`MAX_LIST_BYTES`].
pub(crate) struct Collected {
    /// The names, in the order first seen.
    pub names: Vec<String>,
    held: u64,
    seen: HashSet<u64>,
    keys: RandomState,
    budget: u64,
}

/// Why a name was not taken.
pub(crate) enum Refused {
    /// Longer than [`MAX_NAME_BYTES`].
    TooLong(usize),
    /// The list would hold more than its budget.
    OverBudget,
}

impl Collected {
    /// An empty list that may hold `budget` bytes.
    pub fn new(budget: u64) -> Self {
        Self {
            names: Vec::new(),
            held: 0,
            seen: HashSet::new(),
            keys: RandomState::new(),
            budget,
        }
    }

    /// Keep `name` unless it was seen before (by a keyed hash: with 64 bits, two of two
    /// million names collide about once in 10^7 lists).
    pub fn take(&mut self, name: String) -> Result<(), Refused> {
        if name.len() > MAX_NAME_BYTES {
            return Err(Refused::TooLong(name.len()));
        }
        if !self.seen.insert(self.keys.hash_one(&name)) {
            return Ok(());
        }
        self.held += name.len() as u64 + NAME_OVERHEAD;
        if self.held > self.budget {
            return Err(Refused::OverBudget);
        }
        self.names.push(name);
        Ok(())
    }
}

/// Distinct names counted up to a cap, none kept.
pub(crate) struct Counted {
    seen: HashSet<u64>,
    keys: RandomState,
    /// Stop counting here.
    pub cap: usize,
}

impl Counted {
    /// Count up to `cap`.
    pub fn new(cap: usize) -> Self {
        Self {
            seen: HashSet::new(),
            keys: RandomState::new(),
            cap,
        }
    }

    /// Count `name`; [`Flow::Stop`] once the cap is reached.
    pub fn take(&mut self, name: &str) -> Flow {
        self.seen.insert(self.keys.hash_one(name));
        if self.seen.len() >= self.cap {
            Flow::Stop
        } else {
            Flow::More
        }
    }

    /// How many distinct names so far.
    pub fn count(&self) -> usize {
        self.seen.len()
    }
}

/// The distinct names of pages `fetch` returns, counted without keeping them, up to `cap`
/// and [`super::MAX_PAGES`] pages; `Ok((count, complete))`.
pub(crate) async fn count_distinct<F, Fut, E>(
    cap: usize,
    field: &'static str,
    mut fetch: F,
    invalid: impl Fn(String) -> E,
) -> Result<(usize, bool), E>
where
    F: FnMut(Option<url::Url>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<u8>, Option<url::Url>), E>>,
{
    let mut counted = Counted::new(cap.max(1));
    let mut next = None;
    for _ in 0..super::MAX_PAGES {
        let (body, link) = fetch(next.take()).await?;
        let before = counted.count();
        match each_name(&body, field, &mut |name| counted.take(&name)) {
            PageEnd::Done => {}
            PageEnd::Stopped => return Ok((counted.count(), false)),
            PageEnd::Invalid(e) => return Err(invalid(e)),
        }
        match link {
            Some(n) if counted.count() > before => next = Some(n),
            _ => return Ok((counted.count(), true)),
        }
    }
    Ok((counted.count(), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(body: &str) -> (Vec<String>, bool) {
        let mut out = Vec::new();
        let end = each_name(body.as_bytes(), "tags", &mut |n| {
            out.push(n);
            Flow::More
        });
        (out, matches!(end, PageEnd::Done))
    }

    #[test]
    fn names_come_from_their_field_whatever_else_the_object_holds() {
        assert_eq!(
            names(r#"{"name":"r","extra":{"tags":["no"]},"tags":["a","b"]}"#),
            (vec!["a".to_owned(), "b".to_owned()], true)
        );
        assert_eq!(names(r#"{"name":"r","tags":null}"#), (vec![], true));
        assert_eq!(names(r#"{"name":"r"}"#), (vec![], true));
        assert!(!names(r#"{"tags":[1]}"#).1);
        assert!(!names(r#"{"tags":["a"]} trailing"#).1);
    }

    #[test]
    fn a_taker_stops_the_page_at_once() {
        let mut seen = 0;
        let end = each_name(br#"{"tags":["a","b","c"]}"#, "tags", &mut |_| {
            seen += 1;
            if seen == 2 {
                Flow::Stop
            } else {
                Flow::More
            }
        });
        assert!(matches!(end, PageEnd::Stopped));
        assert_eq!(seen, 2);
    }

    #[test]
    fn the_budget_counts_bytes_and_repeats_cost_nothing() {
        let mut list = Collected::new(3 * (10 + NAME_OVERHEAD));
        for name in ["aaaaaaaaaa", "bbbbbbbbbb", "aaaaaaaaaa", "cccccccccc"] {
            assert!(list.take(name.to_owned()).is_ok());
        }
        assert_eq!(list.names.len(), 3);
        assert!(matches!(
            list.take("dddddddddd".to_owned()),
            Err(Refused::OverBudget)
        ));
        assert!(matches!(
            list.take("x".repeat(MAX_NAME_BYTES + 1)),
            Err(Refused::TooLong(_))
        ));
    }
}
