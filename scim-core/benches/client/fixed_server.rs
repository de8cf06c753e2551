//! A keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with the same
//! bytes: the RFC 7643 §8.2 user. It does no parsing beyond finding the end of each
//! request head, so what a benchmark against it measures is the client (and the
//! loopback), not the server.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// RFC 7643 §8.2: the full user representation.
pub const USER: &str = include_str!("../../tests/fixtures/rfc7643-8.2-full-user.json");
/// The id of [`USER`].
pub const USER_ID: &str = "2819c223-7f76-453a-919d-413861904646";

/// The whole response, head and body.
pub fn response() -> Vec<u8> {
    let body = USER.trim_end();
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Binds 127.0.0.1 on a free port and serves until the process ends; returns the
/// address once listening.
pub fn start() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            serve(listener).await;
        });
    });
    rx.recv().expect("the fixed server did not start")
}

async fn serve(listener: TcpListener) {
    let reply: &'static [u8] = Vec::leak(response());
    while let Ok((mut stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 16 * 1024];
            let mut filled = 0;
            loop {
                match stream.read(&mut buf[filled..]).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => filled += n,
                }
                // Answer every complete request head in the buffer (pipelining-safe).
                let mut start = 0;
                while let Some(end) = find_head_end(&buf[start..filled]) {
                    if stream.write_all(reply).await.is_err() {
                        return;
                    }
                    start += end;
                }
                buf.copy_within(start..filled, 0);
                filled -= start;
                if filled == buf.len() {
                    return; // a request head larger than the buffer: not ours
                }
            }
        });
    }
}

fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}
