//! The exact request of every client call, against wiremock. A catch-all mock answers
//! any request no test expected with a body naming it, and fails the test when the
//! server is dropped.

use std::time::Duration;

use futures_util::TryStreamExt;
use scim_core::client::Client;
use scim_core::protocol::RetryPolicy;
use scim_core::resource::{Member, PatchOp, PatchOperation, ServiceProviderConfig, SortOrder};
use scim_core::{ETag, Group, Resource, ScimObject, User};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "t0ps3cr3t-token";

/// Answers what no other mock matched with 418 and a body naming the request.
struct Unexpected;

impl Respond for Unexpected {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        ResponseTemplate::new(418).set_body_string(format!(
            "unexpected request: {} {}",
            request.method, request.url
        ))
    }
}

/// A mock server with the catch-all mock (expected never to be hit).
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Unexpected)
        .with_priority(u8::MAX)
        .named("catch-all: a request no test expected")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// A client of `server` with a bearer token and no retry delays worth waiting for.
pub fn client(server: &MockServer) -> Client {
    Client::builder(format!("{}/scim/v2", server.uri()))
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// Matches the raw (still percent-encoded) query string exactly.
pub struct RawQuery(pub &'static str);

impl Match for RawQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query() == Some(self.0)
    }
}

/// Matches a header's raw value exactly (wiremock's `header` splits on commas).
pub struct RawHeader(pub &'static str, pub &'static str);

impl Match for RawHeader {
    fn matches(&self, request: &Request) -> bool {
        request.headers.get(self.0).and_then(|v| v.to_str().ok()) == Some(self.1)
    }
}

/// Matches a request without the header.
pub struct NoHeader(pub &'static str);

impl Match for NoHeader {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key(self.0)
    }
}

pub fn scim_json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/scim+json")
}

/// RFC 7643 §8.2-style user as a server returns it.
pub fn bjensen(id: &str, version: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": id,
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "meta": {"resourceType": "User", "version": version,
                 "location": format!("https://example.com/v2/Users/{id}")}
    })
}

/// RFC 7644 §3.3: "When the service provider successfully creates the new resource, an
/// HTTP response SHALL be returned with HTTP status code 201 (Created)."
#[tokio::test]
async fn create_posts_the_resource_with_scim_headers() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/Users"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/scim+json"))
        .and(RawHeader(
            "accept",
            "application/scim+json, application/json;q=0.9",
        ))
        .and(header("user-agent", scim_core::client::DEFAULT_USER_AGENT))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "bjensen"
        })))
        .respond_with(scim_json(201, bjensen("2819c223", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server)
        .users()
        .create(&User::new("bjensen"))
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("2819c223"));
    assert_eq!(created.name.unwrap().given_name.as_deref(), Some("Barbara"));
}

/// RFC 7644 §3.4.2.5: "attributes ... excludedAttributes" on a GET of one resource;
/// §3.14: "If-None-Match" with a 304 answer when unchanged.
#[tokio::test]
async fn get_sends_attributes_and_if_none_match() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/a%2Fb"))
        .and(RawQuery(
            "attributes=userName,name.givenName&excludedAttributes=groups",
        ))
        .and(NoHeader("if-none-match"))
        .respond_with(scim_json(200, bjensen("a/b", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/2819c223"))
        .and(header("if-none-match", "W/\"1\""))
        .respond_with(ResponseTemplate::new(304))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/2819c223"))
        .and(header("if-none-match", "W/\"0\""))
        .respond_with(scim_json(200, bjensen("2819c223", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let user = c
        .users()
        .get("a/b")
        .attributes(["userName", "name.givenName"])
        .excluded_attributes(["groups"])
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_name.as_deref(), Some("bjensen"));
    let unchanged = c
        .users()
        .get("2819c223")
        .send_if_none_match(&ETag::weak("1"))
        .await
        .unwrap();
    assert!(unchanged.is_none());
    let changed = c
        .users()
        .get("2819c223")
        .send_if_none_match(&ETag::weak("0"))
        .await
        .unwrap();
    assert!(changed.is_some());
    assert_eq!(
        c.users().get("").send().await.unwrap_err().code(),
        scim_core::ErrorCode::InvalidInput
    );
}

/// RFC 7644 §3.14: "clients MAY use the If-Match header ... the service provider
/// returns ... 412 (Precondition Failed)" when the version does not match.
#[tokio::test]
async fn replace_sends_if_match_from_meta_version_and_412_is_its_own_error() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path("/scim/v2/Users/2819c223"))
        .and(header("if-match", "W/\"1\""))
        .respond_with(scim_json(
            412,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                   "status": "412", "detail": "version mismatch"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let user =
        User::from_resource(Resource::from_value(bjensen("2819c223", "W/\"1\"")).unwrap()).unwrap();
    let e = client(&server)
        .users()
        .replace("2819c223", &user)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_precondition_failed(), "{e}");
    assert_eq!(e.to_string(), "SCIM error 412: version mismatch");
}

/// RFC 7644 §3.5.2: "the server either MUST return a 200 OK response code and the entire
/// resource within the response body ... or ... 204 No Content".
#[tokio::test]
async fn patch_handles_200_with_body_and_204() {
    let server = server().await;
    let op = || {
        PatchOp::new(vec![PatchOperation::replace(
            Some(r#"emails[type eq "work"].value"#),
            json!("b@example.com"),
        )])
    };
    let expected_body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "b@example.com"}]
    });
    Mock::given(method("PATCH"))
        .and(path("/scim/v2/Users/1"))
        .and(header("content-type", "application/scim+json"))
        .and(body_json(expected_body.clone()))
        .respond_with(scim_json(200, bjensen("1", "W/\"2\"")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/scim/v2/Users/2"))
        .and(header("if-match", "\"7\""))
        .and(body_json(expected_body))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let patched = c.users().patch("1", op()).send().await.unwrap();
    assert_eq!(patched.unwrap().id.as_deref(), Some("1"));
    let none = c
        .users()
        .patch("2", op())
        .if_match(ETag::strong("7"))
        .send()
        .await
        .unwrap();
    assert!(none.is_none());
}

/// RFC 7644 §3.6: "In response to a successful DELETE, the server SHALL return a
/// successful HTTP status code 204 (No Content)."
#[tokio::test]
async fn delete_sends_if_match_when_given() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path("/scim/v2/Groups/g1"))
        .and(header("if-match", "W/\"3\""))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/scim/v2/Groups/g2"))
        .and(NoHeader("if-match"))
        .respond_with(scim_json(
            404,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "404", "detail": "Resource g2 not found"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    c.groups()
        .delete("g1")
        .if_match(ETag::weak("3"))
        .send()
        .await
        .unwrap();
    let e = c.groups().delete("g2").send().await.unwrap_err();
    assert!(e.is_not_found());
}

/// RFC 7644 §3.4.2.2: the filter's brackets, quotes, spaces, `+`, `&` and non-ASCII
/// characters are percent-encoded in the query; §3.4.2.3/§3.4.2.4 parameters follow.
#[tokio::test]
async fn list_encodes_filter_and_paging_parameters() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(RawQuery(
            "filter=emails%5Btype%20eq%20%22work%22%20and%20value%20co%20%22a%2Bb%26c%22%5D%20or%20name.familyName%20eq%20%22Jos%C3%A9%22\
             &sortBy=userName&sortOrder=descending&startIndex=11&count=5&attributes=userName",
        ))
        .respond_with(scim_json(
            200,
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                   "totalResults": 12, "startIndex": 11, "itemsPerPage": 1,
                   "Resources": [bjensen("1", "W/\"1\"")]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .users()
        .list()
        .filter(r#"emails[type eq "work" and value co "a+b&c"] or name.familyName eq "José""#)
        .sort_by("userName")
        .sort_order(SortOrder::Descending)
        .start_index(11)
        .count(5)
        .attributes(["userName"])
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_results, Some(12));
    assert_eq!(page.resources[0].user_name.as_deref(), Some("bjensen"));
}

/// A filter built with the builder escapes the untrusted value and is sent in its
/// canonical form, percent-encoded (backslashes and quotes included).
#[tokio::test]
async fn list_accepts_a_built_filter() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .and(RawQuery(
            "filter=userName%20eq%20%22a%20%5C%22b%5C%22%20%26%20c%2Bd%22%20and%20title%20pr",
        ))
        .respond_with(scim_json(200, json!({"totalResults": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let filter = scim_core::Filter::eq("userName", r#"a "b" & c+d"#)
        .unwrap()
        .and(scim_core::Filter::pr("title").unwrap());
    let page = client(&server)
        .users()
        .list()
        .filter(&filter)
        .send()
        .await
        .unwrap();
    assert!(page.resources.is_empty());
}

/// RFC 7644 §3.4.3: "Clients MAY execute queries without passing parameters on the URL
/// by using the HTTP POST verb combined with the "/.search" path extension."
#[tokio::test]
async fn search_posts_a_search_request_on_an_endpoint_and_at_the_root() {
    let server = server().await;
    let page = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                      "totalResults": 0, "Resources": []});
    Mock::given(method("POST"))
        .and(path("/scim/v2/Groups/.search"))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "displayName sw \"Tour\"", "count": 10
        })))
        .respond_with(scim_json(200, page.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/scim/v2/.search"))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "meta.resourceType eq \"User\"", "attributes": ["id"]
        })))
        .respond_with(scim_json(200, page))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let groups = c
        .groups()
        .search()
        .filter(r#"displayName sw "Tour""#)
        .count(10)
        .send()
        .await
        .unwrap();
    assert!(groups.resources.is_empty());
    let all = c
        .search()
        .filter(r#"meta.resourceType eq "User""#)
        .attributes(["id"])
        .send()
        .await
        .unwrap();
    assert_eq!(all.total_results, Some(0));
}

fn list_page(ids: &[&str], total: u64, start: u64) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": total, "startIndex": start, "itemsPerPage": ids.len(),
        "Resources": ids.iter().map(|id| bjensen(id, "W/\"1\"")).collect::<Vec<_>>()
    })
}

/// RFC 7644 §3.4.2.4: pages are walked with startIndex until totalResults; a server
/// that caps the page below `count` does not end the walk early.
#[tokio::test]
async fn iter_walks_index_pages_until_total_results() {
    let server = server().await;
    for (query, ids, start) in [
        ("startIndex=1&count=3", vec!["a", "b"], 1),
        ("startIndex=3&count=3", vec!["c", "d"], 3),
        ("startIndex=5&count=3", vec!["e"], 5),
    ] {
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .and(RawQuery(query))
            .respond_with(scim_json(200, list_page(&ids, 5, start)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let ids: Vec<String> = client(&server)
        .users()
        .iter()
        .count(3)
        .map_ok(|u| u.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
}

/// A server that ignores startIndex answers the first page again: the iterator stops
/// with an error after the first page instead of looping or repeating resources.
#[tokio::test]
async fn iter_stops_with_an_error_when_the_server_ignores_start_index() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users"))
        .respond_with(scim_json(200, list_page(&["a", "b"], 10, 1)))
        .expect(2)
        .mount(&server)
        .await;
    let mut iter = client(&server).users().iter();
    let mut seen = Vec::new();
    let error = loop {
        match iter.try_next().await {
            Ok(Some(u)) => seen.push(u.id.unwrap_or_default()),
            Ok(None) => panic!("the walk ended without noticing the repeated page"),
            Err(e) => break e,
        }
    };
    assert_eq!(seen, ["a", "b"]);
    assert!(
        error.to_string().contains("ignored startIndex=3"),
        "{error}"
    );
    assert!(iter.try_next().await.unwrap().is_none());
}

/// RFC 9865: with cursor pagination configured, the first request carries an empty
/// `cursor`, each next one the previous page's `nextCursor`; no nextCursor ends it.
#[tokio::test]
async fn iter_follows_rfc9865_cursors_from_the_service_provider_config() {
    let server = server().await;
    let config = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": true}, "bulk": {"supported": false},
        "filter": {"supported": true, "maxResults": 2},
        "changePassword": {"supported": false}, "sort": {"supported": false},
        "etag": {"supported": true},
        "pagination": {"cursor": true, "index": false, "maxPageSize": 2},
        "authenticationSchemes": []
    });
    Mock::given(method("GET"))
        .and(path("/scim/v2/ServiceProviderConfig"))
        .respond_with(scim_json(200, config))
        .expect(1)
        .mount(&server)
        .await;
    let cursor_page = |ids: &[&str], next: Option<&str>| {
        let mut v = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                           "itemsPerPage": ids.len(),
                           "Resources": ids.iter().map(|id| bjensen(id, "W/\"1\"")).collect::<Vec<_>>()});
        if let Some(n) = next {
            v["nextCursor"] = json!(n);
        }
        v
    };
    for (query, ids, next) in [
        (
            "filter=active%20eq%20true&count=2&cursor=",
            vec!["a", "b"],
            Some("c+2/="),
        ),
        (
            "filter=active%20eq%20true&count=2&cursor=c%2B2%2F%3D",
            vec!["c"],
            None,
        ),
    ] {
        Mock::given(method("GET"))
            .and(path("/scim/v2/Users"))
            .and(RawQuery(query))
            .respond_with(scim_json(200, cursor_page(&ids, next)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let config = c.service_provider_config().await.unwrap();
    assert!(config.cursor_pagination_supported());
    // count 50 is clamped to the server's maxPageSize of 2.
    let ids: Vec<String> = c
        .users()
        .iter()
        .filter("active eq true")
        .count(50)
        .map_ok(|u| u.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    // Sort is unsupported: refused locally, no request sent (the catch-all would see it).
    let e = c
        .users()
        .list()
        .sort_by("userName")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), scim_core::ErrorCode::Unsupported, "{e}");
}

/// RFC 7643 §5: "patch ... supported"; "changePassword ... supported"; "etag ...
/// supported". With them false, the calls fail locally, and nothing is sent.
#[tokio::test]
async fn unsupported_features_fail_locally() {
    let server = server().await;
    let config = ServiceProviderConfig::from_resource(
        Resource::from_value(json!({
            "patch": {"supported": false}, "changePassword": {"supported": false},
            "etag": {"supported": false}, "filter": {"supported": false}
        }))
        .unwrap(),
    )
    .unwrap();
    let c = Client::builder(server.uri())
        .service_provider_config(&config)
        .build()
        .unwrap();
    let op = PatchOp::new(vec![PatchOperation::replace(Some("active"), json!(false))]);
    let e = c.users().patch("1", op).send().await.unwrap_err();
    assert_eq!(e.code(), scim_core::ErrorCode::Unsupported);
    assert!(e.to_string().contains("patch.supported = false"), "{e}");
    let e = c
        .users()
        .delete("1")
        .if_match(ETag::weak("1"))
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("etag"), "{e}");
    let e = c
        .users()
        .list()
        .filter("userName pr")
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("filter"), "{e}");
    let mut user = User::new("bjensen");
    user.password = Some("n3w".into());
    let e = c.users().replace("1", &user).send().await.unwrap_err();
    assert!(e.to_string().contains("changePassword"), "{e}");
}

/// RFC 7644 §3.7: bulkId references ("bulkId:qwerty") let a later operation use the
/// resource an earlier one creates; operations are reordered so that references
/// resolve, and split by maxOperations with the created id substituted across requests.
#[tokio::test]
async fn bulk_orders_by_reference_splits_and_substitutes_ids() {
    let server = server().await;
    // Request 1: the user (referenced) goes first although it was added second.
    Mock::given(method("POST"))
        .and(path("/scim/v2/Bulk"))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "failOnErrors": 2,
            "Operations": [{"method": "POST", "bulkId": "u1", "path": "/Users",
                            "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "alice"}}]
        })))
        .respond_with(scim_json(200, json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
            "Operations": [{"method": "POST", "bulkId": "u1", "status": "201",
                            "location": "https://example.com/v2/Users/92b7%2025"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    // Request 2: the group, with the reference replaced by the created id.
    Mock::given(method("POST"))
        .and(path("/scim/v2/Bulk"))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "failOnErrors": 2,
            "Operations": [{"method": "POST", "bulkId": "g1", "path": "/Groups",
                            "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                     "displayName": "Tour Guides",
                                     "members": [{"value": "92b7 25", "type": "User"}]}}]
        })))
        .respond_with(scim_json(200, json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
            "Operations": [{"method": "POST", "bulkId": "g1", "status": "409",
                            "response": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                                         "scimType": "uniqueness", "status": "409", "detail": "exists"}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut group = Group::new("Tour Guides");
    group.members = Some(vec![Member::user("bulkId:u1")]);
    let results = client(&server)
        .bulk()
        .create("g1", "/Groups", &group)
        .create("u1", "/Users", &User::new("alice"))
        .fail_on_errors(2)
        .max_operations(1)
        .send()
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].bulk_id.as_deref(), Some("g1"));
    match &results[0].outcome {
        scim_core::client::BulkOutcome::Failed(e) => assert!(e.is_conflict(), "{e}"),
        other => panic!("{other:?}"),
    }
    match &results[1].outcome {
        scim_core::client::BulkOutcome::Succeeded { id, status, .. } => {
            assert_eq!((id.as_deref(), *status), (Some("92b7 25"), 201));
        }
        other => panic!("{other:?}"),
    }
}

/// Without bulk support (RFC 7643 §5 "bulk ... supported": false), the same operations
/// run one request each, in reference order, with the created id substituted.
#[tokio::test]
async fn bulk_falls_back_to_one_request_per_operation() {
    let server = server().await;
    let config = ServiceProviderConfig::from_resource(
        Resource::from_value(json!({"bulk": {"supported": false}})).unwrap(),
    )
    .unwrap();
    Mock::given(method("POST"))
        .and(path("/Users"))
        .respond_with(scim_json(201, bjensen("u-1", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/Groups/g-9"))
        .and(body_json(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "u-1"}]}]
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(server.uri())
        .service_provider_config(&config)
        .build()
        .unwrap();
    let results = c
        .bulk()
        .patch(
            "/Groups/g-9",
            PatchOp::new(vec![PatchOperation::add(
                Some("members"),
                json!([{"value": "bulkId:u"}]),
            )]),
        )
        .create("u", "/Users", &User::new("bjensen"))
        .send()
        .await
        .unwrap();
    assert!(
        results.iter().all(|r| r.outcome.is_success()),
        "{results:?}"
    );
}

/// The read-modify-write helper retries on 412 with a fresh read.
#[tokio::test]
async fn update_rereads_and_retries_on_412() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(scim_json(200, bjensen("1", "W/\"2\"")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/scim/v2/Users/1"))
        .and(header("if-match", "W/\"1\""))
        .respond_with(scim_json(412, json!({"status": "412"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/scim/v2/Users/1"))
        .and(header("if-match", "W/\"2\""))
        .respond_with(scim_json(200, bjensen("1", "W/\"3\"")))
        .expect(1)
        .mount(&server)
        .await;
    let mut calls = 0;
    let updated = client(&server)
        .users()
        .update("1", |u| {
            calls += 1;
            u.title = Some("Tour Guide".into());
        })
        .await
        .unwrap();
    assert_eq!(calls, 2);
    assert_eq!(updated.meta.unwrap().version.as_deref(), Some("W/\"3\""));
    let put: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[3].body).unwrap();
    assert_eq!(put["title"], "Tour Guide");
}

/// RFC 7644 §3.11: "/Me" is the resource of the authenticated subject.
#[tokio::test]
async fn me_and_discovery_endpoints() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Me"))
        .respond_with(scim_json(200, bjensen("me", "W/\"1\"")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/ResourceTypes"))
        .respond_with(scim_json(200, json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1,
            "Resources": [{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                           "id": "User", "name": "User", "endpoint": "/Users",
                           "schema": "urn:ietf:params:scim:schemas:core:2.0:User"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    // A bare array, as some servers send.
    Mock::given(method("GET"))
        .and(path("/scim/v2/Schemas"))
        .respond_with(scim_json(
            200,
            json!([{
                "id": "urn:example:schemas:Device", "name": "Device",
                "attributes": [{"name": "serial", "type": "string", "caseExact": true}]
            }]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.me().get().await.unwrap().id(), Some("me"));
    let types = c.resource_types().await.unwrap();
    assert_eq!(types[0].endpoint.as_deref(), Some("/Users"));
    let registry = c.schema_registry().await.unwrap();
    let device = registry.schema("urn:example:schemas:Device").unwrap();
    assert!(device.attribute("SERIAL").unwrap().is_case_exact());
}

/// Nothing that prints a client, its errors or its requests shows a credential.
#[tokio::test]
async fn secrets_never_appear_in_debug_or_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/scim/v2/Users/1"))
        .respond_with(ResponseTemplate::new(401).set_body_string("<html>denied</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder(format!("{}/scim/v2", server.uri()))
        .basic_auth("admin", "pa55word")
        .header("X-Api-Key", "k3y-v4lue")
        .build()
        .unwrap();
    let e = c.users().get("1").send().await.unwrap_err();
    let shown = format!("{c:?} {e} {e:?}");
    for secret in ["pa55word", "k3y-v4lue", "YWRtaW46cGE1NXdvcmQ"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert_eq!(e.status(), Some(401));
    let c = client(&server);
    assert!(!format!("{c:?}").contains(TOKEN));
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    /// The blocking client sends the same requests; inside a runtime it refuses to
    /// block instead of panicking.
    #[test]
    fn blocking_client_gets_and_iterates() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let server = rt.block_on(server());
        rt.block_on(
            Mock::given(method("GET"))
                .and(path("/scim/v2/Users/1"))
                .respond_with(scim_json(200, bjensen("1", "W/\"1\"")))
                .expect(1)
                .mount(&server),
        );
        rt.block_on(
            Mock::given(method("GET"))
                .and(path("/scim/v2/Me"))
                .respond_with(scim_json(200, bjensen("me", "W/\"1\"")))
                .expect(1)
                .mount(&server),
        );
        rt.block_on(
            Mock::given(method("GET"))
                .and(path("/scim/v2/Users"))
                .and(RawQuery("startIndex=1"))
                .respond_with(scim_json(200, list_page(&["a", "b"], 2, 1)))
                .expect(1)
                .mount(&server),
        );
        let c = scim_core::client::blocking::Client::builder(format!("{}/scim/v2", server.uri()))
            .build_blocking()
            .unwrap();
        assert_eq!(c.users().get("1").send().unwrap().id.as_deref(), Some("1"));
        assert_eq!(c.me().get().unwrap().id(), Some("me"));
        let ids: Vec<String> = c
            .users()
            .iter()
            .map(|u| u.unwrap().id.unwrap_or_default())
            .collect();
        assert_eq!(ids, ["a", "b"]);
        let e = rt
            .block_on(async { c.users().get("1").send() })
            .unwrap_err();
        assert_eq!(e.code(), scim_core::ErrorCode::InvalidInput);
    }
}

/// Building a client (which builds its rustls configuration) installs no process-wide
/// rustls crypto provider: a library must leave that choice to the application.
#[test]
fn no_global_rustls_provider_is_installed() {
    let client = Client::builder("https://scim.example.com/v2")
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    drop(client);
}
