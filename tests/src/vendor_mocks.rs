//! Vendor APIs served from their publishers' own descriptions: Prism (`@stoplight/prism-cli`,
//! installed in `tests/mocks` by `scripts/test`) serving GitHub's OpenAPI description
//! (`@octokit/openapi`, `generated/api.github.com.json`), Docker's Hub API description
//! (`tests/fixtures/docker-hub-api-2beta.yaml`) or OSV's
//! (`tests/fixtures/osv/osv_service_v1.swagger.json`), on a free loopback port, validating
//! every request: one that does not match the published contract gets a 4xx, which fails
//! the test. Prism answers with the descriptions' examples, so paging and container metadata
//! are tested against fakes of our own; this checks that what we send is what the vendor
//! documents.
//!
//! Prism starts in about 15 s for GitHub's 13 MB description and takes about 300 MB.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::free_port;

/// A running Prism mock; stopped when dropped.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub host: String,
    log_path: PathBuf,
    _dir: tempfile::TempDir,
}

fn mocks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks")
}

fn prism_binary() -> PathBuf {
    let bin = mocks_dir().join("node_modules/.bin/prism");
    assert!(
        bin.exists(),
        "{} is missing: run `(cd tests/mocks && npm ci)` (scripts/test does)",
        bin.display()
    );
    bin
}

impl Prism {
    /// GitHub's REST API, from GitHub's own description.
    pub fn github() -> Self {
        let spec = mocks_dir().join("node_modules/@octokit/openapi/generated/api.github.com.json");
        assert!(
            spec.exists(),
            "{} is missing: run `(cd tests/mocks && npm ci)`",
            spec.display()
        );
        Self::serve(
            &spec,
            tempfile::tempdir().expect("temp dir"),
            Duration::from_secs(120),
        )
    }

    /// The Docker Hub API, from Docker's published description, with the one dangling
    /// `$ref` Prism refuses taken out of a temporary copy (see `tests/fixtures/README.md`).
    pub fn docker_hub() -> Self {
        let published =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docker-hub-api-2beta.yaml");
        let text = std::fs::read_to_string(&published).expect("read the Hub API description");
        let dangling =
            "    team_repo:\n      allOf:\n        - $ref: \"#/components/responses/team_repo\"\n";
        assert!(
            text.contains(dangling),
            "the Hub description changed: check whether Prism still needs the patch"
        );
        let patched = text.replace(dangling, "    team_repo:\n");
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join("docker-hub-api.yaml");
        std::fs::write(&spec, patched).expect("write the patched copy");
        Self::serve(&spec, dir, Duration::from_secs(60))
    }

    /// The OSV API, from OSV's published Swagger 2.0 description.
    pub fn osv() -> Self {
        let spec =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/osv/osv_service_v1.swagger.json");
        Self::serve(
            &spec,
            tempfile::tempdir().expect("temp dir"),
            Duration::from_secs(60),
        )
    }

    /// What Prism logged so far (each request, and whether it passed validation).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Serve `spec`, logging into `dir` (kept while it runs).
    fn serve(spec: &Path, dir: tempfile::TempDir, patience: Duration) -> Self {
        let port = free_port();
        let log_path = dir.path().join("prism.log");
        let log = std::fs::File::create(&log_path).expect("prism log");
        let mut child = Command::new(prism_binary())
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(spec)
            // Prism logs each request (and whether it passed validation) on stdout.
            .stdout(log.try_clone().expect("prism log"))
            .stderr(log)
            .spawn()
            .expect("start prism (node)");
        let host = format!("127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(&host).is_ok() {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                let err = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("prism exited ({status}) before listening: {err}");
            }
            assert!(
                started.elapsed() < patience,
                "prism did not listen on {host} within {patience:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Self {
            child,
            url: format!("http://{host}"),
            host,
            log_path,
            _dir: dir,
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
