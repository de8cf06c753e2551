//! Integration tests of scim-core: one test binary, one module per area.

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod client_faults;
#[cfg(feature = "client")]
mod client_flow;
mod filter;
mod model;
mod patch;
mod path;
mod schema;
