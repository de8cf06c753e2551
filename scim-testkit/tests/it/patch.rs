//! PATCH (RFC 7644 §3.5.2), applied by scim-core.

use reqwest::Method;
use scim_testkit::{Capabilities, Config};
use serde_json::{json, Value};

use crate::{assert_error, Api};

fn ops(operations: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations})
}

/// RFC 7644 §3.5.2: "On successful completion, the server either MUST return a 200 OK
/// response code and the entire resource within the response body ... or MAY return HTTP
/// status code 204 (No Content)".
#[test]
fn patch_applies_and_bumps_the_version() {
    let api = Api::default();
    let u = api.create_user("patchme");
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    let r = api.patch(
        &path,
        ops(json!([
            {"op": "replace", "path": "name.givenName", "value": "Barbara"},
            {"op": "add", "path": "emails", "value": [{"value": "b@x.org", "type": "work", "primary": true}]},
            {"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Tour"}
        ])),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["name"]["givenName"], "Barbara");
    assert_eq!(r.body["emails"][0]["value"], "b@x.org");
    assert!(r.body["schemas"].as_array().unwrap().contains(&json!(
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    )));
    assert_ne!(r.body["meta"]["version"], u["meta"]["version"]);
    assert_eq!(r.header("etag"), r.body["meta"]["version"].as_str());
    assert_eq!(api.get(&path).body, r.body);
    // With a stale version: 412, nothing changes.
    let stale = u["meta"]["version"].as_str().unwrap();
    let r = api.send(
        Method::PATCH,
        &path,
        Some(ops(
            json!([{"op": "replace", "path": "nickName", "value": "x"}]),
        )),
        &[("If-Match", stale)],
    );
    assert_error(&r, 412, None);
    assert!(api.get(&path).body.get("nickName").is_none());
}

/// RFC 7644 §3.5.2: errors use the scimTypes "invalidPath", "noTarget", "mutability",
/// "invalidValue", "invalidSyntax"; PATCH is atomic.
#[test]
fn patch_errors_are_typed_and_atomic() {
    let api = Api::default();
    api.create_user("taken");
    let u = api.create_user("p");
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    let bad = |operations: Value| api.patch(&path, ops(operations));
    assert_error(
        &bad(json!([{"op": "replace", "path": "id", "value": "x"}])),
        400,
        Some("mutability"),
    );
    assert_error(
        &bad(json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}])),
        400,
        Some("mutability"),
    );
    assert_error(
        &bad(json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "x"}])),
        400,
        Some("noTarget"),
    );
    assert_error(
        &bad(json!([{"op": "replace", "path": "emails[type eq", "value": "x"}])),
        400,
        Some("invalidPath"),
    );
    assert_error(
        &bad(json!([{"op": "replace", "path": "active", "value": "yes"}])),
        400,
        Some("invalidValue"),
    );
    assert_error(
        &bad(json!([{"op": "replace", "path": "userName", "value": "TAKEN"}])),
        409,
        Some("uniqueness"),
    );
    assert_error(
        &bad(json!([{"op": "remove", "path": "userName"}])),
        400,
        Some("invalidValue"),
    );
    assert_error(
        &bad(json!([{"op": "replace", "path": "nickName", "value": "ok"}, {"op": "remove"}])),
        400,
        Some("noTarget"),
    );
    assert_error(
        &api.patch(
            &path,
            json!({"Operations": [{"op": "add", "path": "nickName", "value": "x"}]}),
        ),
        400,
        Some("invalidSyntax"),
    );
    assert_error(
        &api.patch(&path, ops(json!([]))),
        400,
        Some("invalidSyntax"),
    );
    assert_error(
        &api.patch(
            "/Users/nope",
            ops(json!([{"op": "add", "path": "nickName", "value": "x"}])),
        ),
        404,
        None,
    );
    let now = api.get(&path).body;
    assert_eq!(
        now["meta"]["version"], u["meta"]["version"],
        "nothing was applied"
    );
    assert!(now.get("nickName").is_none());
}

/// Group membership by PATCH (RFC 7644 §3.5.2.1 "add" members, §3.5.2.2 remove with a
/// value filter) keeps users' `groups` in step.
#[test]
fn patching_members_updates_users_groups() {
    let api = Api::default();
    let a = api.create_user("a")["id"].as_str().unwrap().to_owned();
    let b = api.create_user("b")["id"].as_str().unwrap().to_owned();
    let g = api
        .post(
            "/Groups",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G"}),
        )
        .body;
    let gpath = format!("/Groups/{}", g["id"].as_str().unwrap());
    let r = api.patch(
        &gpath,
        ops(json!([{"op": "add", "path": "members", "value": [{"value": a}, {"value": b}]}])),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["members"].as_array().unwrap().len(), 2);
    assert_eq!(
        api.get(&format!("/Users/{b}")).body["groups"][0]["value"],
        g["id"]
    );
    let r = api.patch(
        &gpath,
        ops(json!([{"op": "remove", "path": format!("members[value eq \"{b}\"]")}])),
    );
    assert_eq!(r.body["members"].as_array().unwrap().len(), 1);
    assert!(api.get(&format!("/Users/{b}")).body.get("groups").is_none());
    assert_error(
        &api.patch(
            &gpath,
            ops(json!([{"op": "add", "path": "members", "value": [{"value": "ghost"}]}])),
        ),
        400,
        Some("invalidValue"),
    );
    let r = api.patch(
        &gpath,
        ops(json!([{"op": "replace", "path": "displayName", "value": "Renamed"}])),
    );
    assert_eq!(
        api.get(&format!("/Users/{a}")).body["groups"][0]["display"],
        "Renamed"
    );
    assert_eq!(r.status, 200);
}

#[test]
fn patch_capabilities_off_and_no_content() {
    let api = Api::start(Config {
        capabilities: Capabilities {
            patch_no_content: true,
            change_password: false,
            ..Capabilities::default()
        },
        ..Config::default()
    });
    let u = api.create_user("nc");
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    let body = ops(json!([{"op": "replace", "path": "nickName", "value": "N"}]));
    let r = api.patch(&path, body.clone());
    assert_eq!(r.status, 204);
    assert_eq!(r.body, Value::Null);
    assert!(r.header("etag").is_some());
    let r = api.patch(&format!("{path}?attributes=nickName"), body.clone());
    assert_eq!((r.status, r.body["nickName"].clone()), (200, json!("N")));
    assert_error(
        &api.patch(
            &path,
            ops(json!([{"op": "replace", "path": "password", "value": "x"}])),
        ),
        501,
        None,
    );
    api.server.set_capabilities(Capabilities {
        patch: false,
        ..Capabilities::default()
    });
    assert_error(&api.patch(&path, body), 501, None);
}
