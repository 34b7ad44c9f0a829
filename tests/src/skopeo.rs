//! skopeo, the independent client the tests check Portolan against: run it, read its JSON.
//! A missing skopeo is a loud failure, never a skip.

use std::process::Command;

use crate::require_program;

/// `skopeo ARGS`, which must succeed; its standard output as JSON.
pub fn json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(require_program("skopeo"))
        .args(args)
        .output()
        .expect("skopeo");
    assert!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("skopeo json")
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
