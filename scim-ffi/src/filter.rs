//! `scim_filter`: parse, evaluate and print RFC 7644 §3.4.2.2 filters.

use std::ffi::c_char;

use scim_core::filter::{Filter, ParseOptions};
use scim_core::{Resource, SchemaRegistry};
use serde::Deserialize;

use crate::boundary::{
    arg_str, free_handle, guard, json_object, non_null, options, write_handle, write_out,
    write_string, OK,
};
use crate::error::scim_error;
use crate::scim_code;

/// A parsed filter. Immutable: it may be evaluated from several threads at once. Freed
/// with `scim_filter_free`.
pub struct scim_filter(Filter);

/// `scim_filter_parse`'s options object. Unknown keys are an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct FilterOptions {
    lenient: bool,
    max_length: usize,
    max_depth: usize,
}

impl Default for FilterOptions {
    fn default() -> Self {
        let d = ParseOptions::default();
        FilterOptions {
            lenient: d.lenient,
            max_length: d.max_length,
            max_depth: d.max_depth,
        }
    }
}

/// Parses a filter.
///
/// `options_json` may be NULL (strict parsing, 64 KiB and 128 levels of nesting at most)
/// or a JSON object with any of `"lenient"` (bool: accept what major IdPs send beyond the
/// grammar, e.g. `emails[type eq "work"].value eq "x"`), `"max_length"` (bytes) and
/// `"max_depth"`; another key is `SCIM_ERR_INVALID_ARGUMENT`.
///
/// On success `*out` receives a new filter, owned by the caller (free it with
/// `scim_filter_free`). A syntax error is `SCIM_ERR_INVALID_FILTER`, with the byte offset
/// in `scim_error_position`. Thread-safe.
///
/// # Safety
///
/// `input` and `options_json` must be NULL or NUL-terminated strings; `out` must be NULL
/// or writable; `err` must be NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_filter_parse(
    input: *const c_char,
    options_json: *const c_char,
    out: *mut *mut scim_filter,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: `input` is NULL or NUL-terminated (contract above).
        let input = unsafe { arg_str(input, "input") }?;
        // SAFETY: `options_json` is NULL or NUL-terminated (contract above).
        let opts: FilterOptions = unsafe { options(options_json, "options_json") }?;
        let opts = ParseOptions {
            lenient: opts.lenient,
            max_length: opts.max_length,
            max_depth: opts.max_depth,
        };
        let filter = Filter::parse_with(input, &opts)?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_handle(out, scim_filter(filter)) };
        OK
    })
}

/// Evaluates `filter` against a resource given as a JSON object, with the RFC 7643 core
/// schemas deciding attribute types and `caseExact`.
///
/// On success `*out` is true when the resource matches. `resource_json` that is not JSON
/// is `SCIM_ERR_INVALID_JSON`, not an object `SCIM_ERR_INVALID_ARGUMENT`; a filter that
/// cannot be evaluated as written (`gt` on a boolean) is `SCIM_ERR_INVALID_FILTER`.
/// Thread-safe: `filter` is not modified.
///
/// # Safety
///
/// `filter` must be NULL or a live filter; `resource_json` NULL or NUL-terminated; `out`
/// NULL or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_filter_matches(
    filter: *const scim_filter,
    resource_json: *const c_char,
    out: *mut bool,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(filter, "filter")?;
        non_null(out, "out")?;
        // SAFETY: `resource_json` is NULL or NUL-terminated (contract above).
        let text = unsafe { arg_str(resource_json, "resource_json") }?;
        let resource = Resource::from(json_object(text, "resource_json")?);
        // SAFETY: `filter` is not NULL (checked) and live (contract above).
        let filter = unsafe { &(*filter).0 };
        let matched = filter.matches(&resource, SchemaRegistry::core())?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_out(out, matched) };
        OK
    })
}

/// The canonical text of `filter` (keywords lower-case, minimal parentheses); parsing it
/// again gives an equal filter.
///
/// On success `*out` receives a new string owned by the caller (free it with
/// `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `filter` must be NULL or a live filter; `out` NULL or writable; `err` NULL or a
/// writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_filter_to_string(
    filter: *const scim_filter,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(filter, "filter")?;
        non_null(out, "out")?;
        // SAFETY: `filter` is not NULL (checked) and live (contract above).
        let text = unsafe { &(*filter).0 }.to_string();
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, text) };
        OK
    })
}

/// Frees a filter. NULL is accepted.
///
/// # Safety
///
/// `filter` must be NULL or a filter returned by `scim_filter_parse` and not yet freed;
/// it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn scim_filter_free(filter: *mut scim_filter) {
    // SAFETY: forwarded contract (above).
    unsafe { free_handle(filter) }
}
