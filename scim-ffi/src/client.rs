//! `scim_client`: every endpoint operation, bulk and discovery, blocking on the library's
//! runtime.

use std::collections::BTreeMap;
use std::ffi::c_char;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use scim_core::client::{BulkOutcome, BulkResult};
use scim_core::client::{Client, ClientCredentials, Endpoint, List};
use scim_core::protocol::RetryPolicy;
use scim_core::resource::{json_type_name, BulkRequest, ScimObject};
use scim_core::{urn, ETag, Error, Resource};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::boundary::{
    arg_str, free_handle, guard, json, json_object, non_null, opt_str, options, write_handle,
    write_string, OK,
};
use crate::error::scim_error;
use crate::patch::patch_arg;
use crate::query::{with_query, Query};
use crate::runtime::{forked_since, retire, runtime};
use crate::scim_code::{self, *};

/// A SCIM client: a base URL, authentication and limits. Thread-safe: one client may be
/// used from any number of threads at once (each call blocks its own thread). Freed with
/// `scim_client_free`.
pub struct scim_client {
    base_url: String,
    options: ClientOptions,
    /// The core client and the process that built it: rebuilt in a forked child, whose
    /// connections must not be shared with the parent's.
    core: Mutex<(u32, Client)>,
}

/// `scim_client_new`'s options. Unknown keys are an error. No `Debug`: it holds secrets.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct ClientOptions {
    token: Option<String>,
    basic: Option<BasicOptions>,
    oauth2: Option<OAuth2Options>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    retries: Option<u32>,
    user_agent: Option<String>,
    max_response_size: Option<usize>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct BasicOptions {
    username: String,
    password: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct OAuth2Options {
    token_url: String,
    client_id: String,
    client_secret: String,
    #[serde(default)]
    scopes: Vec<String>,
}

fn build(base_url: &str, o: &ClientOptions) -> Result<Client, scim_error> {
    let schemes = [o.token.is_some(), o.basic.is_some(), o.oauth2.is_some()];
    if schemes.iter().filter(|s| **s).count() > 1 {
        return Err(invalid(
            "`options_json`: give at most one of `token`, `basic` and `oauth2`",
        ));
    }
    let mut b = Client::builder(base_url);
    if let Some(token) = &o.token {
        b = b.bearer_token(token.clone());
    }
    if let Some(basic) = &o.basic {
        b = b.basic_auth(basic.username.clone(), basic.password.clone());
    }
    if let Some(oauth) = &o.oauth2 {
        let mut credentials = ClientCredentials::new(
            oauth.token_url.clone(),
            oauth.client_id.clone(),
            oauth.client_secret.clone(),
        );
        for scope in &oauth.scopes {
            credentials = credentials.scope(scope.clone());
        }
        b = b.oauth2_client_credentials(credentials);
    }
    for (name, value) in &o.headers {
        b = b.header(name.clone(), value.clone());
    }
    if let Some(ms) = o.timeout_ms {
        // 0: no limit on a request's duration.
        b = b.timeout((ms > 0).then(|| Duration::from_millis(ms)));
    }
    if let Some(ms) = o.connect_timeout_ms {
        b = b.connect_timeout(Duration::from_millis(ms));
    }
    if let Some(retries) = o.retries {
        b = b.retry_policy(RetryPolicy {
            max_retries: retries,
            ..RetryPolicy::default()
        });
    }
    if let Some(ua) = &o.user_agent {
        b = b.user_agent(ua.clone());
    }
    if let Some(bytes) = o.max_response_size {
        b = b.max_response_size(bytes);
    }
    Ok(b.build()?)
}

fn invalid(message: impl Into<String>) -> scim_error {
    scim_error::new(SCIM_ERR_INVALID_ARGUMENT, message)
}

impl scim_client {
    /// The core client of this process (rebuilt after a fork).
    pub(crate) fn core(&self) -> Result<Client, scim_error> {
        let mut core = self.core.lock().unwrap_or_else(PoisonError::into_inner);
        if forked_since(core.0) {
            let fresh = build(&self.base_url, &self.options)?;
            // The inherited client's sockets are the parent's: never close or reuse them.
            retire(Box::new(std::mem::replace(&mut core.1, fresh)));
            core.0 = std::process::id();
        }
        Ok(core.1.clone())
    }

    /// The endpoint at `path` (`/Users`, `/Devices`).
    pub(crate) fn endpoint(&self, path: &str) -> Result<Endpoint<Resource>, scim_error> {
        Ok(self.core()?.resource(path))
    }
}

/// Runs a future on the library's runtime, blocking the calling thread.
pub(crate) fn block_on<T>(
    future: impl std::future::Future<Output = scim_core::Result<T>>,
) -> Result<T, scim_error> {
    Ok(runtime()?.block_on(future)?)
}

/// A resource argument: a JSON object. For `/Users` and `/Groups`, a resource without
/// `schemas` gets its core schema, as the typed `users()` / `groups()` endpoints of the
/// Rust client do (RFC 7643 §3: `schemas` is REQUIRED).
fn resource_arg(text: &str, name: &str, endpoint: &str) -> Result<Resource, scim_error> {
    let mut resource = Resource::from(json_object(text, name)?);
    if resource.schemas().next().is_none() {
        let path = endpoint.trim_end_matches('/');
        if path.eq_ignore_ascii_case("/Users") {
            resource.add_schema(urn::USER);
        } else if path.eq_ignore_ascii_case("/Groups") {
            resource.add_schema(urn::GROUP);
        }
    }
    Ok(resource)
}

/// An optional `If-Match` version argument.
///
/// # Safety
///
/// As `boundary::arg_str`.
unsafe fn etag_arg(ptr: *const c_char) -> Result<Option<ETag>, scim_error> {
    // SAFETY: forwarded contract.
    let Some(text) = (unsafe { opt_str(ptr, "etag") })? else {
        return Ok(None);
    };
    ETag::parse(text)
        .map(Some)
        .ok_or_else(|| invalid("`etag` must not be empty (pass NULL for none)"))
}

/// Creates a client of the SCIM service at `base_url` (e.g.
/// `"https://example.com/scim/v2"`). No request is sent.
///
/// `options_json` may be NULL or a JSON object with any of: `"token"` (bearer token),
/// `"basic"` (`{"username", "password"}`), `"oauth2"` (`{"token_url", "client_id",
/// "client_secret", "scopes": [...]}`: client credentials, tokens cached and refreshed),
/// `"headers"` (`{"name": "value"}` sent with every request), `"timeout_ms"` (per
/// attempt, default 60000; 0 for none), `"connect_timeout_ms"` (default 10000),
/// `"retries"` (how many times a 429/503 answer to an idempotent request is retried,
/// default 3), `"user_agent"`, `"max_response_size"` (bytes, default 32 MiB). Another
/// key, or more than one authentication, is `SCIM_ERR_INVALID_ARGUMENT`. Credentials
/// never appear in error messages.
///
/// On success `*out` receives a new client, owned by the caller (free it with
/// `scim_client_free`). Thread-safe.
///
/// # Safety
///
/// `base_url` and `options_json` must be NULL or NUL-terminated; `out` NULL or writable;
/// `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_new(
    base_url: *const c_char,
    options_json: *const c_char,
    out: *mut *mut scim_client,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: `base_url` is NULL or NUL-terminated (contract above).
        let base_url = unsafe { arg_str(base_url, "base_url") }?;
        // SAFETY: `options_json` is NULL or NUL-terminated (contract above).
        let opts: ClientOptions = unsafe { options(options_json, "options_json") }?;
        let core = build(base_url, &opts)?;
        let client = scim_client {
            base_url: base_url.to_owned(),
            options: opts,
            core: Mutex::new((std::process::id(), core)),
        };
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_handle(out, client) };
        OK
    })
}

/// Frees a client. NULL is accepted. Iterators created from it stay usable.
///
/// # Safety
///
/// `client` must be NULL or a client returned by `scim_client_new`, not yet freed and not
/// in use by another thread; it must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn scim_client_free(client: *mut scim_client) {
    // SAFETY: forwarded contract (above).
    unsafe { free_handle(client) }
}

/// Borrows a live client argument.
///
/// # Safety
///
/// `client` must be NULL or a live client.
pub(crate) unsafe fn client_arg<'a>(
    client: *const scim_client,
) -> Result<&'a scim_client, scim_error> {
    non_null(client, "client")?;
    // SAFETY: not NULL (checked) and live (contract).
    Ok(unsafe { &*client })
}

/// `POST {endpoint}` (RFC 7644 §3.3): creates `resource_json` at `endpoint` (`"/Users"`,
/// `"/Groups"`, any other) and returns the resource the server created.
///
/// On success `*out` receives the created resource as JSON, owned by the caller (free it
/// with `scim_string_free`). Never retried once it may have reached the server.
/// Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_create(
    client: *const scim_client,
    endpoint: *const c_char,
    resource_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, text) = unsafe {
            (
                client_arg(client)?,
                arg_str(endpoint, "endpoint")?,
                arg_str(resource_json, "resource_json")?,
            )
        };
        let resource = resource_arg(text, "resource_json", endpoint)?;
        let endpoint = client.endpoint(endpoint)?;
        let created = block_on(endpoint.create(&resource))?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, created.to_json()) };
        OK
    })
}

/// `GET {endpoint}/{id}` (RFC 7644 §3.4.1).
///
/// `query_json` may be NULL or `{"attributes": [...], "excludedAttributes": [...]}`.
/// On success `*out` receives the resource as JSON, owned by the caller (free it with
/// `scim_string_free`). A missing resource is `SCIM_ERR_API` with HTTP status 404.
/// Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_get(
    client: *const scim_client,
    endpoint: *const c_char,
    id: *const c_char,
    query_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, id, query) = unsafe {
            (
                client_arg(client)?,
                arg_str(endpoint, "endpoint")?,
                arg_str(id, "id")?,
                options::<Query>(query_json, "query_json")?,
            )
        };
        query.only("a get", &["attributes", "excludedAttributes"])?;
        let endpoint = client.endpoint(endpoint)?;
        let mut get = endpoint.get(id);
        if let Some(a) = &query.attributes {
            get = get.attributes(a.iter().cloned());
        }
        if let Some(a) = &query.excluded_attributes {
            get = get.excluded_attributes(a.iter().cloned());
        }
        let resource = block_on(get.send())?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, resource.to_json()) };
        OK
    })
}

/// `PUT {endpoint}/{id}` (RFC 7644 §3.5.1): replaces the resource.
///
/// `etag` may be NULL; otherwise it is sent as `If-Match` (`W/"3"` or a bare `3`). With
/// NULL, the resource's own `meta.version` is sent when it has one. A stale version is
/// `SCIM_ERR_API` with HTTP status 412. On success `*out` receives the new resource as
/// JSON, owned by the caller (free it with `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_replace(
    client: *const scim_client,
    endpoint: *const c_char,
    id: *const c_char,
    resource_json: *const c_char,
    etag: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, id, text, etag) = unsafe {
            (
                client_arg(client)?,
                arg_str(endpoint, "endpoint")?,
                arg_str(id, "id")?,
                arg_str(resource_json, "resource_json")?,
                etag_arg(etag)?,
            )
        };
        let resource = resource_arg(text, "resource_json", endpoint)?;
        let endpoint = client.endpoint(endpoint)?;
        let mut replace = endpoint.replace(id, &resource);
        if let Some(etag) = etag {
            replace = replace.if_match(etag);
        }
        let replaced = block_on(replace.send())?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, replaced.to_json()) };
        OK
    })
}

/// `PATCH {endpoint}/{id}` (RFC 7644 §3.5.2) with `patch_json`: a PatchOp object or a
/// JSON array of operations.
///
/// `etag` may be NULL; otherwise it is sent as `If-Match`. On success `*out` receives the
/// resource the server returned as JSON, or the text `null` when it answered 204 No
/// Content; owned by the caller (free it with `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_patch(
    client: *const scim_client,
    endpoint: *const c_char,
    id: *const c_char,
    patch_json: *const c_char,
    etag: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, id, text, etag) = unsafe {
            (
                client_arg(client)?,
                arg_str(endpoint, "endpoint")?,
                arg_str(id, "id")?,
                arg_str(patch_json, "patch_json")?,
                etag_arg(etag)?,
            )
        };
        let patch = patch_arg(text, "patch_json")?;
        let endpoint = client.endpoint(endpoint)?;
        let mut request = endpoint.patch(id, patch);
        if let Some(etag) = etag {
            request = request.if_match(etag);
        }
        let patched = block_on(request.send())?;
        let text = patched.map_or_else(|| "null".to_owned(), |r| r.to_json());
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, text) };
        OK
    })
}

/// `DELETE {endpoint}/{id}` (RFC 7644 §3.6).
///
/// `etag` may be NULL; otherwise it is sent as `If-Match`. Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `err` NULL
/// or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_delete(
    client: *const scim_client,
    endpoint: *const c_char,
    id: *const c_char,
    etag: *const c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, id, etag) = unsafe {
            (
                client_arg(client)?,
                arg_str(endpoint, "endpoint")?,
                arg_str(id, "id")?,
                etag_arg(etag)?,
            )
        };
        let endpoint = client.endpoint(endpoint)?;
        let mut delete = endpoint.delete(id);
        if let Some(etag) = etag {
            delete = delete.if_match(etag);
        }
        block_on(delete.send())?;
        OK
    })
}

/// One page of a query: `GET {endpoint}?filter=...` (RFC 7644 §3.4.2).
///
/// `query_json` may be NULL or an object with any of `"filter"`, `"sortBy"`,
/// `"sortOrder"` (`"ascending"`/`"descending"`), `"count"`, `"startIndex"`, `"cursor"`
/// (RFC 9865; `""` for the first page), `"attributes"`, `"excludedAttributes"`; another
/// key is `SCIM_ERR_INVALID_ARGUMENT`. On success `*out` receives the ListResponse as
/// JSON, owned by the caller (free it with `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_list(
    client: *const scim_client,
    endpoint: *const c_char,
    query_json: *const c_char,
    out: *mut *mut c_char,
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
        let page = send_page(client.endpoint(endpoint)?.list(), &query)?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, page) };
        OK
    })
}

/// One page of a query sent as `POST {endpoint}/.search` (RFC 7644 §3.4.3), which keeps
/// the filter out of URLs and logs; `endpoint` NULL searches across every resource type
/// (`POST /.search`).
///
/// `query_json` is as for `scim_client_list` (a whole SearchRequest, `schemas` included,
/// is accepted). On success `*out` receives the ListResponse as JSON, owned by the caller
/// (free it with `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; the strings NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_search(
    client: *const scim_client,
    endpoint: *const c_char,
    query_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, endpoint, query) = unsafe {
            (
                client_arg(client)?,
                opt_str(endpoint, "endpoint")?,
                options::<Query>(query_json, "query_json")?,
            )
        };
        let list = match endpoint {
            Some(path) => client.endpoint(path)?.search(),
            None => client.core()?.search(),
        };
        let page = send_page(list, &query)?;
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, page) };
        OK
    })
}

/// Sets `query` on a list request (`GET` or `POST /.search`), sends it, and returns the
/// page as JSON.
fn send_page(list: List<Resource>, query: &Query) -> Result<String, scim_error> {
    let mut list = with_query!(list, query);
    if let Some(i) = query.start_index {
        list = list.start_index(i);
    }
    if let Some(c) = &query.cursor {
        list = list.cursor(c.clone());
    }
    Ok(block_on(list.send())?.to_resource().to_json())
}

/// Runs a bulk request (RFC 7644 §3.7): `bulk_json` is a BulkRequest
/// (`{"Operations": [...], "failOnErrors": n}`) or a JSON array of its operations.
///
/// Operations run after those whose `bulkId` they reference, are split to the server's
/// `maxOperations`/`maxPayloadSize`, and are sent one request each when the server has no
/// bulk support. On success (the request could be planned and run; operations may still
/// have failed) `*out` receives a JSON array with one result per operation, in the order
/// given: `{"index", "method", "bulkId", "outcome"}` with `outcome` `"succeeded"` (and
/// `status`, `location`, `id`, `version`, `resource`), `"failed"` (and `error`: `{"code",
/// "message", "status", "scimType"}`) or `"not_attempted"` (and `reason`). Owned by the
/// caller (free it with `scim_string_free`). Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; `bulk_json` NULL or NUL-terminated; `out` NULL
/// or writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_bulk(
    client: *const scim_client,
    bulk_json: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, text) = unsafe { (client_arg(client)?, arg_str(bulk_json, "bulk_json")?) };
        let body = match json(text, "bulk_json")? {
            Value::Array(operations) => {
                let mut map = Map::new();
                map.insert("schemas".into(), json!([urn::BULK_REQUEST]));
                map.insert("Operations".into(), Value::Array(operations));
                map
            }
            Value::Object(map) => map,
            other => {
                return Err(invalid(format!(
                    "`bulk_json` must be a BulkRequest object or an array of operations, not {}",
                    json_type_name(&other)
                )))
            }
        };
        let request = BulkRequest::from_resource(Resource::from(body))
            .map_err(|e| invalid(format!("`bulk_json`: {e}")))?;
        let mut bulk = client.core()?.bulk();
        if let Some(n) = request.fail_on_errors {
            bulk = bulk.fail_on_errors(n);
        }
        for operation in request.operations {
            bulk = bulk.operation(operation);
        }
        let results = block_on(bulk.send())?;
        let results: Vec<Value> = results.into_iter().map(bulk_result_json).collect();
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, Value::Array(results).to_string()) };
        OK
    })
}

fn bulk_result_json(result: BulkResult) -> Value {
    let mut v = json!({
        "index": result.index,
        "method": result.method.as_str(),
        "bulkId": result.bulk_id,
    });
    let fields = match result.outcome {
        BulkOutcome::Succeeded {
            status,
            location,
            id,
            version,
            resource,
        } => json!({
            "outcome": "succeeded",
            "status": status,
            "location": location,
            "id": id,
            "version": version.map(|v| v.to_string()),
            "resource": resource.map(Resource::into_value),
        }),
        BulkOutcome::Failed(e) => json!({
            "outcome": "failed",
            "error": error_json(&e),
        }),
        BulkOutcome::NotAttempted(reason) => json!({
            "outcome": "not_attempted",
            "reason": reason,
        }),
    };
    if let (Value::Object(v), Value::Object(fields)) = (&mut v, fields) {
        v.extend(fields);
    }
    v
}

fn error_json(e: &Error) -> Value {
    json!({
        "code": crate::error::code_of(e.code()) as i32,
        "message": e.to_string(),
        "status": e.status(),
        "scimType": e.scim_type().map(|t| t.as_str().to_owned()),
    })
}

/// Service discovery (RFC 7644 §4): `what` is `"ServiceProviderConfig"`,
/// `"ResourceTypes"` or `"Schemas"` (case-insensitive).
///
/// On success `*out` receives the ServiceProviderConfig object, or the array of
/// ResourceTypes or Schemas, as JSON, owned by the caller (free it with
/// `scim_string_free`). Fetching the ServiceProviderConfig also makes the client
/// honour it: what the server does not support then fails locally with
/// `SCIM_ERR_UNSUPPORTED`, and page sizes are clamped to its maximum. Thread-safe.
///
/// # Safety
///
/// `client` must be NULL or a live client; `what` NULL or NUL-terminated; `out` NULL or
/// writable; `err` NULL or a writable `scim_error *`.
#[no_mangle]
pub unsafe extern "C" fn scim_client_discover(
    client: *const scim_client,
    what: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut scim_error,
) -> scim_code {
    guard(err, || {
        non_null(out, "out")?;
        // SAFETY: the pointers follow the contract above.
        let (client, what) = unsafe { (client_arg(client)?, arg_str(what, "what")?) };
        let core = client.core()?;
        let text = if what.eq_ignore_ascii_case("ServiceProviderConfig") {
            block_on(core.service_provider_config())?
                .to_resource()
                .to_json()
        } else if what.eq_ignore_ascii_case("ResourceTypes") {
            let types = block_on(core.resource_types())?;
            let types: Vec<Value> = types.iter().map(|t| t.to_resource().into_value()).collect();
            Value::Array(types).to_string()
        } else if what.eq_ignore_ascii_case("Schemas") {
            let schemas = block_on(core.schemas())?;
            let schemas: Vec<Value> = schemas
                .iter()
                .map(|s| s.to_resource().into_value())
                .collect();
            Value::Array(schemas).to_string()
        } else {
            return Err(invalid(format!(
                "`what` must be \"ServiceProviderConfig\", \"ResourceTypes\" or \"Schemas\", not {what:?}"
            )));
        };
        // SAFETY: `out` is not NULL (checked) and writable (contract above).
        unsafe { write_string(out, text) };
        OK
    })
}
