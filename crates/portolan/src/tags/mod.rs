//! Changing which tags and manifests a repository holds: tag, untag (one tag, or many of
//! one repository in batches: [`untag_many`]) and delete by digest. Nothing here moves a
//! blob beyond the empty config of a placeholder manifest.
//!
//! Tagging PUTs the same manifest bytes under a new tag: no blob moves. Untagging removes
//! one tag and keeps the image and its other tags: with DELETE by tag where the registry
//! allows it, else the way regclient does it — point the tag at a throw-away manifest,
//! then delete that manifest by digest (which takes only that tag with it). Deleting a
//! manifest by digest removes every tag on it, so callers confirm first.

use crate::client::RegistryClient;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{FetchedManifest, OCI_MANIFEST};
use crate::reference::{Reference, Target};

pub mod untag_many;

const EMPTY_CONFIG: &[u8] = b"{}";
const EMPTY_TYPE: &str = "application/vnd.oci.empty.v1+json";

/// Give the manifest `source` points at the tag `new_tag` in the same repository.
#[tracing::instrument(level = "info", skip(client), fields(source = %source))]
pub async fn tag(client: &RegistryClient, source: &Reference, new_tag: &str) -> Result<Digest> {
    if !crate::reference::is_valid_tag(new_tag) {
        return Err(Error::input(
            format!("\"{new_tag}\" is not a valid tag"),
            "use letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'",
        ));
    }
    let fetched = client
        .get_manifest(source.repository(), &source.target())
        .await?;
    client
        .put_manifest(
            source.repository(),
            &Target::tag(new_tag),
            &fetched.media_type,
            &fetched.bytes,
        )
        .await
}

/// How an untag was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum UntagMethod {
    /// The registry deleted the tag itself.
    DeleteByTag,
    /// The tag was pointed at a throw-away manifest, which was then deleted.
    Placeholder,
}

/// Remove the tag of `reference`, keeping the image and its other tags.
#[tracing::instrument(level = "info", skip(client), fields(reference = %reference))]
pub async fn untag(client: &RegistryClient, reference: &Reference) -> Result<UntagMethod> {
    let Some(tag) = reference.tag() else {
        return Err(Error::input(
            format!("untag needs a tag (REPO:TAG), and {reference} names none"),
            "to delete by digest, delete the manifest instead",
        ));
    };
    let repo = reference.repository();
    // Check the tag exists first, so a missing tag is a clear error.
    let original = client.get_manifest(repo, &Target::tag(tag)).await?;
    // `REPO:TAG@DIGEST`: only while the tag still points there (someone may have moved it
    // since the user looked).
    if let Some(expected) = reference.digest() {
        if *expected != original.digest {
            return Err(Error::TagMoved {
                reference: format!("{}/{repo}:{tag}", client.registry()),
                expected: expected.to_string(),
                actual: original.digest.to_string(),
            });
        }
    }
    match client.delete_manifest(repo, &Target::tag(tag)).await {
        Ok(()) => return Ok(UntagMethod::DeleteByTag),
        // ghcr.io and Docker Hub delete nothing through the registry: a placeholder pushed
        // there would only add a version (ghcr.io keeps every manifest pushed as one).
        Err(e @ Error::DeleteUnsupported { .. }) if forbids_deletes(client.registry()) => {
            return Err(e)
        }
        Err(Error::DeleteUnsupported { .. }) => {}
        Err(e) => return Err(e),
    }
    // A manifest unique to this moment, so deleting it touches no other tag.
    ensure_empty_blob(client, repo).await?;
    let bytes = placeholder_manifest(&format!("placeholder for removing tag {tag}"))?;
    let digest = client
        .put_manifest(repo, &Target::tag(tag), OCI_MANIFEST, &bytes)
        .await?;
    let failure = match client.delete_manifest(repo, &Target::from(&digest)).await {
        Ok(()) => return Ok(UntagMethod::Placeholder),
        Err(Error::DeleteUnsupported {
            registry,
            status,
            hint,
            ..
        }) => Error::DeleteUnsupported {
            registry,
            what: format!("tag {reference}"),
            status,
            hint,
        },
        Err(e) => e,
    };
    // Whatever stopped the delete, put the tag back where it was: never leave it on the
    // placeholder.
    put_back(client, repo, tag, &original, &digest, &failure).await?;
    Err(failure)
}

/// Point the tag of `reference` at a new placeholder manifest (unique to this moment, see
/// [`placeholder_manifest`]) and return the placeholder's digest: the first half of an
/// untag where the registry deletes nothing and a vendor API deletes the placeholder's
/// version (ghcr.io). The tag is moved only while it points at the digest `reference`
/// names, when it names one.
#[tracing::instrument(level = "info", skip(client), fields(reference = %reference))]
pub async fn move_to_placeholder(client: &RegistryClient, reference: &Reference) -> Result<Digest> {
    let Some(tag) = reference.tag() else {
        return Err(Error::input(
            format!("{reference} names no tag"),
            "name the tag to move (REPO:TAG)",
        ));
    };
    let repo = reference.repository();
    if let Some(expected) = reference.digest() {
        let now = client.head_manifest(repo, &Target::tag(tag)).await?;
        if now.digest != *expected {
            return Err(Error::TagMoved {
                reference: format!("{}/{repo}:{tag}", client.registry()),
                expected: expected.to_string(),
                actual: now.digest.to_string(),
            });
        }
    }
    ensure_empty_blob(client, repo).await?;
    let bytes = placeholder_manifest(&format!("placeholder for removing tag {tag}"))?;
    client
        .put_manifest(repo, &Target::tag(tag), OCI_MANIFEST, &bytes)
        .await
}

/// The artifact type of every placeholder manifest: how one is told from an image.
pub const PLACEHOLDER_TYPE: &str = "application/vnd.portolan.untag.v1";

/// Whether `bytes` are a placeholder manifest Portolan made (its artifact type).
pub fn is_placeholder(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Typed {
        #[serde(rename = "artifactType")]
        artifact_type: Option<String>,
    }
    serde_json::from_slice::<Typed>(bytes)
        .ok()
        .and_then(|t| t.artifact_type)
        .is_some_and(|t| t == PLACEHOLDER_TYPE)
}

/// Registries known to refuse every delete through the registry API.
fn forbids_deletes(registry: &str) -> bool {
    matches!(registry, "ghcr.io" | "docker.io")
}

/// Make sure `repo` holds the empty blob (`{}`) a placeholder manifest refers to.
pub(crate) async fn ensure_empty_blob(client: &RegistryClient, repo: &str) -> Result<()> {
    let empty = Digest::sha256_of(EMPTY_CONFIG);
    if client.blob_size(repo, &empty).await?.is_none() {
        let session = client.start_upload(repo).await?;
        client
            .finish_upload(
                repo,
                &session,
                &empty,
                Some((
                    EMPTY_CONFIG.len() as u64,
                    crate::client::Payload::Bytes(bytes::Bytes::from_static(EMPTY_CONFIG)),
                )),
            )
            .await?;
    }
    Ok(())
}

/// A throw-away manifest no other tag can point at (it carries `note` and the time to the
/// nanosecond), for tags that are to go: deleting it by digest takes them with it.
pub(crate) fn placeholder_manifest(note: &str) -> Result<Vec<u8>> {
    let empty = Digest::sha256_of(EMPTY_CONFIG);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let placeholder = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": PLACEHOLDER_TYPE,
        "config": {"mediaType": EMPTY_TYPE, "digest": empty.to_string(), "size": EMPTY_CONFIG.len()},
        "layers": [{"mediaType": EMPTY_TYPE, "digest": empty.to_string(), "size": EMPTY_CONFIG.len()}],
        "annotations": {"org.opencontainers.image.description": note, "dev.portolan.untag.nonce": now.to_string()},
    });
    serde_json::to_vec(&placeholder).map_err(|e| Error::internal(format!("cannot encode: {e}")))
}

/// Point `tag` back at `original` after its untag failed with `failure`, only while it
/// still points at `placeholder`: a push that landed on the tag meanwhile wins, and is left
/// as it is. When even that fails, the error says the tag is left on `placeholder` and how
/// it got there.
pub(crate) async fn put_back(
    client: &RegistryClient,
    repo: &str,
    tag: &str,
    original: &FetchedManifest,
    placeholder: &Digest,
    failure: &Error,
) -> Result<()> {
    match client.head_manifest(repo, &Target::tag(tag)).await {
        Ok(now) if now.digest != *placeholder => {
            tracing::info!(
                tag,
                now = %now.digest,
                "the tag was moved while it was being removed; it is left where it was moved"
            );
            return Ok(());
        }
        // On the placeholder, or gone with it: put it back.
        Ok(_) | Err(Error::NotFound { .. }) => {}
        Err(e) => {
            return Err(Error::TagLeftOnPlaceholder {
                reference: format!("{}/{repo}:{tag}", client.registry()),
                original: original.digest.to_string(),
                placeholder: placeholder.to_string(),
                reason: failure.to_string(),
                restore: format!("could not see where the tag points now: {e}"),
            })
        }
    }
    match client
        .put_manifest(
            repo,
            &Target::tag(tag),
            &original.media_type,
            &original.bytes,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(restore) => Err(Error::TagLeftOnPlaceholder {
            reference: format!("{}/{repo}:{tag}", client.registry()),
            original: original.digest.to_string(),
            placeholder: placeholder.to_string(),
            reason: failure.to_string(),
            restore: restore.to_string(),
        }),
    }
}

/// Delete the manifest `reference` names by digest (and with it every tag on it).
#[tracing::instrument(level = "info", skip(client), fields(reference = %reference))]
pub async fn delete(client: &RegistryClient, reference: &Reference) -> Result<Digest> {
    let Some(digest) = reference.digest() else {
        return Err(Error::input(
            format!("delete needs a digest (REPO@sha256:...), and {reference} names none"),
            "it removes the image and every tag on it; to remove one tag, untag it instead",
        ));
    };
    match client
        .delete_manifest(reference.repository(), &Target::from(digest))
        .await
    {
        Ok(()) => Ok(digest.clone()),
        Err(Error::DeleteUnsupported {
            registry,
            status,
            hint,
            ..
        }) => Err(Error::DeleteUnsupported {
            registry,
            what: format!("manifest {reference}"),
            status,
            hint,
        }),
        Err(e) => Err(e),
    }
}
