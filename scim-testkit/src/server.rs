//! The HTTP side: [`TestServer`] (start, stop, run-time knobs), the connection wrapper
//! that can reset a connection, bearer authentication, fault injection and the admin
//! endpoints under `/_testkit/`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::serve::{IncomingStream, Listener};
use axum::Router;
use scim_core::{Error, ScimType};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::config::{Capabilities, Config, FaultKind, FaultRule, Faults};
use crate::faults::{is_pre_execution, FaultState};
use crate::reply::{Reply, ScimError};
use crate::service::{lock, read, write, LoggedRequest, ScimRequest, Shared, LOG_CAPACITY};
use crate::store::Kind;

/// The media type of every SCIM response (RFC 7644 §3.1).
const SCIM_JSON: &str = "application/scim+json";

/// The largest request body read, whatever the endpoint (bulk requests are further
/// limited by `bulk_max_payload_size`).
const BODY_LIMIT: usize = 64 << 20;

/// An in-memory SCIM 2.0 service provider on 127.0.0.1.
///
/// Started with [`TestServer::start`] inside a tokio runtime, or with
/// [`TestServer::start_blocking`] from anywhere (it then runs on its own thread and
/// runtime). Dropping it, or [`TestServer::shutdown`], stops it.
///
/// ```no_run
/// # async fn demo() -> scim_core::Result<()> {
/// use scim_testkit::{Config, TestServer};
/// let server = TestServer::start(Config::default()).await?;
/// println!("SCIM at {}", server.url()); // http://127.0.0.1:PORT/v2
/// server.shutdown().await;
/// # Ok(()) }
/// ```
pub struct TestServer {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    runner: Runner,
}

enum Runner {
    Task {
        shutdown: Option<oneshot::Sender<()>>,
        task: Option<tokio::task::JoinHandle<()>>,
    },
    Thread {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

fn transport(message: String, source: io::Error) -> Error {
    Error::Transport {
        message,
        source: Some(Box::new(source)),
    }
}

impl TestServer {
    /// Binds 127.0.0.1 on `config.port` (0: a free port), seeds the store and starts
    /// serving on the current tokio runtime.
    ///
    /// Errors: [`Error::InvalidInput`] for a base path that does not start with `/` (or
    /// ends with one), [`Error::Transport`] when the port cannot be bound.
    pub async fn start(config: Config) -> scim_core::Result<TestServer> {
        let base_path = config.base_path.clone();
        if !(base_path.is_empty() || (base_path.starts_with('/') && !base_path.ends_with('/'))) {
            return Err(Error::InvalidInput(format!(
                "base_path must be empty or start with '/' and not end with one, not {base_path:?}"
            )));
        }
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|e| transport(format!("cannot bind 127.0.0.1:{}", config.port), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| transport("cannot read the bound address".into(), e))?;
        let url = format!("http://{addr}{base_path}");
        let shared = Arc::new(Shared::new(
            url.clone(),
            base_path,
            config.token.clone(),
            config.me_user_name.clone(),
            config.capabilities.clone(),
            config.faults.clone(),
        ));
        crate::seed::seed(&shared, config.seed_users, config.seed_groups)?;
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<ConnHandle>();
            let _ = axum::serve(TkListener(listener), service)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(TestServer {
            addr,
            url,
            shared,
            runner: Runner::Task {
                shutdown: Some(tx),
                task: Some(task),
            },
        })
    }

    /// Starts the server on a thread of its own with its own tokio runtime (two worker
    /// threads), for blocking code and tests. Dropping the server stops the thread.
    pub fn start_blocking(config: Config) -> scim_core::Result<TestServer> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("scim-testkit".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("scim-testkit-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ =
                            ready_tx.send(Err(transport("cannot start a tokio runtime".into(), e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match TestServer::start(config).await {
                        Ok(server) => {
                            let parts =
                                (server.addr, server.url.clone(), Arc::clone(&server.shared));
                            let _ = ready_tx.send(Ok(parts));
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| transport("cannot spawn the server thread".into(), e))?;
        let (addr, url, shared) = ready_rx.recv().map_err(|_| Error::Transport {
            message: "the server thread ended before starting".into(),
            source: None,
        })??;
        Ok(TestServer {
            addr,
            url,
            shared,
            runner: Runner::Thread {
                stop: Some(stop_tx),
                thread: Some(thread),
            },
        })
    }

    /// The base URL of the SCIM endpoints, e.g. `http://127.0.0.1:41234/v2` (no trailing
    /// slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the admin endpoints, e.g. `http://127.0.0.1:41234/_testkit`.
    pub fn admin_url(&self) -> String {
        format!("http://{}/_testkit", self.addr)
    }

    /// Replaces the faults in force.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.faults) = FaultState::new(faults);
    }

    /// Adds one fault rule after the others.
    pub fn add_fault(&self, rule: FaultRule) {
        let mut faults = lock(&self.shared.faults).current();
        faults.rules.push(rule);
        self.set_faults(faults);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.set_faults(Faults::default());
    }

    /// The faults in force (rules show the uses they have left).
    pub fn faults(&self) -> Faults {
        lock(&self.shared.faults).current()
    }

    /// Replaces the capabilities (and so the ServiceProviderConfig).
    pub fn set_capabilities(&self, caps: Capabilities) {
        *write(&self.shared.caps) = caps;
    }

    /// The capabilities in force.
    pub fn capabilities(&self) -> Capabilities {
        self.shared.caps()
    }

    /// The SCIM requests received so far (at most the last 10,000), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Deletes every resource and restores the capabilities and faults of the start
    /// configuration; empties the request log. Seeded resources are not re-created.
    pub fn reset(&self) {
        reset(&self.shared);
    }

    /// How many users are stored.
    pub fn user_count(&self) -> usize {
        read(&self.shared.store).len(Kind::User)
    }

    /// How many groups are stored.
    pub fn group_count(&self) -> usize {
        read(&self.shared.store).len(Kind::Group)
    }

    /// Stops serving: no new connections; requests in progress get up to one second to
    /// finish.
    pub async fn shutdown(mut self) {
        match &mut self.runner {
            Runner::Task { shutdown, task } => {
                if let Some(tx) = shutdown.take() {
                    let _ = tx.send(());
                }
                if let Some(mut task) = task.take() {
                    if tokio::time::timeout(Duration::from_secs(1), &mut task)
                        .await
                        .is_err()
                    {
                        task.abort();
                    }
                }
            }
            Runner::Thread { .. } => self.stop_thread(),
        }
    }

    fn stop_thread(&mut self) {
        if let Runner::Thread { stop, thread } = &mut self.runner {
            if let Some(tx) = stop.take() {
                let _ = tx.send(());
            }
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        match &mut self.runner {
            Runner::Task { shutdown, task } => {
                if let Some(tx) = shutdown.take() {
                    let _ = tx.send(());
                }
                // Graceful shutdown goes on in the background; a task stuck in a long
                // latency fault is not waited for.
                drop(task.take());
            }
            Runner::Thread { .. } => self.stop_thread(),
        }
    }
}

fn reset(shared: &Shared) {
    shared.clear_data();
    *write(&shared.caps) = shared.initial_caps.clone();
    *lock(&shared.faults) = FaultState::new(shared.initial_faults.clone());
    lock(&shared.log).clear();
}

// --- connections ---------------------------------------------------------------------

/// Per-connection state shared with the request handler.
#[derive(Debug, Default)]
struct ConnState {
    /// Set by the handler: the connection is to be reset instead of answered.
    reset: AtomicBool,
}

/// The handler's view of its connection (axum `ConnectInfo`).
#[derive(Debug, Clone)]
struct ConnHandle(Arc<ConnState>);

/// A TCP stream that, once its connection is marked for reset, fails every operation
/// after setting `SO_LINGER` to zero, so that hyper drops it and the kernel answers
/// with RST instead of FIN.
struct ConnIo {
    stream: TcpStream,
    state: Arc<ConnState>,
}

impl ConnIo {
    fn check(&self) -> io::Result<()> {
        if self.state.reset.load(Ordering::Acquire) {
            let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "reset by the testkit",
            ));
        }
        Ok(())
    }
}

impl AsyncRead for ConnIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

struct TkListener(TcpListener);

impl Listener for TkListener {
    type Io = ConnIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (ConnIo, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let io = ConnIo {
                        stream,
                        state: Arc::new(ConnState::default()),
                    };
                    return (io, addr);
                }
                // Out of file descriptors and the like: wait, then go on accepting.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, TkListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, TkListener>) -> Self {
        ConnHandle(Arc::clone(&stream.io().state))
    }
}

// --- requests ------------------------------------------------------------------------

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The path relative to the base path, if `path` is under it.
fn relative<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    request: Request,
) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let path = uri.path().to_owned();
    if path == "/_testkit" || path.starts_with("/_testkit/") {
        return admin(&shared, &method, &path, request).await;
    }
    let logged_path = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    let log = |status: u16, fault: Option<FaultKind>| {
        let mut log = lock(&shared.log);
        if log.len() >= LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(LoggedRequest {
            method: method.to_string(),
            path: logged_path.clone(),
            status,
            fault: fault.map(|f| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            }),
        });
    };

    let Some(rel) = relative(&path, &shared.base_path).map(str::to_owned) else {
        let reply: Reply = ScimError::new(
            404,
            None,
            format!("{path} is outside the SCIM base path {}", shared.base_path),
        )
        .into();
        log(reply.status, None);
        return to_response(reply, false);
    };
    let latency = lock(&shared.faults).latency_ms();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let fault = lock(&shared.faults).take(method.as_str(), &rel);
    if let Some(rule) = fault.as_ref().filter(|r| is_pre_execution(r.fault)) {
        let response = fault_response(rule);
        log(response.status().as_u16(), Some(rule.fault));
        return response;
    }
    if let Some(reply) = authenticate(&shared, request.headers()) {
        log(reply.status, None);
        return to_response(reply, false);
    }
    let headers = request.headers().clone();
    let bytes = match axum::body::to_bytes(request.into_body(), BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            let reply: Reply = ScimError::new(
                413,
                None,
                format!("the request body exceeds {BODY_LIMIT} bytes"),
            )
            .into();
            log(reply.status, None);
            return to_response(reply, false);
        }
    };
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                let reply: Reply = ScimError::bad(
                    ScimType::InvalidSyntax,
                    format!("the request body is not valid JSON: {e}"),
                )
                .into();
                log(reply.status, None);
                return to_response(reply, false);
            }
        }
    };
    let req = ScimRequest {
        method: method.clone(),
        path: rel,
        query: parse_query(uri.query()),
        if_match: header_str(&headers, header::IF_MATCH),
        if_none_match: header_str(&headers, header::IF_NONE_MATCH),
        body,
        body_len: bytes.len(),
    };
    let reply = shared.dispatch(&req);
    match fault.map(|r| r.fault) {
        Some(FaultKind::Reset) => {
            conn.0.reset.store(true, Ordering::Release);
            log(0, Some(FaultKind::Reset));
            to_response(reply, false)
        }
        Some(FaultKind::Truncate) => {
            log(reply.status, Some(FaultKind::Truncate));
            to_response(reply, true)
        }
        _ => {
            log(reply.status, None);
            to_response(reply, false)
        }
    }
}

/// RFC 6750 §3: a bearer-protected resource answers 401 with `WWW-Authenticate`.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Option<Reply> {
    let token = shared.token.as_deref()?;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    let challenge = match given {
        Some(t) if t == token => return None,
        Some(_) => "Bearer realm=\"scim-testkit\", error=\"invalid_token\"",
        None => "Bearer realm=\"scim-testkit\"",
    };
    let detail = if given.is_some() {
        "the bearer token is not valid"
    } else {
        "authentication required: send Authorization: Bearer <token>"
    };
    Some(
        Reply::from(ScimError::new(401, None, detail))
            .with_header("WWW-Authenticate", challenge.to_owned()),
    )
}

/// The answer of a fault that replaces the request's execution.
fn fault_response(rule: &FaultRule) -> Response {
    match rule.fault {
        FaultKind::RateLimit => {
            let retry_after = rule.retry_after.clone().unwrap_or_else(|| "1".to_owned());
            let reply = Reply::from(ScimError::new(429, None, "too many requests; retry later"))
                .with_header("Retry-After", retry_after);
            to_response(reply, false)
        }
        FaultKind::Unavailable => {
            let mut reply = Reply::from(ScimError::new(
                503,
                None,
                "the service is unavailable; retry later",
            ));
            if let Some(r) = &rule.retry_after {
                reply = reply.with_header("Retry-After", r.clone());
            }
            to_response(reply, false)
        }
        _ => {
            let status = rule
                .status
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::BAD_GATEWAY);
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let html = format!(
                "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            );
            let mut response = Response::new(Body::from(html));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
    }
}

/// The HTTP response of a reply. With `truncate`, `Content-Length` announces the whole
/// body but only its first half is sent before the connection closes.
fn to_response(reply: Reply, truncate: bool) -> Response {
    let has_body = reply.raw.is_some() || reply.body.is_some();
    let bytes = match (&reply.raw, &reply.body) {
        (Some(raw), _) => raw.clone(),
        (None, Some(b)) => serde_json::to_vec(b).unwrap_or_default(),
        (None, None) => Vec::new(),
    };
    let (status, bytes) = if truncate && bytes.is_empty() {
        // A body-less answer cannot be cut: it becomes a 200 whose "{}" never comes.
        (200, b"{}".to_vec())
    } else {
        (reply.status, bytes)
    };
    let mut builder = Response::builder().status(status);
    if let Some(e) = &reply.etag {
        builder = builder.header(header::ETAG, e);
    }
    if let Some(l) = &reply.location {
        builder = builder.header(header::LOCATION, l);
    }
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value);
    }
    let body = if truncate {
        builder = builder
            .header(header::CONTENT_TYPE, SCIM_JSON)
            .header(header::CONTENT_LENGTH, bytes.len());
        let half = Bytes::from(bytes[..bytes.len() / 2].to_vec());
        // The half is sent, then the body stays pending a moment so that hyper flushes
        // it; when the body then ends short of Content-Length, hyper closes the
        // connection.
        Body::from_stream(futures_util::stream::unfold(
            Some(half),
            |state| async move {
                match state {
                    Some(half) => Some((Ok::<_, io::Error>(half), None)),
                    None => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        None
                    }
                }
            },
        ))
    } else if has_body {
        builder = builder.header(header::CONTENT_TYPE, SCIM_JSON);
        Body::from(bytes)
    } else {
        Body::empty()
    };
    builder.body(body).unwrap_or_else(|_| {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

// --- admin endpoints -----------------------------------------------------------------

async fn admin(shared: &Shared, method: &Method, path: &str, request: Request) -> Response {
    let bytes = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
        .await
        .unwrap_or_default();
    let reply = admin_reply(shared, method, path.trim_end_matches('/'), &bytes);
    to_response(reply.unwrap_or_else(Reply::from), false)
}

fn parse_admin<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ScimError> {
    let text = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        ScimError::bad(
            ScimType::InvalidValue,
            format!("invalid admin request: {e}"),
        )
    })
}

fn admin_reply(
    shared: &Shared,
    method: &Method,
    path: &str,
    bytes: &[u8],
) -> Result<Reply, ScimError> {
    match (method.as_str(), path) {
        ("GET", "/_testkit/faults") => {
            Ok(Reply::json(200, to_json(&lock(&shared.faults).current())))
        }
        ("POST" | "PUT", "/_testkit/faults") => {
            let faults: Faults = parse_admin(bytes)?;
            *lock(&shared.faults) = FaultState::new(faults.clone());
            Ok(Reply::json(200, to_json(&faults)))
        }
        ("DELETE", "/_testkit/faults") => {
            *lock(&shared.faults) = FaultState::default();
            Ok(Reply::empty(204))
        }
        ("GET", "/_testkit/capabilities") => Ok(Reply::json(200, to_json(&shared.caps()))),
        ("POST" | "PUT", "/_testkit/capabilities") => {
            let caps: Capabilities = parse_admin(bytes)?;
            *write(&shared.caps) = caps.clone();
            Ok(Reply::json(200, to_json(&caps)))
        }
        ("DELETE", "/_testkit/capabilities") => {
            *write(&shared.caps) = shared.initial_caps.clone();
            Ok(Reply::empty(204))
        }
        ("GET", "/_testkit/requests") => {
            let log: Vec<LoggedRequest> = lock(&shared.log).iter().cloned().collect();
            Ok(Reply::json(200, json!({ "requests": log })))
        }
        ("DELETE", "/_testkit/requests") => {
            lock(&shared.log).clear();
            Ok(Reply::empty(204))
        }
        ("POST", "/_testkit/reset") => {
            reset(shared);
            Ok(Reply::empty(204))
        }
        ("GET", "/_testkit/stats") => {
            let store = read(&shared.store);
            Ok(Reply::json(
                200,
                json!({"users": store.len(Kind::User), "groups": store.len(Kind::Group), "requests": lock(&shared.log).len()}),
            ))
        }
        _ => Err(ScimError::new(
            404,
            None,
            format!("no admin endpoint {method} {path}"),
        )),
    }
}

/// The JSON form of an admin document (serializing these plain structs cannot fail).
fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
