//! Unit tests of the upload loop against an in-process fake registry: a single-request
//! upload that breaks starts over in a new session; a chunked one whose PATCH is cut off
//! resumes from the offset the registry reports (a chunk boundary, or mid-chunk, when the
//! bytes before it are hashed again from the source).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use http_double::{HttpDouble, Reply, Request};

use super::upload_blob;
use crate::client::tests::client_for;
use crate::digest::Digest;
use crate::transfer::progress::{no_progress, BlobOutcome, Cancel};
use crate::transfer::push::PushOptions;
use crate::transfer::source::BlobSource;
use crate::transfer::Blob;

const BYTES: &[u8] = b"0123456789";
const UPLOADS: &str = "/v2/repo/blobs/uploads/";

/// What the fake registry holds of one upload session.
#[derive(Default)]
struct Uploads {
    /// Sessions opened.
    opened: AtomicU32,
    /// Bytes received in the current session.
    received: Mutex<Vec<u8>>,
    /// The blob once finished.
    finished: Mutex<Option<Vec<u8>>>,
}

impl Uploads {
    fn received(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.received.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answer the upload endpoints; `cut(request)` says how many bytes of a PATCH or PUT
    /// body to keep before resetting the connection, `None` to answer normally.
    fn answer(&self, r: &Request, cut: &dyn Fn(&Request) -> Option<usize>) -> Reply {
        let session = format!("{UPLOADS}u{}", self.opened.load(Ordering::SeqCst));
        let range = |n: usize| format!("0-{}", n.saturating_sub(1));
        match (r.method.as_str(), r.path()) {
            ("HEAD", _) => Reply::empty(404),
            ("POST", UPLOADS) => {
                let n = self.opened.fetch_add(1, Ordering::SeqCst) + 1;
                self.received().clear();
                Reply::empty(202).with_header("Location", &format!("{UPLOADS}u{n}"))
            }
            ("DELETE", _) => Reply::empty(204),
            (_, path) if path != session => Reply::empty(404),
            ("GET", _) => Reply::empty(204)
                .with_header("Location", &session)
                .with_header("Range", &range(self.received().len())),
            ("PATCH", _) => {
                let start: Option<usize> = r
                    .header("content-range")
                    .and_then(|v| v.split('-').next())
                    .and_then(|v| v.parse().ok());
                if start != Some(self.received().len()) {
                    return Reply::empty(416);
                }
                if let Some(keep) = cut(r) {
                    self.received().extend_from_slice(&r.body[..keep]);
                    return Reply::raw(|_| Ok(())); // read, then closed unanswered
                }
                self.received().extend_from_slice(&r.body);
                let len = self.received().len();
                Reply::empty(202)
                    .with_header("Location", &session)
                    .with_header("Range", &range(len))
            }
            ("PUT", _) => {
                if cut(r).is_some() {
                    return Reply::raw(|_| Ok(())); // read, then closed unanswered
                }
                let mut blob = self.received().clone();
                blob.extend_from_slice(&r.body);
                let digest = Digest::sha256_of(&blob).to_string();
                if r.query("digest").as_deref() != Some(digest.as_str()) {
                    return Reply::empty(400);
                }
                *self.finished.lock().unwrap_or_else(|e| e.into_inner()) = Some(blob);
                Reply::empty(201).with_header("Docker-Content-Digest", &digest)
            }
            _ => Reply::empty(405),
        }
    }

    fn finished(&self) -> Option<Vec<u8>> {
        self.finished
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Push `BYTES` in chunks of `chunk_size` to a fake registry that cuts requests as `cut`
/// says; returns the outcome, the server and what it holds.
async fn push(
    chunk_size: u64,
    cut: impl Fn(&Request) -> Option<usize> + Send + Sync + 'static,
) -> (crate::error::Result<BlobOutcome>, HttpDouble, Arc<Uploads>) {
    let uploads = Arc::new(Uploads::default());
    let state = uploads.clone();
    let server = HttpDouble::serve(move |r| match r.path() {
        "/v2/" => Reply::empty(200),
        _ => state.answer(r, &cut),
    });
    let client = client_for(&server, false);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("blob");
    std::fs::write(&path, BYTES).expect("write");
    let blob = Blob {
        digest: Digest::sha256_of(BYTES),
        size: BYTES.len() as u64,
    };
    let options = PushOptions {
        jobs: 1,
        chunk_size,
        progress: no_progress(),
        cancel: Cancel::new(),
    };
    let source = BlobSource::File { path, offset: 0 };
    let outcome = upload_blob(&client, "repo", &blob, &source, None, &options).await;
    (outcome, server, uploads)
}

fn content_ranges(server: &HttpDouble) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.header("content-range").unwrap_or_default().to_owned())
        .collect()
}

fn count(server: &HttpDouble, method: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == method)
        .count()
}

#[tokio::test]
async fn a_chunk_cut_off_after_the_registry_stored_it_resumes_at_the_next_chunk() {
    let patches = AtomicU32::new(0);
    let (outcome, server, uploads) = push(4, move |r| {
        (r.method == "PATCH" && patches.fetch_add(1, Ordering::SeqCst) == 1).then_some(r.body.len())
    })
    .await;
    assert!(
        matches!(outcome, Ok(BlobOutcome::Transferred)),
        "{outcome:?}"
    );
    assert_eq!(uploads.finished().as_deref(), Some(BYTES));
    // 4-7 was stored before the connection broke: the registry says so, and it is not sent again.
    assert_eq!(content_ranges(&server), ["0-3", "4-7", "8-9"]);
    assert_eq!(
        server.requests_to("GET", "/v2/repo/blobs/uploads/u1").len(),
        1
    );
    assert_eq!(count(&server, "POST"), 1);
    assert_eq!(count(&server, "DELETE"), 0);
}

#[tokio::test]
async fn a_chunk_cut_off_mid_way_resumes_from_the_reported_offset() {
    let patches = AtomicU32::new(0);
    let (outcome, server, uploads) = push(4, move |r| {
        (r.method == "PATCH" && patches.fetch_add(1, Ordering::SeqCst) == 1).then_some(2)
    })
    .await;
    assert!(
        matches!(outcome, Ok(BlobOutcome::Transferred)),
        "{outcome:?}"
    );
    assert_eq!(uploads.finished().as_deref(), Some(BYTES));
    // The registry kept 4-5 of 4-7: the upload goes on at 6, its hash rebuilt from the file.
    assert_eq!(content_ranges(&server), ["0-3", "4-7", "6-9"]);
    assert_eq!(count(&server, "POST"), 1);
}

#[tokio::test]
async fn a_broken_single_request_upload_starts_over_in_a_new_session() {
    let puts = AtomicU32::new(0);
    let (outcome, server, uploads) = push(64, move |r| {
        (r.method == "PUT" && puts.fetch_add(1, Ordering::SeqCst) == 0).then_some(0)
    })
    .await;
    assert!(
        matches!(outcome, Ok(BlobOutcome::Transferred)),
        "{outcome:?}"
    );
    assert_eq!(uploads.finished().as_deref(), Some(BYTES));
    assert_eq!(count(&server, "POST"), 2);
    assert_eq!(count(&server, "PUT"), 2);
    // The broken session is abandoned, never finished.
    assert_eq!(
        server
            .requests_to("DELETE", "/v2/repo/blobs/uploads/u1")
            .len(),
        1
    );
}

#[tokio::test]
async fn chunks_that_keep_failing_give_up_after_the_policy_s_resumes() {
    let (outcome, server, uploads) = push(4, |r| (r.method == "PATCH").then_some(0)).await;
    let err = outcome.expect_err("never stored");
    assert!(matches!(err, crate::Error::Unreachable { .. }), "{err:?}");
    assert_eq!(uploads.finished(), None);
    // The first pass and one resume for each of the policy's four attempts; the registry
    // cannot say where an empty upload stands, so each resume is a new session, and every
    // session is abandoned.
    assert_eq!(content_ranges(&server).len(), 5);
    assert_eq!(count(&server, "POST"), 5);
    assert_eq!(count(&server, "DELETE"), 5);
}
