//! Interoperability with skopeo, an independent client: what skopeo pushes, the engine
//! reads back with identical digests, layers and platform.

use portolan::{Client, Credential, CredentialChain, Reference, TransportOptions};
use portolan_tests::images::{build_image, write_oci_layout, ImageSpec};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{block_on, skopeo};

#[test]
fn images_pushed_by_skopeo_read_back_with_identical_digests() {
    let registry = TestRegistry::start(Auth::Htpasswd(vec![("carol".into(), "c4rol-pass".into())]));
    let image = build_image(&ImageSpec::new("skopeo", "arm64", &[70_000, 3_000, 500]));
    let layout = tempfile::tempdir().expect("tmp");
    write_oci_layout(layout.path(), &image, "v1");
    let dest = format!("docker://{}", registry.reference("interop/skopeo:v1"));
    skopeo::run(&[
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        "carol:c4rol-pass",
        &format!("oci:{}:v1", layout.path().display()),
        &dest,
    ]);
    let theirs = skopeo::json(&[
        "inspect",
        "--tls-verify=false",
        "--creds",
        "carol:c4rol-pass",
        &dest,
    ]);

    let client = Client::new(
        TransportOptions::default(),
        CredentialChain::new()
            .with_explicit(&registry.host, Credential::password("carol", "c4rol-pass")),
    );
    let reference = Reference::parse(&registry.reference("interop/skopeo:v1")).expect("ref");
    let report = block_on(client.inspect(&reference, None)).expect("inspect");
    assert_eq!(
        report.digest.to_string(),
        theirs["Digest"].as_str().expect("Digest")
    );
    let details = report.image.expect("image");
    let ours: Vec<String> = details
        .layers
        .iter()
        .map(|l| l.digest.to_string())
        .collect();
    let skopeo_layers: Vec<String> = theirs["Layers"]
        .as_array()
        .expect("Layers")
        .iter()
        .map(|v| v.as_str().expect("str").to_owned())
        .collect();
    assert_eq!(ours, skopeo_layers);
    assert_eq!(
        details
            .platform
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(format!("linux/{}", theirs["Architecture"].as_str().expect("arch")).as_str())
    );
    assert_eq!(
        report.digest.to_string(),
        block_on(client.resolve_digest(&reference))
            .expect("HEAD")
            .to_string()
    );
}
