//! HTTPS registries: Portolan trusts the system roots plus the CA files the user gives (or
//! keeps where Docker and Podman look: `certs.d/HOST/*.crt`), and a registry whose
//! certificate it cannot verify gets an error that says where to put the CA.

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
    assert_eq!(err.code(), "unreachable", "{err}");
    assert!(
        err.to_string().contains("certs.d"),
        "the error says where CA files go: {err}"
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
    assert_eq!(err.code(), "unreachable", "{err}");
    // Docker's layout: client.cert and client.key beside ca.crt.
    std::fs::write(host_dir.join("client.cert"), cert).expect("cert");
    std::fs::write(host_dir.join("client.key"), key).expect("key");
    let report = block_on(Client::new(options, CredentialChain::new()).inspect(&reference, None))
        .expect("with a client certificate");
    assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
}
