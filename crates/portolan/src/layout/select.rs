//! Choosing one image among several by the name a user typed: an entry of an OCI
//! `index.json` (named by `org.opencontainers.image.ref.name` and containerd's
//! `io.containerd.image.name`) or of a `docker save` `manifest.json` (named by `RepoTags`).
//!
//! Rules, strictest first, the first that matches anything decides:
//! 1. the exact text of a name (skopeo and podman write `ref.name` = `localhost/app:1`);
//! 2. the same reference once both sides are normalised as Docker does (`alpine` is
//!    `docker.io/library/alpine:latest`);
//! 3. the same repository path and tag whatever the registry (`app:1` finds podman's
//!    `localhost/app:1`, as `podman` itself does for local images);
//! 4. a bare tag (`1`) against the tag of full names.
//!
//! Without a name, the only image is chosen. Anything missing or ambiguous is an error
//! that lists (a bounded number of) the names that are there.

use crate::reference::Reference;

/// The annotation containerd and Docker 25+ put the full image name in.
pub const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// How many names an error lists before "and N more".
const LISTED: usize = 10;

/// The names an `index.json` entry is known by (`ref.name`, then containerd's name).
pub fn entry_names(entry: &crate::layout::oci::IndexEntry) -> Vec<String> {
    [crate::layout::oci::REF_NAME, CONTAINERD_NAME]
        .iter()
        .filter_map(|key| entry.annotations.get(*key).map(String::as_str))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Pick the image named `wanted` among images known by `names` (one list per image), or
/// the only image when `wanted` is `None`. `how` says how a user names one ("DIR:NAME").
/// The error is a sentence for [`crate::Error::BadSource`]'s detail.
pub fn choose(names: &[Vec<String>], wanted: Option<&str>, how: &str) -> Result<usize, String> {
    let Some(wanted) = wanted else {
        return match names.len() {
            1 => Ok(0),
            0 => Err("it lists no images".to_owned()),
            n => Err(format!(
                "it holds {n} images ({}); choose one with {how}",
                listing(names)
            )),
        };
    };
    let rules: [&dyn Fn(&str) -> bool; 4] = [
        &|name| name == wanted,
        &|name| same_reference(name, wanted),
        &|name| same_path_and_tag(name, wanted),
        &|name| is_bare_tag(wanted) && tag_of(name).as_deref() == Some(wanted),
    ];
    for rule in rules {
        let hits: Vec<usize> = (0..names.len())
            .filter(|&i| names[i].iter().any(|n| rule(n)))
            .collect();
        match hits.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                let found: Vec<Vec<String>> = many.iter().map(|&i| names[i].clone()).collect();
                return Err(format!(
                    "\"{wanted}\" names {} images ({}); give the full name",
                    many.len(),
                    listing(&found)
                ));
            }
        }
    }
    Err(format!(
        "no image in it is named \"{wanted}\" (it has: {})",
        listing(names)
    ))
}

fn listing(names: &[Vec<String>]) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|n| {
            n.first()
                .map(|s| printable(s))
                .unwrap_or_else(|| "an unnamed image".to_owned())
        })
        .collect();
    if names.len() > LISTED {
        shown.push(format!("and {} more", names.len() - LISTED));
    }
    if shown.is_empty() {
        return "nothing".to_owned();
    }
    shown.join(", ")
}

/// A name from a file, safe to put in a message (control characters escaped, length capped).
fn printable(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(200)
        .flat_map(char::escape_debug)
        .collect();
    if name.chars().count() > 200 {
        out.push('…');
    }
    out
}

fn normalised(name: &str) -> Option<Reference> {
    Reference::parse(name).ok()
}

fn same_reference(name: &str, wanted: &str) -> bool {
    match (normalised(name), normalised(wanted)) {
        (Some(a), Some(b)) => a.to_string() == b.to_string(),
        _ => false,
    }
}

/// `library/app` and `app` are the same path here: Docker Hub's prefix is not written by
/// podman (`localhost/app`) nor typed by users.
fn path_and_tag(name: &str) -> Option<(String, String)> {
    let r = normalised(name)?;
    let path = r
        .repository()
        .strip_prefix("library/")
        .unwrap_or(r.repository())
        .to_owned();
    Some((path, r.tag().unwrap_or("latest").to_owned()))
}

fn same_path_and_tag(name: &str, wanted: &str) -> bool {
    // Only when the user left the registry out: "app:1", not "ghcr.io/o/app:1".
    let host_given = wanted.split('/').count() > 1
        && wanted
            .split('/')
            .next()
            .is_some_and(|first| first.contains(['.', ':']) || first == "localhost");
    !host_given && path_and_tag(name).is_some_and(|a| Some(a) == path_and_tag(wanted))
}

fn is_bare_tag(text: &str) -> bool {
    !text.is_empty() && !text.contains(['/', ':', '@']) && crate::reference::is_valid_tag(text)
}

fn tag_of(name: &str) -> Option<String> {
    normalised(name)?.tag().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|n| n.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn exact_names_win_then_normalised_then_path_then_tag() {
        let podman = names(&[&["localhost/app:1"], &["localhost/other:1"]]);
        assert_eq!(choose(&podman, Some("localhost/app:1"), "X"), Ok(0));
        assert_eq!(choose(&podman, Some("localhost/other:1"), "X"), Ok(1));
        // podman's own short-name rule for local images
        assert_eq!(choose(&podman, Some("other:1"), "X"), Ok(1));
        // a bare tag matching two images is ambiguous, and says which
        let err = choose(&podman, Some("1"), "X").expect_err("ambiguous");
        assert!(
            err.contains("names 2 images") && err.contains("localhost/app:1"),
            "{err}"
        );

        let docker = names(&[
            &["v1", "docker.io/library/alpine:v1"],
            &["v2", "127.0.0.1:5000/team/app:v2"],
        ]);
        assert_eq!(choose(&docker, Some("v2"), "X"), Ok(1));
        assert_eq!(choose(&docker, Some("alpine:v1"), "X"), Ok(0));
        assert_eq!(
            choose(&docker, Some("127.0.0.1:5000/team/app:v2"), "X"),
            Ok(1)
        );
        // a registry given by the user must match
        assert!(choose(&docker, Some("ghcr.io/library/alpine:v1"), "X").is_err());
    }

    #[test]
    fn without_a_name_only_a_single_image_is_chosen() {
        assert_eq!(choose(&names(&[&[]]), None, "DIR:NAME"), Ok(0));
        let err = choose(&names(&[&["a:1"], &[]]), None, "FILE:REPO:TAG").expect_err("two");
        assert_eq!(
            err,
            "it holds 2 images (a:1, an unnamed image); choose one with FILE:REPO:TAG"
        );
        let err = choose(&names(&[&["a:1"]]), Some("b:2"), "X").expect_err("missing");
        assert_eq!(err, "no image in it is named \"b:2\" (it has: a:1)");
        let many: Vec<Vec<String>> = (0..25).map(|i| vec![format!("r:{i}")]).collect();
        assert!(choose(&many, None, "X")
            .expect_err("many")
            .contains("and 15 more"));
        let hostile = names(&[&["a\u{1b}]0;title\u{7}"], &["b"]]);
        assert!(!choose(&hostile, None, "X")
            .expect_err("two")
            .contains('\u{1b}'));
    }
}
