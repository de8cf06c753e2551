//! The typed resource model: RFC fixtures round-trip, deviating inputs, decode errors.

use scim_core::resource::{ListResponse, PatchOp, PatchOpKind, ScimObject};
use scim_core::{urn, ErrorCode, Group, Resource, User};
use serde_json::{json, Value};

fn resource(v: Value) -> Resource {
    Resource::from_value(v).unwrap()
}

/// Decodes `value` as `T`, encodes it back and returns the JSON.
fn round_trip<T: ScimObject>(value: &Value) -> Value {
    T::from_resource(resource(value.clone()))
        .unwrap()
        .to_resource()
        .into_value()
}

#[test]
fn smoke_user_round_trips_with_extension_and_unknown_keys() {
    let input = json!({
        "schemas": [urn::USER, urn::ENTERPRISE_USER],
        "id": "2819c223",
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "x-nick": "Babs"},
        "emails": [{"value": "b@example.com", "type": "work", "primary": true}],
        (urn::ENTERPRISE_USER): {"employeeNumber": "701984", "manager": {"value": "26118915"}},
        "urn:example:ext:1.0": {"shoeSize": 42},
        "meta": {"resourceType": "User", "version": "W/\"a330bc54f0671c9\""}
    });
    assert_eq!(round_trip::<User>(&input), input);
    let user = User::from_resource(resource(input)).unwrap();
    assert_eq!(
        user.enterprise().unwrap().employee_number.as_deref(),
        Some("701984")
    );
    assert_eq!(user.primary_email(), Some("b@example.com"));
    assert_eq!(user.extra["urn:example:ext:1.0"]["shoeSize"], 42);
}

#[test]
fn smoke_pascal_case_keys_decode_and_encode_in_rfc_case() {
    let user = User::from_resource(resource(json!({"UserName": "x", "Active": "True"}))).unwrap();
    assert_eq!(user.user_name.as_deref(), Some("x"));
    assert_eq!(user.active, Some(true));
    assert_eq!(
        user.to_resource().into_value(),
        json!({"schemas": [urn::USER], "userName": "x", "active": true})
    );
}

#[test]
fn smoke_group_and_list_and_patch() {
    let list = json!({
        "schemas": [urn::LIST_RESPONSE],
        "totalResults": 1,
        "Resources": [{"schemas": [urn::GROUP], "id": "e9e3", "displayName": "Tour Guides",
                       "members": [{"value": "2819c223", "$ref": "https://x/Users/2819c223", "display": "Babs"}]}]
    });
    assert_eq!(round_trip::<ListResponse<Group>>(&list), list);
    assert_eq!(round_trip::<ListResponse<Resource>>(&list), list);
    let patch = json!({"schemas": [urn::PATCH_OP], "Operations": [{"op": "Replace", "path": "active", "value": false}]});
    let p = PatchOp::from_resource(resource(patch.clone())).unwrap();
    assert_eq!(p.operations[0].op, PatchOpKind::Other("Replace".into()));
    assert_eq!(p.operations[0].op.normalized(), Some(PatchOpKind::Replace));
    assert_eq!(p.to_resource().into_value(), patch);
}

#[test]
fn smoke_wrong_types_are_decode_errors_with_paths() {
    let err = User::from_resource(resource(
        json!({"emails": [{"value": "a"}, {"primary": [1]}]}),
    ))
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Decode);
    match err {
        scim_core::Error::Decode { path, .. } => {
            assert_eq!(path.as_deref(), Some("emails[1].primary"))
        }
        other => panic!("{other:?}"),
    }
}
