//! PATCH (RFC 7644 §3.5.2): apply a [`PatchOp`] to a [`Resource`], and compute the
//! [`PatchOp`] that turns one resource into another.
//!
//! [`PatchOp`]: crate::resource::PatchOp
//! [`Resource`]: crate::Resource
//!
//! ```
//! use scim_core::{patch, resource::PatchOp, Resource, SchemaRegistry};
//! let mut user = Resource::from_json(r#"{
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "userName": "bjensen",
//!     "emails": [{"value": "b@example.com", "type": "work", "primary": true}]
//! }"#)?;
//! let before = user.clone();
//! let ops: PatchOp = serde_json::from_str(r#"{
//!     "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
//!     "Operations": [
//!         {"op": "add", "path": "emails",
//!          "value": [{"value": "babs@example.org", "type": "home", "primary": true}]},
//!         {"op": "replace", "path": "name.givenName", "value": "Barbara"}
//!     ]
//! }"#).map_err(|e| scim_core::Error::InvalidInput(e.to_string()))?;
//! patch::apply(&mut user, &ops, SchemaRegistry::core())?;
//! // Only one value may be primary: the new one takes it from the old one.
//! assert_eq!(user.get_path("name.givenName").unwrap(), "Barbara");
//! assert_eq!(user.get("emails").unwrap()[0]["primary"], false);
//!
//! // diff gives back a PATCH that does the same.
//! let again = patch::diff(&before, &user, SchemaRegistry::core(), &Default::default());
//! let mut copy = before.clone();
//! patch::apply(&mut copy, &again, SchemaRegistry::core())?;
//! assert_eq!(copy, user);
//! # Ok::<(), scim_core::Error>(())
//! ```
//!
//! # Apply
//!
//! [`apply`] implements add, remove and replace (RFC 7644 §3.5.2.1–3) for every path
//! form of the grammar: `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each
//! optionally URN-qualified (`urn:...:enterprise:2.0:User:manager.value`), a whole
//! extension (`urn:...:enterprise:2.0:User`), and no path at all. It is atomic: the
//! operations apply in order and, if one fails, the resource is left exactly as it was
//! and the [`Error::Patch`](crate::Error::Patch) names the operation's index, its
//! `scimType` and what is wrong. Atomicity costs no copy of the resource: every change
//! is recorded in an undo log (appending to a 10,000-member group records one length).
//! [`apply_owned`] does the same taking the request: each operation's value is moved
//! into the resource instead of copied (for a caller that needs the request no more,
//! as a service provider that decoded it).
//!
//! The rules, from RFC 7644 §3.5.2 and the project's DESIGN.md ("PATCH"):
//! - `add` to a multi-valued attribute appends; a value already present changes
//!   nothing. "Present" means: every sub-attribute the new value gives is equal in an
//!   existing value (strings compared case-insensitively unless `caseExact`). A new
//!   value whose `value` (and `type`, when either has one) equals an existing value's is
//!   the same value with new details: its mutable sub-attributes are merged into the
//!   existing one instead of storing the value twice.
//! - `add` or `replace` on a complex attribute (or on values selected by a filter)
//!   sets only the sub-attributes given (RFC 7644 §3.5.2.3: "Sub-attributes that are not
//!   specified in the "value" parameter are left unchanged"). `replace` on a
//!   multi-valued attribute without a filter replaces all its values.
//! - Setting `primary: true` on one value sets it to `false` on the others that had
//!   it; one operation giving two primary values is `invalidValue` (RFC 7643 §2.4:
//!   "The primary attribute value "true" MUST appear no more than once").
//! - Removing the last value of a multi-valued attribute, the last sub-attribute of a
//!   complex attribute, or the last attribute of an extension object removes the
//!   attribute (RFC 7643 §2.5: unassigned, null and empty are the same state); an
//!   extension object removed this way also leaves `schemas`.
//! - `replace`/`remove` with a filter that matches nothing is `noTarget`; `remove`
//!   without a path is `noTarget`. `remove` of an absent attribute changes nothing.
//!   `remove` with a `value` on a multi-valued attribute (the shape Microsoft Entra ID
//!   and Salesforce use for group members) removes the values listed, never the whole
//!   attribute.
//! - Setting an attribute of an extension adds the extension's URN to `schemas`.
//! - A new attribute or sub-attribute takes the schema's canonical name
//!   (`USERNAME` → `userName`); an existing key keeps its stored case.
//! - A `null` value (RFC 7643 §2.5) unassigns the attribute on `replace` and changes
//!   nothing on `add`.
//! - Mutability (RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has
//!   mutability "readOnly" or "immutable". However, a client MAY "add" a value to an
//!   "immutable" attribute if the attribute had no previous value"): changing a
//!   `readOnly` attribute or an `immutable` one that has a value is `mutability`;
//!   giving a read-only attribute its current value (the `id` a group rename echoes)
//!   changes nothing and is accepted. Attributes no schema defines are always allowed.
//! - Values are checked against the attribute's type (`invalidValue`): a complex
//!   attribute takes an object, `boolean` a boolean, `integer` an integer, `decimal` a
//!   number, the string types a string.
//! - A path-less value may hold extension objects keyed by their URN, and URN-qualified
//!   attribute names; its `schemas`, when present, adds the URNs it lists.
//!
//! [`ApplyOptions::lenient`] adds what identity providers send: see its documentation.
//!
//! # Diff
//!
//! [`diff`] returns a [`PatchOp`] such that applying it to `old` gives `new`, ignoring
//! read-only attributes (`id`, `meta`, `groups`, `manager.displayName`) and the order of
//! multi-valued attributes' values when `new` reorders values it shares with `old`.
//! [`diff_messages`] splits it into PATCH messages of at most
//! [`DiffOptions::max_operations`] operations. See [`diff`] for the shape of the output.

mod apply;
mod diff;
mod lenient;
mod undo;
mod value;

pub use apply::{apply, apply_owned, apply_owned_with, apply_with};
pub use diff::{diff, diff_messages};

/// Options of [`apply_with`]. The default is strict RFC 7644.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Accept what identity providers send in PATCH requests though RFC 7644 forbids it
    /// (Microsoft Entra ID and Okta shapes), for applications that receive PATCH:
    ///
    /// - op names in any case (`"Replace"`, `"ADD"`);
    /// - `"True"` / `"False"` (any case) for boolean attributes;
    /// - dotted keys in a path-less value (`{"name.givenName": "Barbara"}`);
    /// - a bare value where a complex value with a `value` sub-attribute is expected
    ///   (`"manager": "26118915"` is `{"value": "26118915"}`, `"emails": "b@x.org"` is
    ///   `[{"value": "b@x.org"}]`);
    /// - read-only attributes in a value (the `id` in Okta's group rename) are ignored,
    ///   as RFC 7644 §3.5.1 says a PUT does ("readOnly: Any values provided SHALL be
    ///   ignored"), instead of failing with `mutability`;
    /// - `add`/`replace` with a filtered path that matches no value
    ///   (`emails[type eq "work"].value` for a user without a work email) creates the
    ///   value from the filter's `eq` comparisons, as Entra ID expects, instead of
    ///   failing with `noTarget`;
    /// - an empty `path` (`""`) is no path.
    pub lenient: bool,
}

impl ApplyOptions {
    /// Strict RFC 7644 (the default).
    pub fn strict() -> Self {
        ApplyOptions::default()
    }

    /// Every inbound leniency of [`ApplyOptions::lenient`] on.
    pub fn lenient() -> Self {
        ApplyOptions { lenient: true }
    }
}

/// How [`diff`] removes values of a multi-valued attribute (group members, emails).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MemberRemoval {
    /// `{"op": "remove", "path": "members[value eq \"2819c223\"]"}`: one operation per
    /// removed value, as RFC 7644 §3.5.2.2 shows (the default).
    #[default]
    Filtered,
    /// `{"op": "remove", "path": "members", "value": [{"value": "2819c223"}, ...]}`: one
    /// operation listing every removed value, for servers that take no filter in a
    /// remove path (Salesforce, and what Microsoft Entra ID sends).
    ValueList,
}

/// Options of [`diff`]: shape the PATCH for what the target server accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffOptions {
    /// Use value-filtered paths (`members[value eq "..."]`) to remove single values
    /// (default true). When false, and [`DiffOptions::member_removal`] is `Filtered`, a
    /// multi-valued attribute that loses values is replaced as a whole (for servers such
    /// as GitHub's that reject filtered paths).
    pub filtered_paths: bool,
    /// The most operations per PATCH message, for [`diff_messages`] (`None`: no limit).
    /// [`diff`] ignores it and returns every operation in one message.
    pub max_operations: Option<usize>,
    /// How values of multi-valued attributes are removed.
    pub member_removal: MemberRemoval,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            filtered_paths: true,
            max_operations: None,
            member_removal: MemberRemoval::Filtered,
        }
    }
}
