//! Resources: the dynamic [`Resource`] that is the source of truth, and the typed
//! structs of RFC 7643 and RFC 7644 that convert to and from it losslessly.
//!
//! A [`Resource`] is a JSON object that keeps every key it was given — unknown attributes,
//! extension objects and key order included. Attribute lookup is case-insensitive
//! (RFC 7643 §2.1: "Attribute names are case insensitive") and never changes the stored
//! key casing.

pub(crate) mod codec;
mod discovery;
mod enterprise;
mod group;
mod message;
mod meta;
mod user;

pub use crate::schema::Schema;
pub use discovery::{
    AuthenticationScheme, BulkConfig, FilterConfig, PaginationConfig, ResourceType,
    SchemaExtension, ServiceProviderConfig, Supported,
};
pub use enterprise::{EnterpriseUser, Manager};
pub use group::{Group, Member};
pub use message::{
    BulkMethod, BulkOperation, BulkOperationResponse, BulkRequest, BulkResponse, ErrorResponse,
    ListResponse, PatchOp, PatchOpKind, PatchOperation, SearchRequest, SortOrder,
};
pub use meta::{ETag, Meta};
pub use user::{
    Address, Email, Entitlement, GroupRef, Im, MultiValue, Name, PhoneNumber, Photo, Role, User,
    X509Certificate,
};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::schema::index::cmp_same_len;
use crate::urn;

/// A SCIM resource or message that converts to and from a [`Resource`].
///
/// Implemented by [`Resource`] itself (the identity) and by every typed struct: [`User`],
/// [`Group`], [`ServiceProviderConfig`], [`ResourceType`], [`Schema`] and the RFC 7644
/// messages. Code generic over `T: ScimObject` (the client's `users()` → [`User`],
/// `resource(path)` → [`Resource`]) works with either.
///
/// The guarantee: for an RFC-conformant input `r`, `T::from_resource(r).to_resource()`
/// equals `r` as JSON. What a struct does not model is kept in its `extra` map.
///
/// ```
/// use scim_core::{resource::ScimObject, Resource, User};
/// let r = Resource::from_json(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "UserName":"bjensen","x-shoe-size":42}"#)?;
/// let user = User::from_resource(r)?;
/// assert_eq!(user.user_name.as_deref(), Some("bjensen"));
/// assert_eq!(user.extra["x-shoe-size"], 42);
/// assert!(user.to_resource().to_json().contains(r#""userName":"bjensen""#));
/// # Ok::<(), scim_core::Error>(())
/// ```
pub trait ScimObject: Sized {
    /// The core schema URN, e.g. [`urn::USER`] (`None` for [`Resource`]).
    const SCHEMA: Option<&'static str>;

    /// Decodes from a resource, leniently: keys match case-insensitively, unknown keys are
    /// kept, and scalars sent in a near-miss form (`"10"`, `"True"`) are accepted. A type
    /// mismatch is an [`Error::Decode`] whose path names the offending value.
    fn from_resource(resource: Resource) -> Result<Self>;

    /// Encodes as a resource, strictly per RFC: the RFC's key spellings, then every key
    /// the struct keeps in `extra`.
    fn to_resource(&self) -> Resource;

    /// [`ScimObject::to_resource`] by value.
    fn into_resource(self) -> Resource {
        self.to_resource()
    }

    /// Decodes from JSON text with the rules of [`ScimObject::from_resource`]. Typed
    /// structs decode the text directly, without building a [`Resource`] first.
    fn from_json(json: &str) -> Result<Self> {
        Self::from_resource(Resource::from_json(json)?)
    }

    /// Encodes as compact JSON text, as [`ScimObject::to_resource`] would.
    fn to_json(&self) -> String {
        self.to_resource().to_json()
    }
}

impl ScimObject for Resource {
    const SCHEMA: Option<&'static str> = None;

    fn from_resource(resource: Resource) -> Result<Self> {
        Ok(resource)
    }

    fn to_resource(&self) -> Resource {
        self.clone()
    }

    fn into_resource(self) -> Resource {
        self
    }

    fn from_json(json: &str) -> Result<Self> {
        Resource::from_json(json)
    }

    fn to_json(&self) -> String {
        Resource::to_json(self)
    }
}

/// A SCIM resource or message as a JSON object: the source of truth of this library.
///
/// Every key it was given is kept, with its casing and (serde_json's `preserve_order`)
/// its order; lookups by name or path are case-insensitive.
///
/// ```
/// use scim_core::Resource;
/// let user = Resource::from_json(r#"{
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "userName": "bjensen",
///     "name": {"givenName": "Barbara"},
///     "x-custom": 1
/// }"#)?;
/// assert_eq!(user.get("USERNAME").and_then(|v| v.as_str()), Some("bjensen"));
/// assert_eq!(user.get_path("name.givenname").and_then(|v| v.as_str()), Some("Barbara"));
/// assert!(user.to_json().contains(r#""x-custom":1"#));
/// # Ok::<(), scim_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Resource(Map<String, Value>);

impl Resource {
    /// An empty resource (`{}`).
    pub fn new() -> Self {
        Resource(Map::new())
    }

    /// Parses a JSON object. Anything else (an array, a string, malformed JSON) is an
    /// [`Error::Decode`] that says what and where.
    pub fn from_json(json: &str) -> Result<Self> {
        Self::from_slice(json.as_bytes())
    }

    /// Parses a JSON object from bytes; see [`Resource::from_json`].
    pub fn from_slice(json: &[u8]) -> Result<Self> {
        // The common case parses once, without tracking paths; only input that fails is
        // parsed again to say where.
        if let Ok(value) = serde_json::from_slice::<Value>(json) {
            return Self::from_value(value);
        }
        let mut de = serde_json::Deserializer::from_slice(json);
        let value = serde_path_to_error::deserialize(&mut de).map_err(Error::decode)?;
        de.end().map_err(|e| Error::Decode {
            message: e.to_string(),
            path: None,
        })?;
        Self::from_value(value)
    }

    /// Wraps a JSON value, which must be an object.
    pub fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Resource(map)),
            other => Err(Error::Decode {
                message: format!("expected a JSON object, found {}", json_type_name(&other)),
                path: None,
            }),
        }
    }

    /// The compact JSON text of this resource.
    pub fn to_json(&self) -> String {
        // Serializing a map of `Value`s with string keys cannot fail.
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// The indented JSON text of this resource.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_default()
    }

    /// This resource as a JSON value (a copy).
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// This resource as a JSON value, without copying.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }

    /// The underlying JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The underlying JSON object, mutably. Writing through it bypasses the
    /// case-preserving rules of [`Resource::insert`].
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }

    /// The underlying JSON object, by value.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// The top-level attribute `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&Value> {
        get_ci(&self.0, name).map(|(_, v)| v)
    }

    /// The top-level attribute `name` (case-insensitive), mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        get_ci_mut(&mut self.0, name)
    }

    /// The stored spelling of the top-level key that matches `name` case-insensitively.
    pub fn key(&self, name: &str) -> Option<&str> {
        get_ci(&self.0, name).map(|(k, _)| k)
    }

    /// Sets the top-level attribute `name`. When a key already matches `name`
    /// case-insensitively, its value is replaced and its stored casing kept; otherwise
    /// the key is added as spelled. Returns the previous value.
    pub fn insert(&mut self, name: &str, value: Value) -> Option<Value> {
        insert_ci(&mut self.0, name, value)
    }

    /// Removes the top-level attribute `name` (case-insensitive) and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        remove_ci(&mut self.0, name)
    }

    /// The value at an attribute path: `userName`, `name.givenName`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`, or a
    /// core-qualified `urn:ietf:params:scim:schemas:core:2.0:User:userName`. Every step is
    /// case-insensitive. A path through a multi-valued attribute (`emails.value`) is not a
    /// single value and gives `None`: filters and PATCH paths address those.
    ///
    /// A URN prefix selects the extension object keyed by that URN when there is one;
    /// otherwise, when the URN is a core resource schema or a schema listed in `schemas`
    /// that is not an extension, it qualifies a top-level attribute.
    pub fn get_path(&self, path: &str) -> Option<&Value> {
        let (container, rest) = self.resolve_urn(path)?;
        let mut parts = rest.split('.');
        let mut current = get_ci(container, parts.next()?)?.1;
        for part in parts {
            current = get_ci(current.as_object()?, part)?.1;
        }
        Some(current)
    }

    /// The object that an attribute path's URN prefix designates, and the path's rest.
    fn resolve_urn<'a>(&self, path: &'a str) -> Option<(&Map<String, Value>, &'a str)> {
        match urn::split_urn(path) {
            (None, rest) => Some((&self.0, rest)),
            (Some(urn), rest) => {
                if let Some((_, ext)) = get_ci(&self.0, urn) {
                    return Some((ext.as_object()?, rest));
                }
                let core = urn::is_core_resource_schema(urn)
                    || (self.has_schema(urn) && !urn::is_extension(urn));
                core.then_some((&self.0, rest))
            }
        }
    }

    /// The `schemas` URIs. A server that sends a single string instead of an array is
    /// tolerated; non-string items are skipped.
    pub fn schemas(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self.get("schemas") {
            Some(Value::String(s)) => (Some(s.as_str()), None),
            Some(Value::Array(items)) => (None, Some(items.iter().filter_map(Value::as_str))),
            _ => (None, None),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    /// True when `schemas` lists `urn` (case-insensitive).
    pub fn has_schema(&self, urn: &str) -> bool {
        self.schemas().any(|s| s.eq_ignore_ascii_case(urn))
    }

    /// Adds `urn` to `schemas` unless it is already listed (creating `schemas` if needed).
    pub fn add_schema(&mut self, urn: &str) {
        if self.has_schema(urn) {
            return;
        }
        match self.get_mut("schemas") {
            Some(Value::Array(items)) => items.push(Value::String(urn.to_owned())),
            Some(single @ Value::String(_)) => {
                let first = single.take();
                *single = Value::Array(vec![first, Value::String(urn.to_owned())]);
            }
            _ => {
                self.insert("schemas", Value::Array(vec![Value::String(urn.to_owned())]));
            }
        }
    }

    /// The server-assigned `id`.
    pub fn id(&self) -> Option<&str> {
        self.get("id").and_then(Value::as_str)
    }

    /// The client-assigned `externalId`.
    pub fn external_id(&self) -> Option<&str> {
        self.get("externalId").and_then(Value::as_str)
    }

    /// The `meta` attribute, decoded. `None` when absent or not an object; a `meta` whose
    /// fields have the wrong types yields the fields that decode.
    pub fn meta(&self) -> Option<Meta> {
        Meta::from_value(self.get("meta")?)
    }

    /// The resource's version (`meta.version`) as an entity tag, weak or strong.
    pub fn version(&self) -> Option<ETag> {
        let meta = self.get("meta")?.as_object()?;
        ETag::parse(get_ci(meta, "version")?.1.as_str()?)
    }
}

impl From<Map<String, Value>> for Resource {
    fn from(map: Map<String, Value>) -> Self {
        Resource(map)
    }
}

impl From<Resource> for Value {
    fn from(r: Resource) -> Self {
        r.into_value()
    }
}

impl TryFrom<Value> for Resource {
    type Error = Error;
    fn try_from(value: Value) -> Result<Self> {
        Resource::from_value(value)
    }
}

impl std::str::FromStr for Resource {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Resource::from_json(s)
    }
}

/// The name of a JSON value's type with its article (`"a string"`, `"an object"`,
/// `"null"`), for error messages such as "expected a JSON object, found an array".
///
/// ```
/// use scim_core::resource::json_type_name;
/// assert_eq!(json_type_name(&serde_json::json!([1])), "an array");
/// ```
pub fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Up to this many keys, the case-insensitive helpers below scan the map instead of
/// hashing: serde_json's map hashes every key with SipHash (tens of instructions per
/// byte block, and a case-insensitive miss then scans anyway), while a scan compares
/// lengths first and only same-length keys byte by byte. SCIM resources and complex
/// values have a handful to a few dozen keys; a bigger map is hashed first.
const SCAN_MAX: usize = 32;

/// The entry whose key equals `name` case-insensitively; an exact match wins over a
/// case-insensitive one, which otherwise is the first in key order.
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, name: &str) -> Option<(&'a str, &'a Value)> {
    if map.len() > SCAN_MAX {
        if let Some((k, v)) = map.get_key_value(name) {
            return Some((k.as_str(), v));
        }
    }
    find_ci(map.iter(), name)
}

/// The first entry whose key is `name` exactly, else the first whose key equals it
/// case-insensitively: the one scan behind [`get_ci`] and [`entry_ci_mut`].
fn find_ci<'a, V>(
    entries: impl Iterator<Item = (&'a String, V)>,
    name: &str,
) -> Option<(&'a str, V)> {
    let mut folded = None;
    for (k, v) in entries {
        // Most keys differ in length: that test alone stays in the loop, and the
        // comparison of same-length keys is a call (inlining it would set up its
        // constants before the loop on every look-up, for maps of a handful of keys).
        if k.len() != name.len() {
            continue;
        }
        match cmp_same_len(k, name) {
            Some(true) => return Some((k.as_str(), v)),
            Some(false) if folded.is_none() => folded = Some((k.as_str(), v)),
            _ => {}
        }
    }
    folded
}

/// The position, stored key and value of the entry [`get_ci`] finds: one scan where
/// [`get_ci`] and then a search for the key's position would make two.
pub(crate) fn index_ci<'a>(
    map: &'a Map<String, Value>,
    name: &str,
) -> Option<(usize, &'a str, &'a Value)> {
    let entries = map.iter().enumerate().map(|(i, (k, v))| (k, (i, v)));
    find_ci(entries, name).map(|(k, (i, v))| (i, k, v))
}

/// The stored key that equals `name` case-insensitively.
pub(crate) fn key_ci<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    get_ci(map, name).map(|(k, _)| k)
}

/// The value whose key equals `name` case-insensitively, mutably (the same entry as
/// [`get_ci`]).
pub(crate) fn get_ci_mut<'a>(map: &'a mut Map<String, Value>, name: &str) -> Option<&'a mut Value> {
    if map.len() > SCAN_MAX && map.contains_key(name) {
        return map.get_mut(name);
    }
    entry_ci_mut(map, name).map(|(_, v)| v)
}

/// The stored key and the value of the entry [`get_ci`] finds, the value mutably: one
/// look-up where `key_ci` then `get_ci_mut` would make two.
pub(crate) fn entry_ci_mut<'a>(
    map: &'a mut Map<String, Value>,
    name: &str,
) -> Option<(&'a str, &'a mut Value)> {
    find_ci(map.iter_mut(), name)
}

/// Sets `name`, keeping the stored casing (and position) of a key that matches
/// case-insensitively.
pub(crate) fn insert_ci(map: &mut Map<String, Value>, name: &str, value: Value) -> Option<Value> {
    match get_ci_mut(map, name) {
        Some(slot) => Some(std::mem::replace(slot, value)),
        None => map.insert(name.to_owned(), value),
    }
}

/// Removes the entry whose key equals `name` case-insensitively, keeping the order of
/// the others.
pub(crate) fn remove_ci(map: &mut Map<String, Value>, name: &str) -> Option<Value> {
    match key_ci(map, name)? {
        // The stored key is `name` itself: no copy of it needed to remove it.
        k if k == name => map.shift_remove(name),
        k => {
            let key = k.to_owned();
            map.shift_remove(&key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Resource {
        Resource::from_value(json!({
            "schemas": [urn::USER, urn::ENTERPRISE_USER],
            "id": "2819c223",
            "UserName": "bjensen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "b@example.com", "type": "work"}],
            (urn::ENTERPRISE_USER): {"manager": {"value": "26118915", "displayName": "John"}},
            "meta": {"version": "W/\"3694e05e9dff591\"", "resourceType": "User"}
        }))
        .unwrap()
    }

    #[test]
    fn lookup_is_case_insensitive_and_keeps_casing() {
        let mut u = user();
        assert_eq!(u.get("username"), Some(&json!("bjensen")));
        assert_eq!(u.key("userName"), Some("UserName"));
        u.insert("USERNAME", json!("babs"));
        assert_eq!(u.key("username"), Some("UserName"));
        assert_eq!(u.get("userName"), Some(&json!("babs")));
        assert_eq!(u.remove("NAME").unwrap()["givenName"], "Barbara");
        assert!(u.get("name").is_none());
    }

    #[test]
    fn paths_resolve_sub_attributes_and_urns() {
        let u = user();
        assert_eq!(u.get_path("NAME.GIVENNAME"), Some(&json!("Barbara")));
        assert_eq!(
            u.get_path(&format!("{}:manager.value", urn::ENTERPRISE_USER)),
            Some(&json!("26118915"))
        );
        assert_eq!(
            u.get_path(&format!("{}:userName", urn::USER.to_uppercase())),
            Some(&json!("bjensen"))
        );
        assert_eq!(u.get_path("urn:example:unknown:userName"), None);
        assert_eq!(u.get_path("emails.value"), None);
    }

    #[test]
    fn accessors_read_common_attributes() {
        let u = user();
        assert_eq!(u.id(), Some("2819c223"));
        assert_eq!(
            u.schemas().collect::<Vec<_>>(),
            [urn::USER, urn::ENTERPRISE_USER]
        );
        let v = u.version().unwrap();
        assert!(v.weak);
        assert_eq!(v.value, "3694e05e9dff591");
        assert_eq!(u.meta().unwrap().resource_type.as_deref(), Some("User"));
    }

    #[test]
    fn add_schema_is_idempotent_and_tolerates_a_string() {
        let mut r = Resource::from_value(json!({"schemas": urn::USER})).unwrap();
        r.add_schema(&urn::USER.to_lowercase());
        assert_eq!(r.get("schemas"), Some(&json!(urn::USER)));
        r.add_schema(urn::ENTERPRISE_USER);
        assert_eq!(
            r.get("schemas"),
            Some(&json!([urn::USER, urn::ENTERPRISE_USER]))
        );
        let mut empty = Resource::new();
        empty.add_schema(urn::GROUP);
        assert_eq!(
            empty.to_json(),
            format!(r#"{{"schemas":["{}"]}}"#, urn::GROUP)
        );
    }

    #[test]
    fn non_objects_and_malformed_json_are_decode_errors() {
        let e = Resource::from_json("[1,2]").unwrap_err();
        assert!(
            e.to_string()
                .contains("expected a JSON object, found an array"),
            "{e}"
        );
        let e = Resource::from_json(r#"{"a": [1, }"#).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Decode);
        let e = Resource::from_json(r#"{"a": 1} trailing"#).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Decode);
    }

    #[test]
    fn key_order_and_unknown_keys_survive() {
        let text = r#"{"z":1,"a":{"y":[1,2,{"k":null}],"b":"x"},"urn:x:ext":{"q":true}}"#;
        assert_eq!(Resource::from_json(text).unwrap().to_json(), text);
    }
}
