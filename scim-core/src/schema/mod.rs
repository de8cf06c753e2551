//! Schema awareness: attribute definitions (RFC 7643 §2.2, §7) and the
//! [`SchemaRegistry`] that filters, PATCH and diff consult.
//!
//! The RFC 7643 core schemas are built in ([`SchemaRegistry::new`]); a registry can also
//! be loaded from a server's `/Schemas` response. Attributes that no schema defines are
//! never rejected: callers treat them as case-insensitive strings / plain JSON.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::resource::Meta;
use crate::urn;

use index::CiIndex;

/// Declares a string enum of RFC 7643 whose parsing is case-insensitive and which keeps
/// any value it does not know in `Other`, so that decoding a server's schema never fails
/// on an unexpected spelling and re-encoding it loses nothing.
macro_rules! lenient_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this library does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The RFC 7643 spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }

            /// Parses the RFC 7643 spelling case-insensitively; unknown values are kept.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) { return $name::$variant; })*
                $name::Other(s.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }
    };
}

lenient_enum! {
    /// An attribute's data type (RFC 7643 §2.3).
    AttributeType {
        /// `string`
        String = "string",
        /// `boolean`
        Boolean = "boolean",
        /// `decimal`
        Decimal = "decimal",
        /// `integer`
        Integer = "integer",
        /// `dateTime` (`xsd:dateTime`, compared as instants)
        DateTime = "dateTime",
        /// `binary` (base64)
        Binary = "binary",
        /// `reference` (a URI)
        Reference = "reference",
        /// `complex` (has sub-attributes)
        Complex = "complex",
    }
}

lenient_enum! {
    /// When an attribute may be changed (RFC 7643 §2.2 `mutability`).
    Mutability {
        /// `readOnly`: set by the service provider only.
        ReadOnly = "readOnly",
        /// `readWrite`: the default.
        ReadWrite = "readWrite",
        /// `immutable`: may be set once, then never changed.
        Immutable = "immutable",
        /// `writeOnly`: never returned (passwords).
        WriteOnly = "writeOnly",
    }
}

lenient_enum! {
    /// When an attribute is returned (RFC 7643 §2.2 `returned`).
    Returned {
        /// `always`
        Always = "always",
        /// `never`
        Never = "never",
        /// `default`: unless excluded.
        Default = "default",
        /// `request`: only when asked for.
        Request = "request",
    }
}

lenient_enum! {
    /// How a value must be unique (RFC 7643 §2.2 `uniqueness`).
    Uniqueness {
        /// `none`: the default.
        None = "none",
        /// `server`: unique within the service provider.
        Server = "server",
        /// `global`: globally unique.
        Global = "global",
    }
}

/// An attribute definition (RFC 7643 §7 `attributes` and `subAttributes`).
///
/// Characteristics a server left out stay `None` so that re-encoding a schema gives back
/// what was read; the accessors ([`Attribute::attr_type`], [`Attribute::is_case_exact`],
/// ...) apply the defaults of RFC 7643 §2.2.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    /// The attribute's name.
    pub name: String,
    /// `type`; default `string`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<AttributeType>,
    /// `multiValued`; default false.
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub multi_valued: Option<bool>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `required`; default false.
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub required: Option<bool>,
    /// `canonicalValues`: suggested values (a mismatch is a warning, never an error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_values: Option<Vec<Value>>,
    /// `caseExact`; default false.
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub case_exact: Option<bool>,
    /// `mutability`; default `readWrite`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<Mutability>,
    /// `returned`; default `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<Returned>,
    /// `uniqueness`; default `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniqueness: Option<Uniqueness>,
    /// `referenceTypes`, for `reference` attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_types: Option<Vec<String>>,
    /// `subAttributes`, for `complex` attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_attributes: Option<Vec<Attribute>>,
    /// Every other key, kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Attribute {
    /// The data type (default `string`).
    pub fn attr_type(&self) -> &AttributeType {
        self.type_.as_ref().unwrap_or(&AttributeType::String)
    }

    /// `multiValued` (default false).
    pub fn is_multi_valued(&self) -> bool {
        self.multi_valued.unwrap_or(false)
    }

    /// `required` (default false).
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(false)
    }

    /// `caseExact` (default false).
    pub fn is_case_exact(&self) -> bool {
        self.case_exact.unwrap_or(false)
    }

    /// `mutability` (default `readWrite`).
    pub fn mutability(&self) -> &Mutability {
        self.mutability.as_ref().unwrap_or(&Mutability::ReadWrite)
    }

    /// `returned` (default `default`).
    pub fn returned(&self) -> &Returned {
        self.returned.as_ref().unwrap_or(&Returned::Default)
    }

    /// `uniqueness` (default `none`).
    pub fn uniqueness(&self) -> &Uniqueness {
        self.uniqueness.as_ref().unwrap_or(&Uniqueness::None)
    }

    /// True for `mutability: readOnly`.
    pub fn is_read_only(&self) -> bool {
        *self.mutability() == Mutability::ReadOnly
    }

    /// The sub-attributes (empty unless complex).
    pub fn sub_attributes(&self) -> &[Attribute] {
        self.sub_attributes.as_deref().unwrap_or_default()
    }

    /// The sub-attribute `name`, case-insensitively.
    pub fn sub_attribute(&self, name: &str) -> Option<&Attribute> {
        find_attribute(self.sub_attributes(), name)
    }
}

/// Decodes an optional boolean characteristic leniently: `true`, `false`, `null`, and the
/// strings `"true"` / `"false"` in any case, which some servers send.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim() {
                t if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
                t if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
            }
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_option(Visitor)
}

/// A schema definition (RFC 7643 §7), as served at `/Schemas`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// `schemas`: `["urn:ietf:params:scim:schemas:core:2.0:Schema"]` when sent; some
    /// servers leave it out, which is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schemas: Option<Vec<String>>,
    /// `id`: the schema URN.
    pub id: String,
    /// `name`: e.g. `"User"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `attributes`: the top-level attribute definitions.
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// `meta`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Every other key, kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Schema {
    /// The top-level attribute `name`, case-insensitively.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        find_attribute(&self.attributes, name)
    }
}

fn find_attribute<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    // A handful of sub-attributes: a scan comparing lengths, then eight bytes at a time.
    attrs.iter().find(|a| index::eq_fold(&a.name, name))
}

/// Attribute definitions with their case-insensitive indexes: the top-level names, and
/// for each attribute the names of its sub-attributes.
#[derive(Debug, Clone, Default)]
struct AttributeIndex {
    names: CiIndex,
    subs: Vec<CiIndex>,
}

impl AttributeIndex {
    fn new(attrs: &[Attribute]) -> Self {
        AttributeIndex {
            names: CiIndex::new(attrs.iter().map(|a| a.name.as_str())),
            subs: attrs
                .iter()
                .map(|a| CiIndex::new(a.sub_attributes().iter().map(|s| s.name.as_str())))
                .collect(),
        }
    }

    /// The position of the top-level attribute `name` in `attrs`.
    #[inline]
    fn position(&self, attrs: &[Attribute], name: &str) -> Option<usize> {
        self.names
            .get(name, |i| attrs.get(i).map(|a| a.name.as_str()))
    }

    /// The attribute at `i` or, with `sub`, its sub-attribute `sub`.
    #[inline]
    fn resolve<'a>(
        &self,
        attrs: &'a [Attribute],
        i: usize,
        sub: Option<&str>,
    ) -> Option<&'a Attribute> {
        let attr = attrs.get(i)?;
        match sub {
            None => Some(attr),
            Some(sub) => {
                let subs = attr.sub_attributes();
                let j = self
                    .subs
                    .get(i)?
                    .get(sub, |j| subs.get(j).map(|s| s.name.as_str()))?;
                subs.get(j)
            }
        }
    }
}

/// Up to this many schemas, a schema id is found by a scan of their lengths rather than
/// through the hash index.
const LINEAR_IDS: usize = 16;

/// A schema in a registry, with its lookup indexes.
#[derive(Debug, Clone)]
struct Entry {
    schema: Schema,
    index: AttributeIndex,
    /// True for an extension schema (`urn:...:extension:...`): its attributes live in an
    /// object keyed by its URN, not at the top level.
    extension: bool,
}

impl Entry {
    fn new(schema: Schema) -> Self {
        Entry {
            index: AttributeIndex::new(&schema.attributes),
            extension: urn::is_extension(&schema.id),
            schema,
        }
    }

    #[inline]
    fn lookup(&self, name: &str, sub: Option<&str>) -> Option<&Attribute> {
        let i = self.index.position(&self.schema.attributes, name)?;
        self.index.resolve(&self.schema.attributes, i, sub)
    }
}

/// The common attributes of RFC 7643 §3.1 (`id`, `externalId`, `meta`), indexed.
#[derive(Debug)]
struct Common {
    attributes: Vec<Attribute>,
    index: AttributeIndex,
}

fn common() -> &'static Common {
    static COMMON: OnceLock<Common> = OnceLock::new();
    COMMON.get_or_init(|| {
        let attributes = builtin::common_attributes();
        Common {
            index: AttributeIndex::new(&attributes),
            attributes,
        }
    })
}

/// A schema of a registry found by [`SchemaRegistry::known`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Known<'r> {
    /// Its position in the registry.
    pub(crate) at: usize,
    /// Its URN as the registry spells it.
    pub(crate) id: &'r str,
    /// True for an extension schema.
    pub(crate) extension: bool,
}

/// A set of schema definitions, looked up by URN and by attribute path.
///
/// [`SchemaRegistry::new`] holds the RFC 7643 core schemas; [`SchemaRegistry::core`] is a
/// shared instance of it, built once. Adding a schema whose `id` is already present
/// replaces it. A registry loaded from a server ([`SchemaRegistry::from_schemas_response`])
/// starts from the core schemas, which the server's definitions then replace.
///
/// Lookups ([`SchemaRegistry::schema`], [`SchemaRegistry::attribute`],
/// [`SchemaRegistry::attribute_at`]) are case-insensitive and allocation-free: every name
/// is found through a precomputed case-folded hash index, so filter evaluation can ask
/// for a definition on every comparison.
#[derive(Debug, Clone, Default)]
pub struct SchemaRegistry {
    entries: Vec<Entry>,
    /// Schema id → position in `entries`.
    by_id: CiIndex,
    /// The byte length of each schema id, in `entries` order (scanned when there are few).
    id_lens: Vec<u32>,
    /// Positions in `entries` of the core resource schemas (User, Group,
    /// ServiceProviderConfig, ResourceType, Schema), in that order: where an attribute of
    /// a resource that lists no known schema is looked for.
    fallback: Vec<usize>,
    /// Whether the common attributes of RFC 7643 §3.1 are known (not in an empty registry).
    with_common: bool,
    /// Positions of the User and Group schemas, the URNs resources list most: found by
    /// [`SchemaRegistry::known`] with one exact comparison instead of a folded one.
    user_group: [Option<usize>; 2],
}

impl SchemaRegistry {
    /// A registry with the RFC 7643 core schemas (User, EnterpriseUser, Group,
    /// ServiceProviderConfig, ResourceType, Schema) and the common attributes `id`,
    /// `externalId` and `meta` (RFC 7643 §3.1).
    pub fn new() -> Self {
        let mut registry = SchemaRegistry {
            with_common: true,
            ..SchemaRegistry::default()
        };
        registry.extend(builtin::core_schemas());
        registry
    }

    /// A registry with no schema at all: every attribute is then unknown.
    pub fn empty() -> Self {
        SchemaRegistry::default()
    }

    /// A process-wide registry of the core schemas, built once.
    pub fn core() -> &'static SchemaRegistry {
        static CORE: OnceLock<SchemaRegistry> = OnceLock::new();
        CORE.get_or_init(SchemaRegistry::new)
    }

    /// Adds a schema, replacing one with the same `id` (compared case-insensitively).
    pub fn add(&mut self, schema: Schema) {
        self.insert(schema);
        self.refresh_fallback();
    }

    /// Adds several schemas, as [`SchemaRegistry::add`] does one by one.
    pub fn extend(&mut self, schemas: impl IntoIterator<Item = Schema>) {
        for schema in schemas {
            self.insert(schema);
        }
        self.refresh_fallback();
    }

    fn insert(&mut self, schema: Schema) {
        match self.position(&schema.id) {
            Some(i) => self.entries[i] = Entry::new(schema),
            None => {
                let entries = &self.entries;
                let id = schema.id.clone();
                let at = |i: usize| entries.get(i).map(|e| e.schema.id.as_str());
                self.by_id.push(&id, at);
                self.id_lens
                    .push(u32::try_from(id.len()).unwrap_or(u32::MAX));
                self.entries.push(Entry::new(schema));
            }
        }
    }

    fn refresh_fallback(&mut self) {
        self.fallback = urn::CORE_RESOURCE_SCHEMAS
            .iter()
            .filter_map(|id| self.position(id))
            .collect();
        self.user_group = [self.position(urn::USER), self.position(urn::GROUP)];
    }

    #[inline]
    fn position(&self, id: &str) -> Option<usize> {
        let at = |i: usize| self.entries.get(i).map(|e| e.schema.id.as_str());
        if self.id_lens.len() <= LINEAR_IDS {
            // A handful of schemas (the core six, plus a few a server adds): comparing
            // lengths first is cheaper than hashing a 40-60 byte URN, and the core URNs
            // all have different lengths, so at most one full comparison is made.
            return self
                .id_lens
                .iter()
                .enumerate()
                .filter(|(_, len)| **len as usize == id.len())
                .map(|(i, _)| i)
                .find(|&i| at(i).is_some_and(|known| index::eq_fold(known, id)));
        }
        self.by_id.get(id, at)
    }

    #[inline]
    fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.get(self.position(id)?)
    }

    /// The schema with this URN, case-insensitively.
    pub fn schema(&self, id: &str) -> Option<&Schema> {
        self.entry(id).map(|e| &e.schema)
    }

    /// Every schema, in the order added.
    pub fn schemas(&self) -> impl Iterator<Item = &Schema> {
        self.entries.iter().map(|e| &e.schema)
    }

    /// The number of schemas.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the registry holds no schema.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when `id` names an extension schema (`urn:...:extension:...`) this registry
    /// knows.
    pub fn is_extension(&self, id: &str) -> bool {
        self.entry(id).is_some_and(|e| e.extension)
    }

    /// The definition of a common attribute of RFC 7643 §3.1 (`id`, `externalId`, `meta`
    /// and, with `sub`, the sub-attributes of `meta`).
    fn common_attribute(&self, name: &str, sub: Option<&str>) -> Option<&Attribute> {
        if !self.with_common {
            return None;
        }
        let common = common();
        let i = common.index.position(&common.attributes, name)?;
        common.index.resolve(&common.attributes, i, sub)
    }

    /// The definition of an attribute (and, with `sub`, of its sub-attribute).
    ///
    /// With a `urn`, the attribute is looked up in that schema (a core schema's URN also
    /// qualifies the common attributes `id`, `externalId` and `meta`). Without one, it is
    /// a top-level attribute of the resource's core schema: each of `resource_schemas`
    /// that is not an extension is searched in order, then the common attributes; when
    /// the resource lists no schema that the registry knows, the core resource schemas
    /// are searched (User first). `None` means the attribute is unknown, which callers
    /// treat as a case-insensitive string.
    ///
    /// Allocation-free; every name is compared case-insensitively.
    #[inline]
    pub fn attribute(
        &self,
        resource_schemas: &[&str],
        urn: Option<&str>,
        name: &str,
        sub: Option<&str>,
    ) -> Option<&Attribute> {
        match urn {
            Some(urn) => self.schema_attribute(self.position(urn)?, name, sub),
            None => self.top_level_attribute(resource_schemas, name, sub),
        }
    }

    /// [`SchemaRegistry::attribute`] with a URN, the schema found with
    /// [`SchemaRegistry::known`].
    pub(crate) fn schema_attribute(
        &self,
        at: usize,
        name: &str,
        sub: Option<&str>,
    ) -> Option<&Attribute> {
        let entry = self.entries.get(at)?;
        match entry.lookup(name, sub) {
            Some(a) => Some(a),
            None if !entry.extension => self.common_attribute(name, sub),
            None => None,
        }
    }

    fn top_level_attribute(
        &self,
        resource_schemas: &[&str],
        name: &str,
        sub: Option<&str>,
    ) -> Option<&Attribute> {
        let core = resource_schemas
            .iter()
            .filter_map(|id| self.entry(id))
            .filter(|e| !e.extension);
        self.top_level_in(core, name, sub)
    }

    /// [`SchemaRegistry::attribute`] without a URN, for a resource whose core schemas
    /// were resolved once with [`SchemaRegistry::known`] (PATCH looks attributes up on
    /// every operation of a request: the schema URNs are not compared again each time).
    pub(crate) fn top_level_attribute_in(
        &self,
        core: &[usize],
        name: &str,
        sub: Option<&str>,
    ) -> Option<&Attribute> {
        let core = core.iter().filter_map(|&i| self.entries.get(i));
        self.top_level_in(core, name, sub)
    }

    /// The schema `id` (case-insensitively), resolved for repeated look-ups: its
    /// position, its spelling and whether it is an extension.
    pub(crate) fn known(&self, id: &str) -> Option<Known<'_>> {
        // The usual spellings first (what `position` would find for them).
        let at = if id == urn::USER {
            self.user_group[0]?
        } else if id == urn::GROUP {
            self.user_group[1]?
        } else {
            self.position(id)?
        };
        let entry = &self.entries[at];
        Some(Known {
            at,
            id: entry.schema.id.as_str(),
            extension: entry.extension,
        })
    }

    /// The top-level attribute `name` (and `sub`) in the first of `core` that defines it;
    /// when `core` is empty (the resource lists no core schema the registry knows), in
    /// the core resource schemas; then among the common attributes.
    fn top_level_in<'s>(
        &'s self,
        core: impl Iterator<Item = &'s Entry>,
        name: &str,
        sub: Option<&str>,
    ) -> Option<&'s Attribute> {
        let mut known_any = false;
        for entry in core {
            known_any = true;
            if let Some(i) = entry.index.position(&entry.schema.attributes, name) {
                return entry.index.resolve(&entry.schema.attributes, i, sub);
            }
        }
        if !known_any {
            for &i in &self.fallback {
                let entry = &self.entries[i];
                if let Some(j) = entry.index.position(&entry.schema.attributes, name) {
                    return entry.index.resolve(&entry.schema.attributes, j, sub);
                }
            }
        }
        self.common_attribute(name, sub)
    }

    /// The definition of an attribute path (`emails.value`, `name.givenName`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`) for a
    /// resource with the given `schemas`. Allocation-free.
    pub fn attribute_at(&self, resource_schemas: &[&str], path: &str) -> Option<&Attribute> {
        let (urn, rest) = urn::split_urn(path);
        let (name, sub) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        // A core-qualified path names a top-level attribute of that schema.
        self.attribute(resource_schemas, urn, name, sub)
    }
}

mod builtin;
pub(crate) mod index;
mod load;
mod validate;

pub use validate::{Issue, IssueKind, Severity, ValidationMode, ValidationReport};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enums_parse_case_insensitively_and_keep_unknown_values() {
        assert_eq!(AttributeType::parse("DATETIME"), AttributeType::DateTime);
        assert_eq!(Mutability::parse("readonly"), Mutability::ReadOnly);
        assert_eq!(
            AttributeType::parse("int"),
            AttributeType::Other("int".to_owned())
        );
        assert_eq!(Returned::Request.to_string(), "request");
    }

    #[test]
    fn attribute_defaults_follow_rfc7643_2_2() {
        let a: Attribute = serde_json::from_value(json!({"name": "nickName"})).unwrap();
        assert_eq!(a.attr_type(), &AttributeType::String);
        assert!(!a.is_multi_valued() && !a.is_case_exact() && !a.is_required());
        assert_eq!(a.mutability(), &Mutability::ReadWrite);
        assert_eq!(a.returned(), &Returned::Default);
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"name": "nickName"})
        );
    }

    #[test]
    fn lookup_by_urn_and_path_is_case_insensitive() {
        let mut r = SchemaRegistry::empty();
        r.add(
            serde_json::from_value(json!({
                "id": "urn:example:Widget",
                "attributes": [{"name": "tags", "type": "complex", "multiValued": true,
                    "subAttributes": [{"name": "value", "caseExact": true}]}]
            }))
            .unwrap(),
        );
        let a = r
            .attribute_at(&["urn:example:widget"], "TAGS.Value")
            .unwrap();
        assert!(a.is_case_exact());
        assert!(r.attribute_at(&[], "urn:EXAMPLE:Widget:tags").is_some());
        assert!(r.attribute_at(&["urn:example:Widget"], "missing").is_none());
    }

    /// `known` (with its remembered User and Group positions) finds what `position`
    /// finds, in the core registry, an empty one, and one whose User was replaced or
    /// added after other schemas.
    #[test]
    fn known_agrees_with_position() {
        let mut custom = SchemaRegistry::empty();
        custom.add(serde_json::from_value(json!({"id": "urn:example:Widget"})).unwrap());
        custom.add(serde_json::from_value(json!({"id": urn::USER, "attributes": []})).unwrap());
        let mut replaced = SchemaRegistry::new();
        replaced.add(serde_json::from_value(json!({"id": urn::USER})).unwrap());
        let ids = [
            urn::USER,
            urn::GROUP,
            urn::ENTERPRISE_USER,
            "URN:ietf:params:scim:schemas:core:2.0:user",
            "urn:example:Widget",
            "urn:example:none",
        ];
        for r in [
            SchemaRegistry::core(),
            &SchemaRegistry::empty(),
            &custom,
            &replaced,
        ] {
            for id in ids {
                let k = r.known(id);
                assert_eq!(k.map(|k| k.at), r.position(id), "{id}");
                if let Some(k) = k {
                    assert!(k.id.eq_ignore_ascii_case(id));
                    assert_eq!(k.extension, urn::is_extension(k.id));
                }
            }
        }
    }
}
