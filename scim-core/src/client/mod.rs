//! The async SCIM 2.0 client (feature `client`, on by default), over reqwest with rustls.
//!
//! ```no_run
//! use scim_core::client::Client;
//! use scim_core::User;
//! use futures_util::TryStreamExt;
//! # async fn run() -> scim_core::Result<()> {
//! let client = Client::builder("https://idp.example.com/scim/v2")
//!     .bearer_token("s3cr3t")
//!     .build()?;
//! client.service_provider_config().await?;           // learn what the server supports
//! let created = client.users().create(&User::new("bjensen")).await?;
//! let page = client.users().list().filter(r#"userName sw "bj""#).count(50).send().await?;
//! let mut all = client.users().iter().count(100);     // every page, one at a time
//! while let Some(user) = all.try_next().await? { let _ = user.user_name; }
//! client.users().delete(created.id.as_deref().unwrap_or_default()).send().await?;
//! # Ok(()) }
//! ```
//!
//! The requests are built and the responses parsed by the sans-IO [`crate::protocol`]
//! module; this module authenticates, retries, and moves bytes. A [`Client`] is cheap to
//! clone (an `Arc`) and may be shared across tasks. It installs nothing process-wide: the
//! rustls configuration (ring provider, webpki roots) belongs to this client alone.
//!
//! Secrets (bearer tokens, passwords, client secrets) are kept in [`Secret`]s and sent in
//! headers marked sensitive; no `Debug`, `Display`, error or `tracing` event of this
//! module shows one. Each request runs in a `tracing` span `scim.request` with the
//! method, path (never the query, which may hold personal data), status and attempts.

/// Generates the query setters shared by the list and iterator builders (async and
/// blocking); the type must have `fn query_mut(&mut self) -> &mut SearchRequest`.
macro_rules! query_setters {
    () => {
        /// `filter` (RFC 7644 §3.4.2.2): a `&str` or a parsed filter.
        pub fn filter(mut self, filter: impl Into<FilterArg>) -> Self {
            self.query_mut().filter = Some(filter.into().into_string());
            self
        }

        /// `sortBy` (RFC 7644 §3.4.2.3).
        pub fn sort_by(mut self, attribute: impl Into<String>) -> Self {
            self.query_mut().sort_by = Some(attribute.into());
            self
        }

        /// `sortOrder` (RFC 7644 §3.4.2.3).
        pub fn sort_order(mut self, order: SortOrder) -> Self {
            self.query_mut().sort_order = Some(order);
            self
        }

        /// `count`: the page size asked for, clamped to the server's maximum when its
        /// ServiceProviderConfig is known.
        pub fn count(mut self, count: u64) -> Self {
            self.query_mut().count = Some(count);
            self
        }

        /// `attributes` (RFC 7644 §3.4.2.5).
        pub fn attributes<I, S>(mut self, names: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.query_mut().attributes = Some(names.into_iter().map(Into::into).collect());
            self
        }

        /// `excludedAttributes` (RFC 7644 §3.4.2.5).
        pub fn excluded_attributes<I, S>(mut self, names: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.query_mut().excluded_attributes =
                Some(names.into_iter().map(Into::into).collect());
            self
        }
    };
}

mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod bulk;
mod endpoint;
mod transport;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;

pub use auth::{ClientCredentials, Secret};
pub use bulk::{Bulk, BulkOutcome, BulkResult};
pub use endpoint::{Delete, Endpoint, FilterArg, Get, Iter, List, Me, Patch, Replace};

use crate::error::{Error, Result};
use crate::protocol::{response, BaseUrl, Capabilities, Feature, PaginationMethod, RetryPolicy};
use crate::resource::{
    Group, ListResponse, Resource, ResourceType, ScimObject, ServiceProviderConfig, User,
};
use crate::schema::{Schema, SchemaRegistry};
use auth::Auth;
use transport::{Replay, Transport};

/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("scim-rs/", env!("CARGO_PKG_VERSION"));

/// An async SCIM 2.0 client. Build one with [`Client::builder`].
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base: BaseUrl,
    transport: Transport,
    capabilities: RwLock<Option<Arc<Capabilities>>>,
    pagination: Option<PaginationMethod>,
    update_attempts: u32,
}

/// Builds a [`Client`]: base URL, authentication, timeouts, retries, limits.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    auth: AuthConfig,
    headers: Vec<(String, Secret)>,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    max_response_bytes: usize,
    config: Option<Resource>,
    pagination: Option<PaginationMethod>,
    update_attempts: u32,
}

#[derive(Debug)]
enum AuthConfig {
    None,
    Bearer(Secret),
    Basic(String, Secret),
    OAuth2(ClientCredentials),
}

impl ClientBuilder {
    fn new(base_url: &str) -> Self {
        ClientBuilder {
            base_url: base_url.to_owned(),
            auth: AuthConfig::None,
            headers: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            timeout: Some(Duration::from_secs(60)),
            retry: RetryPolicy::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            max_response_bytes: 32 * 1024 * 1024,
            config: None,
            pagination: None,
            update_attempts: 5,
        }
    }

    /// Authenticates with `Authorization: Bearer <token>` (RFC 6750).
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.auth = AuthConfig::Bearer(token.into());
        self
    }

    /// Authenticates with HTTP Basic (RFC 7617).
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = AuthConfig::Basic(user.into(), password.into());
        self
    }

    /// Authenticates with OAuth 2.0 client credentials: see [`ClientCredentials`].
    pub fn oauth2_client_credentials(mut self, credentials: ClientCredentials) -> Self {
        self.auth = AuthConfig::OAuth2(credentials);
        self
    }

    /// Adds a header sent with every request (an API key, a tenant id). Its value is
    /// treated as a secret: marked sensitive and never printed.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt of a request may take, response body included (default
    /// 60 s); `None` for no limit. An expired timeout is [`Error::Timeout`].
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// How 429 and 503 answers are retried (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default `scim-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The largest response body accepted, in bytes (default 32 MiB); a larger one is an
    /// [`Error::Transport`] and is not read further.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Uses a known ServiceProviderConfig instead of discovering it: capability checks
    /// and count clamping apply from the first request.
    pub fn service_provider_config(mut self, config: &ServiceProviderConfig) -> Self {
        self.config = Some(config.to_resource());
        self
    }

    /// Forces a pagination method for [`Endpoint::iter`], whatever the server's config.
    pub fn pagination(mut self, method: PaginationMethod) -> Self {
        self.pagination = Some(method);
        self
    }

    /// How many times [`Endpoint::update`] tries when the resource keeps changing
    /// under it (412 answers); default 5.
    pub fn update_attempts(mut self, attempts: u32) -> Self {
        self.update_attempts = attempts.max(1);
        self
    }

    /// Builds the client. Fails with [`Error::InvalidInput`] on a bad base URL or header.
    pub fn build(self) -> Result<Client> {
        let base = BaseUrl::parse(&self.base_url)?;
        let origin = transport::Origin::new(base.as_str())?;
        let auth = match &self.auth {
            AuthConfig::None => Auth::None,
            AuthConfig::Bearer(token) => Auth::bearer(token)?,
            AuthConfig::Basic(user, password) => Auth::basic(user, password)?,
            AuthConfig::OAuth2(credentials) => {
                BaseUrl::parse(&credentials.token_url).map_err(|e| {
                    Error::InvalidInput(format!("invalid OAuth 2.0 token URL: {e}"))
                })?;
                Auth::OAuth2(auth::OAuth2::new(credentials.clone()))
            }
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::InvalidInput(format!("invalid header name {name:?}")))?;
            let mut value = HeaderValue::from_str(value.expose())
                .map_err(|_| Error::InvalidInput(format!("invalid value for header {name}")))?;
            value.set_sensitive(true);
            headers.append(name, value);
        }
        // HTTP/1.1 only, whatever features of reqwest other crates turn on: SCIM bodies
        // are small JSON documents and every SCIM server speaks HTTP/1.1. reqwest's own
        // retry layer only ever retries HTTP/2 and HTTP/3 protocol refusals, so it can do
        // nothing here, yet by default it copies every request in case it might; retries
        // are this client's (`RetryPolicy`), so it is turned off.
        let mut http = reqwest::Client::builder()
            .use_rustls_tls()
            .http1_only()
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .user_agent(self.user_agent.as_str())
            .connect_timeout(self.connect_timeout)
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(t) = self.timeout {
            http = http.timeout(t);
        }
        // reqwest asks its proxy matcher twice per request, even an empty one. Where its
        // "system" proxy settings are the environment alone (everywhere but macOS and
        // Windows), a client built while no proxy variable is set never uses a proxy, so
        // it is built without the matcher; with any of them set (even empty), reqwest
        // reads them as before.
        #[cfg(not(any(target_os = "macos", windows)))]
        if !proxy_variables_set() {
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| Error::Transport {
            message: "cannot set up the HTTP client".into(),
            source: Some(Box::new(e.without_url())),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport: Transport {
                    http,
                    auth,
                    headers,
                    retry: self.retry,
                    max_response_bytes: self.max_response_bytes,
                    origin,
                },
                capabilities: RwLock::new(
                    self.config.map(|c| Arc::new(Capabilities::from_config(c))),
                ),
                pagination: self.pagination,
                update_attempts: self.update_attempts,
            }),
        })
    }
}

/// Whether a proxy variable that reqwest (hyper-util's proxy matcher) reads is set.
#[cfg(not(any(target_os = "macos", windows)))]
fn proxy_variables_set() -> bool {
    [
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some())
}

impl Client {
    /// A builder for a client of the SCIM service at `base_url`
    /// (e.g. `https://example.com/scim/v2`).
    pub fn builder(base_url: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder::new(base_url.as_ref())
    }

    /// The service's base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// `/Users`, typed as [`User`].
    pub fn users(&self) -> Endpoint<User> {
        self.resource_as("/Users")
    }

    /// `/Groups`, typed as [`Group`].
    pub fn groups(&self) -> Endpoint<Group> {
        self.resource_as("/Groups")
    }

    /// Any resource endpoint (`"/Devices"`), with dynamic [`Resource`]s.
    pub fn resource(&self, path: &str) -> Endpoint<Resource> {
        self.resource_as(path)
    }

    /// Any resource endpoint, typed as `T`.
    pub fn resource_as<T: ScimObject>(&self, path: &str) -> Endpoint<T> {
        Endpoint::new(self.clone(), self.inner.base.endpoint(path))
    }

    /// `/Me`: the resource of the authenticated subject (RFC 7644 §3.11).
    pub fn me(&self) -> Me {
        Me::new(self.resource("/Me"))
    }

    /// A search across every resource type: `POST {base}/.search` (RFC 7644 §3.4.3).
    pub fn search(&self) -> List<Resource> {
        self.resource("/").search()
    }

    /// A bulk request (RFC 7644 §3.7): see [`Bulk`].
    pub fn bulk(&self) -> Bulk {
        Bulk::new(self.clone())
    }

    /// Fetches `/ServiceProviderConfig` (RFC 7643 §5) and remembers it: from then on,
    /// calls the server does not support fail locally with [`Error::Unsupported`] (bulk
    /// falls back to one call per operation), `count` is clamped to the server's
    /// maximum, and [`Endpoint::iter`] picks the pagination method the server offers.
    pub async fn service_provider_config(&self) -> Result<ServiceProviderConfig> {
        let request = self.inner.base.service_provider_config()?;
        let response = self.send_request(request, Replay::ByMethod).await?;
        let resource = response::parse_resource(&response)?;
        *self
            .inner
            .capabilities
            .write()
            .unwrap_or_else(|p| p.into_inner()) =
            Some(Arc::new(Capabilities::from_config(resource.clone())));
        ServiceProviderConfig::from_resource(resource)
    }

    /// The capabilities known so far (from [`Client::service_provider_config`] or the
    /// builder), if any.
    pub fn capabilities(&self) -> Option<Arc<Capabilities>> {
        self.inner
            .capabilities
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `GET /ResourceTypes` (RFC 7644 §4).
    pub async fn resource_types(&self) -> Result<Vec<ResourceType>> {
        let request = self.inner.base.resource_types()?;
        self.discovery_list(request).await
    }

    /// `GET /Schemas` (RFC 7644 §4), decoded leniently (see [`crate::schema`]).
    pub async fn schemas(&self) -> Result<Vec<Schema>> {
        let mut registry = SchemaRegistry::empty();
        registry.load_schemas_value(&self.schemas_response().await?)?;
        Ok(registry.schemas().cloned().collect())
    }

    /// The core schemas plus every schema the server publishes (the server's definition
    /// replaces the built-in one with the same id), for filters, PATCH and diff.
    pub async fn schema_registry(&self) -> Result<SchemaRegistry> {
        SchemaRegistry::from_schemas_value(&self.schemas_response().await?)
    }

    async fn schemas_response(&self) -> Result<serde_json::Value> {
        let request = self.inner.base.schemas()?;
        let response = self.send_request(request, Replay::ByMethod).await?;
        response::parse_json(&response)
    }

    /// A discovery endpoint's resources: RFC 7644 §4 asks for a ListResponse; a bare
    /// JSON array (which some servers send) is accepted too.
    async fn discovery_list<T: ScimObject>(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<Vec<T>> {
        let response = self.send_request(request, Replay::ByMethod).await?;
        let value: serde_json::Value = response::parse_json(&response)?;
        match value {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|v| Resource::from_value(v).and_then(T::from_resource))
                .collect(),
            other => Ok(ListResponse::<T>::from_value(other)?.resources),
        }
    }

    /// Sends a request built with [`crate::protocol`] (or by hand) with this client's
    /// authentication, retries and limits, and returns the whole response, whatever its
    /// status. The escape hatch for what the typed API does not cover.
    pub async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Bytes>> {
        self.send_request(request, Replay::ByMethod).await
    }

    async fn send_request(
        &self,
        request: http::Request<Vec<u8>>,
        replay: Replay,
    ) -> Result<http::Response<Bytes>> {
        self.inner.transport.send(request, replay).await
    }

    fn require(&self, feature: Feature) -> Result<()> {
        match self.capabilities() {
            Some(c) => c.require(feature),
            None => Ok(()),
        }
    }

    fn supports(&self, feature: Feature) -> bool {
        self.capabilities().is_none_or(|c| c.supports(feature))
    }
}
