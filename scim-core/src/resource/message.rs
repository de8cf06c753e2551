//! The messages of RFC 7644: list responses, search requests, PATCH, bulk and errors.

use std::fmt;

use serde_json::{Map, Value};

use super::codec::{
    prefix_path, scim_object, scim_struct, FieldCodec, Lenient, Present, StatusString,
};
use super::{Resource, ScimObject};
use crate::error::{Error, Result, ScimType};
use crate::urn;

/// A page of resources (RFC 7644 §3.4.2), generic over the resource type: `ListResponse<User>`,
/// `ListResponse<Resource>`.
///
/// `ListResponse::default()` has `schemas` set and everything else empty.
///
/// Decoding is lenient where servers deviate: `Resources` absent, `null` or spelled
/// `resources` (an empty page), `totalResults` missing, numbers sent as strings. Encoding
/// always writes `Resources` (RFC 7644 §3.4.2: "Resources ... REQUIRED if totalResults is
/// non-zero"; an empty array is valid in every case).
#[derive(Debug, Clone, PartialEq)]
pub struct ListResponse<T> {
    /// `schemas`: `["urn:ietf:params:scim:api:messages:2.0:ListResponse"]`.
    pub schemas: Vec<String>,
    /// `totalResults`: the number of results the query matched (REQUIRED by the RFC, but
    /// missing from some servers' responses).
    pub total_results: Option<u64>,
    /// `startIndex`: the 1-based index of the first result of this page.
    pub start_index: Option<u64>,
    /// `itemsPerPage`: the number of results on this page.
    pub items_per_page: Option<u64>,
    /// `Resources`: the results.
    pub resources: Vec<T>,
    /// `nextCursor` (RFC 9865): the cursor of the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// `previousCursor` (RFC 9865): the cursor of the previous page.
    pub previous_cursor: Option<String>,
    /// Every other key, as given.
    pub extra: Map<String, Value>,
}

impl<T> Default for ListResponse<T> {
    fn default() -> Self {
        ListResponse {
            schemas: vec![urn::LIST_RESPONSE.to_owned()],
            total_results: None,
            start_index: None,
            items_per_page: None,
            resources: Vec::new(),
            next_cursor: None,
            previous_cursor: None,
            extra: Map::new(),
        }
    }
}

scim_struct! {
    /// The wire form of a [`ListResponse`], with the resources still as JSON.
    pub struct ListEnvelope [schemas = urn::LIST_RESPONSE] {
        /// `schemas`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `totalResults`.
        total_results: Option<u64> = "totalResults";
        /// `itemsPerPage`.
        items_per_page: Option<u64> = "itemsPerPage";
        /// `startIndex`.
        start_index: Option<u64> = "startIndex";
        /// `nextCursor`.
        next_cursor: Option<String> = "nextCursor";
        /// `previousCursor`.
        previous_cursor: Option<String> = "previousCursor";
        /// `Resources`.
        resources: Vec<Value> = "Resources";
    }
}

impl<T: ScimObject> ListResponse<T> {
    /// A list response holding `resources`, with `totalResults`, `itemsPerPage` and
    /// `startIndex` = 1 filled in for a single complete page.
    pub fn new(resources: Vec<T>) -> Self {
        let n = resources.len() as u64;
        ListResponse {
            schemas: vec![urn::LIST_RESPONSE.to_owned()],
            total_results: Some(n),
            start_index: Some(1),
            items_per_page: Some(n),
            resources,
            ..ListResponse::default()
        }
    }

    fn from_envelope(env: ListEnvelope) -> Result<Self> {
        let resources = env
            .resources
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                Resource::from_value(v)
                    .and_then(T::from_resource)
                    .map_err(|e| prefix_path(e, &format!("Resources[{i}]")))
            })
            .collect::<Result<Vec<T>>>()?;
        Ok(ListResponse {
            schemas: env.schemas,
            total_results: env.total_results,
            start_index: env.start_index,
            items_per_page: env.items_per_page,
            resources,
            next_cursor: env.next_cursor,
            previous_cursor: env.previous_cursor,
            extra: env.extra,
        })
    }

    fn envelope(&self) -> ListEnvelope {
        ListEnvelope {
            schemas: self.schemas.clone(),
            total_results: self.total_results,
            items_per_page: self.items_per_page,
            start_index: self.start_index,
            next_cursor: self.next_cursor.clone(),
            previous_cursor: self.previous_cursor.clone(),
            resources: self
                .resources
                .iter()
                .map(|r| r.to_resource().into_value())
                .collect(),
            extra: self.extra.clone(),
        }
    }

    /// Decodes from a JSON value; see [`ListResponse`] for what is tolerated.
    pub fn from_value(value: Value) -> Result<Self> {
        Self::from_envelope(ListEnvelope::from_value(value)?)
    }

    /// Decodes from JSON text; see [`ListResponse`] for what is tolerated.
    pub fn from_json(json: &str) -> Result<Self> {
        Self::from_envelope(ListEnvelope::from_json(json)?)
    }

    /// Encodes as a JSON value.
    pub fn to_value(&self) -> Value {
        self.to_resource().into_value()
    }
}

impl<T: ScimObject> ScimObject for ListResponse<T> {
    const SCHEMA: Option<&'static str> = Some(urn::LIST_RESPONSE);

    fn from_resource(resource: Resource) -> Result<Self> {
        Self::from_value(resource.into_value())
    }

    fn to_resource(&self) -> Resource {
        Resource::from(self.envelope().to_map())
    }

    fn from_json(json: &str) -> Result<Self> {
        ListResponse::from_json(json)
    }
}

scim_struct! {
    /// A query sent with `POST .search` (RFC 7644 §3.4.3), also the set of query
    /// parameters of a `GET` list (§3.4.2).
    ///
    /// `attributes` and `excludedAttributes` are JSON arrays on the wire; a server or
    /// caller that sends them as one comma-separated string (the query-parameter form) is
    /// understood.
    pub struct SearchRequest [schemas = urn::SEARCH_REQUEST] {
        /// `schemas`: `["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `attributes`: the attributes to return.
        attributes: Option<Vec<String>> = "attributes", codec = CommaList;
        /// `excludedAttributes`: the attributes not to return.
        excluded_attributes: Option<Vec<String>> = "excludedAttributes", codec = CommaList;
        /// `filter` (RFC 7644 §3.4.2.2).
        filter: Option<String> = "filter";
        /// `sortBy`: the attribute to sort by.
        sort_by: Option<String> = "sortBy";
        /// `sortOrder`.
        sort_order: Option<SortOrder> = "sortOrder";
        /// `startIndex`: 1-based index of the first result (index pagination).
        start_index: Option<u64> = "startIndex";
        /// `count`: the maximum number of results per page.
        count: Option<u64> = "count";
        /// `cursor` (RFC 9865): the page to return; an empty string asks for the first
        /// page with cursor pagination.
        cursor: Option<String> = "cursor";
    }
}

scim_object!(SearchRequest, urn::SEARCH_REQUEST);

impl SearchRequest {
    /// An empty search request with its `schemas` set.
    pub fn new() -> Self {
        SearchRequest {
            schemas: vec![urn::SEARCH_REQUEST.to_owned()],
            ..SearchRequest::default()
        }
    }
}

/// `attributes` as an array, or as one comma-separated string.
struct CommaList;

impl FieldCodec<Option<Vec<String>>> for CommaList {
    fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<String>>, D::Error> {
        match <Value as serde::Deserialize>::deserialize(d)? {
            Value::String(s) => Ok(Some(
                s.split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )),
            other => Vec::<String>::deserialize_lenient(other)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
    fn is_present(field: &Option<Vec<String>>) -> bool {
        field.is_some()
    }
    fn serialize<S: serde::Serializer>(
        field: &Option<Vec<String>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(field, s)
    }
}

/// Declares a string enum whose known spellings decode case-insensitively and whose
/// unknown ones are kept in `Other`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// Any other value, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Lenient for $name {
            fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize_lenient(d)?;
                $(if s.eq_ignore_ascii_case($text) { return Ok($name::$variant); })*
                Ok($name::Other(s))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl Present for $name {}
    };
}

wire_enum! {
    /// `sortOrder` (RFC 7644 §3.4.2.3).
    SortOrder {
        /// `ascending` (the default).
        Ascending = "ascending",
        /// `descending`.
        Descending = "descending",
    }
}

wire_enum! {
    /// The HTTP method of a bulk operation (RFC 7644 §3.7); read case-insensitively.
    BulkMethod {
        /// `POST`: create.
        Post = "POST",
        /// `PUT`: replace.
        Put = "PUT",
        /// `PATCH`: modify.
        Patch = "PATCH",
        /// `DELETE`: delete.
        Delete = "DELETE",
    }
}

impl Default for BulkMethod {
    /// `POST`, only so that a [`BulkOperation`] can be built with `..Default::default()`.
    fn default() -> Self {
        BulkMethod::Post
    }
}

scim_struct! {
    /// A PATCH request body (RFC 7644 §3.5.2).
    ///
    /// Decoding accepts `operations` in any case; encoding writes `Operations`.
    pub struct PatchOp [schemas = urn::PATCH_OP] {
        /// `schemas`: `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `Operations`, applied in order.
        operations: Vec<PatchOperation> = "Operations";
    }
}

scim_object!(PatchOp, urn::PATCH_OP);

impl PatchOp {
    /// A PATCH body with its `schemas` set.
    pub fn new(operations: Vec<PatchOperation>) -> Self {
        PatchOp {
            schemas: vec![urn::PATCH_OP.to_owned()],
            operations,
            extra: Map::new(),
        }
    }
}

scim_struct! {
    /// One PATCH operation (RFC 7644 §3.5.2): `op`, optional `path`, optional `value`.
    pub struct PatchOperation {
        /// `op`: add, remove or replace, with the spelling kept.
        op: PatchOpKind = "op", required = true;
        /// `path`: the target (RFC 7644 §3.5.2 PATH); absent for a path-less add/replace.
        path: Option<String> = "path";
        /// `value`: what to add or replace with.
        value: Option<Value> = "value";
    }
}

impl PatchOperation {
    /// `{"op": "add", "path": ..., "value": ...}`; `path` may be `None`.
    pub fn add(path: Option<&str>, value: Value) -> Self {
        Self::with(PatchOpKind::Add, path, Some(value))
    }

    /// `{"op": "replace", "path": ..., "value": ...}`; `path` may be `None`.
    pub fn replace(path: Option<&str>, value: Value) -> Self {
        Self::with(PatchOpKind::Replace, path, Some(value))
    }

    /// `{"op": "remove", "path": ...}`.
    pub fn remove(path: &str) -> Self {
        Self::with(PatchOpKind::Remove, Some(path), None)
    }

    fn with(op: PatchOpKind, path: Option<&str>, value: Option<Value>) -> Self {
        PatchOperation {
            op,
            path: path.map(str::to_owned),
            value,
            extra: Map::new(),
        }
    }
}

/// A PATCH operation's `op`.
///
/// RFC 7644 §3.5.2: "Each PATCH operation object MUST have exactly one "op" member, whose
/// value indicates the operation to perform and MAY be one of "add", "remove", or
/// "replace"." Only those exact spellings decode to [`PatchOpKind::Add`],
/// [`PatchOpKind::Remove`] and [`PatchOpKind::Replace`]; anything else (`"Replace"` from
/// some IdPs, `"ADD"`) is [`PatchOpKind::Other`] with its spelling, and the PATCH engine
/// decides whether its lenient mode accepts it ([`PatchOpKind::normalized`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum PatchOpKind {
    /// `add`.
    #[default]
    Add,
    /// `remove`.
    Remove,
    /// `replace`.
    Replace,
    /// Any other spelling, kept as sent.
    Other(String),
}

impl PatchOpKind {
    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            PatchOpKind::Add => "add",
            PatchOpKind::Remove => "remove",
            PatchOpKind::Replace => "replace",
            PatchOpKind::Other(s) => s,
        }
    }

    /// Parses the exact RFC spelling; anything else is [`PatchOpKind::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "add" => PatchOpKind::Add,
            "remove" => PatchOpKind::Remove,
            "replace" => PatchOpKind::Replace,
            other => PatchOpKind::Other(other.to_owned()),
        }
    }

    /// The operation this names when case is ignored (`"Replace"` → `Replace`), for
    /// lenient inbound PATCH; `None` for an unknown operation.
    pub fn normalized(&self) -> Option<PatchOpKind> {
        let s = self.as_str().trim();
        [PatchOpKind::Add, PatchOpKind::Remove, PatchOpKind::Replace]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for PatchOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Lenient for PatchOpKind {
    fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Ok(match s.as_str() {
            "add" => PatchOpKind::Add,
            "remove" => PatchOpKind::Remove,
            "replace" => PatchOpKind::Replace,
            _ => PatchOpKind::Other(s),
        })
    }
}

impl serde::Serialize for PatchOpKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Present for PatchOpKind {}

scim_struct! {
    /// A bulk request (RFC 7644 §3.7).
    pub struct BulkRequest [schemas = urn::BULK_REQUEST] {
        /// `schemas`: `["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `failOnErrors`: stop after this many errors.
        fail_on_errors: Option<u64> = "failOnErrors";
        /// `Operations`.
        operations: Vec<BulkOperation> = "Operations";
    }
}

scim_object!(BulkRequest, urn::BULK_REQUEST);

scim_struct! {
    /// One operation of a [`BulkRequest`] (RFC 7644 §3.7).
    pub struct BulkOperation {
        /// `method`: POST, PUT, PATCH or DELETE.
        method: BulkMethod = "method", required = true;
        /// `bulkId`: the client's id for a POST, which later operations reference as
        /// `bulkId:<id>`.
        bulk_id: Option<String> = "bulkId";
        /// `version`: the ETag to match (`If-Match`).
        version: Option<String> = "version";
        /// `path`: the resource endpoint (`/Users`) or resource (`/Users/<id>`).
        path: Option<String> = "path";
        /// `data`: the resource (POST/PUT) or PatchOp body (PATCH).
        data: Option<Value> = "data";
    }
}

scim_struct! {
    /// A bulk response (RFC 7644 §3.7).
    pub struct BulkResponse [schemas = urn::BULK_RESPONSE] {
        /// `schemas`: `["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `Operations`: one result per operation performed.
        operations: Vec<BulkOperationResponse> = "Operations";
    }
}

scim_object!(BulkResponse, urn::BULK_RESPONSE);

scim_struct! {
    /// The result of one bulk operation (RFC 7644 §3.7.3).
    ///
    /// `status` is read from a number or a string and written as a string, as in the
    /// RFC's examples (`"status": "201"`).
    pub struct BulkOperationResponse {
        /// `location`: the URI of the created or modified resource.
        location: Option<String> = "location";
        /// `method`: the operation's method.
        method: Option<BulkMethod> = "method";
        /// `bulkId`: the operation's `bulkId`, when it had one.
        bulk_id: Option<String> = "bulkId";
        /// `version`: the resource's new ETag.
        version: Option<String> = "version";
        /// `status`: the HTTP status of the operation.
        status: u16 = "status", codec = StatusString, required = true;
        /// `response`: the error body (or, for some servers, the resource).
        response: Option<Value> = "response";
    }
}

impl BulkOperationResponse {
    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The operation's error, for a non-2xx status: the `response` decoded as an
    /// [`ErrorResponse`] when it is one, else an [`Error::Api`] with just the status.
    pub fn error(&self) -> Option<Error> {
        if self.is_success() {
            return None;
        }
        let decoded = self
            .response
            .clone()
            .and_then(|r| ErrorResponse::from_value(r).ok());
        Some(match decoded {
            Some(e) => e.into_error(),
            None => Error::Api {
                status: self.status,
                scim_type: None,
                detail: None,
            },
        })
    }
}

scim_struct! {
    /// An error response (RFC 7644 §3.12).
    ///
    /// `status` is read from a number or a string; RFC 7644 §3.12: "status: The HTTP
    /// status code ... expressed as a JSON string. REQUIRED." It is written as a string.
    pub struct ErrorResponse [schemas = urn::ERROR] {
        /// `schemas`: `["urn:ietf:params:scim:api:messages:2.0:Error"]`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `status`: the HTTP status code.
        status: u16 = "status", codec = StatusString, required = true;
        /// `scimType`: the error's type (for 400 and 409 errors).
        scim_type: Option<ScimType> = "scimType";
        /// `detail`: a human-readable explanation.
        detail: Option<String> = "detail";
    }
}

scim_object!(ErrorResponse, urn::ERROR);

impl ErrorResponse {
    /// An error response with its `schemas` set.
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: Option<String>) -> Self {
        ErrorResponse {
            schemas: vec![urn::ERROR.to_owned()],
            status,
            scim_type,
            detail,
            extra: Map::new(),
        }
    }

    /// The [`Error::Api`] this response stands for.
    pub fn into_error(self) -> Error {
        Error::Api {
            status: self.status,
            scim_type: self.scim_type,
            detail: self.detail,
        }
    }
}

impl From<ErrorResponse> for Error {
    fn from(e: ErrorResponse) -> Self {
        e.into_error()
    }
}
