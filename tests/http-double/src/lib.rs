//! The one HTTP/1.1 test double every test of the workspace uses: the engine's unit tests
//! (an in-process registry, Docker Hub's and GitHub's APIs) and every fake server of the
//! end-to-end tests (the token service, the referrers API, registries that lie or never
//! stop sending, a man-in-the-middle in front of a real registry). A crate of its own so
//! both can take it, the engine as a dev-dependency only.
//!
//! A table of routes, in the spirit of regclient's `internal/reqresp`: a method and a path
//! pattern lead to a canned [`Reply`] or a handler closure; the first route that matches
//! answers, else the fallback (a registry's 404). Every request is logged, head and body,
//! for the test to assert on. It listens on a free loopback port, one thread per
//! connection, and keeps connections alive unless the client or the reply ends them.
//!
//! Misbehaviour above HTTP is a reply like any other (a wrong status, a body that never
//! ends); below HTTP (a reset, a stall, a cut body, bytes passed through from another
//! server) is a [`Reply::raw`] hook writing to the socket itself, after which the
//! connection closes.
//!
//! A TLS handshake (a client's first HTTPS probe) gets the plain-HTTP 400 a plain-HTTP
//! server gives, which Portolan reads as "this server does not speak TLS" and goes on over
//! plain HTTP, as it does for a local registry.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A request as the double read it.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET`, `PUT`, ...
    pub method: String,
    /// The path and query as sent (`/v2/a/tags/list?n=10`).
    pub target: String,
    /// The protocol of the request line (`HTTP/1.1`).
    pub version: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (a chunked one decoded).
    pub body: Vec<u8>,
}

impl Request {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The first value of query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find_map(|(k, v)| (k == name).then_some(v))
    }

    /// Every query parameter, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The request line (`GET /v2/ HTTP/1.1`).
    pub fn line(&self) -> String {
        format!("{} {} {}", self.method, self.target, self.version)
    }

    fn keeps_alive(&self) -> bool {
        let close = self
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        self.version == "HTTP/1.1" && !close
    }
}

/// A hook that answers on the socket itself, below HTTP; the connection closes after it.
pub type RawHook = Arc<dyn Fn(&mut TcpStream) -> std::io::Result<()> + Send + Sync>;

/// What to answer.
#[derive(Clone)]
pub enum Reply {
    /// A status, headers and a body of known bytes (`Content-Length` is added; a `HEAD`
    /// gets the head only).
    Body {
        /// HTTP status.
        status: u16,
        /// Extra headers (`Content-Type`, `Link`, ...).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// A status and `total` bytes of `x`, generated while sent, with no `Content-Length`
    /// (the body ends when the connection closes).
    Endless {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// How many bytes to send at most.
        total: u64,
    },
    /// Bytes written by the hook as they are, then the connection closed.
    Raw(RawHook),
}

impl Reply {
    /// A JSON body with status 200.
    pub fn json(value: &serde_json::Value) -> Self {
        Self::bytes(200, "application/json", value.to_string().into_bytes())
    }

    /// `body` of type `content_type` with `status`.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply::Body {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Self {
        Reply::Body {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A registry's error answer (`{"errors":[{"code":..,"message":..}]}`).
    pub fn registry_error(status: u16, code: &str, message: &str) -> Self {
        let body = serde_json::json!({"errors": [{"code": code, "message": message}]});
        Self::bytes(status, "application/json", body.to_string())
    }

    /// The same reply with header `name: value` added (a body reply only).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Body { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// An answer written by `hook` on the socket itself (a reset, a stall, bytes passed
    /// through); the connection closes after it.
    pub fn raw(
        hook: impl Fn(&mut TcpStream) -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Self {
        Reply::Raw(Arc::new(hook))
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

struct Route {
    method: String,
    pattern: Vec<String>,
    handler: Handler,
}

impl Route {
    /// A `GET` route answers `HEAD` too; `*` answers every method.
    fn matches(&self, request: &Request) -> bool {
        let method = self.method == "*"
            || self.method == request.method
            || (self.method == "GET" && request.method == "HEAD");
        let segments: Vec<&str> = request.path().split('/').collect();
        method && segments_match(&self.pattern, &segments)
    }
}

/// `*` is one segment, `**` any number of them (none included), anything else itself.
fn segments_match(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| segments_match(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, tail)) => {
                (first == "*" || first == segment) && segments_match(rest, tail)
            }
            None => false,
        },
    }
}

/// The routes of a double not started yet.
pub struct Builder {
    routes: Vec<Route>,
    fallback: Handler,
}

impl Builder {
    /// Answer `method pattern` (`/v2/**/manifests/*`) with `reply`, every time.
    pub fn reply(self, method: &str, pattern: &str, reply: Reply) -> Self {
        self.handle(method, pattern, move |_| reply.clone())
    }

    /// Answer `method pattern` with what `handler` says.
    pub fn handle(
        mut self,
        method: &str,
        pattern: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        self.routes.push(Route {
            method: method.to_owned(),
            pattern: pattern.split('/').map(str::to_owned).collect(),
            handler: Arc::new(handler),
        });
        self
    }

    /// Answer what no route matches with `handler` (by default a registry's 404).
    pub fn fallback(mut self, handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        self.fallback = Arc::new(handler);
        self
    }

    /// Listen on a free loopback port (the double stops with the test process).
    pub fn start(self) -> HttpDouble {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the HTTP double");
        let host = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let shared = Arc::new(Shared {
            routes: self.routes,
            fallback: self.fallback,
            log: Mutex::default(),
            sent: AtomicU64::new(0),
        });
        let serving = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = serving.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        HttpDouble { host, shared }
    }
}

struct Shared {
    routes: Vec<Route>,
    fallback: Handler,
    log: Mutex<Vec<Request>>,
    sent: AtomicU64,
}

impl Shared {
    fn answer(&self, request: &Request) -> Reply {
        let handler = self
            .routes
            .iter()
            .find(|r| r.matches(request))
            .map_or(&self.fallback, |r| &r.handler);
        handler(request)
    }
}

/// A running double.
pub struct HttpDouble {
    /// `127.0.0.1:PORT`.
    pub host: String,
    shared: Arc<Shared>,
}

impl HttpDouble {
    /// A double to be given routes, then started.
    pub fn builder() -> Builder {
        Builder {
            routes: Vec::new(),
            fallback: Arc::new(|_| Reply::registry_error(404, "NOT_FOUND", "no route")),
        }
    }

    /// A double answering every request with `handler`.
    pub fn serve(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        Self::builder().fallback(handler).start()
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.host)
    }

    /// Every request answered so far, in the order they were read.
    pub fn requests(&self) -> Vec<Request> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The requests so far with `method` whose path (without the query) is `path`.
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path() == path)
            .collect()
    }

    /// The request lines so far (`GET /v2/ HTTP/1.1`).
    pub fn request_lines(&self) -> Vec<String> {
        self.requests().iter().map(Request::line).collect()
    }

    /// Body bytes written to clients so far (what they accepted into their sockets; raw
    /// replies not counted).
    pub fn bytes_sent(&self) -> u64 {
        self.shared.sent.load(Ordering::SeqCst)
    }
}

/// Serve requests on one connection until the client or a reply ends it.
fn serve(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    if opens_with_tls(&stream)? {
        return answer_tls(stream, &shared.sent);
    }
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let request = match read_request(&mut reader)? {
            Incoming::Request(request) => request,
            Incoming::End => return Ok(()),
            // A TLS hello or garbage: what a plain-HTTP server answers.
            Incoming::NotHttp => {
                return write_body(&mut out, "GET", 400, &[], b"", false, &shared.sent)
            }
        };
        shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(request.clone());
        let keep_alive = request.keeps_alive();
        match shared.answer(&request) {
            Reply::Body {
                status,
                headers,
                body,
            } => write_body(
                &mut out,
                &request.method,
                status,
                &headers,
                &body,
                keep_alive,
                &shared.sent,
            )?,
            Reply::Endless {
                status,
                content_type,
                total,
            } => return write_endless(&mut out, status, &content_type, total, &shared.sent),
            Reply::Raw(hook) => {
                hook(&mut out)?;
                return out.flush();
            }
        }
        if !keep_alive {
            return Ok(());
        }
    }
}

/// Whether the client's first bytes are a TLS handshake record (a ClientHello).
fn opens_with_tls(stream: &TcpStream) -> std::io::Result<bool> {
    let mut first = [0u8; 1];
    Ok(stream.peek(&mut first)? == 1 && first[0] == TLS_HANDSHAKE)
}

/// The content type of a TLS handshake record.
const TLS_HANDSHAKE: u8 = 0x16;

/// Read the ClientHello's record (so the close is not a reset), then answer as a
/// plain-HTTP server does: 400, and the connection closed.
fn answer_tls(mut stream: TcpStream, sent: &AtomicU64) -> std::io::Result<()> {
    let mut header = [0u8; 5];
    stream.read_exact(&mut header)?;
    let length = u16::from_be_bytes([header[3], header[4]]);
    std::io::copy(
        &mut (&mut stream).take(u64::from(length)),
        &mut std::io::sink(),
    )?;
    write_body(&mut stream, "GET", 400, &[], b"", false, sent)?;
    stream.shutdown(std::net::Shutdown::Write)
}

/// What a connection sends next.
enum Incoming {
    Request(Request),
    /// The client closed the connection.
    End,
    /// Not an HTTP request line.
    NotHttp,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Incoming> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(Incoming::End);
    }
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [method, target, version] = parts.as_slice() else {
        return Ok(Incoming::NotHttp);
    };
    if !version.starts_with("HTTP/") {
        return Ok(Incoming::NotHttp);
    }
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut request = Request {
        method: (*method).to_owned(),
        target: (*target).to_owned(),
        version: (*version).to_owned(),
        headers,
        body: Vec::new(),
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    request.body = if chunked {
        read_chunked(reader)?
    } else {
        let length = request
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    Ok(Incoming::Request(request))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = size.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut end = [0u8; 2];
        reader.read_exact(&mut end)?;
    }
}

fn write_body(
    out: &mut TcpStream,
    method: &str,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    keep_alive: bool,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    // Clients read the code; the reason phrase is for people.
    let mut head = format!("HTTP/1.1 {status} Double\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(body)?;
        sent.fetch_add(body.len() as u64, Ordering::SeqCst);
    }
    out.flush()
}

fn write_endless(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    total: u64,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status} Double\r\nConnection: close\r\nContent-Type: {content_type}\r\n\r\n"
    )?;
    let chunk = vec![b'x'; 64 * 1024];
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        out.write_all(&chunk[..n])?;
        sent.fetch_add(n as u64, Ordering::SeqCst);
        left -= n as u64;
    }
    out.flush()
}

/// Send `request` on to `upstream` (`127.0.0.1:PORT`, plain HTTP) with `Connection: close`
/// and return its whole answer, head and body, as sent: for doubles in front of a real
/// registry, which pass it back with [`Reply::raw`].
pub fn forward(upstream: &str, request: &Request) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    let mut head = format!("{}\r\n", request.line());
    for (name, value) in &request.headers {
        let hop = ["connection", "transfer-encoding", "content-length"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h));
        if !hop {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    let sends_body = !request.body.is_empty()
        || request.header("content-length").is_some()
        || request.header("transfer-encoding").is_some();
    if sends_body {
        head.push_str(&format!("Content-Length: {}\r\n", request.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    up.write_all(head.as_bytes())?;
    up.write_all(&request.body)?;
    let mut response = Vec::new();
    up.read_to_end(&mut response)?;
    Ok(response)
}

/// Where the head of a raw `response` ends (after its empty line).
pub fn head_len(response: &[u8]) -> usize {
    response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(response.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        let pattern: Vec<String> = pattern.split('/').map(str::to_owned).collect();
        segments_match(&pattern, &path.split('/').collect::<Vec<_>>())
    }

    #[test]
    fn patterns_match_segments() {
        assert!(matches("/v2/", "/v2/"));
        assert!(!matches("/v2/", "/v2"));
        assert!(matches("/v2/**/manifests/*", "/v2/a/b/manifests/v1"));
        assert!(matches("/v2/**/manifests/*", "/v2/manifests/v1"));
        assert!(!matches("/v2/*/manifests/*", "/v2/a/b/manifests/v1"));
        assert!(matches("/**", "/anything/at/all"));
    }

    #[test]
    fn routes_answer_in_order_and_requests_are_logged() {
        let double = HttpDouble::builder()
            .reply("GET", "/v2/", Reply::json(&serde_json::json!({})))
            .handle("PUT", "/v2/**/manifests/*", |r| {
                Reply::bytes(201, "text/plain", r.body.clone())
            })
            .start();
        let client = reqwest::blocking::Client::new();
        let got = client.get(double.url("/v2/")).send().expect("get");
        assert_eq!(got.status(), 200);
        let put = client
            .put(double.url("/v2/a/b/manifests/v1?x=1"))
            .body("hello")
            .send()
            .expect("put");
        assert_eq!(put.status(), 201);
        assert_eq!(put.text().expect("text"), "hello");
        let missing = client.delete(double.url("/v2/")).send().expect("delete");
        assert_eq!(missing.status(), 404);
        let log = double.requests();
        assert_eq!(log.len(), 3);
        assert_eq!(log[1].query("x").as_deref(), Some("1"));
        assert_eq!(log[1].body, b"hello");
        assert_eq!(double.request_lines()[2], "DELETE /v2/ HTTP/1.1");
        assert_eq!(double.requests_to("PUT", "/v2/a/b/manifests/v1").len(), 1);
    }

    #[test]
    fn a_tls_client_hello_gets_a_plain_http_400() {
        let double = HttpDouble::serve(|_| Reply::empty(200));
        let mut client = TcpStream::connect(&double.host).expect("connect");
        // A handshake record (TLS 1.0 framing, as clients send their hello) of 5 bytes.
        client
            .write_all(&[
                TLS_HANDSHAKE,
                0x03,
                0x01,
                0x00,
                0x05,
                0x01,
                0x00,
                0x00,
                0x01,
                0x03,
            ])
            .expect("hello");
        let mut answer = String::new();
        client
            .read_to_string(&mut answer)
            .expect("an answer, then the close");
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
        assert!(answer.contains("Connection: close\r\n"), "{answer}");
        assert!(double.requests().is_empty(), "not a request");
    }
}
