//! What podman writes, Portolan reads and pushes; what Portolan writes, podman loads.
//!
//! Images are built with podman (`FROM scratch` + `COPY`, offline) in its three usual
//! forms — a docker archive (v2s2, plain layer tars), an OCI layout (gzip, `ref.name` =
//! `localhost/app:1`) and an OCI layout with zstd layers — then pushed, pulled and copied
//! by Portolan against a real distribution registry, and checked with `podman load`,
//! `podman pull oci:` and `skopeo inspect`: names, image IDs (config digests) and manifest
//! digests survive.

use std::path::Path;

use portolan::{Client, PullOptions, PushOptions, PushSource, Reference};
use portolan_tests::podman::Podman;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{block_on, cli, skopeo};

fn r(registry: &TestRegistry, rest: &str) -> Reference {
    Reference::parse(&registry.reference(rest)).expect("reference")
}

/// The manifest the registry holds under `repo_tag`, as skopeo sees it.
fn raw_manifest(registry: &TestRegistry, repo_tag: &str) -> serde_json::Value {
    skopeo::raw_manifest(&registry.reference(repo_tag))
}

/// `skopeo inspect`'s `Digest` of `repo_tag`.
fn registry_digest(registry: &TestRegistry, repo_tag: &str) -> String {
    skopeo::json(&[
        "inspect",
        "--tls-verify=false",
        &format!("docker://{}", registry.reference(repo_tag)),
    ])["Digest"]
        .as_str()
        .expect("digest")
        .to_owned()
}

/// The first bytes of a blob in the registry.
fn blob_head(registry: &TestRegistry, repo: &str, digest: &str) -> Vec<u8> {
    let url = format!("{}/v2/{repo}/blobs/{digest}", registry.base_url());
    let bytes = registry
        .http_client()
        .get(url)
        .send()
        .and_then(|r| r.error_for_status())
        .and_then(|r| r.bytes())
        .expect("blob");
    bytes[..bytes.len().min(4)].to_vec()
}

/// The manifest digest an OCI layout's only `index.json` entry names.
fn layout_digest(dir: &Path) -> String {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index.json"))
            .expect("json");
    index["manifests"][0]["digest"]
        .as_str()
        .expect("digest")
        .to_owned()
}

fn app_image(podman: &Podman) -> String {
    podman.build_scratch("localhost/app:1", &[("app", b"hello from podman\n")])
}

#[test]
fn an_archive_portolan_pulls_loads_in_podman_under_its_full_name() {
    let registry = TestRegistry::start(Auth::None);
    let podman = Podman::new();
    let id = app_image(&podman);
    podman.run(&[
        "push",
        "-q",
        "--tls-verify=false",
        "localhost/app:1",
        &format!("docker://{}", registry.reference("team/app:v1")),
    ]);
    let archive = podman.scratch().join("pulled.tar");
    block_on(async {
        Client::anonymous()
            .pull_to_archive(
                &r(&registry, "team/app:v1"),
                &archive,
                &PullOptions::default(),
            )
            .await
            .expect("pull --archive");
    });
    let full = registry.reference("team/app:v1");
    // A fresh store, so the name can only come from the archive.
    let fresh = Podman::new();
    let loaded = fresh.run(&["load", "-q", "-i", &archive.display().to_string()]);
    assert!(loaded.contains(&full), "podman load said: {loaded}");
    let names = fresh.names();
    assert!(names.contains(&full), "podman images: {names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("localhost/")),
        "no localhost/<tag> name: {names:?}"
    );
    assert_eq!(fresh.image_id(&full), id, "the same image (config) arrived");
    // What docker save (25+) writes: the full name for containerd and podman, the tag in
    // ref.name, and the full name in RepoTags for docker load.
    let mut tar = tar::Archive::new(std::fs::File::open(&archive).expect("archive"));
    let mut index = serde_json::Value::Null;
    let mut manifest = serde_json::Value::Null;
    for entry in tar.entries().expect("entries") {
        let entry = entry.expect("entry");
        let name = entry.path().expect("path").display().to_string();
        if name == "index.json" {
            index = serde_json::from_reader(entry).expect("index.json");
        } else if name == "manifest.json" {
            manifest = serde_json::from_reader(entry).expect("manifest.json");
        }
    }
    let annotations = &index["manifests"][0]["annotations"];
    assert_eq!(annotations["io.containerd.image.name"], full.as_str());
    assert_eq!(annotations["org.opencontainers.image.ref.name"], "v1");
    assert_eq!(manifest[0]["RepoTags"][0], full.as_str());
}

#[test]
fn a_podman_docker_archive_is_pushed_gzipped_with_a_stable_digest() {
    let registry = TestRegistry::start(Auth::None);
    let podman = Podman::new();
    let id = app_image(&podman);
    let archive = podman.scratch().join("app-docker.tar");
    podman.run(&[
        "save",
        "--format",
        "docker-archive",
        "-o",
        &archive.display().to_string(),
        "localhost/app:1",
    ]);
    let client = Client::anonymous();
    let source = PushSource::parse(&archive.display().to_string());
    let (first, second) = block_on(async {
        let first = client
            .push(
                &source,
                &r(&registry, "podman/app:v2s2"),
                &PushOptions::default(),
            )
            .await
            .expect("push");
        let second = client
            .push(
                &source,
                &r(&registry, "podman/again:v2s2"),
                &PushOptions::default(),
            )
            .await
            .expect("push again");
        (first, second)
    });
    assert_eq!(first.digest, second.digest, "same archive, same digest");
    let manifest = raw_manifest(&registry, "podman/app:v2s2");
    assert_eq!(
        manifest["mediaType"],
        "application/vnd.docker.distribution.manifest.v2+json"
    );
    // The config is podman's, unchanged: its diff_ids still describe the layers.
    assert_eq!(
        manifest["config"]["digest"],
        format!("sha256:{id}").as_str()
    );
    let layers = manifest["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 1);
    assert_eq!(
        layers[0]["mediaType"],
        "application/vnd.docker.image.rootfs.diff.tar.gzip"
    );
    let layer = layers[0]["digest"].as_str().expect("digest");
    assert_eq!(
        &blob_head(&registry, "podman/app", layer)[..2],
        &[0x1f, 0x8b],
        "the layer went up gzipped"
    );
    assert_eq!(
        registry_digest(&registry, "podman/app:v2s2"),
        first.digest.to_string()
    );
    // podman pulls it back as the same image (it checks the layers against diff_ids).
    let fresh = Podman::new();
    fresh.run(&[
        "pull",
        "-q",
        "--tls-verify=false",
        &registry.reference("podman/app:v2s2"),
    ]);
    assert_eq!(fresh.image_id(&registry.reference("podman/app:v2s2")), id);
}

#[test]
fn a_podman_oci_layout_is_pushed_by_its_full_ref_name_and_pulled_back() {
    let registry = TestRegistry::start(Auth::None);
    let podman = Podman::new();
    let id = app_image(&podman);
    let layout = podman.scratch().join("oci-dir");
    podman.run(&[
        "save",
        "--format",
        "oci-dir",
        "-o",
        &layout.display().to_string(),
        "localhost/app:1",
    ]);
    let digest = layout_digest(&layout);
    let client = Client::anonymous();
    let pulled = podman.scratch().join("pulled");
    block_on(async {
        // podman writes ref.name = "localhost/app:1": chosen by that exact name.
        let source = PushSource::parse(&format!("{}:localhost/app:1", layout.display()));
        let report = client
            .push(
                &source,
                &r(&registry, "podman/app:oci"),
                &PushOptions::default(),
            )
            .await
            .expect("push DIR:localhost/app:1");
        assert_eq!(report.digest.to_string(), digest);
        client
            .pull_to_layout(
                &r(&registry, "podman/app:oci"),
                &pulled,
                &PullOptions::default(),
            )
            .await
            .expect("pull");
    });
    assert_eq!(registry_digest(&registry, "podman/app:oci"), digest);
    assert_eq!(layout_digest(&pulled), digest);
    let fresh = Podman::new();
    assert!(fresh.pull_oci(&pulled, "oci").starts_with(&id));
}

#[test]
fn a_zstd_image_from_podman_pushes_copies_and_pulls_unchanged() {
    let registry = TestRegistry::start(Auth::None);
    let podman = Podman::new();
    let id = app_image(&podman);
    let layout = podman.scratch().join("zstd-dir");
    podman.run(&[
        "push",
        "-q",
        "--compression-format",
        "zstd",
        "localhost/app:1",
        &format!("oci:{}:zst", layout.display()),
    ]);
    let digest = layout_digest(&layout);
    let client = Client::anonymous();
    let pulled = podman.scratch().join("pulled-zstd");
    block_on(async {
        let source = PushSource::parse(&format!("{}:zst", layout.display()));
        let pushed = client
            .push(
                &source,
                &r(&registry, "podman/app:zstd"),
                &PushOptions::default(),
            )
            .await
            .expect("push");
        assert_eq!(pushed.digest.to_string(), digest);
        client
            .copy(
                &r(&registry, "podman/app:zstd"),
                &r(&registry, "copied/app:zstd"),
                false,
                &PushOptions::default(),
            )
            .await
            .expect("copy");
        client
            .pull_to_layout(
                &r(&registry, "copied/app:zstd"),
                &pulled,
                &PullOptions::default(),
            )
            .await
            .expect("pull");
    });
    let manifest = raw_manifest(&registry, "copied/app:zstd");
    let layer = &manifest["layers"][0];
    assert_eq!(
        layer["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
    assert_eq!(
        blob_head(
            &registry,
            "copied/app",
            layer["digest"].as_str().expect("digest")
        ),
        vec![0x28, 0xb5, 0x2f, 0xfd]
    );
    assert_eq!(registry_digest(&registry, "copied/app:zstd"), digest);
    let fresh = Podman::new();
    assert!(fresh.pull_oci(&pulled, "zstd").starts_with(&id));
}

#[test]
fn a_podman_archive_of_several_images_pushes_the_one_named() {
    let registry = TestRegistry::start(Auth::None);
    let podman = Podman::new();
    let app = app_image(&podman);
    let other = podman.build_scratch("localhost/other:1", &[("app", b"another image\n")]);
    let archive = podman.scratch().join("multi.tar");
    podman.run(&[
        "save",
        "-m",
        "--format",
        "docker-archive",
        "-o",
        &archive.display().to_string(),
        "localhost/app:1",
        "localhost/other:1",
    ]);
    let client = Client::anonymous();
    block_on(async {
        let err = client
            .push(
                &PushSource::parse(&archive.display().to_string()),
                &r(&registry, "podman/multi:1"),
                &PushOptions::default(),
            )
            .await
            .expect_err("two images, no name");
        let text = err.to_string();
        assert!(
            text.contains("2 images")
                && text.contains("localhost/other:1")
                && text.contains("FILE:REPO:TAG"),
            "{text}"
        );
        client
            .push(
                &PushSource::parse(&format!("{}:localhost/other:1", archive.display())),
                &r(&registry, "podman/multi:1"),
                &PushOptions::default(),
            )
            .await
            .expect("push the named image");
    });
    let manifest = raw_manifest(&registry, "podman/multi:1");
    assert_eq!(
        manifest["config"]["digest"],
        format!("sha256:{other}").as_str()
    );
    // The CLI chooses with --image as well.
    let home = tempfile::tempdir().expect("home");
    let out = cli::run(
        home.path(),
        &[
            "push",
            "--image",
            "localhost/app:1",
            &archive.display().to_string(),
            &registry.reference("podman/multi:2"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = raw_manifest(&registry, "podman/multi:2");
    assert_eq!(
        manifest["config"]["digest"],
        format!("sha256:{app}").as_str()
    );
}
