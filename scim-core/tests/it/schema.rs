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

// ---------------------------------------------------------------------------------------
// Loading from `/Schemas`
// ---------------------------------------------------------------------------------------

use scim_core::ErrorCode;

/// RFC 7644 §4: "An HTTP GET to this endpoint is used to retrieve information about
/// resource schemas supported by a SCIM service provider" — a ListResponse of the §8.7
/// schemas loads, and the server's definitions replace the built-in ones.
#[test]
fn loads_a_schemas_list_response_and_server_definitions_win() {
    let resources: Vec<Value> = serde_json::from_str(RFC_8_7_1).unwrap();
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 3,
        "Resources": resources,
    });
    let registry = SchemaRegistry::from_schemas_response(&body.to_string()).unwrap();
    assert_eq!(registry.len(), 6);
    // The RFC's §8.7.1 Group says displayName is not required; the server's word wins.
    assert!(!registry
        .attribute_at(&[GROUP], "displayName")
        .unwrap()
        .is_required());
    assert!(SchemaRegistry::core()
        .attribute_at(&[GROUP], "displayName")
        .unwrap()
        .is_required());
    // Schemas the server did not serve stay built in.
    assert!(registry.schema(SERVICE_PROVIDER_CONFIG).is_some());
}

/// Real servers send `/Schemas` in shapes RFC 7644 §3.4.2 does not allow; all load.
#[test]
fn loads_the_not_quite_valid_shapes_real_servers_send() {
    let device = r#"{"id": "urn:example:Device", "attributes": [{"name": "serial"}]}"#;
    for body in [
        format!(r#"{{"resources": [{device}]}}"#),
        format!(r#"{{"RESOURCES": [{device}], "totalresults": "1"}}"#),
        format!(r#"[{device}]"#),
        device.to_owned(),
    ] {
        let mut r = SchemaRegistry::empty();
        assert_eq!(r.load_schemas_response(&body).unwrap(), 1, "{body}");
        assert!(
            r.attribute_at(&["urn:example:device"], "SERIAL").is_some(),
            "{body}"
        );
    }
    for empty in [
        r#"{"Resources": null, "totalResults": 0}"#,
        r#"{"totalResults": 0}"#,
        "[]",
    ] {
        let mut r = SchemaRegistry::empty();
        assert_eq!(r.load_schemas_response(empty).unwrap(), 0, "{empty}");
    }
    // PascalCase characteristics, enum values and booleans in any case, unknown
    // characteristics kept.
    let odd = r#"[{"ID": "urn:example:Odd", "Name": "Odd", "Attributes": [{
        "Name": "tags", "Type": "COMPLEX", "MultiValued": "TRUE", "Mutability": "READONLY",
        "Returned": "Always", "x-index": 3,
        "SubAttributes": [{"name": "value", "caseExact": "true", "Required": true}]}]}]"#;
    let mut r = SchemaRegistry::empty();
    r.load_schemas_response(odd).unwrap();
    let tags = r.attribute_at(&["urn:example:Odd"], "tags").unwrap();
    assert_eq!(tags.attr_type(), &AttributeType::Complex);
    assert!(tags.is_multi_valued() && tags.is_read_only());
    assert_eq!(tags.returned(), &Returned::Always);
    assert_eq!(tags.extra["x-index"], 3);
    let value = r.attribute_at(&["urn:example:Odd"], "tags.value").unwrap();
    assert!(value.is_case_exact() && value.is_required());
    assert_eq!(
        r.schema("urn:example:odd").unwrap().name.as_deref(),
        Some("Odd")
    );
}

/// Decode errors name the JSON path of what is wrong, and leave the registry unchanged.
#[test]
fn bad_schemas_are_decode_errors_with_the_json_path() {
    let cases = [
        (
            r#"{"Resources": [{"id": "urn:a", "attributes": []}, {"attributes": []}]}"#,
            Some("Resources[1]"),
            "missing field `id`",
        ),
        (
            r#"[{"id": "urn:a", "attributes": [{"name": 5}]}]"#,
            Some("[0].attributes[0].name"),
            "invalid type",
        ),
        (
            r#"{"resources": [{"id": "urn:a", "attributes": [{"name": "x", "subAttributes": [{"name": "y", "multiValued": "maybe"}]}]}]}"#,
            Some("resources[0].attributes[0].subAttributes[0].multiValued"),
            "maybe",
        ),
        (
            r#"{"Resources": {"id": "urn:a"}}"#,
            Some("Resources"),
            "expected an array of schemas",
        ),
        (r#"[1]"#, Some("[0]"), "expected a schema object"),
        ("42", None, "found a number"),
        (r#"{"Resources": ["#, None, "EOF"),
    ];
    for (body, path, message) in cases {
        let mut registry = SchemaRegistry::new();
        let err = registry.load_schemas_response(body).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Decode, "{body}");
        let scim_core::Error::Decode {
            path: got,
            message: got_message,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(got.as_deref(), path, "{body}: {err}");
        assert!(got_message.contains(message), "{body}: {err}");
        assert_eq!(registry.len(), 6, "a failed load changes nothing");
    }
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

use scim_core::schema::{IssueKind, Severity, ValidationMode};
use scim_core::Resource;

const RFC_8_1: &str = include_str!("../fixtures/rfc7643-8.1-minimal-user.json");
const RFC_8_2: &str = include_str!("../fixtures/rfc7643-8.2-full-user.json");
const RFC_8_3: &str = include_str!("../fixtures/rfc7643-8.3-enterprise-user.json");

fn issues(resource: &Resource, mode: ValidationMode) -> BTreeSet<(String, IssueKind)> {
    SchemaRegistry::core()
        .validate(resource, mode)
        .issues
        .into_iter()
        .map(|i| (i.path, i.kind))
        .collect()
}

fn set(items: &[(&str, IssueKind)]) -> BTreeSet<(String, IssueKind)> {
    items.iter().map(|(p, k)| ((*p).to_owned(), *k)).collect()
}

/// RFC 7643 §8.1 "the minimal required SCIM representation", §8.2 "the fully populated
/// SCIM representation" and §8.3 the enterprise User are valid responses. (§8.2/§8.3 show
/// `password`, which §4.1.1 says is never returned: a warning, not an error.)
#[test]
fn rfc7643_8_1_to_8_3_users_are_valid() {
    let minimal = Resource::from_json(RFC_8_1).unwrap();
    assert_eq!(issues(&minimal, ValidationMode::Response), set(&[]));
    for text in [RFC_8_2, RFC_8_3] {
        let user = Resource::from_json(text).unwrap();
        let report = SchemaRegistry::core().validate(&user, ValidationMode::Response);
        assert!(report.is_valid(), "{report}");
        assert_eq!(
            issues(&user, ValidationMode::Response),
            set(&[("password", IssueKind::NeverReturned)])
        );
    }
    // As a request, the read-only attributes are reported for the client to strip.
    let user = Resource::from_json(RFC_8_3).unwrap();
    let report = SchemaRegistry::core().validate(&user, ValidationMode::Create);
    assert!(report.is_valid(), "{report}");
    assert_eq!(
        issues(&user, ValidationMode::Create),
        set(&[
            ("id", IssueKind::ReadOnly),
            ("groups", IssueKind::ReadOnly),
            (
                &format!("{ENTERPRISE_USER}:manager.displayName"),
                IssueKind::ReadOnly
            ),
            ("meta", IssueKind::ReadOnly),
        ])
    );
    assert!(report
        .of(Severity::Info)
        .all(|i| i.message.contains("read-only")));
}

/// RFC 7643 §2.2–§2.4: types, plurality, required and canonical values. Every problem of
/// a broken §8.3 user is reported at once, each at its path.
#[test]
fn every_problem_of_a_broken_user_is_reported_with_its_path() {
    let mut user: Value = serde_json::from_str(RFC_8_3).unwrap();
    let u = user.as_object_mut().unwrap();
    u.remove("userName");
    u["schemas"] = serde_json::json!([USER]);
    u["emails"][0]["value"] = 42.into();
    u["emails"][1]["primary"] = true.into();
    u["emails"][1]["type"] = "HOME".into(); // canonical, compared case-insensitively
    u["phoneNumbers"][1]["type"] = "satellite".into();
    u["active"] = "true".into();
    u["displayName"] = serde_json::json!(["Babs"]);
    u["ims"] = serde_json::json!({"value": "aim"});
    u["name"] = "Barbara".into();
    u["profileUrl"] = "not a url".into();
    u["x509Certificates"][0]["value"] = "not base64!".into();
    u["meta"]["created"] = "2010-01-23".into();
    u["nickName"] = Value::Null; // RFC 7643 §2.5: null is unassigned, not a type error
    u.insert("x-vendor".into(), serde_json::json!({"anything": [1, 2]}));
    u[ENTERPRISE_USER]["manager"]["value"] = 5.into();
    u[ENTERPRISE_USER]["employeeNumber"] = true.into();
    let user = Resource::from_value(user).unwrap();
    let ext = |p: &str| format!("{ENTERPRISE_USER}{p}");
    assert_eq!(
        issues(&user, ValidationMode::Response),
        set(&[
            ("userName", IssueKind::MissingRequired),
            ("emails[0].value", IssueKind::WrongType),
            ("emails", IssueKind::MultiplePrimary),
            ("phoneNumbers[1].type", IssueKind::NonCanonicalValue),
            ("active", IssueKind::WrongType),
            ("displayName", IssueKind::ExpectedSingleValued),
            ("ims", IssueKind::ExpectedMultiValued),
            ("name", IssueKind::WrongType),
            ("profileUrl", IssueKind::InvalidValue),
            ("x509Certificates[0].value", IssueKind::InvalidValue),
            ("meta.created", IssueKind::InvalidValue),
            ("password", IssueKind::NeverReturned),
            (ENTERPRISE_USER, IssueKind::UndeclaredExtension),
            (&ext(":manager.value"), IssueKind::WrongType),
            (&ext(":employeeNumber"), IssueKind::WrongType),
        ])
    );
    let report = SchemaRegistry::core().validate(&user, ValidationMode::Response);
    assert_eq!(report.warnings().count(), 2);
    assert!(
        report
            .to_string()
            .contains("error at emails[0].value: expected a string, found a number"),
        "{report}"
    );
}

/// RFC 7643 §3: "schemas ... REQUIRED"; §5: ServiceProviderConfig's `bulk.maxOperations`
/// is an integer and `authenticationSchemes.type` is "REQUIRED".
#[test]
fn schemas_integers_and_required_sub_attributes_are_checked() {
    let none = Resource::from_json(r#"{"userName": "x"}"#).unwrap();
    assert_eq!(
        issues(&none, ValidationMode::Create),
        set(&[("schemas", IssueKind::MissingSchemas)])
    );
    let unknown = Resource::from_json(r#"{"schemas": ["urn:example:X", 3], "a": 1}"#).unwrap();
    assert_eq!(
        issues(&unknown, ValidationMode::Create),
        set(&[
            ("schemas", IssueKind::UnknownSchema),
            ("schemas[1]", IssueKind::WrongType)
        ])
    );
    let spc = serde_json::json!({
        "schemas": [SERVICE_PROVIDER_CONFIG],
        "patch": {"supported": true},
        "bulk": {"supported": true, "maxOperations": 1.5, "maxPayloadSize": "1048576"},
        "filter": {"supported": true, "maxResults": 200},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "authenticationSchemes": [{"name": "OAuth", "description": "Bearer"}]
    });
    let spc = Resource::from_value(spc).unwrap();
    assert_eq!(
        issues(&spc, ValidationMode::Response),
        set(&[
            ("bulk.maxOperations", IssueKind::InvalidValue),
            ("bulk.maxPayloadSize", IssueKind::WrongType),
            ("authenticationSchemes[0].type", IssueKind::MissingRequired),
            ("etag", IssueKind::MissingRequired),
        ])
    );
    // In a request, read-only attributes are never required.
    assert!(issues(&spc, ValidationMode::Create)
        .iter()
        .all(|(_, k)| *k == IssueKind::ReadOnly));
}

/// RFC 7643 §2.2: "readOnly The attribute SHALL NOT be modified." The client strips them
/// (top-level, sub-attributes, extension attributes) before create/replace; `schemas`
/// stays.
#[test]
fn strip_read_only_removes_read_only_attributes_everywhere_but_schemas() {
    let mut user = Resource::from_json(RFC_8_3).unwrap();
    SchemaRegistry::core().strip_read_only(&mut user);
    let mut expected: Value = serde_json::from_str(RFC_8_3).unwrap();
    let e = expected.as_object_mut().unwrap();
    e.shift_remove("id");
    e.shift_remove("meta");
    e.shift_remove("groups");
    e[ENTERPRISE_USER]["manager"]
        .as_object_mut()
        .unwrap()
        .shift_remove("displayName");
    assert_eq!(user.to_value(), expected);
    assert!(issues(&user, ValidationMode::Create).is_empty());
    // Keys are matched case-insensitively; unknown attributes stay.
    let mut odd = Resource::from_json(r#"{"schemas": [], "ID": "1", "Meta": {}, "x": 1}"#).unwrap();
    SchemaRegistry::core().strip_read_only(&mut odd);
    assert_eq!(odd.to_json(), r#"{"schemas":[],"x":1}"#);
    // A custom resource type keeps its own `groups`, which is not User's read-only one.
    let mut device =
        Resource::from_json(r#"{"schemas": ["urn:example:Device"], "id": "d", "groups": ["a"]}"#)
            .unwrap();
    SchemaRegistry::core().strip_read_only(&mut device);
    assert_eq!(
        device.to_json(),
        r#"{"schemas":["urn:example:Device"],"groups":["a"]}"#
    );
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

use proptest::prelude::*;

/// Every attribute and sub-attribute path of User, EnterpriseUser and Group.
fn core_paths() -> Vec<(Vec<&'static str>, String)> {
    let r = SchemaRegistry::core();
    let mut out = Vec::new();
    for (schemas, id, qualified) in [
        (vec![USER, ENTERPRISE_USER], USER, false),
        (vec![USER, ENTERPRISE_USER], ENTERPRISE_USER, true),
        (vec![GROUP], GROUP, false),
    ] {
        for a in &r.schema(id).unwrap().attributes {
            let base = if qualified {
                format!("{id}:{}", a.name)
            } else {
                a.name.clone()
            };
            out.push((schemas.clone(), base.clone()));
            for s in a.sub_attributes() {
                out.push((schemas.clone(), format!("{base}.{}", s.name)));
            }
        }
    }
    out
}

/// A JSON value whose object keys are often real attribute names, in any case.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "userName",
            "name",
            "givenName",
            "emails",
            "value",
            "type",
            "primary",
            "active",
            "groups",
            "id",
            "meta",
            "created",
            "x509Certificates",
            "manager",
            "displayName",
            "schemas",
            "phoneNumbers",
            "password",
            ENTERPRISE_USER,
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z$]{1,8}",
    ]
    .prop_flat_map(|k| {
        let n = k.len();
        prop::collection::vec(any::<bool>(), n).prop_map(move |upper| {
            k.chars()
                .zip(upper)
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect::<String>()
        })
    });
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("2010-01-23T04:56:22Z".to_owned()),
            Just("work".to_owned()),
            ".{0,12}"
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    /// RFC 7643 §2.1: "Attribute names are case insensitive" — any casing of any path
    /// finds the very same definition.
    #[test]
    fn lookup_ignores_case(index in any::<prop::sample::Index>(), upper in prop::collection::vec(any::<bool>(), 128)) {
        let paths = core_paths();
        let (schemas, path) = &paths[index.index(paths.len())];
        let r = SchemaRegistry::core();
        let want = r.attribute_at(schemas, path).unwrap();
        let cased: String = path.chars().zip(upper.iter().cycle())
            .map(|(c, u)| if *u { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        prop_assert!(std::ptr::eq(r.attribute_at(schemas, &cased).unwrap(), want), "{}", cased);
    }

    /// Validation and stripping never panic on arbitrary objects; stripping is
    /// idempotent, keeps `schemas`, and leaves nothing read-only for a request.
    #[test]
    fn validate_and_strip_are_total_and_strip_is_idempotent(
        extra in prop::collection::vec((prop::sample::select(vec!["id", "meta", "groups", "emails", "name", ENTERPRISE_USER]), json_value()), 0..4),
        body in json_value(),
    ) {
        let mut map = match body { Value::Object(m) => m, other => [("x".to_owned(), other)].into_iter().collect() };
        map.insert("schemas".into(), serde_json::json!([USER, ENTERPRISE_USER]));
        for (k, v) in extra {
            map.insert(k.to_owned(), v);
        }
        let resource = Resource::from(map);
        let r = SchemaRegistry::core();
        for mode in [ValidationMode::Create, ValidationMode::Replace, ValidationMode::Response] {
            let report = r.validate(&resource, mode);
            prop_assert!(report.issues.iter().all(|i| !i.message.is_empty()));
        }
        let mut once = resource.clone();
        r.strip_read_only(&mut once);
        let mut twice = once.clone();
        r.strip_read_only(&mut twice);
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(once.get("schemas"), resource.get("schemas"));
        let report = r.validate(&once, ValidationMode::Create);
        prop_assert!(report.issues.iter().all(|i| i.kind != IssueKind::ReadOnly), "{}", report);
    }

    /// RFC 7643 §2.3.5: every RFC 3339 timestamp (with an offset) is an xsd:dateTime.
    #[test]
    fn rfc3339_timestamps_validate_as_date_times(secs in -62_135_596_800i64..253_402_300_799, nanos in 0u32..1_000_000_000, offset in -50_400i32..=50_400) {
        let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap()
            .replace_nanosecond(nanos).unwrap()
            .to_offset(time::UtcOffset::from_whole_seconds(offset / 60 * 60).unwrap());
        let text = t.format(&time::format_description::well_known::Rfc3339).unwrap();
        let user = Resource::from_value(serde_json::json!({
            "schemas": [USER], "userName": "u", "meta": {"created": text}
        })).unwrap();
        prop_assert!(SchemaRegistry::core().validate(&user, ValidationMode::Response).is_valid(), "{}", text);
    }
}
