//! PATCH apply and diff (RFC 7644 §3.5.2), from the RFC 7643 §8 user and group.

use scim_core::patch::{self, ApplyOptions, DiffOptions, MemberRemoval};
use scim_core::resource::{PatchOp, PatchOperation};
use scim_core::{Error, Resource, SchemaRegistry, ScimType};
use serde_json::{json, Value};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const BABS: &str = "2819c223-7f76-453a-919d-413861904646";
const MANDY: &str = "902c246b-6245-4190-8e05-00816be7344a";
const JAMES: &str = "08e1d05d-121c-4561-8b96-473d93df9210";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn user() -> Resource {
    Resource::from_value(fixture("rfc7643-8.3-enterprise-user.json")).unwrap()
}

fn group() -> Resource {
    Resource::from_value(fixture("rfc7643-8.4-group.json")).unwrap()
}

fn ops(operations: Value) -> PatchOp {
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations
    }))
    .unwrap()
}

fn request(name: &str) -> PatchOp {
    serde_json::from_value(fixture(name)).unwrap()
}

fn apply(r: &mut Resource, p: &PatchOp) -> Result<(), Error> {
    both(r, p, &ApplyOptions::strict())
}

fn lenient(r: &mut Resource, p: &PatchOp) -> Result<(), Error> {
    both(r, p, &ApplyOptions::lenient())
}

/// `apply_with` on `r`, after checking that `apply_owned_with` on a copy (taking a copy
/// of `p`) gives the same resource and the same error: every test of this file checks
/// both entry points.
fn both(r: &mut Resource, p: &PatchOp, options: &ApplyOptions) -> Result<(), Error> {
    let mut owned = r.clone();
    let by_value = patch::apply_owned_with(&mut owned, p.clone(), SchemaRegistry::core(), options);
    let by_ref = patch::apply_with(r, p, SchemaRegistry::core(), options);
    assert_eq!(&owned, r, "apply_owned and apply differ");
    match (&by_value, &by_ref) {
        (Ok(()), Ok(())) => {}
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string());
            assert_eq!(a.operation_index(), b.operation_index());
            assert_eq!(a.scim_type(), b.scim_type());
        }
        _ => panic!("apply_owned gave {by_value:?}, apply {by_ref:?}"),
    }
    by_ref
}

/// Applies `operations` to `r` and returns it.
fn applied(mut r: Resource, operations: Value) -> Resource {
    apply(&mut r, &ops(operations)).unwrap_or_else(|e| panic!("{e}"));
    r
}

/// Asserts that `operations` fail at `index` with `scim_type` and leave `r` untouched.
fn fails(r: &Resource, operations: Value, index: usize, scim_type: ScimType) -> String {
    let mut copy = r.clone();
    let err = apply(&mut copy, &ops(operations)).expect_err("the PATCH should fail");
    assert_eq!(err.operation_index(), Some(index), "{err}");
    assert_eq!(err.scim_type(), Some(&scim_type), "{err}");
    assert_eq!(&copy, r, "a failed PATCH changed the resource");
    err.to_string()
}

fn members(r: &Resource) -> Vec<&str> {
    r.get("members")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(|v| v["value"].as_str()).collect())
        .unwrap_or_default()
}

// ---- RFC 7644 §3.5.2.1 add ------------------------------------------------------------

/// RFC 7644 §3.5.2.1: "If the target location specifies a multi-valued attribute, a new
/// value is added to the attribute." (the RFC's example: add a member to a group)
#[test]
fn rfc7644_3_5_2_1_add_member() {
    let mut g = group();
    g.as_map_mut()["members"].as_array_mut().unwrap().remove(0);
    apply(&mut g, &request("rfc7644-3.5.2.1-add-member.json")).unwrap();
    assert_eq!(members(&g), [MANDY, BABS]);
    assert_eq!(g.get("members").unwrap()[1]["display"], "Babs Jensen");
}

/// RFC 7644 §3.5.2.1: "If the target location already contains the value specified, no
/// changes SHOULD be made to the resource".
#[test]
fn rfc7644_3_5_2_1_add_existing_value_changes_nothing() {
    let mut g = group();
    apply(&mut g, &request("rfc7644-3.5.2.1-add-member.json")).unwrap();
    assert_eq!(g, group());
    // With fewer details (only `value`), it is the same member, not a second one.
    let g = applied(
        group(),
        json!([{"op": "add", "path": "members", "value": [{"value": BABS}]}]),
    );
    assert_eq!(g, group());
}

/// RFC 7644 §3.5.2.1: the path-less example; "nickname" names `nickName`, and the home
/// email is already there.
#[test]
fn rfc7644_3_5_2_1_add_without_path() {
    let mut u = user();
    apply(&mut u, &request("rfc7644-3.5.2.1-add-without-path.json")).unwrap();
    assert_eq!(u, user());

    let mut u = user();
    u.remove("nickName");
    u.remove("emails");
    apply(&mut u, &request("rfc7644-3.5.2.1-add-without-path.json")).unwrap();
    assert_eq!(u.get("nickName"), Some(&json!("Babs")));
    assert!(
        u.key("nickname") == Some("nickName"),
        "a new attribute takes the schema's name"
    );
    assert_eq!(
        u.get("emails"),
        Some(&json!([{"value": "babs@jensen.org", "type": "home"}]))
    );
}

/// RFC 7644 §3.5.2.1: "If the target location does not exist, the attribute and value are
/// added." and "If the target location specifies a single-valued attribute, the existing
/// value is replaced."
#[test]
fn rfc7644_3_5_2_1_add_single_valued_creates_or_replaces() {
    let u = applied(
        user(),
        json!([{"op": "add", "path": "title", "value": "Head Guide"}]),
    );
    assert_eq!(u.get("title"), Some(&json!("Head Guide")));
    let mut base = user();
    base.remove("title");
    let u = applied(
        base,
        json!([{"op": "add", "path": "TITLE", "value": "Guide"}]),
    );
    assert_eq!(u.key("title"), Some("title"));
}

/// RFC 7644 §3.5.2.1: "If the target location specifies a complex attribute, a set of
/// sub-attributes SHALL be specified in the "value" parameter."
#[test]
fn rfc7644_3_5_2_1_add_complex_merges_sub_attributes() {
    let u = applied(
        user(),
        json!([{"op": "add", "path": "name", "value": {"givenName": "Babs"}}]),
    );
    assert_eq!(u.get_path("name.givenName"), Some(&json!("Babs")));
    assert_eq!(u.get_path("name.familyName"), Some(&json!("Jensen")));
    fails(
        &user(),
        json!([{"op": "add", "path": "name", "value": "Babs"}]),
        0,
        ScimType::InvalidValue,
    );
}

// ---- RFC 7644 §3.5.2.2 remove ---------------------------------------------------------

/// RFC 7644 §3.5.2.2: "If the target location is a multi-valued attribute and a complex
/// filter is specified comparing a "value", the values matched by the filter are
/// removed."
#[test]
fn rfc7644_3_5_2_2_remove_one_member() {
    let mut g = group();
    apply(&mut g, &request("rfc7644-3.5.2.2-remove-one-member.json")).unwrap();
    assert_eq!(members(&g), [MANDY]);
}

/// RFC 7644 §3.5.2.2: "If the target location is a multi-valued attribute and no filter
/// is specified, the attribute and all values are removed".
#[test]
fn rfc7644_3_5_2_2_remove_all_members() {
    let mut g = group();
    apply(&mut g, &request("rfc7644-3.5.2.2-remove-all-members.json")).unwrap();
    assert!(g.get("members").is_none());
}

/// RFC 7644 §3.5.2.2: the example that removes all members and adds two in one request.
#[test]
fn rfc7644_3_5_2_2_remove_and_add_members() {
    let mut g = group();
    apply(
        &mut g,
        &request("rfc7644-3.5.2.2-remove-and-add-members.json"),
    )
    .unwrap();
    assert_eq!(members(&g), [BABS, JAMES]);
}

/// RFC 7644 §3.5.2.2: the example removing `emails[type eq "work" and value ew
/// "example.com"]`.
#[test]
fn rfc7644_3_5_2_2_remove_work_email() {
    let mut u = user();
    apply(&mut u, &request("rfc7644-3.5.2.2-remove-work-email.json")).unwrap();
    assert_eq!(
        u.get("emails"),
        Some(&json!([{"value": "babs@jensen.org", "type": "home"}]))
    );
}

/// RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with HTTP status
/// code 400 and a "scimType" error code of "noTarget"."
#[test]
fn rfc7644_3_5_2_2_remove_without_path_is_no_target() {
    fails(&user(), json!([{"op": "remove"}]), 0, ScimType::NoTarget);
}

/// DESIGN.md: removing the last value removes the attribute (RFC 7644 §3.5.2.2: "If no
/// other values remain after removal of the selected values, the multi-valued attribute
/// SHALL be considered unassigned.").
#[test]
fn removing_the_last_value_removes_the_attribute() {
    let g = applied(
        group(),
        json!([
            {"op": "remove", "path": format!("members[value eq \"{BABS}\"]")},
            {"op": "remove", "path": format!("members[value eq \"{MANDY}\"]")}
        ]),
    );
    assert!(g.get("members").is_none(), "{}", g.to_json());
    // The same for the last sub-attribute of a complex attribute.
    let mut u = user();
    u.insert("name", json!({"givenName": "Barbara"}));
    let u = applied(u, json!([{"op": "remove", "path": "name.givenName"}]));
    assert!(u.get("name").is_none());
}

/// DESIGN.md: remove with a filter that matches nothing is noTarget.
#[test]
fn remove_with_unmatched_filter_is_no_target() {
    fails(
        &group(),
        json!([{"op": "remove", "path": "members[value eq \"nobody\"]"}]),
        0,
        ScimType::NoTarget,
    );
}

/// Removing an absent attribute changes nothing (it is already unassigned).
#[test]
fn removing_an_absent_attribute_changes_nothing() {
    let g = applied(group(), json!([{"op": "remove", "path": "externalId"}]));
    assert_eq!(g, group());
}

/// The Microsoft Entra ID / Salesforce shape: `remove` on `members` with a value list
/// removes the listed members, never the whole attribute.
#[test]
fn remove_with_value_list_removes_listed_members_only() {
    let g = applied(
        group(),
        json!([{"op": "remove", "path": "members", "value": [{"value": BABS}, {"value": "absent"}]}]),
    );
    assert_eq!(members(&g), [MANDY]);
}

/// RFC 7644 §3.5.2.2: a sub-attribute of the values a filter selects.
#[test]
fn remove_sub_attribute_of_filtered_values() {
    let u = applied(
        user(),
        json!([{"op": "remove", "path": "emails[type eq \"work\"].primary"}]),
    );
    assert_eq!(
        u.get("emails").unwrap()[0],
        json!({"value": "bjensen@example.com", "type": "work"})
    );
}

// ---- RFC 7644 §3.5.2.3 replace --------------------------------------------------------

/// RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute and no filter
/// is specified, the attribute and all values are replaced."
#[test]
fn rfc7644_3_5_2_3_replace_members() {
    let mut g = group();
    apply(&mut g, &request("rfc7644-3.5.2.3-replace-members.json")).unwrap();
    assert_eq!(members(&g), [BABS, JAMES]);
}

/// RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute and a value
/// selection filter is specified that matches one or more values of the multi-valued
/// attribute, then all matching record values SHALL be replaced."
#[test]
fn rfc7644_3_5_2_3_replace_work_address() {
    let mut u = user();
    apply(
        &mut u,
        &request("rfc7644-3.5.2.3-replace-work-address.json"),
    )
    .unwrap();
    let addresses = u.get("addresses").unwrap();
    assert_eq!(addresses[0]["streetAddress"], "911 Universal City Plaza");
    assert_eq!(addresses[0]["country"], "US");
    assert_eq!(
        addresses[0]["formatted"],
        "911 Universal City Plaza\nHollywood, CA 91608 US"
    );
    assert_eq!(addresses[1]["streetAddress"], "456 Hollywood Blvd");
}

/// RFC 7644 §3.5.2.3: "If the target location path specifies a sub-attribute of the
/// selected values, only that sub-attribute is replaced" (the streetAddress example).
#[test]
fn rfc7644_3_5_2_3_replace_street_address() {
    let mut u = user();
    apply(
        &mut u,
        &request("rfc7644-3.5.2.3-replace-street-address.json"),
    )
    .unwrap();
    let mut want = user();
    want.as_map_mut()["addresses"][0]["streetAddress"] = json!("1010 Broadway Ave");
    assert_eq!(u, want);
}

/// RFC 7644 §3.5.2.3: the path-less example replaces `emails` and `nickName`.
#[test]
fn rfc7644_3_5_2_3_replace_without_path() {
    let mut u = user();
    u.insert("emails", json!([{"value": "x@example.com"}]));
    u.insert("nickName", json!("B"));
    apply(
        &mut u,
        &request("rfc7644-3.5.2.3-replace-without-path.json"),
    )
    .unwrap();
    assert_eq!(u, user());
}

/// RFC 7644 §3.5.2.3: "Sub-attributes that are not specified in the "value" parameter
/// are left unchanged." (SCIMMY replaces the whole attribute.)
#[test]
fn rfc7644_3_5_2_3_replace_complex_keeps_other_sub_attributes() {
    let u = applied(
        user(),
        json!([{"op": "replace", "path": "name", "value": {"familyName": "Smith"}}]),
    );
    assert_eq!(u.get_path("name.familyName"), Some(&json!("Smith")));
    assert_eq!(u.get_path("name.givenName"), Some(&json!("Barbara")));
    assert_eq!(u.get("name").unwrap().as_object().unwrap().len(), 6);
}

/// RFC 7644 §3.5.2.3: "If the target location path specifies an attribute that does not
/// exist, the service provider SHALL treat the operation as an "add"."
#[test]
fn rfc7644_3_5_2_3_replace_absent_attribute_adds_it() {
    let mut base = user();
    base.remove("title");
    let u = applied(
        base,
        json!([{"op": "replace", "path": "title", "value": "Guide"}]),
    );
    assert_eq!(u.get("title"), Some(&json!("Guide")));
}

/// RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute for which a
/// value selection filter ("valuePath") has been supplied and no record match was made,
/// the service provider SHALL indicate failure by returning HTTP status code 400 and a
/// "scimType" error code of "noTarget"."
#[test]
fn rfc7644_3_5_2_3_replace_unmatched_filter_is_no_target() {
    let msg = fails(
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "x@y.org"}]),
        0,
        ScimType::NoTarget,
    );
    assert!(msg.contains("emails"), "{msg}");
}

// ---- DESIGN.md rules -------------------------------------------------------------------

/// DESIGN.md: setting `primary: true` on one value clears it on the others (RFC 7643
/// §2.4: "The primary attribute value "true" MUST appear no more than once.").
#[test]
fn primary_true_clears_the_other_primary() {
    let u = applied(
        user(),
        json!([{"op": "add", "path": "emails", "value": [{"value": "b@new.org", "type": "other", "primary": true}]}]),
    );
    let emails = u.get("emails").unwrap().as_array().unwrap();
    assert_eq!(emails.iter().filter(|e| e["primary"] == true).count(), 1);
    assert_eq!(emails[0]["primary"], false);
    assert_eq!(emails[2]["primary"], true);

    let u = applied(
        user(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]),
    );
    let emails = u.get("emails").unwrap();
    assert_eq!(
        (emails[0]["primary"].clone(), emails[1]["primary"].clone()),
        (json!(false), json!(true))
    );

    // Two primary values in one operation are refused.
    fails(
        &user(),
        json!([{"op": "replace", "path": "emails", "value": [
            {"value": "a@x.org", "primary": true}, {"value": "b@x.org", "primary": true}]}]),
        0,
        ScimType::InvalidValue,
    );
}

/// DESIGN.md: creating an extension attribute adds its URN to `schemas`; a URN path
/// reaches extension attributes.
#[test]
fn extension_attribute_paths_and_schemas() {
    let mut u = user();
    u.remove(ENTERPRISE);
    u.insert(
        "schemas",
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"]),
    );
    let u = applied(
        u,
        json!([
            {"op": "add", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "42"},
            {"op": "replace", "path": format!("{ENTERPRISE}:manager.value"), "value": "26118915"}
        ]),
    );
    assert_eq!(
        u.get(ENTERPRISE),
        Some(&json!({"employeeNumber": "42", "manager": {"value": "26118915"}}))
    );
    assert!(u.has_schema(ENTERPRISE));

    // Removing the last extension attribute removes the object and its URN.
    let u = applied(
        u,
        json!([
            {"op": "remove", "path": format!("{ENTERPRISE}:employeeNumber")},
            {"op": "remove", "path": format!("{ENTERPRISE}:manager")}
        ]),
    );
    assert!(u.get(ENTERPRISE).is_none());
    assert!(!u.has_schema(ENTERPRISE));
}

/// A path naming a whole extension, and a path-less value holding an extension object
/// keyed by its URN (scim-patch mangles this one).
#[test]
fn whole_extension_paths_and_path_less_extension_objects() {
    let u = applied(
        user(),
        json!([{"op": "replace", "value": {ENTERPRISE: {"costCenter": "9", "division": null}}}]),
    );
    let ext = u.get(ENTERPRISE).unwrap();
    assert_eq!(ext["costCenter"], "9");
    assert_eq!(ext["employeeNumber"], "701984");
    assert!(ext.get("division").is_none());

    let u = applied(
        user(),
        json!([{"op": "replace", "path": ENTERPRISE, "value": {"department": "Rides"}}]),
    );
    assert_eq!(u.get(ENTERPRISE).unwrap()["department"], "Rides");
    assert_eq!(
        u.get(ENTERPRISE).unwrap()["organization"],
        "Universal Studios"
    );

    let u = applied(user(), json!([{"op": "remove", "path": ENTERPRISE}]));
    assert!(u.get(ENTERPRISE).is_none());
    assert!(!u.has_schema(ENTERPRISE));
}

/// A core-qualified path names a top-level attribute.
#[test]
fn core_urn_qualified_paths() {
    let u = applied(
        user(),
        json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", "value": "B"}]),
    );
    assert_eq!(u.get_path("name.givenName"), Some(&json!("B")));
}

/// DESIGN.md: an existing key keeps its case; a new one takes the schema's name.
#[test]
fn key_casing() {
    let mut u = user();
    let title = u.remove("title").unwrap();
    u.insert("TITLE", title);
    let u = applied(
        u,
        json!([{"op": "replace", "path": "title", "value": "X"}, {"op": "add", "path": "NICKNAME", "value": "Y"}]),
    );
    assert_eq!(u.key("title"), Some("TITLE"));
    assert_eq!(u.key("nickname"), Some("nickName"));
    // Sub-attributes too.
    let mut base = user();
    base.remove("name");
    let u = applied(
        base,
        json!([{"op": "add", "path": "name", "value": {"GIVENNAME": "B"}}]),
    );
    assert_eq!(u.get("name"), Some(&json!({"givenName": "B"})));
}

/// Unknown attributes are allowed (servers have custom schemas), as plain JSON.
#[test]
fn unknown_attributes_are_allowed() {
    let u = applied(
        user(),
        json!([
            {"op": "add", "path": "x-shoeSize", "value": 42},
            {"op": "add", "path": "tags", "value": ["a", "b"]},
            {"op": "add", "path": "tags", "value": "c"},
            {"op": "remove", "path": "tags[value eq \"a\"]"}
        ]),
    );
    assert_eq!(u.get("x-shoeSize"), Some(&json!(42)));
    assert_eq!(u.get("tags"), Some(&json!(["b", "c"])));
}

/// RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability
/// "readOnly"" (scim-patch replaces `id`).
#[test]
fn read_only_attributes_cannot_change() {
    fails(
        &user(),
        json!([{"op": "replace", "path": "id", "value": "x"}]),
        0,
        ScimType::Mutability,
    );
    fails(
        &user(),
        json!([{"op": "remove", "path": "meta"}]),
        0,
        ScimType::Mutability,
    );
    fails(
        &user(),
        json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
        0,
        ScimType::Mutability,
    );
    fails(
        &user(),
        json!([{"op": "replace", "path": format!("{ENTERPRISE}:manager.displayName"), "value": "x"}]),
        0,
        ScimType::Mutability,
    );
    // Giving a read-only attribute its current value changes nothing (a rename echoing `id`).
    let id = user().id().unwrap().to_owned();
    let u = applied(
        user(),
        json!([{"op": "replace", "value": {"id": id, "displayName": "B"}}]),
    );
    assert_eq!(u.get("displayName"), Some(&json!("B")));
}

/// RFC 7644 §3.5.2: "a client MAY "add" a value to an "immutable" attribute if the
/// attribute had no previous value" (`members.display` is immutable).
#[test]
fn immutable_sub_attributes_only_added_when_absent() {
    fails(
        &group(),
        json!([{"op": "replace", "path": format!("members[value eq \"{BABS}\"].display"), "value": "X"}]),
        0,
        ScimType::Mutability,
    );
    let mut g = group();
    g.as_map_mut()["members"][0]
        .as_object_mut()
        .unwrap()
        .remove("display");
    let g = applied(
        g,
        json!([{"op": "add", "path": format!("members[value eq \"{BABS}\"].display"), "value": "Babs"}]),
    );
    assert_eq!(g.get("members").unwrap()[0]["display"], "Babs");
}

/// Atomicity: when an operation fails, the earlier ones are undone and the error names
/// the operation.
#[test]
fn failed_patch_leaves_the_resource_untouched() {
    let msg = fails(
        &group(),
        json!([
            {"op": "add", "path": "members", "value": [{"value": JAMES}]},
            {"op": "remove", "path": format!("members[value eq \"{BABS}\"]")},
            {"op": "replace", "path": "displayName", "value": "Guides"},
            {"op": "add", "path": "externalId", "value": "x"},
            {"op": "remove", "path": "members"},
            {"op": "replace", "path": "members[value eq \"nobody\"].display", "value": "x"}
        ]),
        5,
        ScimType::NoTarget,
    );
    assert!(
        msg.starts_with("PATCH operation 5 failed (noTarget)"),
        "{msg}"
    );
}

/// Values are checked against the schema's types.
#[test]
fn values_must_have_the_schema_type() {
    fails(
        &user(),
        json!([{"op": "replace", "path": "active", "value": "True"}]),
        0,
        ScimType::InvalidValue,
    );
    fails(
        &user(),
        json!([{"op": "replace", "path": "emails", "value": ["x@y.org"]}]),
        0,
        ScimType::InvalidValue,
    );
    fails(
        &user(),
        json!([{"op": "replace", "path": "userName", "value": {"a": 1}}]),
        0,
        ScimType::InvalidValue,
    );
}

/// Malformed operations get the RFC's scimTypes.
#[test]
fn malformed_operations() {
    fails(
        &user(),
        json!([{"op": "Replace", "path": "title", "value": "x"}]),
        0,
        ScimType::InvalidSyntax,
    );
    fails(
        &user(),
        json!([{"op": "move", "path": "title"}]),
        0,
        ScimType::InvalidSyntax,
    );
    fails(
        &user(),
        json!([{"op": "add", "path": "title"}]),
        0,
        ScimType::InvalidValue,
    );
    fails(
        &user(),
        json!([{"op": "add", "path": "emails[type eq]", "value": 1}]),
        0,
        ScimType::InvalidPath,
    );
    fails(
        &user(),
        json!([{"op": "add", "path": "userName[value pr]", "value": "x"}]),
        0,
        ScimType::InvalidPath,
    );
    fails(
        &user(),
        json!([{"op": "add", "value": "x"}]),
        0,
        ScimType::InvalidValue,
    );
}

// ---- inbound leniency ------------------------------------------------------------------

/// ApplyOptions::lenient: Entra ID's and Okta's shapes.
#[test]
fn lenient_accepts_identity_provider_shapes() {
    let mut u = user();
    lenient(
        &mut u,
        &ops(json!([
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Add", "value": {"name.givenName": "Babs", "title": "T"}},
            {"op": "Replace", "path": format!("{ENTERPRISE}:manager"), "value": "26118915"},
            {"op": "Add", "path": "phoneNumbers[type eq \"fax\"].value", "value": "555-1"},
            {"op": "Replace", "path": "", "value": {"id": "another-id", "nickName": "B"}}
        ])),
    )
    .unwrap();
    assert_eq!(u.get("active"), Some(&json!(false)));
    assert_eq!(u.get_path("name.givenName"), Some(&json!("Babs")));
    assert_eq!(u.get(ENTERPRISE).unwrap()["manager"]["value"], "26118915");
    assert_eq!(
        u.get("phoneNumbers").unwrap()[2],
        json!({"type": "fax", "value": "555-1"})
    );
    assert_eq!(u.id(), user().id());
    assert_eq!(u.get("nickName"), Some(&json!("B")));
    // Strict refuses each of them.
    let mut strict = user();
    assert!(apply(
        &mut strict,
        &ops(json!([{"op": "replace", "path": "active", "value": "False"}]))
    )
    .is_err());
    assert!(apply(
        &mut strict,
        &ops(json!([{"op": "add", "value": {"name.givenName": "B"}}]))
    )
    .is_err());
    assert!(apply(
        &mut strict,
        &ops(json!([{"op": "add", "path": "phoneNumbers[type eq \"fax\"].value", "value": "1"}]))
    )
    .is_err());
    assert_eq!(strict, user());
}

/// Typed operations built in Rust apply the same.
#[test]
fn typed_operations() {
    let mut g = group();
    let p = PatchOp::new(vec![
        PatchOperation::add(Some("members"), json!([{"value": JAMES}])),
        PatchOperation::remove(&format!("members[value eq \"{MANDY}\"]")),
        PatchOperation::replace(None, json!({"displayName": "Guides"})),
    ]);
    apply(&mut g, &p).unwrap();
    assert_eq!(members(&g), [BABS, JAMES]);
    assert_eq!(g.get("displayName"), Some(&json!("Guides")));
}

// ---- diff --------------------------------------------------------------------------------

fn diff_with(old: &Resource, new: &Resource, options: &DiffOptions) -> PatchOp {
    patch::diff(old, new, SchemaRegistry::core(), options)
}

fn diff(old: &Resource, new: &Resource) -> PatchOp {
    diff_with(old, new, &DiffOptions::default())
}

fn as_json(p: &PatchOp) -> Value {
    serde_json::to_value(&p.operations).unwrap()
}

/// `r` without read-only attributes, and multi-valued attributes' values in a canonical
/// order: what diff promises to reproduce.
fn comparable(r: &Resource) -> Value {
    fn sort(v: &mut Value) {
        match v {
            Value::Array(items) => {
                items.iter_mut().for_each(sort);
                items.sort_by_key(|i| i.to_string());
            }
            Value::Object(o) => o.values_mut().for_each(sort),
            _ => {}
        }
    }
    let mut r = r.clone();
    SchemaRegistry::core().strip_read_only(&mut r);
    let mut v = r.into_value();
    sort(&mut v);
    v
}

/// Asserts apply(old, diff(old, new)) == new (up to read-only attributes and order).
fn round_trip(old: &Resource, new: &Resource, options: &DiffOptions) -> PatchOp {
    let p = diff_with(old, new, options);
    let mut patched = old.clone();
    apply(&mut patched, &p).unwrap_or_else(|e| {
        panic!(
            "{e}\nold {}\nnew {}\npatch {}",
            old.to_json(),
            new.to_json(),
            as_json(&p)
        )
    });
    assert_eq!(
        comparable(&patched),
        comparable(new),
        "\nold {}\nnew {}\npatch {}",
        old.to_json(),
        new.to_json(),
        as_json(&p)
    );
    p
}

fn big_group(n: usize) -> Resource {
    let members: Vec<Value> = (0..n)
        .map(|i| json!({"value": format!("user-{i:05}"), "display": format!("User {i}")}))
        .collect();
    Resource::from_value(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1", "displayName": "Everyone", "members": members
    }))
    .unwrap()
}

/// diff(a, a) is empty.
#[test]
fn diff_of_equal_resources_is_empty() {
    assert!(diff(&user(), &user()).operations.is_empty());
    assert!(diff(&group(), &group()).operations.is_empty());
    assert!(patch::diff_messages(
        &user(),
        &user(),
        SchemaRegistry::core(),
        &DiffOptions::default()
    )
    .is_empty());
}

/// Read-only attributes (id, meta, groups, manager.displayName) are never diffed
/// (DESIGN.md: "readOnly attributes are never sent and never diffed").
#[test]
fn diff_ignores_read_only_attributes() {
    let mut new = user();
    new.insert("id", json!("other"));
    new.remove("meta");
    new.remove("groups");
    new.as_map_mut()[ENTERPRISE]["manager"]["displayName"] = json!("Someone");
    assert!(
        diff(&user(), &new).operations.is_empty(),
        "{}",
        as_json(&diff(&user(), &new))
    );
}

/// One new member of a 10,000-member group is one operation carrying one value; one
/// removed member is one remove with a filtered path.
#[test]
fn diff_of_a_big_group_is_item_by_item() {
    let old = big_group(10_000);
    let mut new = old.clone();
    let members = new.as_map_mut()["members"].as_array_mut().unwrap();
    members.remove(1234);
    members.push(json!({"value": "newcomer", "display": "New"}));
    let p = round_trip(&old, &new, &DiffOptions::default());
    assert_eq!(
        as_json(&p),
        json!([
            {"op": "remove", "path": "members[value eq \"user-01234\"]"},
            {"op": "add", "path": "members", "value": [{"value": "newcomer", "display": "New"}]}
        ])
    );
}

/// DiffOptions::member_removal: Salesforce-style value lists.
#[test]
fn diff_member_removal_as_value_list() {
    let old = group();
    let mut new = old.clone();
    new.as_map_mut()["members"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let options = DiffOptions {
        member_removal: MemberRemoval::ValueList,
        ..DiffOptions::default()
    };
    let p = round_trip(&old, &new, &options);
    assert_eq!(
        as_json(&p),
        json!([{"op": "remove", "path": "members", "value": [{"value": BABS}]}])
    );
}

/// DiffOptions::filtered_paths = false: for servers that reject filters, the attribute
/// is replaced whole.
#[test]
fn diff_without_filtered_paths_replaces_the_attribute() {
    let old = group();
    let mut new = old.clone();
    new.as_map_mut()["members"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let options = DiffOptions {
        filtered_paths: false,
        ..DiffOptions::default()
    };
    let p = round_trip(&old, &new, &options);
    assert_eq!(p.operations.len(), 1);
    assert_eq!(p.operations[0].path.as_deref(), Some("members"));
    assert!(!p.operations[0].path.as_deref().unwrap().contains('['));
    // Additions alone need no filter.
    let mut new = old.clone();
    new.as_map_mut()["members"]
        .as_array_mut()
        .unwrap()
        .push(json!({"value": JAMES}));
    let p = round_trip(&old, &new, &options);
    assert_eq!(
        as_json(&p),
        json!([{"op": "add", "path": "members", "value": [{"value": JAMES}]}])
    );
}

/// Single-valued attributes become replace/remove/add; complex ones change only the
/// differing sub-attributes.
#[test]
fn diff_shapes_of_simple_and_complex_attributes() {
    let old = user();
    let mut new = old.clone();
    new.insert("title", json!("Head Guide"));
    new.remove("nickName");
    new.insert("x-badge", json!(7));
    new.as_map_mut()["name"]["givenName"] = json!("Babs");
    new.as_map_mut()["name"]
        .as_object_mut()
        .unwrap()
        .remove("middleName");
    let p = round_trip(&old, &new, &DiffOptions::default());
    assert_eq!(
        as_json(&p),
        json!([
            {"op": "remove", "path": "nickName"},
            {"op": "remove", "path": "name.middleName"},
            {"op": "replace", "path": "name.givenName", "value": "Babs"},
            {"op": "replace", "path": "title", "value": "Head Guide"},
            {"op": "add", "path": "x-badge", "value": 7}
        ])
    );
}

/// Extension attributes by URN path; apply keeps `schemas` in step.
#[test]
fn diff_of_extension_attributes() {
    let old = user();
    let mut new = old.clone();
    new.as_map_mut()[ENTERPRISE]["costCenter"] = json!("9");
    let p = round_trip(&old, &new, &DiffOptions::default());
    assert_eq!(
        as_json(&p),
        json!([{"op": "replace", "path": format!("{ENTERPRISE}:costCenter"), "value": "9"}])
    );

    let mut bare = user();
    bare.remove(ENTERPRISE);
    bare.insert(
        "schemas",
        json!(["urn:ietf:params:scim:schemas:core:2.0:User"]),
    );
    let p = round_trip(&bare, &user(), &DiffOptions::default());
    assert!(
        p.operations
            .iter()
            .all(|o| o.path.as_deref().unwrap().starts_with(ENTERPRISE)),
        "{}",
        as_json(&p)
    );
    round_trip(&user(), &bare, &DiffOptions::default());
}

/// DiffOptions::max_operations splits the diff into several messages.
#[test]
fn diff_messages_split_by_max_operations() {
    let old = user();
    let mut new = old.clone();
    for (k, v) in [
        ("title", "a"),
        ("nickName", "b"),
        ("displayName", "c"),
        ("locale", "d"),
        ("timezone", "e"),
    ] {
        new.insert(k, json!(v));
    }
    let options = DiffOptions {
        max_operations: Some(2),
        ..DiffOptions::default()
    };
    let messages = patch::diff_messages(&old, &new, SchemaRegistry::core(), &options);
    assert_eq!(
        messages
            .iter()
            .map(|m| m.operations.len())
            .collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let mut patched = old.clone();
    for m in &messages {
        apply(&mut patched, m).unwrap();
    }
    assert_eq!(patched, new);
    assert_eq!(diff_with(&old, &new, &options).operations.len(), 5);
}

/// Values that apply would merge or treat as present force a whole replacement, so the
/// round trip stays exact.
#[test]
fn diff_falls_back_when_item_by_item_is_ambiguous() {
    let old = group();
    let mut new = old.clone();
    // Same member value, new display: apply's add would merge it, so it is remove + add.
    new.as_map_mut()["members"][0]["display"] = json!("Barbara");
    round_trip(&old, &new, &DiffOptions::default());
    // A duplicate of a kept member.
    let mut new = old.clone();
    new.as_map_mut()["members"]
        .as_array_mut()
        .unwrap()
        .push(json!({"value": MANDY}));
    round_trip(&old, &new, &DiffOptions::default());
    // Two emails with one value, one removed: the filter needs the type.
    let mut old = user();
    old.insert("emails", json!([{"value": "a@x.org", "type": "work"}, {"value": "a@x.org", "type": "home"}, {"value": "c@x.org"}]));
    let mut new = old.clone();
    new.as_map_mut()["emails"].as_array_mut().unwrap().remove(1);
    let p = round_trip(&old, &new, &DiffOptions::default());
    assert_eq!(
        as_json(&p),
        json!([{"op": "remove", "path": "emails[value eq \"a@x.org\" and type eq \"home\"]"}])
    );
}

// ---- properties --------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_owned()),
            Just("B".to_owned()),
            Just("x@Example.com".to_owned()),
            Just("x@example.com".to_owned()),
            "[a-zA-Z0-9 @.\"\\\\]{0,8}",
        ]
    }

    fn multi(
        values: impl Strategy<Value = String> + 'static,
        with_type: bool,
    ) -> impl Strategy<Value = Vec<Value>> {
        vec(
            (
                values,
                option::of(prop_oneof![Just("work"), Just("home"), Just("Work")]),
                option::of(word()),
                any::<bool>(),
            ),
            0..5,
        )
        .prop_map(move |items| {
            let mut primary_given = false;
            items
                .into_iter()
                .map(|(value, ty, display, primary)| {
                    let mut o = serde_json::Map::new();
                    o.insert("value".into(), json!(value));
                    if let (true, Some(t)) = (with_type, ty) {
                        o.insert("type".into(), json!(t));
                    }
                    if let Some(d) = display {
                        o.insert("display".into(), json!(d));
                    }
                    if with_type && primary && !primary_given {
                        primary_given = true;
                        o.insert("primary".into(), json!(true));
                    }
                    Value::Object(o)
                })
                .collect()
        })
    }

    prop_compose! {
        fn arb_user()(
            user_name in word(),
            given in option::of(word()),
            family in option::of(word()),
            title in option::of(word()),
            active in option::of(any::<bool>()),
            emails in multi(word(), true),
            roles in option::of(multi(word(), true)),
            tags in option::of(vec(word(), 0..4)),
            employee in option::of(word()),
            manager in option::of(word()),
            id in word(),
        ) -> Resource {
            let mut u = serde_json::Map::new();
            let mut schemas = vec![json!("urn:ietf:params:scim:schemas:core:2.0:User")];
            u.insert("id".into(), json!(id));
            u.insert("userName".into(), json!(user_name));
            let mut name = serde_json::Map::new();
            if let Some(g) = given { name.insert("givenName".into(), json!(g)); }
            if let Some(f) = family { name.insert("familyName".into(), json!(f)); }
            if !name.is_empty() { u.insert("name".into(), Value::Object(name)); }
            if let Some(t) = title { u.insert("title".into(), json!(t)); }
            if let Some(a) = active { u.insert("active".into(), json!(a)); }
            if !emails.is_empty() { u.insert("emails".into(), Value::Array(emails)); }
            if let Some(r) = roles.filter(|r| !r.is_empty()) { u.insert("roles".into(), Value::Array(r)); }
            if let Some(t) = tags.filter(|t| !t.is_empty()) { u.insert("x-tags".into(), json!(t)); }
            let mut ext = serde_json::Map::new();
            if let Some(e) = employee { ext.insert("employeeNumber".into(), json!(e)); }
            if let Some(m) = manager { ext.insert("manager".into(), json!({"value": m, "displayName": "M"})); }
            if !ext.is_empty() {
                schemas.push(json!(ENTERPRISE));
                u.insert(ENTERPRISE.into(), Value::Object(ext));
            }
            u.insert("schemas".into(), Value::Array(schemas));
            Resource::from(u)
        }
    }

    prop_compose! {
        fn arb_group()(
            name in word(),
            members in multi((0..12u8).prop_map(|i| format!("id-{i}")), false),
        ) -> Resource {
            let mut g = serde_json::Map::new();
            g.insert("schemas".into(), json!(["urn:ietf:params:scim:schemas:core:2.0:Group"]));
            g.insert("displayName".into(), json!(name));
            if !members.is_empty() { g.insert("members".into(), Value::Array(members)); }
            Resource::from(g)
        }
    }

    fn arb_options() -> impl Strategy<Value = DiffOptions> {
        (any::<bool>(), any::<bool>()).prop_map(|(filtered, list)| DiffOptions {
            filtered_paths: filtered,
            member_removal: if list {
                MemberRemoval::ValueList
            } else {
                MemberRemoval::Filtered
            },
            max_operations: None,
        })
    }

    fn arb_operation() -> impl Strategy<Value = Value> {
        let op = prop_oneof![
            Just("add"),
            Just("remove"),
            Just("replace"),
            Just("Replace"),
            Just("copy")
        ];
        let path = option::of(prop_oneof![
            Just("userName"),
            Just("name"),
            Just("name.givenName"),
            Just("emails"),
            Just("emails[type eq \"work\"]"),
            Just("emails[type eq \"work\"].value"),
            Just("emails[value pr].primary"),
            Just("id"),
            Just("meta.version"),
            Just("groups"),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
            Just("x-tags"),
            Just("x-tags[value eq \"a\"]"),
            Just("active"),
            Just("emails[type eq"),
            Just("title.x"),
            Just(""),
        ]);
        let value = option::of(prop_oneof![
            Just(json!(null)),
            Just(json!("a")),
            Just(json!(true)),
            Just(json!("True")),
            Just(json!(1)),
            Just(json!([])),
            Just(json!({})),
            Just(json!({"givenName": "B", "x": null})),
            Just(json!([{"value": "x@y.org", "type": "work", "primary": true}])),
            Just(json!({"value": "v", "primary": true})),
            Just(
                json!({"emails": [{"value": "e"}], ENTERPRISE: {"employeeNumber": "1"}, "name.givenName": "C"})
            ),
            Just(
                json!([{"value": "a"}, {"value": "a", "primary": true}, {"value": "b", "primary": true}])
            ),
        ]);
        (op, path, value).prop_map(|(op, path, value)| {
            let mut o = serde_json::Map::new();
            o.insert("op".into(), json!(op));
            if let Some(p) = path {
                o.insert("path".into(), json!(p));
            }
            if let Some(v) = value {
                o.insert("value".into(), v);
            }
            Value::Object(o)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// apply(old, diff(old, new)) == new for arbitrary pairs of users.
        #[test]
        fn diff_round_trips_users(old in arb_user(), new in arb_user(), options in arb_options()) {
            round_trip(&old, &new, &options);
            prop_assert!(diff(&new, &new).operations.is_empty());
        }

        /// apply(old, diff(old, new)) == new for arbitrary pairs of groups.
        #[test]
        fn diff_round_trips_groups(old in arb_group(), new in arb_group(), options in arb_options()) {
            round_trip(&old, &new, &options);
        }

        /// apply never panics, and on error leaves the resource exactly as it was; a
        /// successful list equals its operations applied one by one.
        #[test]
        fn apply_is_atomic(base in arb_user(), operations in vec(arb_operation(), 1..5), lenient_mode in any::<bool>()) {
            let options = ApplyOptions { lenient: lenient_mode };
            let p = ops(Value::Array(operations.clone()));
            let mut r = base.clone();
            let mut owned = base.clone();
            let by_value = patch::apply_owned_with(&mut owned, p.clone(), SchemaRegistry::core(), &options);
            let by_ref = patch::apply_with(&mut r, &p, SchemaRegistry::core(), &options);
            // apply_owned is the same engine: same result, same error.
            prop_assert_eq!(&owned, &r);
            prop_assert_eq!(
                by_value.as_ref().map_err(|e| (e.to_string(), e.operation_index())),
                by_ref.as_ref().map_err(|e| (e.to_string(), e.operation_index()))
            );
            match by_ref {
                Err(e) => {
                    prop_assert_eq!(&r, &base);
                    let i = e.operation_index().unwrap();
                    prop_assert!(i < operations.len());
                }
                Ok(()) => {
                    let mut step = base.clone();
                    for o in &operations {
                        patch::apply_with(&mut step, &ops(json!([o])), SchemaRegistry::core(), &options).unwrap();
                    }
                    prop_assert_eq!(&r, &step);
                }
            }
        }
    }
}

/// RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute and a value
/// selection ("valuePath") filter is specified that matches one or more values of the
/// multi-valued attribute, then all matching record values SHALL be replaced." Every
/// selected value gets the sub-attributes, each its own copy, and a later failure undoes
/// them all.
#[test]
fn a_filter_matching_several_values_sets_each() {
    let u = applied(
        user(),
        json!([{"op": "replace", "path": "phoneNumbers[type eq \"work\" or type eq \"mobile\"]",
                "value": {"display": "Babs", "primary": false}}]),
    );
    let phones = u.get("phoneNumbers").unwrap().as_array().unwrap();
    assert_eq!(phones.len(), 2);
    for phone in phones {
        assert_eq!(phone["display"], "Babs", "{phone}");
        assert_eq!(phone["primary"], false, "{phone}");
    }
    let u = applied(
        u,
        json!([{"op": "replace", "path": "phoneNumbers.display", "value": "B"}]),
    );
    for phone in u.get("phoneNumbers").unwrap().as_array().unwrap() {
        assert_eq!(phone["display"], "B", "{phone}");
    }
    fails(
        &u,
        json!([
            {"op": "replace", "path": "phoneNumbers[type eq \"work\" or type eq \"mobile\"].display", "value": "C"},
            {"op": "replace", "path": "id", "value": "other"}
        ]),
        1,
        ScimType::Mutability,
    );
}

/// A value set through a filter is prepared as a whole value is (RFC 7643 §2.1 names,
/// §2.3 types): its sub-attributes take the schema's names, are type-checked one by one,
/// and the whole must be an object; `name.sub` after a filter is checked the same way.
#[test]
fn values_set_through_a_filter_are_named_and_typed_by_the_schema() {
    let u = applied(
        user(),
        json!([{"op": "replace", "path": "emails[type eq \"work\"]",
                "value": {"VALUE": "barbara@example.com", "Display": "Barbara"}}]),
    );
    let work = &u.get("emails").unwrap()[0];
    assert_eq!(work["value"], "barbara@example.com", "{work}");
    assert_eq!(work["display"], "Barbara", "{work}");
    assert!(
        work.get("VALUE").is_none() && work.get("Display").is_none(),
        "{work}"
    );
    let u = applied(
        u,
        json!([{"op": "replace", "path": "emails[type eq \"work\"].TYPE", "value": "office"}]),
    );
    assert_eq!(u.get("emails").unwrap()[0]["type"], "office");
    for (path, value) in [
        ("emails[type eq \"work\"]", json!("barbara@example.com")),
        ("emails[type eq \"work\"]", json!({"primary": "yes"})),
        ("emails[type eq \"work\"].primary", json!("yes")),
        ("emails.primary", json!(1)),
    ] {
        fails(
            &user(),
            json!([{"op": "replace", "path": path, "value": value}]),
            0,
            ScimType::InvalidValue,
        );
    }
    // Lenient mode coerces each sub-attribute as it would in a whole value.
    let mut u = user();
    lenient(
        &mut u,
        &ops(json!([{"op": "replace", "path": "emails[type eq \"home\"]",
                     "value": {"primary": "True"}}])),
    )
    .unwrap();
    let emails = u.get("emails").unwrap().as_array().unwrap();
    assert_eq!(emails[1]["primary"], true);
    assert_eq!(
        emails[0]["primary"], false,
        "primary moved to the home email"
    );
}
