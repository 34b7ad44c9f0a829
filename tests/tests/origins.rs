//! Credentials stay on the registry's origin: an upload `Location` (or any URL the
//! registry names) on another host gets the request without `Authorization`, and a 401
//! from there does not change how the registry itself is signed in to.

use portolan::ErrorCode;
use portolan::{
    Client, Credential, CredentialChain, PushOptions, PushSource, Reference, TransportOptions,
};
use portolan_tests::block_on;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, write_oci_layout, ImageSpec};
use portolan_tests::registry::{Auth, TestRegistry};

const USER: (&str, &str) = ("dana", "d4na-pass");

fn signed_in(host: &str) -> Client {
    Client::new(
        TransportOptions::default(),
        CredentialChain::new().with_explicit(host, Credential::password(USER.0, USER.1)),
    )
}

#[test]
fn an_upload_location_on_another_host_never_gets_the_password() {
    for auth in [
        Auth::Htpasswd(vec![(USER.0.into(), USER.1.into())]),
        Auth::Token(vec![(USER.0.into(), USER.1.into())]),
    ] {
        let registry = TestRegistry::start(auth);
        // Another origin that forwards to the same registry: were credentials sent there,
        // the upload would go through.
        let elsewhere = FaultyProxy::start(&registry.host);
        let front = FaultyProxy::start(&registry.host);
        front.inject(
            "POST /v2/",
            Fault::RewriteLocation(format!("http://{}", elsewhere.host)),
            100,
        );
        let work = tempfile::tempdir().expect("tmp");
        let image = build_image(&ImageSpec::new("elsewhere", "amd64", &[5_000]));
        write_oci_layout(&work.path().join("l"), &image, "v1");
        let source = PushSource::parse(&work.path().join("l").display().to_string());
        let client = signed_in(&front.host);
        let reference = Reference::parse(&format!("{}/team/app:v1", front.host)).expect("ref");
        let err = block_on(client.push(&source, &reference, &PushOptions::default()))
            .expect_err("the other host wants credentials it must not get");
        assert_eq!(err.code(), ErrorCode::Unauthorized, "{err}");
        assert!(err.to_string().contains(&elsewhere.host), "{err}");
        assert!(
            !elsewhere.requests().is_empty(),
            "the upload was sent to the Location"
        );
        assert_eq!(
            elsewhere.authorized_requests(),
            Vec::<String>::new(),
            "no Authorization header left the registry's origin"
        );
        assert!(
            !front.authorized_requests().is_empty(),
            "the registry got them"
        );
        // The registry's own sign-in is untouched by the other host's 401: the same
        // client keeps working against it.
        let tags = block_on(
            client.tags(&Reference::parse(&format!("{}/team/app", front.host)).expect("ref")),
        );
        assert!(
            matches!(&tags, Err(e) if e.code() == ErrorCode::NotFound) || tags.is_ok(),
            "{tags:?}"
        );
        let ping = block_on(client.ping(&front.host)).expect("still signed in");
        assert!(ping.signed_in);
    }
}

#[test]
fn a_redirected_range_request_keeps_its_range_and_leaves_credentials_home() {
    use portolan_tests::http_double::{HttpDouble, Reply};
    let registry = TestRegistry::start(Auth::None);
    let seeded = portolan_tests::seed::standard(&registry);
    let layer = seeded.app.layers[0].clone();
    // Blob storage on another origin (the real registry, through a logging proxy).
    let storage = FaultyProxy::start(&registry.host);
    let target = format!("http://{}/v2/team/app/blobs/{}", storage.host, layer.digest);
    let front = HttpDouble::builder()
        .reply("GET", "/v2/", Reply::json(&serde_json::json!({})))
        .fallback(move |_| Reply::empty(307).with_header("Location", &target))
        .start();
    let client = signed_in(&front.host);
    let digest = portolan::Digest::parse(&layer.digest).expect("digest");
    let read = block_on(async {
        client
            .registry(&front.host)
            .expect("client")
            .read_blob("team/app", &digest, 10, None)
            .await
    })
    .expect("read through the redirect");
    assert_eq!(read.offset, 10, "the storage answered the range");
    let seen = storage.requests();
    assert!(
        seen.iter().any(|l| l.contains("range=bytes=10-")),
        "the Range header followed the redirect: {seen:?}"
    );
    assert!(
        storage.authorized_requests().is_empty(),
        "{:?}",
        storage.authorized_requests()
    );
}
