//! Lists and searches: filters, sorting, attribute selection, index and cursor
//! pagination.

use std::collections::HashSet;

use reqwest::Method;
use scim_testkit::{Capabilities, Config, Faults};
use serde_json::{json, Value};

use crate::{assert_error, Api};

fn seeded(users: usize, groups: usize) -> Api {
    Api::start(Config {
        seed_users: users,
        seed_groups: groups,
        ..Config::default()
    })
}

fn names(r: &Value) -> Vec<String> {
    r["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// RFC 7644 §3.4.2.4: "startIndex ... The 1-based index of the first query result. A
/// value less than 1 SHALL be interpreted as 1." and "count ... A negative value SHALL be
/// interpreted as "0". A value of "0" indicates that no resource results are to be
/// returned except for "totalResults"."
#[test]
fn index_pagination_follows_start_index_and_count() {
    let api = seeded(25, 0);
    let p1 = api.get("/Users?startIndex=0&count=10").body;
    assert_eq!(
        (
            p1["totalResults"].clone(),
            p1["itemsPerPage"].clone(),
            p1["startIndex"].clone()
        ),
        (json!(25), json!(10), json!(1))
    );
    assert_eq!(names(&p1)[0], "user000001");
    let p3 = api.get("/Users?startIndex=21&count=10").body;
    assert_eq!(p3["itemsPerPage"], 5);
    assert_eq!(names(&p3).last().unwrap(), "user000025");
    let none = api.get("/Users?count=-3").body;
    assert_eq!(
        (none["totalResults"].clone(), none["Resources"].clone()),
        (json!(25), json!([]))
    );
    let past = api.get("/Users?startIndex=100").body;
    assert_eq!(past["Resources"], json!([]));
    assert_error(&api.get("/Users?startIndex=abc"), 400, Some("invalidValue"));
}

#[test]
fn page_size_defaults_and_is_clamped_to_the_maximum() {
    let api = Api::start(Config {
        seed_users: 30,
        capabilities: Capabilities {
            default_page_size: 7,
            max_page_size: 12,
            max_results: 20,
            ..Capabilities::default()
        },
        ..Config::default()
    });
    assert_eq!(api.get("/Users").body["itemsPerPage"], 7);
    assert_eq!(api.get("/Users?count=100").body["itemsPerPage"], 12);
    api.server.set_capabilities(Capabilities {
        max_results: 5,
        ..Capabilities::default()
    });
    assert_eq!(api.get("/Users?count=100").body["itemsPerPage"], 5);
}

/// RFC 9865 §2: "Service providers supporting cursor-based pagination MUST include
/// `nextCursor` in all paged query responses except when returning the last page."
#[test]
fn cursor_pagination_walks_every_resource_once() {
    let api = seeded(25, 0);
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let r = api.get(&format!(
            "/Users?count=10&cursor={cursor}&attributes=userName"
        ));
        assert_eq!(r.status, 200, "{:?}", r.body);
        pages += 1;
        assert_eq!(r.body["totalResults"], 25);
        assert!(r.body.get("startIndex").is_none());
        if pages == 2 {
            assert!(r.body["previousCursor"].is_string());
        }
        seen.extend(names(&r.body));
        match r.body.get("nextCursor").and_then(Value::as_str) {
            Some(c) => {
                assert!(c
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)));
                cursor = c.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
}

/// RFC 9865 §2.1: "invalidCursor: Cursor value is invalid"; "expiredCursor: Cursor has
/// expired"; and the client "MUST query the same service provider endpoint with all query
/// parameters and values being identical to the initial query with the exception of the
/// cursor value".
#[test]
fn bad_cursors_are_invalid_or_expired() {
    let api = seeded(5, 0);
    let first = api.get("/Users?count=2&cursor=").body;
    let next = first["nextCursor"].as_str().unwrap();
    let f = enc("userName sw \"user\"");
    assert_error(
        &api.get(&format!("/Users?count=2&cursor={next}&filter={f}")),
        400,
        Some("invalidCursor"),
    );
    assert_error(
        &api.get("/Users?count=2&cursor=garbage"),
        400,
        Some("invalidCursor"),
    );
    assert_error(
        &api.get("/Groups?count=2&cursor=0.0"),
        400,
        Some("expiredCursor"),
    );
    assert_error(
        &api.get(&format!("/Groups?count=2&cursor={next}")),
        400,
        Some("invalidCursor"),
    );
    assert_error(
        &api.get("/Users?count=two&cursor="),
        400,
        Some("invalidCount"),
    );
    // Expiry: a zero timeout makes every cursor stale at once.
    api.server.set_capabilities(Capabilities {
        cursor_timeout_secs: 0,
        ..Capabilities::default()
    });
    let c = api.get("/Users?count=2&cursor=").body["nextCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_error(
        &api.get(&format!("/Users?count=2&cursor={c}")),
        400,
        Some("expiredCursor"),
    );
}

#[test]
fn cursors_are_stable_while_resources_come_and_go() {
    let api = seeded(6, 0);
    let p1 = api.get("/Users?count=3&cursor=").body;
    let next = p1["nextCursor"].as_str().unwrap().to_owned();
    api.create_user("late");
    let ids: Vec<String> = api.get("/Users?count=10").body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(api.delete(&format!("/Users/{}", ids[4])).status, 204);
    let p2 = api.get(&format!("/Users?count=3&cursor={next}")).body;
    assert_eq!(names(&p2), ["user000004", "user000006"]);
    assert!(p2.get("nextCursor").is_none());
}

/// RFC 9865 §2.5: "A service provider MAY require cursor-based pagination to retrieve all
/// results for a query by including a `nextCursor` value in the response even when the
/// query does not include the `cursor` parameter."
#[test]
fn cursor_only_servers_page_by_cursor_and_refuse_start_index() {
    let api = Api::start(Config {
        seed_users: 5,
        capabilities: Capabilities::cursor_only(),
        ..Config::default()
    });
    let r = api.get("/Users?count=2").body;
    assert!(r["nextCursor"].is_string());
    assert!(r.get("startIndex").is_none());
    assert!(api.get("/Users?count=2&startIndex=1").body["nextCursor"].is_string());
    assert_error(
        &api.get("/Users?count=2&startIndex=3"),
        400,
        Some("invalidValue"),
    );
    let spc = api.get("/ServiceProviderConfig").body;
    assert_eq!(spc["pagination"]["index"], false);
    assert_eq!(spc["pagination"]["defaultPaginationMethod"], "cursor");
    // And an index-only server refuses cursors.
    api.server.set_capabilities(Capabilities {
        cursor: false,
        ..Capabilities::default()
    });
    assert_error(&api.get("/Users?cursor="), 400, Some("invalidValue"));
}

#[test]
fn a_server_that_ignores_start_index_repeats_the_first_page() {
    let api = seeded(10, 0);
    api.server.set_faults(Faults {
        ignore_start_index: true,
        ..Faults::default()
    });
    let r = api.get("/Users?startIndex=6&count=5").body;
    assert_eq!(r["startIndex"], 1);
    assert_eq!(names(&r)[0], "user000001");
}

/// RFC 7644 §3.4.2.2: filters select the resources listed; errors are 400
/// "invalidFilter".
#[test]
fn filters_select_with_scim_core_semantics() {
    let api = seeded(20, 2);
    let q = |f: &str| api.get(&format!("/Users?count=100&filter={}", enc(f)));
    assert_eq!(
        names(&q(r#"userName eq "USER000007""#).body),
        ["user000007"]
    );
    assert_eq!(q(r#"userName sw "user00001""#).body["totalResults"], 10);
    assert_eq!(
        q(r#"emails[type eq "work" and value co "000003"]"#).body["totalResults"],
        1
    );
    assert_eq!(
        q(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "dept-2""#)
            .body["totalResults"],
        2
    );
    assert_eq!(
        q("active eq true and not (name.givenName ew \"1\")").body["totalResults"],
        8
    );
    let group = api.get("/Groups?count=1").body["Resources"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        q(&format!(r#"groups.value eq "{group}""#)).body["totalResults"],
        10
    );
    assert_eq!(q(r#"userName eq "nobody""#).body["totalResults"], 0);
    assert_error(&q("userName eq"), 400, Some("invalidFilter"));
    assert_error(&q("active gt true"), 400, Some("invalidFilter"));
    api.server.set_capabilities(Capabilities {
        filter: false,
        ..Capabilities::default()
    });
    assert_error(&q("active eq true"), 501, None);
}

/// RFC 7644 §3.4.2.3: "sortOrder ... If "sortBy" is provided and "sortOrder" is not
/// specified, "sortOrder" SHALL default to ascending."
#[test]
fn sorting_orders_results_across_pages() {
    let api = seeded(12, 0);
    let desc = api
        .get("/Users?sortBy=userName&sortOrder=descending&count=5")
        .body;
    assert_eq!(names(&desc)[..2], ["user000012", "user000011"]);
    let page2 = api
        .get("/Users?sortBy=userName&sortOrder=descending&count=5&startIndex=6")
        .body;
    assert_eq!(names(&page2)[0], "user000007");
    let by_dept = api.get("/Users?sortBy=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department&count=12&attributes=userName").body;
    // Odd users have no department: last when ascending.
    assert_eq!(
        names(&by_dept)[..3],
        ["user000010", "user000002", "user000012"]
    );
    assert_eq!(names(&by_dept)[6..8], ["user000001", "user000003"]);
    assert_error(
        &api.get("/Users?sortBy=userName&sortOrder=sideways"),
        400,
        Some("invalidValue"),
    );
    api.server.set_capabilities(Capabilities {
        sort: false,
        ..Capabilities::default()
    });
    assert_error(&api.get("/Users?sortBy=userName"), 501, None);
}

/// RFC 7644 §3.4.2.5: "attributes" and "excludedAttributes" shape each listed resource.
#[test]
fn attributes_and_excluded_attributes_apply_to_lists() {
    let api = seeded(2, 0);
    let r = api.get("/Users?attributes=userName,name.givenName").body;
    let u = &r["Resources"][0];
    let keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["schemas", "id", "userName", "name"]);
    assert_eq!(u["name"], json!({"givenName": "Given1"}));
    let r = api.get("/Users?excludedAttributes=emails,meta,name").body;
    let u = &r["Resources"][1];
    assert!(u.get("emails").is_none() && u.get("meta").is_none() && u.get("name").is_none());
    assert!(u
        .get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        .is_some());
}

/// RFC 7644 §3.4.3: "Clients MAY execute queries without passing parameters on the URL
/// by using the HTTP POST verb combined with the "/.search" path extension"; at the root,
/// every resource type is searched (§3.4.2.1).
#[test]
fn search_by_post_per_type_and_at_the_root() {
    let api = seeded(4, 2);
    let body = json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "userName ge \"user000002\"", "sortBy": "userName", "sortOrder": "descending",
        "attributes": ["userName"], "startIndex": 1, "count": 2
    });
    let r = api.post("/Users/.search", body);
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["totalResults"], 3);
    assert_eq!(names(&r.body), ["user000004", "user000003"]);
    let all = api.post(
        "/.search",
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "count": 100}),
    );
    assert_eq!(all.body["totalResults"], 6);
    let groups = api.post("/.search", json!({"filter": "members pr", "cursor": ""}));
    assert_eq!(groups.body["totalResults"], 2);
    let root = api.get(&format!(
        "/?filter={}",
        enc("meta.resourceType eq \"Group\"")
    ));
    assert_eq!(root.body["totalResults"], 2);
    assert_error(
        &api.send(Method::POST, "/Users/.search", None, &[]),
        400,
        Some("invalidSyntax"),
    );
    assert_error(
        &api.post("/Users/.search", json!({"count": [1]})),
        400,
        Some("invalidSyntax"),
    );
}

/// A listed resource is written straight from the store; it must equal what a single read
/// returns (derived `groups`, no `password`, `meta.version` only with ETags on).
#[test]
fn listed_resources_equal_their_single_reads() {
    let api = seeded(6, 2);
    let mut body = crate::user("with-password");
    body["password"] = json!("secret");
    assert_eq!(api.post("/Users", body).status, 201);
    for etag in [true, false] {
        api.server.set_capabilities(Capabilities {
            etag,
            ..Capabilities::default()
        });
        for path in ["/Users?count=100", "/Groups?count=100", "/?count=100"] {
            let list = api.get(path).body;
            for r in list["Resources"].as_array().unwrap() {
                let single = api.get(
                    r["meta"]["location"]
                        .as_str()
                        .unwrap()
                        .split("/v2")
                        .nth(1)
                        .unwrap(),
                );
                assert_eq!(r, &single.body);
                assert!(r.get("password").is_none());
                assert_eq!(r["meta"].get("version").is_some(), etag);
            }
        }
    }
}
