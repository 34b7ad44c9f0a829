//! A local engine over TCP as Docker's client reaches it: Podman's API service behind a
//! TLS terminator that requires a client certificate (as `dockerd --tlsverify` on
//! `tcp://…:2376` does). `DOCKER_TLS_VERIFY` with the files in `DOCKER_CERT_PATH` (or
//! Docker's config folder), and a Docker context's own TLS files, reach it; a CA that did
//! not sign its certificate does not. A plain `tcp://` to an address that is not loopback
//! is refused before any connection, unless `PORTOLAN_ALLOW_PLAIN_ENGINE=1`.

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use portolan_tests::cli;
use portolan_tests::podman::Podman;
use portolan_tests::tls::{self, TestTls};
use portolan_tests::tls_terminator::TlsTerminator;
use sha2::{Digest, Sha256};

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "portolan-cli failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ca.pem` (from `ca`), and the client's `cert.pem` and `key.pem` (from `client`), in `dir`.
fn cert_files(dir: &Path, ca: Option<&TestTls>, client: &TestTls) {
    std::fs::create_dir_all(dir).expect("mkdir");
    if let Some(ca) = ca {
        std::fs::write(dir.join("ca.pem"), &ca.ca_pem).expect("ca");
    }
    std::fs::write(dir.join("cert.pem"), &client.client_cert_pem).expect("cert");
    std::fs::write(dir.join("key.pem"), &client.client_key_pem).expect("key");
}

/// A Docker config folder whose current context `name` is `host`, with `skip_verify`.
fn context_home(dir: &Path, name: &str, host: &str, skip_verify: bool) -> std::path::PathBuf {
    let id = hex::encode(Sha256::digest(name.as_bytes()));
    let meta = dir.join("contexts/meta").join(&id);
    std::fs::create_dir_all(&meta).expect("mkdir");
    std::fs::write(
        meta.join("meta.json"),
        serde_json::json!({
            "Name": name,
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}},
        })
        .to_string(),
    )
    .expect("meta");
    std::fs::write(
        dir.join("config.json"),
        serde_json::json!({"currentContext": name}).to_string(),
    )
    .expect("config");
    dir.join("contexts/tls").join(id).join("docker")
}

#[test]
fn an_engine_behind_tls_is_reached_with_dockers_certificate_files() {
    let podman = Podman::new();
    podman.build_scratch("localhost/tls-app:1", &[("app", b"over TLS\n")]);
    let service = podman.service();
    let pki = tls::make();
    let terminator = TlsTerminator::start(&pki, &service.socket);
    let host = format!("tcp://{}", terminator.addr);
    let home = tempfile::tempdir().expect("home");

    // DOCKER_TLS_VERIFY with DOCKER_CERT_PATH.
    let certs = home.path().join("certs");
    cert_files(&certs, Some(&pki), &pki);
    let certs_text = certs.display().to_string();
    let env = [
        ("DOCKER_HOST", host.as_str()),
        ("DOCKER_TLS_VERIFY", "1"),
        ("DOCKER_CERT_PATH", certs_text.as_str()),
    ];
    let listed = ok(&cli::in_home(home.path()).envs(&env).run(&["images"]));
    assert!(listed.contains("localhost/tls-app:1"), "{listed}");
    assert!(terminator.handshakes() >= 1, "it went through TLS");

    // Without DOCKER_CERT_PATH, the files are in Docker's config folder.
    let config = home.path().join("config");
    cert_files(&config, Some(&pki), &pki);
    let listed = ok(&cli::in_home(&config)
        .envs(&[("DOCKER_HOST", &host), ("DOCKER_TLS_VERIFY", "yes")])
        .run(&["images"]));
    assert!(listed.contains("localhost/tls-app:1"), "{listed}");

    // A CA that did not sign the engine's certificate: refused, and nothing is listed.
    let stranger = tls::make();
    let wrong = home.path().join("wrong");
    cert_files(&wrong, Some(&stranger), &pki);
    let wrong_text = wrong.display().to_string();
    let out = cli::in_home(home.path())
        .envs(&[
            ("DOCKER_HOST", &host),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", &wrong_text),
        ])
        .run(&["images"]);
    assert!(!out.status.success(), "an unknown CA is not trusted");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS handshake failed"), "{err}");
    assert!(err.contains("ca.pem"), "says which files to check: {err}");

    // A Docker context with its own TLS files (none of the environment's).
    let ctx = home.path().join("ctx");
    let files = context_home(&ctx, "remote-tls", &host, false);
    cert_files(&files, Some(&pki), &pki);
    let listed = ok(&cli::in_home(&ctx).envs(&[]).run(&["images"]));
    assert!(listed.contains("localhost/tls-app:1"), "{listed}");

    // A context that skips verification: its client certificate, no CA.
    let skip = home.path().join("skip");
    let files = context_home(&skip, "remote-skip", &host, true);
    cert_files(&files, None, &pki);
    let listed = ok(&cli::in_home(&skip).envs(&[]).run(&["images"]));
    assert!(listed.contains("localhost/tls-app:1"), "{listed}");
}

#[test]
fn plain_tcp_to_an_address_that_is_not_loopback_is_refused_before_connecting() {
    // 0.0.0.0 is not a loopback address, yet connecting to it stays on this machine: the
    // listener on 127.0.0.1 counts any connection that is made (and drops it at once).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let home = tempfile::tempdir().expect("home");
    let host = format!("tcp://0.0.0.0:{port}");

    let out = cli::in_home(home.path())
        .envs(&[("DOCKER_HOST", &host)])
        .run(&["images"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("without TLS"), "{err}");
    assert!(err.contains("DOCKER_TLS_VERIFY=1"), "{err}");
    assert!(err.contains("PORTOLAN_ALLOW_PLAIN_ENGINE=1"), "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 0, "nothing was sent");

    // Allowed explicitly: it connects (and fails there, since nothing answers).
    let out = cli::in_home(home.path())
        .envs(&[("DOCKER_HOST", &host), ("PORTOLAN_ALLOW_PLAIN_ENGINE", "1")])
        .run(&["images"]);
    assert!(!out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("without TLS"),
        "allowed"
    );
    assert!(connections.load(Ordering::SeqCst) >= 1, "it connected");

    // Loopback needs no leave.
    let out = cli::in_home(home.path())
        .envs(&[("DOCKER_HOST", &format!("tcp://127.0.0.1:{port}"))])
        .run(&["images"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("without TLS"));
}
