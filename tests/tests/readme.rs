//! The README's command-line examples run as written: every ```sh block after a
//! `<!-- readme-test … -->` marker is run by bash (`set -euo pipefail`, each command echoed)
//! against the demo registry, with `REG` set to its address and the built binaries on the
//! `PATH`, as the README tells a reader to set them up. A command the CLI no longer takes,
//! or one that fails, fails this test with the line that did.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use portolan_tests::demo::Demo;

const MARKER: &str = "<!-- readme-test";

/// The runnable blocks of the README, in order.
fn runnable_blocks(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = readme;
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

#[test]
fn the_readme_command_line_examples_run_as_written() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md");
    let blocks = runnable_blocks(&readme);
    assert!(blocks.len() >= 2, "the README's runnable blocks are marked");
    let demo = Demo::start(Path::new(env!("CARGO_BIN_EXE_portolan-demo-registry")));
    assert!(demo.host.starts_with("127.0.0.1:"), "{}", demo.host);
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
            .env("PATH", &path)
            .env("DOCKER_CONFIG", work.path().join("docker"))
            .env("XDG_CACHE_HOME", work.path().join("cache"))
            .env_remove("PORTOLAN_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("bash");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "README block {} stopped at its last command:\n{}",
            i + 1,
            stderr
                .lines()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // What the examples say they do, done.
    assert!(work.path().join("web/index.json").is_file());
    assert!(work.path().join("legacy.tar").is_file());
    let hello = std::fs::read(work.path().join("hello")).expect("cat --output saved hello");
    assert!(hello.starts_with(b"#!/bin/sh"));
}

#[test]
fn every_runnable_block_is_found() {
    let blocks = runnable_blocks("a\n<!-- readme-test -->\n```sh\necho 1\n```\nb\n<!-- readme-test x -->\n\n```sh\necho 2\n```\n");
    assert_eq!(blocks, ["echo 1\n", "echo 2\n"]);
}
