//! `portolan-app-perf`: measures the desktop app as a user feels it, printed as a table.
//!
//! Cold start to the first interactive view, a 10,000-tag repository listed and
//! scrollable, then grouped by digest (one image), memory (PSS) of all the app's processes (the Rust process and WebKit's web
//! and network processes), and the release binary's size. Memory is judged against a blank
//! Tauri 2 window (`bench/blank-window`: same Tauri, WebKitGTK, window size and flags, an
//! empty page) measured in the same run, as built and with the WebKit environment Portolan
//! sets for itself (the smaller counts): the goal is Portolan with 10,000 tags listed at no
//! more than 1.15 times the blank window's PSS. Every measure is taken `RUNS` times (the
//! apps take turns) and the table shows medians.
//!
//! Environment: `TAGS` (10000), `RUNS` (5), `PORTOLAN_APP` (the app), `BLANK_APP` (the
//! blank window), `RELEASE_BINARY` (its size is reported), `LEVERS=1` to also measure
//! Portolan with each WebKit memory lever switched (see docs/performance.md),
//! `SMAPS_DIR` to keep each measured process's `smaps`.
//! Run by `bench/app.sh` under Xvfb with a private D-Bus session and keyring.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use portolan_tests::bench_stats::median;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Driver;
use portolan_tests::{app_binary, seed};
use serde_json::json;

/// How long an app is left alone before its memory is read (lazy work, GC, settling).
const SETTLE: Duration = Duration::from_secs(2);

/// Memory of one app's processes in KiB.
#[derive(Clone, Default)]
struct Memory {
    /// RSS summed: counts shared libraries (WebKit's are large) once per process.
    rss: u64,
    /// PSS summed: shared pages split between the processes that share them, so it adds up.
    pss: u64,
    /// PSS of the app's own process, the web processes and the network processes.
    app_pss: u64,
    web_pss: u64,
    network_pss: u64,
    processes: usize,
    /// Each process counted: "name pid (parent pid): PSS MB", for the log.
    parts: Vec<String>,
}

/// The name the kernel gives a process running `binary` (at most 15 bytes).
fn process_name(binary: &Path) -> String {
    let name = binary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.chars().take(15).collect()
}

fn kib_field(text: &str, field: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Memory of the app's processes: the app itself (by its process name) and WebKit's web
/// and network processes, among this tool's descendants only (the app is started by
/// WebKitWebDriver, started by tauri-driver, started here), so that other copies of the
/// app or of WebKit running on the machine are not counted.
fn memory_of_app_processes(app_name: &str) -> Memory {
    let mut procs = Vec::new();
    let mut parent = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u64>() else {
            continue;
        };
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        parent.insert(pid, kib_field(&status, "PPid:"));
        procs.push((pid, entry.path(), status));
    }
    let me = u64::from(std::process::id());
    let descends_from_me = |mut pid: u64| {
        for _ in 0..64 {
            match parent.get(&pid) {
                Some(&p) if p == me => return true,
                Some(&p) if p > 1 => pid = p,
                _ => return false,
            }
        }
        false
    };
    let mut m = Memory::default();
    for (pid, path, status) in procs {
        let name = status
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("Name:")
            .trim()
            .to_owned();
        let kind = if name == app_name {
            &mut m.app_pss
        } else if name.starts_with("WebKitWebProces") {
            &mut m.web_pss
        } else if name.starts_with("WebKitNetworkPr") {
            &mut m.network_pss
        } else {
            continue;
        };
        if !descends_from_me(pid) {
            continue;
        }
        keep_smaps(&path, &name, pid);
        let rollup = std::fs::read_to_string(path.join("smaps_rollup")).unwrap_or_default();
        let pss = kib_field(&rollup, "Pss:");
        *kind += pss;
        m.rss += kib_field(&status, "VmRSS:");
        m.pss += pss;
        m.processes += 1;
        m.parts.push(format!("{name} {pid}: {:.0} MB", mb(pss)));
    }
    m
}

/// With `SMAPS_DIR` set, keep a copy of each measured process's `smaps` there (numbered in
/// the order measured), to see which mappings a difference comes from.
fn keep_smaps(proc_dir: &Path, name: &str, pid: u64) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static MEASURED: AtomicUsize = AtomicUsize::new(0);
    if let Some(dir) = std::env::var_os("SMAPS_DIR") {
        let n = MEASURED.fetch_add(1, Ordering::Relaxed);
        let to = Path::new(&dir).join(format!("{n:03}-{name}-{pid}"));
        if let Err(e) = std::fs::copy(proc_dir.join("smaps"), &to) {
            eprintln!("warning: could not keep {}: {e}", to.display());
        }
    }
}

/// Wait until no process of the last app is left, so the next measure sees only its own.
fn wait_for_exit(app_name: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if memory_of_app_processes(app_name).processes == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("warning: processes of {app_name} or WebKit are still running");
}

/// One Portolan session's measures.
#[derive(Clone)]
struct AppRun {
    cold_start: Duration,
    listed: Duration,
    scroll: Duration,
    /// From the click on "Group by digest" to one row for the repository's one image.
    grouped: Duration,
    idle: Memory,
    tags: Memory,
}

fn measure_blank(blank: &Path, env: &[(&str, &str)]) -> Memory {
    let vars: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, Path::new(*v))).collect();
    let driver = Driver::start(&vars);
    let s = driver.open(blank);
    s.wait("body[data-testid=blank]", 30);
    std::thread::sleep(SETTLE);
    let m = memory_of_app_processes(&process_name(blank));
    drop(s);
    drop(driver);
    wait_for_exit(&process_name(blank));
    m
}

fn measure_app(app: &Path, registry: &str, tags: usize, env: &[(&str, &str)]) -> AppRun {
    let home = tempfile::tempdir().expect("tmp");
    // The registry is handed to the app the way scripts/demo hands it the demo registry.
    let mut vars: Vec<(&str, &Path)> = vec![
        ("XDG_DATA_HOME", home.path()),
        ("XDG_CONFIG_HOME", home.path()),
        ("PORTOLAN_DEMO_REGISTRY", Path::new(registry)),
    ];
    vars.extend(env.iter().map(|(k, v)| (*k, Path::new(*v))));
    let driver = Driver::start(&vars);
    let name = process_name(app);
    let started = Instant::now();
    let s = driver.open(app);
    s.wait("[data-repo='big/tags']", 30);
    let cold_start = started.elapsed();
    std::thread::sleep(SETTLE);
    let idle = memory_of_app_processes(&name);
    let opened = Instant::now();
    s.click(&s.wait("[data-repo='big/tags']", 5));
    s.wait_text("[data-testid=tag-count]", 30, |t| {
        t.starts_with(&format!("{tags} of {tags}"))
    });
    let listed = opened.elapsed();
    // Scroll to the end and see the last tag rendered.
    let scrolled = Instant::now();
    s.script(
        "const v = document.querySelector('[role=grid][aria-label=Tags]'); v.scrollTop = v.scrollHeight;",
        json!([]),
    );
    s.wait(&format!("[data-tag='t{:04}']", tags - 1), 10);
    let scroll = scrolled.elapsed();
    std::thread::sleep(SETTLE); // let lazy row details settle
    let with_tags = memory_of_app_processes(&name);
    // Every tag is on one image: grouped, one row (after the memory is read, so that it
    // is the list's alone).
    let grouping = Instant::now();
    s.click(&s.wait("[data-testid=group-by-digest]", 5));
    s.wait_text("[data-testid=tag-count]", 120, |t| {
        t.starts_with("1 image,")
    });
    let grouped = grouping.elapsed();
    drop(s);
    drop(driver);
    wait_for_exit(&name);
    AppRun {
        cold_start,
        listed,
        scroll,
        grouped,
        idle,
        tags: with_tags,
    }
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn median_mb<T>(runs: &[T], f: impl Fn(&T) -> u64) -> f64 {
    median(runs.iter().map(|r| mb(f(r))).collect())
}

fn median_ms(runs: &[AppRun], f: impl Fn(&AppRun) -> Duration) -> f64 {
    median(runs.iter().map(|r| f(r).as_secs_f64() * 1000.0).collect())
}

/// A way to run Portolan: a label and the environment that switches its levers.
struct Variant {
    label: &'static str,
    env: &'static [(&'static str, &'static str)],
}

fn main() {
    let tags: usize = std::env::var("TAGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5);
    let app = app_binary();
    let blank = std::env::var_os("BLANK_APP")
        .map(PathBuf::from)
        .expect("BLANK_APP: the blank window's binary (bench/app.sh builds it)");
    let mut variants = vec![Variant {
        label: "as shipped",
        env: &[],
    }];
    if std::env::var("LEVERS").as_deref() == Ok("1") {
        variants.push(Variant {
            label: "WebKit's default painting here, on Mesa's software GL (`PORTOLAN_WEBKIT_PAINTING=gpu`)",
            env: &[("PORTOLAN_WEBKIT_PAINTING", "gpu")],
        });
        variants.push(Variant {
            label: "WebKit's default async scrolling of inner areas (`PORTOLAN_WEBKIT_ASYNC_OVERFLOW_SCROLLING=1`)",
            env: &[("PORTOLAN_WEBKIT_ASYNC_OVERFLOW_SCROLLING", "1")],
        });
        variants.push(Variant {
            label: "JavaScriptCore's JIT compilers on (`PORTOLAN_WEBKIT_JIT=1`)",
            env: &[("PORTOLAN_WEBKIT_JIT", "1")],
        });
        variants.push(Variant {
            label: "WebKit's default cache model (`PORTOLAN_WEBKIT_CACHE_MODEL=default`)",
            env: &[("PORTOLAN_WEBKIT_CACHE_MODEL", "default")],
        });
        variants.push(Variant {
            label: "network process memory-pressure limit 64 MB (`PORTOLAN_WEBKIT_MEMORY_PRESSURE=64`)",
            env: &[("PORTOLAN_WEBKIT_MEMORY_PRESSURE", "64")],
        });
    }
    // The yardstick: the blank window as built (WebKit's defaults) and with the WebKit
    // environment Portolan sets for itself here (painting on the CPU, no JavaScript
    // JIT), whichever is smaller, so that Portolan's settings cannot flatter it.
    let levers = variants.len() > 1;
    let blank_cpu: &[(&str, &str)] = &[
        ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1"),
        ("JSC_useJIT", "false"),
    ];

    let registry = TestRegistry::start(Auth::None);
    eprintln!("seeding {tags} tags...");
    seed::many_tags(&registry, "big/tags", tags);
    wait_for_exit(&process_name(&app));

    let mut blank_runs: Vec<Memory> = Vec::new();
    let mut blank_cpu_runs: Vec<Memory> = Vec::new();
    let mut app_runs: Vec<Vec<AppRun>> = variants.iter().map(|_| Vec::new()).collect();
    for run in 1..=runs {
        let b = measure_blank(&blank, &[]);
        eprintln!(
            "run {run}/{runs}: blank window {:.0} MB PSS [{}]",
            mb(b.pss),
            b.parts.join(", ")
        );
        blank_runs.push(b);
        let b = measure_blank(&blank, blank_cpu);
        eprintln!(
            "run {run}/{runs}: blank window with Portolan's WebKit settings {:.0} MB PSS [{}]",
            mb(b.pss),
            b.parts.join(", ")
        );
        blank_cpu_runs.push(b);
        for (variant, results) in variants.iter().zip(app_runs.iter_mut()) {
            let r = measure_app(&app, &registry.host, tags, variant.env);
            eprintln!(
                "run {run}/{runs}: Portolan {}: idle {:.0} MB [{}], {tags} tags {:.0} MB PSS [{}]; start {:.0} ms",
                variant.label,
                mb(r.idle.pss),
                r.idle.parts.join(", "),
                mb(r.tags.pss),
                r.tags.parts.join(", "),
                r.cold_start.as_secs_f64() * 1000.0
            );
            results.push(r);
        }
    }

    let shipped = &app_runs[0];
    let blank_default = median_mb(&blank_runs, |m| m.pss);
    let blank_settings = median_mb(&blank_cpu_runs, |m| m.pss);
    let stricter = if blank_settings < blank_default {
        &blank_cpu_runs
    } else {
        &blank_runs
    };
    let blank_pss = blank_default.min(blank_settings);
    let idle_pss = median_mb(shipped, |r| r.idle.pss);
    let tags_pss = median_mb(shipped, |r| r.tags.pss);
    // The ratio of medians and the median of the per-run ratios (each run's apps ran
    // back to back, so the second cancels some of the machine's drift).
    let ratio = tags_pss / blank_pss;
    let ratio_per_run = median(
        shipped
            .iter()
            .zip(stricter)
            .map(|(r, b)| r.tags.pss as f64 / b.pss as f64)
            .collect(),
    );
    let size = std::fs::metadata(std::env::var("RELEASE_BINARY").unwrap_or_default())
        .map(|m| m.len())
        .unwrap_or(0);

    println!("Medians of {runs} runs; memory is PSS summed over all the app's processes.");
    println!();
    println!("| measure | median | target |");
    println!("|---|---|---|");
    println!("| blank Tauri window (empty page), PSS: as built / with Portolan's WebKit settings | {blank_default:.0} / {blank_settings:.0} MB | |");
    println!("| Portolan idle (repository list), PSS | {idle_pss:.0} MB | |");
    println!("| Portolan with {tags} tags listed, PSS | {tags_pss:.0} MB | |");
    let verdict = |r: f64| if r <= 1.15 { "met" } else { "**not met**" };
    let as_built = tags_pss / blank_default;
    println!(
        "| **Portolan with {tags} tags / blank window as built** (WebKit's defaults) | **{as_built:.2}×** | ≤ 1.15× — {} |",
        verdict(as_built)
    );
    println!(
        "| **Portolan with {tags} tags / the smaller blank window** (also with Portolan's WebKit settings) | **{ratio:.2}×** (per-run median {ratio_per_run:.2}×) | ≤ 1.15× — {} |",
        verdict(ratio)
    );
    println!(
        "| Portolan idle / blank window | {:.2}× | |",
        idle_pss / blank_pss
    );
    println!(
        "| &nbsp;&nbsp;blank: app / WebKitWebProcess / WebKitNetworkProcess | {:.0} / {:.0} / {:.0} MB | |",
        median_mb(stricter, |m| m.app_pss),
        median_mb(stricter, |m| m.web_pss),
        median_mb(stricter, |m| m.network_pss)
    );
    println!(
        "| &nbsp;&nbsp;Portolan, {tags} tags: app / WebKitWebProcess / WebKitNetworkProcess | {:.0} / {:.0} / {:.0} MB | |",
        median_mb(shipped, |r| r.tags.app_pss),
        median_mb(shipped, |r| r.tags.web_pss),
        median_mb(shipped, |r| r.tags.network_pss)
    );
    println!(
        "| RSS summed (shared libraries counted per process): blank / Portolan with {tags} tags | {:.0} / {:.0} MB | |",
        median_mb(&blank_runs, |m| m.rss),
        median_mb(shipped, |r| r.tags.rss)
    );
    println!(
        "| cold start to the repository list | {:.0} ms | < 1000 ms |",
        median_ms(shipped, |r| r.cold_start)
    );
    println!(
        "| {tags}-tag repository listed | {:.0} ms | < 1000 ms |",
        median_ms(shipped, |r| r.listed)
    );
    println!(
        "| scroll to its last tag | {:.0} ms | |",
        median_ms(shipped, |r| r.scroll)
    );
    println!(
        "| {tags} tags grouped by digest (one image) | {:.0} ms | < 2000 ms for 1,200 tags |",
        median_ms(shipped, |r| r.grouped)
    );
    if size > 0 {
        println!(
            "| release binary | {:.1} MB | < 20 MB |",
            size as f64 / 1_048_576.0
        );
    }
    if levers {
        println!();
        println!("Levers (each row switches one; medians of {runs} runs, PSS):");
        println!();
        println!(
            "| Portolan | idle | {tags} tags | {tags} tags / blank | {tags} tags vs as shipped |"
        );
        println!("|---|---|---|---|---|");
        for (variant, results) in variants.iter().zip(&app_runs) {
            let t = median_mb(results, |r| r.tags.pss);
            println!(
                "| {} | {:.0} MB | {t:.0} MB | {:.2}× | {:+.1} MB |",
                variant.label,
                median_mb(results, |r| r.idle.pss),
                t / blank_pss,
                t - tags_pss
            );
        }
    }
}
