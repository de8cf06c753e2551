//! The RFC 7643 core schema definitions (§8.7.1 and §8.7.2).

use super::Schema;

/// The built-in core schemas. Filled in by the schema-definitions work.
pub(super) fn core_schemas() -> Vec<Schema> {
    Vec::new()
}
