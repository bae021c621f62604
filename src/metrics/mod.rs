//! The supervisor's metrics endpoint (`--apply FILE --watch --metrics
//! ADDR:PORT`): a small read-only HTTP/1.x server that answers
//! `GET /metrics` with the last exposition the supervisor published.
//!
//! The scrape path never touches the kernel or the checker: the
//! supervisor renders the table and the health after each check round
//! and hands the bytes to [`MetricsServer::publish`], which swaps them
//! in under a lock held only for the swap. A scrape clones the current
//! snapshot (a reference count) and writes it without the lock, so a
//! slow scraper delays nobody.
//!
//! One thread accepts; each connection gets a thread of its own, at
//! most [`Limits::connections`] at a time (further ones get a 503 and
//! are closed). A connection may send at most [`Limits::header_bytes`]
//! of request head (then 431) and lives at most
//! [`Limits::connection_time`] in all, reading and writing together;
//! one request per connection (`Connection: close`).
//!
//! Answers: 200 with `text/plain; version=0.0.4; charset=utf-8` on
//! `GET` or `HEAD /metrics` (a query string is ignored), 503 before the
//! first publication, 405 for other methods on `/metrics`, 404 for
//! every other path, 400 for what is not an HTTP/1.x request line.

#[cfg(test)]
mod tests;

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::Result;

/// The content type of the Prometheus text exposition format.
pub(crate) const CONTENT_TYPE: &str =
    "text/plain; version=0.0.4; charset=utf-8";

/// How much a client may ask of the server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The longest request head (request line and headers), in bytes.
    pub header_bytes: usize,
    /// How long one connection may last, from accept to close.
    pub connection_time: Duration,
    /// How many connections are served at once.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_bytes: 8 * 1024,
            connection_time: Duration::from_secs(5),
            connections: 16,
        }
    }
}

/// What the accepting thread and the connection threads share.
#[derive(Debug)]
struct Shared {
    /// The last published body; `None` before the first.
    body: Mutex<Option<Arc<[u8]>>>,
    /// Set when the server is dropped.
    stop: AtomicBool,
    /// Connections being served.
    active: AtomicUsize,
    limits: Limits,
}

/// A metrics endpoint serving the last published snapshot on a thread
/// of its own; dropping it stops the server.
#[derive(Debug)]
pub(crate) struct MetricsServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl MetricsServer {
    /// Binds `addr` (exactly there: no other address, no fallback) and
    /// starts serving with the default [`Limits`].
    pub(crate) fn bind(addr: SocketAddr) -> Result<Self> {
        Self::bind_with(addr, Limits::default())
    }

    /// Binds `addr` and starts serving within `limits`.
    pub(crate) fn bind_with(addr: SocketAddr, limits: Limits) -> Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            body: Mutex::new(None),
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            limits,
        });
        let accepting = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name("metrics".into())
            .spawn(move || accept_loop(&listener, &accepting))?;
        Ok(Self {
            addr,
            shared,
            thread: Some(thread),
        })
    }

    /// The address the server listens on (with the port the kernel chose
    /// when asked for port 0).
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Makes `body` what `/metrics` answers from now on.
    pub(crate) fn publish(&self, body: Vec<u8>) {
        let body: Arc<[u8]> = Arc::from(body);
        *lock(&self.shared.body) = Some(body);
    }
}

impl Drop for MetricsServer {
    /// Stops accepting: sets the flag and wakes the blocked `accept`
    /// with a connection of its own. Connections being served end within
    /// their time limit on their own threads.
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                IpAddr::V6(Ipv6Addr::LOCALHOST)
            }
            ip => ip,
        };
        let wake = SocketAddr::new(ip, self.addr.port());
        let woken =
            TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok();
        if let Some(thread) = self.thread.take() {
            if woken {
                let _ = thread.join();
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counts a connection as served while it lives.
struct Active(Arc<Shared>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let stream = match conn {
            Ok(stream) => stream,
            Err(_) => {
                // Out of descriptors or the like: let it pass, don't spin.
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let active = shared.active.fetch_add(1, Ordering::SeqCst);
        let guard = Active(Arc::clone(shared));
        if active >= shared.limits.connections {
            drop(guard);
            refuse(stream);
            continue;
        }
        // On a failed spawn the closure, and with it the guard and the
        // stream, is dropped: the count goes down and the client sees
        // the connection closed.
        let _ = thread::Builder::new()
            .name("metrics-conn".into())
            .spawn(move || serve(stream, &guard.0));
    }
}

/// Answers a connection over the limit with 503 without reading it.
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = write_response(
        &mut stream,
        &Response::text(503, "Service Unavailable", "too many scrapes\n"),
        false,
    );
}

/// Why reading a request head stopped.
enum HeadError {
    /// Longer than the limit.
    TooLarge,
    /// Closed, failed or out of time: nothing to answer.
    Gone,
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    let limits = shared.limits;
    let deadline = Instant::now() + limits.connection_time;
    let _ = stream.set_nodelay(true);
    let (response, head_only) =
        match read_head(&mut stream, deadline, limits.header_bytes) {
            Ok(head) => respond(&head, shared),
            Err(HeadError::TooLarge) => (
                Response::text(
                    431,
                    "Request Header Fields Too Large",
                    "request head too large\n",
                ),
                false,
            ),
            Err(HeadError::Gone) => return,
        };
    let Some(left) = remaining(deadline) else {
        return;
    };
    if stream.set_write_timeout(Some(left)).is_err()
        || write_response(&mut stream, &response, head_only).is_err()
    {
        return;
    }
    // Closing with unread input makes the kernel send a reset, which can
    // destroy the answer before the client reads it: say we are done,
    // then read what the client still sends until it closes (or time is
    // up), and throw it away.
    let _ = stream.shutdown(Shutdown::Write);
    let mut sink = [0u8; 4096];
    while let Some(left) = remaining(deadline) {
        if stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The time left before `deadline`, if any.
fn remaining(deadline: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    (!left.is_zero()).then_some(left)
}

/// Reads up to the blank line that ends a request head; returns the head
/// without it.
fn read_head(
    stream: &mut TcpStream,
    deadline: Instant,
    max: usize,
) -> std::result::Result<Vec<u8>, HeadError> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let left = remaining(deadline).ok_or(HeadError::Gone)?;
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| HeadError::Gone)?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Gone),
        };
        // Look for the end again from a little before the new bytes.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&head[from..]) {
            head.truncate(from + end);
            return Ok(head);
        }
        if head.len() > max {
            return Err(HeadError::TooLarge);
        }
    }
}

/// Where the blank line ending a head starts (CRLF CRLF, or bare LF LF
/// as lenient servers accept).
fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A response to write: status, extra headers, body.
struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    allow: bool,
    body: Arc<[u8]>,
}

impl Response {
    fn text(status: u16, reason: &'static str, body: &str) -> Self {
        Self {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            allow: false,
            body: Arc::from(body.as_bytes()),
        }
    }
}

/// The response to a request head, and whether it is a `HEAD` (headers
/// only).
fn respond(head: &[u8], shared: &Shared) -> (Response, bool) {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [method, target, version] = parts[..] else {
        return (bad_request(), false);
    };
    if !version.starts_with(b"HTTP/1.") || !target.starts_with(b"/") {
        return (bad_request(), false);
    }
    let path = target.split(|&b| b == b'?').next().unwrap_or_default();
    if path != b"/metrics" {
        return (Response::text(404, "Not Found", "not found\n"), false);
    }
    let head_only = match method {
        b"GET" => false,
        b"HEAD" => true,
        _ => {
            let mut r = Response::text(
                405,
                "Method Not Allowed",
                "only GET and HEAD\n",
            );
            r.allow = true;
            return (r, false);
        }
    };
    let body = lock(&shared.body).clone();
    let response = match body {
        Some(body) => Response {
            status: 200,
            reason: "OK",
            content_type: CONTENT_TYPE,
            allow: false,
            body,
        },
        None => Response::text(
            503,
            "Service Unavailable",
            "no check round has finished yet\n",
        ),
    };
    (response, head_only)
}

fn bad_request() -> Response {
    Response::text(400, "Bad Request", "not an HTTP/1.x request\n")
}

fn write_response(
    out: &mut impl Write,
    r: &Response,
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        r.status,
        r.reason,
        r.content_type,
        r.body.len()
    );
    if r.allow {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if !head_only {
        out.write_all(&r.body)?;
    }
    out.flush()
}
