//! The RFC 7643 core schema definitions (§8.7.1 and §8.7.2), and the common attributes
//! of §3.1.
//!
//! Each definition is the RFC's own JSON (`json/*.json`, embedded with `include_str!` and
//! parsed once, when [`super::SchemaRegistry::core`] is first used), with the RFC's known
//! mistakes fixed. Where §8.7 contradicts the normative text of §2–§7, the text wins:
//!
//! - User `addresses` gains the `primary` sub-attribute: RFC 7643 §4.1.2 lists it
//!   ("primary ... the preferred mailing address"), §2.4 gives it to every multi-valued
//!   attribute, and the §8.2 example sends it; §8.7.1 left it out.
//! - Group `displayName` is `"required": true`: §4.2 says "displayName ... REQUIRED."
//!   (so does its own description in §8.7.1), while §8.7.1 says `false`.
//! - Group `members` gains the `display` sub-attribute (string, `immutable` like its
//!   siblings, §4.2: "sub-attributes of members are 'immutable'"): the §8.4 example sends
//!   it, §8.7.1 left it out.
//! - ServiceProviderConfig gains `etag` (§5: "etag ... REQUIRED", with `supported`),
//!   which §8.7.2 left out; `authenticationSchemes` gains `type` (§5: "type The
//!   authentication scheme. This specification defines the values "oauth", "oauth2",
//!   "oauthbearertoken", "httpbasic", and "httpdigest". REQUIRED.") and `primary` (§2.4;
//!   sent by the §8.5 example).
//! - ResourceType `schemaExtensions` is multi-valued and optional: §6 says "A list of URIs
//!   of the resource type's schema extensions. OPTIONAL." and the §8.6 example sends an
//!   array; §8.7.2 says `"multiValued": false, "required": true`.
//! - Schema `id` is `"returned": "always"` (§7: "Except for "id" (which is always
//!   returned)"); `name` is optional (§7: "name ... OPTIONAL."); `description` gets its
//!   own description (§8.7.2 repeats the one of `name`); the `type` canonical values
//!   include `binary` (§2.3.6), at both levels; and `subAttributes.referenceTypes` is
//!   multi-valued like `attributes.referenceTypes` (§7: "referenceTypes A multi-valued
//!   array of JSON strings").
//!
//! Left as the RFC has them (descriptions that disagree with characteristics but where
//! following the characteristic is what servers do): the `display` sub-attributes whose
//! description says "READ-ONLY" but whose mutability is `readWrite`, and the enterprise
//! `manager.value` / `manager.$ref` whose description says "REQUIRED" (§4.3 says
//! "RECOMMENDED") but which are `"required": false`.
//!
//! The common attributes `id`, `externalId` and `meta` (§3.1) belong to no schema; they
//! are defined here with the characteristics §3.1 gives them ("id ... caseExact true,
//! readOnly, returned always"; "externalId ... caseExact true, readWrite"; "meta ...
//! readOnly"; `created` and `lastModified` are dateTimes, `location` a URI).
//!
//! `tests/it/schema.rs` checks that the §8.7 JSON of the RFC, parsed, differs from these
//! definitions in exactly the fixes listed above.

use super::{Attribute, Schema};

/// The schemas of RFC 7643 §8.7.1, in order: User, Group, EnterpriseUser.
const RESOURCE_SCHEMAS: [&str; 3] = [
    include_str!("json/user.json"),
    include_str!("json/group.json"),
    include_str!("json/enterprise-user.json"),
];

/// The schemas of RFC 7643 §8.7.2, in order: ServiceProviderConfig, ResourceType, Schema.
const SERVICE_PROVIDER_SCHEMAS: [&str; 3] = [
    include_str!("json/service-provider-config.json"),
    include_str!("json/resource-type.json"),
    include_str!("json/schema.json"),
];

/// The common attributes of RFC 7643 §3.1: `id`, `externalId`, `meta`.
const COMMON_ATTRIBUTES: &str = include_str!("json/common-attributes.json");

/// The built-in core schemas: User, Group, EnterpriseUser, ServiceProviderConfig,
/// ResourceType, Schema.
pub(super) fn core_schemas() -> Vec<Schema> {
    RESOURCE_SCHEMAS
        .iter()
        .chain(&SERVICE_PROVIDER_SCHEMAS)
        .map(|json| {
            // The definitions are part of this crate and tested; they always parse.
            serde_json::from_str(json).expect("built-in schema JSON is valid")
        })
        .collect()
}

/// The common attributes of RFC 7643 §3.1.
pub(super) fn common_attributes() -> Vec<Attribute> {
    serde_json::from_str(COMMON_ATTRIBUTES).expect("built-in common attribute JSON is valid")
}
