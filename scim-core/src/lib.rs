//! `scim-core`: a SCIM 2.0 client library — the RFC 7643 data model, RFC 7644 filters and
//! PATCH, and (with the `client` feature) an HTTP client that survives real servers.
//!
//! The pieces, each usable alone:
//! - [`Resource`]: a JSON object that keeps everything it is given, with case-insensitive
//!   attribute lookup; typed structs ([`resource`]) convert to and from it losslessly.
//! - [`schema`]: attribute definitions and the [`SchemaRegistry`] that filters and PATCH
//!   consult for `caseExact`, types and mutability.
//! - [`filter`]: RFC 7644 §3.4.2.2 filters — [`Filter::parse`], a canonical `Display`,
//!   schema-aware [`Filter::matches`] and an injection-safe builder ([`Filter::eq`]...);
//!   [`path`]: PATCH paths ([`Path::parse`]).
//! - [`Error`]: one error type, with stable [`ErrorCode`]s shared by every binding.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "client")]
pub mod client;
pub mod error;
pub mod filter;
pub mod patch;
pub mod path;
pub mod protocol;
pub mod resource;
pub mod schema;
pub mod urn;

pub use error::{Error, ErrorCode, Result, ScimType, SyntaxError};
pub use filter::Filter;
pub use path::Path;
pub use resource::{ETag, Meta, Resource};
pub use resource::{EnterpriseUser, Group, ScimObject, User};
pub use schema::SchemaRegistry;
