//! The panic boundary and argument checks every exported function goes through.
//!
//! An exported function reads the same each time: `guard(err, || { check arguments; do
//! the work; write outputs; Ok(SCIM_OK) })`. [`guard`] catches panics and turns an `Err`
//! into the `*err` output; the `arg_*` helpers turn NULL, non-UTF-8 and non-JSON input
//! into typed errors, in that order, before any work is done.

use std::any::Any;
use std::ffi::{c_char, CStr};
use std::panic::{self, AssertUnwindSafe};

use scim_core::resource::json_type_name;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{c_string, scim_error};
use crate::scim_code::{self, *};

/// What an exported function's body returns: a code (`SCIM_OK`, `SCIM_DONE`) or an error.
pub(crate) type Outcome = Result<scim_code, scim_error>;

/// Runs `body`, catching any panic; on error, stores a new `scim_error` in `*err` (when
/// `err` is not NULL) and returns its code.
///
/// Unwind safety: a body writes its outputs only as its last step, after all fallible
/// work, so a panic leaves the caller's outputs untouched; handles it reads are immutable
/// or guard their state with locks that tolerate poisoning.
pub(crate) fn guard(err: *mut *mut scim_error, body: impl FnOnce() -> Outcome) -> scim_code {
    let outcome = panic::catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(panic_error(payload.as_ref())));
    match outcome {
        Ok(code) => code,
        Err(e) => {
            let code = e.code();
            if !err.is_null() {
                // SAFETY: `err` is not NULL and the caller guarantees it points to a
                // writable `scim_error *` (every function's `# Safety`).
                unsafe { err.write(Box::into_raw(Box::new(e))) };
            }
            code
        }
    }
}

/// Runs an infallible accessor, returning `default` if it panics.
pub(crate) fn guard_value<T>(default: T, body: impl FnOnce() -> T) -> T {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

fn panic_error(payload: &(dyn Any + Send)) -> scim_error {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    scim_error::new(
        SCIM_ERR_PANIC,
        format!("internal error (a bug in libscim, please report it): {what}"),
    )
}

/// Fails with `SCIM_ERR_NULL_PARAMETER` when `ptr` is NULL.
pub(crate) fn non_null<T>(ptr: *const T, name: &str) -> Result<(), scim_error> {
    if ptr.is_null() {
        Err(scim_error::new(
            SCIM_ERR_NULL_PARAMETER,
            format!("`{name}` must not be NULL"),
        ))
    } else {
        Ok(())
    }
}

/// Borrows a required NUL-terminated UTF-8 string argument.
///
/// # Safety
///
/// `ptr` must be NULL or point to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, scim_error> {
    non_null(ptr, name)?;
    // SAFETY: not NULL (checked), NUL-terminated and alive for 'a (caller's contract).
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        scim_error::new(
            SCIM_ERR_INVALID_ARGUMENT,
            format!(
                "`{name}` is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Borrows an optional string argument: NULL is `None`.
///
/// # Safety
///
/// As [`arg_str`].
pub(crate) unsafe fn opt_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, scim_error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg_str(ptr, name) }.map(Some)
    }
}

/// Parses JSON text: `SCIM_ERR_INVALID_JSON` with the line and column when it does not.
pub(crate) fn json(text: &str, name: &str) -> Result<Value, scim_error> {
    serde_json::from_str(text)
        .map_err(|e| scim_error::new(SCIM_ERR_INVALID_JSON, format!("`{name}` is not JSON: {e}")))
}

/// Parses JSON text that must be an object.
pub(crate) fn json_object(text: &str, name: &str) -> Result<Map<String, Value>, scim_error> {
    match json(text, name)? {
        Value::Object(map) => Ok(map),
        other => Err(scim_error::new(
            SCIM_ERR_INVALID_ARGUMENT,
            format!(
                "`{name}` must be a JSON object, not {}",
                json_type_name(&other)
            ),
        )),
    }
}

/// Parses an options object (`NULL` = all defaults) into `T`, whose serde definition
/// denies unknown keys: a misspelt option is an error, never silently ignored.
///
/// # Safety
///
/// As [`arg_str`].
pub(crate) unsafe fn options<T: DeserializeOwned + Default>(
    ptr: *const c_char,
    name: &str,
) -> Result<T, scim_error> {
    // SAFETY: forwarded contract.
    let Some(text) = unsafe { opt_str(ptr, name) }? else {
        return Ok(T::default());
    };
    let map = json_object(text, name)?;
    serde_json::from_value(Value::Object(map))
        .map_err(|e| scim_error::new(SCIM_ERR_INVALID_ARGUMENT, format!("`{name}`: {e}")))
}

/// Writes `value` to the output `out`.
///
/// # Safety
///
/// `out` must be non-NULL (checked by the caller with [`non_null`] before the work) and
/// writable.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    // SAFETY: forwarded contract.
    unsafe { out.write(value) }
}

/// Writes an owned copy of `s` to the `char **` output `out`; the caller frees it with
/// `scim_string_free`.
///
/// # Safety
///
/// As [`write_out`].
pub(crate) unsafe fn write_string(out: *mut *mut c_char, s: impl Into<String>) {
    // SAFETY: forwarded contract.
    unsafe { write_out(out, c_string(s).into_raw()) }
}

/// Writes a handle to its output: ownership passes to the caller.
///
/// # Safety
///
/// As [`write_out`].
pub(crate) unsafe fn write_handle<T>(out: *mut *mut T, handle: T) {
    // SAFETY: forwarded contract.
    unsafe { write_out(out, Box::into_raw(Box::new(handle))) }
}

/// Frees a handle (from [`write_handle`], or an error from [`guard`]); NULL is accepted. A panic while dropping
/// it is caught (the memory is then leaked rather than unwinding into C).
///
/// # Safety
///
/// `handle` must be NULL or a `Box<T>` turned into a pointer by this crate, not yet freed.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    if !handle.is_null() {
        // SAFETY: per the contract, `handle` came from `Box::into_raw` and is freed once.
        let boxed = unsafe { Box::from_raw(handle) };
        guard_value((), move || drop(boxed));
    }
}

/// `Ok(SCIM_OK)`, the usual end of a body.
pub(crate) const OK: Outcome = Ok(scim_code::SCIM_OK);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_scim_err_panic_and_an_error_object() {
        let mut err: *mut scim_error = std::ptr::null_mut();
        let code = guard(&mut err, || panic!("boom"));
        assert_eq!(code, SCIM_ERR_PANIC);
        assert!(!err.is_null());
        // SAFETY: `guard` stored a live error; it is read, then freed once.
        unsafe {
            assert_eq!(crate::scim_error_code(err), SCIM_ERR_PANIC);
            let message = CStr::from_ptr(crate::scim_error_message(err))
                .to_str()
                .unwrap();
            assert!(message.contains("boom"), "{message}");
            crate::scim_error_free(err);
        }
    }

    #[test]
    fn a_panic_with_a_null_err_still_returns_its_code() {
        assert_eq!(
            guard(std::ptr::null_mut(), || panic!("boom")),
            SCIM_ERR_PANIC
        );
    }

    #[test]
    fn success_leaves_err_untouched() {
        let sentinel = 0x10 as *mut scim_error;
        let mut err = sentinel;
        assert_eq!(guard(&mut err, || OK), SCIM_OK);
        assert_eq!(err, sentinel);
    }

    #[test]
    fn interior_nul_in_a_message_is_replaced_not_cut() {
        let e = scim_error::new(SCIM_ERR_API, "before\0after");
        // SAFETY: `e` is alive for the whole borrow.
        let text = unsafe { CStr::from_ptr(crate::scim_error_message(&e)) };
        assert_eq!(text.to_str().unwrap(), "before\u{FFFD}after");
    }
}
