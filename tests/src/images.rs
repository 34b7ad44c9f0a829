//! Test images built in memory and pushed by a small, independent HTTP pusher.
//!
//! Layers are real gzip-compressed tar archives of pseudo-random (incompressible) data, the
//! config carries `diff_ids`, env, cmd, labels and a history with `empty_layer` steps in
//! between, so the engine's history pairing is checked against a known answer. The pusher
//! speaks the Distribution API directly (monolithic uploads, cross-repository mounts), so
//! test data does not depend on the code under test.

use std::io::Write;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use crate::registry::TestRegistry;

/// OCI media types used by the builders.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker v2 schema 2 manifest.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// Content and its digest.
#[derive(Clone, Debug)]
pub struct Blob {
    /// Media type.
    pub media_type: String,
    /// Bytes.
    pub bytes: Vec<u8>,
    /// `sha256:...`.
    pub digest: String,
}

impl Blob {
    /// Wrap bytes.
    pub fn new(media_type: &str, bytes: Vec<u8>) -> Self {
        let digest = sha256(&bytes);
        Self {
            media_type: media_type.to_owned(),
            bytes,
            digest,
        }
    }
    /// Its OCI descriptor (mediaType, digest, size).
    pub fn descriptor(&self) -> serde_json::Value {
        serde_json::json!({"mediaType": self.media_type, "digest": self.digest, "size": self.bytes.len()})
    }
}

/// `sha256:<hex>` of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// What to build.
#[derive(Clone, Debug)]
pub struct ImageSpec {
    /// Makes content unique.
    pub seed: String,
    /// `amd64`, `arm64`, ...
    pub arch: String,
    /// `v8`, ...
    pub variant: Option<String>,
    /// Uncompressed size of each layer's file.
    pub layer_sizes: Vec<usize>,
    /// Docker v2 schema 2 media types instead of OCI.
    pub docker_format: bool,
    /// Config labels.
    pub labels: Vec<(String, String)>,
    /// Manifest annotations.
    pub annotations: Vec<(String, String)>,
    /// The build date in the config (RFC 3339).
    pub created: String,
    /// Files (path, content, mode) of one more layer, on top of the others (none: no such
    /// layer), as `COPY . /` would add them.
    pub files: Vec<(String, Vec<u8>, u32)>,
}

impl ImageSpec {
    /// An OCI image for linux/`arch` with layers of these sizes.
    pub fn new(seed: &str, arch: &str, layer_sizes: &[usize]) -> Self {
        Self {
            seed: seed.to_owned(),
            arch: arch.to_owned(),
            variant: None,
            layer_sizes: layer_sizes.to_vec(),
            docker_format: false,
            labels: vec![(
                "org.opencontainers.image.title".into(),
                format!("test image {seed}"),
            )],
            annotations: Vec::new(),
            created: "2026-01-02T03:04:05Z".to_owned(),
            files: Vec::new(),
        }
    }
}

/// A built image.
#[derive(Clone, Debug)]
pub struct TestImage {
    /// The config blob.
    pub config: Blob,
    /// Layer blobs, base first.
    pub layers: Vec<Blob>,
    /// The manifest.
    pub manifest: Blob,
    /// The history line that made each layer, in order.
    pub layer_history: Vec<String>,
    /// The history lines of the steps that made no layer.
    pub empty_steps: Vec<String>,
}

/// Deterministic incompressible bytes.
pub fn noise(seed: &str, len: usize) -> Vec<u8> {
    let mut state = u64::from_le_bytes(
        Sha256::digest(seed.as_bytes())[..8]
            .try_into()
            .expect("8 bytes"),
    ) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn layer_tar(seed: &str, index: usize, size: usize) -> (Vec<u8>, String) {
    let data = noise(&format!("{seed}-{index}"), size);
    files_tar(&[(format!("data/layer-{index}.bin"), data, 0o644)])
}

/// A gzip layer holding `files` (path, content, mode), and its diff ID.
fn files_tar(files: &[(String, Vec<u8>, u32)]) -> (Vec<u8>, String) {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data, mode) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(*mode);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        builder
            .append_data(&mut header, path, data.as_slice())
            .expect("tar");
    }
    let tar = builder.into_inner().expect("tar");
    let diff_id = sha256(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).expect("gzip");
    (gz.finish().expect("gzip"), diff_id)
}

/// Build an image.
pub fn build_image(spec: &ImageSpec) -> TestImage {
    let layer_type = if spec.docker_format {
        "application/vnd.docker.image.rootfs.diff.tar.gzip"
    } else {
        "application/vnd.oci.image.layer.v1.tar+gzip"
    };
    let mut layers = Vec::new();
    let mut diff_ids = Vec::new();
    let mut history = Vec::new();
    let mut layer_history = Vec::new();
    let mut empty_steps = Vec::new();
    for (i, size) in spec.layer_sizes.iter().enumerate() {
        let (bytes, diff_id) = layer_tar(&spec.seed, i, *size);
        layers.push(Blob::new(layer_type, bytes));
        diff_ids.push(diff_id);
        let line = format!("/bin/sh -c make step-{i} SEED={}", spec.seed);
        history.push(serde_json::json!({"created": "2026-01-02T03:04:05Z", "created_by": line, "comment": "buildkit.dockerfile.v0"}));
        layer_history.push(line);
        let empty = format!("ENV STEP={i}");
        history.push(serde_json::json!({"created": "2026-01-02T03:04:05Z", "created_by": empty, "empty_layer": true}));
        empty_steps.push(empty);
    }
    if !spec.files.is_empty() {
        let (bytes, diff_id) = files_tar(&spec.files);
        layers.push(Blob::new(layer_type, bytes));
        diff_ids.push(diff_id);
        let line = "COPY . / # buildkit".to_owned();
        history.push(serde_json::json!({"created": "2026-01-02T03:04:05Z", "created_by": line, "comment": "buildkit.dockerfile.v0"}));
        layer_history.push(line);
    }
    let labels: serde_json::Map<String, serde_json::Value> = spec
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let mut config = serde_json::json!({
        "architecture": spec.arch,
        "os": "linux",
        "created": spec.created,
        "config": {
            "User": "1000:1000",
            "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", format!("SEED={}", spec.seed)],
            "Entrypoint": ["/usr/local/bin/hello"],
            "Cmd": ["--serve"],
            "WorkingDir": "/srv",
            "ExposedPorts": {"8080/tcp": {}},
            "Labels": labels,
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    });
    if let Some(v) = &spec.variant {
        config["variant"] = serde_json::Value::String(v.clone());
    }
    let config_type = if spec.docker_format {
        "application/vnd.docker.container.image.v1+json"
    } else {
        "application/vnd.oci.image.config.v1+json"
    };
    let config = Blob::new(config_type, serde_json::to_vec(&config).expect("json"));
    let manifest_type = if spec.docker_format {
        DOCKER_MANIFEST
    } else {
        OCI_MANIFEST
    };
    let mut manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
    });
    if !spec.annotations.is_empty() {
        let a: serde_json::Map<String, serde_json::Value> = spec
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        manifest["annotations"] = serde_json::Value::Object(a);
    }
    let manifest = Blob::new(manifest_type, serde_json::to_vec(&manifest).expect("json"));
    TestImage {
        config,
        layers,
        manifest,
        layer_history,
        empty_steps,
    }
}

/// An index over images, with each image's platform from its spec.
pub fn build_index(images: &[(&ImageSpec, &TestImage)], docker_format: bool) -> Blob {
    let media_type = if docker_format {
        DOCKER_LIST
    } else {
        OCI_INDEX
    };
    let manifests: Vec<serde_json::Value> = images
        .iter()
        .map(|(spec, image)| {
            let mut d = image.manifest.descriptor();
            let mut platform = serde_json::json!({"architecture": spec.arch, "os": "linux"});
            if let Some(v) = &spec.variant {
                platform["variant"] = serde_json::Value::String(v.clone());
            }
            d["platform"] = platform;
            d
        })
        .collect();
    let index =
        serde_json::json!({"schemaVersion": 2, "mediaType": media_type, "manifests": manifests});
    Blob::new(media_type, serde_json::to_vec(&index).expect("json"))
}

/// Write `image` as an OCI image layout (what `skopeo copy oci:DIR:TAG` reads).
pub fn write_oci_layout(dir: &Path, image: &TestImage, tag: &str) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    for blob in image.layers.iter().chain([&image.config, &image.manifest]) {
        let hex = blob.digest.trim_start_matches("sha256:");
        std::fs::write(blobs.join(hex), &blob.bytes).expect("write blob");
    }
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#)
        .expect("oci-layout");
    let mut d = image.manifest.descriptor();
    d["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": tag});
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [d]});
    std::fs::write(dir.join("index.json"), index.to_string()).expect("index.json");
}

/// Pushes test data with plain Distribution API calls.
pub struct Pusher<'a> {
    registry: &'a TestRegistry,
    http: reqwest::blocking::Client,
}

impl<'a> Pusher<'a> {
    /// A pusher with admin rights on `registry`.
    pub fn new(registry: &'a TestRegistry) -> Self {
        Self {
            registry,
            http: registry.http_client(),
        }
    }

    fn auth(
        &self,
        req: reqwest::blocking::RequestBuilder,
        repos: &[&str],
    ) -> reqwest::blocking::RequestBuilder {
        match self.registry.admin_authorization(repos) {
            Some(v) => req.header("Authorization", v),
            None => req,
        }
    }

    /// Upload a blob unless the repository has it.
    pub fn push_blob(&self, repo: &str, blob: &Blob) {
        let base = self.registry.base_url();
        let head = self
            .auth(
                self.http
                    .head(format!("{base}/v2/{repo}/blobs/{}", blob.digest)),
                &[repo],
            )
            .send()
            .expect("HEAD blob");
        if head.status().is_success() {
            return;
        }
        let start = self
            .auth(
                self.http.post(format!("{base}/v2/{repo}/blobs/uploads/")),
                &[repo],
            )
            .send()
            .expect("POST upload");
        assert_eq!(start.status().as_u16(), 202, "upload start for {repo}");
        let location = start.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let mut url = reqwest::Url::parse(&base)
            .expect("base")
            .join(&location)
            .expect("location url");
        url.query_pairs_mut().append_pair("digest", &blob.digest);
        let put = self
            .auth(self.http.put(url), &[repo])
            .header("Content-Type", "application/octet-stream")
            .body(blob.bytes.clone())
            .send()
            .expect("PUT blob");
        assert_eq!(
            put.status().as_u16(),
            201,
            "blob upload to {repo}: {:?}",
            put.text()
        );
    }

    /// Mount a blob from another repository (falls back to uploading on 202).
    pub fn mount_blob(&self, repo: &str, from: &str, blob: &Blob) {
        let base = self.registry.base_url();
        let resp = self
            .auth(
                self.http.post(format!(
                    "{base}/v2/{repo}/blobs/uploads/?mount={}&from={from}",
                    blob.digest
                )),
                &[repo, from],
            )
            .send()
            .expect("mount");
        if resp.status().as_u16() != 201 {
            self.push_blob(repo, blob);
        }
    }

    /// PUT a manifest under `reference` (a tag or its digest).
    pub fn push_manifest(&self, repo: &str, reference: &str, manifest: &Blob) {
        let base = self.registry.base_url();
        let resp = self
            .auth(
                self.http
                    .put(format!("{base}/v2/{repo}/manifests/{reference}")),
                &[repo],
            )
            .header("Content-Type", &manifest.media_type)
            .body(manifest.bytes.clone())
            .send()
            .expect("PUT manifest");
        assert_eq!(
            resp.status().as_u16(),
            201,
            "manifest push to {repo}:{reference}: {:?}",
            resp.text()
        );
    }

    /// Push an image's blobs and manifest, tagged.
    pub fn push_image(&self, repo: &str, tag: &str, image: &TestImage) {
        for blob in image.layers.iter().chain([&image.config]) {
            self.push_blob(repo, blob);
        }
        self.push_manifest(repo, tag, &image.manifest);
    }

    /// Push the same image to `repo` by mounting its blobs from `from`.
    pub fn push_image_mounted(&self, repo: &str, from: &str, tag: &str, image: &TestImage) {
        for blob in image.layers.iter().chain([&image.config]) {
            self.mount_blob(repo, from, blob);
        }
        self.push_manifest(repo, tag, &image.manifest);
    }

    /// Push every image by digest, then the index under `tag`.
    pub fn push_index(&self, repo: &str, tag: &str, images: &[&TestImage], index: &Blob) {
        for image in images {
            for blob in image.layers.iter().chain([&image.config]) {
                self.push_blob(repo, blob);
            }
            self.push_manifest(repo, &image.manifest.digest, &image.manifest);
        }
        self.push_manifest(repo, tag, index);
    }
}
