//! Blob and manifest endpoints of the write side, and blob reads as streams.
//!
//! Upload `Location`s are opaque: resolved against the URL that returned them, kept with
//! their query (distribution's `_state=`), and extended with `digest=` rather than rebuilt.
//! The client also remembers which repository each blob was seen in, per registry, so a
//! push or copy to another repository can ask the registry to mount it instead of sending
//! its bytes again.

use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION, RANGE};
use reqwest::{Method, StatusCode};

use super::{pull_scope, Call, Payload, RegistryClient};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::reference::Target;

/// An upload session on the registry.
#[derive(Debug, Clone)]
pub struct UploadSession {
    /// Where to send the next request (changes after each PATCH).
    pub location: url::Url,
    /// `OCI-Chunk-Min-Length`, when the registry sent it.
    pub chunk_min: Option<u64>,
}

/// What a mount request did.
#[derive(Debug)]
pub enum Mount {
    /// The blob is now in the repository; no bytes needed.
    Mounted,
    /// The registry started an upload instead (202).
    Upload(UploadSession),
}

/// A blob being read from the registry.
pub struct BlobRead {
    /// The response whose body is the blob (from `offset`).
    pub response: reqwest::Response,
    /// Where the body starts (0 when the registry ignored the range).
    pub offset: u64,
}

/// The scope to push to a repository.
pub fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}

fn delete_scope(repository: &str) -> String {
    format!("repository:{repository}:delete")
}

impl RegistryClient {
    /// Remember that `digest` exists in `repository`.
    pub fn remember_blob(&self, repository: &str, digest: &Digest) {
        self.blob_homes.remember(&self.registry, repository, digest);
    }

    /// A repository other than `repository` where `digest` was seen, to mount from.
    pub fn blob_home(&self, digest: &Digest, repository: &str) -> Option<String> {
        self.blob_homes.find(&self.registry, digest, repository)
    }

    /// `HEAD` a blob: its size when the repository has it.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn blob_size(&self, repository: &str, digest: &Digest) -> Result<Option<u64>> {
        let what = format!("blob {digest} in {}/{repository}", self.registry);
        let url = self
            .api_url(&format!("v2/{repository}/blobs/{digest}"))
            .await?;
        let response = self
            .send_following_redirects(Call::new(
                Method::HEAD,
                url,
                Some(pull_scope(repository)),
                &what,
            ))
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let response = self.expect_success(response, &what).await?;
        self.remember_blob(repository, digest);
        Ok(Some(
            response
                .headers()
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        ))
    }

    /// Start reading a blob at `offset` (a `Range` request when `offset > 0`; registries
    /// that ignore it answer from 0, which `BlobRead::offset` reports). With `end`, only
    /// up to that byte (inclusive).
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn read_blob(
        &self,
        repository: &str,
        digest: &Digest,
        offset: u64,
        end: Option<u64>,
    ) -> Result<BlobRead> {
        let what = format!("blob {digest} of {}/{repository}", self.registry);
        let url = self
            .api_url(&format!("v2/{repository}/blobs/{digest}"))
            .await?;
        let mut call = Call::new(Method::GET, url, Some(pull_scope(repository)), &what);
        if offset > 0 || end.is_some() {
            let end = end.map(|e| e.to_string()).unwrap_or_default();
            call = call.header(RANGE, format!("bytes={offset}-{end}"));
        }
        let response = self.send_following_redirects(call).await?;
        let response = self.expect_success(response, &what).await?;
        let granted = if response.status() == StatusCode::PARTIAL_CONTENT {
            let start = response
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.trim_start_matches("bytes ")
                        .split('-')
                        .next()?
                        .parse::<u64>()
                        .ok()
                });
            match start {
                Some(s) if s == offset => offset,
                _ => {
                    return Err(Error::protocol(
                        &self.registry,
                        what,
                        "it answered a range request with another range",
                    ))
                }
            }
        } else {
            0
        };
        self.remember_blob(repository, digest);
        Ok(BlobRead {
            response,
            offset: granted,
        })
    }

    fn session_from(&self, response: &reqwest::Response, what: &str) -> Result<UploadSession> {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| response.url().join(l).ok())
            .ok_or_else(|| {
                Error::protocol(
                    &self.registry,
                    what,
                    "an upload answer without a usable Location",
                )
            })?;
        let chunk_min = response
            .headers()
            .get("oci-chunk-min-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Ok(UploadSession {
            location,
            chunk_min,
        })
    }

    /// Open an upload session.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn start_upload(&self, repository: &str) -> Result<UploadSession> {
        let what = format!("an upload to {}/{repository}", self.registry);
        let url = self
            .api_url(&format!("v2/{repository}/blobs/uploads/"))
            .await?;
        let call = Call::new(Method::POST, url, Some(push_scope(repository)), &what)
            .header(CONTENT_LENGTH, "0");
        let response = self.send(call).await?;
        let response = self.expect_success(response, &what).await?;
        self.session_from(&response, &what)
    }

    /// Ask the registry to link `digest` from `from` into `repository`.
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn mount_blob(&self, repository: &str, digest: &Digest, from: &str) -> Result<Mount> {
        let what = format!(
            "a mount of {digest} from {from} into {}/{repository}",
            self.registry
        );
        let mut url = self
            .api_url(&format!("v2/{repository}/blobs/uploads/"))
            .await?;
        url.query_pairs_mut()
            .append_pair("mount", &digest.to_string())
            .append_pair("from", from);
        let scope = format!("{} {}", push_scope(repository), pull_scope(from));
        let call = Call::new(Method::POST, url, Some(scope), &what).header(CONTENT_LENGTH, "0");
        let response = self.send(call).await?;
        let response = self.expect_success(response, &what).await?;
        if response.status() == StatusCode::CREATED {
            self.remember_blob(repository, digest);
            return Ok(Mount::Mounted);
        }
        Ok(Mount::Upload(self.session_from(&response, &what)?))
    }

    /// Where the registry says an upload stands: the offset to continue from, or `None`
    /// when it cannot say exactly (then the upload starts over).
    pub async fn upload_offset(
        &self,
        repository: &str,
        session: &UploadSession,
    ) -> Result<Option<u64>> {
        let what = format!("the state of an upload to {}/{repository}", self.registry);
        let call = Call::new(
            Method::GET,
            session.location.clone(),
            Some(push_scope(repository)),
            &what,
        );
        let response = self.send(call).await?;
        let response = self.expect_success(response, &what).await?;
        let range = response
            .headers()
            .get(RANGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // "0-N" means N+1 bytes received; "0-0" is ambiguous (0 or 1 byte) in distribution.
        Ok(match range.trim_start_matches("bytes=").split_once('-') {
            Some(("0", end)) => match end.parse::<u64>() {
                Ok(0) | Err(_) => None,
                Ok(n) => n.checked_add(1),
            },
            _ => None,
        })
    }

    /// Send bytes `start..start+len` of the blob as one chunk (PATCH).
    pub async fn upload_chunk(
        &self,
        repository: &str,
        session: &mut UploadSession,
        start: u64,
        len: u64,
        body: Payload,
    ) -> Result<()> {
        let what = format!("a chunk of an upload to {}/{repository}", self.registry);
        let mut call = Call::new(
            Method::PATCH,
            session.location.clone(),
            Some(push_scope(repository)),
            &what,
        )
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(CONTENT_LENGTH, len.to_string())
        .body(body);
        if len > 0 {
            call = call.header(CONTENT_RANGE, format!("{start}-{}", start + len - 1));
        }
        let response = self.send(call).await?;
        let response = self.expect_success(response, &what).await?;
        *session = UploadSession {
            chunk_min: session.chunk_min,
            ..self.session_from(&response, &what)?
        };
        Ok(())
    }

    /// Close an upload with its digest (PUT), optionally sending the last bytes with it.
    pub async fn finish_upload(
        &self,
        repository: &str,
        session: &UploadSession,
        digest: &Digest,
        body: Option<(u64, Payload)>,
    ) -> Result<()> {
        let what = format!("blob {digest} to {}/{repository}", self.registry);
        let mut url = session.location.clone();
        url.query_pairs_mut()
            .append_pair("digest", &digest.to_string());
        let (len, payload) = body.unwrap_or((0, Payload::None));
        let call = Call::new(Method::PUT, url, Some(push_scope(repository)), &what)
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(CONTENT_LENGTH, len.to_string())
            .body(payload);
        let response = self.send(call).await?;
        let response = self.expect_success(response, &what).await?;
        self.check_announced_digest(&response, digest, &what)?;
        self.remember_blob(repository, digest);
        Ok(())
    }

    /// After a PUT: the `Docker-Content-Digest` the registry answers with, when it sends
    /// one, must be the digest we stored the content under.
    fn check_announced_digest(
        &self,
        response: &reqwest::Response,
        digest: &Digest,
        what: &str,
    ) -> Result<()> {
        let announced = response
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        match announced {
            Some(a) if a != digest.to_string() => Err(Error::DigestMismatch {
                registry: self.registry.clone(),
                what: what.to_owned(),
                expected: digest.to_string(),
                actual: a.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// Abandon an upload session (best effort).
    pub async fn cancel_upload(&self, repository: &str, session: &UploadSession) {
        let call = Call::new(
            Method::DELETE,
            session.location.clone(),
            Some(push_scope(repository)),
            "an abandoned upload",
        );
        let _ = self.send(call).await;
    }

    /// PUT a manifest under a tag or its digest, with its exact bytes and media type.
    #[tracing::instrument(level = "debug", skip(self, bytes), fields(registry = %self.registry))]
    pub async fn put_manifest(
        &self,
        repository: &str,
        reference: &Target,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest> {
        let what = format!(
            "manifest {}/{repository}{}",
            self.registry,
            reference.suffix()
        );
        let digest = Digest::sha256_of(bytes);
        if let Some(named) = reference.digest() {
            if *named != digest {
                return Err(Error::internal(format!(
                    "{what}: the bytes to put hash to {digest}, not the digest they are put under"
                )));
            }
        }
        let url = self
            .api_url(&format!("v2/{repository}/manifests/{reference}"))
            .await?;
        let call = Call::new(Method::PUT, url, Some(push_scope(repository)), &what)
            .header(CONTENT_TYPE, media_type.to_owned())
            .body(Payload::Bytes(bytes::Bytes::copy_from_slice(bytes)));
        let response = self.send(call).await?;
        let response = self.expect_success(response, &what).await?;
        self.check_announced_digest(&response, &digest, &what)?;
        Ok(digest)
    }

    /// DELETE a manifest by tag or digest. [`Error::DeleteUnsupported`] when the registry
    /// refuses deletes of that kind (distribution answers 400 for a tag; ghcr.io and Docker
    /// Hub 405).
    #[tracing::instrument(level = "debug", skip(self), fields(registry = %self.registry))]
    pub async fn delete_manifest(&self, repository: &str, reference: &Target) -> Result<()> {
        let what = format!(
            "manifest {}/{repository}{}",
            self.registry,
            reference.suffix()
        );
        let url = self
            .api_url(&format!("v2/{repository}/manifests/{reference}"))
            .await?;
        let response = self
            .send(Call::new(
                Method::DELETE,
                url,
                Some(delete_scope(repository)),
                &what,
            ))
            .await?;
        let status = response.status();
        if matches!(status.as_u16(), 400 | 405 | 501) {
            let body = crate::transport::read_capped(response, super::MAX_ERROR_BODY)
                .await
                .unwrap_or_default();
            tracing::debug!(%status, body = %super::error_body::parse(&body).first().map(|e| e.code.clone()).unwrap_or_default(), "delete refused");
            return Err(Error::DeleteUnsupported {
                registry: self.registry.clone(),
                what,
                status: status.as_u16(),
                hint: delete_hint(&self.registry),
            });
        }
        self.expect_success(response, &what).await?;
        Ok(())
    }
}

/// Where deletes can be done when the registry refuses them through the API.
fn delete_hint(registry: &str) -> String {
    match registry {
        "ghcr.io" => "ghcr.io deletes package versions, not tags: delete the version in the package's Versions view (or `portolan-cli version-delete`), or on GitHub".to_owned(),
        "docker.io" => "On Docker Hub, delete tags on hub.docker.com".to_owned(),
        _ => "Ask the registry's operator to enable deletes (distribution: storage.delete.enabled: true)".to_owned(),
    }
}
