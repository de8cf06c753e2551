//! `meta` (RFC 7643 §3.1) and entity tags (RFC 7644 §3.14).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The `meta` complex attribute of RFC 7643 §3.1.
///
/// Timestamps are kept as the server wrote them (`xsd:dateTime` text), so a round trip
/// changes nothing; parse them with [`Meta::created_at`] / [`Meta::last_modified_at`].
/// Decoding is lenient: keys match case-insensitively, and a field of an unexpected type
/// is kept in `extra` rather than failing the whole resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// `resourceType`: the name of the resource type, e.g. `"User"`.
    pub resource_type: Option<String>,
    /// `created`: when the resource was added to the service provider.
    pub created: Option<String>,
    /// `lastModified`: when the resource was last changed.
    pub last_modified: Option<String>,
    /// `location`: the URI of the resource.
    pub location: Option<String>,
    /// `version`: the entity tag of the resource, as sent (`W/"..."`); see [`Meta::etag`].
    pub version: Option<String>,
    /// Every other key, kept as given.
    pub extra: Map<String, Value>,
}

const FIELDS: [&str; 5] = [
    "resourceType",
    "created",
    "lastModified",
    "location",
    "version",
];

impl Meta {
    /// The field `key` names (case-insensitively), if it names one of [`FIELDS`]: the one
    /// mapping from a key to its field, for [`Meta::from_value`] and the streaming decoder.
    pub(crate) fn field_mut(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(
            match FIELDS.iter().position(|f| f.eq_ignore_ascii_case(key))? {
                0 => &mut self.resource_type,
                1 => &mut self.created,
                2 => &mut self.last_modified,
                3 => &mut self.location,
                _ => &mut self.version,
            },
        )
    }

    /// Decodes `meta` from a JSON value; `None` unless it is an object.
    pub fn from_value(value: &Value) -> Option<Meta> {
        let mut meta = Meta::default();
        for (key, v) in value.as_object()? {
            match (meta.field_mut(key), v) {
                (Some(field), Value::String(s)) => *field = Some(s.clone()),
                _ => {
                    meta.extra.insert(key.clone(), v.clone());
                }
            }
        }
        Some(meta)
    }

    /// Encodes `meta` as a JSON object with the RFC's key names, then the extra keys.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        let fields = [
            &self.resource_type,
            &self.created,
            &self.last_modified,
            &self.location,
            &self.version,
        ];
        for (name, field) in FIELDS.iter().zip(fields) {
            if let Some(v) = field {
                map.insert((*name).to_owned(), Value::String(v.clone()));
            }
        }
        map.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        Value::Object(map)
    }

    /// `version` as an entity tag.
    pub fn etag(&self) -> Option<ETag> {
        ETag::parse(self.version.as_deref()?)
    }

    /// `created` parsed as an RFC 3339 instant.
    pub fn created_at(&self) -> Option<time::OffsetDateTime> {
        parse_datetime(self.created.as_deref()?)
    }

    /// `lastModified` parsed as an RFC 3339 instant.
    pub fn last_modified_at(&self) -> Option<time::OffsetDateTime> {
        parse_datetime(self.last_modified.as_deref()?)
    }
}

fn parse_datetime(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

impl Serialize for Meta {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Meta {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Meta::from_value(&value).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected meta to be an object, found {}",
                super::json_type_name(&value)
            ))
        })
    }
}

/// An HTTP entity tag (RFC 9110 §8.8.3), the form of SCIM's `meta.version`.
///
/// Parsing is lenient: `W/"abc"` is weak, `"abc"` strong, and a bare `abc` (which some
/// servers send) is taken as a strong tag with that value. [`fmt::Display`] prints the
/// header form (`W/"abc"`), ready for `If-Match` / `If-None-Match`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag {
    /// The opaque tag, without quotes or `W/`.
    pub value: String,
    /// True for a weak validator (`W/` prefix).
    pub weak: bool,
}

impl ETag {
    /// A strong entity tag.
    pub fn strong(value: impl Into<String>) -> Self {
        ETag {
            value: value.into(),
            weak: false,
        }
    }

    /// A weak entity tag.
    pub fn weak(value: impl Into<String>) -> Self {
        ETag {
            value: value.into(),
            weak: true,
        }
    }

    /// Parses a header or `meta.version` value; `None` for an empty one.
    pub fn parse(text: &str) -> Option<ETag> {
        let text = text.trim();
        let (weak, rest) = match text.get(..2) {
            Some(p) if p.eq_ignore_ascii_case("W/") => (true, &text[2..]),
            _ => (false, text),
        };
        let value = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(rest);
        (!value.is_empty()).then(|| ETag {
            value: value.to_owned(),
            weak,
        })
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weak {
            f.write_str("W/")?;
        }
        write!(f, "\"{}\"", self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn etags_parse_weak_strong_and_bare() {
        assert_eq!(ETag::parse("W/\"a1\""), Some(ETag::weak("a1")));
        assert_eq!(ETag::parse("w/\"a1\""), Some(ETag::weak("a1")));
        assert_eq!(ETag::parse("\"a1\""), Some(ETag::strong("a1")));
        assert_eq!(ETag::parse("a1"), Some(ETag::strong("a1")));
        assert_eq!(ETag::parse("  "), None);
        assert_eq!(ETag::weak("x").to_string(), "W/\"x\"");
        assert_eq!(ETag::strong("x").to_string(), "\"x\"");
    }

    #[test]
    fn meta_round_trips_and_is_lenient() {
        let v = json!({
            "ResourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "location": "https://example.com/v2/Users/2819c223",
            "version": "W/\"3694e05e9dff591\"",
            "x-shard": 7
        });
        let m = Meta::from_value(&v).unwrap();
        assert_eq!(m.resource_type.as_deref(), Some("User"));
        assert_eq!(m.extra["x-shard"], 7);
        assert_eq!(m.etag(), Some(ETag::weak("3694e05e9dff591")));
        assert_eq!(m.created_at().unwrap().year(), 2010);
        // Key casing is normalized to the RFC's on output; nothing is lost.
        let out = m.to_value();
        assert_eq!(out["resourceType"], "User");
        assert_eq!(out["x-shard"], 7);
        // A field of the wrong type is kept, not fatal.
        let m = Meta::from_value(&json!({"version": 3})).unwrap();
        assert_eq!(m.version, None);
        assert_eq!(m.extra["version"], 3);
    }
}
