//! `scim.Client`: the blocking Python client over `scim_core::client::Client`.
//!
//! Every network call runs on the process's runtime ([`crate::runtime`]) with the GIL
//! released. Resources are plain dicts in and out (objects with `model_dump()` are
//! accepted as input); the endpoints are dynamic (`Endpoint<Resource>`), so nothing a
//! server sends is lost.
//!
//! After `fork()`, a client built in the parent rebuilds its HTTP connection pool on
//! first use in the child (the parent's connections belong to the parent's runtime).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use scim_core::client::{BulkOutcome, BulkResult, ClientCredentials, Endpoint, Iter};
use scim_core::protocol::{PaginationMethod, RetryPolicy};
use scim_core::resource::{BulkRequest, ETag, ScimObject, ServiceProviderConfig, SortOrder};
use scim_core::{Error, Group, Resource, User};
use serde_json::{Map, Value};

use crate::convert::{map_to_py, to_json, to_json_object};
use crate::errors::{to_py_err, IntoPyResult};
use crate::filter::PyFilter;
use crate::patch::patch_op;
use crate::runtime::{block_on, runtime, ExitSafe};

/// OAuth 2.0 client credentials (RFC 6749 §4.4) for `Client(oauth2=...)`. The secret is
/// never shown by `repr`.
#[pyclass(name = "ClientCredentials", module = "scim", frozen)]
pub struct PyClientCredentials {
    inner: ClientCredentials,
}

#[pymethods]
impl PyClientCredentials {
    #[new]
    #[pyo3(signature = (token_url, client_id, client_secret, *, scopes = None))]
    fn new(
        token_url: String,
        client_id: String,
        client_secret: String,
        scopes: Option<Vec<String>>,
    ) -> Self {
        let mut inner = ClientCredentials::new(token_url, client_id, client_secret);
        inner.scopes = scopes.unwrap_or_default();
        PyClientCredentials { inner }
    }

    #[getter]
    fn token_url(&self) -> &str {
        &self.inner.token_url
    }

    #[getter]
    fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "ClientCredentials(token_url={:?}, client_id={:?}, client_secret=<hidden>, scopes={:?})",
            self.inner.token_url, self.inner.client_id, self.inner.scopes
        )
    }
}

/// Everything `Client(...)` was given, kept to rebuild the core client after a fork.
struct Config {
    base_url: String,
    token: Option<String>,
    basic: Option<(String, String)>,
    oauth2: Option<ClientCredentials>,
    headers: Vec<(String, String)>,
    timeout: Option<f64>,
    connect_timeout: f64,
    retry: RetryPolicy,
    user_agent: Option<String>,
    max_response_size: Option<usize>,
    service_provider_config: Option<ServiceProviderConfig>,
    pagination: Option<PaginationMethod>,
}

fn seconds(what: &str, s: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(s).map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a non-negative number of seconds, not {s}"
        ))
    })
}

impl Config {
    fn build(&self) -> Result<scim_core::client::Client, Error> {
        let mut b = scim_core::client::Client::builder(&self.base_url);
        if let Some(token) = &self.token {
            b = b.bearer_token(token.as_str());
        }
        if let Some((user, password)) = &self.basic {
            b = b.basic_auth(user.as_str(), password.as_str());
        }
        if let Some(credentials) = &self.oauth2 {
            b = b.oauth2_client_credentials(credentials.clone());
        }
        for (name, value) in &self.headers {
            b = b.header(name.as_str(), value.as_str());
        }
        // Validated in `Client.__new__`.
        let timeout = self.timeout.map(Duration::from_secs_f64);
        b = b
            .timeout(timeout)
            .connect_timeout(Duration::from_secs_f64(self.connect_timeout))
            .retry_policy(self.retry.clone());
        if let Some(ua) = &self.user_agent {
            b = b.user_agent(ua.as_str());
        }
        if let Some(max) = self.max_response_size {
            b = b.max_response_size(max);
        }
        if let Some(config) = &self.service_provider_config {
            b = b.service_provider_config(config);
        }
        if let Some(method) = self.pagination {
            b = b.pagination(method);
        }
        b.build()
    }
}

/// What a client and its endpoint objects share: the configuration and the core
/// client of this process.
pub(crate) struct Shared {
    config: Config,
    /// The core client and the pid it was built in; `None` once closed.
    state: Mutex<Option<(u32, scim_core::client::Client)>>,
}

impl Shared {
    /// The core client of this process (rebuilt after a fork), or an error once closed.
    fn core(&self, py: Python<'_>) -> PyResult<scim_core::client::Client> {
        let pid = std::process::id();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match state.as_ref() {
            None => Err(to_py_err(
                py,
                Error::InvalidInput("the client is closed".into()),
            )),
            Some((owner, client)) if *owner == pid => Ok(client.clone()),
            Some(_) => {
                let client = self.config.build().into_py_result(py)?;
                *state = Some((pid, client.clone()));
                Ok(client)
            }
        }
    }
}

/// Sets the query options of a `List` or `Iter` builder.
macro_rules! apply_query {
    ($builder:expr, $q:expr) => {{
        let mut b = $builder;
        let q: Query = $q;
        if let Some(f) = q.filter {
            b = b.filter(f);
        }
        if let Some(s) = q.sort_by {
            b = b.sort_by(s);
        }
        if let Some(o) = q.sort_order {
            b = b.sort_order(o);
        }
        if let Some(c) = q.count {
            b = b.count(c);
        }
        if let Some(a) = q.attributes {
            b = b.attributes(a);
        }
        if let Some(a) = q.excluded_attributes {
            b = b.excluded_attributes(a);
        }
        b
    }};
}

/// What a call returns, before it becomes Python objects.
pub(crate) enum Output {
    Resource(Resource),
    MaybeResource(Option<Resource>),
    Nothing,
    Resources(Vec<Resource>),
    Bulk(Vec<BulkResult>),
}

impl Output {
    pub(crate) fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(match self {
            Output::Resource(r) => map_to_py(py, r.as_map())?.into_any().unbind(),
            Output::MaybeResource(None) | Output::Nothing => py.None(),
            Output::MaybeResource(Some(r)) => map_to_py(py, r.as_map())?.into_any().unbind(),
            Output::Resources(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(map_to_py(py, item.as_map())?)?;
                }
                list.into_any().unbind()
            }
            Output::Bulk(results) => {
                let list = PyList::empty(py);
                for result in results {
                    list.append(bulk_result(py, result)?)?;
                }
                list.into_any().unbind()
            }
        })
    }
}

/// One client call, owning everything it needs: run by the blocking classes with
/// [`Call::wait`], by the async ones with [`Call::spawn`].
pub(crate) struct Call(Pin<Box<dyn Future<Output = Result<Output, Error>> + Send + 'static>>);

impl Call {
    fn new(future: impl Future<Output = Result<Output, Error>> + Send + 'static) -> Self {
        Call(Box::pin(future))
    }

    /// Runs the call on the runtime with the GIL released, and converts the result.
    pub(crate) fn wait(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        block_on(py, self.0)?.into_py_result(py)?.into_py(py)
    }

    /// Runs the call as a task of the runtime and awaits it (from a Python coroutine).
    pub(crate) async fn spawn(self) -> PyResult<Py<PyAny>> {
        let handle = runtime()?.spawn(self.0);
        let result = ExitSafe(handle).await.map_err(|e| Error::Transport {
            message: format!("the request task failed: {e}"),
            source: None,
        });
        Python::attach(|py| result.and_then(|r| r).into_py_result(py)?.into_py(py))
    }
}

/// What the blocking and async endpoint classes share: the client and the path.
pub(crate) struct Target {
    shared: Arc<Shared>,
    path: String,
}

impl Target {
    pub(crate) fn new(shared: Arc<Shared>, path: &str) -> Self {
        Target {
            shared,
            path: path.to_owned(),
        }
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    fn endpoint(&self, py: Python<'_>) -> PyResult<Endpoint<Resource>> {
        Ok(self.shared.core(py)?.resource(&self.path))
    }

    pub(crate) fn create(&self, py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<Call> {
        let (map, _) = to_json_object(resource, "the resource")?;
        let resource = Resource::from(map);
        let core = self.shared.core(py)?;
        let path = self.path.clone();
        // `/Users` and `/Groups` go through the typed endpoints (lossless: what `User`
        // and `Group` do not model is kept), which fill in a missing `schemas`.
        Ok(match path.as_str() {
            "/Users" => {
                let user = User::from_resource(resource).into_py_result(py)?;
                Call::new(async move {
                    core.users()
                        .create(&user)
                        .await
                        .map(|u| Output::Resource(u.into_resource()))
                })
            }
            "/Groups" => {
                let group = Group::from_resource(resource).into_py_result(py)?;
                Call::new(async move {
                    core.groups()
                        .create(&group)
                        .await
                        .map(|g| Output::Resource(g.into_resource()))
                })
            }
            _ => Call::new(async move {
                core.resource(&path)
                    .create(&resource)
                    .await
                    .map(Output::Resource)
            }),
        })
    }

    pub(crate) fn get(
        &self,
        py: Python<'_>,
        id: String,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
    ) -> PyResult<Call> {
        let endpoint = self.endpoint(py)?;
        Ok(Call::new(async move {
            let mut get = endpoint.get(&id);
            if let Some(a) = attributes {
                get = get.attributes(a);
            }
            if let Some(a) = excluded_attributes {
                get = get.excluded_attributes(a);
            }
            get.send().await.map(Output::Resource)
        }))
    }

    pub(crate) fn replace(
        &self,
        py: Python<'_>,
        id: String,
        resource: &Bound<'_, PyAny>,
        etag: Option<&str>,
    ) -> PyResult<Call> {
        let (map, _) = to_json_object(resource, "the resource")?;
        let resource = Resource::from(map);
        let version = self::etag(py, etag)?;
        let endpoint = self.endpoint(py)?;
        Ok(Call::new(async move {
            let mut replace = endpoint.replace(&id, &resource);
            if let Some(v) = version {
                replace = replace.if_match(v);
            }
            replace.send().await.map(Output::Resource)
        }))
    }

    pub(crate) fn patch(
        &self,
        py: Python<'_>,
        id: String,
        operations: &Bound<'_, PyAny>,
        etag: Option<&str>,
    ) -> PyResult<Call> {
        let ops = patch_op(py, operations)?;
        let version = self::etag(py, etag)?;
        let endpoint = self.endpoint(py)?;
        Ok(Call::new(async move {
            let mut patch = endpoint.patch(&id, ops);
            if let Some(v) = version {
                patch = patch.if_match(v);
            }
            patch.send().await.map(Output::MaybeResource)
        }))
    }

    pub(crate) fn delete(&self, py: Python<'_>, id: String, etag: Option<&str>) -> PyResult<Call> {
        let version = self::etag(py, etag)?;
        let endpoint = self.endpoint(py)?;
        Ok(Call::new(async move {
            let mut delete = endpoint.delete(&id);
            if let Some(v) = version {
                delete = delete.if_match(v);
            }
            delete.send().await.map(|()| Output::Nothing)
        }))
    }

    pub(crate) fn page(
        &self,
        py: Python<'_>,
        post: bool,
        query: Query,
        start_index: Option<u64>,
        cursor: Option<String>,
    ) -> PyResult<Call> {
        let endpoint = self.endpoint(py)?;
        let mut list = apply_query!(
            if post {
                endpoint.search()
            } else {
                endpoint.list()
            },
            query
        );
        if let Some(i) = start_index {
            list = list.start_index(i);
        }
        if let Some(c) = cursor {
            list = list.cursor(c);
        }
        Ok(Call::new(async move {
            list.send()
                .await
                .map(|page| Output::Resource(page.to_resource()))
        }))
    }

    pub(crate) fn iter(
        &self,
        py: Python<'_>,
        query: Query,
        search: bool,
    ) -> PyResult<Iter<Resource>> {
        let mut iter = apply_query!(self.endpoint(py)?.iter(), query);
        if search {
            iter = iter.post_search();
        }
        Ok(iter)
    }
}

impl Shared {
    pub(crate) fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.base_url().as_str().to_owned())
    }

    /// The base URL as given to the constructor (for `repr`).
    pub(crate) fn base_url_given(&self) -> &str {
        &self.config.base_url
    }

    pub(crate) fn me_get(&self, py: Python<'_>) -> PyResult<Call> {
        let me = self.core(py)?.me();
        Ok(Call::new(
            async move { me.get().await.map(Output::Resource) },
        ))
    }

    pub(crate) fn me_replace(&self, py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<Call> {
        let (map, _) = to_json_object(resource, "the resource")?;
        let resource = Resource::from(map);
        let me = self.core(py)?.me();
        Ok(Call::new(async move {
            me.replace(&resource).await.map(Output::Resource)
        }))
    }

    pub(crate) fn me_patch(&self, py: Python<'_>, operations: &Bound<'_, PyAny>) -> PyResult<Call> {
        let ops = patch_op(py, operations)?;
        let me = self.core(py)?.me();
        Ok(Call::new(async move {
            me.patch(ops).await.map(Output::MaybeResource)
        }))
    }

    pub(crate) fn me_delete(&self, py: Python<'_>) -> PyResult<Call> {
        let me = self.core(py)?.me();
        Ok(Call::new(async move {
            me.delete().await.map(|()| Output::Nothing)
        }))
    }

    pub(crate) fn service_provider_config(&self, py: Python<'_>) -> PyResult<Call> {
        let core = self.core(py)?;
        Ok(Call::new(async move {
            let config = core.service_provider_config().await?;
            Ok(Output::Resource(config.to_resource()))
        }))
    }

    pub(crate) fn resource_types(&self, py: Python<'_>) -> PyResult<Call> {
        let core = self.core(py)?;
        Ok(Call::new(async move {
            let types = core.resource_types().await?;
            Ok(Output::Resources(
                types.iter().map(ScimObject::to_resource).collect(),
            ))
        }))
    }

    pub(crate) fn schemas(&self, py: Python<'_>) -> PyResult<Call> {
        let core = self.core(py)?;
        Ok(Call::new(async move {
            let schemas = core.schemas().await?;
            Ok(Output::Resources(
                schemas.iter().map(ScimObject::to_resource).collect(),
            ))
        }))
    }

    pub(crate) fn bulk(
        &self,
        py: Python<'_>,
        operations: &Bound<'_, PyAny>,
        fail_on_errors: Option<u64>,
    ) -> PyResult<Call> {
        let ops = to_json(operations)?;
        if !ops.is_array() {
            return Err(PyTypeError::new_err("operations must be a list of dicts"));
        }
        let mut body = Map::new();
        body.insert("Operations".into(), ops);
        let request = BulkRequest::from_resource(Resource::from(body)).into_py_result(py)?;
        let mut bulk = self.core(py)?.bulk();
        if let Some(n) = fail_on_errors {
            bulk = bulk.fail_on_errors(n);
        }
        for op in request.operations {
            bulk = bulk.operation(op);
        }
        Ok(Call::new(
            async move { bulk.send().await.map(Output::Bulk) },
        ))
    }

    /// Drops the core client (and its connections); later calls fail.
    pub(crate) fn close(&self) {
        let client = self.state.lock().unwrap_or_else(|p| p.into_inner()).take();
        drop(client);
    }
}

/// Builds what a client shares from `Client(...)`'s arguments.
#[allow(clippy::too_many_arguments)]
fn shared_from_args(
    py: Python<'_>,
    base_url: String,
    token: Option<String>,
    basic: Option<(String, String)>,
    oauth2: Option<PyRef<'_, PyClientCredentials>>,
    headers: Option<&Bound<'_, PyAny>>,
    timeout: Option<f64>,
    connect_timeout: f64,
    retries: u32,
    retry_backoff: f64,
    max_retry_after: f64,
    user_agent: Option<String>,
    max_response_size: Option<usize>,
    service_provider_config: Option<&Bound<'_, PyAny>>,
    pagination: Option<&str>,
) -> PyResult<Arc<Shared>> {
    let auths = [token.is_some(), basic.is_some(), oauth2.is_some()];
    if auths.iter().filter(|x| **x).count() > 1 {
        return Err(PyValueError::new_err(
            "give at most one of token=, basic= and oauth2=",
        ));
    }
    if let Some(t) = timeout {
        seconds("timeout", t)?;
    }
    seconds("connect_timeout", connect_timeout)?;
    let retry = RetryPolicy {
        max_retries: retries,
        initial_backoff: seconds("retry_backoff", retry_backoff)?,
        max_retry_after: seconds("max_retry_after", max_retry_after)?,
        ..RetryPolicy::default()
    };
    let headers = match headers {
        None => Vec::new(),
        Some(h) => match to_json(h)? {
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k, s)),
                    _ => Err(PyTypeError::new_err(format!(
                        "the value of header {k:?} must be a str"
                    ))),
                })
                .collect::<PyResult<_>>()?,
            _ => return Err(PyTypeError::new_err("headers must be a dict of str to str")),
        },
    };
    let service_provider_config = match service_provider_config {
        None => None,
        Some(obj) => {
            let (map, _) = to_json_object(obj, "service_provider_config")?;
            Some(ServiceProviderConfig::from_resource(Resource::from(map)).into_py_result(py)?)
        }
    };
    let pagination = match pagination {
        None => None,
        Some(p) if p.eq_ignore_ascii_case("index") => Some(PaginationMethod::Index),
        Some(p) if p.eq_ignore_ascii_case("cursor") => Some(PaginationMethod::Cursor),
        Some(p) => {
            return Err(PyValueError::new_err(format!(
                "pagination must be \"index\" or \"cursor\", not {p:?}"
            )))
        }
    };
    let config = Config {
        base_url,
        token,
        basic,
        oauth2: oauth2.map(|c| c.inner.clone()),
        headers,
        timeout,
        connect_timeout,
        retry,
        user_agent,
        max_response_size,
        service_provider_config,
        pagination,
    };
    let client = config.build().into_py_result(py)?;
    Ok(Arc::new(Shared {
        config,
        state: Mutex::new(Some((std::process::id(), client))),
    }))
}

/// A SCIM 2.0 client (blocking). Use it as a context manager, or call `close()`.
#[pyclass(name = "Client", module = "scim", frozen)]
pub struct PyClient {
    pub(crate) shared: Arc<Shared>,
    users: Py<PyEndpoint>,
    groups: Py<PyEndpoint>,
    me: Py<PyMe>,
}

fn new_endpoint(py: Python<'_>, shared: &Arc<Shared>, path: &str) -> PyResult<Py<PyEndpoint>> {
    Py::new(
        py,
        PyEndpoint {
            target: Target::new(shared.clone(), path),
        },
    )
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (
        base_url, *, token = None, basic = None, oauth2 = None, headers = None,
        timeout = Some(60.0), connect_timeout = 10.0, retries = 3, retry_backoff = 0.5,
        max_retry_after = 60.0, user_agent = None, max_response_size = None,
        service_provider_config = None, pagination = None
    ))]
    #[pyo3(
        text_signature = "(base_url, *, token=None, basic=None, oauth2=None, headers=None, \
        timeout=60.0, connect_timeout=10.0, retries=3, retry_backoff=0.5, max_retry_after=60.0, \
        user_agent=None, max_response_size=None, service_provider_config=None, pagination=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: String,
        token: Option<String>,
        basic: Option<(String, String)>,
        oauth2: Option<PyRef<'_, PyClientCredentials>>,
        headers: Option<&Bound<'_, PyAny>>,
        timeout: Option<f64>,
        connect_timeout: f64,
        retries: u32,
        retry_backoff: f64,
        max_retry_after: f64,
        user_agent: Option<String>,
        max_response_size: Option<usize>,
        service_provider_config: Option<&Bound<'_, PyAny>>,
        pagination: Option<&str>,
    ) -> PyResult<Self> {
        let shared = shared_from_args(
            py,
            base_url,
            token,
            basic,
            oauth2,
            headers,
            timeout,
            connect_timeout,
            retries,
            retry_backoff,
            max_retry_after,
            user_agent,
            max_response_size,
            service_provider_config,
            pagination,
        )?;
        Ok(PyClient {
            users: new_endpoint(py, &shared, "/Users")?,
            groups: new_endpoint(py, &shared, "/Groups")?,
            me: Py::new(
                py,
                PyMe {
                    shared: shared.clone(),
                },
            )?,
            shared,
        })
    }

    /// `/Users`.
    #[getter]
    fn users(&self, py: Python<'_>) -> Py<PyEndpoint> {
        self.users.clone_ref(py)
    }

    /// `/Groups`.
    #[getter]
    fn groups(&self, py: Python<'_>) -> Py<PyEndpoint> {
        self.groups.clone_ref(py)
    }

    /// `/Me` (RFC 7644 §3.11).
    #[getter]
    fn me(&self, py: Python<'_>) -> Py<PyMe> {
        self.me.clone_ref(py)
    }

    /// The service's base URL, normalized.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        self.shared.base_url(py)
    }

    /// Any resource endpoint, e.g. `client.resource("/Devices")`.
    fn resource(&self, py: Python<'_>, path: &str) -> PyResult<Py<PyEndpoint>> {
        new_endpoint(py, &self.shared, path)
    }

    /// `GET /ServiceProviderConfig` (RFC 7643 §5); the client remembers it (capability
    /// checks, `count` clamping, the pagination method).
    fn service_provider_config(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.shared.service_provider_config(py)?.wait(py)
    }

    /// `GET /ResourceTypes` (RFC 7644 §4).
    fn resource_types(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.shared.resource_types(py)?.wait(py)
    }

    /// `GET /Schemas` (RFC 7644 §4).
    fn schemas(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.shared.schemas(py)?.wait(py)
    }

    /// `POST /Bulk` (RFC 7644 §3.7): `operations` are RFC 7644 bulk operations (dicts
    /// with `method`, `path`, `bulkId`, `version`, `data`). Returns one result dict per
    /// operation, in the order given.
    #[pyo3(signature = (operations, *, fail_on_errors = None))]
    fn bulk(
        &self,
        py: Python<'_>,
        operations: &Bound<'_, PyAny>,
        fail_on_errors: Option<u64>,
    ) -> PyResult<Py<PyAny>> {
        self.shared.bulk(py, operations, fail_on_errors)?.wait(py)
    }

    /// Closes the client: its connections are dropped; later calls raise
    /// `InvalidInputError`.
    fn close(&self) {
        self.shared.close();
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        format!("Client({:?})", self.shared.base_url_given())
    }
}

/// One bulk result as a dict: `index`, `method`, `bulkId`, `outcome` (`"succeeded"`,
/// `"failed"` or `"not_attempted"`), and `status`, `location`, `id`, `version`,
/// `resource` (succeeded) or `error` (a `scim.ScimError` instance) or `reason`.
fn bulk_result<'py>(py: Python<'py>, result: BulkResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("index", result.index)?;
    d.set_item("method", result.method.as_str())?;
    d.set_item("bulkId", result.bulk_id)?;
    match result.outcome {
        BulkOutcome::Succeeded {
            status,
            location,
            id,
            version,
            resource,
        } => {
            d.set_item("outcome", "succeeded")?;
            d.set_item("status", status)?;
            d.set_item("location", location)?;
            d.set_item("id", id)?;
            d.set_item("version", version.map(|v| v.to_string()))?;
            let resource = match resource {
                Some(r) => Some(map_to_py(py, r.as_map())?),
                None => None,
            };
            d.set_item("resource", resource)?;
        }
        BulkOutcome::Failed(error) => {
            d.set_item("outcome", "failed")?;
            d.set_item("status", error.status())?;
            d.set_item("error", to_py_err(py, error).into_value(py))?;
        }
        BulkOutcome::NotAttempted(reason) => {
            d.set_item("outcome", "not_attempted")?;
            d.set_item("reason", reason)?;
        }
    }
    Ok(d)
}

/// An `If-Match` version from Python: `W/"x"`, `"x"` or a bare tag (read as
/// `scim_core::ETag::parse` reads `meta.version`); an empty one is an error.
fn etag(py: Python<'_>, text: Option<&str>) -> PyResult<Option<ETag>> {
    text.map(|t| {
        ETag::parse(t).ok_or_else(|| to_py_err(py, Error::InvalidInput("an empty ETag".into())))
    })
    .transpose()
}

fn filter_text(filter: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(f) = filter else { return Ok(None) };
    if let Ok(s) = f.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    if let Ok(parsed) = f.cast::<PyFilter>() {
        return Ok(Some(parsed.get().inner.to_string()));
    }
    Err(PyTypeError::new_err(
        "filter must be a str or a scim.Filter",
    ))
}

fn sort_order(order: Option<&str>) -> PyResult<Option<SortOrder>> {
    match order {
        None => Ok(None),
        Some(o) if o.eq_ignore_ascii_case("ascending") => Ok(Some(SortOrder::Ascending)),
        Some(o) if o.eq_ignore_ascii_case("descending") => Ok(Some(SortOrder::Descending)),
        Some(o) => Err(PyValueError::new_err(format!(
            "sort_order must be \"ascending\" or \"descending\", not {o:?}"
        ))),
    }
}

/// The query options shared by `list`, `search` and `iter`.
pub(crate) struct Query {
    filter: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<SortOrder>,
    count: Option<u64>,
    attributes: Option<Vec<String>>,
    excluded_attributes: Option<Vec<String>>,
}

impl Query {
    pub(crate) fn new(
        filter: Option<&Bound<'_, PyAny>>,
        sort_by: Option<String>,
        sort_order: Option<&str>,
        count: Option<u64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
    ) -> PyResult<Self> {
        Ok(Query {
            filter: filter_text(filter)?,
            sort_by,
            sort_order: self::sort_order(sort_order)?,
            count,
            attributes,
            excluded_attributes,
        })
    }
}

/// One resource endpoint: `client.users`, `client.groups`, `client.resource(path)`.
#[pyclass(name = "Endpoint", module = "scim", frozen)]
pub struct PyEndpoint {
    target: Target,
}

#[pymethods]
impl PyEndpoint {
    /// The endpoint's path, e.g. `"/Users"`.
    #[getter]
    fn path(&self) -> &str {
        &self.target.path
    }

    /// `POST` a new resource (RFC 7644 §3.3); returns it as created.
    fn create(&self, py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.target.create(py, resource)?.wait(py)
    }

    /// `GET /{id}` (RFC 7644 §3.4.1).
    #[pyo3(signature = (id, *, attributes = None, excluded_attributes = None))]
    fn get(
        &self,
        py: Python<'_>,
        id: String,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
    ) -> PyResult<Py<PyAny>> {
        self.target
            .get(py, id, attributes, excluded_attributes)?
            .wait(py)
    }

    /// `PUT /{id}` (RFC 7644 §3.5.1). `If-Match` is sent with `etag`, else with the
    /// resource's `meta.version` when it has one.
    #[pyo3(signature = (id, resource, *, etag = None))]
    fn replace(
        &self,
        py: Python<'_>,
        id: String,
        resource: &Bound<'_, PyAny>,
        etag: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        self.target.replace(py, id, resource, etag)?.wait(py)
    }

    /// `PATCH /{id}` (RFC 7644 §3.5.2) with a PatchOp dict or a list of operations;
    /// returns the resource, or `None` when the server answers 204 No Content.
    #[pyo3(signature = (id, operations, *, etag = None))]
    fn patch(
        &self,
        py: Python<'_>,
        id: String,
        operations: &Bound<'_, PyAny>,
        etag: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        self.target.patch(py, id, operations, etag)?.wait(py)
    }

    /// `DELETE /{id}` (RFC 7644 §3.6).
    #[pyo3(signature = (id, *, etag = None))]
    fn delete(&self, py: Python<'_>, id: String, etag: Option<&str>) -> PyResult<Py<PyAny>> {
        self.target.delete(py, id, etag)?.wait(py)
    }

    /// One page of a query (`GET ?filter=...`, RFC 7644 §3.4.2): the ListResponse dict.
    #[pyo3(signature = (
        *, filter = None, sort_by = None, sort_order = None, start_index = None,
        count = None, attributes = None, excluded_attributes = None, cursor = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        py: Python<'_>,
        filter: Option<&Bound<'_, PyAny>>,
        sort_by: Option<String>,
        sort_order: Option<&str>,
        start_index: Option<u64>,
        count: Option<u64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
        cursor: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let query = Query::new(
            filter,
            sort_by,
            sort_order,
            count,
            attributes,
            excluded_attributes,
        )?;
        self.target
            .page(py, false, query, start_index, cursor)?
            .wait(py)
    }

    /// One page of a query sent as `POST /.search` (RFC 7644 §3.4.3).
    #[pyo3(signature = (
        *, filter = None, sort_by = None, sort_order = None, start_index = None,
        count = None, attributes = None, excluded_attributes = None, cursor = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn search(
        &self,
        py: Python<'_>,
        filter: Option<&Bound<'_, PyAny>>,
        sort_by: Option<String>,
        sort_order: Option<&str>,
        start_index: Option<u64>,
        count: Option<u64>,
        attributes: Option<Vec<String>>,
        excluded_attributes: Option<Vec<String>>,
        cursor: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let query = Query::new(
            filter,
            sort_by,
            sort_order,
            count,
            attributes,
            excluded_attributes,
        )?;
        self.target
            .page(py, true, query, start_index, cursor)?
            .wait(py)
    }

    /// Every matching resource, page by page: a lazy iterator holding one page.
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
    ) -> PyResult<PyResourceIterator> {
        let query = Query::new(
            filter,
            sort_by,
            sort_order,
            page_size,
            attributes,
            excluded_attributes,
        )?;
        Ok(PyResourceIterator {
            iter: Mutex::new(Some(self.target.iter(py, query, search)?)),
        })
    }

    fn __repr__(&self) -> String {
        format!("Endpoint({:?})", self.target.path)
    }
}

/// The iterator of `Endpoint.iter()`: one page in memory, the next fetched when the
/// page is consumed. After an error it is exhausted.
#[pyclass(name = "ResourceIterator", module = "scim", frozen)]
pub struct PyResourceIterator {
    iter: Mutex<Option<Iter<Resource>>>,
}

#[pymethods]
impl PyResourceIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        // The lock is taken with the GIL released: a thread holding it releases the GIL
        // while it fetches a page, and must be able to take the GIL back.
        let rt = runtime()?;
        let next = py.detach(|| {
            let mut guard = self.iter.lock().unwrap_or_else(|p| p.into_inner());
            let next = guard.as_mut().and_then(|iter| rt.block_on(iter.next()));
            if !matches!(next, Some(Ok(_))) {
                *guard = None; // exhausted, or failed: stays exhausted
            }
            next
        });
        match next {
            None => Ok(None),
            Some(Ok(resource)) => map_to_py(py, resource.as_map()).map(Some),
            Some(Err(e)) => Err(to_py_err(py, e)),
        }
    }
}

/// `/Me` (RFC 7644 §3.11): the resource of the authenticated subject.
#[pyclass(name = "Me", module = "scim", frozen)]
pub struct PyMe {
    shared: Arc<Shared>,
}

#[pymethods]
impl PyMe {
    /// `GET /Me`.
    fn get(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.shared.me_get(py)?.wait(py)
    }

    /// `PUT /Me`.
    fn replace(&self, py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.shared.me_replace(py, resource)?.wait(py)
    }

    /// `PATCH /Me`; `None` when the server answers 204.
    fn patch(&self, py: Python<'_>, operations: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.shared.me_patch(py, operations)?.wait(py)
    }

    /// `DELETE /Me`.
    fn delete(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.shared.me_delete(py)?.wait(py)
    }
}
