//! PATCH paths (RFC 7644 §3.5.2): `scim_path_validate`.

use std::ffi::c_char;

use scim_core::Path;

use crate::boundary::{arg_str, guard, write_string, OK};
use crate::error::scim_error;
use crate::scim_code;

/// Checks that `path` is a valid PATCH path (`name`, `urn:...:name.sub`,
/// `emails[type eq "work"].value`).
///
/// An invalid path is `SCIM_ERR_INVALID_PATH` (scimType `invalidPath`), with the byte
/// offset in `scim_error_position`. On success, when `canonical_out` is not NULL it
/// receives the path's canonical text, owned by the caller (free it with
/// `scim_string_free`); `canonical_out` is the one output that may be NULL. Thread-safe.
///
/// # Safety
///
/// `path` must be NULL or NUL-terminated; `canonical_out` NULL or writable; `err` NULL or
/// a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_path_validate(
    path: *const c_char,
    canonical_out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        // SAFETY: `path` is NULL or NUL-terminated (contract above).
        let text = unsafe { arg_str(path, "path") }?;
        let parsed = Path::parse(text)?;
        if !canonical_out.is_null() {
            // SAFETY: `canonical_out` is not NULL (checked) and writable (contract above).
            unsafe { write_string(canonical_out, parsed.to_string()) };
        }
        OK
    })
}
