//! `portolan-packages-perf`: listing a GitHub account with many packages and a package with
//! many versions, from `portolan-cli` and in the app, against a GitHub Packages API of the
//! test's own that answers each page after `LATENCY_MS` (as a distant API does), run by
//! `bench/packages.sh` under Xvfb. Printed side by side with the floors the same run
//! implies: the pages fetched one after another, and the first page then the rest 4 at a
//! time.
//!
//! - `PACKAGES` packages (100 a page, `Link` with `rel="last"`): the CLI's wall time, and
//!   the app's time from the last page served to every row listed. Goal: within 1 s.
//! - `VERSIONS` versions of one package: the same, then scrolling to the last version.
//!
//! Environment: `RUNS` (3), `PACKAGES` (1000), `VERSIONS` (5000), `LATENCY_MS` (150),
//! `PORTOLAN_APP`, `PORTOLAN_CLI`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use portolan_tests::app_home::AppHome;
use portolan_tests::bench_stats::{env_number, median};
use portolan_tests::http_double::{HttpDouble, Reply};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{app_binary, cli_binary};
use serde_json::{json, Value};

/// What the fake API saw: when each page went out, and the most requests in flight.
#[derive(Default)]
struct Served {
    last_page: Option<Instant>,
    in_flight: usize,
    most_in_flight: usize,
}

fn page_of(query: &str) -> usize {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
}

fn fake_github(
    packages: usize,
    versions: usize,
    latency: Duration,
    served: Arc<Mutex<Served>>,
) -> HttpDouble {
    HttpDouble::serve(move |request| {
        let target = request.target.as_str();
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        {
            let mut s = served.lock().expect("served");
            s.in_flight += 1;
            s.most_in_flight = s.most_in_flight.max(s.in_flight);
        }
        std::thread::sleep(latency);
        let page = page_of(query);
        let (total, body): (usize, Vec<Value>) = match path {
            "/user" => (1, vec![json!({"login": "octo"})]),
            "/user/orgs" => (0, vec![]),
            "/user/packages" => (
                packages,
                (0..packages)
                    .skip((page - 1) * 100)
                    .take(100)
                    .map(|i| {
                        json!({"id": i + 1, "name": format!("pkg{i:04}"), "owner": {"login": "octo"},
                               "visibility": if i % 3 == 0 { "public" } else { "private" },
                               "version_count": versions,
                               "updated_at": format!("2026-01-01T{:02}:{:02}:{:02}Z", i / 3600, i / 60 % 60, i % 60),
                               "html_url": format!("https://github.com/users/octo/packages/container/package/pkg{i:04}")})
                    })
                    .collect(),
            ),
            p if p.ends_with("/versions") => (
                versions,
                (0..versions)
                    .skip((page - 1) * 100)
                    .take(100)
                    .map(|i| {
                        let tags: Vec<String> = if i % 10 == 0 { vec![format!("v{i}")] } else { vec![] };
                        json!({"id": 100_000 + i, "name": format!("sha256:{i:064x}"),
                               "created_at": format!("2026-01-01T{:02}:{:02}:{:02}Z", i / 3600 % 24, i / 60 % 60, i % 60),
                               "metadata": {"package_type": "container", "container": {"tags": tags}}})
                    })
                    .collect(),
            ),
            _ => (0, vec![]),
        };
        let mut s = served.lock().expect("served");
        s.in_flight -= 1;
        let pages = total.div_ceil(100).max(1);
        if path != "/user" && path != "/user/orgs" && page == pages {
            s.last_page = Some(Instant::now());
        }
        let value = if path == "/user" {
            body[0].clone()
        } else {
            json!(body)
        };
        Reply::Body {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                (
                    "Link".into(),
                    format!("<{path}?page={pages}&per_page=100>; rel=\"last\""),
                ),
            ],
            body: value.to_string().into_bytes(),
        }
    })
}

struct Run {
    cli_packages: Duration,
    cli_versions: Duration,
    app_packages_after_last: Duration,
    app_versions_after_last: Duration,
    app_scroll: Duration,
    most_in_flight: usize,
}

fn login(home: &Path, host: &str) {
    let docker = home.join("docker");
    std::fs::create_dir_all(&docker).expect("docker dir");
    let auth = base64::engine::general_purpose::STANDARD.encode("octo:ghp_benchtoken");
    std::fs::write(
        docker.join("config.json"),
        json!({"auths": {host: {"auth": auth}}}).to_string(),
    )
    .expect("docker login");
}

fn cli(home: &Path, api: &str, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(cli_binary())
        .args(args)
        .args(["--github-api", api, "--no-keyring", "--json"])
        .env("DOCKER_CONFIG", home.join("docker"))
        .env("PORTOLAN_GITHUB_ACCEPT", "application/json")
        .output()
        .expect("portolan-cli");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn after_last(served: &Mutex<Served>, shown: Instant) -> Duration {
    let last = served
        .lock()
        .expect("served")
        .last_page
        .expect("the last page was served");
    shown.saturating_duration_since(last)
}

fn measure(registry: &TestRegistry, packages: usize, versions: usize, latency: Duration) -> Run {
    let served = Arc::new(Mutex::new(Served::default()));
    let api = fake_github(packages, versions, latency, served.clone());
    let api_url = format!("http://{}", api.host);
    let home = AppHome::new();
    login(home.path(), &registry.host);
    let cli_packages = cli(
        home.path(),
        &api_url,
        &["packages", &format!("{}/octo", registry.host)],
    );
    let cli_versions = cli(
        home.path(),
        &api_url,
        &["versions", &format!("{}/octo/pkg0000", registry.host)],
    );

    let host = PathBuf::from(&registry.host);
    let api_path = PathBuf::from(&api_url);
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &host),
        ("PORTOLAN_GITHUB_API", &api_path),
        ("PORTOLAN_GITHUB_ACCEPT", Path::new("application/json")),
        ("PORTOLAN_GITHUB_REGISTRY", &host),
    ]);
    served.lock().expect("served").last_page = None;
    let s = driver.open(&app_binary());
    let all = format!("{packages} of {packages} packages");
    s.wait_text(".count", 60, |t| t.starts_with(&all));
    let app_packages_after_last = after_last(&served, Instant::now());

    served.lock().expect("served").last_page = None;
    let newest = format!("[data-package='octo/pkg{:04}']", packages - 1);
    s.click(&s.wait(&newest, 10));
    let all = format!("{versions} of {versions} versions");
    s.wait_text(".count", 120, |t| t.starts_with(&all));
    let app_versions_after_last = after_last(&served, Instant::now());
    let scrolled = Instant::now();
    s.script(
        "const v = document.querySelector('[role=grid][aria-label=Versions]'); v.scrollTop = v.scrollHeight;",
        json!([]),
    );
    // Newest first: the oldest version (id 100000) is the last row.
    s.wait("[data-version='100000']", 10);
    let app_scroll = scrolled.elapsed();
    let most_in_flight = served.lock().expect("served").most_in_flight;
    Run {
        cli_packages,
        cli_versions,
        app_packages_after_last,
        app_versions_after_last,
        app_scroll,
        most_in_flight,
    }
}

fn main() {
    let runs = env_number("RUNS", 3);
    let packages = env_number("PACKAGES", 1000);
    let versions = env_number("VERSIONS", 5000);
    let latency = Duration::from_millis(env_number("LATENCY_MS", 150) as u64);
    // The registry the packages live in (empty: manifests of the versions are not found,
    // as for a package whose images are gone).
    let registry = TestRegistry::start(Auth::None);
    let mut all = Vec::new();
    for run in 1..=runs {
        let r = measure(&registry, packages, versions, latency);
        eprintln!(
            "run {run}/{runs}: cli packages {:.2} s, versions {:.2} s; app after the last page: packages {:.0} ms, versions {:.0} ms; scroll {:.0} ms; {} requests at once",
            r.cli_packages.as_secs_f64(),
            r.cli_versions.as_secs_f64(),
            r.app_packages_after_last.as_secs_f64() * 1000.0,
            r.app_versions_after_last.as_secs_f64() * 1000.0,
            r.app_scroll.as_secs_f64() * 1000.0,
            r.most_in_flight
        );
        all.push(r);
    }
    let m = |f: &dyn Fn(&Run) -> Duration| median(all.iter().map(|r| f(r).as_secs_f64()).collect());
    let floor = |items: usize| {
        let pages = items.div_ceil(100) as f64;
        let l = latency.as_secs_f64();
        (pages * l, l + ((pages - 1.0) / 4.0).ceil() * l)
    };
    let (seq_p, par_p) = floor(packages);
    let (seq_v, par_v) = floor(versions);
    println!("Medians of {runs} runs, {} ms a page.", latency.as_millis());
    println!();
    println!("| measure | Portolan | pages one by one | first page, then 4 at a time | goal |");
    println!("|---|---|---|---|---|");
    println!(
        "| `portolan-cli packages`, {packages} packages | {:.2} s | {seq_p:.2} s | {par_p:.2} s | |",
        m(&|r| r.cli_packages)
    );
    println!(
        "| `portolan-cli versions`, {versions} versions | {:.2} s | {seq_v:.2} s | {par_v:.2} s | |",
        m(&|r| r.cli_versions)
    );
    let p = m(&|r| r.app_packages_after_last);
    println!(
        "| app: {packages} packages listed, after the last page | {:.0} ms | | | < 1 s — {} |",
        p * 1000.0,
        if p < 1.0 { "met" } else { "**not met**" }
    );
    let v = m(&|r| r.app_versions_after_last);
    println!(
        "| app: {versions} versions listed, after the last page | {:.0} ms | | | < 1 s — {} |",
        v * 1000.0,
        if v < 1.0 { "met" } else { "**not met**" }
    );
    println!(
        "| app: scroll to the last of {versions} versions | {:.0} ms | | | like 10,000 tags |",
        m(&|r| r.app_scroll) * 1000.0
    );
}
