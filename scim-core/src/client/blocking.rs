//! The blocking client (feature `blocking`): the async [`super::Client`] driven by a
//! private current-thread tokio runtime, with the same builders ending in `.send()`.
//!
//! ```no_run
//! use scim_core::client::blocking::Client;
//! let client = Client::builder("https://idp.example.com/scim/v2")
//!     .bearer_token("s3cr3t")
//!     .build_blocking()?;
//! let page = client.users().list().filter(r#"userName eq "bjensen""#).send()?;
//! for user in client.users().iter().count(100) {
//!     let user = user?;
//! #   let _ = user;
//! }
//! # Ok::<(), scim_core::Error>(())
//! ```
//!
//! A blocking [`Client`] may be shared across threads. Its calls must not be made from
//! inside an async runtime (they would block it): there they fail with
//! [`Error::InvalidInput`] instead of panicking.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;

use super::{BulkResult, ClientBuilder};
use crate::error::{Error, Result};
use crate::protocol::{Capabilities, PaginationMethod};
use crate::resource::{
    ETag, Group, ListResponse, PatchOp, Resource, ResourceType, ScimObject, SearchRequest,
    ServiceProviderConfig, SortOrder, User,
};
use crate::schema::{Schema, SchemaRegistry};

pub use super::FilterArg;

impl ClientBuilder {
    /// Builds a [`Client`] that blocks the calling thread; see the module docs.
    pub fn build_blocking(self) -> Result<Client> {
        Client::from_async(self.build()?)
    }
}

/// A blocking SCIM client: the async client and the runtime that drives it.
#[derive(Clone, Debug)]
pub struct Client {
    inner: super::Client,
    runtime: Arc<Runtime>,
}

/// Runs `future` to completion on `runtime`, refusing to block inside an async runtime.
fn block_on<F: Future>(runtime: &Runtime, future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::InvalidInput(
            "the blocking client cannot be used inside an async runtime: use scim_core::client::Client"
                .into(),
        ));
    }
    match &runtime.0 {
        Some(rt) => Ok(rt.block_on(future)),
        None => Err(Error::InvalidInput(
            "the blocking client's runtime is shut down".into(),
        )),
    }
}

/// The runtime of a blocking client. Dropping it never blocks or panics, even from
/// inside an async context (tokio's `Runtime` would panic there): it is shut down in
/// the background.
#[derive(Debug)]
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Client {
    /// A builder for a client of the SCIM service at `base_url`; finish it with
    /// [`ClientBuilder::build_blocking`].
    pub fn builder(base_url: impl AsRef<str>) -> ClientBuilder {
        super::Client::builder(base_url)
    }

    /// Wraps an async client, with a new runtime to drive it.
    pub fn from_async(client: super::Client) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Transport {
                message: "cannot start the runtime of the blocking client".into(),
                source: Some(Box::new(e)),
            })?;
        Ok(Client {
            inner: client,
            runtime: Arc::new(Runtime(Some(runtime))),
        })
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &super::Client {
        &self.inner
    }

    fn run<F: Future<Output = Result<T>>, T>(&self, future: F) -> Result<T> {
        block_on(&self.runtime, future)?
    }

    /// `/Users`, typed as [`User`].
    pub fn users(&self) -> Endpoint<User> {
        self.wrap(self.inner.users())
    }

    /// `/Groups`, typed as [`Group`].
    pub fn groups(&self) -> Endpoint<Group> {
        self.wrap(self.inner.groups())
    }

    /// Any resource endpoint, with dynamic [`Resource`]s.
    pub fn resource(&self, path: &str) -> Endpoint<Resource> {
        self.wrap(self.inner.resource(path))
    }

    /// Any resource endpoint, typed as `T`.
    pub fn resource_as<T: ScimObject>(&self, path: &str) -> Endpoint<T> {
        self.wrap(self.inner.resource_as(path))
    }

    fn wrap<T>(&self, inner: super::Endpoint<T>) -> Endpoint<T> {
        Endpoint {
            inner,
            runtime: self.runtime.clone(),
        }
    }

    /// `/Me`: the resource of the authenticated subject (RFC 7644 §3.11).
    pub fn me(&self) -> Me {
        Me {
            inner: self.inner.me(),
            runtime: self.runtime.clone(),
        }
    }

    /// A search across every resource type (`POST /.search`).
    pub fn search(&self) -> List<Resource> {
        self.resource("/").search()
    }

    /// Runs a bulk request built on the async client: `client.bulk(|b| b.create(..))`.
    pub fn bulk(&self, build: impl FnOnce(super::Bulk) -> super::Bulk) -> Result<Vec<BulkResult>> {
        self.run(build(self.inner.bulk()).send())
    }

    /// See [`super::Client::service_provider_config`].
    pub fn service_provider_config(&self) -> Result<ServiceProviderConfig> {
        self.run(self.inner.service_provider_config())
    }

    /// See [`super::Client::capabilities`].
    pub fn capabilities(&self) -> Option<Arc<Capabilities>> {
        self.inner.capabilities()
    }

    /// `GET /ResourceTypes`.
    pub fn resource_types(&self) -> Result<Vec<ResourceType>> {
        self.run(self.inner.resource_types())
    }

    /// `GET /Schemas`.
    pub fn schemas(&self) -> Result<Vec<Schema>> {
        self.run(self.inner.schemas())
    }

    /// See [`super::Client::schema_registry`].
    pub fn schema_registry(&self) -> Result<SchemaRegistry> {
        self.run(self.inner.schema_registry())
    }

    /// See [`super::Client::send`].
    pub fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Bytes>> {
        self.run(self.inner.send(request))
    }
}

/// Blocking `/Me`; see [`super::Me`].
#[derive(Debug, Clone)]
pub struct Me {
    inner: super::Me,
    runtime: Arc<Runtime>,
}

impl Me {
    /// `GET /Me`.
    pub fn get(&self) -> Result<Resource> {
        block_on(&self.runtime, self.inner.get())?
    }

    /// `PUT /Me`.
    pub fn replace(&self, resource: &Resource) -> Result<Resource> {
        block_on(&self.runtime, self.inner.replace(resource))?
    }

    /// `PATCH /Me`; `None` when the server answers 204.
    pub fn patch(&self, operations: PatchOp) -> Result<Option<Resource>> {
        block_on(&self.runtime, self.inner.patch(operations))?
    }

    /// `DELETE /Me`.
    pub fn delete(&self) -> Result<()> {
        block_on(&self.runtime, self.inner.delete())?
    }
}

/// A blocking resource endpoint; see [`super::Endpoint`].
#[derive(Debug, Clone)]
pub struct Endpoint<T> {
    inner: super::Endpoint<T>,
    runtime: Arc<Runtime>,
}

impl<T: ScimObject> Endpoint<T> {
    fn run<F: Future<Output = Result<R>>, R>(&self, future: F) -> Result<R> {
        block_on(&self.runtime, future)?
    }

    /// See [`super::Endpoint::create`].
    pub fn create(&self, resource: &T) -> Result<T> {
        self.run(self.inner.create(resource))
    }

    /// See [`super::Endpoint::get`].
    pub fn get(&self, id: &str) -> Get<'_, T> {
        Get {
            inner: self.inner.get(id),
            runtime: &self.runtime,
        }
    }

    /// See [`super::Endpoint::replace`].
    pub fn replace<'a>(&'a self, id: &str, resource: &'a T) -> Replace<'a, T> {
        Replace {
            inner: self.inner.replace(id, resource),
            runtime: &self.runtime,
        }
    }

    /// See [`super::Endpoint::patch`].
    pub fn patch(&self, id: &str, operations: PatchOp) -> Patch<'_, T> {
        Patch {
            inner: self.inner.patch(id, operations),
            runtime: &self.runtime,
        }
    }

    /// See [`super::Endpoint::delete`].
    pub fn delete(&self, id: &str) -> Delete<'_, T> {
        Delete {
            inner: self.inner.delete(id),
            runtime: &self.runtime,
        }
    }

    /// See [`super::Endpoint::update`].
    pub fn update<F: FnMut(&mut T)>(&self, id: &str, change: F) -> Result<T> {
        self.run(self.inner.update(id, change))
    }

    /// See [`super::Endpoint::list`].
    pub fn list(&self) -> List<T> {
        List {
            inner: self.inner.list(),
            runtime: self.runtime.clone(),
        }
    }

    /// See [`super::Endpoint::search`].
    pub fn search(&self) -> List<T> {
        List {
            inner: self.inner.search(),
            runtime: self.runtime.clone(),
        }
    }

    /// Every resource, page by page, as an [`Iterator`]; see [`super::Iter`].
    pub fn iter(&self) -> Iter<T> {
        Iter {
            inner: self.inner.iter(),
            runtime: self.runtime.clone(),
            refused: false,
        }
    }
}

/// See [`super::Get`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Get<'a, T> {
    inner: super::Get<'a, T>,
    runtime: &'a Runtime,
}

impl<T: ScimObject> Get<'_, T> {
    /// See [`super::Get::attributes`].
    pub fn attributes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.inner = self.inner.attributes(names);
        self
    }

    /// See [`super::Get::excluded_attributes`].
    pub fn excluded_attributes<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        names: I,
    ) -> Self {
        self.inner = self.inner.excluded_attributes(names);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<T> {
        block_on(self.runtime, self.inner.send())?
    }

    /// See [`super::Get::send_if_none_match`].
    pub fn send_if_none_match(self, version: &ETag) -> Result<Option<T>> {
        block_on(self.runtime, self.inner.send_if_none_match(version))?
    }
}

/// See [`super::Replace`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Replace<'a, T> {
    inner: super::Replace<'a, T>,
    runtime: &'a Runtime,
}

impl<T: ScimObject> Replace<'_, T> {
    /// See [`super::Replace::if_match`].
    pub fn if_match(mut self, version: ETag) -> Self {
        self.inner = self.inner.if_match(version);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<T> {
        block_on(self.runtime, self.inner.send())?
    }
}

/// See [`super::Patch`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Patch<'a, T> {
    inner: super::Patch<'a, T>,
    runtime: &'a Runtime,
}

impl<T: ScimObject> Patch<'_, T> {
    /// See [`super::Patch::if_match`].
    pub fn if_match(mut self, version: ETag) -> Self {
        self.inner = self.inner.if_match(version);
        self
    }

    /// Sends the request; `None` when the server answers 204.
    pub fn send(self) -> Result<Option<T>> {
        block_on(self.runtime, self.inner.send())?
    }
}

/// See [`super::Delete`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Delete<'a, T> {
    inner: super::Delete<'a, T>,
    runtime: &'a Runtime,
}

impl<T: ScimObject> Delete<'_, T> {
    /// See [`super::Delete::if_match`].
    pub fn if_match(mut self, version: ETag) -> Self {
        self.inner = self.inner.if_match(version);
        self
    }

    /// Sends the request.
    pub fn send(self) -> Result<()> {
        block_on(self.runtime, self.inner.send())?
    }
}

/// See [`super::List`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct List<T> {
    inner: super::List<T>,
    runtime: Arc<Runtime>,
}

impl<T: ScimObject> List<T> {
    fn query_mut(&mut self) -> &mut SearchRequest {
        self.inner.query_mut()
    }

    query_setters!();

    /// See [`super::List::start_index`].
    pub fn start_index(mut self, index: u64) -> Self {
        self.inner = self.inner.start_index(index);
        self
    }

    /// See [`super::List::cursor`].
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.inner = self.inner.cursor(cursor);
        self
    }

    /// See [`super::List::post_search`].
    pub fn post_search(mut self) -> Self {
        self.inner = self.inner.post_search();
        self
    }

    /// Sends the query; returns one page.
    pub fn send(self) -> Result<ListResponse<T>> {
        block_on(&self.runtime, self.inner.send())?
    }

    /// Every page of this query, as an iterator of resources.
    pub fn into_iter_pages(self) -> Iter<T> {
        Iter {
            inner: self.inner.into_iter_pages(),
            runtime: self.runtime,
            refused: false,
        }
    }
}

/// Every resource of a query, one page in memory at a time: an [`Iterator`] of
/// `Result<T>`; see [`super::Iter`] for how pages are walked.
#[derive(Debug)]
#[must_use = "iterators do nothing unless consumed"]
pub struct Iter<T> {
    inner: super::Iter<T>,
    runtime: Arc<Runtime>,
    refused: bool,
}

impl<T: ScimObject> Iter<T> {
    fn query_mut(&mut self) -> &mut SearchRequest {
        self.inner.query_mut()
    }

    query_setters!();

    /// See [`super::Iter::post_search`].
    pub fn post_search(mut self) -> Self {
        self.inner = self.inner.post_search();
        self
    }

    /// See [`super::Iter::pagination`].
    pub fn pagination(mut self, method: PaginationMethod) -> Self {
        self.inner = self.inner.pagination(method);
        self
    }
}

impl<T: ScimObject> Iterator for Iter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.refused {
            return None;
        }
        match block_on(&self.runtime, self.inner.next()) {
            Ok(item) => item,
            Err(e) => {
                self.refused = true;
                Some(Err(e))
            }
        }
    }
}
