//! The demo registry as the README starts it: it prints its address, serves its sample
//! images, and on Ctrl-C (SIGINT) or SIGTERM stops and leaves no storage behind.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn demo_binary() -> PathBuf {
    // Built next to this test (the same package's binary).
    PathBuf::from(env!("CARGO_BIN_EXE_portolan-demo-registry"))
}

/// Start it, wait for its address, and return it with its storage folder.
fn start() -> (std::process::Child, String, PathBuf) {
    let mut child = Command::new(demo_binary())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the demo registry");
    let mut host = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut host)
        .expect("its address");
    let mut said = String::new();
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    stderr.read_line(&mut said).expect("its storage");
    let storage = said
        .split("(storage ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no storage in {said:?}"));
    (child, host.trim().to_owned(), PathBuf::from(storage))
}

fn stops_and_cleans_up_on(signal: &str) {
    let (mut child, host, storage) = start();
    assert!(host.starts_with("127.0.0.1:"), "{host}");
    assert!(storage.is_dir(), "{} holds the images", storage.display());
    let out = Command::new(portolan_tests::cli_binary())
        .args(["tags", &format!("{host}/demo/web")])
        .env("DOCKER_CONFIG", storage.join("no-docker-config"))
        .output()
        .expect("portolan-cli");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("latest"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "still running after SIG{signal}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !storage.exists(),
        "{} is left behind after SIG{signal}",
        storage.display()
    );
}

#[test]
fn ctrl_c_stops_it_and_removes_its_storage() {
    stops_and_cleans_up_on("INT");
}

#[test]
fn sigterm_stops_it_and_removes_its_storage() {
    stops_and_cleans_up_on("TERM");
}
