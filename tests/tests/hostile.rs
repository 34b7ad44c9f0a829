//! A hostile or flaky registry: a proxy in front of a real one that answers 429 and 503,
//! drops connections, cuts bodies short, serves bytes that do not match their digest, or
//! sends a manifest over the 4 MiB limit. The engine retries what is transient, honours
//! `Retry-After`, and refuses what is wrong, naming what it refused.

use std::time::{Duration, Instant};

use portolan::{Client, Reference};
use portolan::{Error, ErrorCode};
use portolan_tests::block_on;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::seed;

fn reference(proxy: &FaultyProxy, rest: &str) -> Reference {
    Reference::parse(&format!("{}/{rest}", proxy.host)).expect("reference")
}

#[test]
fn transient_failures_are_retried_and_retry_after_is_honoured() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject("/manifests/v1", Fault::Status(429, Some(1)), 2);
    proxy.inject("/tags/list", Fault::Status(503, None), 2);
    proxy.inject("/blobs/", Fault::Reset, 1);
    proxy.inject("/manifests/v2", Fault::Truncate, 1);
    block_on(async {
        let client = Client::anonymous();
        let started = Instant::now();
        let report = client
            .inspect(&reference(&proxy, "team/app:v1"), None)
            .await
            .expect("inspect after 429s and a reset");
        assert!(
            started.elapsed() >= Duration::from_millis(1900),
            "Retry-After: 1 was honoured twice ({:?})",
            started.elapsed()
        );
        assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
        let tags = client
            .tags(&reference(&proxy, "team/app"))
            .await
            .expect("tags after 503s");
        assert_eq!(tags, vec!["v1", "v2"]);
        let m = client
            .manifest(&reference(&proxy, "team/app:v2"))
            .await
            .expect("manifest after a cut-off body");
        assert_eq!(m.digest.to_string(), seeded.app.manifest.digest);
    });
    let retried = proxy
        .requests()
        .iter()
        .filter(|l| l.contains("/manifests/v1"))
        .count();
    assert_eq!(retried, 3, "two 429s, then success");
}

#[test]
fn endless_rate_limiting_ends_in_a_clear_error() {
    let registry = TestRegistry::start(Auth::None);
    seed::standard(&registry);
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject("/tags/list", Fault::Status(429, Some(0)), 100);
    let err = block_on(Client::anonymous().tags(&reference(&proxy, "team/app")))
        .expect_err("rate limited");
    assert_eq!(err.code(), ErrorCode::RateLimited, "{err}");
    assert!(err.to_string().contains(&proxy.host), "{err}");
    let attempts = proxy
        .requests()
        .iter()
        .filter(|l| l.contains("/tags/list"))
        .count();
    assert_eq!(attempts, 4, "retries are bounded");
}

#[test]
fn content_that_does_not_match_its_digest_is_refused() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let proxy = FaultyProxy::start(&registry.host);
    let forged = seeded.legacy.manifest.bytes.clone();
    // By digest: the bytes must hash to the digest asked for.
    proxy.inject(
        &format!("/manifests/{}", seeded.app.manifest.digest),
        Fault::ReplaceBody(forged.clone()),
        1,
    );
    // By tag: the bytes must hash to the Docker-Content-Digest the registry announced.
    proxy.inject("/manifests/v2", Fault::ReplaceBody(forged), 1);
    // A config blob with other bytes.
    proxy.inject(
        &format!("/blobs/{}", seeded.app.config.digest),
        Fault::ReplaceBody(b"{}".to_vec()),
        1,
    );
    block_on(async {
        let client = Client::anonymous();
        let by_digest = reference(&proxy, &format!("team/app@{}", seeded.app.manifest.digest));
        let err = client
            .manifest(&by_digest)
            .await
            .expect_err("forged by digest");
        assert_eq!(err.code(), ErrorCode::Integrity, "{err}");
        assert!(
            err.to_string().contains(&seeded.app.manifest.digest),
            "{err}"
        );
        let err = client
            .manifest(&reference(&proxy, "team/app:v2"))
            .await
            .expect_err("forged by tag");
        assert_eq!(err.code(), ErrorCode::Integrity, "{err}");
        let err = client
            .inspect(&reference(&proxy, "team/app:v1"), None)
            .await
            .expect_err("forged config");
        assert_eq!(err.code(), ErrorCode::Integrity, "{err}");
        assert!(err.to_string().contains(&seeded.app.config.digest), "{err}");
    });
}

#[test]
fn oversized_manifests_and_garbage_are_refused() {
    let registry = TestRegistry::start(Auth::None);
    seed::standard(&registry);
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject(
        "/manifests/v1",
        Fault::ReplaceBody(vec![b' '; 5 * 1024 * 1024]),
        1,
    );
    proxy.inject(
        "/manifests/v2",
        Fault::ReplaceBody(b"<html><script>alert(1)</script></html>".to_vec()),
        1,
    );
    block_on(async {
        let client = Client::anonymous();
        let err = client
            .manifest(&reference(&proxy, "team/app:v1"))
            .await
            .expect_err("too large");
        assert_eq!(err.code(), ErrorCode::TooLarge, "{err}");
        assert!(matches!(err, Error::TooLarge { .. }), "{err}");
        let err = client
            .manifest(&reference(&proxy, "team/app:v2"))
            .await
            .expect_err("garbage");
        assert!(
            matches!(err.code(), ErrorCode::Integrity | ErrorCode::Protocol),
            "{err}"
        );
    });
}

#[test]
fn a_pull_refuses_a_wrong_blob_and_writes_nothing_visible() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let proxy = FaultyProxy::start(&registry.host);
    let bad_layer = &seeded.app.layers[1];
    proxy.inject(
        &format!("/blobs/{}", bad_layer.digest),
        Fault::ReplaceBody(vec![7u8; bad_layer.bytes.len()]),
        100,
    );
    proxy.inject(
        &format!("/blobs/{}", seeded.app.layers[0].digest),
        Fault::Reset,
        2,
    );
    let work = tempfile::tempdir().expect("tmp");
    let dir = work.path().join("out");
    let options = portolan::PullOptions::default();
    let err = block_on(Client::anonymous().pull_to_layout(
        &reference(&proxy, "team/app:v1"),
        &dir,
        &options,
    ))
    .expect_err("bad layer");
    assert_eq!(err.code(), ErrorCode::Integrity, "{err}");
    assert!(err.to_string().contains(&bad_layer.digest), "{err}");
    assert!(!dir.join("index.json").exists());
    let hex = bad_layer.digest.trim_start_matches("sha256:");
    assert!(
        !dir.join("blobs/sha256").join(hex).exists(),
        "a bad blob never lands under its digest"
    );
    // An archive pull leaves no archive either.
    let file = work.path().join("out.tar");
    let err = block_on(Client::anonymous().pull_to_archive(
        &reference(&proxy, "team/app:v1"),
        &file,
        &options,
    ))
    .expect_err("bad layer");
    assert_eq!(err.code(), ErrorCode::Integrity);
    assert!(!file.exists());
}

#[test]
fn a_copy_from_a_lying_source_stops_before_the_destination_commits_anything() {
    let source = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&source);
    let dest = TestRegistry::start(Auth::None);
    let proxy = FaultyProxy::start(&source.host);
    let layer = &seeded.app.layers[0];
    proxy.inject(
        &format!("GET /v2/team/app/blobs/{}", layer.digest),
        Fault::ReplaceBody(vec![1u8; layer.bytes.len()]),
        100,
    );
    let to = Reference::parse(&format!("{}/mirror/app:v1", dest.host)).expect("ref");
    let client = Client::anonymous();
    let err = block_on(client.copy(
        &reference(&proxy, "team/app:v1"),
        &to,
        false,
        &portolan::PushOptions::default(),
    ))
    .expect_err("lying source");
    assert_eq!(err.code(), ErrorCode::Integrity, "{err}");
    assert!(err.to_string().contains(&layer.digest), "{err}");
    let missing = block_on(client.manifest(&to)).expect_err("no manifest at the destination");
    assert_eq!(missing.code(), ErrorCode::NotFound);
    let dst = client.registry(&dest.host).expect("client");
    let digest = portolan::Digest::parse(&layer.digest).expect("digest");
    assert_eq!(
        block_on(dst.blob_size("mirror/app", &digest)).expect("HEAD"),
        None,
        "the bad blob was not committed"
    );
}

#[test]
fn a_pull_through_a_flaky_connection_resumes_and_lands_verified() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let proxy = FaultyProxy::start(&registry.host);
    // The biggest layer is cut off halfway twice, another is refused once, and the
    // manifest comes with a misleading Content-Type (the body's mediaType decides).
    proxy.inject(
        &format!("/blobs/{}", seeded.app.layers[0].digest),
        Fault::Truncate,
        2,
    );
    proxy.inject(
        &format!("/blobs/{}", seeded.app.layers[1].digest),
        Fault::Status(503, None),
        1,
    );
    proxy.inject("/manifests/v1", Fault::ContentType("text/html".into()), 1);
    let work = tempfile::tempdir().expect("tmp");
    let dir = work.path().join("out");
    let report = block_on(Client::anonymous().pull_to_layout(
        &reference(&proxy, "team/app:v1"),
        &dir,
        &portolan::PullOptions::default(),
    ))
    .expect("pull survives a flaky connection");
    assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
    for blob in seeded.app.layers.iter().chain([&seeded.app.config]) {
        let hex = blob.digest.trim_start_matches("sha256:");
        assert_eq!(
            std::fs::read(dir.join("blobs/sha256").join(hex)).expect("blob"),
            blob.bytes
        );
    }
    let ranged = proxy
        .requests()
        .iter()
        .filter(|l| l.contains(&seeded.app.layers[0].digest) && l.contains("range=bytes="))
        .count();
    assert!(
        ranged >= 1,
        "the cut-off layer resumed with a Range request: {:?}",
        proxy.requests()
    );
}

/// Whether the registry holds blob `digest` in `repo`.
fn registry_has_blob(registry: &TestRegistry, repo: &str, digest: &str) -> bool {
    registry
        .http_client()
        .head(format!("{}/v2/{repo}/blobs/{digest}", registry.base_url()))
        .send()
        .expect("head")
        .status()
        .is_success()
}

#[test]
fn a_push_reads_only_regular_files_of_the_declared_size_and_digest() {
    use portolan::{PushOptions, PushSource};
    use portolan_tests::images::{build_image, write_oci_layout, ImageSpec};
    let registry = TestRegistry::start(Auth::None);
    let work = tempfile::tempdir().expect("tmp");
    let image = build_image(&ImageSpec::new("tampered", "amd64", &[300_000, 2_000]));
    let big = &image.layers[0];
    let layout = |name: &str| {
        let dir = work.path().join(name);
        write_oci_layout(&dir, &image, "v1");
        let file = dir
            .join("blobs/sha256")
            .join(big.digest.trim_start_matches("sha256:"));
        (dir, file)
    };
    let push = |dir: &std::path::Path, chunk_size: u64| {
        let reference = Reference::parse(&registry.reference("tampered/app:v1")).expect("ref");
        let options = PushOptions {
            chunk_size,
            ..PushOptions::default()
        };
        block_on(Client::anonymous().push(
            &PushSource::parse(&dir.display().to_string()),
            &reference,
            &options,
        ))
        .expect_err("refused")
    };

    // A symlink to a file outside the layout (here: the right bytes, even) is not read.
    let (dir, file) = layout("symlink");
    let outside = work.path().join("outside");
    std::fs::rename(&file, &outside).expect("move out");
    std::os::unix::fs::symlink(&outside, &file).expect("symlink");
    let err = push(&dir, 64 * 1024 * 1024);
    assert_eq!(err.code(), ErrorCode::Input, "{err}");
    assert!(matches!(err, Error::BadSource { .. }), "{err}");
    assert!(err.to_string().contains("symbolic link"), "{err}");

    // A file shorter than declared: named, before anything is sent.
    let (dir, file) = layout("short");
    std::fs::write(&file, &big.bytes[..1000]).expect("truncate");
    let err = push(&dir, 64 * 1024 * 1024);
    assert_eq!(err.code(), ErrorCode::Input, "{err}");
    assert!(matches!(err, Error::BadSource { .. }), "{err}");
    assert!(
        err.to_string().contains(&file.display().to_string()),
        "{err}"
    );
    assert!(err.to_string().contains("1000 bytes"), "{err}");

    // The right size, other bytes: refused before the last byte, in one request or in
    // chunks, naming the file and both digests; the registry never gets the blob.
    for chunk_size in [64 * 1024 * 1024, 64 * 1024] {
        let (dir, file) = layout(&format!("edited-{chunk_size}"));
        let mut bytes = big.bytes.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&file, &bytes).expect("edit");
        let err = push(&dir, chunk_size);
        let text = err.to_string();
        assert_eq!(err.code(), ErrorCode::Input, "{text}");
        assert!(matches!(err, Error::BadSource { .. }), "{text}");
        assert!(text.contains(&file.display().to_string()), "{text}");
        assert!(text.contains(&big.digest), "expected digest named: {text}");
        assert!(
            text.contains(&sha256_hex(&bytes)),
            "actual digest named: {text}"
        );
        assert!(
            !registry_has_blob(&registry, "tampered/app", &big.digest),
            "nothing was committed (chunk size {chunk_size})"
        );
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    portolan_tests::images::sha256(bytes)
}

#[test]
fn an_untag_that_fails_half_way_puts_the_tag_back() {
    let registry = TestRegistry::start_with(Auth::None, true);
    let seeded = seed::standard(&registry);
    let app = &seeded.app.manifest.digest;
    let proxy = FaultyProxy::start(&registry.host);
    let client = Client::anonymous();
    let points_at = |tag: &str| {
        block_on(client.resolve_digest(&reference(&proxy, &format!("team/app:{tag}"))))
            .expect("tag resolves")
            .to_string()
    };
    // The delete of the placeholder fails in each way a registry can fail it (5xx and
    // resets are tried 4 times in all).
    for (fault, times, code) in [
        (Fault::Status(500, None), 4, ErrorCode::Registry),
        (Fault::Status(403, None), 1, ErrorCode::Forbidden),
        (Fault::Reset, 4, ErrorCode::Unreachable),
    ] {
        proxy.inject(
            "DELETE /v2/team/app/manifests/sha256:",
            fault.clone(),
            times,
        );
        let err = block_on(client.untag(&reference(&proxy, "team/app:v2")))
            .expect_err("the delete fails");
        assert_eq!(err.code(), code, "{fault:?}: {err}");
        assert_eq!(&points_at("v2"), app, "{fault:?}: v2 points where it did");
    }
    // The restore fails too: the error says which digest the tag pointed at.
    proxy.inject(
        "DELETE /v2/team/app/manifests/sha256:",
        Fault::Status(500, None),
        4,
    );
    proxy.inject_after(
        "PUT /v2/team/app/manifests/v2",
        1,
        Fault::Status(500, None),
        4,
    );
    let err = block_on(client.untag(&reference(&proxy, "team/app:v2"))).expect_err("both fail");
    assert_eq!(err.code(), ErrorCode::Incomplete, "{err}");
    assert!(err.to_string().contains(app.as_str()), "{err}");

    // `REPO:TAG@DIGEST` refuses when the tag moved, and untags when it did not.
    let direct = Client::anonymous();
    let r = |rest: &str| Reference::parse(&registry.reference(rest)).expect("ref");
    let other = "sha256:".to_owned() + &"0".repeat(64);
    let err = block_on(direct.untag(&r(&format!("team/app:v1@{other}")))).expect_err("moved");
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(err.to_string().contains(app.as_str()), "{err}");
    block_on(direct.untag(&r(&format!("team/app:v1@{app}")))).expect("untag at the digest");
    let tags = block_on(direct.tags(&r("team/app"))).expect("tags");
    assert!(!tags.contains(&"v1".to_owned()), "{tags:?}");
}
