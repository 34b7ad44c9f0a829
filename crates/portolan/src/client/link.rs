//! `Link: <...>; rel="next"` headers, which registries use to page catalogs and tag lists.
//!
//! The target may be relative (distribution sends `/v2/_catalog?last=...&n=100`), so it is
//! resolved against the URL of the request that returned it.

/// The `rel="next"` target of a `Link` header value, resolved against `base`.
pub fn next_link(header: &str, base: &url::Url) -> Option<url::Url> {
    link(header, base, "next")
}

/// The target of the link with relation `rel` (`next`, `last`) in a `Link` header value,
/// resolved against `base`.
pub fn link(header: &str, base: &url::Url, rel: &str) -> Option<url::Url> {
    for part in split_links(header) {
        let part = part.trim();
        let Some(start) = part.find('<') else {
            continue;
        };
        let Some(end) = part[start..].find('>') else {
            continue;
        };
        let target = &part[start + 1..start + end];
        let params = &part[start + end + 1..];
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            let Some((k, v)) = p.split_once('=') else {
                return false;
            };
            k.trim().eq_ignore_ascii_case("rel")
                && v.trim()
                    .trim_matches('"')
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case(rel))
        });
        if is_next {
            return base.join(target).ok();
        }
    }
    None
}

/// Split on the commas between links, not those inside `<...>` or quotes.
fn split_links(header: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth_angle, mut in_quote, mut start) = (false, false, 0);
    for (i, c) in header.char_indices() {
        match c {
            '<' if !in_quote => depth_angle = true,
            '>' if !in_quote => depth_angle = false,
            '"' if !depth_angle => in_quote = !in_quote,
            ',' if !depth_angle && !in_quote => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> url::Url {
        url::Url::parse("http://127.0.0.1:5000/v2/_catalog?n=100").expect("url")
    }

    #[test]
    fn relative_and_absolute() {
        let n = next_link(r#"</v2/_catalog?last=b&n=100>; rel="next""#, &base()).expect("next");
        assert_eq!(n.as_str(), "http://127.0.0.1:5000/v2/_catalog?last=b&n=100");
        let n = next_link(
            r#"<https://ghcr.io/v2/o/i/tags/list?last=v1%2C2&n=100>; rel=next"#,
            &base(),
        )
        .expect("abs");
        assert_eq!(n.host_str(), Some("ghcr.io"));
    }

    #[test]
    fn several_links_and_none() {
        let h = r#"<https://x/a?p=1,2>; rel="prev", <https://x/b>; rel="next""#;
        assert_eq!(
            next_link(h, &base()).map(|u| u.path().to_owned()),
            Some("/b".into())
        );
        assert!(next_link(r#"<https://x/a>; rel="prev""#, &base()).is_none());
        assert!(next_link("garbage", &base()).is_none());
    }
}
