//! The C ABI of `scim`: `libscim.so` / `libscim.a` and `scim.h`.
//!
//! Every exported function follows the same conventions (they are repeated in the
//! generated header):
//!
//! - Functions are named `scim_<object>_<verb>`; handles (`scim_filter`, `scim_client`,
//!   `scim_page_iter`, `scim_error`) are opaque and freed with their own `_free`, which
//!   accepts NULL.
//! - Shape: `scim_code f(inputs..., outputs..., scim_error **err)`. [`SCIM_OK`] (0) is
//!   success. Outputs are written only on success; on failure nothing but `*err` is
//!   written. `err` may be NULL when the caller does not want the details; when it is not,
//!   `*err` receives a new error on failure (free it with `scim_error_free`) and is left
//!   as it was on success.
//! - Strings are NUL-terminated UTF-8. Resources, PATCH bodies, queries, options and
//!   results cross the boundary as JSON text. Owned strings come out through `char **`
//!   and are freed with `scim_string_free`; strings returned as `const char *` are
//!   borrowed (from a static or from the error they describe) and never freed.
//! - Checks, in this order: a required pointer that is NULL is
//!   [`SCIM_ERR_NULL_PARAMETER`]; text that is not UTF-8 is [`SCIM_ERR_INVALID_ARGUMENT`];
//!   JSON that does not parse is [`SCIM_ERR_INVALID_JSON`]; JSON of the wrong shape (an
//!   array where an object is needed, an unknown option key) is
//!   [`SCIM_ERR_INVALID_ARGUMENT`].
//! - No panic crosses the boundary: it is caught and reported as [`SCIM_ERR_PANIC`].
//! - `const` handles are not mutated: a `scim_filter` may be used from several threads at
//!   once, and so may a `scim_client`. A `scim_page_iter` belongs to one thread at a time.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, clippy::undocumented_unsafe_blocks)]
// The exported names are C names (`scim_filter`, `scim_code`): the header is generated
// from these items, so they are spelled as C users see them.
#![allow(non_camel_case_types)]

mod boundary;
mod client;
mod error;
mod filter;
mod me;
mod page_iter;
mod patch;
mod path;
mod query;
mod runtime;

pub use client::*;
pub use error::*;
pub use filter::*;
pub use me::*;
pub use page_iter::*;
pub use patch::*;
pub use path::*;

use std::ffi::{c_char, CString};

/// The result of every fallible function: `SCIM_OK`, `SCIM_DONE` (an iterator's end),
/// or an error code. The values of the error codes 1 to 10 are those of
/// `scim_core::ErrorCode` and never change; codes 11 to 13 are the ABI's own.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum scim_code {
    /// Success.
    SCIM_OK = 0,
    /// The server answered with a SCIM error response (status, scimType and detail are on
    /// the `scim_error`).
    SCIM_ERR_API = 1,
    /// The server answered with an HTTP error that is not a SCIM error (an HTML 502).
    SCIM_ERR_HTTP = 2,
    /// The request could not be sent or its answer not received.
    SCIM_ERR_TRANSPORT = 3,
    /// A connect or request timeout expired.
    SCIM_ERR_TIMEOUT = 4,
    /// A response (or a JSON value given) could not be decoded into what was expected.
    SCIM_ERR_DECODE = 5,
    /// A filter could not be parsed or evaluated (its byte offset is on the `scim_error`).
    SCIM_ERR_INVALID_FILTER = 6,
    /// A PATCH path could not be parsed (its byte offset is on the `scim_error`).
    SCIM_ERR_INVALID_PATH = 7,
    /// A PATCH operation could not be applied (scimType and operation index are on the
    /// `scim_error`).
    SCIM_ERR_PATCH = 8,
    /// An argument is unusable: not UTF-8, JSON of the wrong shape, an unknown option.
    SCIM_ERR_INVALID_ARGUMENT = 9,
    /// The server does not support what was asked.
    SCIM_ERR_UNSUPPORTED = 10,
    /// A required pointer argument was NULL.
    SCIM_ERR_NULL_PARAMETER = 11,
    /// A JSON argument is not valid JSON.
    SCIM_ERR_INVALID_JSON = 12,
    /// The library panicked (a bug): the call did nothing visible.
    SCIM_ERR_PANIC = 13,
    /// An iterator has no more items; not an error.
    SCIM_DONE = 100,
}

pub use scim_code::*;

/// The library version, e.g. `"0.1.0"`.
///
/// The string is static: do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn scim_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Frees a string returned through a `char **` output by this library. NULL is accepted.
///
/// # Safety
///
/// `s` must be NULL or a string this library returned through a `char **` output that has
/// not been freed yet; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn scim_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: per the contract above, `s` came from `CString::into_raw` in
        // `boundary::write_string` and is freed once.
        drop(unsafe { CString::from_raw(s) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_is_the_crate_version() {
        // SAFETY: scim_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(scim_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn codes_match_the_core_error_codes() {
        use scim_core::ErrorCode as C;
        let pairs = [
            (C::Api, SCIM_ERR_API),
            (C::Http, SCIM_ERR_HTTP),
            (C::Transport, SCIM_ERR_TRANSPORT),
            (C::Timeout, SCIM_ERR_TIMEOUT),
            (C::Decode, SCIM_ERR_DECODE),
            (C::InvalidFilter, SCIM_ERR_INVALID_FILTER),
            (C::InvalidPath, SCIM_ERR_INVALID_PATH),
            (C::Patch, SCIM_ERR_PATCH),
            (C::InvalidInput, SCIM_ERR_INVALID_ARGUMENT),
            (C::Unsupported, SCIM_ERR_UNSUPPORTED),
        ];
        for (core, ffi) in pairs {
            assert_eq!(core as i32, ffi as i32, "{core}");
            assert_eq!(error::code_of(core), ffi);
        }
    }
}
