//! Tests of the health checks against servers on 127.0.0.1 that this
//! process runs (no kernel, no network): one file per kind of check, and
//! the concurrency and `checktype=N` properties.

mod concurrency;
mod external;
mod http;
mod sequencing;
mod tcp;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::{
    CheckKind, CheckOutcome, CheckSpec, CheckTarget, Checker, HttpMethod, Probe,
};

/// What a test server does with a connection.
#[derive(Clone)]
pub(super) enum Mode {
    /// Reads the request, sends the reply and closes.
    Reply,
    /// Reads the request, sends the reply and keeps the connection open.
    KeepOpen,
    /// Sends the reply at once, without reading, and closes.
    Greet,
    /// Accepts and never reads nor answers.
    Silent,
    /// [`Mode::Reply`] through TLS with the test certificate.
    Tls,
}

/// A server on 127.0.0.1 in a thread of its own, with its own runtime; it
/// lives until the test process ends.
pub(super) struct Server {
    pub(super) addr: SocketAddr,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    reply: Arc<Mutex<Vec<u8>>>,
}

impl Server {
    pub(super) fn start(mode: Mode, reply: &[u8]) -> Server {
        Self::start_on("127.0.0.1:0".parse().unwrap(), mode, reply)
    }

    /// A server on `bind` (port 0 for any).
    pub(super) fn start_on(
        bind: SocketAddr,
        mode: Mode,
        reply: &[u8],
    ) -> Server {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let reply = Arc::new(Mutex::new(reply.to_vec()));
        let (tx, rx) = mpsc::channel();
        let (requests2, reply2) = (requests.clone(), reply.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let socket = match bind {
                    SocketAddr::V4(_) => TcpSocket::new_v4(),
                    SocketAddr::V6(_) => TcpSocket::new_v6(),
                };
                let socket = socket.unwrap();
                socket.bind(bind).unwrap();
                // Room for every connection of the concurrency test at once.
                let listener = socket.listen(1024).unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let tls = matches!(mode, Mode::Tls).then(acceptor);
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let (mode, tls) = (mode.clone(), tls.clone());
                    let (requests, reply) = (requests2.clone(), reply2.clone());
                    tokio::spawn(serve(stream, mode, tls, requests, reply));
                }
            });
        });
        Server {
            addr: rx.recv().unwrap(),
            requests,
            reply,
        }
    }

    /// What the server answers from now on.
    pub(super) fn set_reply(&self, reply: &[u8]) {
        *self.reply.lock().unwrap() = reply.to_vec();
    }

    /// The requests received so far, one per connection that sent one.
    pub(super) fn requests(&self) -> Vec<String> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect()
    }
}

async fn serve(
    stream: TcpStream,
    mode: Mode,
    tls: Option<tokio_rustls::TlsAcceptor>,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    reply: Arc<Mutex<Vec<u8>>>,
) {
    match (mode, tls) {
        (Mode::Silent, _) => {
            let _held = stream;
            std::future::pending::<()>().await;
        }
        (Mode::Greet, _) => {
            let mut stream = stream;
            let reply = reply.lock().unwrap().clone();
            let _ = stream.write_all(&reply).await;
            let _ = stream.shutdown().await;
        }
        (Mode::Tls, Some(acceptor)) => {
            if let Ok(stream) = acceptor.accept(stream).await {
                answer(stream, requests, reply, false).await;
            }
        }
        (mode, _) => {
            answer(stream, requests, reply, matches!(mode, Mode::KeepOpen))
                .await
        }
    }
}

/// Reads a request (to its blank line or the end of the stream), records
/// it and sends the reply.
async fn answer<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    reply: Arc<Mutex<Vec<u8>>>,
    keep_open: bool,
) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    if got.is_empty() {
        // A connect check.
        return;
    }
    requests.lock().unwrap().push(got);
    let reply = reply.lock().unwrap().clone();
    let _ = stream.write_all(&reply).await;
    let _ = stream.flush().await;
    if keep_open {
        std::future::pending::<()>().await;
    }
    let _ = stream.shutdown().await;
}

/// A TLS acceptor with the self-signed test certificate.
fn acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let cert = CertificateDer::from_pem_slice(include_bytes!("test-cert.pem"))
        .unwrap();
    let key =
        PrivateKeyDer::from_pem_slice(include_bytes!("test-key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// An address nothing listens on.
pub(super) fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// A 200 answer with `body` and its length.
pub(super) fn ok(body: &str) -> Vec<u8> {
    reply(200, body)
}

pub(super) fn reply(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Whatever\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `service=http`, GET `path`, with `receive`.
pub(super) fn http(path: &str, receive: Option<&str>) -> Probe {
    http_with(false, HttpMethod::Get, path, None, receive)
}

/// `service=http` (`https` with `tls`) with every setting.
pub(super) fn http_with(
    tls: bool,
    method: HttpMethod,
    path: &str,
    host: Option<&str>,
    receive: Option<&str>,
) -> Probe {
    Probe::Http {
        tls,
        method,
        path: path.into(),
        host: host.map(Into::into),
        receive: receive.map(Into::into),
    }
}

pub(super) fn target(
    key: &str,
    addr: SocketAddr,
    kind: CheckKind,
    limit: Duration,
) -> CheckTarget {
    CheckTarget {
        key: key.into(),
        addr,
        spec: CheckSpec {
            kind,
            connect_timeout: limit,
            negotiate_timeout: limit,
        },
    }
}

/// One check of `kind` on `addr` with a 5 s limit (no test reaches it
/// unless it fails).
pub(super) fn check(addr: SocketAddr, kind: CheckKind) -> CheckOutcome {
    let mut checker = Checker::new().unwrap();
    let mut outcomes =
        checker.run(&[target("t", addr, kind, Duration::from_secs(5))]);
    assert_eq!(outcomes.len(), 1);
    outcomes.pop().unwrap()
}

/// Asserts a failed outcome with `error`.
#[track_caller]
pub(super) fn assert_fails(outcome: &CheckOutcome, error: &str) {
    assert!(!outcome.healthy, "{outcome:?}");
    assert_eq!(outcome.error.as_deref(), Some(error), "{outcome:?}");
}

#[track_caller]
pub(super) fn assert_healthy(outcome: &CheckOutcome) {
    assert!(outcome.healthy, "{outcome:?}");
    assert_eq!(outcome.error, None);
}
