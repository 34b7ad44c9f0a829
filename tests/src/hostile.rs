//! Hostile content for the memory tests, each the shape of a finding that once made
//! Portolan hold gigabytes: a small gzip layer whose one entry has a 256 MiB GNU long
//! name, an index of hundreds of distinct 4 MiB platform manifests, tag pages full of long
//! distinct names, a Docker Hub API that claims thousands of pages of large tags. Built
//! cheaply (the long name is one gzip member repeated; the children share one hashed
//! prefix) so a test spends its time in the code under test, not in making its input.
//!
//! [`Routes`] serves such content from a [`crate::http_double::HttpDouble`] handler.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use crate::http_double::Reply;
use crate::images::{sha256, Blob, OCI_INDEX, OCI_MANIFEST};

/// The OCI gzip layer media type.
pub const GZIP_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// The OCI config media type.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";

const MIB: usize = 1024 * 1024;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

fn tar_header(name: &[u8], kind: tar::EntryType, size: u64) -> [u8; 512] {
    let mut header = tar::Header::new_gnu();
    {
        let gnu = header.as_gnu_mut().expect("gnu header");
        gnu.name[..name.len()].copy_from_slice(name);
    }
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    let mut out = [0u8; 512];
    out.copy_from_slice(header.as_bytes());
    out
}

/// A gzip layer whose one file has a GNU long name of `name_mib` MiB of `a`: a few hundred
/// KB of blob (gzip members, one of them repeated) that a tar reader buffering long names
/// inflates to the whole name.
pub fn long_name_layer(name_mib: usize) -> Blob {
    let mut blob = gzip(&tar_header(
        b"././@LongLink",
        tar::EntryType::GNULongName,
        (name_mib * MIB) as u64,
    ));
    let name_part = gzip(&vec![b'a'; MIB]);
    for _ in 0..name_mib {
        blob.extend_from_slice(&name_part);
    }
    let mut tail = tar_header(b"short-name", tar::EntryType::Regular, 0).to_vec();
    tail.extend_from_slice(&[0u8; 1024]);
    blob.extend_from_slice(&gzip(&tail));
    Blob::new(GZIP_LAYER, blob)
}

/// A gzip layer of `files` small files.
pub fn small_layer(files: usize) -> Blob {
    let mut builder = tar::Builder::new(Vec::new());
    for i in 0..files {
        let data = format!("file {i}\n");
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("etc/file-{i}"), data.as_bytes())
            .expect("tar");
    }
    Blob::new(GZIP_LAYER, gzip(&builder.into_inner().expect("tar")))
}

/// An image config (linux/amd64, built on 2026-01-02) with one diff id per layer.
pub fn config(layers: usize) -> Blob {
    let diff_ids: Vec<String> = (0..layers).map(|i| format!("sha256:{i:064x}")).collect();
    Blob::new(
        OCI_CONFIG,
        serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64", "os": "linux", "created": "2026-01-02T03:04:05Z",
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        }))
        .expect("json"),
    )
}

/// An image manifest listing `layers` in order (the same blob may come several times).
pub fn image_manifest(config: &Blob, layers: &[&Blob]) -> Blob {
    Blob::new(
        OCI_MANIFEST,
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config.descriptor(),
            "layers": layers.iter().map(|l| l.descriptor()).collect::<Vec<_>>(),
        }))
        .expect("json"),
    )
}

/// A body served: its content type and bytes.
type Served = (String, Arc<Vec<u8>>);

/// What a fake registry serves by path, counting the `GET`s of each.
#[derive(Default, Clone)]
pub struct Routes {
    served: Arc<HashMap<String, Served>>,
    gets: Arc<std::sync::Mutex<HashMap<String, usize>>>,
}

impl Routes {
    /// Serve `blobs` and `manifests` (by digest, and by each tag given) in repository `repo`.
    pub fn new(repo: &str, manifests: &[(&Blob, &[&str])], blobs: &[&Blob]) -> Self {
        let mut served = HashMap::new();
        for (manifest, tags) in manifests {
            let body = (
                manifest.media_type.clone(),
                Arc::new(manifest.bytes.clone()),
            );
            served.insert(
                format!("/v2/{repo}/manifests/{}", manifest.digest),
                body.clone(),
            );
            for tag in *tags {
                served.insert(format!("/v2/{repo}/manifests/{tag}"), body.clone());
            }
        }
        for blob in blobs {
            served.insert(
                format!("/v2/{repo}/blobs/{}", blob.digest),
                (
                    "application/octet-stream".to_owned(),
                    Arc::new(blob.bytes.clone()),
                ),
            );
        }
        Self {
            served: Arc::new(served),
            gets: Arc::default(),
        }
    }

    /// The answer to `method path`, when it is one of ours (or the API root).
    pub fn answer(&self, method: &str, path: &str) -> Option<Reply> {
        if path == "/v2/" {
            return Some(Reply::json(&serde_json::json!({})));
        }
        let (kind, body) = self.served.get(path)?;
        if method == "GET" {
            *self
                .gets
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(path.to_owned())
                .or_default() += 1;
        }
        Some(Reply::Body {
            status: 200,
            headers: vec![
                ("Content-Type".into(), kind.clone()),
                ("Docker-Content-Digest".into(), sha256(body)),
            ],
            body: body.to_vec(),
        })
    }

    /// How many times `path` was fetched.
    pub fn gets_of(&self, path: &str) -> usize {
        self.gets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

/// The registry's "no such thing" answer.
pub fn not_found() -> Reply {
    Reply::Body {
        status: 404,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}"#.to_vec(),
    }
}

/// An index of `count` distinct image manifests of just under 4 MiB each (tens of
/// thousands of layer descriptors), made as they are asked for.
pub struct HugeChildren {
    /// The index.
    pub index: Blob,
    /// The config every child names.
    pub config: Blob,
    by_digest: HashMap<String, usize>,
    prefix: Arc<Vec<u8>>,
}

impl HugeChildren {
    /// Build the index (each child is hashed once, from a shared prefix).
    pub fn new(count: usize) -> Self {
        let config = config(1);
        let layer = |n: usize| {
            format!(r#"{{"mediaType":"{GZIP_LAYER}","digest":"sha256:{n:064x}","size":1}}"#)
        };
        let mut prefix = format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{},"layers":["#,
            config.descriptor()
        );
        let mut n = 0;
        while prefix.len() < 4 * MIB - 4096 {
            prefix.push_str(&layer(n));
            prefix.push(',');
            n += 1;
        }
        let prefix = Arc::new(prefix.into_bytes());
        let mut hashed = Sha256::new();
        hashed.update(prefix.as_slice());
        let mut by_digest = HashMap::new();
        let mut entries = Vec::new();
        for i in 0..count {
            let suffix = Self::suffix(i);
            let mut h = hashed.clone();
            h.update(suffix.as_bytes());
            let digest = format!("sha256:{}", hex::encode(h.finalize()));
            entries.push(serde_json::json!({
                "mediaType": OCI_MANIFEST, "digest": digest, "size": prefix.len() + suffix.len(),
                "platform": {"os": "linux", "architecture": format!("arch{i}")},
            }));
            by_digest.insert(digest, i);
        }
        let index = Blob::new(
            OCI_INDEX,
            serde_json::to_vec(&serde_json::json!({
                "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries,
            }))
            .expect("json"),
        );
        Self {
            index,
            config,
            by_digest,
            prefix,
        }
    }

    fn suffix(i: usize) -> String {
        format!(
            r#"{{"mediaType":"{GZIP_LAYER}","digest":"sha256:{:064x}","size":1}}]}}"#,
            i + (1 << 40)
        )
    }

    /// Child `digest`'s bytes, if it is one of ours.
    pub fn child(&self, digest: &str) -> Option<Vec<u8>> {
        let i = *self.by_digest.get(digest)?;
        let mut bytes = self.prefix.to_vec();
        bytes.extend_from_slice(Self::suffix(i).as_bytes());
        Some(bytes)
    }
}

/// A tag page's names: `per_page` distinct names of `bytes` bytes each, for page `page`.
pub fn long_tags(page: usize, per_page: usize, bytes: usize) -> Vec<String> {
    (0..per_page)
        .map(|i| {
            let mut name = format!("p{page:04}-{i:06}-");
            name.extend(std::iter::repeat_n('x', bytes.saturating_sub(name.len())));
            name
        })
        .collect()
}

/// A Docker Hub tags page: 100 tags of about `tag_bytes` bytes each (their platform
/// images), claiming `count` tags in all and pointing at the next page under `base`.
pub fn hub_tags_page(base: &str, page: usize, count: usize, tag_bytes: usize) -> Reply {
    let images: Vec<serde_json::Value> = (0..tag_bytes / 200)
        .map(|i| {
            serde_json::json!({
                "architecture": "amd64", "os": "linux", "variant": format!("v{i}"),
                "digest": format!("sha256:{:064x}", page * 1000 + i), "size": 1,
                "last_pushed": "2026-01-02T03:04:05Z",
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            serde_json::json!({
                "name": format!("t{page}-{i}"), "digest": format!("sha256:{:064x}", page * 100 + i),
                "last_updated": "2026-01-02T03:04:05Z", "full_size": 1, "images": images,
            })
        })
        .collect();
    Reply::json(&serde_json::json!({
        "count": count,
        "next": format!("{base}?page={}&page_size=100", page + 1),
        "previous": null,
        "results": results,
    }))
}

/// A counter a handler bumps and a test reads.
#[derive(Default, Clone)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    /// Count one; the count before.
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    /// The count.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
