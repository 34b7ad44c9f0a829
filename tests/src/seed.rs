//! The standard test data set, pushed into a fresh registry: a three-layer OCI image, a
//! Docker-format image, a two-platform index, and optionally many tags or repositories.

use crate::images::{
    build_image, build_index, Blob, ImageSpec, Pusher, TestImage, OCI_INDEX, OCI_MANIFEST,
};
use crate::registry::TestRegistry;

/// What was pushed, to check answers against.
pub struct Seeded {
    /// `team/app:v1` and `:v2` (same image).
    pub app: TestImage,
    /// `team/legacy:v1`, Docker v2 schema 2.
    pub legacy: TestImage,
    /// `team/multi:1.0`: amd64 and arm64/v8 images.
    pub multi_amd64: TestImage,
    /// The arm64 image of the index.
    pub multi_arm64: TestImage,
    /// The index's digest.
    pub multi_digest: String,
    /// `public/hello:latest`, pullable anonymously in token mode.
    pub public: TestImage,
}

/// Push the standard set.
pub fn standard(registry: &TestRegistry) -> Seeded {
    let pusher = Pusher::new(registry);
    let app = build_image(&ImageSpec::new("app", "amd64", &[150_000, 60_000, 5_000]));
    pusher.push_image("team/app", "v1", &app);
    pusher.push_manifest("team/app", "v2", &app.manifest);
    let mut legacy_spec = ImageSpec::new("legacy", "amd64", &[30_000, 2_000]);
    legacy_spec.docker_format = true;
    let legacy = build_image(&legacy_spec);
    pusher.push_image("team/legacy", "v1", &legacy);
    let amd = ImageSpec::new("multi-amd64", "amd64", &[40_000]);
    let mut arm = ImageSpec::new("multi-arm64", "arm64", &[41_000, 1_000]);
    arm.variant = Some("v8".into());
    let (multi_amd64, multi_arm64) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &multi_amd64), (&arm, &multi_arm64)], false);
    pusher.push_index("team/multi", "1.0", &[&multi_amd64, &multi_arm64], &index);
    let public = build_image(&ImageSpec::new("public", "amd64", &[8_000]));
    pusher.push_image("public/hello", "latest", &public);
    Seeded {
        app,
        legacy,
        multi_amd64,
        multi_arm64,
        multi_digest: index.digest,
        public,
    }
}

/// Tag one small image `count` times in `repo` (`t0000`, `t0001`, ...).
pub fn many_tags(registry: &TestRegistry, repo: &str, count: usize) -> Vec<String> {
    let pusher = Pusher::new(registry);
    let image = build_image(&ImageSpec::new("tags", "amd64", &[1_000]));
    let tags: Vec<String> = (0..count).map(|i| format!("t{i:04}")).collect();
    pusher.push_image(repo, &tags[0], &image);
    for tag in &tags[1..] {
        pusher.push_manifest(repo, tag, &image.manifest);
    }
    tags
}

/// Images built on consecutive days (the first on 2026-01-01), the `i`th carrying
/// `tags_per_image[i]` tags named `d{i}-{j}`: a repository to clean up. Returns each
/// image's digest and tags, oldest first.
pub fn dated_images(
    registry: &TestRegistry,
    repo: &str,
    tags_per_image: &[usize],
) -> Vec<(String, Vec<String>)> {
    let pusher = Pusher::new(registry);
    let mut out = Vec::new();
    for (i, &count) in tags_per_image.iter().enumerate() {
        let mut spec = ImageSpec::new(&format!("dated-{i}"), "amd64", &[300]);
        spec.created = format!("2026-01-{:02}T10:00:00Z", i + 1);
        let image = build_image(&spec);
        let tags: Vec<String> = (0..count).map(|j| format!("d{i}-{j}")).collect();
        pusher.push_image(repo, &tags[0], &image);
        for tag in &tags[1..] {
            pusher.push_manifest(repo, tag, &image.manifest);
        }
        out.push((image.manifest.digest.clone(), tags));
    }
    out
}

/// Push one small image into `count` repositories (`fleet/r000`, ...), mounting blobs.
pub fn many_repositories(registry: &TestRegistry, count: usize) -> Vec<String> {
    let pusher = Pusher::new(registry);
    let image = build_image(&ImageSpec::new("fleet", "amd64", &[1_000]));
    let names: Vec<String> = (0..count).map(|i| format!("fleet/r{i:03}")).collect();
    pusher.push_image(&names[0], "v1", &image);
    for name in &names[1..] {
        pusher.push_image_mounted(name, &names[0], "v1", &image);
    }
    names
}

/// Push a signature-like artifact referring to `subject`, listed (as registries without
/// the referrers API do it) in the fallback tag `sha256-<hex>`. Returns the artifact.
pub fn referrer(registry: &TestRegistry, repo: &str, subject: &Blob) -> Blob {
    let empty = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    let kind = "application/vnd.dev.cosign.artifact.sig.v1+json";
    let artifact = Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": kind,
            "config": {"mediaType": empty.media_type, "digest": empty.digest, "size": 2},
            "layers": [{"mediaType": empty.media_type, "digest": empty.digest, "size": 2}],
            "subject": {"mediaType": subject.media_type, "digest": subject.digest, "size": subject.bytes.len()},
        }))
        .expect("json"),
    );
    let index = Blob::new(
        OCI_INDEX,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_INDEX,
            "manifests": [{"mediaType": artifact.media_type, "digest": artifact.digest,
                           "size": artifact.bytes.len(), "artifactType": kind}],
        }))
        .expect("json"),
    );
    let pusher = Pusher::new(registry);
    pusher.push_blob(repo, &empty);
    pusher.push_manifest(repo, &artifact.digest, &artifact);
    let tag = format!("sha256-{}", subject.digest.trim_start_matches("sha256:"));
    pusher.push_manifest(repo, &tag, &index);
    artifact
}
