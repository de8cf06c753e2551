//! `/Me` (RFC 7644 §3.11): the resource of the authenticated subject, through a
//! `scim_client`.

use std::ffi::c_char;

use scim_core::Resource;

use crate::boundary::{arg_str, guard, json_object, non_null, write_string, OK};
use crate::client::{block_on, client_arg, scim_client};
use crate::error::scim_error;
use crate::patch::patch_arg;
use crate::scim_code;

/// `GET /Me` (RFC 7644 §3.11): the resource of the subject the client authenticates as.
///
/// On success `*out` receives the resource as JSON, owned by the caller (free it with
/// `scim_string_free`). A server without `/Me` answers 501 (`SCIM_ERR_API`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; `out` NULL or writable; `err` NULL or a
/// writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_me_get(
    client: *const scim_client,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: `client` is NULL or live (contract above).
        let client = unsafe { client_arg(client) }?;
        let me = block_on(client.core()?.me().get())?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, me.to_json()) };
        OK
    })
}

/// `PUT /Me`: replaces the authenticated subject's resource with `resource_json`.
///
/// On success `*out` receives the new resource as JSON, owned by the caller (free it with
/// `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; `resource_json` NULL or NUL-terminated; `out`
/// NULL or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_me_replace(
    client: *const scim_client,
    resource_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, text) = unsafe {
            (
                client_arg(client)?,
                arg_str(resource_json, "resource_json")?,
            )
        };
        let resource = Resource::from(json_object(text, "resource_json")?);
        let replaced = block_on(client.core()?.me().replace(&resource))?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, replaced.to_json()) };
        OK
    })
}

/// `PATCH /Me` with `patch_json` (a PatchOp object or a JSON array of operations).
///
/// On success `*out` receives the resource as JSON, or the text `null` when the server
/// answered 204 No Content; owned by the caller (free it with `scim_string_free`).
/// Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; `patch_json` NULL or NUL-terminated; `out`
/// NULL or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_me_patch(
    client: *const scim_client,
    patch_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, text) = unsafe { (client_arg(client)?, arg_str(patch_json, "patch_json")?) };
        let patch = patch_arg(text, "patch_json")?;
        let patched = block_on(client.core()?.me().patch(patch))?;
        let text = patched.map_or_else(|| "null".to_owned(), |r| r.to_json());
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, text) };
        OK
    })
}

/// `DELETE /Me`: deletes the authenticated subject's resource. Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_me_delete(
    client: *const scim_client,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        // SAFETY: `client` is NULL or live (contract above).
        let client = unsafe { client_arg(client) }?;
        block_on(client.core()?.me().delete())?;
        OK
    })
}
