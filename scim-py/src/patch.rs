//! `scim.apply_patch` and `scim.diff`: RFC 7644 §3.5.2 PATCH over `scim_core::patch`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use scim_core::resource::{PatchOp, ScimObject};
use scim_core::{Error, Resource};
use serde_json::{Map, Value};

use crate::convert::to_json;
use crate::errors::IntoPyResult;

/// A PATCH body from Python: a PatchOp dict, or a list of operation dicts.
pub(crate) fn patch_op(py: Python<'_>, operations: &Bound<'_, PyAny>) -> PyResult<PatchOp> {
    let map = match to_json(operations)? {
        Value::Object(map) => map,
        Value::Array(ops) => {
            let mut map = Map::new();
            map.insert(
                "schemas".into(),
                Value::Array(vec![Value::String(scim_core::urn::PATCH_OP.into())]),
            );
            map.insert("Operations".into(), Value::Array(ops));
            map
        }
        _ => {
            return Err(PyTypeError::new_err(
                "a patch must be a PatchOp dict or a list of operation dicts",
            ))
        }
    };
    // A malformed body is the caller's mistake in an argument: RFC 7644 §3.12 calls it
    // invalidSyntax; here it is a PatchError with that scimType and the first operation.
    PatchOp::from_resource(Resource::from(map))
        .map_err(|e| match e {
            Error::Decode { message, path } => Error::Patch {
                scim_type: scim_core::ScimType::InvalidSyntax,
                index: operation_index(path.as_deref()),
                message: format!(
                    "invalid PATCH request{}: {message}",
                    path.map(|p| format!(" at {p}")).unwrap_or_default()
                ),
            },
            other => other,
        })
        .into_py_result(py)
}

/// The operation index in a decode path like `Operations[2].op` (0 when there is none).
fn operation_index(path: Option<&str>) -> usize {
    path.and_then(|p| p.strip_prefix("Operations["))
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
