//! The `connect` check and the `simpletcp` negotiate check.

use std::net::SocketAddr;

use regex::bytes::Regex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::checker::io_words;

/// Most bytes of an answer read before giving up on finding `receive`.
const MAX_ANSWER: usize = 1 << 20;

/// A TCP connection opened and closed at once, with a reset (a zero
/// linger, as HAProxy closes its checks): no FIN exchange, and no
/// TIME_WAIT socket left on the load balancer.
pub(super) async fn connect(addr: SocketAddr) -> Result<(), String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| io_words(&e))?;
    // Only the close's manner: a failure leaves the ordinary close.
    let _ = stream.set_zero_linger();
    Ok(())
}

/// The bytes `simpletcp` sends for `request`: ldirectord turns each `\n`
/// (backslash, n) into a newline.
pub(super) fn simple_request(request: &str) -> Vec<u8> {
    request.replace("\\n", "\n").into_bytes()
}

/// `simpletcp`: connect, send the request, close the sending side, and read
/// the answer line by line until one matches `receive` (ldirectord matches
/// each line on its own). Without `receive`, any answer passes.
pub(super) async fn simple(
    addr: SocketAddr,
    request: &[u8],
    receive: Option<&Regex>,
) -> Result<(), String> {
    let mut stream =
        TcpStream::connect(addr).await.map_err(|e| io_words(&e))?;
    stream.write_all(request).await.map_err(|e| io_words(&e))?;
    stream.shutdown().await.map_err(|e| io_words(&e))?;
    let mut answer = Vec::new();
    // Where the line being read starts.
    let mut line = 0;
    loop {
        let before = answer.len();
        let n = read_some(&mut stream, &mut answer).await?;
        let end = n == 0 || answer.len() >= MAX_ANSWER;
        // Every line completed by this read, and at the end the last one.
        let mut from = before;
        while let Some(i) = answer[from..].iter().position(|&b| b == b'\n') {
            let stop = from + i + 1;
            if line_matches(receive, &answer[line..stop]) {
                return Ok(());
            }
            line = stop;
            from = stop;
        }
        if end {
            if line < answer.len() && line_matches(receive, &answer[line..]) {
                return Ok(());
            }
            return Err("receive string not found".into());
        }
    }
}

fn line_matches(receive: Option<&Regex>, line: &[u8]) -> bool {
    receive.is_none_or(|r| r.is_match(line))
}

/// Appends what one read returns to `buf` and says how much that was;
/// `0` at the end of the stream.
pub(super) async fn read_some<S: AsyncReadExt + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> Result<usize, String> {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(n)
        }
        // A TLS peer that closes without close_notify: the end, as for
        // LWP.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(0),
        Err(e) => Err(io_words(&e)),
    }
}
