//! The Group resource of RFC 7643 §4.2.

use super::codec::{scim_object, scim_struct};
use super::Meta;
use crate::urn;

scim_struct! {
    /// A Group (RFC 7643 §4.2).
    ///
    /// ```
    /// use scim_core::{resource::Member, Group, ScimObject};
    /// let mut group = Group::new("Tour Guides");
    /// group.members = Some(vec![Member::user("2819c223")]);
    /// assert!(group.to_resource().to_json().contains(r#""members":[{"value":"2819c223","type":"User"}]"#));
    /// ```
    pub struct Group [schemas = urn::GROUP] {
        /// `schemas`: the core Group URN and the URNs of the extensions present.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `id`: the server-assigned identifier (readOnly).
        id: Option<String> = "id";
        /// `externalId`: the client's identifier for the group.
        external_id: Option<String> = "externalId";
        /// `displayName`: the group's name (REQUIRED on create).
        display_name: Option<String> = "displayName";
        /// `members`: users and groups in the group.
        members: Option<Vec<Member>> = "members";
        /// `meta` (readOnly).
        meta: Option<Meta> = "meta";
    }
}

scim_object!(Group, urn::GROUP);

impl Group {
    /// A group with `schemas` set to the core Group URN and the given `displayName`.
    pub fn new(display_name: impl Into<String>) -> Self {
        Group {
            schemas: vec![urn::GROUP.to_owned()],
            display_name: Some(display_name.into()),
            ..Group::default()
        }
    }
}

scim_struct! {
    /// A member of a group (RFC 7643 §4.2 `members`), also the shape of a user's `groups`
    /// entries ([`GroupRef`](super::GroupRef)).
    pub struct Member {
        /// `value`: the member's `id` (immutable).
        value: Option<String> = "value";
        /// `$ref`: the URI of the member's resource (immutable).
        ref_: Option<String> = "$ref";
        /// `display`: a human-readable name (readOnly).
        display: Option<String> = "display";
        /// `type`: "User" or "Group" (in a user's `groups`: "direct" or "indirect").
        type_: Option<String> = "type";
    }
}

impl Member {
    /// A member with `value` = `id` and `type: "User"`.
    pub fn user(id: impl Into<String>) -> Self {
        Member {
            value: Some(id.into()),
            type_: Some("User".to_owned()),
            ..Member::default()
        }
    }

    /// A member with `value` = `id` and `type: "Group"`.
    pub fn group(id: impl Into<String>) -> Self {
        Member {
            value: Some(id.into()),
            type_: Some("Group".to_owned()),
            ..Member::default()
        }
    }
}
