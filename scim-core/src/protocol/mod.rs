//! The SCIM protocol without I/O (sans-IO): builds the `http::Request`s of RFC 7644 and
//! parses `http::Response`s into resources or typed errors.
//!
//! Nothing here opens a socket or needs an async runtime, so this module is compiled
//! without the `client` feature: an application can drive it with any HTTP stack. The
//! `client` module (feature `client`) is a thin layer that sends what is built here
//! with reqwest and feeds the answers back.
//!
//! - [`BaseUrl`] and [`Endpoint`]: the requests of one resource endpoint (`/Users`,
//!   `/Groups`, any other) — create, get, replace, patch, delete, list, search.
//! - [`query_string`]: a [`SearchRequest`] as the query string of a list (`GET`); it is
//!   the body of a search (`POST .search`) as it is.
//! - [`response`]: status and body → resource, list page, or [`Error`].
//! - [`pagination`]: the state of an index- or cursor-based walk over every page.
//! - [`retry`]: which answers may be retried, after how long.
//! - [`bulk`]: ordering and splitting bulk operations, a result per operation.
//! - [`capabilities`]: what a server supports, from its ServiceProviderConfig.

pub mod bulk;
pub mod capabilities;
pub mod pagination;
pub mod response;
pub mod retry;

use std::fmt;

use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, IF_MATCH, IF_NONE_MATCH};
use http::{Method, Request};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::resource::{ETag, ScimObject, SearchRequest, SortOrder};
use crate::urn;

pub use capabilities::{Capabilities, Feature};
pub use pagination::{PageInfo, Pager, PaginationMethod};
pub use response::{error_from_response, parse_json, parse_resource};
pub use retry::RetryPolicy;

/// The media type of SCIM messages (RFC 7644 §3.1).
pub const SCIM_JSON: &str = "application/scim+json";

/// The `Accept` header sent with every request.
///
/// RFC 7644 §3.8: "Service providers MUST support the Accept header
/// "Accept: application/scim+json" and SHOULD support the header
/// "Accept: application/json"". Both are accepted back.
pub const ACCEPT_VALUE: &str = "application/scim+json, application/json;q=0.9";

/// The root URL of a SCIM service, e.g. `https://example.com/scim/v2`, validated once.
///
/// It must be an absolute `http` or `https` URL without query, fragment or credentials
/// (credentials in a URL end up in logs; give them to the client's auth instead). A
/// trailing `/` is removed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Validates and normalizes `url`.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        let uri: http::Uri = url
            .parse()
            .map_err(|e| Error::InvalidInput(format!("invalid base URL: {e}")))?;
        match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") => {}
            _ => {
                return Err(Error::InvalidInput(
                    "the base URL must start with http:// or https://".into(),
                ))
            }
        }
        let authority = uri.authority().ok_or_else(|| {
            Error::InvalidInput("the base URL must name a host (http://host/...)".into())
        })?;
        if authority.as_str().contains('@') {
            return Err(Error::InvalidInput(
                "the base URL must not hold credentials: use the builder's authentication".into(),
            ));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(Error::InvalidInput(
                "the base URL must not have a query or a fragment".into(),
            ));
        }
        Ok(BaseUrl(url.trim_end_matches('/').to_owned()))
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The endpoint at `path` (`"/Users"`, `"Users"`, `"/Devices"`).
    pub fn endpoint(&self, path: &str) -> Result<Endpoint> {
        Endpoint::new(self, path)
    }

    /// `GET /ServiceProviderConfig` (RFC 7644 §4).
    pub fn service_provider_config(&self) -> Result<Request<Vec<u8>>> {
        self.endpoint("/ServiceProviderConfig")?
            .get_self(&[], &[], None)
    }

    /// `GET /ResourceTypes` (RFC 7644 §4).
    pub fn resource_types(&self) -> Result<Request<Vec<u8>>> {
        self.endpoint("/ResourceTypes")?.get_self(&[], &[], None)
    }

    /// `GET /Schemas` (RFC 7644 §4).
    pub fn schemas(&self) -> Result<Request<Vec<u8>>> {
        self.endpoint("/Schemas")?.get_self(&[], &[], None)
    }

    /// `POST /Bulk` with a `BulkRequest` body (RFC 7644 §3.7).
    pub fn bulk(&self, body: &impl Serialize) -> Result<Request<Vec<u8>>> {
        let url = format!("{}/Bulk", self.0);
        request(Method::POST, url, Some(to_body(body)?), None, None)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({:?})", self.0)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The requests of one resource endpoint: `{base}/Users`, `{base}/Groups`, `{base}/Me`...
///
/// An `id` is percent-encoded as one path segment, so an id holding `/`, `?` or spaces
/// still addresses that resource. An empty `id` addresses the endpoint itself, as `/Me`
/// (RFC 7644 §3.11) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
}

impl Endpoint {
    /// The endpoint at `path` below `base`; `path` may start with `/` or not and must
    /// not hold a query or fragment. An empty path (or `/`) is the service root, where
    /// RFC 7644 §3.4.3 allows a search across every resource type.
    pub fn new(base: &BaseUrl, path: &str) -> Result<Self> {
        let path = path.trim().trim_matches('/');
        if path.contains(['?', '#']) || path.split('/').any(|s| s == "." || s == "..") {
            return Err(Error::InvalidInput(format!(
                "invalid endpoint path {path:?}: expected a path such as \"/Users\""
            )));
        }
        let mut url = base.as_str().to_owned();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            url.push('/');
            encode_into(&mut url, segment, PATH_SEGMENT);
        }
        Ok(Endpoint { url })
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL of the resource `id` (the endpoint's own URL when `id` is empty).
    pub fn resource_url(&self, id: &str) -> String {
        let mut url = self.url.clone();
        if !id.is_empty() {
            url.push('/');
            encode_into(&mut url, id, PATH_SEGMENT);
        }
        url
    }

    /// `POST {endpoint}` creating a resource (RFC 7644 §3.3).
    pub fn create(&self, body: &impl Serialize) -> Result<Request<Vec<u8>>> {
        request(
            Method::POST,
            self.url.clone(),
            Some(to_body(body)?),
            None,
            None,
        )
    }

    /// `GET {endpoint}/{id}` (RFC 7644 §3.4.1), with `attributes` /
    /// `excludedAttributes` (§3.4.2.5) and an optional `If-None-Match` (§3.14).
    pub fn get(
        &self,
        id: &str,
        attributes: &[String],
        excluded_attributes: &[String],
        if_none_match: Option<&ETag>,
    ) -> Result<Request<Vec<u8>>> {
        let mut url = self.resource_url(id);
        let mut query = QueryString::default();
        query.list("attributes", attributes);
        query.list("excludedAttributes", excluded_attributes);
        query.append_to(&mut url);
        request(Method::GET, url, None, None, if_none_match)
    }

    /// `GET {endpoint}` for a singleton such as `/ServiceProviderConfig` or `/Me`.
    pub fn get_self(
        &self,
        attributes: &[String],
        excluded_attributes: &[String],
        if_none_match: Option<&ETag>,
    ) -> Result<Request<Vec<u8>>> {
        self.get("", attributes, excluded_attributes, if_none_match)
    }

    /// `PUT {endpoint}/{id}` replacing a resource (RFC 7644 §3.5.1), with `If-Match`
    /// when a version is known (§3.14).
    pub fn replace(
        &self,
        id: &str,
        body: &impl Serialize,
        if_match: Option<&ETag>,
    ) -> Result<Request<Vec<u8>>> {
        let url = self.resource_url(id);
        request(Method::PUT, url, Some(to_body(body)?), if_match, None)
    }

    /// `PATCH {endpoint}/{id}` with a `PatchOp` body (RFC 7644 §3.5.2).
    pub fn patch(
        &self,
        id: &str,
        body: &impl Serialize,
        if_match: Option<&ETag>,
    ) -> Result<Request<Vec<u8>>> {
        let url = self.resource_url(id);
        request(Method::PATCH, url, Some(to_body(body)?), if_match, None)
    }

    /// `DELETE {endpoint}/{id}` (RFC 7644 §3.6).
    pub fn delete(&self, id: &str, if_match: Option<&ETag>) -> Result<Request<Vec<u8>>> {
        let url = self.resource_url(id);
        request(Method::DELETE, url, None, if_match, None)
    }

    /// `GET {endpoint}?filter=...` — one page of a query (RFC 7644 §3.4.2).
    pub fn list(&self, query: &SearchRequest) -> Result<Request<Vec<u8>>> {
        let mut url = self.url.clone();
        query_string(query).append_to(&mut url);
        request(Method::GET, url, None, None, None)
    }

    /// `POST {endpoint}/.search` with a `SearchRequest` body (RFC 7644 §3.4.3): the
    /// same query as [`Endpoint::list`], kept out of URLs and logs.
    pub fn search(&self, query: &SearchRequest) -> Result<Request<Vec<u8>>> {
        let url = format!("{}/.search", self.url);
        let mut body = query.to_resource();
        if body.schemas().next().is_none() {
            body.add_schema(urn::SEARCH_REQUEST);
        }
        request(Method::POST, url, Some(to_body(&body)?), None, None)
    }
}

/// The URL query string of a list query (RFC 7644 §3.4.2), e.g.
/// `filter=userName%20eq%20%22bjensen%22&count=10`; unset fields are not sent. The
/// RFC 9865 `cursor` is sent when set, even empty (which asks for the first page).
pub fn query_string(query: &SearchRequest) -> QueryString {
    let mut q = QueryString::default();
    q.opt("filter", query.filter.as_deref());
    q.opt("sortBy", query.sort_by.as_deref());
    q.opt(
        "sortOrder",
        query.sort_order.as_ref().map(SortOrder::as_str),
    );
    q.opt(
        "startIndex",
        query.start_index.map(|n| n.to_string()).as_deref(),
    );
    q.opt("count", query.count.map(|n| n.to_string()).as_deref());
    q.opt("cursor", query.cursor.as_deref());
    q.list(
        "attributes",
        query.attributes.as_deref().unwrap_or_default(),
    );
    q.list(
        "excludedAttributes",
        query.excluded_attributes.as_deref().unwrap_or_default(),
    );
    q
}

/// A URL query string under construction; every name and value is percent-encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryString(String);

impl QueryString {
    /// Appends `name=value`.
    pub fn push(&mut self, name: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        encode_into(&mut self.0, name, QUERY_COMPONENT);
        self.0.push('=');
        encode_into(&mut self.0, value, QUERY_COMPONENT);
    }

    fn opt(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(name, v);
        }
    }

    /// RFC 7644 §3.4.2.5: attribute names are "a multi-valued list of strings
    /// indicating the names of resource attributes" sent comma-separated.
    fn list(&mut self, name: &str, values: &[String]) {
        if !values.is_empty() {
            self.push(name, &values.join(","));
        }
    }

    /// The encoded text, without the leading `?`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn append_to(&self, url: &mut String) {
        if !self.0.is_empty() {
            url.push('?');
            url.push_str(&self.0);
        }
    }
}

/// Which bytes are kept as they are in a path segment: RFC 3986 unreserved characters.
const PATH_SEGMENT: &[bool; 256] = &kept_bytes(b"-._~");
/// Which bytes are kept in a query component: the unreserved characters and a few
/// sub-delimiters that cannot end a component (`,` keeps attribute lists readable).
/// Space is `%20`, never `+`; `+`, `&`, `=`, `"`, `[`, `]` are always encoded.
const QUERY_COMPONENT: &[bool; 256] = &kept_bytes(b"-._~,:");

/// Percent-encodes `text` as one URL query (or `application/x-www-form-urlencoded`)
/// component: every byte but the RFC 3986 unreserved characters, `,` and `:` becomes
/// `%XX`, so a space is `%20` and `+`, `&`, `=` never change the query's structure.
pub fn encode_query_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text, QUERY_COMPONENT);
    out
}

/// A table of the bytes kept as they are: ASCII letters and digits, and `also`. A table
/// look-up per byte, not a call.
const fn kept_bytes(also: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < also.len() {
        table[also[i] as usize] = true;
        i += 1;
    }
    table
}

/// Percent-encodes `text` (as UTF-8) into `out`, keeping the bytes `keep` marks.
/// Runs of kept bytes (all of an ordinary id) are copied at once, not byte by byte.
fn encode_into(out: &mut String, text: &str, keep: &[bool; 256]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !keep[b as usize] {
            // `keep` accepts ASCII only: a non-empty run starts and ends next to ASCII
            // bytes, so on character boundaries.
            if start < i {
                out.push_str(&text[start..i]);
            }
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
            start = i + 1;
        }
    }
    out.push_str(&text[start..]);
}

fn to_body(body: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| Error::InvalidInput(format!("cannot encode body: {e}")))
}

/// One request with the SCIM headers: `Accept` always, `Content-Type` with a body.
///
/// Built field by field rather than with `http::request::Builder`, and the URL taken by
/// value, so that the `Uri` is parsed in place from the `String`'s buffer rather than
/// from a copy. A URL that does not parse (which the encoding above rules out) is
/// reported without its text: its query may hold personal data.
fn request(
    method: Method,
    url: String,
    body: Option<Vec<u8>>,
    if_match: Option<&ETag>,
    if_none_match: Option<&ETag>,
) -> Result<Request<Vec<u8>>> {
    let uri = http::Uri::try_from(url)
        .map_err(|e| Error::InvalidInput(format!("cannot build a request: invalid URL ({e})")))?;
    let has_body = body.is_some();
    let mut request = Request::new(body.unwrap_or_default());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_VALUE));
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    }
    // RFC 7644 §3.14: "clients MAY use the If-Match header to specify the version".
    if let Some(tag) = if_match {
        headers.insert(IF_MATCH, etag_header(tag)?);
    }
    if let Some(tag) = if_none_match {
        headers.insert(IF_NONE_MATCH, etag_header(tag)?);
    }
    Ok(request)
}

fn etag_header(tag: &ETag) -> Result<HeaderValue> {
    HeaderValue::from_str(&tag.to_string())
        .map_err(|_| Error::InvalidInput(format!("invalid entity tag {tag}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://example.com/scim/v2/").unwrap()
    }

    #[test]
    fn base_url_is_validated_and_normalized() {
        assert_eq!(base().as_str(), "https://example.com/scim/v2");
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://u:p@example.com",
            "https://x/?a=1",
            "https://x/#f",
            "",
        ] {
            let e = BaseUrl::parse(bad).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InvalidInput, "{bad}");
            assert!(!e.to_string().contains("u:p"), "{e}");
        }
    }

    #[test]
    fn ids_are_one_encoded_path_segment() {
        let users = base().endpoint("Users").unwrap();
        assert_eq!(
            users.resource_url("a/b c?d"),
            "https://example.com/scim/v2/Users/a%2Fb%20c%3Fd"
        );
        assert_eq!(users.resource_url(""), "https://example.com/scim/v2/Users");
        assert!(base().endpoint("/Users?x=1").is_err());
        assert!(base().endpoint("/../admin").is_err());
        assert_eq!(
            base().endpoint("/").unwrap().url(),
            "https://example.com/scim/v2"
        );
    }

    /// RFC 3986 §2.3: "unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"" are kept;
    /// every other byte, ASCII or part of a UTF-8 sequence, is `%XX` (upper-case hex).
    #[test]
    fn percent_encoding_keeps_exactly_the_unreserved_bytes() {
        for b in 0u8..=127 {
            let c = char::from(b);
            let text = format!("a{c}b{c}");
            let kept = b.is_ascii_alphanumeric() || b"-._~,:".contains(&b);
            let expected = if kept {
                text.clone()
            } else {
                format!("a%{b:02X}b%{b:02X}")
            };
            assert_eq!(encode_query_component(&text), expected, "{b}");
            let users = base().endpoint("/Users").unwrap();
            let in_path = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
            let expected = if in_path {
                format!("https://example.com/scim/v2/Users/{text}")
            } else {
                format!("https://example.com/scim/v2/Users/a%{b:02X}b%{b:02X}")
            };
            assert_eq!(users.resource_url(&text), expected, "{b}");
        }
        assert_eq!(encode_query_component("é€x"), "%C3%A9%E2%82%ACx");
        assert_eq!(encode_query_component("x€"), "x%E2%82%AC");
        assert_eq!(encode_query_component(""), "");
    }

    /// RFC 7644 §3.4.2.2: filter values are JSON strings inside the query parameter; the
    /// brackets, quotes, spaces, `+` and `&` must reach the server unchanged.
    #[test]
    fn filters_are_percent_encoded() {
        let q = SearchRequest {
            filter: Some(
                r#"emails[type eq "work" and value co "a+b&c"] and name.givenName eq "Zoë""#.into(),
            ),
            count: Some(10),
            attributes: Some(vec!["userName".into(), "emails".into()]),
            ..SearchRequest::default()
        };
        assert_eq!(
            query_string(&q).as_str(),
            "filter=emails%5Btype%20eq%20%22work%22%20and%20value%20co%20%22a%2Bb%26c%22%5D%20and%20name.givenName%20eq%20%22Zo%C3%AB%22\
             &count=10&attributes=userName,emails"
        );
    }

    #[test]
    fn requests_carry_scim_headers_and_versions() {
        let users = base().endpoint("/Users").unwrap();
        let tag = ETag::weak("3");
        let req = users
            .replace("1", &serde_json::json!({"userName": "x"}), Some(&tag))
            .unwrap();
        assert_eq!(req.method(), Method::PUT);
        assert_eq!(req.headers()[IF_MATCH], "W/\"3\"");
        assert_eq!(req.headers()[CONTENT_TYPE], SCIM_JSON);
        assert_eq!(req.body(), br#"{"userName":"x"}"#);
        let req = users
            .get("1", &["userName".into()], &[], Some(&tag))
            .unwrap();
        assert_eq!(
            req.uri(),
            "https://example.com/scim/v2/Users/1?attributes=userName"
        );
        assert_eq!(req.headers()[IF_NONE_MATCH], "W/\"3\"");
        assert!(req.headers().get(CONTENT_TYPE).is_none());
        let req = users
            .search(&SearchRequest {
                filter: Some("userName sw \"j\"".into()),
                start_index: Some(1),
                ..SearchRequest::default()
            })
            .unwrap();
        assert_eq!(req.uri(), "https://example.com/scim/v2/Users/.search");
        let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"schemas": [urn::SEARCH_REQUEST], "filter": "userName sw \"j\"", "startIndex": 1})
        );
    }
}
