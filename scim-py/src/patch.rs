//! `scim.apply_patch` and `scim.diff`: RFC 7644 §3.5.2 PATCH over `scim_core::patch`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scim_core::patch::{ApplyOptions, DiffOptions, MemberRemoval};
use scim_core::resource::{PatchOp, ScimObject};
use scim_core::{Error, Resource, SchemaRegistry};
use serde_json::{Map, Value};

use crate::convert::{map_to_py, to_json, to_json_object};
use crate::errors::IntoPyResult;

/// Above this many JSON values in the input, the PATCH work runs with the GIL released
/// (below, releasing and re-taking the GIL costs more than it frees).
const DETACH_NODES: usize = 10_000;

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
/// Applies a PATCH request to a resource and returns the patched copy; the input is
/// never modified, also on error (RFC 7644 §3.5.2: "each operation ... MUST be applied
/// ... atomically").
#[pyfunction]
#[pyo3(signature = (resource, patch, *, lenient = false))]
pub fn apply_patch<'py>(
    py: Python<'py>,
    resource: &Bound<'py, PyAny>,
    patch: &Bound<'py, PyAny>,
    lenient: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let (map, nodes) = to_json_object(resource, "the resource")?;
    let ops = patch_op(py, patch)?;
    let mut resource = Resource::from(map);
    let options = if lenient {
        ApplyOptions::lenient()
    } else {
        ApplyOptions::strict()
    };
    let run =
        || scim_core::patch::apply_owned_with(&mut resource, ops, SchemaRegistry::core(), &options);
    let result = if nodes > DETACH_NODES {
        py.detach(run)
    } else {
        run()
    };
    result.into_py_result(py)?;
    map_to_py(py, resource.as_map())
}

/// The smallest PatchOp that turns `old` into `new` (read-only attributes ignored).
#[pyfunction]
#[pyo3(signature = (old, new, *, filtered_paths = true, member_removal = "filtered"))]
pub fn diff<'py>(
    py: Python<'py>,
    old: &Bound<'py, PyAny>,
    new: &Bound<'py, PyAny>,
    filtered_paths: bool,
    member_removal: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let member_removal = match member_removal {
        "filtered" => MemberRemoval::Filtered,
        "value_list" => MemberRemoval::ValueList,
        other => {
            return Err(PyValueError::new_err(format!(
                "member_removal must be \"filtered\" or \"value_list\", not {other:?}"
            )))
        }
    };
    let options = DiffOptions {
        filtered_paths,
        member_removal,
        ..DiffOptions::default()
    };
    let (old, old_nodes) = to_json_object(old, "old")?;
    let (new, new_nodes) = to_json_object(new, "new")?;
    let (old, new) = (Resource::from(old), Resource::from(new));
    let run = || scim_core::patch::diff(&old, &new, SchemaRegistry::core(), &options);
    let patch = if old_nodes + new_nodes > DETACH_NODES {
        py.detach(run)
    } else {
        run()
    };
    map_to_py(py, patch.to_resource().as_map())
}
