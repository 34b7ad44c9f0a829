//! `portolan-app-perf`: measures the desktop app as a user feels it, printed as a table.
//!
//! Cold start to the first interactive view, a 10,000-tag repository listed and
//! scrollable, resident memory of all the app's processes (the Rust process and WebKit's
//! web and network processes) while browsing, and the release binary's size. Run by
//! `bench/app.sh` under Xvfb with a private D-Bus session and keyring.

use std::time::{Duration, Instant};

use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Driver;
use portolan_tests::{app_binary, seed};
use serde_json::json;

/// Resident memory of the app's processes in KiB: (RSS total, PSS total, per process
/// (name, RSS, PSS)). RSS counts shared libraries (WebKit's are large) once per process;
/// PSS splits shared pages between the processes that share them, so PSS adds up.
fn memory_of_app_processes() -> (u64, u64, Vec<(String, u64, u64)>) {
    let (mut total, mut total_pss) = (0, 0);
    let mut parts = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        let name = status
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("Name:")
            .trim()
            .to_owned();
        if !(name == "portolan"
            || name.starts_with("WebKitWebProces")
            || name.starts_with("WebKitNetworkPr"))
        {
            continue;
        }
        let kb: u64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let pss: u64 = std::fs::read_to_string(entry.path().join("smaps_rollup"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        total += kb;
        total_pss += pss;
        parts.push((name, kb, pss));
    }
    (total, total_pss, parts)
}

fn main() {
    let tags: usize = std::env::var("TAGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let registry = TestRegistry::start(Auth::None);
    eprintln!("seeding {tags} tags...");
    seed::many_tags(&registry, "big/tags", tags);
    let home = tempfile::tempdir().expect("tmp");
    // The registry is handed to the app the way scripts/demo hands it the demo registry.
    let driver = Driver::start(&[
        ("XDG_DATA_HOME", home.path()),
        ("XDG_CONFIG_HOME", home.path()),
        (
            "PORTOLAN_DEMO_REGISTRY",
            std::path::Path::new(&registry.host),
        ),
    ]);
    let started = Instant::now();
    let s = driver.open(&app_binary());
    s.wait("[data-repo='big/tags']", 30);
    let cold_start = started.elapsed();
    let opened = Instant::now();
    s.click(&s.wait("[data-repo='big/tags']", 5));
    s.wait_text("[data-testid=tag-count]", 30, |t| {
        t.starts_with(&format!("{tags} of {tags}"))
    });
    let listed = opened.elapsed();
    // Scroll to the end and see the last tag rendered.
    let scrolled = Instant::now();
    s.script(
        "const v = document.querySelector('[role=listbox]'); v.scrollTop = v.scrollHeight;",
        json!([]),
    );
    s.wait(&format!("[data-tag='t{:04}']", tags - 1), 10);
    let scroll = scrolled.elapsed();
    std::thread::sleep(Duration::from_secs(2)); // let lazy row details settle
    let (rss, pss, parts) = memory_of_app_processes();
    let size = std::fs::metadata(std::env::var("RELEASE_BINARY").unwrap_or_default())
        .map(|m| m.len())
        .unwrap_or(0);
    println!("| measure | value | target |");
    println!("|---|---|---|");
    println!(
        "| cold start to the repository list | {:.0} ms | < 1000 ms |",
        cold_start.as_secs_f64() * 1000.0
    );
    println!(
        "| {tags}-tag repository listed | {:.0} ms | < 1000 ms |",
        listed.as_secs_f64() * 1000.0
    );
    println!(
        "| scroll to its last tag | {:.0} ms | |",
        scroll.as_secs_f64() * 1000.0
    );
    println!(
        "| memory of all app processes, PSS (shared pages split) | {:.0} MB | < 200 MB |",
        pss as f64 / 1024.0
    );
    println!("| memory of all app processes, RSS summed (shared libraries counted per process) | {:.0} MB | |", rss as f64 / 1024.0);
    for (name, kb, p) in parts {
        println!(
            "| &nbsp;&nbsp;{name}: RSS / PSS | {:.0} / {:.0} MB | |",
            kb as f64 / 1024.0,
            p as f64 / 1024.0
        );
    }
    if size > 0 {
        println!(
            "| release binary | {:.1} MB | < 20 MB |",
            size as f64 / 1_048_576.0
        );
    }
}
