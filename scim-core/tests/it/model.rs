//! The typed resource model: RFC fixtures round-trip through the typed structs, deviating
//! inputs from real servers parse, and bad input is a decode error with its JSON path.

use proptest::prelude::*;
use scim_core::resource::{
    BulkMethod, BulkRequest, BulkResponse, Email, ErrorResponse, ListResponse, Name, PatchOp,
    PatchOpKind, PatchOperation, ResourceType, ScimObject, SearchRequest, ServiceProviderConfig,
    SortOrder,
};
use scim_core::{urn, Error, ErrorCode, Group, Resource, ScimType, User};
use serde_json::{json, Map, Value};

macro_rules! fixture {
    ($name:literal) => {
        serde_json::from_str::<Value>(include_str!(concat!("../fixtures/", $name))).expect(concat!(
            "fixture ",
            $name,
            " is valid JSON"
        ))
    };
}

fn resource(v: Value) -> Resource {
    Resource::from_value(v).unwrap()
}

/// Decodes `value` as `T` and encodes it back (borrowing and owning paths agree).
fn round_trip<T: ScimObject>(value: &Value) -> Value {
    let typed = T::from_resource(resource(value.clone())).unwrap();
    let borrowed = typed.to_resource().into_value();
    let owned = typed.into_resource().into_value();
    let text: Value =
        serde_json::from_str(&T::from_json(&value.to_string()).unwrap().to_json()).unwrap();
    assert_eq!(borrowed, text, "the JSON-text path disagrees");
    assert_eq!(borrowed, owned, "to_resource and into_resource disagree");
    borrowed
}

/// The decode error's JSON path.
fn decode_path(err: Error) -> Option<String> {
    match err {
        Error::Decode { path, .. } => path,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---- RFC 7643 §8 examples ----------------------------------------------------------------

/// RFC 7643 §8.1: "The following is a non-normative example of the minimal required SCIM
/// representation in JSON format."
#[test]
fn rfc7643_8_1_minimal_user_round_trips() {
    let input = fixture!("rfc7643-8.1-minimal-user.json");
    assert_eq!(round_trip::<User>(&input), input);
    let user = User::from_resource(resource(input)).unwrap();
    assert_eq!(user.user_name.as_deref(), Some("bjensen@example.com"));
    assert_eq!(user.meta.unwrap().etag().unwrap().value, "3694e05e9dff590");
}

/// RFC 7643 §8.2: "The following is a non-normative example of the fully populated SCIM
/// representation in JSON format."
#[test]
fn rfc7643_8_2_full_user_round_trips() {
    let input = fixture!("rfc7643-8.2-full-user.json");
    assert_eq!(round_trip::<User>(&input), input);
    let user = User::from_resource(resource(input)).unwrap();
    assert_eq!(
        user.name.as_ref().unwrap().middle_name.as_deref(),
        Some("Jane")
    );
    assert_eq!(user.primary_email(), Some("bjensen@example.com"));
    assert_eq!(
        user.addresses.as_ref().unwrap()[1]
            .street_address
            .as_deref(),
        Some("456 Hollywood Blvd")
    );
    assert_eq!(
        user.phone_numbers.as_ref().unwrap()[1].type_.as_deref(),
        Some("mobile")
    );
    assert_eq!(
        user.ims.as_ref().unwrap()[0].value.as_deref(),
        Some("someaimhandle")
    );
    assert_eq!(
        user.photos.as_ref().unwrap()[1].type_.as_deref(),
        Some("thumbnail")
    );
    assert_eq!(
        user.groups.as_ref().unwrap()[2].display.as_deref(),
        Some("US Employees")
    );
    assert!(user.x509_certificates.as_ref().unwrap()[0]
        .value
        .as_deref()
        .unwrap()
        .starts_with("MIIDQzCC"));
    assert_eq!(user.password.as_ref().unwrap().expose(), "t1meMa$heen");
    assert_eq!(user.active, Some(true));
    assert!(
        user.extra.is_empty(),
        "every §4.1 attribute is modelled: {:?}",
        user.extra
    );
    assert!(
        !format!("{user:?}").contains("t1meMa$heen"),
        "Debug leaks the password"
    );
}

/// RFC 7643 §8.3: "The following example shows a User with the enterprise extension."
#[test]
fn rfc7643_8_3_enterprise_user_round_trips() {
    let input = fixture!("rfc7643-8.3-enterprise-user.json");
    assert_eq!(round_trip::<User>(&input), input);
    let user = User::from_resource(resource(input.clone())).unwrap();
    let ent = user.enterprise().unwrap();
    assert_eq!(ent.cost_center.as_deref(), Some("4130"));
    let manager = ent.manager.as_ref().unwrap();
    assert_eq!(manager.display_name.as_deref(), Some("John Smith"));
    assert_eq!(
        manager.ref_.as_deref(),
        Some("../Users/26118915-6090-4610-87e4-49d8ca9f808d")
    );
    assert!(user.extra.is_empty());
    // The same object is reachable through Resource by URN path.
    let r = resource(input);
    assert_eq!(
        r.get_path(&format!("{}:manager.displayName", urn::ENTERPRISE_USER)),
        Some(&json!("John Smith"))
    );
}

/// RFC 7643 §8.4: "The following is a non-normative example of the SCIM Group
/// representation in JSON format."
#[test]
fn rfc7643_8_4_group_round_trips() {
    let input = fixture!("rfc7643-8.4-group.json");
    assert_eq!(round_trip::<Group>(&input), input);
    let group = Group::from_resource(resource(input)).unwrap();
    let members = group.members.unwrap();
    assert_eq!(members[1].display.as_deref(), Some("Mandy Pepperidge"));
    assert!(members[0]
        .ref_
        .as_deref()
        .unwrap()
        .ends_with("413861904646"));
}

/// RFC 7643 §8.5: "The following is a non-normative example of the SCIM service provider
/// configuration representation in JSON format."
#[test]
fn rfc7643_8_5_service_provider_config_round_trips() {
    let input = fixture!("rfc7643-8.5-service-provider-config.json");
    assert_eq!(round_trip::<ServiceProviderConfig>(&input), input);
    let spc = ServiceProviderConfig::from_resource(resource(input)).unwrap();
    assert!(spc.patch_supported() && spc.bulk_supported() && spc.etag_supported());
    assert!(spc.filter_supported() && spc.sort_supported() && spc.change_password_supported());
    let bulk = spc.bulk.as_ref().unwrap();
    assert_eq!(
        (bulk.max_operations, bulk.max_payload_size),
        (Some(1000), Some(1_048_576))
    );
    assert_eq!(spc.max_results(), Some(200));
    let schemes = spc.authentication_schemes.unwrap();
    assert_eq!(schemes[0].type_.as_deref(), Some("oauthbearertoken"));
    assert_eq!(schemes[1].primary, None);
    assert!(spc.pagination.is_none());
}

/// RFC 9865 §4: "A service provider supporting both cursor-based pagination and
/// index-based pagination would return a document similar to the following".
#[test]
fn rfc9865_4_pagination_settings_round_trip() {
    let input = fixture!("rfc9865-4-service-provider-config-pagination.json");
    assert_eq!(round_trip::<ServiceProviderConfig>(&input), input);
    let spc = ServiceProviderConfig::from_resource(resource(input)).unwrap();
    assert!(spc.cursor_pagination_supported());
    let p = spc.pagination.unwrap();
    assert_eq!(p.index, Some(true));
    assert_eq!(p.default_pagination_method.as_deref(), Some("cursor"));
    assert_eq!(
        (p.default_page_size, p.max_page_size, p.cursor_timeout),
        (Some(100), Some(250), Some(3600))
    );
}

/// RFC 7643 §8.6: "The following is a non-normative example of the SCIM ResourceType
/// representation in JSON format."
#[test]
fn rfc7643_8_6_resource_types_round_trip() {
    let Value::Array(types) = fixture!("rfc7643-8.6-resource-types.json") else {
        panic!("§8.6 is an array")
    };
    for input in &types {
        assert_eq!(&round_trip::<ResourceType>(input), input);
    }
    let user = ResourceType::from_resource(resource(types[0].clone())).unwrap();
    assert_eq!(user.endpoint.as_deref(), Some("/Users"));
    let ext = &user.schema_extensions.unwrap()[0];
    assert_eq!(
        (ext.schema.as_deref(), ext.required),
        (Some(urn::ENTERPRISE_USER), Some(true))
    );
}

// ---- RFC 7644 messages -------------------------------------------------------------------

/// RFC 7644 §3.4.2: "The following is an example of a response to a query ... filter with
/// attributes=userName" — resources returned without `schemas` come back without it.
#[test]
fn rfc7644_3_4_2_list_response_round_trips() {
    let input = fixture!("rfc7644-3.4.2-list-response.json");
    assert_eq!(round_trip::<ListResponse<User>>(&input), input);
    assert_eq!(round_trip::<ListResponse<Resource>>(&input), input);
    let list = ListResponse::<User>::from_resource(resource(input)).unwrap();
    assert_eq!(list.total_results, Some(2));
    assert_eq!(list.resources[1].user_name.as_deref(), Some("jsmith"));
}

/// RFC 7644 §3.4.3: "The following example shows an HTTP POST Query request with search
/// parameters "attributes", "filter", and "count" included".
#[test]
fn rfc7644_3_4_3_search_request_round_trips() {
    let input = fixture!("rfc7644-3.4.3-search-request.json");
    assert_eq!(round_trip::<SearchRequest>(&input), input);
    let req = SearchRequest::from_resource(resource(input)).unwrap();
    assert_eq!(
        req.attributes.as_deref(),
        Some(&["displayName".to_owned(), "userName".to_owned()][..])
    );
    assert_eq!(req.filter.as_deref(), Some("displayName sw \"smith\""));
    assert_eq!((req.start_index, req.count), (Some(1), Some(10)));
}

/// RFC 7644 §3.4.3: "The example below shows a query response with the first page of
/// results."
#[test]
fn rfc7644_3_4_3_list_response_round_trips() {
    let input = fixture!("rfc7644-3.4.3-list-response.json");
    assert_eq!(round_trip::<ListResponse<User>>(&input), input);
    let list = ListResponse::<User>::from_resource(resource(input)).unwrap();
    assert_eq!(
        (list.total_results, list.items_per_page, list.start_index),
        (Some(100), Some(10), Some(1))
    );
    assert_eq!(
        list.resources[0].display_name.as_deref(),
        Some("Smith, James")
    );
}

/// RFC 7644 §3.5.2: "The body of each request MUST contain the "schemas" attribute with
/// the URI value of "urn:ietf:params:scim:api:messages:2.0:PatchOp"." Every PATCH example
/// of §3.5.2.1–3 round-trips.
#[test]
fn rfc7644_3_5_2_patch_bodies_round_trip() {
    let cases = [
        fixture!("rfc7644-3.5.2.1-add-member.json"),
        fixture!("rfc7644-3.5.2.1-add-without-path.json"),
        fixture!("rfc7644-3.5.2.2-remove-one-member.json"),
        fixture!("rfc7644-3.5.2.2-remove-and-add-members.json"),
        fixture!("rfc7644-3.5.2.3-replace-work-address.json"),
    ];
    for input in &cases {
        assert_eq!(&round_trip::<PatchOp>(input), input);
    }
    let remove_add = PatchOp::from_resource(resource(cases[3].clone())).unwrap();
    assert_eq!(remove_add.operations[0].op, PatchOpKind::Remove);
    assert_eq!(remove_add.operations[0].value, None);
    assert_eq!(remove_add.operations[1].op, PatchOpKind::Add);
    let pathless = PatchOp::from_resource(resource(cases[1].clone())).unwrap();
    assert_eq!(pathless.operations[0].path, None);
}

/// RFC 7644 §3.7.3: "The following example shows how to add, update, and remove a user
/// ... in a single request" — and its response.
#[test]
fn rfc7644_3_7_3_bulk_request_and_response_round_trip() {
    let req_json = fixture!("rfc7644-3.7.3-bulk-request.json");
    assert_eq!(round_trip::<BulkRequest>(&req_json), req_json);
    let req = BulkRequest::from_resource(resource(req_json)).unwrap();
    assert_eq!(req.fail_on_errors, Some(1));
    let methods: Vec<_> = req.operations.iter().map(|o| o.method.clone()).collect();
    assert_eq!(
        methods,
        [
            BulkMethod::Post,
            BulkMethod::Put,
            BulkMethod::Patch,
            BulkMethod::Delete
        ]
    );
    assert_eq!(req.operations[0].bulk_id.as_deref(), Some("qwerty"));
    let patch = PatchOp::from_resource(resource(req.operations[2].data.clone().unwrap())).unwrap();
    assert_eq!(patch.operations[1].value, Some(json!("Dave")));

    let resp_json = fixture!("rfc7644-3.7.3-bulk-response.json");
    assert_eq!(round_trip::<BulkResponse>(&resp_json), resp_json);
    let resp = BulkResponse::from_resource(resource(resp_json)).unwrap();
    let statuses: Vec<u16> = resp.operations.iter().map(|o| o.status).collect();
    assert_eq!(statuses, [201, 200, 200, 204]);
    assert!(resp
        .operations
        .iter()
        .all(|o| o.is_success() && o.error().is_none()));
}

/// RFC 7644 §3.7.3: "The following is an example of a response ... where the bulk
/// operation failed" — the per-operation error decodes as an API error.
#[test]
fn rfc7644_3_7_3_bulk_error_response_round_trips() {
    let input = fixture!("rfc7644-3.7.3-bulk-response-error.json");
    assert_eq!(round_trip::<BulkResponse>(&input), input);
    let resp = BulkResponse::from_resource(resource(input)).unwrap();
    let err = resp.operations[0].error().unwrap();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.scim_type(), Some(&ScimType::InvalidSyntax));
}

/// RFC 7644 §3.12: "status: The HTTP status code ... expressed as a JSON string. REQUIRED."
#[test]
fn rfc7644_3_12_errors_round_trip_and_become_api_errors() {
    let not_found = fixture!("rfc7644-3.12-error-not-found.json");
    assert_eq!(round_trip::<ErrorResponse>(&not_found), not_found);
    let err = ErrorResponse::from_resource(resource(not_found))
        .unwrap()
        .into_error();
    assert!(err.is_not_found());
    assert_eq!(err.code(), ErrorCode::Api);

    let mutability = fixture!("rfc7644-3.12-error-mutability.json");
    assert_eq!(round_trip::<ErrorResponse>(&mutability), mutability);
    let e = ErrorResponse::from_resource(resource(mutability)).unwrap();
    assert_eq!(
        (e.status, e.scim_type.clone()),
        (400, Some(ScimType::Mutability))
    );
    assert_eq!(
        e.into_error().to_string(),
        "SCIM error 400 (mutability): Attribute 'id' is readOnly"
    );
}

// ---- deviating inputs from real servers --------------------------------------------------

/// DESIGN.md: "`Resources` absent/null/lower-case, `totalResults` missing" parse.
#[test]
fn list_response_tolerates_missing_null_and_lowercase_resources() {
    for body in [
        json!({"schemas": [urn::LIST_RESPONSE], "totalResults": 0}),
        json!({"schemas": [urn::LIST_RESPONSE], "totalResults": 0, "Resources": null}),
        json!({"totalResults": "0"}),
    ] {
        let list = ListResponse::<User>::from_resource(resource(body)).unwrap();
        assert!(list.resources.is_empty());
        assert_eq!(list.total_results, Some(0));
    }
    let lower = json!({"schemas": [urn::LIST_RESPONSE], "resources": [{"userName": "a"}], "ItemsPerPage": "1"});
    let list = ListResponse::<User>::from_resource(resource(lower)).unwrap();
    assert_eq!(list.resources[0].user_name.as_deref(), Some("a"));
    assert_eq!((list.total_results, list.items_per_page), (None, Some(1)));
    // Output is per RFC: `Resources`, always present.
    let out = list.to_resource().into_value();
    assert_eq!(out["Resources"][0]["userName"], "a");
    assert!(out.get("resources").is_none());
}

/// RFC 9865 §5: "nextCursor ... previousCursor" are read and written.
#[test]
fn list_response_keeps_cursors() {
    let body = json!({"schemas": [urn::LIST_RESPONSE], "totalResults": 3, "itemsPerPage": 1,
                      "nextCursor": "VZUTiyhEQJ94IR", "previousCursor": "ze7L30kMiiLX6x", "Resources": [{}]});
    let list = ListResponse::<Resource>::from_resource(resource(body.clone())).unwrap();
    assert_eq!(list.next_cursor.as_deref(), Some("VZUTiyhEQJ94IR"));
    assert_eq!(list.previous_cursor.as_deref(), Some("ze7L30kMiiLX6x"));
    assert_eq!(list.to_resource().into_value(), body);
}

/// DESIGN.md: error `status` as number or string.
#[test]
fn error_status_as_number_or_string() {
    for status in [json!(409), json!("409"), json!(" 409 ")] {
        let e = ErrorResponse::from_resource(resource(
            json!({"status": status, "scimType": "uniqueness"}),
        ))
        .unwrap();
        assert_eq!(e.status, 409);
        assert!(e.into_error().is_conflict());
    }
    let err = ErrorResponse::from_resource(resource(json!({"detail": "x"}))).unwrap_err();
    assert!(
        err.to_string()
            .contains("missing required attribute `status`"),
        "{err}"
    );
    let err = ErrorResponse::from_resource(resource(json!({"status": "teapot"}))).unwrap_err();
    assert_eq!(decode_path(err).as_deref(), Some("status"));
    let err = ErrorResponse::from_resource(resource(json!({"status": 70000}))).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Decode);
}

/// RFC 7643 §2.1: "Attribute names are case insensitive" — PascalCase keys decode and are
/// written back in the RFC's case.
#[test]
fn pascal_case_keys_decode_and_encode_in_rfc_case() {
    let input = json!({
        "Schemas": [urn::USER], "UserName": "x", "Active": true,
        "Name": {"GivenName": "Ann"}, "Emails": [{"Value": "a@x", "Primary": true}]
    });
    let user = User::from_resource(resource(input)).unwrap();
    assert_eq!(user.user_name.as_deref(), Some("x"));
    assert_eq!(
        user.name.as_ref().unwrap().given_name.as_deref(),
        Some("Ann")
    );
    assert_eq!(user.primary_email(), Some("a@x"));
    assert_eq!(
        user.to_resource().into_value(),
        json!({"schemas": [urn::USER], "userName": "x", "name": {"givenName": "Ann"},
               "emails": [{"value": "a@x", "primary": true}], "active": true})
    );
    let patch =
        json!({"schemas": [urn::PATCH_OP], "operations": [{"OP": "remove", "Path": "title"}]});
    let p = PatchOp::from_resource(resource(patch)).unwrap();
    assert_eq!(p.operations[0].op, PatchOpKind::Remove);
    assert!(p
        .to_resource()
        .to_json()
        .contains(r#""Operations":[{"op":"remove","path":"title"}]"#));
}

/// When both spellings are present, the RFC one fills the field and the other is kept.
#[test]
fn duplicate_keys_differing_in_case_lose_nothing() {
    let input = json!({"USERNAME": "b", "userName": "a"});
    let user = User::from_resource(resource(input.clone())).unwrap();
    assert_eq!(user.user_name.as_deref(), Some("a"));
    assert_eq!(user.extra["USERNAME"], "b");
    assert_eq!(user.to_resource().into_value(), input);
}

/// RFC 7644 §3.5.2: op "MAY be one of "add", "remove", or "replace"" — other spellings are
/// kept for the PATCH engine to judge.
#[test]
fn patch_op_spellings_are_kept() {
    for (text, kind, normalized) in [
        ("add", PatchOpKind::Add, Some(PatchOpKind::Add)),
        (
            "Replace",
            PatchOpKind::Other("Replace".into()),
            Some(PatchOpKind::Replace),
        ),
        (
            "ADD",
            PatchOpKind::Other("ADD".into()),
            Some(PatchOpKind::Add),
        ),
        ("move", PatchOpKind::Other("move".into()), None),
    ] {
        let body = json!({"schemas": [urn::PATCH_OP], "Operations": [{"op": text, "path": "x", "value": 1}]});
        let p = PatchOp::from_resource(resource(body.clone())).unwrap();
        assert_eq!(p.operations[0].op, kind);
        assert_eq!(p.operations[0].op.normalized(), normalized);
        assert_eq!(
            p.to_resource().into_value(),
            body,
            "spelling {text} is written back"
        );
    }
    let err = PatchOp::from_resource(resource(json!({"Operations": [{"path": "x"}]}))).unwrap_err();
    assert_eq!(decode_path(err).as_deref(), Some("Operations[0]"));
}

/// Scalars in a near-miss form are coerced; a single object where an array is expected is
/// a one-element array; explicit nulls survive a round trip.
#[test]
fn lenient_scalars_single_values_and_nulls() {
    let input = json!({"id": 42, "active": "False", "emails": {"value": "a@x"}, "nickName": null,
                       "x509Certificates": []});
    let user = User::from_resource(resource(input)).unwrap();
    assert_eq!(user.id.as_deref(), Some("42"));
    assert_eq!(user.active, Some(false));
    assert_eq!(user.emails.as_ref().unwrap().len(), 1);
    assert_eq!(user.nick_name, None);
    let out = user.to_resource().into_value();
    assert_eq!(out["nickName"], Value::Null);
    assert_eq!(out["x509Certificates"], json!([]));
    // A null replaced by a value is not written twice.
    let mut user = user;
    user.nick_name = Some("Babs".into());
    assert_eq!(user.to_resource().into_value()["nickName"], "Babs");
    let req = SearchRequest::from_resource(resource(
        json!({"attributes": "userName, emails", "sortOrder": "Descending"}),
    ))
    .unwrap();
    assert_eq!(req.attributes.unwrap(), ["userName", "emails"]);
    assert_eq!(req.sort_order, Some(SortOrder::Descending));
}

/// Built structs are valid requests: constructors and `Default` carry the schema URN, and
/// setting the enterprise extension lists its URN.
#[test]
fn built_structs_carry_their_schemas() {
    let user = User {
        user_name: Some("bjensen".into()),
        name: Some(Name {
            family_name: Some("Jensen".into()),
            ..Name::default()
        }),
        emails: Some(vec![Email::new("b@x").with_type("work").primary()]),
        ..User::default()
    };
    assert_eq!(
        user.to_resource().into_value(),
        json!({"schemas": [urn::USER], "userName": "bjensen", "name": {"familyName": "Jensen"},
               "emails": [{"value": "b@x", "type": "work", "primary": true}]})
    );
    let mut user = User::new("bjensen");
    user.enterprise_mut().department = Some("Tour Operations".into());
    let out = user.to_resource().into_value();
    assert_eq!(out["schemas"], json!([urn::USER, urn::ENTERPRISE_USER]));
    assert_eq!(out[urn::ENTERPRISE_USER]["department"], "Tour Operations");
    let patch = PatchOp::new(vec![
        PatchOperation::replace(Some("active"), json!(false)),
        PatchOperation::remove("title"),
    ]);
    assert_eq!(
        Resource::from(patch).into_value(),
        json!({"schemas": [urn::PATCH_OP], "Operations": [
            {"op": "replace", "path": "active", "value": false}, {"op": "remove", "path": "title"}]})
    );
    assert_eq!(
        SearchRequest::new().to_resource().into_value(),
        json!({"schemas": [urn::SEARCH_REQUEST]})
    );
    assert_eq!(
        ListResponse::<User>::default().schemas,
        [urn::LIST_RESPONSE]
    );
    let group: Group = Group::try_from(resource(json!({"displayName": "g"}))).unwrap();
    assert_eq!(group.display_name.as_deref(), Some("g"));
}

/// Typed structs also work with serde directly, with the same rules.
#[test]
fn serde_impls_follow_the_same_rules() {
    let user: User = serde_json::from_value(json!({"UserName": "x", "zz": 1})).unwrap();
    assert_eq!(
        serde_json::to_value(&user).unwrap(),
        json!({"userName": "x", "zz": 1})
    );
    let err = serde_json::from_value::<User>(json!({"emails": [{"value": {}}]})).unwrap_err();
    assert!(err.to_string().contains("expected a string"), "{err}");
    // `from_json` / `from_value` add the JSON path.
    let err = User::from_json(r#"{"emails": [{"value": {}}]}"#).unwrap_err();
    assert_eq!(decode_path(err).as_deref(), Some("emails[0].value"));
}

// ---- malformed input ---------------------------------------------------------------------

/// Wrong types give `Error::Decode` with the JSON path of the offending value.
#[test]
fn wrong_types_are_decode_errors_with_paths() {
    let cases: [(Value, &str); 8] = [
        (json!({"userName": ["a"]}), "userName"),
        (json!({"name": "Barbara"}), "name"),
        (json!({"name": {"givenName": {"x": 1}}}), "name.givenName"),
        (
            json!({"emails": [{"value": "a"}, {"primary": [1]}]}),
            "emails[1].primary",
        ),
        (json!({"emails": [1]}), "emails[0]"),
        (json!({"meta": "yesterday"}), "meta"),
        (
            json!({(urn::ENTERPRISE_USER): {"manager": {"value": true}}}),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value",
        ),
        (json!({"Active": "maybe"}), "Active"),
    ];
    for (input, path) in cases {
        let err = User::from_resource(resource(input.clone())).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Decode);
        assert_eq!(decode_path(err).as_deref(), Some(path), "input {input}");
    }
    let list = json!({"Resources": [{"userName": "ok"}, {"emails": [{"primary": 3}]}]});
    let err = ListResponse::<User>::from_resource(resource(list)).unwrap_err();
    assert_eq!(
        decode_path(err).as_deref(),
        Some("Resources[1].emails[0].primary")
    );
    let list = json!({"Resources": [7]});
    let err = ListResponse::<Resource>::from_resource(resource(list)).unwrap_err();
    assert_eq!(decode_path(err).as_deref(), Some("Resources[0]"));
    let err = BulkResponse::from_resource(resource(json!({"Operations": [{"status": true}]})))
        .unwrap_err();
    assert_eq!(decode_path(err).as_deref(), Some("Operations[0].status"));
    let err =
        ServiceProviderConfig::from_resource(resource(json!({"bulk": {"maxOperations": -1}})))
            .unwrap_err();
    assert_eq!(decode_path(err).as_deref(), Some("bulk.maxOperations"));
}

/// Malformed JSON text is a decode error, never a panic.
#[test]
fn malformed_json_is_a_decode_error() {
    for text in [
        "",
        "{",
        r#"{"userName": }"#,
        "[1]",
        "null",
        r#"{"a":1}x"#,
        "\u{feff}{}",
    ] {
        let err = Resource::from_json(text).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Decode, "{text:?}");
    }
}

// ---- properties --------------------------------------------------------------------------

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z$:._]{0,10}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn arb_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec(("[a-zA-Z$:._ ]{0,12}", arb_json()), 0..10)
        .prop_map(|kv| kv.into_iter().collect())
}

const USER_STRINGS: [&str; 13] = [
    "id",
    "externalId",
    "userName",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "password",
    "ignored",
];

/// One value of a multi-valued attribute, with an unknown sub-attribute now and then.
fn arb_item() -> impl Strategy<Value = Value> {
    let text = ".{0,10}";
    (
        prop::option::of(text),
        prop::option::of(prop_oneof![Just("work"), Just("home"), Just("other")]),
        prop::option::of(any::<bool>()),
        prop::option::of(arb_json()),
    )
        .prop_map(|(value, t, primary, unknown)| {
            let mut m = Map::new();
            if let Some(v) = value {
                m.insert("value".into(), json!(v));
            }
            if let Some(t) = t {
                m.insert("type".into(), json!(t));
            }
            if let Some(p) = primary {
                m.insert("primary".into(), json!(p));
            }
            if let Some(u) = unknown {
                m.insert("x-sub".into(), u);
            }
            Value::Object(m)
        })
}

/// A User-shaped object: modelled attributes (RFC spelling, right types), multi-valued
/// attributes with unknown sub-attributes, extension objects and unknown attributes.
fn arb_user() -> impl Strategy<Value = Value> {
    let text = ".{0,10}";
    (
        prop::collection::vec((0..USER_STRINGS.len() - 1, text), 0..8),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::collection::vec(arb_item(), 0..3)),
        prop::option::of(prop::collection::vec(arb_item(), 0..3)),
        prop::option::of((prop::option::of(text), prop::option::of(text))),
        prop::option::of(arb_object()),
        arb_object(),
    )
        .prop_map(
            |(strings, active, emails, roles, ent, other_ext, unknown)| {
                let mut m = Map::new();
                m.insert("schemas".into(), json!([urn::USER]));
                for (i, v) in strings {
                    m.insert(USER_STRINGS[i].into(), json!(v));
                }
                if let Some(a) = active {
                    m.insert("active".into(), json!(a));
                }
                if let Some(e) = emails {
                    m.insert("emails".into(), Value::Array(e));
                }
                if let Some(r) = roles {
                    m.insert("roles".into(), Value::Array(r));
                }
                if let Some((num, dept)) = ent {
                    let mut e = Map::new();
                    if let Some(n) = num {
                        e.insert("employeeNumber".into(), json!(n));
                    }
                    if let Some(d) = dept {
                        e.insert("department".into(), json!(d));
                    }
                    m.insert(urn::ENTERPRISE_USER.into(), Value::Object(e));
                    m.insert("schemas".into(), json!([urn::USER, urn::ENTERPRISE_USER]));
                }
                if let Some(x) = other_ext {
                    m.insert("urn:example:ext:2.0:Thing".into(), Value::Object(x));
                }
                for (k, v) in unknown {
                    // Unknown keys must not collide with modelled ones (any case).
                    let k = format!("x-{k}");
                    m.entry(k).or_insert(v);
                }
                Value::Object(m)
            },
        )
}

proptest! {
    /// Issue 2: "arbitrary JSON objects round-trip through `Resource` unchanged" — as values
    /// and as text (key order kept).
    #[test]
    fn arbitrary_objects_round_trip_through_resource(obj in arb_object()) {
        let text = serde_json::to_string(&obj).unwrap();
        let r = Resource::from_json(&text).unwrap();
        prop_assert_eq!(r.to_json(), text);
        let back = <Resource as ScimObject>::from_resource(r.clone()).unwrap().to_resource();
        prop_assert_eq!(back.into_value(), Value::Object(obj));
    }

    /// User-shaped objects round-trip through `User` unchanged.
    #[test]
    fn user_shaped_objects_round_trip_through_user(input in arb_user()) {
        prop_assert_eq!(round_trip::<User>(&input), input);
    }

    /// Any JSON object decodes as a User or fails with a decode error — never a panic — and
    /// what decodes re-encodes to a fixed point.
    #[test]
    fn arbitrary_objects_never_panic_and_reach_a_fixed_point(obj in arb_object()) {
        let text = serde_json::to_string(&obj).unwrap();
        let from_text = User::from_json(&text).map(|u| u.to_resource());
        match User::from_resource(Resource::from(obj)) {
            Ok(user) => {
                let once = user.to_resource();
                prop_assert_eq!(from_text.as_ref().ok(), Some(&once), "text and value paths agree");
                let twice = User::from_resource(once.clone()).unwrap().to_resource();
                prop_assert_eq!(once, twice);
            }
            Err(e) => {
                prop_assert_eq!(e.code(), ErrorCode::Decode);
                prop_assert_eq!(from_text.err().map(|e| e.code()), Some(ErrorCode::Decode));
            }
        }
    }

    /// Every typed decoder survives arbitrary input.
    #[test]
    fn every_decoder_survives_arbitrary_input(obj in arb_object()) {
        let r = Resource::from(obj);
        let codes = [
            Group::from_resource(r.clone()).err().map(|e| e.code()),
            ListResponse::<User>::from_resource(r.clone()).err().map(|e| e.code()),
            PatchOp::from_resource(r.clone()).err().map(|e| e.code()),
            BulkRequest::from_resource(r.clone()).err().map(|e| e.code()),
            BulkResponse::from_resource(r.clone()).err().map(|e| e.code()),
            ErrorResponse::from_resource(r.clone()).err().map(|e| e.code()),
            SearchRequest::from_resource(r.clone()).err().map(|e| e.code()),
            ServiceProviderConfig::from_resource(r.clone()).err().map(|e| e.code()),
            ResourceType::from_resource(r).err().map(|e| e.code()),
        ];
        for code in codes.into_iter().flatten() {
            prop_assert_eq!(code, ErrorCode::Decode);
        }
    }
}
