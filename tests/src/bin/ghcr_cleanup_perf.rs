//! `portolan-ghcr-cleanup-perf`: the plan of a version clean-up over a ghcr.io package with
//! many versions (`portolan-cli cleanup PKG --delete-untagged --keep-newest 10 --dry-run
//! --json`), against the tests' own ghcr.io (`github_packages`: a real registry and a
//! GitHub Packages API backed by it), run by `bench/ghcr_cleanup.sh`. Goal: under 2 s for
//! 5,000 versions.
//!
//! The package: every 50th version is a tagged index of the two untagged platform images
//! pushed just before it; the rest are untagged leftovers. The plan must keep every index's
//! platform images and delete the leftovers beyond the newest 10 (checked on every run).
//!
//! Environment: `RUNS` (3), `VERSIONS` (5000), `PORTOLAN_CLI`.

use std::time::Instant;

use base64::Engine;
use portolan_tests::bench_stats::{env_number, median};
use portolan_tests::cli;
use portolan_tests::github_packages::GhcrLike;
use portolan_tests::images::{Blob, Pusher};
use serde_json::{json, Value};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A tiny image manifest unique by `n`, for `arch`.
fn manifest(empty: &Blob, n: usize) -> Blob {
    let body = json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": empty.descriptor(), "layers": [empty.descriptor()],
        "annotations": {"n": n.to_string()},
    });
    Blob::new(OCI_MANIFEST, serde_json::to_vec(&body).expect("json"))
}

/// Push `versions` versions; how many the plan must keep and delete.
fn seed(ghcr: &GhcrLike, versions: usize) -> (usize, usize) {
    let pusher = Pusher::new(&ghcr.registry);
    let empty = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    pusher.push_blob("octo/app", &empty);
    // Whether each version, in push order, is an index or one of its images.
    let mut grouped = Vec::with_capacity(versions);
    let mut n = 0;
    while n < versions {
        if n % 50 == 47 && n + 3 <= versions {
            let (a, b) = (manifest(&empty, n), manifest(&empty, n + 1));
            for m in [&a, &b] {
                pusher.push_manifest("octo/app", &m.digest, m);
            }
            let platform = |arch: &str, m: &Blob| {
                let mut d = m.descriptor();
                d["platform"] = json!({"os": "linux", "architecture": arch});
                d
            };
            let index = json!({
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": [platform("amd64", &a), platform("arm64", &b)],
            });
            let index = Blob::new(
                "application/vnd.oci.image.index.v1+json",
                serde_json::to_vec(&index).expect("json"),
            );
            pusher.push_manifest("octo/app", &format!("v{n}"), &index);
            grouped.extend([true; 3]);
            n += 3;
        } else {
            let m = manifest(&empty, n);
            pusher.push_manifest("octo/app", &m.digest, &m);
            grouped.push(false);
            n += 1;
        }
    }
    // Kept: the indexes and their images, and the newest 10 (the last pushed).
    let kept = grouped
        .iter()
        .enumerate()
        .filter(|(i, g)| **g || *i + 10 >= versions)
        .count();
    (kept, versions - kept)
}

fn main() {
    let runs = env_number("RUNS", 3);
    let versions = env_number("VERSIONS", 5000);
    let ghcr = GhcrLike::start();
    let started = Instant::now();
    let (kept, deleted) = seed(&ghcr, versions);
    eprintln!(
        "seeded {versions} versions in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let home = tempfile::tempdir().expect("home");
    let auth = base64::engine::general_purpose::STANDARD.encode("octo:ghp_classictoken");
    std::fs::write(
        home.path().join("config.json"),
        json!({"auths": {ghcr.front.host.clone(): {"auth": auth}}}).to_string(),
    )
    .expect("config.json");
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let package = ghcr.package();
        let out = cli::in_home(home.path())
            .env("PORTOLAN_GITHUB_API", ghcr.api_url())
            .env("PORTOLAN_GITHUB_REGISTRY", &ghcr.front.host)
            .command(&[
                "cleanup",
                &package,
                "--delete-untagged",
                "--keep-newest",
                "10",
                "--dry-run",
                "--json",
            ])
            .output()
            .expect("portolan-cli");
        times.push(started.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "cleanup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let plan: Value = serde_json::from_slice(&out.stdout).expect("plan");
        assert_eq!(
            (plan["kept"].as_u64(), plan["deleted"].as_u64()),
            (Some(kept as u64), Some(deleted as u64)),
            "every index's platform images kept, the leftovers past the newest 10 deleted"
        );
    }
    println!(
        "version clean-up plan over {versions} versions ({deleted} to delete): {:.2} s median of {runs} (goal < 2 s)",
        median(times)
    );
}
