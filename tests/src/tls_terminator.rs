//! A TLS terminator in front of a Unix socket, the way a Docker engine is exposed on
//! `tcp://…:2376`: TLS on a loopback port with a server certificate from [`crate::tls`],
//! a client certificate signed by the same CA required (as `dockerd --tlsverify` does),
//! and the decrypted bytes passed to and from the socket (here, Podman's API service).
//! It counts the connections that completed a handshake.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use openssl::pkey::PKey;
use openssl::ssl::{SslAcceptor, SslMethod, SslVerifyMode};
use openssl::x509::X509;

use crate::tls::TestTls;

/// How long one side is waited for before the other is looked at.
const POLL: Duration = Duration::from_millis(5);

/// A running terminator (it stops with the test process).
pub struct TlsTerminator {
    /// `127.0.0.1:PORT`.
    pub addr: String,
    handshakes: Arc<AtomicUsize>,
}

impl TlsTerminator {
    /// Terminate TLS made with `tls` on a free loopback port, passing the bytes to `socket`.
    pub fn start(tls: &TestTls, socket: &Path) -> Self {
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).expect("ssl");
        acceptor
            .set_certificate(&X509::from_pem(&tls.cert_pem).expect("cert"))
            .expect("cert");
        acceptor
            .set_private_key(&PKey::private_key_from_pem(&tls.key_pem).expect("key"))
            .expect("key");
        acceptor
            .cert_store_mut()
            .add_cert(X509::from_pem(&tls.ca_pem).expect("ca"))
            .expect("ca");
        acceptor.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
        // A client resuming a session (rustls does) needs one with client verification.
        acceptor
            .set_session_id_context(b"portolan-engine")
            .expect("session context");
        let acceptor = Arc::new(acceptor.build());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let handshakes = Arc::new(AtomicUsize::new(0));
        let counter = handshakes.clone();
        let socket: PathBuf = socket.to_owned();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (acceptor, counter, socket) =
                    (acceptor.clone(), counter.clone(), socket.clone());
                std::thread::spawn(move || {
                    let Ok(tls) = acceptor.accept(tcp) else {
                        return;
                    };
                    counter.fetch_add(1, Ordering::SeqCst);
                    if let Ok(unix) = UnixStream::connect(&socket) {
                        pass(tls, unix);
                    }
                });
            }
        });
        Self { addr, handshakes }
    }

    /// Connections that completed a TLS handshake (a client certificate included).
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

/// Pass bytes both ways until either side closes, looking at each in turn.
fn pass(mut tls: openssl::ssl::SslStream<std::net::TcpStream>, mut unix: UnixStream) {
    let waiting =
        |e: &std::io::Error| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut);
    if tls.get_ref().set_read_timeout(Some(POLL)).is_err()
        || unix.set_read_timeout(Some(POLL)).is_err()
    {
        return;
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if unix.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
            Err(e) if waiting(&e) => {}
            Err(_) => return,
        }
        match unix.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if tls.write_all(&buf[..n]).and_then(|()| tls.flush()).is_err() {
                    return;
                }
            }
            Err(e) if waiting(&e) => {}
            Err(_) => return,
        }
    }
}
