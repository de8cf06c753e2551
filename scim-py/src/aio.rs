//! `scim.AsyncClient`: the same client as coroutines, over pyo3's async support.
//!
//! Each method builds the same [`Call`] as the blocking class, spawns it on the
//! process's runtime and awaits the task from a Python coroutine (pyo3 wakes the
//! asyncio loop with `call_soon_threadsafe` when the task ends), so no Python thread
//! blocks and the GIL is free while requests are in flight. The coroutines need an
//! asyncio event loop (pyo3's limitation). `iter` returns an async iterator holding
//! one page, for `async for`.

use std::sync::Arc;

use futures_util::StreamExt;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use scim_core::client::Iter;
use scim_core::Resource;

use crate::client::{Call, PyClient, Query, Shared, Target};
use crate::convert::map_to_py;
use crate::errors::to_py_err;
use crate::runtime::{runtime, ExitSafe};

/// Builds a call with the GIL held, then awaits it as a runtime task.
async fn run(prepare: impl FnOnce(Python<'_>) -> PyResult<Call>) -> PyResult<Py<PyAny>> {
    let call = Python::attach(prepare)?;
    call.spawn().await
}

/// A SCIM 2.0 client whose methods are coroutines; takes the arguments of `Client`.
#[pyclass(name = "AsyncClient", module = "scim", frozen)]
pub struct PyAsyncClient {
    shared: Arc<Shared>,
    users: Py<PyAsyncEndpoint>,
    groups: Py<PyAsyncEndpoint>,
    me: Py<PyAsyncMe>,
}

fn new_endpoint(py: Python<'_>, shared: &Arc<Shared>, path: &str) -> PyResult<Py<PyAsyncEndpoint>> {
    Py::new(
        py,
        PyAsyncEndpoint {
            target: Target::new(shared.clone(), path),
        },
    )
}

#[pymethods]
impl PyAsyncClient {
    /// Takes exactly the arguments of `scim.Client` (they are checked by it).
    #[new]
    #[pyo3(signature = (*args, **kwargs))]
    #[pyo3(
        text_signature = "(base_url, *, token=None, basic=None, oauth2=None, headers=None, \
        timeout=60.0, connect_timeout=10.0, retries=3, retry_backoff=0.5, max_retry_after=60.0, \
        user_agent=None, max_response_size=None, service_provider_config=None, pagination=None)"
    )]
    fn new(
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let blocking = py.get_type::<PyClient>().call(args, kwargs)?;
        let shared = blocking.cast::<PyClient>()?.get().shared.clone();
        Ok(PyAsyncClient {
            users: new_endpoint(py, &shared, "/Users")?,
            groups: new_endpoint(py, &shared, "/Groups")?,
            me: Py::new(
                py,
                PyAsyncMe {
                    shared: shared.clone(),
                },
            )?,
            shared,
        })
    }

    /// `/Users`.
    #[getter]
    fn users(&self, py: Python<'_>) -> Py<PyAsyncEndpoint> {
        self.users.clone_ref(py)
    }

    /// `/Groups`.
    #[getter]
    fn groups(&self, py: Python<'_>) -> Py<PyAsyncEndpoint> {
        self.groups.clone_ref(py)
    }

    /// `/Me` (RFC 7644 §3.11).
    #[getter]
    fn me(&self, py: Python<'_>) -> Py<PyAsyncMe> {
        self.me.clone_ref(py)
    }

    /// The service's base URL, normalized.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        self.shared.base_url(py)
    }

    /// Any resource endpoint, e.g. `client.resource("/Devices")`.
    fn resource(&self, py: Python<'_>, path: &str) -> PyResult<Py<PyAsyncEndpoint>> {
        new_endpoint(py, &self.shared, path)
    }

    /// `GET /ServiceProviderConfig` (RFC 7643 §5), remembered by the client.
    async fn service_provider_config(&self) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.service_provider_config(py)).await
    }

    /// `GET /ResourceTypes` (RFC 7644 §4).
    async fn resource_types(&self) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.resource_types(py)).await
    }

    /// `GET /Schemas` (RFC 7644 §4).
    async fn schemas(&self) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.schemas(py)).await
    }

    /// `POST /Bulk` (RFC 7644 §3.7); one result dict per operation.
    #[pyo3(signature = (operations, *, fail_on_errors = None))]
    async fn bulk(
        &self,
        operations: Py<PyAny>,
        fail_on_errors: Option<u64>,
    ) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.bulk(py, operations.bind(py), fail_on_errors)).await
    }

    /// Closes the client: its connections are dropped.
    fn close(&self) {
        self.shared.close();
    }

    async fn __aenter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    async fn __aexit__(
        &self,
        _exc_type: Py<PyAny>,
        _exc: Py<PyAny>,
        _traceback: Py<PyAny>,
    ) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        format!("AsyncClient({:?})", self.shared.base_url_given())
    }
}

/// One resource endpoint of an `AsyncClient`.
#[pyclass(name = "AsyncEndpoint", module = "scim", frozen)]
pub struct PyAsyncEndpoint {
    target: Target,
}

#[pymethods]
impl PyAsyncEndpoint {
    /// The endpoint's path, e.g. `"/Users"`.
    #[getter]
    fn path(&self) -> &str {
        self.target.path()
    }

    /// `POST` a new resource (RFC 7644 §3.3).
    async fn create(&self, resource: Py<PyAny>) -> PyResult<Py<PyAny>> {
        run(|py| self.target.create(py, resource.bind(py))).await
    }

    /// `GET /{id}` (RFC 7644 §3.4.1).
    #[pyo3(signature = (id, *, attributes = None, excluded_attributes = None))]
    async fn get(
        &self,
        id: String,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
    ) -> PyResult<Py<PyAny>> {
        run(|py| self.target.get(py, id, attributes, excluded_attributes)).await
    }

    /// `PUT /{id}` (RFC 7644 §3.5.1).
    #[pyo3(signature = (id, resource, *, etag = None))]
    async fn replace(
        &self,
        id: String,
        resource: Py<PyAny>,
        etag: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        run(|py| {
            self.target
                .replace(py, id, resource.bind(py), etag.as_deref())
        })
        .await
    }

    /// `PATCH /{id}` (RFC 7644 §3.5.2); `None` when the server answers 204.
    #[pyo3(signature = (id, operations, *, etag = None))]
    async fn patch(
        &self,
        id: String,
        operations: Py<PyAny>,
        etag: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        run(|py| {
            self.target
                .patch(py, id, operations.bind(py), etag.as_deref())
        })
        .await
    }

    /// `DELETE /{id}` (RFC 7644 §3.6).
    #[pyo3(signature = (id, *, etag = None))]
    async fn delete(&self, id: String, etag: Option<String>) -> PyResult<Py<PyAny>> {
        run(|py| self.target.delete(py, id, etag.as_deref())).await
    }

    /// One page of a query (RFC 7644 §3.4.2): the ListResponse dict.
    #[pyo3(signature = (
        *, filter = None, sort_by = None, sort_order = None, start_index = None,
        count = None, attributes = None, excluded_attributes = None, cursor = None
    ))]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        filter: Option<Py<PyAny>>,
        sort_by: Option<String>,
        sort_order: Option<String>,
        start_index: Option<u64>,
        count: Option<u64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
        cursor: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        run(|py| {
            let filter = filter.as_ref().map(|f| f.bind(py));
            let query = Query::new(
                filter,
                sort_by,
                sort_order.as_deref(),
                count,
                attributes,
                excluded_attributes,
            )?;
            self.target.page(py, false, query, start_index, cursor)
        })
        .await
    }

    /// One page of a query sent as `POST /.search` (RFC 7644 §3.4.3).
    #[pyo3(signature = (
        *, filter = None, sort_by = None, sort_order = None, start_index = None,
        count = None, attributes = None, excluded_attributes = None, cursor = None
    ))]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        filter: Option<Py<PyAny>>,
        sort_by: Option<String>,
        sort_order: Option<String>,
        start_index: Option<u64>,
        count: Option<u64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
        cursor: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        run(|py| {
            let filter = filter.as_ref().map(|f| f.bind(py));
            let query = Query::new(
                filter,
                sort_by,
                sort_order.as_deref(),
                count,
                attributes,
                excluded_attributes,
            )?;
            self.target.page(py, true, query, start_index, cursor)
        })
        .await
    }

    /// Every matching resource, page by page, for `async for`; holds one page.
    #[pyo3(signature = (
        *, filter = None, sort_by = None, sort_order = None, page_size = None,
        attributes = None, excluded_attributes = None, search = false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn iter(
        &self,
        py: Python<'_>,
        filter: Option<&Bound<'_, PyAny>>,
        sort_by: Option<String>,
        sort_order: Option<&str>,
        page_size: Option<u64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
        search: bool,
    ) -> PyResult<PyAsyncResourceIterator> {
        let query = Query::new(
            filter,
            sort_by,
            sort_order,
            page_size,
            attributes,
            excluded_attributes,
        )?;
        Ok(PyAsyncResourceIterator {
            iter: Arc::new(tokio::sync::Mutex::new(Some(
                self.target.iter(py, query, search)?,
            ))),
        })
    }

    fn __repr__(&self) -> String {
        format!("AsyncEndpoint({:?})", self.target.path())
    }
}

/// The async iterator of `AsyncEndpoint.iter()`: one page in memory. Concurrent
/// `__anext__` calls are served one after the other. After an error it is exhausted.
#[pyclass(name = "AsyncResourceIterator", module = "scim", frozen)]
pub struct PyAsyncResourceIterator {
    iter: Arc<tokio::sync::Mutex<Option<Iter<Resource>>>>,
}

#[pymethods]
impl PyAsyncResourceIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// The next resource; raises `StopAsyncIteration` at the end.
    fn __anext__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.call_method0("_next")
    }

    /// The coroutine `__anext__` returns.
    async fn _next(&self) -> PyResult<Py<PyAny>> {
        let iter = self.iter.clone();
        let task = runtime()?.spawn(async move {
            let mut guard = iter.lock().await;
            let next = match guard.as_mut() {
                Some(it) => it.next().await,
                None => None,
            };
            if !matches!(next, Some(Ok(_))) {
                *guard = None; // exhausted, or failed: stays exhausted
            }
            next
        });
        let next = ExitSafe(task)
            .await
            .map_err(|e| PyStopAsyncIteration::new_err(format!("the page task failed: {e}")))?;
        Python::attach(|py| match next {
            None => Err(PyStopAsyncIteration::new_err(())),
            Some(Ok(resource)) => Ok(map_to_py(py, resource.as_map())?.into_any().unbind()),
            Some(Err(e)) => Err(to_py_err(py, e)),
        })
    }
}

/// `/Me` (RFC 7644 §3.11) of an `AsyncClient`.
#[pyclass(name = "AsyncMe", module = "scim", frozen)]
pub struct PyAsyncMe {
    shared: Arc<Shared>,
}

#[pymethods]
impl PyAsyncMe {
    /// `GET /Me`.
    async fn get(&self) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.me_get(py)).await
    }

    /// `PUT /Me`.
    async fn replace(&self, resource: Py<PyAny>) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.me_replace(py, resource.bind(py))).await
    }

    /// `PATCH /Me`; `None` when the server answers 204.
    async fn patch(&self, operations: Py<PyAny>) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.me_patch(py, operations.bind(py))).await
    }

    /// `DELETE /Me`.
    async fn delete(&self) -> PyResult<Py<PyAny>> {
        run(|py| self.shared.me_delete(py)).await
    }
}
