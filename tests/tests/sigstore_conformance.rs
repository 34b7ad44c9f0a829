//! The Sigstore conformance suite's `bundle-verify` cases (tests/fixtures/sigstore), run
//! through our `sigstore-conformance` client the way the suite's own harness runs a client:
//! every case twice, once with the artifact's path and once with its `sha256:` digest.
//! A case whose name ends in `_fail` must be rejected; every other must verify.

use std::path::{Path, PathBuf};
use std::process::Command;

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sigstore/conformance")
}

fn args_for(case: &Path, by_digest: bool) -> Vec<String> {
    let mut args = vec!["verify-bundle".to_string(), "--bundle".into()];
    args.push(case.join("bundle.sigstore.json").display().to_string());
    let key = case.join("key.pub");
    if key.exists() {
        args.extend(["--key".into(), key.display().to_string()]);
    } else {
        let read = |name: &str, default: &str| {
            std::fs::read_to_string(case.join(name))
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| default.to_string())
        };
        args.extend([
            "--certificate-identity".into(),
            read("identity", IDENTITY),
            "--certificate-oidc-issuer".into(),
            read("issuer", ISSUER),
        ]);
    }
    let root = case.join("trusted_root.json");
    if root.exists() {
        args.extend(["--trusted-root".into(), root.display().to_string()]);
    }
    let artifact = if case.join("artifact").exists() {
        case.join("artifact")
    } else {
        cases().join("a.txt")
    };
    if by_digest {
        let bytes = std::fs::read(&artifact).expect("artifact");
        args.push(portolan_tests::images::sha256(&bytes));
    } else {
        args.push(artifact.display().to_string());
    }
    args
}

#[test]
fn every_conformance_case_verifies_or_fails_as_the_suite_says() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(cases())
        .expect("the conformance cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("bundle.sigstore.json").exists())
        .collect();
    names.sort();
    assert_eq!(names.len(), 55, "the fixture holds 55 cases");
    let mut wrong = Vec::new();
    let mut runs = 0;
    for case in &names {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let must_fail = name.ends_with("_fail");
        for by_digest in [false, true] {
            runs += 1;
            let out = Command::new(env!("CARGO_BIN_EXE_sigstore-conformance"))
                .args(args_for(case, by_digest))
                .output()
                .expect("run sigstore-conformance");
            let verified = out.status.success();
            if verified == must_fail {
                wrong.push(format!(
                    "{name} (by {}): {} — {}{}",
                    if by_digest { "digest" } else { "file" },
                    if verified {
                        "verified, must fail"
                    } else {
                        "rejected, must verify"
                    },
                    String::from_utf8_lossy(&out.stdout).trim(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
    }
    println!(
        "{} of {runs} conformance runs as expected",
        runs - wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of {runs} runs wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
