//! Integration tests of scim-core: one test binary, one module per area.

mod filter;
mod model;
mod patch;
mod path;
mod schema;
