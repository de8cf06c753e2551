//! Create, read, replace, delete of Users and Groups; ETags, uniqueness, auth.

use reqwest::Method;
use scim_testkit::Config;
use serde_json::{json, Value};

use crate::{assert_error, user, Api};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// RFC 7644 §3.3: "When the service provider successfully creates the new resource, an
/// HTTP response SHALL be returned with HTTP status code 201 (Created). The response body
/// SHOULD contain the service provider's representation of the newly created resource.
/// The URI of the created resource SHALL include, in the HTTP "Location" header ...".
#[test]
fn create_returns_201_with_location_etag_and_server_attributes() {
    let api = Api::default();
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "client-chosen", "meta": {"version": "W/\"x\""},
        "groups": [{"value": "nope"}],
        "userName": "bjensen", "password": "t1meMa$heen",
        "name": {"givenName": "Barbara"},
        (ENTERPRISE): {"employeeNumber": "701984", "manager": {"value": "m", "displayName": "ignored"}}
    });
    let r = api.post("/Users", body);
    assert_eq!(r.status, 201, "{:?}", r.body);
    let u = &r.body;
    let id = u["id"].as_str().unwrap();
    assert_ne!(id, "client-chosen");
    assert!(u.get("password").is_none(), "password is returned never");
    assert!(u.get("groups").is_none());
    assert_eq!(u["meta"]["resourceType"], "User");
    assert_eq!(r.header("location"), u["meta"]["location"].as_str());
    assert_eq!(r.header("etag"), u["meta"]["version"].as_str());
    assert!(u["meta"]["version"].as_str().unwrap().starts_with("W/\""));
    assert!(u["meta"]["location"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/v2/Users/{id}")));
    // The extension's URN is added to schemas; its readOnly manager.displayName is dropped.
    assert!(u["schemas"]
        .as_array()
        .unwrap()
        .contains(&json!(ENTERPRISE)));
    assert_eq!(u[ENTERPRISE]["manager"], json!({"value": "m"}));
    let again = api.get(&format!("/Users/{id}"));
    assert_eq!(again.status, 200);
    assert_eq!(again.body, r.body);
}

/// RFC 7644 §3.3: "If the service provider determines that the creation of the requested
/// resource conflicts with existing resources (e.g., a "User" resource with a duplicate
/// "userName"), the service provider MUST return HTTP status code 409 (Conflict) with a
/// "scimType" error code of "uniqueness"".
#[test]
fn duplicate_user_name_is_409_uniqueness_case_insensitively() {
    let api = Api::default();
    let first = api.create_user("bjensen");
    assert_error(
        &api.post("/Users", user("BJENSEN")),
        409,
        Some("uniqueness"),
    );
    // Also on replace, but not against itself.
    let other = api.create_user("other");
    let path = format!("/Users/{}", other["id"].as_str().unwrap());
    assert_error(&api.put(&path, user("bJensen")), 409, Some("uniqueness"));
    assert_eq!(
        api.put(
            &format!("/Users/{}", first["id"].as_str().unwrap()),
            user("BJensen")
        )
        .status,
        200
    );
}

#[test]
fn bad_bodies_are_scim_errors() {
    let api = Api::default();
    assert_error(
        &api.post("/Users", json!({"userName": "x"})),
        400,
        Some("invalidSyntax"),
    );
    assert_error(
        &api.post(
            "/Users",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}),
        ),
        400,
        Some("invalidValue"),
    );
    let mut wrong = user("x");
    wrong["active"] = json!("yes");
    assert_error(&api.post("/Users", wrong), 400, Some("invalidValue"));
    assert_error(&api.post("/Users", json!([1])), 400, Some("invalidSyntax"));
    let r = api.send(Method::POST, "/Users", None, &[]);
    assert_error(&r, 400, Some("invalidSyntax"));
    // Not JSON at all.
    let url = format!("{}/Users", api.server.url());
    let raw = reqwest::blocking::Client::new()
        .post(url)
        .body("{nope")
        .send()
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: Value = raw.json().unwrap();
    assert_eq!(body["scimType"], "invalidSyntax");
}

#[test]
fn unknown_resources_endpoints_and_methods_are_scim_errors() {
    let api = Api::default();
    assert_error(&api.get("/Users/does-not-exist"), 404, None);
    assert_error(&api.delete("/Groups/does-not-exist"), 404, None);
    assert_error(&api.get("/Devices"), 404, None);
    assert_error(&api.send(Method::DELETE, "/Users", None, &[]), 405, None);
    assert_error(&api.send(Method::GET, "/Bulk", None, &[]), 405, None);
    // Outside the base path.
    let r = reqwest::blocking::get(format!("http://{}/elsewhere", api.server.addr())).unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

/// RFC 7644 §3.14: "If-None-Match ... the service provider SHALL return 304 (Not
/// Modified)" when the version matches; "If-Match" with a stale version gives 412
/// (Precondition Failed).
#[test]
fn etags_give_304_and_412() {
    let api = Api::default();
    let u = api.create_user("etag");
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    let v1 = u["meta"]["version"].as_str().unwrap().to_owned();

    let r = api.send(Method::GET, &path, None, &[("If-None-Match", &v1)]);
    assert_eq!(r.status, 304);
    assert_eq!(r.body, Value::Null);
    assert_eq!(
        api.send(Method::GET, &path, None, &[("If-None-Match", "W/\"0\"")])
            .status,
        200
    );

    let r = api.send(
        Method::PUT,
        &path,
        Some(user("etag2")),
        &[("If-Match", &v1)],
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    let v2 = r.body["meta"]["version"].as_str().unwrap().to_owned();
    assert_ne!(v1, v2);
    assert_eq!(r.header("etag"), Some(v2.as_str()));

    assert_error(
        &api.send(
            Method::PUT,
            &path,
            Some(user("etag3")),
            &[("If-Match", &v1)],
        ),
        412,
        None,
    );
    assert_error(
        &api.send(Method::DELETE, &path, None, &[("If-Match", &v1)]),
        412,
        None,
    );
    // A strong spelling of the same tag, a list, and "*" all match.
    let strong = v2.trim_start_matches("W/");
    assert_eq!(
        api.send(
            Method::PUT,
            &path,
            Some(user("etag4")),
            &[("If-Match", strong)]
        )
        .status,
        200
    );
    let v3 = api.get(&path).body["meta"]["version"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        api.send(
            Method::PUT,
            &path,
            Some(user("etag5")),
            &[("If-Match", &format!("W/\"1\", {v3}"))]
        )
        .status,
        200
    );
    assert_eq!(
        api.send(Method::DELETE, &path, None, &[("If-Match", "*")])
            .status,
        204
    );
    assert_error(&api.get(&path), 404, None);
}

#[test]
fn etags_off_means_no_version_and_no_preconditions() {
    let api = Api::start(Config {
        capabilities: scim_testkit::Capabilities {
            etag: false,
            ..Default::default()
        },
        ..Config::default()
    });
    let r = api.post("/Users", user("noetag"));
    assert!(r.header("etag").is_none());
    assert!(r.body["meta"].get("version").is_none());
    let path = format!("/Users/{}", r.body["id"].as_str().unwrap());
    assert_eq!(
        api.send(
            Method::PUT,
            &path,
            Some(user("noetag")),
            &[("If-Match", "W/\"nope\"")]
        )
        .status,
        200
    );
}

/// RFC 7644 §3.5.1: "Attributes whose mutability is "readWrite" that are omitted from the
/// request body MAY be assumed to be not asserted by the client. The service provider may
/// assume that any existing values are to be cleared".
#[test]
fn put_replaces_clears_omitted_and_keeps_id_created_and_password() {
    let api = Api::default();
    let mut body = user("replace");
    body["nickName"] = json!("Babs");
    body["password"] = json!("secret");
    let u = api.post("/Users", body).body;
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    let mut next = user("replace");
    next["title"] = json!("Tour Guide");
    next["id"] = json!("ignored");
    let r = api.put(&path, next);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["id"], u["id"]);
    assert_eq!(r.body["title"], "Tour Guide");
    assert!(r.body.get("nickName").is_none());
    assert_eq!(r.body["meta"]["created"], u["meta"]["created"]);
    assert!(r.body.get("password").is_none());
    assert!(api.server.user_count() == 1);
}

#[test]
fn change_password_off_refuses_new_passwords_on_put() {
    let api = Api::start(Config {
        capabilities: scim_testkit::Capabilities {
            change_password: false,
            ..Default::default()
        },
        ..Config::default()
    });
    let mut body = user("pw");
    body["password"] = json!("first");
    let u = api.post("/Users", body.clone()).body;
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    assert_error(&api.put(&path, body), 501, None);
    assert_eq!(api.put(&path, user("pw")).status, 200);
}

/// RFC 7643 §4.1.2: groups — "A list of groups to which the user belongs ... The values
/// are read-only"; deleting a member removes it from its groups.
#[test]
fn group_members_drive_users_groups_and_deletes_cascade() {
    let api = Api::default();
    let a = api.create_user("a");
    let b = api.create_user("b");
    let (ida, idb) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let g = api.post(
        "/Groups",
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Tour Guides",
               "members": [{"value": ida}, {"value": idb, "display": "b"}, {"value": ida}]}),
    );
    assert_eq!(g.status, 201, "{:?}", g.body);
    let gid = g.body["id"].as_str().unwrap();
    let members = g.body["members"].as_array().unwrap();
    assert_eq!(members.len(), 2, "duplicates dropped");
    assert_eq!(members[0]["type"], "User");
    assert!(members[0]["$ref"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/Users/{ida}")));
    let ua = api.get(&format!("/Users/{ida}")).body;
    assert_eq!(
        ua["groups"],
        json!([{"value": gid, "$ref": g.body["meta"]["location"], "display": "Tour Guides", "type": "direct"}])
    );

    // A nested group is a member too; an unknown member is refused.
    let outer = api.post(
        "/Groups",
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Outer", "members": [{"value": gid}]}),
    );
    assert_eq!(outer.body["members"][0]["type"], "Group");
    assert_error(
        &api.post("/Groups", json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "X", "members": [{"value": "ghost"}]})),
        400,
        Some("invalidValue"),
    );
    assert_error(
        &api.post(
            "/Groups",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]}),
        ),
        400,
        Some("invalidValue"),
    );

    let v_before = api.get(&format!("/Groups/{gid}")).body["meta"]["version"].clone();
    assert_eq!(api.delete(&format!("/Users/{ida}")).status, 204);
    let g = api.get(&format!("/Groups/{gid}")).body;
    assert_eq!(g["members"].as_array().unwrap().len(), 1);
    assert_eq!(g["members"][0]["value"], idb);
    assert_ne!(
        g["meta"]["version"], v_before,
        "the group changed, so its version did"
    );
    assert_eq!(api.delete(&format!("/Groups/{gid}")).status, 204);
    let outer = api
        .get(&format!("/Groups/{}", outer.body["id"].as_str().unwrap()))
        .body;
    assert!(outer["members"].as_array().unwrap().is_empty());
    assert!(api
        .get(&format!("/Users/{idb}"))
        .body
        .get("groups")
        .is_none());
}

/// RFC 6750 §3: "If the protected resource request does not include authentication
/// credentials ... the resource server ... SHOULD include the HTTP "WWW-Authenticate"
/// response header field".
#[test]
fn bearer_token_is_required_when_configured() {
    let api = Api::start(Config {
        token: Some("s3cret".into()),
        ..Config::default()
    });
    assert_eq!(api.create_user("auth")["userName"], "auth");
    let anon = reqwest::blocking::get(format!("{}/Users", api.server.url())).unwrap();
    assert_eq!(anon.status().as_u16(), 401);
    assert_eq!(
        anon.headers()["www-authenticate"],
        "Bearer realm=\"scim-testkit\""
    );
    let body: Value = anon.json().unwrap();
    assert_eq!(body["status"], "401");
    let wrong = reqwest::blocking::Client::new()
        .get(format!("{}/ServiceProviderConfig", api.server.url()))
        .bearer_auth("guess")
        .send()
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(wrong.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    // The admin endpoints need none.
    assert_eq!(api.admin(Method::GET, "/stats", None).body["users"], 1);
}

/// RFC 7644 §3.11: "/Me" is an alias for the User resource of the authenticated subject;
/// without one, "the service provider ... SHOULD respond with HTTP status code 501".
#[test]
fn me_aliases_the_configured_user() {
    let api = Api::start(Config {
        me_user_name: Some("me".into()),
        ..Config::default()
    });
    assert_error(&api.get("/Me"), 404, None);
    let u = api.create_user("me");
    let r = api.get("/Me?attributes=userName");
    assert_eq!(r.status, 200);
    assert_eq!(r.body["id"], u["id"]);
    assert!(r.body.get("meta").is_none());
    let none = Api::default();
    assert_error(&none.get("/Me"), 501, None);
}
