//! A hostile man-in-the-middle in front of a real registry.
//!
//! Requests whose request line (`GET /v2/...`) contains a rule's text get that rule's fault (for a set number of
//! times); everything else is forwarded untouched. Faults: an error status with an optional
//! `Retry-After`, a connection closed before any answer, a body cut short, or the upstream
//! answer with its body replaced (headers, `Docker-Content-Digest` included, kept). The
//! requests are read by an [`HttpDouble`]; what comes back from the registry is passed on
//! as bytes, so a fault can cut or stall it anywhere.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::http_double::{forward, head_len, HttpDouble, Reply, Request};

/// What to do to a matching request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer this status (with `Retry-After: secs` when given).
    Status(u16, Option<u64>),
    /// Close the connection without answering.
    Reset,
    /// Forward, then send only the first half of the body and close.
    Truncate,
    /// Forward, send the head and the first half of the body, then hold the connection
    /// open until the client closes it (counted by [`FaultyProxy::closed_stalls`]).
    Stall,
    /// Forward, then replace the body with these bytes.
    ReplaceBody(Vec<u8>),
    /// Forward, with this `Content-Type` instead of the registry's.
    ContentType(String),
    /// Forward, with the origin of the `Location` header replaced by this one
    /// (`http://127.0.0.1:PORT`): an upload or redirect sent to another host.
    RewriteLocation(String),
}

struct Rule {
    path_contains: String,
    fault: Fault,
    skip: usize,
    times: usize,
}

/// A running proxy.
pub struct FaultyProxy {
    /// `127.0.0.1:PORT`.
    pub host: String,
    rules: Arc<Mutex<Vec<Rule>>>,
    closed_stalls: Arc<AtomicUsize>,
    double: HttpDouble,
}

impl FaultyProxy {
    /// Start a proxy forwarding to `upstream` (`127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::default();
        let closed_stalls: Arc<AtomicUsize> = Arc::default();
        let (r, c, up) = (rules.clone(), closed_stalls.clone(), upstream.to_owned());
        let double = HttpDouble::serve(move |request| {
            let fault = take_fault(&r, &request.line());
            answer(&up, request, fault, &c)
        });
        Self {
            host: double.host.clone(),
            rules,
            closed_stalls,
            double,
        }
    }

    /// Apply `fault` to the next `times` requests whose request line (method and path)
    /// contains `path_contains`.
    pub fn inject(&self, path_contains: &str, fault: Fault, times: usize) {
        self.inject_after(path_contains, 0, fault, times);
    }

    /// Like [`inject`](Self::inject), letting the first `skip` matching requests through.
    pub fn inject_after(&self, path_contains: &str, skip: usize, fault: Fault, times: usize) {
        self.rules.lock().expect("rules").push(Rule {
            path_contains: path_contains.to_owned(),
            fault,
            skip,
            times,
        });
    }

    /// Request lines seen so far (`GET /v2/... range=bytes=N-` when a range was asked).
    pub fn requests(&self) -> Vec<String> {
        self.double
            .requests()
            .iter()
            .map(|r| match r.header("range") {
                Some(range) => format!("{} range={}", r.line(), range.to_ascii_lowercase()),
                None => r.line(),
            })
            .collect()
    }

    /// Stalled responses ([`Fault::Stall`]) whose client has closed the connection.
    pub fn closed_stalls(&self) -> usize {
        self.closed_stalls.load(Ordering::SeqCst)
    }

    /// Request lines of requests that carried an `Authorization` header.
    pub fn authorized_requests(&self) -> Vec<String> {
        self.double
            .requests()
            .iter()
            .filter(|r| r.header("authorization").is_some())
            .map(Request::line)
            .collect()
    }
}

/// The fault of the first rule left whose text is in `line`, counting it.
fn take_fault(rules: &Mutex<Vec<Rule>>, line: &str) -> Option<Fault> {
    let mut rules = rules.lock().expect("rules");
    let found = rules
        .iter_mut()
        .find(|r| r.times > 0 && line.contains(&r.path_contains));
    found.and_then(|r| {
        if r.skip > 0 {
            r.skip -= 1;
            return None;
        }
        r.times -= 1;
        Some(r.fault.clone())
    })
}

fn answer(
    upstream: &str,
    request: &Request,
    fault: Option<Fault>,
    stalls: &Arc<AtomicUsize>,
) -> Reply {
    match fault {
        Some(Fault::Status(code, retry_after)) => {
            let reply =
                Reply::registry_error(code, "TOOMANYREQUESTS", "injected by the test proxy");
            return match retry_after {
                Some(secs) => reply.with_header("Retry-After", &secs.to_string()),
                None => reply,
            };
        }
        Some(Fault::Reset) => {
            return Reply::raw(|client| client.shutdown(std::net::Shutdown::Both));
        }
        _ => {}
    }
    let Ok(response) = forward(upstream, request) else {
        return Reply::raw(|_| Ok(()));
    };
    let stalls = stalls.clone();
    Reply::raw(move |client| pass_back(client, &response, fault.as_ref(), &stalls))
}

/// Write the upstream `response` to the client, with the byte-level `fault` applied.
fn pass_back(
    client: &mut TcpStream,
    response: &[u8],
    fault: Option<&Fault>,
    closed_stalls: &AtomicUsize,
) -> std::io::Result<()> {
    let (resp_head, resp_body) = response.split_at(head_len(response));
    match fault {
        Some(Fault::Truncate) => {
            client.write_all(resp_head)?;
            client.write_all(&resp_body[..resp_body.len() / 2])?;
        }
        Some(Fault::Stall) => {
            client.write_all(resp_head)?;
            client.write_all(&resp_body[..resp_body.len() / 2])?;
            client.flush()?;
            // Wait for the client to go away (a read returns 0 or fails).
            let mut byte = [0u8; 1];
            while matches!(client.read(&mut byte), Ok(n) if n > 0) {}
            closed_stalls.fetch_add(1, Ordering::SeqCst);
            return Ok(());
        }
        Some(Fault::ContentType(kind)) => {
            let text = String::from_utf8_lossy(resp_head);
            for line in text.split("\r\n").filter(|l| !l.is_empty()) {
                if !line.to_ascii_lowercase().starts_with("content-type:") {
                    write!(client, "{line}\r\n")?;
                }
            }
            write!(client, "Content-Type: {kind}\r\n\r\n")?;
            client.write_all(resp_body)?;
        }
        Some(Fault::RewriteLocation(origin)) => {
            let text = String::from_utf8_lossy(resp_head);
            for line in text.split("\r\n").filter(|l| !l.is_empty()) {
                match line.split_once(':') {
                    Some((name, value)) if name.eq_ignore_ascii_case("location") => {
                        let value = value.trim();
                        // Keep the path and query; replace scheme, host and port.
                        let path = match value.find("://") {
                            Some(i) => value[i + 3..]
                                .find('/')
                                .map(|j| &value[i + 3 + j..])
                                .unwrap_or("/"),
                            None => value,
                        };
                        write!(client, "Location: {origin}{path}\r\n")?;
                    }
                    _ => write!(client, "{line}\r\n")?,
                }
            }
            write!(client, "\r\n")?;
            client.write_all(resp_body)?;
        }
        Some(Fault::ReplaceBody(new_body)) => {
            let text = String::from_utf8_lossy(resp_head);
            for line in text.split("\r\n").filter(|l| !l.is_empty()) {
                if !line.to_ascii_lowercase().starts_with("content-length:") {
                    write!(client, "{line}\r\n")?;
                }
            }
            write!(client, "Content-Length: {}\r\n\r\n", new_body.len())?;
            client.write_all(new_body)?;
        }
        _ => client.write_all(response)?,
    }
    client.flush()
}
