//! Every fault the client must survive: rate limits, unavailable servers, proxy error
//! pages, empty and truncated bodies, reset connections, timeouts, oversized bodies,
//! and OAuth 2.0 token expiry.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use scim_core::client::{Client, ClientCredentials};
use scim_core::protocol::RetryPolicy;
use scim_core::{ErrorCode, User};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::client::{bjensen, client, scim_json, server, RawHeader};

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    }
}

/// RFC 6585 §4: "The response representations SHOULD include details explaining the
/// condition, and MAY include a Retry-After header indicating how long to wait before
/// making a new request." The GET is sent again after the wait.
#[tokio::test]
async fn rate_limited_get_is_retried_after_retry_after_seconds() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let user = client(&server).users().get("1").send().await.unwrap();
    assert_eq!(user.id.as_deref(), Some("1"));
    // The server asked for one second: the retry did not come earlier.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

/// RFC 9110 §10.2.3: "Retry-After = HTTP-date / delay-seconds". A date is honoured; a
/// wait longer than the client accepts is not waited for: the 429 comes back at once.
#[tokio::test]
async fn retry_after_http_date_and_overlong_waits() {
    let server = server().await;
    let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", soon.as_str()))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/2"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "3600")
                .set_body_raw(
                    r#"{"status":"429","detail":"slow down"}"#,
                    "application/json",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    c.users().get("1").send().await.unwrap();
    let e = c.users().get("2").send().await.unwrap_err();
    assert!(e.is_rate_limited(), "{e}");
    assert_eq!(e.to_string(), "SCIM error 429: slow down");
}

/// 503 without Retry-After: capped exponential backoff, then the last answer.
#[tokio::test]
async fn unavailable_get_is_retried_up_to_the_budget() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .expect(3)
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();
    let e = c.users().delete("1").send().await.unwrap_err();
    assert_eq!((e.code(), e.status()), (ErrorCode::Http, Some(503)));
    assert_eq!(e.to_string(), "HTTP error 503: maintenance");
}

/// A POST that reached the server is never sent twice: a 503 or 429 to a create is
/// returned as it is.
#[tokio::test]
async fn create_is_never_replayed() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server)
        .users()
        .create(&User::new("bjensen"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
}

/// An HTML error page from a proxy keeps its status and a short snippet; an empty
/// error body says so.
#[tokio::test]
async fn html_and_empty_error_bodies_keep_status_and_snippet() {
    let server = server().await;
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<p>upstream</p>".repeat(50)
    );
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/2"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/3"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.users().get("1").send().await.unwrap_err();
    match &e {
        scim_core::Error::Http { status, snippet } => {
            assert_eq!(*status, 502);
            assert!(
                snippet.starts_with("<html><head><title>502 Bad Gateway"),
                "{snippet}"
            );
            assert!(snippet.chars().count() <= 201, "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    let e = c.users().get("2").send().await.unwrap_err();
    assert_eq!(e.to_string(), "HTTP error 500 (empty body)");
    let e = c.users().get("3").send().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Decode, "{e}");
}

/// A raw HTTP/1.1 server on 127.0.0.1 that answers every connection with `reply` and
/// then closes it (or resets it, when `reply` is empty). Returns its URL and a counter
/// of connections.
async fn raw_server(reply: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            if reply.is_empty() {
                // SO_LINGER 0: closing sends a TCP reset.
                let _ = stream.set_zero_linger();
            } else {
                let _ = stream.write_all(reply).await;
                let _ = stream.flush().await;
            }
            drop(stream);
        }
    });
    (url, connections)
}

/// A body cut short of its Content-Length is a transport error, not a decode error
/// of half a document.
#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    let (url, _) = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{\"id\":\"1\",",
    )
    .await;
    let c = Client::builder(url)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Transport, "{e}");
    assert!(e.to_string().contains("cut short"), "{e}");
}

/// A reset connection is a transport error; an idempotent GET is retried, a POST is not
/// (the request may have reached the server).
#[tokio::test]
async fn reset_connections_retry_gets_but_not_posts() {
    let (url, connections) = raw_server(b"").await;
    let c = Client::builder(&url)
        .retry_policy(fast_retries(2))
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Transport, "{e}");
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    let e = c.users().create(&User::new("x")).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Transport, "{e}");
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

/// A refused connection carried no request: even a POST is retried, then the error
/// says the client could not connect.
#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let c = Client::builder(url)
        .retry_policy(fast_retries(1))
        .build()
        .unwrap();
    let e = c.users().create(&User::new("x")).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Transport, "{e}");
    assert!(e.to_string().contains("cannot connect"), "{e}");
}

/// An expired request timeout is its own error kind, and is not retried.
#[tokio::test]
async fn timeouts_are_their_own_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"1\"")).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert_eq!(e.code(), ErrorCode::Timeout);
}

/// A body larger than the configured maximum is refused, with or without a
/// Content-Length.
#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = server().await;
    let big = json!({"id": "1", "userName": "x".repeat(5000)});
    Mock::given(method("GET"))
        .and(path("/Users/1"))
        .respond_with(scim_json(200, big))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(server.uri())
        .max_response_size(1000)
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    assert!(
        e.to_string().contains("exceeds the limit of 1000 bytes"),
        "{e}"
    );
    // No Content-Length: the body is counted as it streams in.
    let (url, _) = raw_server(Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{{\"id\":\"{}\"}}",
            "y".repeat(5000)
        )
        .into_bytes()
        .into_boxed_slice(),
    ))
    .await;
    let c = Client::builder(url)
        .max_response_size(1000)
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    assert!(
        e.to_string().contains("exceeds the limit of 1000 bytes"),
        "{e}"
    );
}

fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in}),
    )
}

/// RFC 6749 §4.4.2: the client authenticates with its credentials and asks for
/// `grant_type=client_credentials`; the token is cached while it is valid.
#[tokio::test]
async fn oauth2_token_is_fetched_once_and_cached() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        // RFC 6749 §2.3.1: Basic with the form-encoded id and secret ("a p p" → a%20p%20p).
        .and(RawHeader("authorization", "Basic YSUyMHAlMjBwOnMzY3IzdA=="))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "grant_type=client_credentials&scope=scim.write%20scim.read",
        ))
        .respond_with(token_response("tok-1", 3600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
        .expect(2)
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .oauth2_client_credentials(
            ClientCredentials::new(format!("{}/token", server.uri()), "a p p", "s3cr3t")
                .scope("scim.write")
                .scope("scim.read"),
        )
        .build()
        .unwrap();
    c.users().get("1").send().await.unwrap();
    c.users().get("1").send().await.unwrap();
    assert!(!format!("{c:?}").contains("s3cr3t"));
}

/// A token at the end of its life is replaced before it is used.
#[tokio::test]
async fn oauth2_token_is_refreshed_before_expiry() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_response("tok-1", 0))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_response("tok-2", 3600))
        .expect(1)
        .mount(&server)
        .await;
    for token in ["tok-1", "tok-2"] {
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users/1"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .oauth2_client_credentials(ClientCredentials::new(
            format!("{}/token", server.uri()),
            "app",
            "s3cr3t",
        ))
        .build()
        .unwrap();
    c.users().get("1").send().await.unwrap();
    c.users().get("1").send().await.unwrap();
}

/// A 401 to a request with a cached token drops it, fetches a new one and sends the
/// request again, once — a POST too, since a 401 means it was not processed.
#[tokio::test]
async fn oauth2_token_is_refreshed_on_401() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_response("revoked", 3600))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_response("fresh", 3600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .and(header("authorization", "Bearer revoked"))
        .respond_with(scim_json(
            401,
            json!({"status": "401", "detail": "token revoked"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(scim_json(201, bjensen("1", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .oauth2_client_credentials(ClientCredentials::new(
            format!("{}/token", server.uri()),
            "app",
            "s3cr3t",
        ))
        .build()
        .unwrap();
    let user = c.users().create(&User::new("bjensen")).await.unwrap();
    assert_eq!(user.id.as_deref(), Some("1"));
}

/// A token endpoint that refuses the client is an HTTP error that names the token
/// endpoint and never shows the secret.
#[tokio::test]
async fn oauth2_refusal_is_reported_without_the_secret() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .oauth2_client_credentials(ClientCredentials::new(
            format!("{}/token", server.uri()),
            "app",
            "s3cr3t",
        ))
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(e.to_string().contains("token endpoint"), "{e}");
    assert!(e.to_string().contains("invalid_client"), "{e}");
    assert!(!format!("{e:?}").contains("s3cr3t"));
}

/// A writer that keeps what the tracing subscriber prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every request runs in a `scim.request` span; at TRACE level, nothing logged holds a
/// token, a password or an Authorization header.
#[tokio::test]
async fn tracing_output_has_spans_and_no_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_response("tok-secret-1", 3600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .oauth2_client_credentials(ClientCredentials::new(
            format!("{}/token", server.uri()),
            "app",
            "client-secret-9",
        ))
        .header("X-Api-Key", "api-key-7")
        .build()
        .unwrap();
    c.users().get("1").send().await.unwrap();
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("scim.request"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("attempts=2"), "{log}");
    for secret in [
        "tok-secret-1",
        "client-secret-9",
        "api-key-7",
        "YXBwOmNsaWVudC1zZWNyZXQtOQ",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}
