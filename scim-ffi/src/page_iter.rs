//! `scim_page_iter`: every resource of a query, page by page.

use std::ffi::c_char;
use std::sync::Arc;

use futures_util::StreamExt;
use scim_core::client::Iter;
use scim_core::Resource;
use tokio::runtime::Runtime;

use crate::boundary::{
    arg_str, free_handle, guard, non_null, options, write_handle, write_string, OK,
};
use crate::client::client_arg;
use crate::error::scim_error;
use crate::query::{with_query, Query};
use crate::runtime::runtime;
use crate::scim_code::{self, *};

/// An iterator over every resource of a query. It holds one page in memory and fetches
/// the next when that one is consumed. Not thread-safe: use it from one thread at a time.
/// Freed with `scim_page_iter_free`; it keeps what it needs of its client, so it may
/// outlive it.
pub struct scim_page_iter {
    stream: Iter<Resource>,
    runtime: Arc<Runtime>,
}

/// Starts iterating over every resource of a query on `endpoint` (`"/Users"`). No
/// request is sent until the first `scim_page_iter_next`.
///
/// `query_json` may be NULL or an object with any of `"filter"`, `"sortBy"`,
/// `"sortOrder"`, `"count"` (the page size), `"attributes"`, `"excludedAttributes"`;
/// `"startIndex"` and `"cursor"` are the iterator's to manage and are
/// `SCIM_ERR_INVALID_ARGUMENT`, like any other key. The walk is index-based or uses
/// RFC 9865 cursors, as the server's ServiceProviderConfig says or its answers show; it
/// ends on the server's signals and stops with an error instead of looping when a server
/// ignores `startIndex`.
///
/// On success `*out` receives a new iterator, owned by the caller (free it with
/// `scim_page_iter_free`). Thread-safe with respect to `client`.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_iter(
    client: *const crate::client::scim_client,
    endpoint: *const c_char,
    query_json: *const c_char,
    out: *mut *mut scim_page_iter,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, query) = unsafe {
            (
                client_arg(client)?,
                arg_str(endpoint, "endpoint")?,
                options::<Query>(query_json, "query_json")?,
            )
        };
        query.only(
            "an iterator",
            &[
                "filter",
                "sortBy",
                "sortOrder",
                "count",
                "attributes",
                "excludedAttributes",
            ],
        )?;
        let stream = with_query!(client.endpoint(endpoint)?.iter(), &query);
        let iter = scim_page_iter {
            stream,
            runtime: runtime()?,
        };
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_handle(out, iter) };
        OK
    })
}

/// The next resource: `SCIM_OK` with `*resource_out` set to the resource as JSON (owned
/// by the caller: free it with `scim_string_free`), `SCIM_DONE` at the end (nothing
/// written), or an error; after an error or `SCIM_DONE` the iterator stays at its end.
///
/// # Safety
///
/// `iter` must be NULL or a live iterator not in use by another thread; `resource_out`
/// NULL or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_page_iter_next(
    iter: *mut scim_page_iter,
    resource_out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(iter, "iter")?;
        non_null(resource_out, "resource_out")?;
        // SAFETY: not NULL (checked), live and used by this thread only (contract above).
        let iter = unsafe { &mut *iter };
        let runtime = Arc::clone(&iter.runtime);
        match runtime.block_on(iter.stream.next()) {
            None => Ok(SCIM_DONE),
            Some(resource) => {
                let resource = resource?;
                // SAFETY: `resource_out` is not NULL (checked) and writable (contract).
                unsafe { write_string(resource_out, resource.to_json()) };
                OK
            }
        }
    })
}

/// Frees an iterator. NULL is accepted.
///
/// # Safety
///
/// `iter` must be NULL or an iterator returned by `scim_client_iter` and not yet freed;
/// it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn scim_page_iter_free(iter: *mut scim_page_iter) {
    // SAFETY: forwarded contract (above).
    unsafe { free_handle(iter) }
}
