//! HTTPS registries: Portolan trusts the system roots plus the CA files the user gives (or
//! keeps where Docker and Podman look: `certs.d/HOST/*.crt`), and a registry whose
//! certificate it cannot verify gets an error that says where to put the CA.

use portolan::ErrorCode;
use portolan::{Client, Credential, CredentialChain, Reference, TransportOptions};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{block_on, seed};

#[test]
fn https_registries_need_their_ca_and_get_it_from_config_or_certs_d() {
    let registry =
        TestRegistry::start_tls(Auth::Htpasswd(vec![("erin".into(), "3rin-pass".into())]));
    let seeded = seed::standard(&registry);
    let ca = registry.ca_pem.clone().expect("ca");
    let reference = Reference::parse(&registry.reference("team/app:v1")).expect("ref");
    let chain = CredentialChain::new()
        .with_explicit(&registry.host, Credential::password("erin", "3rin-pass"));
    let work = tempfile::tempdir().expect("tmp");

    // Without the CA: refused, with a hint about where CA files go. (HTTPS is refused, and
    // the plain-HTTP fallback a loopback host is allowed finds no HTTP server either.)
    let no_ca = TransportOptions {
        cert_dirs: vec![work.path().join("empty")],
        ..TransportOptions::default()
    };
    let err = block_on(Client::new(no_ca, chain.clone()).inspect(&reference, None))
        .expect_err("untrusted");
    assert_eq!(err.code(), ErrorCode::Tls, "{err}");
    assert!(
        err.to_string().contains("certs.d"),
        "the error says where CA files go: {err}"
    );
    assert!(
        err.to_string().contains("certificate was not accepted")
            && !err.to_string().starts_with("cannot reach")
            && !err.to_string().contains("settings"),
        "headed as a certificate problem, in words that fit both front ends: {err}"
    );

    // A CA file configured for the host.
    let ca_file = work.path().join("ca.pem");
    std::fs::write(&ca_file, &ca).expect("write ca");
    let with_file = TransportOptions {
        extra_ca_files: vec![(registry.host.clone(), ca_file)],
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    };
    let client = Client::new(with_file, chain.clone());
    let report = block_on(client.inspect(&reference, None)).expect("trusted through a CA file");
    assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
    assert!(block_on(client.ping(&registry.host))
        .expect("ping")
        .base_url
        .starts_with("https://"));

    // Docker's layout: certs.d/HOST:PORT/ca.crt.
    let certs_d = work.path().join("certs.d");
    std::fs::create_dir_all(certs_d.join(&registry.host)).expect("mkdir");
    std::fs::write(certs_d.join(&registry.host).join("ca.crt"), &ca).expect("write");
    let with_dir = TransportOptions {
        cert_dirs: vec![certs_d],
        ..TransportOptions::default()
    };
    let tags =
        block_on(Client::new(with_dir, chain).tags(&reference)).expect("trusted through certs.d");
    assert_eq!(tags, vec!["v1", "v2"]);
}

#[test]
fn registries_that_require_a_client_certificate_get_the_one_in_certs_d() {
    let registry = TestRegistry::start_mutual_tls(Auth::None);
    let seeded = seed::standard(&registry);
    let (cert, key) = registry.client_identity.clone().expect("identity");
    let reference = Reference::parse(&registry.reference("team/app:v1")).expect("ref");
    let work = tempfile::tempdir().expect("tmp");
    let host_dir = work.path().join("certs.d").join(&registry.host);
    std::fs::create_dir_all(&host_dir).expect("mkdir");
    std::fs::write(
        host_dir.join("ca.crt"),
        registry.ca_pem.as_ref().expect("ca"),
    )
    .expect("ca");
    let options = TransportOptions {
        cert_dirs: vec![work.path().join("certs.d")],
        ..TransportOptions::default()
    };
    // The CA alone is not enough: the registry wants a client certificate.
    let err =
        block_on(Client::new(options.clone(), CredentialChain::new()).inspect(&reference, None))
            .expect_err("no client cert");
    // With TLS 1.3 the server refuses a missing client certificate after the handshake, by
    // closing the connection: to the client that is a broken connection, not a TLS error.
    assert!(
        matches!(err.code(), ErrorCode::Unreachable | ErrorCode::Tls),
        "{err}"
    );
    // Docker's layout: client.cert and client.key beside ca.crt.
    std::fs::write(host_dir.join("client.cert"), cert).expect("cert");
    std::fs::write(host_dir.join("client.key"), key).expect("key");
    let report = block_on(Client::new(options, CredentialChain::new()).inspect(&reference, None))
        .expect("with a client certificate");
    assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
}

#[test]
fn a_ca_configured_for_one_host_is_not_trusted_for_another() {
    use portolan::client::origins::HostClients;
    let registry = TestRegistry::start_tls(Auth::None);
    let work = tempfile::tempdir().expect("tmp");
    let ca_file = work.path().join("ca.pem");
    std::fs::write(&ca_file, registry.ca_pem.as_ref().expect("ca")).expect("write ca");
    let options = std::sync::Arc::new(TransportOptions {
        extra_ca_files: vec![(registry.host.clone(), ca_file)],
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    });
    let port = registry.host.rsplit_once(':').expect("port").1;
    let clients = HostClients::new(options, &registry.host).expect("clients");
    block_on(async {
        // The same server, by the name the CA was configured for: trusted.
        let own = url::Url::parse(&format!("https://{}/v2/", registry.host)).expect("url");
        let answer = clients
            .for_url(&own)
            .expect("client")
            .get(own)
            .send()
            .await
            .expect("trusted for its own host");
        assert!(answer.status().is_success(), "{}", answer.status());
        // By another name (the certificate is valid for `localhost` too): the CA given for
        // 127.0.0.1 does not vouch for it.
        let other = url::Url::parse(&format!("https://localhost:{port}/v2/")).expect("url");
        let err = clients
            .for_url(&other)
            .expect("client")
            .get(other)
            .send()
            .await
            .expect_err("another host does not get that CA");
        assert!(portolan::transport::is_tls_failure(&err), "{err}");
    });
}

#[test]
fn plain_http_is_tried_only_when_the_server_does_not_speak_tls() {
    use portolan::transport::speaks_no_tls;
    let tls = TestRegistry::start_tls(Auth::None);
    let plain = TestRegistry::start(Auth::None);
    let closed = format!("127.0.0.1:{}", portolan_tests::free_port());
    let error_for = |host: &str| {
        block_on(async {
            let http = TransportOptions::default()
                .build_client("any")
                .expect("client");
            http.get(format!("https://{host}/v2/")).send().await
        })
        .expect_err("https fails")
    };
    // An untrusted certificate: TLS is spoken, so no fallback.
    let refused_cert = error_for(&tls.host);
    assert!(!speaks_no_tls(&refused_cert), "{refused_cert}");
    // A plain-HTTP server, and nothing listening: fallback allowed (for insecure hosts).
    let plain_err = error_for(&plain.host);
    assert!(speaks_no_tls(&plain_err), "{plain_err}");
    let closed_err = error_for(&closed);
    assert!(speaks_no_tls(&closed_err), "{closed_err}");
    // And the engine: an insecure host with a certificate it cannot verify is an error
    // about the certificate, not a plain-HTTP request.
    let mut options = TransportOptions {
        cert_dirs: Vec::new(),
        ..TransportOptions::default()
    };
    options.insecure_hosts.insert(tls.host.clone());
    let err = block_on(Client::new(options, CredentialChain::new()).ping(&tls.host))
        .expect_err("certificate refused");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(err.to_string().contains("https://"), "{err}");
}
