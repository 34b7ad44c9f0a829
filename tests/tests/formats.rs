//! What users ask of local formats, answered as Docker would: `--platform` on a
//! single-platform image of another platform is refused (pull and inspect), an artifact is
//! not saved as a docker archive (refused before any layer is downloaded, pointing at an
//! OCI layout), and a push source that does not exist says "not found".

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use portolan::{Client, Platform, PlatformChoice, PullOptions, PushOptions, PushSource, Reference};
use portolan::{Error, ErrorCode};
use portolan_tests::images::{Blob, Pusher, OCI_MANIFEST};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{block_on, seed};

fn r(registry: &TestRegistry, rest: &str) -> Reference {
    Reference::parse(&registry.reference(rest)).expect("reference")
}

fn one(platform: &str) -> PullOptions {
    PullOptions {
        platform: PlatformChoice::One(Platform::parse(platform).expect("platform")),
        ..PullOptions::default()
    }
}

#[test]
fn a_platform_asked_for_must_be_the_single_images_platform() {
    let registry = TestRegistry::start(Auth::None);
    seed::standard(&registry); // team/app:v1 is a single linux/amd64 image
    let work = tempfile::tempdir().expect("tmp");
    let client = Client::anonymous();
    let app = r(&registry, "team/app:v1");
    let expected = format!(
        "image with reference {} was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64",
        registry.reference("team/app:v1")
    );
    block_on(async {
        let refused = work.path().join("arm");
        let err = client
            .pull_to_layout(&app, &refused, &one("linux/arm64"))
            .await
            .expect_err("wrong platform");
        assert_eq!(err.to_string(), expected);
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(matches!(err, Error::PlatformMismatch { .. }));
        assert!(!refused.exists(), "a refused pull leaves no folder");
        let err = client
            .pull_to_archive(&app, &work.path().join("arm.tar"), &one("linux/arm64"))
            .await
            .expect_err("wrong platform");
        assert_eq!(err.to_string(), expected);
        let err = client
            .inspect(&app, Some(&Platform::parse("linux/arm64").expect("p")))
            .await
            .expect_err("wrong platform");
        assert_eq!(err.to_string(), expected);

        // Its own platform, any platform, or none asked for: fine.
        client
            .pull_to_layout(&app, &work.path().join("amd"), &one("linux/amd64"))
            .await
            .expect("its platform");
        let any = PullOptions {
            platform: PlatformChoice::All,
            ..PullOptions::default()
        };
        client
            .pull_to_layout(&app, &work.path().join("any"), &any)
            .await
            .expect("any platform");
        let shown = client
            .inspect(&app, Some(&Platform::parse("linux/amd64").expect("p")))
            .await
            .expect("inspect its platform");
        assert_eq!(
            shown.image.expect("image").platform.map(|p| p.to_string()),
            Some("linux/amd64".to_owned())
        );
        client.inspect(&app, None).await.expect("inspect");
    });
}

#[test]
fn an_artifact_is_refused_as_a_docker_archive_before_anything_is_downloaded() {
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    let config = Blob::new("application/vnd.example.config.v1+json", b"{}".to_vec());
    let layer = Blob::new("application/vnd.example.data", vec![7u8; 4096]);
    for blob in [&config, &layer] {
        pusher.push_blob("team/artifact", blob);
    }
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": config.media_type, "digest": config.digest, "size": config.bytes.len()},
        "layers": [{"mediaType": layer.media_type, "digest": layer.digest, "size": layer.bytes.len()}],
    });
    let manifest = Blob::new(OCI_MANIFEST, serde_json::to_vec(&manifest).expect("json"));
    pusher.push_manifest("team/artifact", "v1", &manifest);

    let work = tempfile::tempdir().expect("tmp");
    let client = Client::anonymous();
    let events = Arc::new(AtomicUsize::new(0));
    let seen = events.clone();
    let options = PullOptions {
        progress: Arc::new(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        }),
        ..PullOptions::default()
    };
    let file = work.path().join("artifact.tar");
    block_on(async {
        let err = client
            .pull_to_archive(&r(&registry, "team/artifact:v1"), &file, &options)
            .await
            .expect_err("an artifact is no docker archive");
        let text = err.to_string();
        assert!(
            text.contains("application/vnd.example.config.v1+json")
                && text.contains("OCI layout")
                && !text.contains("--"),
            "{text}"
        );
        assert_eq!(err.code(), ErrorCode::Unsupported);
        assert!(matches!(err, Error::WrongKind { .. }));
        // An OCI layout takes it.
        client
            .pull_to_layout(
                &r(&registry, "team/artifact:v1"),
                &work.path().join("layout"),
                &PullOptions::default(),
            )
            .await
            .expect("an OCI layout holds artifacts");
    });
    assert_eq!(events.load(Ordering::SeqCst), 0, "nothing was downloaded");
    assert!(!file.exists());
    assert!(!portolan::transfer::pull::staging_dir(&file).exists());
}

#[test]
fn a_push_source_that_does_not_exist_says_not_found() {
    let registry = TestRegistry::start(Auth::None);
    let work = tempfile::tempdir().expect("tmp");
    let client = Client::anonymous();
    for text in [
        work.path().join("nothing-here").display().to_string(),
        format!("{}:v1", work.path().join("nothing-here").display()),
    ] {
        let err = block_on(client.push(
            &PushSource::parse(&text),
            &r(&registry, "team/x:1"),
            &PushOptions::default(),
        ))
        .expect_err("missing");
        let message = err.to_string();
        assert!(message.contains("not found"), "{message}");
        assert!(!message.contains("oci-layout"), "{message}");
    }
}
