//! The demo registry as the README starts it: it prints its address, serves its sample
//! images, and on Ctrl-C (SIGINT) or SIGTERM stops and leaves no storage behind.

use portolan_tests::cli;
use portolan_tests::demo::Demo;
use std::path::Path;

fn stops_and_cleans_up_on(signal: &str) {
    let mut demo = Demo::start(Path::new(env!("CARGO_BIN_EXE_portolan-demo-registry")));
    assert!(demo.host.starts_with("127.0.0.1:"), "{}", demo.host);
    assert!(
        demo.storage.is_dir(),
        "{} holds the images",
        demo.storage.display()
    );
    let home = tempfile::tempdir().expect("home");
    let out = cli::run(home.path(), &["tags", &format!("{}/demo/web", demo.host)]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("latest"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = demo.stop(signal);
    assert!(status.success(), "a clean exit after SIG{signal}: {status}");
    assert!(
        !demo.storage.exists(),
        "{} is left behind after SIG{signal}",
        demo.storage.display()
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
