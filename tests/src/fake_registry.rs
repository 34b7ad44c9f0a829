//! A hostile registry written in the test: answers each request with whatever the test's
//! handler says, including bodies with no end (generated while they are sent, so the test
//! itself holds no memory for them), and counts the bytes it managed to send.
//!
//! It speaks just enough HTTP/1.1 for the engine's client: one request per connection,
//! `Connection: close`, bodies without `Content-Length` delimited by the close.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What to answer.
pub enum Reply {
    /// A status, headers and a body of known bytes.
    Body {
        /// HTTP status.
        status: u16,
        /// Extra headers (`Content-Type`, `Link`, ...).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// A status and `total` bytes of `fill` (repeated), with no `Content-Length`.
    Endless {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// How many bytes to send at most.
        total: u64,
    },
}

impl Reply {
    /// A JSON body with status 200.
    pub fn json(value: &serde_json::Value) -> Self {
        Reply::Body {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: value.to_string().into_bytes(),
        }
    }
}

/// A running fake registry.
pub struct FakeRegistry {
    /// `127.0.0.1:PORT`.
    pub host: String,
    sent: Arc<AtomicU64>,
}

type Handler = dyn Fn(&str, &str) -> Reply + Send + Sync;

impl FakeRegistry {
    /// Start answering with `handler(method, path_and_query)`.
    pub fn start(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake registry");
        let host = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let sent = Arc::new(AtomicU64::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let counter = sent.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, counter) = (handler.clone(), counter.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &*handler, &counter);
                });
            }
        });
        Self { host, sent }
    }

    /// Body bytes written to clients so far (what they accepted into their sockets).
    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

fn serve(stream: std::net::TcpStream, handler: &Handler, sent: &AtomicU64) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            content_length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut out = stream;
    match handler(&method, &path) {
        Reply::Body {
            status,
            headers,
            body,
        } => {
            write!(out, "HTTP/1.1 {status} Fake\r\nConnection: close\r\n")?;
            for (name, value) in headers {
                write!(out, "{name}: {value}\r\n")?;
            }
            write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
            if method != "HEAD" {
                out.write_all(&body)?;
                sent.fetch_add(body.len() as u64, Ordering::SeqCst);
            }
        }
        Reply::Endless {
            status,
            content_type,
            total,
        } => {
            write!(
                out,
                "HTTP/1.1 {status} Fake\r\nConnection: close\r\nContent-Type: {content_type}\r\n\r\n"
            )?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = total;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                out.write_all(&chunk[..n])?;
                sent.fetch_add(n as u64, Ordering::SeqCst);
                left -= n as u64;
            }
        }
    }
    out.flush()
}
