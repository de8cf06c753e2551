//! `scim_error`: the opaque error object and its accessors.
//!
//! A few stable codes ([`scim_code`]) plus one object that carries what SCIM errors have:
//! the message, the HTTP status, the `scimType`, the byte offset of a syntax error and
//! the index of a failing PATCH operation.

use std::ffi::{c_char, CString};

use scim_core::{Error, ErrorCode};

use crate::boundary::{free_handle, guard_value};
use crate::scim_code::{self, *};

/// An error: its code, message and SCIM details. Created by a failing call through its
/// `scim_error **err` argument; freed with `scim_error_free`. Immutable, so it may be read
/// from several threads at once.
pub struct scim_error {
    code: scim_code,
    message: CString,
    http_status: i32,
    scim_type: Option<CString>,
    position: i64,
    operation_index: i64,
}

/// The ABI code of a core error code.
pub(crate) fn code_of(code: ErrorCode) -> scim_code {
    match code {
        ErrorCode::Api => SCIM_ERR_API,
        ErrorCode::Http => SCIM_ERR_HTTP,
        ErrorCode::Transport => SCIM_ERR_TRANSPORT,
        ErrorCode::Timeout => SCIM_ERR_TIMEOUT,
        ErrorCode::Decode => SCIM_ERR_DECODE,
        ErrorCode::InvalidFilter => SCIM_ERR_INVALID_FILTER,
        ErrorCode::InvalidPath => SCIM_ERR_INVALID_PATH,
        ErrorCode::Patch => SCIM_ERR_PATCH,
        ErrorCode::InvalidInput => SCIM_ERR_INVALID_ARGUMENT,
        ErrorCode::Unsupported => SCIM_ERR_UNSUPPORTED,
        // `ErrorCode` is non-exhaustive: a code added to the core later reaches C as the
        // generic misuse code until the ABI names it.
        _ => SCIM_ERR_INVALID_ARGUMENT,
    }
}

/// A C string from Rust text; an interior NUL (possible in a server's detail) becomes
/// U+FFFD so the message is never cut.
pub(crate) fn c_string(s: impl Into<String>) -> CString {
    let s: String = s.into();
    CString::new(s).unwrap_or_else(|e| {
        let s = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
        CString::new(s).expect("NULs replaced")
    })
}

impl scim_error {
    /// An error of the ABI's own (NULL, UTF-8, JSON, panic) with a message.
    pub(crate) fn new(code: scim_code, message: impl Into<String>) -> Self {
        scim_error {
            code,
            message: c_string(message),
            http_status: 0,
            scim_type: None,
            position: -1,
            operation_index: -1,
        }
    }

    /// The code of this error.
    pub(crate) fn code(&self) -> scim_code {
        self.code
    }
}

impl From<Error> for scim_error {
    fn from(e: Error) -> Self {
        scim_error {
            code: code_of(e.code()),
            message: c_string(e.to_string()),
            http_status: e.status().map_or(0, i32::from),
            scim_type: e.scim_type().map(|t| c_string(t.as_str())),
            position: e.position().map_or(-1, |p| p as i64),
            operation_index: e.operation_index().map_or(-1, |i| i as i64),
        }
    }
}

/// Reads a field of an error, or `default` when `err` is NULL.
///
/// # Safety
///
/// `err` must be NULL or a live `scim_error`.
unsafe fn field<T>(err: *const scim_error, default: T, f: impl FnOnce(&scim_error) -> T) -> T {
    // SAFETY: per the contract, `err` is NULL or points to a live `scim_error`.
    match unsafe { err.as_ref() } {
        Some(e) => guard_value(default, || f(e)),
        None => default,
    }
}

/// The code of `err`; `SCIM_ERR_NULL_PARAMETER` when `err` is NULL.
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn scim_error_code(err: *const scim_error) -> scim_code {
    // SAFETY: forwarded contract.
    unsafe { field(err, SCIM_ERR_NULL_PARAMETER, |e| e.code) }
}

/// The message of `err`: one line of text, then for filter and path syntax errors the
/// input with a caret under the offending character. `""` when `err` is NULL.
///
/// The string is borrowed from `err`: valid until `scim_error_free(err)`; do not free it.
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn scim_error_message(err: *const scim_error) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { field(err, c"".as_ptr(), |e| e.message.as_ptr()) }
}

/// The HTTP status of an `SCIM_ERR_API` or `SCIM_ERR_HTTP` error; 0 otherwise (and when
/// `err` is NULL).
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn scim_error_http_status(err: *const scim_error) -> i32 {
    // SAFETY: forwarded contract.
    unsafe { field(err, 0, |e| e.http_status) }
}

/// The RFC 7644 `scimType` of `err` (`"noTarget"`, `"invalidFilter"`, or whatever the
/// server sent), or NULL when it has none.
///
/// The string is borrowed from `err`: valid until `scim_error_free(err)`; do not free it.
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn scim_error_scim_type(err: *const scim_error) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe {
        field(err, std::ptr::null(), |e| {
            e.scim_type
                .as_ref()
                .map_or(std::ptr::null(), |t| t.as_ptr())
        })
    }
}

/// The byte offset in the input of a filter or path syntax error; -1 for any other error.
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn scim_error_position(err: *const scim_error) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { field(err, -1, |e| e.position) }
}

/// The zero-based index of the failing operation of an `SCIM_ERR_PATCH` error; -1 for any
/// other error.
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn scim_error_operation_index(err: *const scim_error) -> i64 {
    // SAFETY: forwarded contract.
    unsafe { field(err, -1, |e| e.operation_index) }
}

/// Frees an error. NULL is accepted.
///
/// # Safety
///
/// `err` must be NULL or an error returned by this library and not yet freed; it and the
/// strings borrowed from it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn scim_error_free(err: *mut scim_error) {
    // SAFETY: forwarded contract (above).
    unsafe { free_handle(err) }
}
