//! Starting and stopping the server, sync and async; configuration errors.

use std::net::TcpStream;

use scim_core::ErrorCode;
use scim_testkit::{Config, TestServer};

#[test]
fn dropping_a_blocking_server_stops_it() {
    let server = TestServer::start_blocking(Config::default()).unwrap();
    let addr = server.addr();
    assert!(server.url().starts_with("http://127.0.0.1:") && server.url().ends_with("/v2"));
    assert!(TcpStream::connect(addr).is_ok());
    drop(server);
    assert!(TcpStream::connect(addr).is_err(), "the port is closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_server_serves_until_shutdown() {
    let server = TestServer::start(Config {
        base_path: String::new(),
        seed_users: 2,
        ..Config::default()
    })
    .await
    .unwrap();
    let url = server.url().to_owned();
    assert!(!url.ends_with('/'));
    let body = tokio::task::spawn_blocking(move || {
        reqwest::blocking::get(format!("{url}/Users"))
            .unwrap()
            .json::<serde_json::Value>()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(body["totalResults"], 2);
    let addr = server.addr();
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn bad_configurations_are_typed_errors() {
    let e = TestServer::start_blocking(Config {
        base_path: "v2/".into(),
        ..Config::default()
    })
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let taken = TestServer::start_blocking(Config::default()).unwrap();
    let e = TestServer::start_blocking(Config {
        port: taken.addr().port(),
        ..Config::default()
    })
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Transport);
    assert!(e.to_string().contains("cannot bind"), "{e}");
}

#[test]
fn the_server_handle_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<TestServer>();
}

/// RFC 7644 §3.3's uniqueness holds under concurrent creates: of 16 simultaneous POSTs
/// of one userName, exactly one wins.
#[test]
fn concurrent_creates_of_one_user_name_make_one_user() {
    let api = crate::Api::default();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| s.spawn(|| api.post("/Users", crate::user("race")).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(api.server.user_count(), 1);
}
