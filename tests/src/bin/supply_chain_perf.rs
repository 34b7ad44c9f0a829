//! `portolan-supply-chain-perf`: what checking an image's supply chain costs, run by
//! `bench/supply_chain.sh`. Goals (issue 25): one bundle verified in < 50 ms; an SBOM of
//! 5,000 packages parsed in < 300 ms (parsing is the part of "parsed and shown" the
//! backend owns; the window's part is measured by the app tests).
//!
//! Measures, with medians over `RUNS` (each verification repeated `REPEAT` times):
//! - loading the shipped trusted roots (Sigstore public-good and GitHub), once per process;
//! - verifying each passing case of the Sigstore conformance suite (real public-good and
//!   Rekor v2 material), through the same code the app and the CLI use, with the roots
//!   already loaded;
//! - parsing a generated 5,000-package CycloneDX and SPDX document.
//!
//! Environment: `RUNS` (5), `REPEAT` (20), `PACKAGES` (5000).

use std::path::{Path, PathBuf};
use std::time::Instant;

use portolan::supply_chain::policy::{IdentityRule, TrustPolicy, TrustedKey};
use portolan::supply_chain::trust::TrustRoots;
use portolan::supply_chain::verify::{self, Signed};
use portolan::supply_chain::{sbom, Verdict};
use portolan_tests::bench_stats::{env_number, median};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sigstore/conformance")
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let runs = env_number("RUNS", 5);
    let repeat = env_number("REPEAT", 20);
    let packages = env_number("PACKAGES", 5000);

    let load: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            TrustRoots::shipped().expect("the shipped roots");
            ms(t)
        })
        .collect();
    println!(
        "load the shipped trusted roots: {:.1} ms (median of {runs})",
        median(load)
    );

    let shipped = TrustRoots::shipped().expect("the shipped roots");
    let artifact = std::fs::read(cases().join("a.txt")).expect("a.txt");
    let mut all = Vec::new();
    for name in [
        "happy-path-v0.1",
        "happy-path-v0.3",
        "happy-path-intoto-in-dsse-v3",
        "managed-key-happy-path",
        "rekor2-happy-path",
        "rekor2-dsse-happy-path",
    ] {
        let case = cases().join(name);
        let bundle = std::fs::read(case.join("bundle.sigstore.json")).expect("bundle");
        let own_root = case.join("trusted_root.json");
        let roots = own_root
            .exists()
            .then(|| TrustRoots::from_file(&own_root).expect("the case's root"));
        let roots = roots.as_ref().unwrap_or(&shipped);
        let mut policy = TrustPolicy::default();
        let key = case.join("key.pub");
        if key.exists() {
            policy.keys.push(TrustedKey::load(&key).expect("key"));
        } else {
            policy.identity = Some(IdentityRule::Exact(IDENTITY.into()));
            policy.issuer = Some(ISSUER.into());
        }
        let times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..repeat {
                    let v =
                        verify::bundle(&bundle, Signed::Bytes(&artifact), roots, &policy).verdict;
                    assert!(matches!(v, Verdict::Verified { .. }), "{name}: {v:?}");
                }
                ms(t) / repeat as f64
            })
            .collect();
        let m = median(times);
        all.push(m);
        println!("verify {name:<32} {m:>7.2} ms per bundle (goal < 50 ms)");
    }
    let worst = all.iter().copied().fold(0.0, f64::max);
    println!("verify: slowest case {worst:.2} ms per bundle (goal < 50 ms)");

    for (label, doc) in [
        (
            "CycloneDX",
            portolan_tests::supply_chain_seed::large_cyclonedx(packages),
        ),
        (
            "SPDX",
            portolan_tests::supply_chain_seed::large_spdx(packages),
        ),
    ] {
        let times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let parsed = sbom::parse(&doc).expect("parses");
                assert_eq!(parsed.packages.len(), packages);
                ms(t)
            })
            .collect();
        println!(
            "parse a {packages}-package {label} SBOM ({} KiB): {:.1} ms (goal < 300 ms)",
            doc.len() / 1024,
            median(times)
        );
    }
}
