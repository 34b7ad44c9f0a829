//! Transfers against real registries: pull (OCI layout and docker archive, by tag and by
//! digest, one platform or all), push (from either), tag, untag, delete, copy (within one
//! registry, mounted; between two, streamed), resume after an interrupted pull,
//! cancellation, and interop with skopeo in both directions.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use portolan::transfer::progress::ProgressEvent;
use portolan::{
    Client, Credential, CredentialChain, Platform, PlatformChoice, PullOptions, PushOptions,
    PushSource, Reference, TransportOptions,
};
use portolan::{Error, ErrorCode};
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, sha256, write_oci_layout, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{block_on, seed, skopeo};

const USER: (&str, &str) = ("dana", "d4na-pass");

fn users() -> Vec<(String, String)> {
    vec![(USER.0.into(), USER.1.into())]
}

fn client_for(registries: &[&TestRegistry]) -> Client {
    let mut chain = CredentialChain::new();
    for r in registries {
        chain = chain.with_explicit(&r.host, Credential::password(USER.0, USER.1));
    }
    Client::new(TransportOptions::default(), chain)
}

fn r(registry: &TestRegistry, rest: &str) -> Reference {
    Reference::parse(&registry.reference(rest)).expect("reference")
}

/// Every blob file in a layout hashes to its name.
fn assert_layout_verified(dir: &Path) {
    for entry in std::fs::read_dir(dir.join("blobs/sha256")).expect("blobs") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert_eq!(
            sha256(&bytes),
            format!("sha256:{name}"),
            "{}",
            path.display()
        );
    }
    assert!(
        !dir.join(".portolan-partial").exists(),
        "no partial files left after success"
    );
}

#[test]
fn pull_to_layout_and_archive_by_tag_and_digest() {
    let registry = TestRegistry::start(Auth::Token(users()));
    let seeded = seed::standard(&registry);
    let work = tempfile::tempdir().expect("tmp");
    let client = client_for(&[&registry]);
    let layout = work.path().join("app");
    let by_digest = work.path().join("app-by-digest");
    let archive = work.path().join("app.tar");
    block_on(async {
        let report = client
            .pull_to_layout(
                &r(&registry, "team/app:v1"),
                &layout,
                &PullOptions::default(),
            )
            .await
            .expect("pull");
        assert_eq!(report.digest.to_string(), seeded.app.manifest.digest);
        assert_eq!(report.blobs, 4);
        let digest_ref = r(
            &registry,
            &format!("team/app@{}", seeded.app.manifest.digest),
        );
        client
            .pull_to_layout(&digest_ref, &by_digest, &PullOptions::default())
            .await
            .expect("pull by digest");
        client
            .pull_to_archive(
                &r(&registry, "team/app:v1"),
                &archive,
                &PullOptions::default(),
            )
            .await
            .expect("archive");
        // Pulling again fetches nothing: every blob is there and valid.
        let again = client
            .pull_to_layout(
                &r(&registry, "team/app:v1"),
                &layout,
                &PullOptions::default(),
            )
            .await
            .expect("again");
        assert_eq!((again.skipped, again.transferred_bytes), (4, 0));
    });
    assert_layout_verified(&layout);
    assert_layout_verified(&by_digest);
    // The files are byte-identical to what was pushed.
    for blob in seeded
        .app
        .layers
        .iter()
        .chain([&seeded.app.config, &seeded.app.manifest])
    {
        let path = layout
            .join("blobs/sha256")
            .join(blob.digest.trim_start_matches("sha256:"));
        assert_eq!(std::fs::read(path).expect("blob"), blob.bytes);
    }
    // skopeo reads the layout and the archive.
    let inspected: serde_json::Value = serde_json::from_str(&skopeo::run(&[
        "inspect",
        &format!("oci:{}:v1", layout.display()),
    ]))
    .expect("json");
    assert_eq!(inspected["Digest"], seeded.app.manifest.digest.as_str());
    let out = work.path().join("from-archive");
    skopeo::run(&[
        "copy",
        &format!("docker-archive:{}", archive.display()),
        &format!("oci:{}:x", out.display()),
    ]);
    let from_archive: serde_json::Value = serde_json::from_str(&skopeo::run(&[
        "inspect",
        &format!("docker-archive:{}", archive.display()),
    ]))
    .expect("json");
    assert_eq!(from_archive["Layers"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        from_archive["Labels"]["org.opencontainers.image.title"],
        "test image app"
    );
    assert!(
        !portolan::transfer::pull::staging_dir(&archive).exists(),
        "staging folder removed"
    );
}

#[test]
fn pull_one_platform_or_all() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let work = tempfile::tempdir().expect("tmp");
    let client = client_for(&[]);
    block_on(async {
        let arm = PullOptions {
            platform: PlatformChoice::One(Platform::parse("linux/arm64").expect("platform")),
            ..PullOptions::default()
        };
        let report = client
            .pull_to_layout(
                &r(&registry, "team/multi:1.0"),
                &work.path().join("arm"),
                &arm,
            )
            .await
            .expect("arm");
        assert_eq!(
            report.digest.to_string(),
            seeded.multi_arm64.manifest.digest
        );
        let all = PullOptions {
            platform: PlatformChoice::All,
            ..PullOptions::default()
        };
        let report = client
            .pull_to_layout(
                &r(&registry, "team/multi:1.0"),
                &work.path().join("all"),
                &all,
            )
            .await
            .expect("all");
        assert_eq!(report.digest.to_string(), seeded.multi_digest);
        assert_eq!(report.blobs, 5);
        let err = client
            .pull_to_archive(
                &r(&registry, "team/multi:1.0"),
                &work.path().join("all.tar"),
                &all,
            )
            .await
            .expect_err("archive of all");
        assert!(err.to_string().contains("OCI layout"), "{err}");
    });
    assert_layout_verified(&work.path().join("all"));
    for image in [&seeded.multi_amd64, &seeded.multi_arm64] {
        assert!(work
            .path()
            .join("all/blobs/sha256")
            .join(image.manifest.digest.trim_start_matches("sha256:"))
            .is_file());
    }
    // skopeo copies the whole index out of our layout.
    skopeo::run(&[
        "copy",
        "--all",
        &format!("oci:{}:1.0", work.path().join("all").display()),
        &format!("oci:{}:1.0", work.path().join("copy").display()),
    ]);
}

#[test]
fn push_from_layout_and_archive_then_mount_into_another_repository() {
    let registry = TestRegistry::start(Auth::Token(users()));
    let work = tempfile::tempdir().expect("tmp");
    let image = build_image(&ImageSpec::new(
        "pushme",
        "amd64",
        &[200_000, 50_000, 1_000],
    ));
    let layout = work.path().join("layout");
    write_oci_layout(&layout, &image, "v1");
    let client = client_for(&[&registry]);
    let counted = Arc::new(AtomicU64::new(0));
    let seen = counted.clone();
    let options = PushOptions {
        chunk_size: 64 * 1024, // the large layer goes in chunks
        progress: Arc::new(move |e| {
            if let ProgressEvent::Finished {
                transferred_bytes, ..
            } = e
            {
                seen.store(transferred_bytes, Ordering::SeqCst);
            }
        }),
        ..PushOptions::default()
    };
    block_on(async {
        let source = PushSource::parse(&format!("{}:v1", layout.display()));
        let report = client
            .push(&source, &r(&registry, "pushed/app:v1"), &options)
            .await
            .expect("push");
        assert_eq!(report.digest.to_string(), image.manifest.digest);
        assert_eq!(report.skipped + report.mounted, 0);
        let size: u64 = image
            .layers
            .iter()
            .chain([&image.config])
            .map(|b| b.bytes.len() as u64)
            .sum();
        assert_eq!(
            counted.load(Ordering::SeqCst),
            size,
            "progress reported every byte"
        );
        // Again to the same repository: everything skipped.
        let again = client
            .push(&source, &r(&registry, "pushed/app:v1"), &options)
            .await
            .expect("again");
        assert_eq!((again.skipped, again.transferred_bytes), (4, 0));
        // To another repository of the same registry: mounted, no bytes.
        let other = client
            .push(&source, &r(&registry, "pushed/other:v1"), &options)
            .await
            .expect("other repo");
        assert_eq!((other.mounted, other.transferred_bytes), (4, 0));
    });
    let inspected: serde_json::Value = serde_json::from_str(&skopeo::run(&[
        "inspect",
        "--tls-verify=false",
        "--creds",
        &format!("{}:{}", USER.0, USER.1),
        &format!("docker://{}", registry.reference("pushed/other:v1")),
    ]))
    .expect("json");
    assert_eq!(inspected["Digest"], image.manifest.digest.as_str());
    // A docker archive written by skopeo pushes too.
    let archive = work.path().join("app.tar");
    skopeo::run(&[
        "copy",
        &format!("oci:{}:v1", layout.display()),
        &format!("docker-archive:{}:team/app:v1", archive.display()),
    ]);
    block_on(async {
        let report = client
            .push(
                &PushSource::parse(&archive.display().to_string()),
                &r(&registry, "pushed/fromtar:v1"),
                &PushOptions::default(),
            )
            .await
            .expect("push archive");
        let shown = client
            .inspect(&r(&registry, "pushed/fromtar:v1"), None)
            .await
            .expect("inspect");
        assert_eq!(shown.digest, report.digest);
        assert_eq!(shown.image.expect("image").layers.len(), 3);
    });
}

#[test]
fn what_skopeo_pushes_portolan_pulls_byte_identical() {
    let registry = TestRegistry::start(Auth::Htpasswd(users()));
    let work = tempfile::tempdir().expect("tmp");
    let image = build_image(&ImageSpec::new("from-skopeo", "amd64", &[90_000, 4_000]));
    let source = work.path().join("source");
    write_oci_layout(&source, &image, "v1");
    skopeo::run(&[
        "copy",
        "--dest-tls-verify=false",
        "--dest-creds",
        &format!("{}:{}", USER.0, USER.1),
        &format!("oci:{}:v1", source.display()),
        &format!("docker://{}", registry.reference("skopeo/app:v1")),
    ]);
    let out = work.path().join("out");
    block_on(client_for(&[&registry]).pull_to_layout(
        &r(&registry, "skopeo/app:v1"),
        &out,
        &PullOptions::default(),
    ))
    .expect("pull");
    for blob in image.layers.iter().chain([&image.config, &image.manifest]) {
        let hex = blob.digest.trim_start_matches("sha256:");
        assert_eq!(
            std::fs::read(out.join("blobs/sha256").join(hex)).expect("blob"),
            blob.bytes,
            "{hex}"
        );
    }
}

#[test]
fn tag_untag_and_delete() {
    let registry = TestRegistry::start(Auth::Token(users()));
    let seeded = seed::standard(&registry);
    let client = client_for(&[&registry]);
    block_on(async {
        let digest = client
            .tag(&r(&registry, "team/app:v1"), "v9")
            .await
            .expect("tag");
        assert_eq!(digest.to_string(), seeded.app.manifest.digest);
        assert_eq!(
            client.tags(&r(&registry, "team/app")).await.expect("tags"),
            vec!["v1", "v2", "v9"]
        );
        client
            .untag(&r(&registry, "team/app:v9"))
            .await
            .expect("untag");
        assert_eq!(
            client.tags(&r(&registry, "team/app")).await.expect("tags"),
            vec!["v1", "v2"]
        );
        for tag in ["v1", "v2"] {
            let d = client
                .resolve_digest(&r(&registry, &format!("team/app:{tag}")))
                .await
                .expect("still there");
            assert_eq!(
                d.to_string(),
                seeded.app.manifest.digest,
                "{tag} kept its image"
            );
        }
        let err = client
            .untag(&r(&registry, "team/app:nope"))
            .await
            .expect_err("missing tag");
        assert_eq!(err.code(), ErrorCode::NotFound);
        let err = client
            .tag(&r(&registry, "team/app:v1"), "<bad>")
            .await
            .expect_err("bad tag");
        assert!(err.to_string().contains("not a valid tag"), "{err}");
        // Delete by digest takes every tag on it, and nothing else.
        client
            .delete(&r(
                &registry,
                &format!("team/app@{}", seeded.app.manifest.digest),
            ))
            .await
            .expect("delete");
        assert!(client
            .tags(&r(&registry, "team/app"))
            .await
            .expect("tags")
            .is_empty());
        client
            .inspect(&r(&registry, "team/legacy:v1"), None)
            .await
            .expect("other repositories untouched");
        let err = client
            .delete(&r(&registry, "team/legacy:v1"))
            .await
            .expect_err("delete needs a digest");
        assert!(err.to_string().contains("untag"), "{err}");
    });
}

#[test]
fn untag_on_a_registry_without_deletes_says_so_and_changes_nothing() {
    let registry = TestRegistry::start_with(Auth::None, false);
    let seeded = seed::standard(&registry);
    let client = client_for(&[]);
    block_on(async {
        let err = client
            .untag(&r(&registry, "team/app:v2"))
            .await
            .expect_err("no deletes");
        assert_eq!(err.code(), ErrorCode::Unsupported, "{err}");
        assert!(matches!(err, Error::DeleteUnsupported { .. }), "{err}");
        assert!(err.to_string().contains("storage.delete.enabled"), "{err}");
        let d = client
            .resolve_digest(&r(&registry, "team/app:v2"))
            .await
            .expect("tag still there");
        assert_eq!(
            d.to_string(),
            seeded.app.manifest.digest,
            "the tag points where it did"
        );
    });
}

#[test]
fn copy_between_registries_streams_and_within_one_mounts() {
    let source = TestRegistry::start(Auth::Token(users()));
    let dest = TestRegistry::start(Auth::Htpasswd(users()));
    let seeded = seed::standard(&source);
    // A signature-like referrer through the fallback tag.
    let index = portolan_tests::images::Blob::new(portolan_tests::images::OCI_INDEX, Vec::new());
    let subject = portolan_tests::images::Blob {
        digest: seeded.multi_digest.clone(),
        ..index
    };
    let signature = seed::referrer(&source, "team/multi", &subject);
    let client = client_for(&[&source, &dest]);
    block_on(async {
        let report = client
            .copy(
                &r(&source, "team/multi:1.0"),
                &r(&dest, "mirror/multi:1.0"),
                true,
                &PushOptions::default(),
            )
            .await
            .expect("copy across registries");
        assert_eq!(report.push.digest.to_string(), seeded.multi_digest);
        assert_eq!(report.push.mounted, 0);
        assert!(report.push.transferred_bytes > 0);
        let copied = client
            .inspect(
                &r(&dest, "mirror/multi:1.0"),
                Some(&Platform::parse("linux/arm64").expect("p")),
            )
            .await
            .expect("inspect copy");
        assert_eq!(
            copied.image.expect("image").digest.to_string(),
            seeded.multi_arm64.manifest.digest
        );
        let fallback = format!(
            "mirror/multi:sha256-{}",
            seeded.multi_digest.trim_start_matches("sha256:")
        );
        client
            .manifest(&r(&dest, &fallback))
            .await
            .expect("referrer tag copied");
        let sig = client
            .manifest(&r(&dest, &format!("mirror/multi@{}", signature.digest)))
            .await
            .expect("signature copied");
        assert_eq!(sig.bytes, signature.bytes);
        // Within one registry: every blob mounted.
        let within = client
            .copy(
                &r(&source, "team/app:v1"),
                &r(&source, "copies/app:v1"),
                false,
                &PushOptions::default(),
            )
            .await
            .expect("copy within");
        assert_eq!((within.push.mounted, within.push.transferred_bytes), (4, 0));
        assert_eq!(within.push.digest.to_string(), seeded.app.manifest.digest);
    });
}

#[test]
fn an_interrupted_pull_resumes_with_range_and_a_cancelled_one_leaves_nothing_visible() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("big", "amd64", &[3_000_000]));
    Pusher::new(&registry).push_image("big/image", "v1", &image);
    let proxy = portolan_tests::faulty_proxy::FaultyProxy::start(&registry.host);
    let layer = &image.layers[0];
    let work = tempfile::tempdir().expect("tmp");
    let dir = work.path().join("layout");
    let reference = Reference::parse(&format!("{}/big/image:v1", proxy.host)).expect("ref");
    let client = Client::anonymous();
    // Cancel once a third of the layer has arrived.
    let cancel = portolan::Cancel::new();
    let trigger = cancel.clone();
    let size = layer.bytes.len() as u64;
    let options = PullOptions {
        jobs: 1,
        cancel: cancel.clone(),
        progress: Arc::new(move |e| {
            if let ProgressEvent::Blob { done, total, .. } = e {
                if total == size && done > size / 3 {
                    trigger.cancel();
                }
            }
        }),
        ..PullOptions::default()
    };
    let err = block_on(client.pull_to_layout(&reference, &dir, &options)).expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert!(
        !dir.join("index.json").exists(),
        "nothing half-done is visible"
    );
    assert!(!dir
        .join("blobs/sha256")
        .join(layer.digest.trim_start_matches("sha256:"))
        .exists());
    // Pull again: the layer resumes from where it stopped, with a Range request.
    let report = block_on(client.pull_to_layout(&reference, &dir, &PullOptions::default()))
        .expect("resumed pull");
    assert_eq!(report.digest.to_string(), image.manifest.digest);
    // The report says what this run moved and what was already here, not the full size.
    assert_eq!(report.skipped, 1, "the config was already here");
    assert!(
        report.resumed_bytes > size / 3 && report.resumed_bytes < size,
        "resumed from the partial layer ({} of {size} bytes)",
        report.resumed_bytes
    );
    assert_eq!(
        report.transferred_bytes + report.resumed_bytes,
        size,
        "only the rest was fetched ({} bytes)",
        report.transferred_bytes
    );
    let ranged = proxy
        .requests()
        .iter()
        .any(|l| l.contains(&layer.digest) && l.contains("range=bytes="));
    assert!(ranged, "{:?}", proxy.requests());
    assert_layout_verified(&dir);
}

#[test]
fn a_pull_the_registry_stalls_on_stops_at_once_when_cancelled() {
    let registry = TestRegistry::start(Auth::None);
    let image = build_image(&ImageSpec::new("stalled", "amd64", &[400_000]));
    Pusher::new(&registry).push_image("team/stall", "v1", &image);
    // The registry sends half of the layer, then nothing, holding the connection open.
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject(
        &format!("/blobs/{}", image.layers[0].digest),
        Fault::Stall,
        10,
    );
    let cancel = portolan::Cancel::new();
    let fire = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        fire.cancel();
    });
    let dir = tempfile::tempdir().expect("tmp");
    let reference = Reference::parse(&format!("{}/team/stall:v1", proxy.host)).expect("reference");
    let options = PullOptions {
        cancel,
        ..PullOptions::default()
    };
    let started = std::time::Instant::now();
    let e =
        block_on(Client::anonymous().pull_to_layout(&reference, &dir.path().join("out"), &options))
            .expect_err("cancelled");
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "not waited out: {:?}",
        started.elapsed()
    );
    // The proxy saw the connection closed (not left to time out).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while proxy.closed_stalls() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        proxy.closed_stalls() > 0,
        "the stalled connection was closed"
    );
}

#[test]
fn a_chunked_push_resumes_after_a_dropped_chunk() {
    let registry = TestRegistry::start(Auth::None);
    let proxy = portolan_tests::faulty_proxy::FaultyProxy::start(&registry.host);
    proxy.inject("PATCH ", portolan_tests::faulty_proxy::Fault::Reset, 1);
    let work = tempfile::tempdir().expect("tmp");
    let image = build_image(&ImageSpec::new("chunky", "amd64", &[600_000]));
    write_oci_layout(&work.path().join("l"), &image, "v1");
    let reference = Reference::parse(&format!("{}/chunky/app:v1", proxy.host)).expect("ref");
    let options = PushOptions {
        chunk_size: 128 * 1024,
        jobs: 1,
        ..PushOptions::default()
    };
    let source = PushSource::parse(&work.path().join("l").display().to_string());
    let report =
        block_on(Client::anonymous().push(&source, &reference, &options)).expect("push resumes");
    assert_eq!(report.digest.to_string(), image.manifest.digest);
    let patches = proxy
        .requests()
        .iter()
        .filter(|l| l.starts_with("PATCH "))
        .count();
    assert!(
        patches >= 6,
        "the layer went in chunks, one of them twice: {:?}",
        proxy.requests()
    );
    // What landed is exactly the image.
    let pulled = work.path().join("back");
    block_on(Client::anonymous().pull_to_layout(
        &r(&registry, "chunky/app:v1"),
        &pulled,
        &PullOptions::default(),
    ))
    .expect("pull back");
    let hex = image.layers[0].digest.trim_start_matches("sha256:");
    assert_eq!(
        std::fs::read(pulled.join("blobs/sha256").join(hex)).expect("layer"),
        image.layers[0].bytes
    );
}
