//! Registry error bodies (`{"errors":[{"code","message","detail"}]}`), parsed leniently.
//!
//! Registries send codes outside the spec (`UNKNOWN`, `TAG_INVALID`), `detail` of any JSON
//! shape, or an HTML page from a proxy. Everything is kept as text, trimmed to a readable
//! length and stripped of control characters: it is untrusted and ends up in front of people.

use crate::error::RegistryErrorItem;

const MAX_TEXT: usize = 300;

/// Parse an error body; a non-JSON body becomes one item with the start of its text.
pub fn parse(body: &[u8]) -> Vec<RegistryErrorItem> {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        errors: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        #[serde(default)]
        code: Option<serde_json::Value>,
        #[serde(default)]
        message: Option<serde_json::Value>,
        #[serde(default)]
        detail: Option<serde_json::Value>,
    }
    if let Ok(parsed) = serde_json::from_slice::<Body>(body) {
        if !parsed.errors.is_empty() {
            return parsed
                .errors
                .into_iter()
                .map(|i| RegistryErrorItem {
                    code: clean(&value_text(i.code.as_ref())),
                    message: clean(&value_text(i.message.as_ref())),
                    detail: i
                        .detail
                        .as_ref()
                        .filter(|d| !d.is_null())
                        .map(|d| clean(&value_text(Some(d)))),
                })
                .collect();
        }
    }
    let text = clean(&String::from_utf8_lossy(body));
    if text.is_empty() {
        Vec::new()
    } else {
        vec![RegistryErrorItem {
            code: String::new(),
            message: text,
            detail: None,
        }]
    }
}

fn value_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Collapse whitespace, drop control characters, cut to a readable length.
pub fn clean(text: &str) -> String {
    let mut out = String::new();
    let mut last_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else if !c.is_control() {
            out.push(c);
            last_space = false;
        }
        if out.chars().count() >= MAX_TEXT {
            out.push('…');
            break;
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_codes_and_details() {
        let items = parse(br#"{"errors":[{"code":"TAG_INVALID","message":"bad tag","detail":{"tag":"x"}},{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":null}]}"#);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].code, "TAG_INVALID");
        assert_eq!(items[0].detail.as_deref(), Some(r#"{"tag":"x"}"#));
        assert_eq!(items[1].detail, None);
        assert_eq!(items[1].code, "MANIFEST_UNKNOWN");
    }

    #[test]
    fn html_and_garbage_become_short_text() {
        let page = format!("<html>\n<body>\u{1b}[31m{}</body></html>", "x".repeat(1000));
        let items = parse(page.as_bytes());
        assert_eq!(items.len(), 1);
        assert!(items[0].message.chars().count() <= MAX_TEXT + 1);
        assert!(!items[0].message.contains('\u{1b}'));
        assert!(parse(b"").is_empty());
        assert_eq!(parse(br#"{"errors":[{"code":7}]}"#)[0].code, "7");
    }
}
