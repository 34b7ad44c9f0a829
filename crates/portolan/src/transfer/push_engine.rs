//! Push an image the local engine holds: the engine saves it (`GET /images/{name}/get`, a
//! `docker save` archive), the archive is spooled to a private temporary file, and the
//! file is pushed as any archive is (each blob hashed, skipped when the registry has it,
//! mounted, or uploaded in chunks), then removed.
//!
//! Why a spool and not a pipe: an engine writes the archive's `manifest.json` (which says
//! which file is the config and which are the layers, in what order) after the layers, so
//! nothing can be pushed, or checked for presence, before the whole archive has passed. The
//! spool lives in the folder the caller names (Portolan's cache), is readable only by its
//! owner, and goes when the push ends, however it ends; one left by a run that was killed
//! is swept by the next push from the engine once it is a day old.

use std::path::Path;

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::client::RegistryClient;
use crate::error::{Error, Result};
use crate::local_engine::engine::LocalEngine;
use crate::reference::Reference;
use crate::transfer::push::{PushOptions, PushReport, PushSource};

/// Push `image` (a name or ID the engine knows) from `engine` to `reference`, spooling the
/// engine's archive in `spool_dir`.
#[tracing::instrument(level = "info", skip(client, engine, options, spool_dir), fields(reference = %reference))]
pub async fn push_from_engine(
    client: &RegistryClient,
    engine: &LocalEngine,
    image: &str,
    reference: &Reference,
    spool_dir: &Path,
    options: &PushOptions,
) -> Result<PushReport> {
    let spool = spool(engine, image, spool_dir, options).await?;
    let source = PushSource::Archive {
        file: spool.path().to_path_buf(),
        image: None,
    };
    crate::transfer::push::push(client, &source, reference, options).await
    // `spool` is dropped here, whatever the push did: the file goes.
}

/// The engine's archive of `image`, in a temporary file that is removed when dropped.
async fn spool(
    engine: &LocalEngine,
    image: &str,
    dir: &Path,
    options: &PushOptions,
) -> Result<tempfile::NamedTempFile> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| Error::io("cannot create", dir, e))?;
    sweep_stale(dir).await;
    let file = tempfile::Builder::new()
        .prefix("engine-save-")
        .suffix(".tar")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    let mut out = tokio::fs::File::from_std(
        file.reopen()
            .map_err(|e| Error::io("cannot open", file.path(), e))?,
    );
    let mut saved = Box::pin(engine.save(image));
    let mut done = 0u64;
    loop {
        let Some(chunk) = options.cancel.or(saved.next()).await? else {
            break;
        };
        let chunk = chunk?;
        out.write_all(&chunk)
            .await
            .map_err(|e| Error::io("cannot write", file.path(), e))?;
        done += chunk.len() as u64;
    }
    out.flush()
        .await
        .map_err(|e| Error::io("cannot write", file.path(), e))?;
    if done == 0 {
        return Err(Error::Engine {
            engine: engine.socket().host.clone(),
            detail: format!("it saved {image} as an empty archive"),
            hint: "check the image name (portolan-cli images lists them)".to_owned(),
        });
    }
    tracing::debug!(bytes = done, "the engine saved the image");
    Ok(file)
}

/// A spool file older than this was left by a run that did not end (killed, crashed).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Remove spool files that runs which never ended left behind (a push in progress is
/// younger than a day: it is left alone).
async fn sweep_stale(dir: &Path) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with("engine-save-") && n.ends_with(".tar"));
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if ours && old {
            match tokio::fs::remove_file(entry.path()).await {
                Ok(()) => {
                    tracing::info!(file = %entry.path().display(), "removed a stale spool file")
                }
                Err(e) => {
                    tracing::warn!(file = %entry.path().display(), "could not remove a stale spool file: {e}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_aged(path: &Path, age: std::time::Duration) {
        let f = std::fs::File::create(path).expect("create");
        f.set_modified(std::time::SystemTime::now() - age)
            .expect("set mtime");
    }

    #[tokio::test]
    async fn only_old_spool_files_of_ours_are_swept() {
        let dir = tempfile::tempdir().expect("tmp");
        let day = std::time::Duration::from_secs(24 * 3600);
        let stale = dir.path().join("engine-save-old.tar");
        let fresh = dir.path().join("engine-save-new.tar");
        let other = dir.path().join("someone-else.tar");
        file_aged(&stale, 2 * day);
        file_aged(&fresh, std::time::Duration::from_secs(60));
        file_aged(&other, 2 * day);
        sweep_stale(dir.path()).await;
        assert!(!stale.exists(), "a killed run's spool goes");
        assert!(fresh.exists(), "a push in progress keeps its spool");
        assert!(other.exists(), "files not ours stay");
    }
}
