//! Test fixtures for Portolan: real registries and the pieces around them.
//!
//! - [`app_home`]: a private home for the desktop app under test.
//! - [`demo`]: the demo registry started and stopped as a reader of the README does.
//! - [`registry`]: Debian's `docker-registry` (distribution 2.8) on a free loopback port
//!   with its own temporary storage, with no auth, htpasswd, or bearer tokens.
//! - [`http_double`]: the one HTTP/1.1 test double (routes of method and path pattern to a
//!   reply or a handler, with a request log) every fake server below is built on.
//! - [`token_server`]: the token service the bearer mode trusts (ES256 JWTs, `x5c`).
//! - [`images`]: test images built in memory (real gzip tar layers, configs with history,
//!   multi-arch indexes) and pushed over HTTP by a small independent pusher.
//! - [`faulty_proxy`]: a hostile man-in-the-middle that answers 429/503, resets
//!   connections or serves wrong bytes, in front of a real registry (an [`http_double`]
//!   whose answers are the registry's bytes, cut or changed).
//! - [`github_packages`]: ghcr.io of the tests' own: a real registry behind a front that
//!   refuses every `DELETE`, and a GitHub Packages API backed by it.
//! - [`podman`]: podman in a store of its own, building images `FROM scratch` offline.
//! - [`tls_terminator`]: TLS with a required client certificate in front of a Unix socket,
//!   as a Docker engine is exposed on `tcp://…:2376`.
//! - [`binary`]: what a built app binary imports and holds (checked without running it).
//! - [`cli`]: `portolan-cli` run as every test runs it.
//! - [`referrers_double`]: a registry double with the OCI referrers API, alone or in front
//!   of a real registry.
//! - [`hostile`]: content shaped to make a reader hold gigabytes, and [`peak_rss`]: the
//!   peak memory of a command, measured while it runs.
//! - [`supply_chain_seed`]: signed, attested and SBOM-carrying images (cosign, Sigstore
//!   bundles with a test CA and TSA, BuildKit attestations, Notary Project signatures)
//!   pushed into a real registry, with the trust files a verifier needs.
//!
//! A missing binary (`docker-registry`, `htpasswd`, `skopeo`, `podman`) is a loud failure,
//! never a skip.

pub mod app_home;
pub mod bench_stats;
pub mod binary;
pub mod cli;
pub mod demo;
pub mod desktop;
/// The one HTTP/1.1 test double of the workspace (its own crate, `tests/http-double`, so the
/// engine's unit tests use it too).
pub use http_double;
pub mod faulty_proxy;
pub mod github_packages;
pub mod hostile;
pub mod images;
pub mod osv_fake;
pub mod peak_rss;
pub mod podman;
pub mod referrers_double;
pub mod registry;
pub mod tls;
pub mod tls_terminator;
pub mod token_server;
pub mod webdriver;

/// Fail loudly when a program the tests need is not installed.
pub fn require_program(name: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("`{name}` is not installed; run `scripts/setup` (it installs the test dependencies) and try again");
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

pub mod seed;
pub mod skopeo;
pub mod supply_chain_seed;
pub mod vendor_mocks;

/// Run a future to completion on a fresh runtime (fixtures are blocking, so tests are
/// plain `#[test]` functions that seed first and then run the engine here).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// Cargo's `target/` folder, found from where this test or tool runs
/// (`target/debug/deps/…` for tests, `target/release/…` for tools).
fn target_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "target"))
        .or_else(|| exe.ancestors().nth(3))
        .expect("target dir")
        .to_path_buf()
}

/// The `portolan-cli` binary built next to the tests (the test script builds it first), or
/// `PORTOLAN_CLI` (the benches use the release build).
pub fn cli_binary() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("PORTOLAN_CLI") {
        return p.into();
    }
    let bin = target_dir()
        .join("debug")
        .join(format!("portolan-cli{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: build it with `cargo build -p portolan-cli` (scripts/test does)",
        bin.display()
    );
    bin
}

/// The desktop app binary with the UI embedded (built by scripts/test; `PORTOLAN_APP`
/// overrides the path).
pub fn app_binary() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("PORTOLAN_APP") {
        return p.into();
    }
    let bin = target_dir()
        .join("e2e")
        .join(format!("portolan{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: scripts/test builds it (the UI, then the app)",
        bin.display()
    );
    bin
}

/// Where tests save screenshots and other artifacts (`target/e2e-artifacts`).
pub fn artifacts_dir() -> std::path::PathBuf {
    target_dir().join("e2e-artifacts")
}
