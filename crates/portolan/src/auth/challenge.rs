//! Parsing `WWW-Authenticate` challenges (RFC 7235 auth-params, as registries send them).
//!
//! A registry's 401 says how to authenticate: `Basic realm="..."` or
//! `Bearer realm="...",service="...",scope="a b"`. Scopes may be several, separated by
//! spaces inside one value, and a repository name may contain `host:port`.

use std::collections::BTreeMap;

/// The authentication scheme a registry asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// HTTP Basic: send username and password on every request.
    Basic,
    /// Bearer tokens from a token server (`realm`).
    Bearer,
    /// Anything else (kept so the error can name it).
    Other(String),
}

/// One parsed challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Basic, Bearer, ...
    pub scheme: Scheme,
    /// Lower-cased parameter names to values.
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    /// The token endpoint (Bearer) or the realm label (Basic).
    pub fn realm(&self) -> Option<&str> {
        self.params.get("realm").map(String::as_str)
    }
    /// The `service` parameter.
    pub fn service(&self) -> Option<&str> {
        self.params.get("service").map(String::as_str)
    }
    /// Every scope named, split on spaces.
    pub fn scopes(&self) -> Vec<String> {
        self.params
            .get("scope")
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default()
    }
    /// The `error` parameter (`invalid_token`, `insufficient_scope`).
    pub fn error(&self) -> Option<&str> {
        self.params.get("error").map(String::as_str)
    }
}

/// Parse every challenge in a `WWW-Authenticate` value.
pub fn parse(header: &str) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        // scheme token
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        let scheme_text = &rest[..end];
        rest = rest[end..].trim_start_matches([' ', '\t', ',']);
        if scheme_text.is_empty() {
            break;
        }
        let scheme = match scheme_text.to_ascii_lowercase().as_str() {
            "basic" => Scheme::Basic,
            "bearer" => Scheme::Bearer,
            _ => Scheme::Other(scheme_text.to_owned()),
        };
        let mut params = BTreeMap::new();
        // params: name=value or name="quoted", comma separated, until the next scheme
        while let Some(eq) = rest.find('=') {
            let name = rest[..eq].trim();
            if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == ',' || c == '"')
            {
                break; // the next token is a new scheme
            }
            let mut value_rest = rest[eq + 1..].trim_start();
            let value;
            if let Some(quoted) = value_rest.strip_prefix('"') {
                let mut v = String::new();
                let mut chars = quoted.char_indices();
                let mut consumed = quoted.len();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, n)) = chars.next() {
                                v.push(n);
                            }
                        }
                        '"' => {
                            consumed = i + 1;
                            break;
                        }
                        _ => v.push(c),
                    }
                }
                value = v;
                value_rest = &quoted[consumed.min(quoted.len())..];
            } else {
                let end = value_rest.find(',').unwrap_or(value_rest.len());
                value = value_rest[..end].trim().to_owned();
                value_rest = &value_rest[end..];
            }
            params.insert(name.to_ascii_lowercase(), value);
            rest = value_rest.trim_start_matches([' ', '\t', ',']);
        }
        out.push(Challenge { scheme, params });
    }
    out
}

/// The best challenge to answer: Bearer over Basic over anything else.
pub fn pick(header: &str) -> Option<Challenge> {
    let mut all = parse(header);
    all.sort_by_key(|c| match c.scheme {
        Scheme::Bearer => 0,
        Scheme::Basic => 1,
        Scheme::Other(_) => 2,
    });
    all.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_with_several_scopes() {
        let c = pick(r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/i:pull repository:localhost:5000/x:pull,push""#)
            .expect("challenge");
        assert_eq!(c.scheme, Scheme::Bearer);
        assert_eq!(c.realm(), Some("https://ghcr.io/token"));
        assert_eq!(c.service(), Some("ghcr.io"));
        assert_eq!(
            c.scopes(),
            vec![
                "repository:o/i:pull",
                "repository:localhost:5000/x:pull,push"
            ]
        );
    }

    #[test]
    fn error_and_odd_spacing() {
        let c = pick(r#"bearer  realm="http://127.0.0.1:1/token" , service = "s",error="invalid_token",scope="a""#).expect("c");
        assert_eq!(c.scheme, Scheme::Bearer);
        assert_eq!(c.error(), Some("invalid_token"));
        assert_eq!(c.realm(), Some("http://127.0.0.1:1/token"));
    }

    #[test]
    fn basic_and_multiple_challenges() {
        let all = parse(r#"Basic realm="Registry Realm", Bearer realm="https://a/t",service="x""#);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].scheme, Scheme::Basic);
        assert_eq!(all[0].realm(), Some("Registry Realm"));
        assert_eq!(
            pick(r#"Basic realm="r", Bearer realm="https://a/t""#).map(|c| c.scheme),
            Some(Scheme::Bearer)
        );
        assert_eq!(
            parse(r#"Basic realm="quote \" inside""#)[0].realm(),
            Some("quote \" inside")
        );
        assert!(parse("").is_empty());
        assert_eq!(
            parse("Negotiate")[0].scheme,
            Scheme::Other("Negotiate".into())
        );
    }
}
