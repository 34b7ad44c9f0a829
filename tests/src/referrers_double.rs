//! A registry double with the OCI referrers API, which distribution 2.8 lacks.
//!
//! It answers `GET /v2/<name>/referrers/<digest>` with an image index
//! (`application/vnd.oci.image.index.v1+json`) of the manifests whose `subject` is that
//! digest — an empty one for a subject it knows nothing of, as registries with the API do.
//! Everything else is either served from memory ([`ReferrersDouble::start`]: `GET /v2/` and
//! manifests added with [`ReferrersDouble::add_manifest`]) or forwarded to a real registry
//! ([`ReferrersDouble::in_front_of`]), whose manifest pushes it indexes by subject, as a
//! registry with the API does. One request per connection; bodies need `Content-Length`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::images::{sha256, OCI_INDEX};

#[derive(Default)]
struct State {
    /// Referrer descriptors by subject digest, in the order they arrived.
    referrers: HashMap<String, Vec<serde_json::Value>>,
    /// `(repository, tag or digest)` -> (media type, bytes), when standing alone.
    manifests: HashMap<(String, String), (String, Vec<u8>)>,
    /// Request lines seen.
    log: Vec<String>,
}

/// A running double.
pub struct ReferrersDouble {
    /// `127.0.0.1:PORT`.
    pub host: String,
    state: Arc<Mutex<State>>,
}

impl ReferrersDouble {
    /// A double that serves manifests from memory.
    pub fn start() -> Self {
        Self::spawn(None)
    }

    /// A double that forwards everything but the referrers API to `upstream`
    /// (`127.0.0.1:PORT`, plain HTTP).
    pub fn in_front_of(upstream: &str) -> Self {
        Self::spawn(Some(upstream.to_owned()))
    }

    fn spawn(upstream: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind double");
        let host = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (state, upstream) = (shared.clone(), upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, upstream.as_deref(), &state);
                });
            }
        });
        Self { host, state }
    }

    /// Serve `bytes` as manifest `repository:reference` (a tag, or its digest), and index
    /// it under its `subject` when it has one.
    pub fn add_manifest(&self, repository: &str, reference: &str, media_type: &str, bytes: &[u8]) {
        let mut state = self.state.lock().expect("state");
        index_subject(&mut state, media_type, bytes);
        state.manifests.insert(
            (repository.to_owned(), reference.to_owned()),
            (media_type.to_owned(), bytes.to_vec()),
        );
    }

    /// Request lines seen so far (`PUT /v2/a/manifests/sha256-… HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().expect("state").log.clone()
    }
}

/// Remember the manifest `bytes` as a referrer of its `subject`, described as the
/// referrers API describes it.
fn index_subject(state: &mut State, media_type: &str, bytes: &[u8]) {
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let Some(subject) = manifest["subject"]["digest"].as_str() else {
        return;
    };
    let mut entry = serde_json::json!({
        "mediaType": manifest["mediaType"].as_str().unwrap_or(media_type),
        "digest": sha256(bytes),
        "size": bytes.len(),
    });
    let artifact_type = manifest["artifactType"]
        .as_str()
        .or_else(|| manifest["config"]["mediaType"].as_str());
    if let Some(t) = artifact_type {
        entry["artifactType"] = t.into();
    }
    if manifest["annotations"].is_object() {
        entry["annotations"] = manifest["annotations"].clone();
    }
    let listed = state.referrers.entry(subject.to_owned()).or_default();
    if !listed.iter().any(|e| e["digest"] == entry["digest"]) {
        listed.push(entry);
    }
}

fn respond(
    client: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    write!(client, "HTTP/1.1 {status}\r\n")?;
    for (k, v) in headers {
        write!(client, "{k}: {v}\r\n")?;
    }
    write!(
        client,
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    client.write_all(body)?;
    client.flush()
}

fn serve(
    mut client: TcpStream,
    upstream: Option<&str>,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let parts: Vec<&str> = request_line.split_whitespace().collect();
    let [method, target, version] = parts.as_slice() else {
        // A TLS hello or garbage: what a plain-HTTP server answers.
        return respond(&mut client, "400 Bad Request", &[], b"");
    };
    if !version.starts_with("HTTP/") {
        return respond(&mut client, "400 Bad Request", &[], b"");
    }
    let (method, path) = (
        method.to_string(),
        target.split('?').next().unwrap_or_default().to_owned(),
    );
    let mut head = Vec::new();
    let mut content_length = 0usize;
    let mut content_type = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            content_length = v.trim().parse().unwrap_or(0);
        }
        if let Some(v) = lower.strip_prefix("content-type:") {
            content_type = v.trim().to_owned();
        }
        if !lower.starts_with("connection:") {
            head.push(line);
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    state
        .lock()
        .expect("state")
        .log
        .push(request_line.trim().to_owned());

    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    // GET /v2/<name...>/referrers/<digest>
    if method == "GET" && segments.len() >= 4 && segments[segments.len() - 2] == "referrers" {
        let subject = segments[segments.len() - 1];
        let listed = state
            .lock()
            .expect("state")
            .referrers
            .get(subject)
            .cloned()
            .unwrap_or_default();
        let index =
            serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": listed});
        let bytes = serde_json::to_vec(&index).expect("json");
        return respond(
            &mut client,
            "200 OK",
            &[("Content-Type", OCI_INDEX.to_owned())],
            &bytes,
        );
    }
    match upstream {
        Some(upstream) => {
            let response = forward(upstream, &request_line, &head, &body)?;
            let pushed =
                response.starts_with(b"HTTP/1.1 201") || response.starts_with(b"HTTP/1.0 201");
            if method == "PUT"
                && pushed
                && segments.len() >= 4
                && segments[segments.len() - 2] == "manifests"
            {
                index_subject(&mut state.lock().expect("state"), &content_type, &body);
            }
            client.write_all(&response)?;
            client.flush()
        }
        None => serve_from_memory(&mut client, &method, &segments, state),
    }
}

fn serve_from_memory(
    client: &mut TcpStream,
    method: &str,
    segments: &[&str],
    state: &Mutex<State>,
) -> std::io::Result<()> {
    if segments == ["v2", ""] || segments == ["v2"] {
        return respond(
            client,
            "200 OK",
            &[("Content-Type", "application/json".to_owned())],
            b"{}",
        );
    }
    let not_found = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#;
    if segments.len() < 4
        || segments[segments.len() - 2] != "manifests"
        || !matches!(method, "GET" | "HEAD")
    {
        return respond(
            client,
            "404 Not Found",
            &[("Content-Type", "application/json".to_owned())],
            not_found,
        );
    }
    let repository = segments[1..segments.len() - 2].join("/");
    let reference = segments[segments.len() - 1].to_owned();
    let found = state
        .lock()
        .expect("state")
        .manifests
        .get(&(repository, reference))
        .cloned();
    let Some((media_type, bytes)) = found else {
        return respond(
            client,
            "404 Not Found",
            &[("Content-Type", "application/json".to_owned())],
            not_found,
        );
    };
    let headers = [
        ("Content-Type", media_type),
        ("Docker-Content-Digest", sha256(&bytes)),
    ];
    if method == "HEAD" {
        write!(client, "HTTP/1.1 200 OK\r\n")?;
        for (k, v) in &headers {
            write!(client, "{k}: {v}\r\n")?;
        }
        write!(
            client,
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            bytes.len()
        )?;
        return client.flush();
    }
    respond(client, "200 OK", &headers, &bytes)
}

/// Send the request on to `upstream` and return its whole answer.
fn forward(
    upstream: &str,
    request_line: &str,
    head: &[String],
    body: &[u8],
) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(request_line.as_bytes())?;
    for line in head {
        up.write_all(line.as_bytes())?;
    }
    up.write_all(b"Connection: close\r\n\r\n")?;
    up.write_all(body)?;
    let mut response = Vec::new();
    up.read_to_end(&mut response)?;
    Ok(response)
}
