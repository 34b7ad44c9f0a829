//! skopeo, the independent client the tests check Portolan against: run it, read its
//! answer. Every test runs skopeo through here. A missing skopeo is a loud failure, never
//! a skip.

use std::process::{Command, Output};

use crate::require_program;

/// `skopeo ARGS`, whatever its outcome.
pub fn output(args: &[&str]) -> Output {
    Command::new(require_program("skopeo"))
        .args(args)
        .output()
        .expect("skopeo")
}

/// `skopeo ARGS`, which must succeed; its standard output.
pub fn run(args: &[&str]) -> String {
    let out = output(args);
    assert!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `skopeo ARGS`, which must succeed; its standard output as JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run(args)).expect("skopeo json")
}

/// The manifest a (plain-HTTP, loopback) registry holds under `reference`
/// (`host/repo:tag`), as skopeo reads it.
pub fn raw_manifest(reference: &str) -> serde_json::Value {
    json(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{reference}"),
    ])
}

/// The digest `image` (`docker://host/repo:tag`, `oci:DIR`, ...) resolves to, over plain
/// HTTP for a registry; `None` when skopeo finds no such image.
pub fn digest(image: &str) -> Option<String> {
    let out = output(&[
        "inspect",
        "--tls-verify=false",
        "--format",
        "{{.Digest}}",
        image,
    ]);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
