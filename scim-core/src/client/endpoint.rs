//! Resource endpoints: typed ([`User`](crate::User), [`Group`](crate::Group)) and dynamic
//! ([`Resource`]) with one API, generic over [`ScimObject`].

use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use http::StatusCode;
use serde_json::Value;

use super::transport::Replay;
use super::Client;
use crate::error::{Error, Result};
use crate::protocol::{self, response, Feature, PageInfo, Pager};
use crate::resource::{
    ETag, ListResponse, PatchOp, Resource, ScimObject, SearchRequest, SortOrder,
};

/// A filter given to a list or search: a `&str`/`String` is sent as written; a parsed
/// [`crate::filter::Filter`] is sent in its canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterArg(String);

impl FilterArg {
    /// The filter text sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The filter text sent, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<&str> for FilterArg {
    fn from(s: &str) -> Self {
        FilterArg(s.to_owned())
    }
}

impl From<String> for FilterArg {
    fn from(s: String) -> Self {
        FilterArg(s)
    }
}

impl From<&crate::filter::Filter> for FilterArg {
    fn from(f: &crate::filter::Filter) -> Self {
        FilterArg(f.to_string())
    }
}

impl From<crate::filter::Filter> for FilterArg {
    fn from(f: crate::filter::Filter) -> Self {
        FilterArg(f.to_string())
    }
}

impl From<&String> for FilterArg {
    fn from(s: &String) -> Self {
        FilterArg(s.clone())
    }
}

/// One resource endpoint (`/Users`, `/Groups`, `/Devices`...), whose resources are `T`.
///
/// Built by [`Client::users`], [`Client::groups`], [`Client::resource`] and
/// [`Client::resource_as`]. Every call returns a builder that reads like the request
/// and is sent with `.send().await`.
#[derive(Debug)]
pub struct Endpoint<T> {
    client: Client,
    target: std::result::Result<protocol::Endpoint, String>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Endpoint<T> {
    fn clone(&self) -> Self {
        Endpoint {
            client: self.client.clone(),
            target: self.target.clone(),
            _type: PhantomData,
        }
    }
}

impl<T: ScimObject> Endpoint<T> {
    pub(super) fn new(client: Client, target: Result<protocol::Endpoint>) -> Self {
        Endpoint {
            client,
            target: target.map_err(|e| e.to_string()),
            _type: PhantomData,
        }
    }

    fn target(&self) -> Result<&protocol::Endpoint> {
        self.target
            .as_ref()
            .map_err(|message| Error::InvalidInput(message.clone()))
    }

    /// The same endpoint with resources typed as `U`.
    pub fn typed<U: ScimObject>(&self) -> Endpoint<U> {
        Endpoint {
            client: self.client.clone(),
            target: self.target.clone(),
            _type: PhantomData,
        }
    }

    /// `POST` a new resource (RFC 7644 §3.3); returns the resource as created. `schemas`
    /// is filled in from `T`'s schema when the resource has none.
    pub async fn create(&self, resource: &T) -> Result<T> {
        let mut body = resource.to_resource();
        if let Some(schema) = T::SCHEMA {
            if body.schemas().next().is_none() {
                body.add_schema(schema);
            }
        }
        let request = self.target()?.create(&body)?;
        // RFC 7644 §3.3: "the server SHALL return a 201 (Created) response code"; a POST
        // is never replayed once it may have reached the server.
        let response = self.client.send_request(request, Replay::ByMethod).await?;
        decode(&response)
    }

    /// `GET /{id}` (RFC 7644 §3.4.1).
    pub fn get(&self, id: &str) -> Get<'_, T> {
        Get {
            endpoint: self,
            id: id.to_owned(),
            attributes: Vec::new(),
            excluded_attributes: Vec::new(),
        }
    }

    /// `PUT /{id}` (RFC 7644 §3.5.1). `If-Match` is sent with the resource's
    /// `meta.version` when it has one (unless the server said it has no ETag support),
    /// or with the version given to [`Replace::if_match`].
    pub fn replace<'a>(&'a self, id: &str, resource: &'a T) -> Replace<'a, T> {
        Replace {
            endpoint: self,
            id: id.to_owned(),
            resource,
            if_match: None,
        }
    }

    /// `PATCH /{id}` (RFC 7644 §3.5.2).
    pub fn patch(&self, id: &str, operations: PatchOp) -> Patch<'_, T> {
        Patch {
            endpoint: self,
            id: id.to_owned(),
            operations,
            if_match: None,
        }
    }

    /// `DELETE /{id}` (RFC 7644 §3.6).
    pub fn delete(&self, id: &str) -> Delete<'_, T> {
        Delete {
            endpoint: self,
            id: id.to_owned(),
            if_match: None,
        }
    }

    /// One page of a query: `GET ?filter=...` (RFC 7644 §3.4.2).
    pub fn list(&self) -> List<T> {
        List {
            endpoint: self.clone(),
            query: SearchRequest::default(),
            post: false,
        }
    }

    /// One page of a query sent as `POST /.search` (RFC 7644 §3.4.3), which keeps the
    /// filter out of URLs and access logs.
    pub fn search(&self) -> List<T> {
        List {
            post: true,
            ..self.list()
        }
    }

    /// Every resource, page by page, as a [`Stream`]: see [`Iter`]. Set a filter, sort
    /// or page size on it before polling.
    pub fn iter(&self) -> Iter<T> {
        self.list().into_iter_pages()
    }

    /// Read-modify-write with optimistic locking: reads the resource, applies `change`,
    /// and replaces it with `If-Match` set to the version read. When another writer got
    /// there first (412 Precondition Failed), it reads again and re-applies `change`, up
    /// to the client's `update_attempts` (default 5), then returns the last 412.
    ///
    /// The write is a `PUT` of the whole modified resource (as UnboundID/Ping's SDK
    /// does): it works on every server, unlike PATCH, and the If-Match makes it safe.
    /// When the server returns no version (no ETag support), the write is sent without
    /// If-Match and a concurrent change can be overwritten.
    pub async fn update<F>(&self, id: &str, mut change: F) -> Result<T>
    where
        F: FnMut(&mut T),
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let current = self.get(id).send().await?;
            let version = current.to_resource().version();
            let mut modified = current;
            change(&mut modified);
            let mut replace = self.replace(id, &modified);
            replace.if_match = version.clone();
            match replace.send().await {
                Err(e)
                    if e.is_precondition_failed()
                        && version.is_some()
                        && attempt < self.client.inner.update_attempts =>
                {
                    tracing::debug!(attempt, "412 Precondition Failed: reading again");
                }
                other => return other,
            }
        }
    }

    fn check_id(id: &str) -> Result<()> {
        if id.is_empty() {
            return Err(Error::InvalidInput(
                "a resource id must not be empty".into(),
            ));
        }
        Ok(())
    }
}

/// Decodes a successful response into `T`.
///
/// Typed structs decode straight from the body's text ([`ScimObject::from_json`]), which
/// is several times faster than building a [`Resource`] first. A body that does not
/// decode that way takes the slower path, whose errors say exactly what is wrong (an
/// empty body, HTML, the JSON path of a mistyped value).
fn decode<T: ScimObject>(response: &http::Response<Bytes>) -> Result<T> {
    let body = response::success_body(response)?;
    if let Some(decoded) = std::str::from_utf8(body)
        .ok()
        .and_then(|text| T::from_json(text).ok())
    {
        return Ok(decoded);
    }
    T::from_resource(response::parse_resource(response)?)
}

/// The `If-Match` to send: the one asked for (an error if the server has no ETag
/// support), else the resource's version when the server may honour it.
fn choose_if_match(
    client: &Client,
    explicit: Option<ETag>,
    known: Option<ETag>,
) -> Result<Option<ETag>> {
    match explicit {
        Some(tag) => {
            client.require(Feature::Etag)?;
            Ok(Some(tag))
        }
        None => Ok(known.filter(|_| client.supports(Feature::Etag))),
    }
}

/// RFC 7643 §5 `changePassword`: with it unsupported, a request that sets `password` on
/// an existing resource fails locally.
fn check_password_change(client: &Client, touches_password: bool) -> Result<()> {
    if touches_password {
        client.require(Feature::ChangePassword)?;
    }
    Ok(())
}

fn patch_touches_password(op: &PatchOp) -> bool {
    op.operations.iter().any(|o| match o.path.as_deref() {
        Some(path) => {
            let (_, attr) = crate::urn::split_urn(path);
            attr.split(['.', '['])
                .next()
                .is_some_and(|a| a.eq_ignore_ascii_case("password"))
        }
        None => o
            .value
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case("password"))),
    })
}

/// A `GET` of one resource; see [`Endpoint::get`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Get<'a, T> {
    endpoint: &'a Endpoint<T>,
    id: String,
    attributes: Vec<String>,
    excluded_attributes: Vec<String>,
}

impl<T: ScimObject> Get<'_, T> {
    /// Returns only these attributes (RFC 7644 §3.4.2.5 `attributes`).
    pub fn attributes<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.attributes = names.into_iter().map(Into::into).collect();
        self
    }

    /// Leaves these attributes out (RFC 7644 §3.4.2.5 `excludedAttributes`).
    pub fn excluded_attributes<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.excluded_attributes = names.into_iter().map(Into::into).collect();
        self
    }

    async fn fetch(&self, if_none_match: Option<&ETag>) -> Result<http::Response<Bytes>> {
        Endpoint::<T>::check_id(&self.id)?;
        self.fetch_self(if_none_match).await
    }

    async fn fetch_self(&self, if_none_match: Option<&ETag>) -> Result<http::Response<Bytes>> {
        if if_none_match.is_some() {
            self.endpoint.client.require(Feature::Etag)?;
        }
        let request = self.endpoint.target()?.get(
            &self.id,
            &self.attributes,
            &self.excluded_attributes,
            if_none_match,
        )?;
        self.endpoint
            .client
            .send_request(request, Replay::ByMethod)
            .await
    }

    /// Sends the request.
    pub async fn send(self) -> Result<T> {
        decode(&self.fetch(None).await?)
    }

    /// Sends the request with `If-None-Match: <version>` (RFC 7644 §3.14): `None` when
    /// the server answers 304 Not Modified, the resource when it changed.
    pub async fn send_if_none_match(self, version: &ETag) -> Result<Option<T>> {
        let response = self.fetch(Some(version)).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        decode(&response).map(Some)
    }
}

/// A `PUT` replacing a resource; see [`Endpoint::replace`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Replace<'a, T> {
    endpoint: &'a Endpoint<T>,
    id: String,
    resource: &'a T,
    if_match: Option<ETag>,
}

impl<T: ScimObject> Replace<'_, T> {
    /// Sends `If-Match: <version>`: the server answers 412 if the resource changed.
    pub fn if_match(mut self, version: ETag) -> Self {
        self.if_match = Some(version);
        self
    }

    /// Sends the request; returns the resource as replaced.
    pub async fn send(self) -> Result<T> {
        Endpoint::<T>::check_id(&self.id)?;
        self.send_unchecked().await
    }

    pub(super) async fn send_unchecked(self) -> Result<T> {
        let client = &self.endpoint.client;
        let body = self.resource.to_resource();
        check_password_change(client, body.get("password").is_some())?;
        let if_match = choose_if_match(client, self.if_match, body.version())?;
        let request = self
            .endpoint
            .target()?
            .replace(&self.id, &body, if_match.as_ref())?;
        decode(&client.send_request(request, Replay::ByMethod).await?)
    }
}

/// A `PATCH` of a resource; see [`Endpoint::patch`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Patch<'a, T> {
    endpoint: &'a Endpoint<T>,
    id: String,
    operations: PatchOp,
    if_match: Option<ETag>,
}

impl<T: ScimObject> Patch<'_, T> {
    /// Sends `If-Match: <version>`: the server answers 412 if the resource changed. A
    /// conditional PATCH may be retried on 429/503 (a replay cannot apply it twice).
    pub fn if_match(mut self, version: ETag) -> Self {
        self.if_match = Some(version);
        self
    }

    /// Sends the request. RFC 7644 §3.5.2: the server answers "either a 200 OK response
    /// code and the entire resource within the response body ... or ... 204 No Content":
    /// `Some(resource)` for the first, `None` for the second.
    pub async fn send(self) -> Result<Option<T>> {
        Endpoint::<T>::check_id(&self.id)?;
        self.send_unchecked().await
    }

    pub(super) async fn send_unchecked(mut self) -> Result<Option<T>> {
        let client = &self.endpoint.client;
        client.require(Feature::Patch)?;
        check_password_change(client, patch_touches_password(&self.operations))?;
        if self.operations.schemas.is_empty() {
            self.operations.schemas = vec![crate::urn::PATCH_OP.to_owned()];
        }
        let if_match = choose_if_match(client, self.if_match, None)?;
        let request = self.endpoint.target()?.patch(
            &self.id,
            &self.operations.to_resource(),
            if_match.as_ref(),
        )?;
        let response = client.send_request(request, Replay::ByMethod).await?;
        let body = response::success_body(&response)?;
        if response.status() == StatusCode::NO_CONTENT || body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        decode(&response).map(Some)
    }
}

/// A `DELETE` of a resource; see [`Endpoint::delete`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Delete<'a, T> {
    endpoint: &'a Endpoint<T>,
    id: String,
    if_match: Option<ETag>,
}

impl<T: ScimObject> Delete<'_, T> {
    /// Sends `If-Match: <version>`: the server answers 412 if the resource changed.
    pub fn if_match(mut self, version: ETag) -> Self {
        self.if_match = Some(version);
        self
    }

    /// Sends the request. RFC 7644 §3.6: success is "204 (No Content)"; any 2xx is taken.
    pub async fn send(self) -> Result<()> {
        Endpoint::<T>::check_id(&self.id)?;
        self.send_unchecked().await
    }

    pub(super) async fn send_unchecked(self) -> Result<()> {
        let client = &self.endpoint.client;
        let if_match = choose_if_match(client, self.if_match, None)?;
        let request = self
            .endpoint
            .target()?
            .delete(&self.id, if_match.as_ref())?;
        let response = client.send_request(request, Replay::ByMethod).await?;
        response::success_body(&response).map(|_| ())
    }
}

/// A query of one page; see [`Endpoint::list`] and [`Endpoint::search`].
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct List<T> {
    endpoint: Endpoint<T>,
    query: SearchRequest,
    post: bool,
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        List {
            endpoint: self.endpoint.clone(),
            query: self.query.clone(),
            post: self.post,
        }
    }
}

impl<T: ScimObject> List<T> {
    pub(super) fn query_mut(&mut self) -> &mut SearchRequest {
        &mut self.query
    }

    query_setters!();

    /// `startIndex` (RFC 7644 §3.4.2.4), 1-based.
    pub fn start_index(mut self, index: u64) -> Self {
        self.query.start_index = Some(index);
        self
    }

    /// RFC 9865 `cursor`: `""` asks for the first page of a cursor walk, a value is the
    /// `nextCursor` of the previous page.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.query.cursor = Some(cursor.into());
        self
    }

    /// Sends the query as `POST /.search` instead of `GET`.
    pub fn post_search(mut self) -> Self {
        self.post = true;
        self
    }

    /// Sends the query; returns the page as the server sent it.
    pub async fn send(self) -> Result<ListResponse<T>> {
        let page = fetch_page(&self.endpoint, &self.query, self.post).await?;
        ListResponse::<T>::from_value(page)
    }

    /// Every page of this query, as a stream of resources: see [`Iter`].
    pub fn into_iter_pages(self) -> Iter<T> {
        Iter::new(self)
    }
}

/// Checks the query against the server's capabilities, sends it and returns the page.
async fn fetch_page<T: ScimObject>(
    endpoint: &Endpoint<T>,
    query: &SearchRequest,
    post: bool,
) -> Result<Value> {
    let (request, replay) = page_request(endpoint, query, post)?;
    send_page(endpoint.client.clone(), request, replay).await
}

async fn send_page(
    client: Client,
    request: http::Request<Vec<u8>>,
    replay: Replay,
) -> Result<Value> {
    let response = client.send_request(request, replay).await?;
    response::parse_json(&response)
}

/// The request of one page, after checking the query against the server's
/// capabilities (filter, sort) and clamping `count` to its maximum.
fn page_request<T: ScimObject>(
    endpoint: &Endpoint<T>,
    query: &SearchRequest,
    post: bool,
) -> Result<(http::Request<Vec<u8>>, Replay)> {
    let client = &endpoint.client;
    let mut query = query.clone();
    if query.filter.is_some() {
        client.require(Feature::Filter)?;
    }
    if query.sort_by.is_some() || query.sort_order.is_some() {
        client.require(Feature::Sort)?;
    }
    if let (Some(count), Some(caps)) = (query.count, client.capabilities()) {
        query.count = Some(caps.clamp_count(count));
    }
    let target = endpoint.target()?;
    Ok(if post {
        (target.search(&query)?, Replay::Safe)
    } else {
        (target.list(&query)?, Replay::ByMethod)
    })
}

type PageFuture = Pin<Box<dyn Future<Output = Result<Value>> + Send>>;

/// Every resource of a query, page by page: a [`Stream`] of `Result<T>`.
///
/// It holds one page in memory and fetches the next when that one is consumed. The
/// walk is index-based or uses RFC 9865 cursors, as the server's ServiceProviderConfig
/// says (or as its answers show, when it is not known); it ends on the server's
/// signals (an empty page, `totalResults` reached, no `nextCursor`), and stops with an
/// error if the server answers the same page twice. After an error the stream ends.
#[must_use = "streams do nothing unless polled"]
pub struct Iter<T> {
    list: List<T>,
    pager: Option<Pager>,
    page: VecDeque<Resource>,
    pending: Option<PageFuture>,
    done: bool,
}

impl<T> std::fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iter")
            .field("query", &self.list.query)
            .field("pager", &self.pager)
            .field("buffered", &self.page.len())
            .field("done", &self.done)
            .finish()
    }
}

impl<T: ScimObject> Iter<T> {
    fn new(list: List<T>) -> Self {
        Iter {
            list,
            pager: None,
            page: VecDeque::new(),
            pending: None,
            done: false,
        }
    }

    pub(super) fn query_mut(&mut self) -> &mut SearchRequest {
        &mut self.list.query
    }

    query_setters!();

    /// Walks with `POST /.search` instead of `GET`.
    pub fn post_search(mut self) -> Self {
        self.list.post = true;
        self
    }

    /// Forces the pagination method instead of choosing it from the server's config.
    pub fn pagination(mut self, method: protocol::PaginationMethod) -> Self {
        self.pager = Some(Pager::new(self.list.query.clone(), method));
        self
    }

    fn pager(&mut self) -> &mut Pager {
        let client = &self.list.endpoint.client;
        let method = client
            .inner
            .pagination
            .or_else(|| client.capabilities().map(|c| c.pagination_method()))
            .unwrap_or(protocol::PaginationMethod::Auto);
        let query = &self.list.query;
        self.pager
            .get_or_insert_with(|| Pager::new(query.clone(), method))
    }

    /// Takes in one page: feeds the pager, keeps the resources.
    fn accept(&mut self, value: Value) -> Result<()> {
        let page = ListResponse::<Resource>::from_value(value)?;
        let info = PageInfo {
            items: page.resources.len(),
            total_results: page.total_results,
            start_index: page.start_index,
            next_cursor: page.next_cursor.as_deref(),
            first_id: page.resources.first().and_then(Resource::id),
        };
        self.pager().advance(&info)?;
        self.page = page.resources.into();
        Ok(())
    }
}

impl<T: ScimObject> Unpin for Iter<T> {}

impl<T: ScimObject> Stream for Iter<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(resource) = this.page.pop_front() {
                return Poll::Ready(Some(T::from_resource(resource)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.pending.is_none() {
                let Some(query) = this.pager().next_query() else {
                    this.done = true;
                    return Poll::Ready(None);
                };
                match page_request(&this.list.endpoint, &query, this.list.post) {
                    Ok((request, replay)) => {
                        let client = this.list.endpoint.client.clone();
                        this.pending = Some(Box::pin(send_page(client, request, replay)));
                    }
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            let fetched = match this.pending.as_mut() {
                Some(future) => ready!(future.as_mut().poll(cx)),
                None => continue,
            };
            this.pending = None;
            if let Err(e) = fetched.and_then(|value| this.accept(value)) {
                this.done = true;
                return Poll::Ready(Some(Err(e)));
            }
        }
    }
}

/// `/Me` (RFC 7644 §3.11): the resource of the authenticated subject.
#[derive(Debug, Clone)]
pub struct Me {
    endpoint: Endpoint<Resource>,
}

impl Me {
    pub(super) fn new(endpoint: Endpoint<Resource>) -> Self {
        Me { endpoint }
    }

    /// `GET /Me`.
    pub async fn get(&self) -> Result<Resource> {
        decode(&self.endpoint.get("").fetch_self(None).await?)
    }

    /// `PUT /Me`.
    pub async fn replace(&self, resource: &Resource) -> Result<Resource> {
        self.endpoint.replace("", resource).send_unchecked().await
    }

    /// `PATCH /Me`; `None` when the server answers 204.
    pub async fn patch(&self, operations: PatchOp) -> Result<Option<Resource>> {
        self.endpoint.patch("", operations).send_unchecked().await
    }

    /// `DELETE /Me`.
    pub async fn delete(&self) -> Result<()> {
        self.endpoint.delete("").send_unchecked().await
    }
}
