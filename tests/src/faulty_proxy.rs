//! A hostile man-in-the-middle in front of a real registry.
//!
//! Requests whose request line (`GET /v2/...`) contains a rule's text get that rule's fault (for a set number of
//! times); everything else is forwarded untouched. Faults: an error status with an optional
//! `Retry-After`, a connection closed before any answer, a body cut short, or the upstream
//! answer with its body replaced (headers, `Docker-Content-Digest` included, kept).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

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
    log: Arc<Mutex<Vec<String>>>,
    authorized: Arc<Mutex<Vec<String>>>,
    closed_stalls: Arc<std::sync::atomic::AtomicUsize>,
}

impl FaultyProxy {
    /// Start a proxy forwarding to `upstream` (`127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let host = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::default();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let authorized: Arc<Mutex<Vec<String>>> = Arc::default();
        let closed_stalls: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let (r, l, a, c, up) = (
            rules.clone(),
            log.clone(),
            authorized.clone(),
            closed_stalls.clone(),
            upstream.to_owned(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, l, a, c, up) = (r.clone(), l.clone(), a.clone(), c.clone(), up.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &up, &r, &l, &a, &c);
                });
            }
        });
        Self {
            host,
            rules,
            log,
            authorized,
            closed_stalls,
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
        self.log.lock().expect("log").clone()
    }

    /// Stalled responses ([`Fault::Stall`]) whose client has closed the connection.
    pub fn closed_stalls(&self) -> usize {
        self.closed_stalls.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Request lines of requests that carried an `Authorization` header.
    pub fn authorized_requests(&self) -> Vec<String> {
        self.authorized.lock().expect("authorized").clone()
    }
}

fn serve(
    mut client: TcpStream,
    upstream: &str,
    rules: &Mutex<Vec<Rule>>,
    log: &Mutex<Vec<String>>,
    authorized: &Mutex<Vec<String>>,
    closed_stalls: &std::sync::atomic::AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut head = Vec::new();
    let mut content_length = 0usize;
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            content_length = v.trim().parse().unwrap_or(0);
        }
        if let Some(v) = lower.strip_prefix("range:") {
            range = Some(v.trim().to_owned());
        }
        if lower.starts_with("authorization:") {
            authorized
                .lock()
                .expect("authorized")
                .push(request_line.trim().to_owned());
        }
        if !lower.starts_with("connection:") {
            head.push(line);
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    let logged = match &range {
        Some(r) => format!("{} range={r}", request_line.trim()),
        None => request_line.trim().to_owned(),
    };
    log.lock().expect("log").push(logged);
    let path = request_line.trim().to_owned();
    let fault = {
        let mut rules = rules.lock().expect("rules");
        let found = rules
            .iter_mut()
            .find(|r| r.times > 0 && path.contains(&r.path_contains));
        found.and_then(|r| {
            if r.skip > 0 {
                r.skip -= 1;
                return None;
            }
            r.times -= 1;
            Some(r.fault.clone())
        })
    };
    match fault {
        Some(Fault::Status(code, retry_after)) => {
            let extra = retry_after
                .map(|s| format!("Retry-After: {s}\r\n"))
                .unwrap_or_default();
            let body =
                r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"injected by the test proxy"}]}"#;
            write!(client, "HTTP/1.1 {code} Injected\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
            return client.flush();
        }
        Some(Fault::Reset) => {
            let _ = client.shutdown(std::net::Shutdown::Both);
            return Ok(());
        }
        _ => {}
    }
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(request_line.as_bytes())?;
    for line in &head {
        up.write_all(line.as_bytes())?;
    }
    up.write_all(b"Connection: close\r\n\r\n")?;
    up.write_all(&body)?;
    let mut response = Vec::new();
    up.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(response.len());
    let (resp_head, resp_body) = response.split_at(split);
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
            closed_stalls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
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
            client.write_all(&new_body)?;
        }
        _ => client.write_all(&response)?,
    }
    client.flush()
}
