//! Schema definitions, the registry's lookups, loading from `/Schemas`, and validation.

use std::collections::BTreeSet;

use scim_core::schema::{AttributeType, Mutability, Returned, Schema};
use scim_core::urn::{
    ENTERPRISE_USER, GROUP, RESOURCE_TYPE, SCHEMA, SERVICE_PROVIDER_CONFIG, USER,
};
use scim_core::SchemaRegistry;
use serde_json::Value;

const RFC_8_7_1: &str = include_str!("../fixtures/rfc7643-8.7.1-resource-schemas.json");
const RFC_8_7_2: &str = include_str!("../fixtures/rfc7643-8.7.2-service-provider-schemas.json");

/// Every place where two JSON values differ, as `path: what`.
fn differences(path: &str, a: &Value, b: &Value, out: &mut BTreeSet<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => differences(&format!("{path}.{k}"), v, w, out),
                    None => {
                        out.insert(format!("{path}.{k}: removed"));
                    }
                }
            }
            for k in y.keys().filter(|k| !x.contains_key(*k)) {
                out.insert(format!("{path}.{k}: added"));
            }
        }
        // Arrays of attributes are compared by name, others item by item.
        (Value::Array(x), Value::Array(y))
            if x.iter().chain(y).all(|v| v.get("name").is_some()) =>
        {
            let name = |v: &Value| v["name"].as_str().unwrap_or_default().to_owned();
            for v in x {
                match y.iter().find(|w| name(w) == name(v)) {
                    Some(w) => differences(&format!("{path}[{}]", name(v)), v, w, out),
                    None => {
                        out.insert(format!("{path}[{}]: removed", name(v)));
                    }
                }
            }
            for w in y.iter().filter(|w| !x.iter().any(|v| name(v) == name(w))) {
                out.insert(format!("{path}[{}]: added", name(w)));
            }
        }
        _ if a != b => {
            out.insert(format!("{path}: {a} -> {b}"));
        }
        _ => {}
    }
}

/// RFC 7643 §8.7.1: "The following is intended as an example of the SCIM schema
/// representation in JSON format for SCIM resources." and §8.7.2: "The following is a
/// representation of the SCIM schema for the fixed service provider schemas". Both parse,
/// and the built-in definitions are that JSON with exactly the errata fixes documented in
/// `schema/builtin.rs` — nothing more, nothing less.
#[test]
fn rfc7643_8_7_schemas_parse_and_equal_the_builtins_but_for_errata() {
    let mut rfc: Vec<Value> = serde_json::from_str(RFC_8_7_1).unwrap();
    rfc.extend(serde_json::from_str::<Vec<Value>>(RFC_8_7_2).unwrap());
    let registry = SchemaRegistry::core();
    assert_eq!(registry.len(), 6);
    let mut diff = BTreeSet::new();
    for rfc_schema in &rfc {
        let id = rfc_schema["id"].as_str().unwrap();
        // Every RFC schema parses as a `Schema` and re-encodes to the same JSON.
        let parsed: Schema = serde_json::from_value(rfc_schema.clone()).unwrap();
        assert_eq!(&serde_json::to_value(&parsed).unwrap(), rfc_schema, "{id}");
        let builtin = serde_json::to_value(registry.schema(id).unwrap()).unwrap();
        differences(
            id.rsplit(':').next().unwrap(),
            rfc_schema,
            &builtin,
            &mut diff,
        );
    }
    let enterprise_user_is_unchanged = !diff.iter().any(|d| d.contains("manager"));
    assert!(enterprise_user_is_unchanged);
    let expected: BTreeSet<String> = [
        "User.attributes[addresses].subAttributes[primary]: added",
        "Group.attributes[displayName].required: false -> true",
        "Group.attributes[members].subAttributes[display]: added",
        "ServiceProviderConfig.attributes[etag]: added",
        "ServiceProviderConfig.attributes[authenticationSchemes].subAttributes[type]: added",
        "ServiceProviderConfig.attributes[authenticationSchemes].subAttributes[primary]: added",
        "ResourceType.attributes[schemaExtensions].multiValued: false -> true",
        "ResourceType.attributes[schemaExtensions].required: true -> false",
        "Schema.attributes[id].returned: \"default\" -> \"always\"",
        "Schema.attributes[name].required: true -> false",
        "Schema.attributes[description].description: \"The schema's human-readable name.  When applicable, service providers MUST specify the name, e.g., 'User'.\" -> \"The schema's human-readable description.  When applicable, service providers MUST specify the description.\"",
        "Schema.attributes[attributes].subAttributes[type].canonicalValues: [\"string\",\"complex\",\"boolean\",\"decimal\",\"integer\",\"dateTime\",\"reference\"] -> [\"string\",\"complex\",\"boolean\",\"decimal\",\"integer\",\"dateTime\",\"reference\",\"binary\"]",
        "Schema.attributes[attributes].subAttributes[subAttributes].subAttributes[type].canonicalValues: [\"string\",\"complex\",\"boolean\",\"decimal\",\"integer\",\"dateTime\",\"reference\"] -> [\"string\",\"complex\",\"boolean\",\"decimal\",\"integer\",\"dateTime\",\"reference\",\"binary\"]",
        "Schema.attributes[attributes].subAttributes[subAttributes].subAttributes[referenceTypes].multiValued: false -> true",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(diff, expected);
}

/// RFC 7643 §7: a schema has `id`, `name`, `description`, `attributes`; every attribute
/// characteristic survives JSON → `Schema` → JSON unchanged, unknown keys included.
#[test]
fn schema_struct_round_trips_json_with_unknown_keys() {
    let text = r#"{
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": "urn:example:Device",
        "name": "Device",
        "x-vendor": {"a": 1},
        "attributes": [
            {"name": "serial", "type": "string", "multiValued": false, "required": true,
             "caseExact": true, "mutability": "immutable", "returned": "always",
             "uniqueness": "global", "x-index": true},
            {"name": "ports", "type": "complex", "multiValued": true,
             "subAttributes": [{"name": "speed", "type": "decimal", "canonicalValues": [1, 2.5]}]},
            {"name": "owner", "type": "reference", "referenceTypes": ["User", "external"]},
            {"name": "seen", "type": "dateTime", "returned": "REQUEST", "mutability": "Other"}
        ],
        "meta": {"resourceType": "Schema", "location": "/Schemas/urn:example:Device"}
    }"#;
    let input: Value = serde_json::from_str(text).unwrap();
    let schema: Schema = serde_json::from_str(text).unwrap();
    let seen = schema.attribute("SEEN").unwrap();
    assert_eq!(seen.returned(), &Returned::Request);
    assert_eq!(seen.mutability(), &Mutability::Other("Other".into()));
    let mut expected = input.clone();
    // Enum spellings are normalised to the RFC's; everything else comes back as sent.
    expected["attributes"][3]["returned"] = "request".into();
    assert_eq!(serde_json::to_value(&schema).unwrap(), expected);
}

/// RFC 7643 §2.1: "Attribute names are case insensitive"; RFC 7644 §3.10: attributes
/// may be qualified with their schema URN.
#[test]
fn lookup_by_urn_path_sub_attribute_and_case() {
    let r = SchemaRegistry::core();
    let user = [USER, ENTERPRISE_USER];
    let a = r.attribute_at(&user, "emails.type").unwrap();
    assert_eq!(a.canonical_values.as_ref().unwrap().len(), 3);
    assert!(r.attribute_at(&user, "EMAILS.VALUE").is_some());
    assert!(!r.attribute_at(&user, "userName").unwrap().is_case_exact());
    assert_eq!(
        r.attribute_at(&user, &format!("{USER}:name.givenName"))
            .unwrap()
            .name,
        "givenName"
    );
    let upper = format!("{}:MANAGER.displayname", ENTERPRISE_USER.to_uppercase());
    let m = r.attribute_at(&user, &upper).unwrap();
    assert!(m.is_read_only());
    // Extension attributes are not top-level attributes of the resource.
    assert!(r.attribute_at(&user, "manager").is_none());
    // Common attributes (RFC 7643 §3.1), plain and core-qualified.
    assert!(r.attribute_at(&user, "id").unwrap().is_case_exact());
    assert_eq!(
        r.attribute_at(&user, "meta.lastModified")
            .unwrap()
            .attr_type(),
        &AttributeType::DateTime
    );
    assert!(r
        .attribute_at(&user, &format!("{USER}:externalId"))
        .is_some());
    assert!(r.attribute_at(&[GROUP], "members.display").is_some());
    assert!(r.attribute_at(&[GROUP], "emails").is_none());
    // Without schemas, the core resource schemas are searched, User first.
    assert!(r.attribute_at(&[], "members.value").is_some());
    assert!(r
        .attribute_at(&[], "displayName")
        .unwrap()
        .description
        .as_deref()
        .unwrap()
        .contains("User"));
    for id in [SERVICE_PROVIDER_CONFIG, RESOURCE_TYPE, SCHEMA] {
        assert!(r.schema(&id.to_lowercase()).is_some(), "{id}");
    }
    assert!(r
        .attribute_at(&[SERVICE_PROVIDER_CONFIG], "etag.supported")
        .is_some());
    assert!(r.attribute_at(&user, "unknownAttr").is_none());
    assert!(r.attribute_at(&user, "urn:example:unknown:x").is_none());
}
