//! Planning a push from a `docker save` archive: the OCI layout inside Docker 25+ and
//! Portolan archives, or the legacy format (`manifest.json` naming a config file and layer
//! tars) that `podman save --format docker-archive`, skopeo and older Docker write.
//!
//! An archive with several images needs a name (`FILE:REPO:TAG`), matched as
//! [`crate::layout::select`] says (`RepoTags` in the legacy format, the `index.json`
//! annotations in the OCI one).
//!
//! Legacy layers are normally plain tars. Podman and skopeo gzip them when they push, and
//! so does Portolan: each plain layer is compressed into a temporary file in a scratch
//! folder (under the system temporary folder, `TMPDIR`), hashing the compressed bytes and
//! the plain ones as they are written, several layers at once, never whole in memory; the
//! upload then reads that file, and the folder goes when the push is done (see
//! [`PreparedPush`]). A temporary file, not compressing twice (once to hash, once to
//! send), because an upload that breaks must be able to resume from an offset of the very
//! same bytes. The gzip stream is deterministic ([`crate::layout::compression`]),
//! so the same archive always gives the same digests. The config is pushed unchanged: its
//! `rootfs.diff_ids` are the digests of the plain tars, which is what was compressed (and
//! is checked). Compression is told by magic bytes, not names: gzip layers go as they are,
//! zstd ones too (then the manifest is OCI, since Docker's schema has no zstd type).

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::digest::{Algorithm, Digest, Hasher};
use crate::error::{Error, Result};
use crate::layout::archive::Archive;
use crate::layout::compression::{self, DetectedCompression};
use crate::layout::oci::{hash_reader, IndexFile};
use crate::layout::select;
use crate::manifest::{
    DOCKER_CONFIG, DOCKER_MANIFEST, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, OCI_CONFIG, OCI_MANIFEST,
};
use crate::transfer::progress::Cancel;
use crate::transfer::push::{plan_from_entry, ManifestBytes, PreparedPush, UploadPlan};
use crate::transfer::source::BlobSource;
use crate::transfer::Blob;

/// Layers compressed (or hashed) at once.
const MAX_WORKERS: usize = 4;
const KIND: &str = "archive";
const HOW: &str = "FILE:REPO:TAG";

fn bad(path: &Path, detail: String) -> Error {
    Error::BadSource {
        path: path.display().to_string(),
        kind: KIND,
        detail,
    }
}

/// Read the archive at `path` and plan the upload of the image named `image` (or its only
/// image).
pub(crate) fn plan(path: &Path, image: Option<&str>, cancel: &Cancel) -> Result<PreparedPush> {
    let archive = Archive::open(path)?;
    if archive.is_oci() {
        return Ok(PreparedPush::new(plan_oci(&archive, image)?));
    }
    plan_legacy(&archive, image, cancel)
}

/// The names of each image in the archive at `path` (one list per image), as
/// [`select::choose`] matches them.
pub(crate) fn image_names(path: &Path) -> Result<Vec<Vec<String>>> {
    let archive = Archive::open(path)?;
    if archive.is_oci() {
        return Ok(read_index(&archive)?
            .manifests
            .iter()
            .map(select::entry_names)
            .collect());
    }
    Ok(read_legacy(&archive)?
        .into_iter()
        .map(|e| e.repo_tags.unwrap_or_default())
        .collect())
}

fn read_index(archive: &Archive) -> Result<IndexFile> {
    serde_json::from_slice(&archive.read("index.json", MAX_MANIFEST_BYTES)?).map_err(|e| {
        bad(
            archive.path(),
            format!("index.json is not an OCI index ({e})"),
        )
    })
}

fn read_legacy(archive: &Archive) -> Result<Vec<LegacyEntry>> {
    serde_json::from_slice(&archive.read("manifest.json", MAX_MANIFEST_BYTES)?).map_err(|e| {
        bad(
            archive.path(),
            format!("manifest.json is not what docker save writes ({e})"),
        )
    })
}

/// The OCI layout inside Docker 25+ and Portolan archives: pushed as it is.
fn plan_oci(archive: &Archive, image: Option<&str>) -> Result<UploadPlan> {
    let path = archive.path();
    let mut entries = read_index(archive)?.manifests;
    let names: Vec<Vec<String>> = entries.iter().map(select::entry_names).collect();
    let chosen = select::choose(&names, image, HOW).map_err(|d| bad(path, d))?;
    let entry = entries.swap_remove(chosen);
    let read = |d: &Digest, limit: u64| {
        let name = format!("blobs/{}", d.to_string().replace(':', "/"));
        let bytes = archive.read(&name, limit)?;
        if d.matches(&bytes) {
            Ok(bytes)
        } else {
            Err(bad(path, format!("{name} does not match its digest")))
        }
    };
    // Only entries of the size the manifest declares.
    let locate = |d: &Digest, size: u64| match archive.blob_slice(d) {
        Some((offset, len)) if len == size => Ok(BlobSource::File {
            path: path.to_path_buf(),
            offset,
        }),
        Some((_, len)) => Err(bad(
            path,
            format!("blob {d} holds {len} bytes, but the manifest says {size}"),
        )),
        None => Err(bad(path, format!("blob {d} is missing"))),
    };
    plan_from_entry(path, KIND, &entry, &read, &locate)
}

/// One image of a legacy `manifest.json`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LegacyEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// A layer tar of the archive: where it is and how it is compressed.
#[derive(Clone)]
struct LayerFile {
    name: String,
    offset: u64,
    size: u64,
    compression: DetectedCompression,
}

/// What the work on one layer gave: the blob and where to upload it from.
struct Ready {
    blob: Blob,
    source: BlobSource,
    /// For a plain tar that was compressed: the digest of the tar (its `diff_id`).
    diff_id: Option<Digest>,
}

/// A `docker save` archive before Docker 25: its layers are compressed (plain tars with
/// gzip, into a scratch folder) and a manifest is written for them.
fn plan_legacy(archive: &Archive, image: Option<&str>, cancel: &Cancel) -> Result<PreparedPush> {
    let path = archive.path();
    let mut entries = read_legacy(archive)?;
    let names: Vec<Vec<String>> = entries
        .iter()
        .map(|e| e.repo_tags.clone().unwrap_or_default())
        .collect();
    let chosen = select::choose(&names, image, HOW).map_err(|d| bad(path, d))?;
    let entry = entries.swap_remove(chosen);
    let config = archive.read(&entry.config, MAX_CONFIG_BYTES)?;
    let (config_offset, _) = archive
        .slice(&entry.config)
        .ok_or_else(|| bad(path, format!("it has no {}", entry.config)))?;
    let config_blob = (
        Blob {
            digest: Digest::sha256_of(&config),
            size: config.len() as u64,
        },
        BlobSource::File {
            path: path.to_path_buf(),
            offset: config_offset,
        },
    );

    let files = layer_files(archive, &entry.layers)?;
    // Each distinct layer file is worked on once, even when listed twice.
    let mut unique: Vec<LayerFile> = Vec::new();
    for f in &files {
        if !unique.iter().any(|u| u.name == f.name) {
            unique.push(f.clone());
        }
    }
    let scratch = if unique
        .iter()
        .any(|f| f.compression == DetectedCompression::None)
    {
        Some(
            tempfile::Builder::new()
                .prefix("portolan-push-")
                .tempdir()
                .map_err(|e| Error::io("cannot create", &std::env::temp_dir(), e))?,
        )
    } else {
        None
    };
    let ready = work_on_layers(path, &unique, scratch.as_ref().map(|d| d.path()), cancel)?;
    let oci = files
        .iter()
        .any(|f| f.compression == DetectedCompression::Zstd);
    let config_digest = config_blob.0.digest.clone();
    let mut blobs = vec![config_blob];
    let layers = legacy_layers(path, &config, &files, &unique, &ready, oci, &mut blobs)?;
    let plan = UploadPlan {
        root: legacy_manifest(path, &config, &config_digest, oci, layers)?,
        children: Vec::new(),
        blobs,
    };
    Ok(match scratch {
        Some(dir) => PreparedPush::with_scratch(plan, dir),
        None => PreparedPush::new(plan),
    })
}

/// Where each of `names` is in the archive and how it is compressed.
fn layer_files(archive: &Archive, names: &[String]) -> Result<Vec<LayerFile>> {
    let path = archive.path();
    names
        .iter()
        .map(|name| {
            let (offset, size) = archive
                .slice(name)
                .ok_or_else(|| bad(path, format!("it has no {name}")))?;
            Ok(LayerFile {
                name: name.clone(),
                offset,
                size,
                compression: sniff(path, offset, size)?,
            })
        })
        .collect()
}

/// The manifest's layer descriptors, in the order of `files`, each checked against the
/// config's `rootfs.diff_ids` when it was compressed here; each distinct blob is added to
/// `blobs` once.
fn legacy_layers(
    path: &Path,
    config: &[u8],
    files: &[LayerFile],
    unique: &[LayerFile],
    ready: &[Ready],
    oci: bool,
    blobs: &mut Vec<(Blob, BlobSource)>,
) -> Result<Vec<serde_json::Value>> {
    let diff_ids = diff_ids(config).filter(|d| d.len() == files.len());
    let mut layers = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        let at = unique
            .iter()
            .position(|u| u.name == file.name)
            .ok_or_else(|| bad(path, format!("{} was not read", file.name)))?;
        let done = &ready[at];
        if let (Some(actual), Some(expected)) = (&done.diff_id, diff_ids.as_ref().map(|d| &d[i])) {
            if actual.to_string() != *expected {
                return Err(bad(
                    path,
                    format!(
                        "layer {} hashes to {actual}, but the config's rootfs.diff_ids[{i}] says {expected}",
                        file.name
                    ),
                ));
            }
        }
        layers.push(serde_json::json!({
            "mediaType": layer_type(file.compression, oci),
            "size": done.blob.size,
            "digest": done.blob.digest.to_string(),
        }));
        if !blobs.iter().any(|(b, _)| b.digest == done.blob.digest) {
            blobs.push((done.blob.clone(), done.source.clone()));
        }
    }
    Ok(layers)
}

/// The manifest for `config` and `layers`: OCI when a layer is zstd (Docker's schema has
/// no zstd type), else Docker's.
fn legacy_manifest(
    path: &Path,
    config: &[u8],
    config_digest: &Digest,
    oci: bool,
    layers: Vec<serde_json::Value>,
) -> Result<ManifestBytes> {
    let (manifest_type, config_type) = if oci {
        (OCI_MANIFEST, OCI_CONFIG)
    } else {
        (DOCKER_MANIFEST, DOCKER_CONFIG)
    };
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": {"mediaType": config_type, "size": config.len(), "digest": config_digest.to_string()},
        "layers": layers,
    });
    let bytes = serde_json::to_vec(&manifest)
        .map_err(|e| bad(path, format!("cannot encode its manifest ({e})")))?;
    Ok(ManifestBytes {
        digest: Digest::sha256_of(&bytes),
        media_type: manifest_type.to_owned(),
        bytes,
    })
}

/// The media type of a layer once pushed (plain tars are gzipped on the way).
fn layer_type(compression: DetectedCompression, oci: bool) -> &'static str {
    match (compression, oci) {
        (DetectedCompression::Zstd, _) => "application/vnd.oci.image.layer.v1.tar+zstd",
        (_, true) => "application/vnd.oci.image.layer.v1.tar+gzip",
        (_, false) => "application/vnd.docker.image.rootfs.diff.tar.gzip",
    }
}

/// `rootfs.diff_ids` of a config, when it has them as strings.
fn diff_ids(config: &[u8]) -> Option<Vec<String>> {
    let value: serde_json::Value = serde_json::from_slice(config).ok()?;
    value["rootfs"]["diff_ids"]
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn open_slice(path: &Path, offset: u64) -> Result<std::fs::File> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| Error::io("cannot read", path, e))?;
    Ok(file)
}

fn sniff(path: &Path, offset: u64, size: u64) -> Result<DetectedCompression> {
    let mut head = open_slice(path, offset)?.take(size.min(4));
    DetectedCompression::sniff(&mut head).map_err(|e| Error::io("cannot read", path, e))
}

/// Hash (compressed layers) or compress and hash (plain ones) every layer, a few at once;
/// results in the order of `layers`.
fn work_on_layers(
    path: &Path,
    layers: &[LayerFile],
    scratch: Option<&Path>,
    cancel: &Cancel,
) -> Result<Vec<Ready>> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, MAX_WORKERS)
        .min(layers.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Ready>>>> =
        Mutex::new((0..layers.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(layer) = layers.get(i) else { break };
                let result = work_on_layer(path, layer, i, scratch, cancel);
                let failed = result.is_err();
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                if failed {
                    // Stop the others early: one failure fails the push.
                    next.store(layers.len(), Ordering::SeqCst);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out = Vec::with_capacity(layers.len());
    let mut skipped = false;
    for r in results {
        match r {
            Some(Ok(ready)) => out.push(ready),
            Some(Err(e)) => return Err(e),
            None => skipped = true,
        }
    }
    if skipped {
        cancel.check()?;
        return Err(bad(path, "a layer was not read".to_owned()));
    }
    Ok(out)
}

fn work_on_layer(
    path: &Path,
    layer: &LayerFile,
    index: usize,
    scratch: Option<&Path>,
    cancel: &Cancel,
) -> Result<Ready> {
    cancel.check()?;
    let mut input = open_slice(path, layer.offset)?.take(layer.size);
    if layer.compression != DetectedCompression::None {
        let mut hasher = Hasher::new(Algorithm::Sha256);
        let read = hash_reader(&mut input, &mut hasher, layer.size)
            .map_err(|e| Error::io("cannot read", path, e))?;
        if read != layer.size {
            return Err(bad(path, format!("{} is cut short", layer.name)));
        }
        return Ok(Ready {
            blob: Blob {
                digest: hasher.finish(),
                size: layer.size,
            },
            source: BlobSource::File {
                path: path.to_path_buf(),
                offset: layer.offset,
            },
            diff_id: None,
        });
    }
    let scratch = scratch.ok_or_else(|| bad(path, "no scratch folder".to_owned()))?;
    let target: PathBuf = scratch.join(format!("layer-{index}.tar.gz"));
    let file =
        std::fs::File::create(&target).map_err(|e| Error::io("cannot create", &target, e))?;
    let out = std::io::BufWriter::with_capacity(1 << 20, file);
    let done = compression::gzip(&mut input, out, cancel).map_err(|e| {
        if cancel.is_cancelled() {
            Error::Cancelled
        } else {
            Error::io("cannot compress into", &target, e)
        }
    })?;
    Ok(Ready {
        blob: Blob {
            digest: done.digest,
            size: done.size,
        },
        source: BlobSource::File {
            path: target,
            offset: 0,
        },
        diff_id: Some(done.diff_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn layer_tar(content: &[u8]) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_ustar();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "file", content).expect("tar");
        tar.into_inner().expect("tar")
    }

    fn add(tar: &mut tar::Builder<std::fs::File>, name: &str, bytes: &[u8]) {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes).expect("entry");
    }

    /// A legacy archive of two images: `a` (a plain layer and a gzip one), `b` (zstd-looking).
    fn legacy_archive(dir: &Path) -> (PathBuf, Vec<u8>, Vec<u8>) {
        let plain = layer_tar(b"plain layer");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&layer_tar(b"gzip layer")).expect("gz");
        let gz = gz.finish().expect("gz");
        let zstd = [&[0x28, 0xb5, 0x2f, 0xfd][..], b"not really zstd"].concat();
        let config_a = serde_json::json!({"architecture":"amd64","os":"linux",
            "rootfs":{"type":"layers","diff_ids":[Digest::sha256_of(&plain).to_string(), "sha256:unchecked", Digest::sha256_of(&plain).to_string()]}});
        let config_b = serde_json::json!({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}});
        let manifest = serde_json::json!([
            {"Config": "a.json", "RepoTags": ["localhost/a:1"], "Layers": ["p/layer.tar", "g.tar", "p/layer.tar"]},
            {"Config": "b.json", "RepoTags": ["localhost/b:1"], "Layers": ["z.tar"]},
        ]);
        let path = dir.join("legacy.tar");
        let mut tar = tar::Builder::new(std::fs::File::create(&path).expect("create"));
        add(&mut tar, "p/layer.tar", &plain);
        add(&mut tar, "g.tar", &gz);
        add(&mut tar, "z.tar", &zstd);
        add(&mut tar, "a.json", config_a.to_string().as_bytes());
        add(&mut tar, "b.json", config_b.to_string().as_bytes());
        add(&mut tar, "manifest.json", manifest.to_string().as_bytes());
        tar.finish().expect("finish");
        (path, plain, gz)
    }

    #[test]
    fn plain_layers_are_gzipped_the_same_way_every_time() {
        let dir = tempfile::tempdir().expect("tmp");
        let (path, plain, gz) = legacy_archive(dir.path());
        let cancel = Cancel::new();
        let first = plan(&path, Some("localhost/a:1"), &cancel).expect("plan");
        let second = plan(&path, Some("a:1"), &cancel).expect("plan");
        assert_eq!(
            first.plan.root.digest, second.plan.root.digest,
            "stable digest"
        );
        assert_eq!(first.plan.root.media_type, DOCKER_MANIFEST);
        let manifest: serde_json::Value =
            serde_json::from_slice(&first.plan.root.bytes).expect("json");
        let layers = manifest["layers"].as_array().expect("layers");
        assert_eq!(layers.len(), 3);
        assert!(layers
            .iter()
            .all(|l| l["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip"));
        assert_eq!(layers[0]["digest"], layers[2]["digest"]);
        assert_eq!(layers[1]["digest"], Digest::sha256_of(&gz).to_string());
        // config + two distinct layers; the plain one is read from a gzip temp file
        assert_eq!(first.plan.blobs.len(), 3);
        let (blob, source) = &first.plan.blobs[1];
        let BlobSource::File { path: tmp, offset } = source else {
            panic!("a file source")
        };
        assert_eq!(*offset, 0);
        let bytes = std::fs::read(tmp).expect("temp file");
        assert_eq!(Digest::sha256_of(&bytes), blob.digest);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_end(&mut back)
            .expect("gunzip");
        assert_eq!(back, plain);
        let scratch = tmp.parent().expect("dir").to_path_buf();
        drop(first);
        assert!(!scratch.exists(), "the scratch folder goes with the plan");
    }

    #[test]
    fn zstd_makes_an_oci_manifest_and_several_images_need_a_name() {
        let dir = tempfile::tempdir().expect("tmp");
        let (path, _, _) = legacy_archive(dir.path());
        let cancel = Cancel::new();
        let b = plan(&path, Some("localhost/b:1"), &cancel).expect("plan");
        assert_eq!(b.plan.root.media_type, OCI_MANIFEST);
        let manifest: serde_json::Value = serde_json::from_slice(&b.plan.root.bytes).expect("json");
        assert_eq!(
            manifest["layers"][0]["mediaType"],
            "application/vnd.oci.image.layer.v1.tar+zstd"
        );
        assert_eq!(manifest["config"]["mediaType"], OCI_CONFIG);
        let err = plan(&path, None, &cancel).err().expect("two images");
        let text = err.to_string();
        assert!(
            text.contains("2 images") && text.contains("localhost/a:1") && text.contains(HOW),
            "{text}"
        );
        let err = plan(&path, Some("localhost/c:1"), &cancel)
            .err()
            .expect("none");
        assert!(err.to_string().contains("no image in it is named"), "{err}");
    }

    #[test]
    fn a_layer_that_does_not_match_its_diff_id_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("bad.tar");
        let mut tar = tar::Builder::new(std::fs::File::create(&path).expect("create"));
        add(&mut tar, "l.tar", &layer_tar(b"x"));
        let config = format!(
            r#"{{"os":"linux","architecture":"amd64","rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
            Digest::sha256_of(b"other")
        );
        add(&mut tar, "c.json", config.as_bytes());
        add(
            &mut tar,
            "manifest.json",
            br#"[{"Config":"c.json","RepoTags":null,"Layers":["l.tar"]}]"#,
        );
        tar.finish().expect("finish");
        drop(tar);
        let err = plan(&path, None, &Cancel::new()).err().expect("mismatch");
        assert!(err.to_string().contains("rootfs.diff_ids[0]"), "{err}");
    }
}
