//! Fault injection, in Rust and through the admin endpoints.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use reqwest::Method;
use scim_testkit::{FaultKind, FaultRule, Faults};
use serde_json::{json, Value};

use crate::{assert_error, user, Api};

/// Sends one raw HTTP/1.1 request and reads until the server closes: the bytes received,
/// or the read error.
fn raw(api: &Api, request: &str) -> Result<Vec<u8>, std::io::Error> {
    let mut s = TcpStream::connect(api.server.addr())?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(request.as_bytes())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
}

#[test]
fn latency_delays_every_request() {
    let api = Api::default();
    api.server.set_faults(Faults {
        latency_ms: 150,
        ..Faults::default()
    });
    let t = Instant::now();
    assert_eq!(api.get("/Users").status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
}

/// RFC 6585 §4: 429 Too Many Requests "MAY include a Retry-After header indicating how
/// long to wait before making a new request".
#[test]
fn rate_limit_answers_429_with_retry_after_for_the_next_n_requests() {
    let api = Api::default();
    api.server.add_fault(
        FaultRule::new(FaultKind::RateLimit)
            .times(2)
            .retry_after("3")
            .method("GET"),
    );
    assert_eq!(api.post("/Users", user("not-limited")).status, 201);
    for _ in 0..2 {
        let r = api.get("/Users");
        assert_error(&r, 429, None);
        assert_eq!(r.header("retry-after"), Some("3"));
    }
    assert_eq!(api.get("/Users").status, 200);
    let log = api.server.requests();
    let faults: Vec<Option<&str>> = log.iter().map(|l| l.fault.as_deref()).collect();
    assert_eq!(faults, [None, Some("rate_limit"), Some("rate_limit"), None]);
    assert_eq!(log[1].status, 429);
}

#[test]
fn unavailable_and_html_errors_do_not_execute_the_request() {
    let api = Api::default();
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    api.server.add_fault(
        FaultRule::new(FaultKind::Unavailable)
            .times(1)
            .retry_after(date),
    );
    let r = api.post("/Users", user("u"));
    assert_error(&r, 503, None);
    assert_eq!(r.header("retry-after"), Some(date));
    api.server
        .add_fault(FaultRule::new(FaultKind::HtmlError).times(1).path("/Users"));
    let r = api.post("/Users", user("u"));
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(r
        .body
        .as_str()
        .unwrap()
        .contains("<title>502 Bad Gateway</title>"));
    api.server
        .add_fault(FaultRule::new(FaultKind::HtmlError).status(504));
    assert_eq!(api.get("/Groups").status, 504);
    api.server.clear_faults();
    assert_eq!(
        api.server.user_count(),
        0,
        "no faulted request was executed"
    );
}

/// A truncated body: `Content-Length` announces more than is sent before the close.
#[test]
fn truncate_cuts_the_body_after_executing_the_request() {
    let api = Api::default();
    api.server
        .add_fault(FaultRule::new(FaultKind::Truncate).times(1));
    let body = user("cut").to_string();
    let req = format!(
        "POST /v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let bytes = raw(&api, &req).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let (head, got) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{text:?}"));
    assert!(head.starts_with("HTTP/1.1 201"), "{head}");
    let announced: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(got.len() < announced, "{} of {announced}", got.len());
    assert!(got.len() >= announced / 2 - 1);
    assert_eq!(api.server.user_count(), 1, "the POST was executed");
    // The next request is answered whole.
    assert_eq!(api.get("/Users").body["totalResults"], 1);
}

/// A connection reset: the client gets ECONNRESET instead of an answer.
#[test]
fn reset_aborts_the_connection_after_executing_the_request() {
    let api = Api::default();
    api.server
        .add_fault(FaultRule::new(FaultKind::Reset).times(1).method("POST"));
    let body = user("reset").to_string();
    let req = format!(
        "POST /v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let err = raw(&api, &req).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    assert_eq!(api.server.user_count(), 1, "the POST was executed");
    assert_eq!(api.server.requests()[0].status, 0);
    // reqwest sees a transport error, then the next request works.
    api.server
        .add_fault(FaultRule::new(FaultKind::Reset).times(1));
    let e = reqwest::blocking::get(format!("{}/Users", api.server.url())).unwrap_err();
    assert!(!e.is_status(), "{e}");
    assert_eq!(
        String::from_utf8_lossy(&raw(&api, &get_request("/v2/Users")).unwrap())
            .lines()
            .next(),
        Some("HTTP/1.1 200 OK")
    );
}

/// The admin endpoints let tests in any language drive the same knobs.
#[test]
fn admin_endpoints_set_read_and_clear_faults_and_capabilities() {
    let api = Api::default();
    let faults = json!({"latency_ms": 0, "rules": [{"fault": "rate_limit", "times": 3, "retry_after": "2", "path": "/Groups"}]});
    let r = api.admin(Method::POST, "/faults", Some(faults));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_error(&api.get("/Groups"), 429, None);
    assert_eq!(api.get("/Users").status, 200);
    let now = api.admin(Method::GET, "/faults", None).body;
    assert_eq!(now["rules"][0]["times"], 2);
    assert_eq!(api.admin(Method::DELETE, "/faults", None).status, 204);
    assert_eq!(api.get("/Groups").status, 200);
    let bad = api.admin(
        Method::POST,
        "/faults",
        Some(json!({"rules": [{"fault": "explode"}]})),
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["scimType"], "invalidValue");

    let caps = api.admin(
        Method::PUT,
        "/capabilities",
        Some(json!({"bulk": false, "max_page_size": 5})),
    );
    assert_eq!(
        caps.body["patch"], true,
        "absent fields take their defaults"
    );
    assert_eq!(
        api.get("/ServiceProviderConfig").body["pagination"]["maxPageSize"],
        5
    );
    assert_eq!(api.admin(Method::DELETE, "/capabilities", None).status, 204);
    assert_eq!(
        api.get("/ServiceProviderConfig").body["bulk"]["supported"],
        true
    );

    api.create_user("x");
    let log = api.admin(Method::GET, "/requests", None).body;
    let last = log["requests"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last,
        json!({"method": "POST", "path": "/v2/Users", "status": 201})
    );
    assert_eq!(api.admin(Method::GET, "/stats", None).body["users"], 1);
    assert_eq!(api.admin(Method::POST, "/reset", None).status, 204);
    assert_eq!(api.server.user_count(), 0);
    assert_eq!(
        api.admin(Method::GET, "/requests", None).body["requests"],
        json!([])
    );
    assert_eq!(api.admin(Method::GET, "/nope", None).status, 404);
    let _ = Value::Null;
}
