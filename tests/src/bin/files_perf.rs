//! `portolan-files-perf`: listing the files of big layers with `portolan-cli files`,
//! against the floor of fetching and inflating the same blob with standard tools in the
//! same run (`curl -s URL | tar -tz`, `curl -s URL | zstd -dc | tar -t`), run by
//! `bench/files.sh`. Also: a listing from the cache, the merged tree of a 10-layer image,
//! and the CLI's peak memory while listing against its idle size.
//!
//! Environment: `RUNS` (3), `FILES` (50000 files in the big layer), `FILE_KIB` (4, so about
//! 200 MB), `MERGED_FILES` (10000 paths in each of the merged image's 10 layers),
//! `PORTOLAN_CLI`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use portolan_tests::bench_stats::{env_number, median};
use portolan_tests::images::{noise, sha256, Blob, Pusher, TestImage};
use portolan_tests::peak_rss::measure_cli;
use portolan_tests::registry::{Auth, TestRegistry};

/// A tar of `files` files of `size` bytes each, spread over 100 folders, named from `seed`.
fn tar_of(seed: &str, files: usize, size: usize) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::with_capacity(files * (size + 1024)));
    let chunk = noise(seed, size.max(1) * 64);
    for i in 0..files {
        let mut header = tar::Header::new_gnu();
        let start = (i * 7919) % (chunk.len() - size.min(chunk.len()) + 1);
        let data = &chunk[start..start + size.min(chunk.len() - start)];
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        builder
            .append_data(
                &mut header,
                format!("srv/d{:03}/{seed}-{i:06}.bin", i % 100),
                data,
            )
            .expect("tar");
    }
    builder.into_inner().expect("tar")
}

fn gzip(tar: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(tar).expect("gzip");
    gz.finish().expect("gzip")
}

fn zstd(tar: &[u8]) -> Vec<u8> {
    let mut child = Command::new("zstd")
        .args(["-q", "-1", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("zstd (scripts/setup installs it)");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = tar.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).expect("feed zstd"));
    let out = child.wait_with_output().expect("zstd");
    writer.join().expect("writer");
    out.stdout
}

/// An image of these (compressed bytes, diff id, media type) layers.
fn image_of(layers: Vec<(Vec<u8>, String, &str)>) -> TestImage {
    let diff_ids: Vec<&String> = layers.iter().map(|(_, d, _)| d).collect();
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        }))
        .expect("json"),
    );
    let blobs: Vec<Blob> = layers
        .into_iter()
        .map(|(bytes, _, media_type)| Blob::new(media_type, bytes))
        .collect();
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config.descriptor(),
            "layers": blobs.iter().map(Blob::descriptor).collect::<Vec<_>>(),
        }))
        .expect("json"),
    );
    TestImage {
        config,
        layers: blobs,
        manifest,
        layer_history: vec![],
        empty_steps: vec![],
    }
}

/// Run a shell pipeline; its wall time.
fn shell(script: &str) -> Duration {
    let started = Instant::now();
    let status = Command::new("sh")
        .args(["-c", script])
        .stdout(Stdio::null())
        .status()
        .expect("sh");
    assert!(status.success(), "{script}");
    started.elapsed()
}

/// Run the CLI; its wall time and peak resident memory (kB, from /proc while it runs).
fn cli(home: &Path, args: &[&str]) -> (Duration, u64) {
    let run = measure_cli(home, args, &[]);
    assert!(
        run.succeeded(),
        "portolan-cli {args:?} failed: {}",
        run.stderr_text()
    );
    (run.elapsed, run.peak_bytes / 1024)
}

fn main() {
    let runs = env_number("RUNS", 3);
    let files = env_number("FILES", 50_000);
    let kib = env_number("FILE_KIB", 4);
    let merged_files = env_number("MERGED_FILES", 10_000);
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    eprintln!("building a layer of {files} files of {kib} KiB...");
    let big = tar_of("big", files, kib * 1024);
    let big_diff = sha256(&big);
    let big_gz = gzip(&big);
    let big_zst = zstd(&big);
    eprintln!(
        "tar {} MB, gzip {} MB, zstd {} MB",
        big.len() >> 20,
        big_gz.len() >> 20,
        big_zst.len() >> 20
    );
    let gz_image = image_of(vec![(
        big_gz.clone(),
        big_diff.clone(),
        "application/vnd.oci.image.layer.v1.tar+gzip",
    )]);
    let zst_image = image_of(vec![(
        big_zst.clone(),
        big_diff,
        "application/vnd.oci.image.layer.v1.tar+zstd",
    )]);
    pusher.push_image("perf/files", "gzip", &gz_image);
    pusher.push_image("perf/files", "zstd", &zst_image);
    // 10 layers of `MERGED_FILES` paths each.
    let layers: Vec<(Vec<u8>, String, &str)> = (0..10)
        .map(|l| {
            let tar = tar_of(&format!("m{l}"), merged_files, 64);
            let diff = sha256(&tar);
            (
                gzip(&tar),
                diff,
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        })
        .collect();
    pusher.push_image("perf/files", "merged", &image_of(layers));
    let base = registry.base_url();
    let blob_url = |d: &str| format!("{base}/v2/perf/files/blobs/{d}");
    let gz_url = blob_url(&gz_image.layers[0].digest);
    let zst_url = blob_url(&zst_image.layers[0].digest);

    let idle_home = tempfile::tempdir().expect("temp dir");
    let (_, idle) = cli(
        idle_home.path(),
        &["digest", &registry.reference("perf/files:gzip")],
    );
    let mut rows: Vec<[f64; 7]> = Vec::new();
    for run in 1..=runs {
        let home = tempfile::tempdir().expect("temp dir");
        let gz_floor = shell(&format!("curl -s {gz_url} | tar -tz"));
        let (gz_ours, gz_peak) = cli(
            home.path(),
            &["files", &registry.reference("perf/files:gzip"), "--json"],
        );
        let (cached, _) = cli(
            home.path(),
            &["files", &registry.reference("perf/files:gzip"), "--json"],
        );
        let zst_floor = shell(&format!("curl -s {zst_url} | zstd -dc | tar -t"));
        let (zst_ours, _) = cli(
            home.path(),
            &["files", &registry.reference("perf/files:zstd"), "--json"],
        );
        cli(
            home.path(),
            &["files", &registry.reference("perf/files:merged"), "--json"],
        );
        let (merged, _) = cli(
            home.path(),
            &[
                "files",
                &registry.reference("perf/files:merged"),
                "--merged",
                "--json",
            ],
        );
        eprintln!(
            "run {run}/{runs}: gzip {:.2} s (floor {:.2} s), zstd {:.2} s (floor {:.2} s), cached {:.0} ms, merged {:.0} ms, peak {} MB (idle {} MB)",
            gz_ours.as_secs_f64(), gz_floor.as_secs_f64(), zst_ours.as_secs_f64(), zst_floor.as_secs_f64(),
            cached.as_secs_f64() * 1000.0, merged.as_secs_f64() * 1000.0, gz_peak >> 10, idle >> 10
        );
        rows.push([
            gz_ours.as_secs_f64(),
            gz_floor.as_secs_f64(),
            zst_ours.as_secs_f64(),
            zst_floor.as_secs_f64(),
            cached.as_secs_f64(),
            merged.as_secs_f64(),
            (gz_peak.saturating_sub(idle)) as f64 / 1024.0,
        ]);
    }
    let m = |i: usize| median(rows.iter().map(|r| r[i]).collect());
    println!(
        "Medians of {runs} runs; a layer of {files} files, {} MB of tar ({} MB gzip, {} MB zstd).",
        big.len() >> 20,
        big_gz.len() >> 20,
        big_zst.len() >> 20
    );
    println!();
    println!("| measure | portolan-cli | floor | ratio | goal |");
    println!("|---|---|---|---|---|");
    let ratio = |a: f64, b: f64| a / b;
    println!(
        "| list the gzip layer (`files --json`) | {:.2} s | {:.2} s (`curl \\| tar -tz`) | {:.2} | ≤ 1.1 — {} |",
        m(0), m(1), ratio(m(0), m(1)), if ratio(m(0), m(1)) <= 1.1 { "met" } else { "**not met**" }
    );
    println!(
        "| list the zstd layer | {:.2} s | {:.2} s (`curl \\| zstd -dc \\| tar -t`) | {:.2} | ≤ 1.1 — {} |",
        m(2), m(3), ratio(m(2), m(3)), if ratio(m(2), m(3)) <= 1.1 { "met" } else { "**not met**" }
    );
    println!(
        "| the gzip layer again, from the cache (whole CLI run) | {:.0} ms | | | < 100 ms — {} |",
        m(4) * 1000.0,
        if m(4) < 0.1 { "met" } else { "**not met**" }
    );
    println!(
        "| merged tree of 10 layers, {} paths (cached listings, whole CLI run) | {:.0} ms | | | < 1 s — {} |",
        merged_files * 10, m(5) * 1000.0, if m(5) < 1.0 { "met" } else { "**not met**" }
    );
    println!(
        "| peak memory listing the gzip layer, above the CLI's idle | {:.0} MB | | | < 50 MB — {} |",
        m(6), if m(6) < 50.0 { "met" } else { "**not met**" }
    );
}
