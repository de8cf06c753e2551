//! What a [`TestServer`](crate::TestServer) serves and how it misbehaves: [`Config`] at
//! start, [`Capabilities`] (what `/ServiceProviderConfig` advertises and enforces) and
//! [`Faults`] (deviations and failures), the last two also changeable at run time.
//!
//! [`Capabilities`] and [`Faults`] are plain serde types: the admin endpoints
//! (`/_testkit/capabilities`, `/_testkit/faults`) take and return exactly their JSON
//! form, with snake_case keys and every field optional on input (missing ones take the
//! defaults below).

use serde::{Deserialize, Serialize};

/// How a [`TestServer`](crate::TestServer) starts.
///
/// ```
/// use scim_testkit::{Capabilities, Config};
/// let config = Config {
///     token: Some("secret".into()),
///     seed_users: 100,
///     capabilities: Capabilities { bulk: false, ..Capabilities::default() },
///     ..Config::default()
/// };
/// assert_eq!(config.base_path, "/v2");
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// The TCP port on 127.0.0.1; 0 (the default) picks a free one.
    pub port: u16,
    /// The path prefix of every SCIM endpoint; default `/v2`. `""` serves at the root.
    pub base_path: String,
    /// When set, every SCIM request must carry `Authorization: Bearer <token>`; others
    /// get 401. The admin endpoints under `/_testkit/` never require it.
    pub token: Option<String>,
    /// How many users to create at start (`user000001`, ...; see [`crate::seed`]).
    pub seed_users: usize,
    /// How many groups to create at start; the seeded users are spread over them.
    pub seed_groups: usize,
    /// The `userName` of the user that `/Me` designates (RFC 7644 §3.11). `None`: `/Me`
    /// answers 501, as the RFC allows.
    pub me_user_name: Option<String>,
    /// What the server supports and advertises.
    pub capabilities: Capabilities,
    /// The faults active from the start.
    pub faults: Faults,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            base_path: "/v2".to_owned(),
            token: None,
            seed_users: 0,
            seed_groups: 0,
            me_user_name: None,
            capabilities: Capabilities::default(),
            faults: Faults::default(),
        }
    }
}

/// A pagination method of RFC 7644 §3.4.2.4 (index) or RFC 9865 (cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaginationMethod {
    /// `startIndex` and `count`.
    Index,
    /// `cursor` and `count`, answered with `nextCursor`.
    Cursor,
}

/// What the server supports, as advertised by `/ServiceProviderConfig` (RFC 7643 §5,
/// RFC 9865 §4) and enforced: a request for something switched off gets 501 Not
/// Implemented (RFC 7644 §3.12: "Service provider does not support the request
/// operation"), so a client that ignores the configuration is caught.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    /// PATCH (RFC 7644 §3.5.2).
    pub patch: bool,
    /// When true, a successful PATCH without `attributes` answers 204 No Content instead
    /// of 200 with the resource (both are allowed by RFC 7644 §3.5.2). Not advertised.
    pub patch_no_content: bool,
    /// `/Bulk` (RFC 7644 §3.7).
    pub bulk: bool,
    /// `bulk.maxOperations`: more operations in one request get 413.
    pub bulk_max_operations: usize,
    /// `bulk.maxPayloadSize` in bytes: a larger bulk request gets 413.
    pub bulk_max_payload_size: usize,
    /// `filter` on list and search requests.
    pub filter: bool,
    /// `filter.maxResults`: no page holds more resources than this.
    pub max_results: usize,
    /// `changePassword`: when false, PUT or PATCH that sets `password` gets 501.
    pub change_password: bool,
    /// `sortBy` / `sortOrder`.
    pub sort: bool,
    /// ETags: `meta.version`, the `ETag` header, `If-Match` and `If-None-Match`. When
    /// false none of them is produced and the request headers are ignored.
    pub etag: bool,
    /// RFC 9865 cursor pagination.
    pub cursor: bool,
    /// Index pagination (`startIndex`). When false (a cursor-only server), a request with
    /// `startIndex` greater than 1 gets 400.
    pub index: bool,
    /// The method used when a request names neither `startIndex` nor `cursor`. Forced to
    /// the only one enabled when one of `index`/`cursor` is off.
    pub default_pagination: PaginationMethod,
    /// The page size when a request gives no `count`.
    pub default_page_size: usize,
    /// The largest page, whatever `count` asks (RFC 9865 `maxPageSize`).
    pub max_page_size: usize,
    /// How long an unused cursor stays valid, in seconds (RFC 9865 `cursorTimeout`).
    pub cursor_timeout_secs: u64,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            patch: true,
            patch_no_content: false,
            bulk: true,
            bulk_max_operations: 1000,
            bulk_max_payload_size: 1 << 20,
            filter: true,
            max_results: 1000,
            change_password: true,
            sort: true,
            etag: true,
            cursor: true,
            index: true,
            default_pagination: PaginationMethod::Index,
            default_page_size: 100,
            max_page_size: 1000,
            cursor_timeout_secs: 600,
        }
    }
}

impl Capabilities {
    /// A server that pages only with cursors (RFC 9865 §2.5 "Cursors as the Only
    /// Pagination Method"): every list answer carries `nextCursor`, `startIndex` is refused.
    pub fn cursor_only() -> Self {
        Capabilities {
            index: false,
            cursor: true,
            default_pagination: PaginationMethod::Cursor,
            ..Capabilities::default()
        }
    }

    /// The pagination method used when a request names none.
    pub fn effective_default_pagination(&self) -> PaginationMethod {
        match (self.index, self.cursor) {
            (false, true) => PaginationMethod::Cursor,
            (true, false) => PaginationMethod::Index,
            _ => self.default_pagination,
        }
    }

    /// The largest page: the smaller of `max_page_size` and `max_results`, at least 1.
    pub fn page_limit(&self) -> usize {
        self.max_page_size.min(self.max_results).max(1)
    }
}

/// Deviations and failures, active until cleared.
///
/// JSON form (the admin endpoint `POST /_testkit/faults`):
///
/// ```json
/// {"latency_ms": 20, "ignore_start_index": false,
///  "rules": [{"fault": "rate_limit", "times": 2, "retry_after": "1", "method": "GET"},
///            {"fault": "html_error", "status": 502, "path": "/Users"}]}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// A delay before every SCIM request is handled, in milliseconds.
    pub latency_ms: u64,
    /// Index pagination answers the first page whatever `startIndex` asks (and says
    /// `startIndex: 1`), like servers that ignore the parameter.
    pub ignore_start_index: bool,
    /// Failures for the next matching requests, tried in order: the first rule that
    /// matches a request (and has uses left) applies to it.
    pub rules: Vec<FaultRule>,
}

/// One failure, for the requests it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// What goes wrong.
    pub fault: FaultKind,
    /// For how many matching requests; `None` (absent): every one until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Only requests with this method (case-insensitive), e.g. `"GET"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests whose path, relative to the base path, starts with this, e.g.
    /// `"/Users"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The `Retry-After` header of `rate_limit` (default `"1"`) and `unavailable` (none by
    /// default): seconds or an HTTP date, sent verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// The status of `html_error` (default 502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl FaultRule {
    /// A rule for every request, with no limit.
    pub fn new(fault: FaultKind) -> Self {
        FaultRule {
            fault,
            times: None,
            method: None,
            path: None,
            retry_after: None,
            status: None,
        }
    }

    /// Limits the rule to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Limits the rule to one method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// Limits the rule to paths starting with `prefix` (relative to the base path).
    pub fn path(mut self, prefix: &str) -> Self {
        self.path = Some(prefix.to_owned());
        self
    }

    /// Sets the `Retry-After` value.
    pub fn retry_after(mut self, value: &str) -> Self {
        self.retry_after = Some(value.to_owned());
        self
    }

    /// Sets the status of an `html_error`.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

/// The kinds of failure a [`FaultRule`] injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 Too Many Requests with `Retry-After` and a SCIM error body; the request is not
    /// executed.
    RateLimit,
    /// 503 Service Unavailable with a SCIM error body (and `Retry-After` when the rule
    /// gives one); the request is not executed.
    Unavailable,
    /// An HTML error page, as a reverse proxy sends (default 502 Bad Gateway); the request
    /// is not executed.
    HtmlError,
    /// The request is executed, then the answer is cut: `Content-Length` announces the
    /// whole body, half of it is sent and the connection is closed.
    Truncate,
    /// The request is executed, then the connection is reset (TCP RST) instead of
    /// answering: the client cannot know whether it took effect.
    Reset,
}
