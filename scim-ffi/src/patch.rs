//! PATCH (RFC 7644 §3.5.2): `scim_patch_apply` and `scim_diff`.

use std::ffi::c_char;

use scim_core::patch::{self, ApplyOptions, DiffOptions, MemberRemoval};
use scim_core::resource::{json_type_name, PatchOp, ScimObject};
use scim_core::{urn, Resource, SchemaRegistry};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::boundary::{arg_str, guard, json, json_object, non_null, options, write_string, OK};
use crate::error::scim_error;
use crate::scim_code::{self, SCIM_ERR_INVALID_ARGUMENT};

/// A PATCH argument: a PatchOp object, or a JSON array of operations.
pub(crate) fn patch_arg(text: &str, name: &str) -> Result<PatchOp, scim_error> {
    let body = match json(text, name)? {
        Value::Array(operations) => {
            let mut map = Map::new();
            map.insert("schemas".into(), json!([urn::PATCH_OP]));
            map.insert("Operations".into(), Value::Array(operations));
            map
        }
        Value::Object(map) => map,
        other => {
            return Err(scim_error::new(
                SCIM_ERR_INVALID_ARGUMENT,
                format!(
                    "`{name}` must be a PatchOp object or an array of operations, not {}",
                    json_type_name(&other)
                ),
            ))
        }
    };
    PatchOp::from_resource(Resource::from(body))
        .map_err(|e| scim_error::new(SCIM_ERR_INVALID_ARGUMENT, format!("`{name}`: {e}")))
}

/// `scim_patch_apply`'s options object. Unknown keys are an error.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct PatchOptions {
    lenient: bool,
}

/// `scim_diff`'s options object. Unknown keys are an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct DiffOptionsJson {
    filtered_paths: bool,
    member_removal: Removal,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "snake_case")]
enum Removal {
    #[default]
    Filtered,
    ValueList,
}

impl Default for DiffOptionsJson {
    fn default() -> Self {
        DiffOptionsJson {
            filtered_paths: DiffOptions::default().filtered_paths,
            member_removal: Removal::Filtered,
        }
    }
}

/// Applies a PATCH to a resource (RFC 7644 §3.5.2) and returns the new resource.
///
/// `patch_json` is a PatchOp (`{"schemas": [...], "Operations": [...]}`) or a JSON array
/// of operations. `options_json` may be NULL (strict RFC 7644) or `{"lenient": true}` to
/// accept what identity providers send (`"Replace"`-style op names, `"True"`/`"False"` for
/// booleans, dotted keys in path-less values, bare values for complex attributes). The
/// RFC 7643 core schemas give attribute types, mutability and `caseExact`.
///
/// Atomic: on any error nothing is returned and the input is unchanged. A failing
/// operation is `SCIM_ERR_PATCH`, with `scim_error_scim_type` (`noTarget`,
/// `invalidPath`, `mutability`, `invalidValue`, `invalidSyntax`) and
/// `scim_error_operation_index`. On success `*out` receives the new resource as JSON,
/// owned by the caller (free it with `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// The strings must be NULL or NUL-terminated; `out` NULL or writable; `err` NULL or a
/// writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_patch_apply(
    resource_json: *const c_char,
    patch_json: *const c_char,
    options_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the strings are NULL or NUL-terminated (contract above).
        let (resource, patch, opts) = unsafe {
            (
                arg_str(resource_json, "resource_json")?,
                arg_str(patch_json, "patch_json")?,
                options::<PatchOptions>(options_json, "options_json")?,
            )
        };
        let mut resource = Resource::from(json_object(resource, "resource_json")?);
        let patch = patch_arg(patch, "patch_json")?;
        let opts = ApplyOptions {
            lenient: opts.lenient,
        };
        patch::apply_owned_with(&mut resource, patch, SchemaRegistry::core(), &opts)?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, resource.to_json()) };
        OK
    })
}

/// The PatchOp that turns `old_json` into `new_json` (both resources as JSON objects):
/// applying it to the old resource gives the new one, read-only attributes (`id`, `meta`,
/// `groups`) ignored. Multi-valued attributes with values (members, emails) change item
/// by item, so one new member of a large group is one small operation.
///
/// `options_json` may be NULL or an object with any of `"filtered_paths"` (bool, default
/// true: remove single values with `members[value eq "..."]`; false replaces the whole
/// attribute, for servers that reject filtered paths) and `"member_removal"`
/// (`"filtered"`, the default, or `"value_list"`: one `remove` listing the values, as
/// Microsoft Entra ID sends). On success `*out` receives the PatchOp as JSON (with no
/// operation when nothing differs), owned by the caller (free it with
/// `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// The strings must be NULL or NUL-terminated; `out` NULL or writable; `err` NULL or a
/// writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_diff(
    old_json: *const c_char,
    new_json: *const c_char,
    options_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the strings are NULL or NUL-terminated (contract above).
        let (old, new, opts) = unsafe {
            (
                arg_str(old_json, "old_json")?,
                arg_str(new_json, "new_json")?,
                options::<DiffOptionsJson>(options_json, "options_json")?,
            )
        };
        let old = Resource::from(json_object(old, "old_json")?);
        let new = Resource::from(json_object(new, "new_json")?);
        let opts = DiffOptions {
            filtered_paths: opts.filtered_paths,
            member_removal: match opts.member_removal {
                Removal::Filtered => MemberRemoval::Filtered,
                Removal::ValueList => MemberRemoval::ValueList,
            },
            ..DiffOptions::default()
        };
        let patch = patch::diff(&old, &new, SchemaRegistry::core(), &opts);
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, patch.to_resource().to_json()) };
        OK
    })
}
