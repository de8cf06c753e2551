//! `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas` (RFC 7644 §4).

use scim_testkit::{Capabilities, Config};
use serde_json::json;

use crate::{assert_error, Api};

/// RFC 7643 §5: the ServiceProviderConfig describes patch, bulk, filter, changePassword,
/// sort, etag and authenticationSchemes; RFC 9865 §4 adds "pagination".
#[test]
fn service_provider_config_reflects_capabilities() {
    let api = Api::start(Config {
        capabilities: Capabilities {
            bulk: false,
            max_results: 50,
            etag: false,
            ..Capabilities::default()
        },
        ..Config::default()
    });
    let spc = api.get("/ServiceProviderConfig").body;
    assert_eq!(
        spc["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    assert_eq!(spc["bulk"]["supported"], false);
    assert_eq!(spc["filter"], json!({"supported": true, "maxResults": 50}));
    assert_eq!(spc["etag"]["supported"], false);
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["pagination"]["cursor"], true);
    assert_eq!(spc["pagination"]["defaultPaginationMethod"], "index");
    assert_eq!(spc["authenticationSchemes"][0]["type"], "oauthbearertoken");
    // Changed at run time.
    api.server.set_capabilities(Capabilities::default());
    assert_eq!(
        api.get("/ServiceProviderConfig").body["bulk"]["supported"],
        true
    );
}

/// RFC 7643 §6: resource types name their endpoint, schema and extensions.
#[test]
fn resource_types_and_schemas_are_listed() {
    let api = Api::default();
    let rts = api.get("/ResourceTypes").body;
    assert_eq!(rts["totalResults"], 2);
    let user = api.get("/ResourceTypes/User").body;
    assert_eq!(user["endpoint"], "/Users");
    assert_eq!(
        user["schemaExtensions"][0]["schema"],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    );
    assert_error(&api.get("/ResourceTypes/Device"), 404, None);

    let schemas = api.get("/Schemas").body;
    let ids: Vec<&str> = schemas["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"urn:ietf:params:scim:schemas:core:2.0:User"),
        "{ids:?}"
    );
    assert!(ids.contains(&"urn:ietf:params:scim:schemas:core:2.0:Group"));
    let s = api
        .get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")
        .body;
    assert_eq!(s["name"], "Group");
    assert!(s["meta"]["location"]
        .as_str()
        .unwrap()
        .ends_with("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group"));
    assert_error(&api.get("/Schemas/urn:nope"), 404, None);
}

/// RFC 7644 §4: "If a "filter" is provided, the service provider SHOULD respond with
/// HTTP status code 403 (Forbidden)".
#[test]
fn filters_on_discovery_endpoints_are_forbidden() {
    let api = Api::default();
    assert_error(&api.get("/Schemas?filter=id%20pr"), 403, None);
    assert_error(&api.get("/ServiceProviderConfig?filter=x"), 403, None);
}
