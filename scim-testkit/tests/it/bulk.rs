//! `/Bulk` (RFC 7644 §3.7).

use scim_testkit::{Capabilities, Config};
use serde_json::{json, Value};

use crate::{assert_error, Api};

const BULK: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

fn user_op(bulk_id: &str, name: &str) -> Value {
    json!({"method": "POST", "path": "/Users", "bulkId": bulk_id,
           "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}})
}

fn statuses(r: &Value) -> Vec<String> {
    r["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect()
}

/// RFC 7644 §3.7.2: "the service provider MUST try to resolve cross-references between
/// resources in a single bulk job" — here a group that references users created later in
/// the same request.
#[test]
fn bulk_ids_resolve_in_any_order() {
    let api = Api::default();
    let r = api.post(
        "/Bulk",
        json!({"schemas": [BULK], "Operations": [
            {"method": "POST", "path": "/Groups", "bulkId": "g",
             "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G",
                      "members": [{"type": "User", "value": "bulkId:a"}, {"type": "User", "value": "bulkId:b"}]}},
            user_op("a", "alice"),
            user_op("b", "bob"),
            {"method": "PATCH", "path": "/Users/bulkId:a", "data": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "nickName", "value": "Al"}]}},
        ]}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
    );
    let ops = r.body["Operations"].as_array().unwrap();
    // alice and bob ran first; the group waited for them.
    let order: Vec<&str> = ops
        .iter()
        .map(|o| o["bulkId"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(order, ["a", "b", "-", "g"]);
    let group = ops.iter().find(|o| o["bulkId"] == "g").unwrap();
    assert_eq!(group["status"], "201");
    assert!(group["location"].as_str().unwrap().contains("/Groups/"));
    assert!(group["version"].as_str().unwrap().starts_with("W/"));
    let alice = ops.iter().find(|o| o["bulkId"] == "a").unwrap();
    let alice_id = alice["response"]["id"].as_str().unwrap();
    let members: Vec<&str> = group["response"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert!(members.contains(&alice_id));
    let patched = &ops[2];
    assert_eq!(patched["status"], "200", "{patched:?}");
    assert_eq!(patched["response"]["nickName"], "Al");
    assert!(patched["location"].as_str().unwrap().ends_with(alice_id));
    assert_eq!(api.server.user_count(), 2);
    assert_eq!(api.server.group_count(), 1);
}

/// RFC 7644 §3.7.3: "failOnErrors ... An integer specifying the number of errors that the
/// service provider will accept before the operation is terminated and an error response
/// is returned."
#[test]
fn fail_on_errors_stops_processing() {
    let api = Api::default();
    api.create_user("taken");
    let ops = json!([
        user_op("1", "taken"),
        user_op("2", "taken"),
        user_op("3", "fresh"),
        user_op("4", "fresh2")
    ]);
    let r = api.post(
        "/Bulk",
        json!({"schemas": [BULK], "failOnErrors": 2, "Operations": ops}),
    );
    assert_eq!(statuses(&r.body), ["409", "409"]);
    assert_eq!(
        r.body["Operations"][0]["response"]["scimType"],
        "uniqueness"
    );
    assert_eq!(api.server.user_count(), 1);
    let r = api.post("/Bulk", json!({"schemas": [BULK], "Operations": ops}));
    assert_eq!(statuses(&r.body), ["409", "409", "201", "201"]);
}

#[test]
fn unresolvable_and_invalid_operations_fail_alone() {
    let api = Api::default();
    let group = |id: &str, member: &str| {
        json!({"method": "POST", "path": "/Groups", "bulkId": id,
               "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": id, "members": [{"value": format!("bulkId:{member}")}]}})
    };
    let r = api.post(
        "/Bulk",
        json!({"schemas": [BULK], "Operations": [
            group("x", "y"), group("y", "x"),           // circular
            group("z", "nowhere"),                      // undefined
            {"method": "POST", "path": "/Users", "data": {}},   // no bulkId
            {"method": "GET", "path": "/Users"},        // not a bulk method
            {"method": "DELETE", "path": "/Bulk"},      // not a resource
            user_op("ok", "fine"),
        ]}),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let by_id = |id: &str| {
        r.body["Operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["bulkId"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("x")["status"], "409");
    assert_eq!(by_id("y")["status"], "409");
    assert_eq!(by_id("z")["response"]["scimType"], "invalidValue");
    assert_eq!(by_id("ok")["status"], "201");
    let mut s = statuses(&r.body);
    s.sort();
    assert_eq!(s, ["201", "400", "400", "400", "400", "409", "409"]);
}

/// RFC 7644 §3.7.4: "If either limit is exceeded, the service provider MUST return HTTP
/// response code 413 (Payload Too Large)".
#[test]
fn limits_give_413_and_bulk_off_gives_501() {
    let api = Api::start(Config {
        capabilities: Capabilities {
            bulk_max_operations: 2,
            bulk_max_payload_size: 400,
            ..Capabilities::default()
        },
        ..Config::default()
    });
    let three = json!({"schemas": [BULK], "Operations": [user_op("1", "a"), user_op("2", "b"), user_op("3", "c")]});
    assert_error(&api.post("/Bulk", three), 413, None);
    let big = json!({"schemas": [BULK], "Operations": [user_op("1", &"x".repeat(500))]});
    assert_error(&api.post("/Bulk", big), 413, None);
    assert_error(
        &api.post("/Bulk", json!({"schemas": [BULK]})),
        400,
        Some("invalidSyntax"),
    );
    assert_error(
        &api.post("/Bulk", json!({"Operations": [], "failOnErrors": 0})),
        400,
        Some("invalidValue"),
    );
    api.server.set_capabilities(Capabilities {
        bulk: false,
        ..Capabilities::default()
    });
    assert_error(
        &api.post("/Bulk", json!({"schemas": [BULK], "Operations": []})),
        501,
        None,
    );
}

/// RFC 7644 §3.7: "version ... The current resource version. Version MAY be used if the
/// service provider supports entity-tags (ETags) ... and "method" is "PUT", "PATCH", or
/// "DELETE"."
#[test]
fn versions_guard_bulk_updates() {
    let api = Api::default();
    let u = api.create_user("v");
    let id = u["id"].as_str().unwrap();
    let ops = json!([
        {"method": "PUT", "path": format!("/Users/{id}"), "version": "W/\"0\"", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "v2"}},
        {"method": "DELETE", "path": format!("/Users/{id}"), "version": u["meta"]["version"]},
    ]);
    let r = api.post("/Bulk", json!({"schemas": [BULK], "Operations": ops}));
    assert_eq!(statuses(&r.body), ["412", "204"]);
    assert!(r.body["Operations"][1]["location"]
        .as_str()
        .unwrap()
        .ends_with(id));
    assert_eq!(api.server.user_count(), 0);
}
