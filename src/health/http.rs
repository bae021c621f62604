//! The `http` and `https` negotiate checks: one HTTP/1.0 request with
//! `Connection: close`, the answer read to its end, its `Content-Length` or
//! [`MAX_BODY`], and ldirectord's rule: healthy when the status is 2xx and
//! the body matches `receive` (when it is set and not empty).
//!
//! HTTP/1.0 keeps servers from answering in chunks; an answer in chunks
//! all the same is decoded. Redirects are not followed (LWP follows them
//! for GET and HEAD): a 3xx answer fails the check.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use regex::bytes::Regex;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::HttpMethod;
use super::checker::io_words;
use super::tcp::read_some;

/// Most body bytes read; `receive` is matched on what was read by then.
pub(super) const MAX_BODY: usize = 1 << 20;

/// Most bytes of the status line and headers.
const MAX_HEAD: usize = 64 * 1024;

/// The Host header of a server without `virtualhost`: its address, without
/// the port (ldirectord sets the header to the bare address).
pub(super) fn host_of(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

/// The request's bytes. The path gets a leading `/` when it has none, as
/// ldirectord's `request` does; a path or host that would break the request
/// (spaces, line breaks) is refused.
pub(super) fn request(
    method: HttpMethod,
    path: &str,
    host: &str,
) -> Result<Vec<u8>, String> {
    if path
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("invalid request path".into());
    }
    if host.is_empty()
        || host
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("invalid virtual host".into());
    }
    let method = match method {
        HttpMethod::Get => "GET",
        HttpMethod::Head => "HEAD",
    };
    let slash = if path.starts_with('/') { "" } else { "/" };
    Ok(format!(
        "{method} {slash}{path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: ipvsadm-rs health check\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n"
    )
    .into_bytes())
}

/// Connects (through TLS with `tls`), sends `request` and judges the answer.
pub(super) async fn check(
    addr: SocketAddr,
    request: &[u8],
    head: bool,
    tls: Option<Arc<rustls::ClientConfig>>,
    receive: Option<&Regex>,
) -> Result<(), String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| io_words(&e))?;
    match tls {
        None => exchange(stream, request, head, receive).await,
        Some(config) => {
            // No SNI, as LWP sends none when the URL names an address.
            let name = ServerName::from(addr.ip());
            let stream = TlsConnector::from(config)
                .connect(name, stream)
                .await
                .map_err(|e| format!("TLS: {}", io_words(&e)))?;
            exchange(stream, request, head, receive).await
        }
    }
}

/// The request and the answer over an open stream.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
    head: bool,
    receive: Option<&Regex>,
) -> Result<(), String> {
    stream.write_all(request).await.map_err(|e| io_words(&e))?;
    stream.flush().await.map_err(|e| io_words(&e))?;
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(end) = head_end(&buf) {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return Err("response header too long".into());
        }
        if read_some(&mut stream, &mut buf).await? == 0 {
            return Err(if buf.is_empty() {
                "no answer".into()
            } else {
                "malformed response".into()
            });
        }
    };
    let answer = Head::parse(&buf[..head_end])?;
    if !(200..300).contains(&answer.status) {
        return Err(format!("HTTP {}", answer.status));
    }
    // ldirectord matches `receive` on the content, which a HEAD answer (or
    // a 204) does not have.
    let Some(receive) = receive else {
        if !head && answer.status != 204 {
            read_body(&mut stream, &mut buf, head_end, &answer).await?;
        }
        return Ok(());
    };
    let body = if head || answer.status == 204 {
        Vec::new()
    } else {
        read_body(&mut stream, &mut buf, head_end, &answer).await?;
        let body = &buf[head_end..];
        if answer.chunked {
            dechunk(body)
        } else {
            body.to_vec()
        }
    };
    if receive.is_match(&body) {
        Ok(())
    } else {
        Err("receive string not found".into())
    }
}

/// Reads the body into `buf` (after `head_end`) until the end of the
/// stream, its length or [`MAX_BODY`].
async fn read_body<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    head_end: usize,
    answer: &Head,
) -> Result<(), String> {
    let want = match answer.length {
        Some(n) if !answer.chunked => n.min(MAX_BODY),
        _ => MAX_BODY,
    };
    while buf.len() - head_end < want {
        if answer.chunked && buf[head_end..].ends_with(b"\r\n0\r\n\r\n") {
            break;
        }
        if read_some(stream, buf).await? == 0 {
            break;
        }
    }
    buf.truncate(head_end + want.min(buf.len() - head_end));
    Ok(())
}

/// Where the status line and headers end (after their blank line).
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What the checks need of an answer's status line and headers.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Head {
    pub(super) status: u16,
    pub(super) length: Option<usize>,
    pub(super) chunked: bool,
}

impl Head {
    pub(super) fn parse(head: &[u8]) -> Result<Head, String> {
        let malformed = || "malformed response".to_string();
        let text = std::str::from_utf8(head).map_err(|_| malformed())?;
        let mut lines = text.lines();
        let status_line = lines.next().ok_or_else(malformed)?;
        let mut words = status_line.split_ascii_whitespace();
        let version = words.next().ok_or_else(malformed)?;
        let code = words.next().ok_or_else(malformed)?;
        if !version.starts_with("HTTP/") || code.len() != 3 {
            return Err(malformed());
        }
        let status = code.parse().map_err(|_| malformed())?;
        let mut head = Head {
            status,
            length: None,
            chunked: false,
        };
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                head.length = value.parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                head.chunked = value.to_ascii_lowercase().contains("chunked");
            }
        }
        Ok(head)
    }
}

/// The data of a body in chunks; what does not parse ends it.
pub(super) fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    while let Some(eol) = body.iter().position(|&b| b == b'\n') {
        let size_text = String::from_utf8_lossy(&body[..eol]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        body = &body[eol + 1..];
        if size == 0 {
            break;
        }
        let take = size.min(body.len());
        data.extend_from_slice(&body[..take]);
        body = &body[take..];
        // The line break after the chunk.
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
    }
    data
}
