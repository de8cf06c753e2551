//! Integration tests of scim-testkit: the server driven over HTTP with plain reqwest
//! requests, one module per area.

mod binary;
mod bulk;
mod crud;
mod discovery;
mod faults;
mod flow;
mod lifecycle;
mod list;
mod patch;

use reqwest::blocking::Client;
use reqwest::header::HeaderMap;
use reqwest::Method;
use scim_testkit::{Config, TestServer};
use serde_json::{json, Value};

/// A started server and an HTTP client for it.
pub struct Api {
    pub server: TestServer,
    client: Client,
    token: Option<String>,
}

/// A response: status, headers, and the body as JSON (`Value::Null` when empty, a JSON
/// string when the body is not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Default for Api {
    fn default() -> Api {
        Api::start(Config::default())
    }
}

impl Api {
    pub fn start(config: Config) -> Api {
        let token = config.token.clone();
        let server = TestServer::start_blocking(config).expect("server starts");
        Api {
            server,
            client: Client::builder().build().expect("client"),
            token,
        }
    }

    /// Sends a request to `path` (relative to the base URL) with optional headers.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = format!("{}{}", self.server.url(), path);
        let mut req = self.client.request(method, url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/scim+json")
                .body(b.to_string());
        }
        let resp = req.send().expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, None, &[])
    }

    pub fn post(&self, path: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(body), &[])
    }

    pub fn put(&self, path: &str, body: Value) -> Resp {
        self.send(Method::PUT, path, Some(body), &[])
    }

    pub fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(Method::PATCH, path, Some(body), &[])
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.send(Method::DELETE, path, None, &[])
    }

    /// Creates a user and returns its representation.
    pub fn create_user(&self, user_name: &str) -> Value {
        let r = self.post("/Users", user(user_name));
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    /// Sends an admin request (`/_testkit/...`).
    pub fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.server.admin_url(), path));
        if let Some(b) = body {
            req = req.body(b.to_string());
        }
        let resp = req.send().expect("admin request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
        }
    }
}

/// A minimal user body.
pub fn user(user_name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
    })
}

/// Asserts a SCIM error body (RFC 7644 §3.12) with this status and scimType.
pub fn assert_error(r: &Resp, status: u16, scim_type: Option<&str>) {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"]),
        "{:?}",
        r.body
    );
    assert_eq!(r.body["status"], json!(status.to_string()));
    assert_eq!(
        r.body.get("scimType").and_then(Value::as_str),
        scim_type,
        "{:?}",
        r.body
    );
    assert!(r.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(r
        .header("content-type")
        .unwrap_or("")
        .starts_with("application/scim+json"));
}
