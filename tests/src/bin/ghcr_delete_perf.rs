//! `portolan-ghcr-delete-perf`: deleting many ghcr.io versions, `portolan-cli cleanup PKG
//! --delete-untagged --yes --json` (the plan, then the deletes 4 at a time) against a shell
//! loop of `portolan-cli version-delete PKG ID`, one process per version as a user would
//! script it, run by `bench/ghcr_delete.sh`. Goal: the clean-up at most 0.5× the loop.
//!
//! Against the tests' own ghcr.io (`github_packages`), its Packages API answering each
//! request after `LATENCY_MS` (GitHub answers a delete in tens of milliseconds; on loopback
//! the double answers in microseconds and sending requests at once could not show). Each
//! side of each run deletes `VERSIONS` untagged versions pushed for it alone (a delete
//! consumes them), and afterwards every one must be gone: listed by the API as deleted,
//! no longer listed as active, and its manifest no longer served by the registry.
//!
//! Environment: `RUNS` (3), `VERSIONS` (500), `LATENCY_MS` (40), `PORTOLAN_CLI`.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use portolan_tests::bench_stats::{env_number, median};
use portolan_tests::cli;
use portolan_tests::github_packages::GhcrLike;
use portolan_tests::images::{Blob, Pusher};
use serde_json::{json, Value};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Push `count` untagged image manifests unique to `batch`; their digests.
fn seed(ghcr: &GhcrLike, batch: &str, count: usize) -> Vec<String> {
    let pusher = Pusher::new(&ghcr.registry);
    let empty = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    pusher.push_blob("octo/app", &empty);
    (0..count)
        .map(|n| {
            let body = json!({
                "schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": empty.descriptor(), "layers": [empty.descriptor()],
                "annotations": {"n": format!("{batch}-{n}")},
            });
            let m = Blob::new(OCI_MANIFEST, serde_json::to_vec(&body).expect("json"));
            pusher.push_manifest("octo/app", &m.digest, &m);
            m.digest
        })
        .collect()
}

/// The ids the API gives `digests`, checking it lists exactly those as active.
fn ids_of(ghcr: &GhcrLike, digests: &[String]) -> Vec<u64> {
    let active = ghcr.versions();
    assert_eq!(
        active.len(),
        digests.len(),
        "only the versions just pushed are active"
    );
    digests
        .iter()
        .map(|d| {
            active
                .iter()
                .find(|v| v["name"] == d.as_str())
                .and_then(|v| v["id"].as_u64())
                .expect("a version per pushed digest")
        })
        .collect()
}

/// Every one of `ids` (`digests`) is deleted: listed as such, not active, not served.
fn assert_gone(ghcr: &GhcrLike, what: &str, ids: &[u64], digests: &[String]) {
    let deleted = ghcr.deletes();
    let missing = ids.iter().filter(|id| !deleted.contains(id)).count();
    assert_eq!(
        missing, 0,
        "{what}: {missing} versions not deleted by the API"
    );
    assert!(
        ghcr.versions().is_empty(),
        "{what}: versions still active: {:?}",
        ghcr.versions()
    );
    let served = digests.iter().filter(|d| ghcr.serves(d)).count();
    assert_eq!(
        served, 0,
        "{what}: the registry still serves {served} deleted manifests"
    );
}

/// The API requests `ghcr` has had so far, by method and path without the version id
/// (`DELETE /user/packages/container/app/versions/ID` counted as one kind).
fn api_requests(ghcr: &GhcrLike) -> Vec<String> {
    ghcr.api
        .requests()
        .iter()
        .map(|r| {
            let path = r.path();
            let path = match path.rsplit_once('/') {
                Some((head, id)) if id.parse::<u64>().is_ok() => format!("{head}/ID"),
                _ => path.to_owned(),
            };
            format!("{} {path}", r.method)
        })
        .collect()
}

/// `requests` counted by kind, most first (`3× GET /user, ...`).
fn tally(requests: &[String]) -> String {
    let mut counts: Vec<(usize, &String)> = Vec::new();
    for r in requests {
        match counts.iter_mut().find(|(_, k)| *k == r) {
            Some((n, _)) => *n += 1,
            None => counts.push((1, r)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    counts
        .iter()
        .map(|(n, k)| format!("{n}× {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Wall time of `cleanup PKG --delete-untagged --yes --json`, all of it deleted.
fn clean_up(ghcr: &GhcrLike, home: &Path, count: usize) -> Duration {
    let started = Instant::now();
    let out = cli::in_home(home)
        .env("PORTOLAN_GITHUB_API", ghcr.api_url())
        .env("PORTOLAN_GITHUB_REGISTRY", &ghcr.front.host)
        .command(&[
            "cleanup",
            &ghcr.package(),
            "--delete-untagged",
            "--yes",
            "--json",
        ])
        .output()
        .expect("portolan-cli");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "cleanup failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("summary");
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(count as u64), Some(0)),
        "every version deleted: {summary}"
    );
    took
}

/// Wall time of a loop of `version-delete PKG ID`, one process per version.
fn delete_loop(ghcr: &GhcrLike, home: &Path, ids: &[u64]) -> Duration {
    let package = ghcr.package();
    let started = Instant::now();
    for id in ids {
        let out = cli::in_home(home)
            .env("PORTOLAN_GITHUB_API", ghcr.api_url())
            .env("PORTOLAN_GITHUB_REGISTRY", &ghcr.front.host)
            .command(&["version-delete", &package, &id.to_string()])
            .output()
            .expect("portolan-cli");
        assert!(
            out.status.success(),
            "version-delete {id} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    started.elapsed()
}

fn main() {
    let runs = env_number("RUNS", 3);
    let versions = env_number("VERSIONS", 500);
    let latency = Duration::from_millis(env_number("LATENCY_MS", 40) as u64);
    let ghcr = GhcrLike::start_with_latency(latency);
    let home = tempfile::tempdir().expect("home");
    let auth = base64::engine::general_purpose::STANDARD.encode("octo:ghp_classictoken");
    std::fs::write(
        home.path().join("config.json"),
        json!({"auths": {ghcr.front.host.clone(): {"auth": auth}}}).to_string(),
    )
    .expect("config.json");
    let secs = |d: &Duration| d.as_secs_f64();
    let (mut cleanups, mut loops) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let digests = seed(&ghcr, &format!("{run}-cleanup"), versions);
        let ids = ids_of(&ghcr, &digests);
        let before = api_requests(&ghcr).len();
        let a = clean_up(&ghcr, home.path(), versions);
        let a_requests = api_requests(&ghcr).split_off(before);
        assert_gone(&ghcr, "cleanup", &ids, &digests);

        let digests = seed(&ghcr, &format!("{run}-loop"), versions);
        let ids = ids_of(&ghcr, &digests);
        let before = api_requests(&ghcr).len();
        let b = delete_loop(&ghcr, home.path(), &ids);
        let b_requests = api_requests(&ghcr).split_off(before);
        assert_gone(&ghcr, "version-delete loop", &ids, &digests);

        eprintln!(
            "run {run}/{runs}: delete {versions}: cleanup {:.2} s, version-delete loop {:.2} s ({:.2})",
            secs(&a),
            secs(&b),
            secs(&a) / secs(&b)
        );
        eprintln!("  cleanup's API requests: {}", tally(&a_requests));
        eprintln!("  the loop's API requests: {}", tally(&b_requests));
        cleanups.push(secs(&a));
        loops.push(secs(&b));
    }
    let (a, b) = (median(cleanups), median(loops));
    println!(
        "Medians of {runs} runs; the Packages API answers each request after {} ms.",
        latency.as_millis()
    );
    println!();
    println!("| measure | cleanup --delete-untagged --yes | loop of version-delete | cleanup / loop | goal |");
    println!("|---|---|---|---|---|");
    println!(
        "| delete {versions} untagged ghcr.io versions | {a:.2} s | {b:.2} s | {:.2} | ≤ 0.5 — {} |",
        a / b,
        if a / b <= 0.5 { "met" } else { "**not met**" }
    );
    let l = latency.as_secs_f64();
    println!();
    println!(
        "Floors, the deletes alone at {} ms each: 4 at a time {:.2} s, one by one {:.2} s.",
        latency.as_millis(),
        versions.div_ceil(4) as f64 * l,
        versions as f64 * l
    );
}
