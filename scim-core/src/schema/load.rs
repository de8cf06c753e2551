//! Loading schema definitions from a server's `/Schemas` response (RFC 7644 §4).
//!
//! Real servers deviate from RFC 7643 §7 in ways that cost nothing to accept, so they are
//! accepted: a bare array or a single schema instead of a ListResponse; `Resources`
//! spelled in another case, `null` or absent; `totalResults` missing; schemas without
//! `schemas`; characteristics in PascalCase (`MultiValued`) or with enum values in any
//! case (`READONLY`); booleans sent as `"true"` / `"false"` strings; characteristics this
//! library does not know (kept in `extra`). What cannot be accepted — a schema without
//! `id`, an attribute without `name`, a value of the wrong JSON type — is an
//! [`Error::Decode`] naming the JSON path (`Resources[2].attributes[0].subAttributes[1].name`),
//! and the registry is then left unchanged.

use serde_json::{Map, Value};

use super::{Schema, SchemaRegistry};
use crate::error::{Error, Result};
use crate::resource::{get_ci, json_type_name};

/// The keys of a schema (RFC 7643 §7), in their RFC spelling.
const SCHEMA_KEYS: [&str; 6] = ["schemas", "id", "name", "description", "attributes", "meta"];

/// The characteristics of an attribute (RFC 7643 §7), in their RFC spelling.
const ATTRIBUTE_KEYS: [&str; 12] = [
    "name",
    "type",
    "multiValued",
    "description",
    "required",
    "canonicalValues",
    "caseExact",
    "mutability",
    "returned",
    "uniqueness",
    "referenceTypes",
    "subAttributes",
];

impl SchemaRegistry {
    /// A registry from a server's `/Schemas` response: the core schemas of RFC 7643, then
    /// every schema of the response, which replaces a core schema with the same `id`
    /// (the server's definition of its own attributes wins).
    ///
    /// Accepts a ListResponse, a bare array of schemas or a single schema, with the
    /// deviations listed in this module's documentation.
    ///
    /// ```
    /// use scim_core::SchemaRegistry;
    /// let registry = SchemaRegistry::from_schemas_response(r#"{
    ///     "totalResults": 1,
    ///     "resources": [{"id": "urn:example:Device", "attributes": [
    ///         {"name": "serial", "type": "STRING", "caseExact": "true"}]}]
    /// }"#)?;
    /// assert!(registry.attribute_at(&["urn:example:Device"], "SERIAL").unwrap().is_case_exact());
    /// assert!(registry.schema(scim_core::urn::USER).is_some());
    /// # Ok::<(), scim_core::Error>(())
    /// ```
    pub fn from_schemas_response(json: &str) -> Result<Self> {
        let mut registry = SchemaRegistry::new();
        registry.load_schemas_response(json)?;
        Ok(registry)
    }

    /// [`SchemaRegistry::from_schemas_response`] from an already parsed JSON value.
    pub fn from_schemas_value(value: &Value) -> Result<Self> {
        let mut registry = SchemaRegistry::new();
        registry.load_schemas_value(value)?;
        Ok(registry)
    }

    /// Adds the schemas of a `/Schemas` response (or a bare array, or a single schema) to
    /// this registry, replacing those with the same `id`. Returns how many were loaded.
    /// On error, the registry is unchanged.
    pub fn load_schemas_response(&mut self, json: &str) -> Result<usize> {
        let value: Value = serde_json::from_str(json).map_err(|e| Error::Decode {
            message: e.to_string(),
            path: None,
        })?;
        self.load_schemas_value(&value)
    }

    /// [`SchemaRegistry::load_schemas_response`] from an already parsed JSON value.
    pub fn load_schemas_value(&mut self, value: &Value) -> Result<usize> {
        let schemas = decode_schemas(value)?;
        let n = schemas.len();
        self.extend(schemas);
        Ok(n)
    }
}

/// Decodes every schema of a `/Schemas` response, a bare array or a single schema.
fn decode_schemas(value: &Value) -> Result<Vec<Schema>> {
    let (items, prefix): (&[Value], &str) = match value {
        Value::Array(items) => (items, ""),
        Value::Object(map) => match get_ci(map, "Resources") {
            // RFC 7644 §3.4.2: "Resources ... REQUIRED if totalResults is non-zero";
            // servers also send `null` for an empty list.
            Some((key, Value::Array(items))) => (items, key),
            Some((_, Value::Null)) => (&[], ""),
            Some((key, other)) => {
                return Err(Error::Decode {
                    message: format!(
                        "expected an array of schemas, found {}",
                        json_type_name(other)
                    ),
                    path: Some(key.to_owned()),
                })
            }
            None if is_list_response(map) => (&[], ""),
            None => return Ok(vec![decode_schema(value, "")?]),
        },
        other => {
            return Err(Error::Decode {
                message: format!(
                    "expected a ListResponse, an array of schemas or a schema, found {}",
                    json_type_name(other)
                ),
                path: None,
            })
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| decode_schema(item, &format!("{prefix}[{i}]")))
        .collect()
}

/// True for an object that is a ListResponse without `Resources` (an empty list).
fn is_list_response(map: &Map<String, Value>) -> bool {
    get_ci(map, "totalResults").is_some()
        || get_ci(map, "schemas").is_some_and(|(_, s)| {
            let urns: &[Value] = match s {
                Value::Array(a) => a,
                one => std::slice::from_ref(one),
            };
            urns.iter()
                .filter_map(Value::as_str)
                .any(|u| u.eq_ignore_ascii_case(crate::urn::LIST_RESPONSE))
        })
}

/// Decodes one schema, after normalising the spelling of its keys; errors carry the
/// JSON path from the document's root.
fn decode_schema(value: &Value, path: &str) -> Result<Schema> {
    let Value::Object(map) = value else {
        return Err(Error::Decode {
            message: format!("expected a schema object, found {}", json_type_name(value)),
            path: (!path.is_empty()).then(|| path.to_owned()),
        });
    };
    let normalised = Value::Object(normalise(map, &SCHEMA_KEYS, true));
    serde_path_to_error::deserialize(&normalised).map_err(|e| {
        let inner = e.path().to_string();
        let full = match (path.is_empty(), inner == ".") {
            (true, true) => None,
            (true, false) => Some(inner),
            (false, true) => Some(path.to_owned()),
            (false, false) => Some(format!("{path}.{inner}")),
        };
        Error::Decode {
            message: e.into_inner().to_string(),
            path: full,
        }
    })
}

/// A copy of `map` whose keys that match one of `known` case-insensitively are spelled as
/// in `known`; with `schema_level`, the attributes below are normalised too.
fn normalise(map: &Map<String, Value>, known: &[&str], schema_level: bool) -> Map<String, Value> {
    map.iter()
        .map(|(key, value)| {
            let key = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(key))
                .map_or_else(|| key.clone(), |k| (*k).to_owned());
            let descend = if schema_level {
                key == "attributes"
            } else {
                key == "subAttributes"
            };
            let value = match value {
                Value::Array(items) if descend => Value::Array(
                    items
                        .iter()
                        .map(|item| match item {
                            Value::Object(m) => Value::Object(normalise(m, &ATTRIBUTE_KEYS, false)),
                            other => other.clone(),
                        })
                        .collect(),
                ),
                other => other.clone(),
            };
            (key, value)
        })
        .collect()
}
