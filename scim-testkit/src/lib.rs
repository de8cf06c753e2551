//! `scim-testkit`: an in-memory SCIM 2.0 service provider on 127.0.0.1, for the tests,
//! examples and benchmarks of every language binding of `scim`.
//!
//! It serves RFC 7643/7644 for real — Users (with the enterprise extension), Groups with
//! members (and users' derived `groups`), POST/GET/PUT/PATCH/DELETE, filters
//! (scim-core's evaluation), `sortBy`/`sortOrder`, `attributes`/`excludedAttributes`,
//! index and RFC 9865 cursor pagination, `POST .search` (per type and at the root),
//! `/Bulk` with `bulkId` references and `failOnErrors`, the discovery endpoints, ETags
//! (`If-Match` → 412, `If-None-Match` → 304), `userName` uniqueness (409) and bearer
//! authentication — with SCIM error bodies everywhere and `application/scim+json`.
//!
//! And it misbehaves on demand ([`Faults`]): latency, 429 with `Retry-After`, 503, HTML
//! error pages, truncated bodies, connection resets, ignored `startIndex`; with
//! [`Capabilities`] it becomes a cursor-only server, one without bulk, PATCH, ETags...
//!
//! # Layout of the URL space
//!
//! - `{url}` = `http://127.0.0.1:PORT/v2` ([`TestServer::url`]; the base path is
//!   [`Config::base_path`]): `/Users`, `/Groups`, `/Me`, `/Bulk`, `/.search`,
//!   `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`.
//! - `http://127.0.0.1:PORT/_testkit/` ([`TestServer::admin_url`]), never
//!   authenticated, for tests in any language:
//!   - `GET|POST|DELETE /_testkit/faults`: read, replace, clear the [`Faults`] (JSON);
//!   - `GET|PUT|DELETE /_testkit/capabilities`: read, replace, restore the
//!     [`Capabilities`];
//!   - `GET|DELETE /_testkit/requests`: the log of SCIM requests (method, path, status,
//!     fault);
//!   - `POST /_testkit/reset`: delete every resource, restore the start configuration;
//!   - `GET /_testkit/stats`: counts of users, groups and logged requests.
//!
//! # Use
//!
//! ```no_run
//! use scim_testkit::{Config, FaultKind, FaultRule, TestServer};
//! let server = TestServer::start_blocking(Config { token: Some("t".into()), ..Config::default() })?;
//! server.add_fault(FaultRule::new(FaultKind::RateLimit).times(2).retry_after("1"));
//! // ... point a SCIM client at server.url() with the bearer token "t" ...
//! # Ok::<(), scim_core::Error>(())
//! ```
//!
//! The binary does the same from a shell: `cargo run -p scim-testkit -- --port 0` prints
//! the base URL as its first line (see `--help`).
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod bulk;
pub mod config;
mod discovery;
mod faults;
mod filter;
mod patch;
mod projection;
mod query;
mod reply;
pub mod seed;
mod server;
mod service;
mod store;

pub use config::{Capabilities, Config, FaultKind, FaultRule, Faults, PaginationMethod};
pub use server::TestServer;
pub use service::LoggedRequest;
