//! The documentation holds: the command-line examples of README.md and docs/cli.md run as
//! written against the demo registry, every relative link in the Markdown files points at
//! a file (and a heading) that exists, and the module map in docs/architecture.md is the one
//! the modules' own doc comments give.
//!
//! An example block is every ```sh block after a `<!-- readme-test … -->` marker; it runs in
//! bash (`set -euo pipefail`, each command echoed) with `REG` set to the demo registry's
//! address, `TRUST` to its trust folder, and the built binaries on the `PATH`, as docs/cli.md tells a reader to set them
//! up. A command the CLI no longer takes, or one that fails, fails the test with the line
//! that did.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use portolan_tests::demo::Demo;

const MARKER: &str = "<!-- readme-test";
const MAP_START: &str = "<!-- module-map:start (generated: UPDATE_DOCS=1 cargo test -p portolan-tests --test docs) -->\n";
const MAP_END: &str = "<!-- module-map:end -->";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The runnable blocks of a Markdown text, in order.
fn runnable_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        rest = &rest[at..];
        let open = rest
            .find("```sh\n")
            .expect("a ```sh block after the marker")
            + 6;
        let close = rest[open..].find("```").expect("the block's end") + open;
        blocks.push(rest[open..close].to_owned());
        rest = &rest[close..];
    }
    blocks
}

fn bin_dir() -> PathBuf {
    portolan_tests::cli_binary()
        .parent()
        .expect("the binaries' folder")
        .to_path_buf()
}

/// Runs a document's blocks in order in one fresh folder; returns that folder.
fn run_blocks(document: &str, demo: &Demo) -> tempfile::TempDir {
    let blocks = runnable_blocks(&read(document));
    assert!(!blocks.is_empty(), "{document} has runnable blocks");
    let work = tempfile::tempdir().expect("tmp");
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (i, block) in blocks.iter().enumerate() {
        let script = format!("set -euo pipefail\nset -x\n{block}");
        let out = Command::new("bash")
            .args(["-c", &script])
            .current_dir(work.path())
            .env("REG", &demo.host)
            .env("TRUST", &demo.trust)
            .env("PATH", &path)
            .env("DOCKER_CONFIG", work.path().join("docker"))
            .env("XDG_CACHE_HOME", work.path().join("cache"))
            .env_remove("PORTOLAN_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
        assert!(
            out.status.success(),
            "{document} block {} stopped at its last command:\n{}",
            i + 1,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    work
}

#[test]
fn the_command_line_examples_run_as_written() {
    let demo = Demo::start(Path::new(env!("CARGO_BIN_EXE_portolan-demo-registry")));
    assert!(demo.host.starts_with("127.0.0.1:"), "{}", demo.host);

    let taste = run_blocks("README.md", &demo);
    assert!(taste.path().join("web/index.json").is_file());

    let reference = run_blocks("docs/cli.md", &demo);
    // What the examples say they do, done.
    assert!(reference.path().join("web/index.json").is_file());
    assert!(reference.path().join("legacy.tar").is_file());
    let hello = std::fs::read(reference.path().join("hello")).expect("cat --output saved hello");
    assert!(hello.starts_with(b"#!/bin/sh"));
}

#[test]
fn every_runnable_block_is_found() {
    let blocks = runnable_blocks("a\n<!-- readme-test -->\n```sh\necho 1\n```\nb\n<!-- readme-test x -->\n\n```sh\necho 2\n```\n");
    assert_eq!(blocks, ["echo 1\n", "echo 2\n"]);
}

/// The Markdown files a reader of the repository meets.
fn documents() -> Vec<String> {
    let mut docs = vec!["README.md".to_owned(), "CONTRIBUTING.md".to_owned()];
    let mut in_docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    in_docs.sort();
    docs.extend(in_docs);
    docs
}

/// The targets of inline Markdown links and images: `[text](target)`.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            out.push(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn every_relative_link_in_the_documentation_resolves() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text = read(&doc);
        let base = root().join(&doc);
        let folder = base.parent().expect("a folder");
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let path = if file.is_empty() {
                base.clone()
            } else {
                folder.join(file)
            };
            if !path.exists() {
                broken.push(format!("{doc}: {target} (no such file)"));
                continue;
            }
            if let Some(fragment) = fragment {
                let linked = std::fs::read_to_string(&path).unwrap_or_default();
                if !anchors(&linked).iter().any(|a| a == fragment) {
                    broken.push(format!("{doc}: {target} (no such heading)"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(
        read("README.md").len() <= 8 * 1024,
        "README.md fits a screen or two: at most 8 KB (move detail into docs/)"
    );
}

/// The first sentence of a module's `//!` doc comment.
fn module_summary(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let doc: Vec<&str> = text
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = doc.join(" ");
    match joined.find(". ") {
        Some(end) => joined[..=end].trim().to_owned(),
        None => joined.trim().to_owned(),
    }
}

/// One crate's top-level modules, each with its summary: files and folders under `src`.
fn crate_map(src: &str) -> String {
    let dir = root().join(src);
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if path.is_dir() {
                let own = [dir.join(format!("{name}.rs")), path.join("mod.rs")];
                if dir.join(format!("{name}.rs")).exists() {
                    return None; // described by NAME.rs
                }
                let described = own.into_iter().find(|p| p.exists())?;
                Some((format!("{name}/"), described))
            } else if name.ends_with(".rs") {
                let stem = name.trim_end_matches(".rs");
                let shown = if path.with_extension("").is_dir() {
                    format!("{stem}/")
                } else {
                    name.clone()
                };
                Some((shown, path))
            } else {
                None
            }
        })
        .collect();
    entries.sort();
    let mut out = format!("`{src}/`\n\n| module | what it is for |\n|---|---|\n");
    for (name, path) in entries {
        let summary = module_summary(&path).replace('|', "\\|");
        out.push_str(&format!("| `{name}` | {summary} |\n"));
    }
    out
}

fn module_map() -> String {
    let crates = [
        "crates/portolan/src",
        "crates/portolan-ops/src",
        "crates/portolan-cli/src",
        "src-tauri/src",
        "tests/src",
    ];
    crates
        .iter()
        .map(|c| crate_map(c))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_architecture_module_map_is_the_modules_own() {
    let path = root().join("docs/architecture.md");
    let text = std::fs::read_to_string(&path).expect("docs/architecture.md");
    let start = text.find(MAP_START).expect("the module map's start marker") + MAP_START.len();
    let end = text[start..]
        .find(MAP_END)
        .expect("the module map's end marker")
        + start;
    let want = module_map();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &text[..start], want, &text[end..]);
        std::fs::write(&path, updated).expect("write docs/architecture.md");
        return;
    }
    assert!(
        text[start..end] == want,
        "docs/architecture.md's module map is stale: run `UPDATE_DOCS=1 cargo test -p portolan-tests --test docs`"
    );
    let undocumented: Vec<&str> = want.lines().filter(|l| l.ends_with("|  |")).collect();
    assert!(
        undocumented.is_empty(),
        "modules without a `//!` doc comment saying why they exist:\n{}",
        undocumented.join("\n")
    );
}
