//! The lenient decoder and strict encoder behind the typed structs.
//!
//! Every typed struct is declared with [`scim_struct!`], which generates the struct (with
//! its `extra` map) and serde implementations: a streaming, case-insensitive
//! `Deserialize` (the same code decodes JSON text and a [`Resource`](super::Resource)'s
//! values, with no intermediate tree for JSON text) and a `Serialize` that writes the RFC's
//! key spellings. The rules, shared by every struct:
//!
//! - Input keys match the RFC name case-insensitively (RFC 7643 §2.1: "Attribute names
//!   are case insensitive"); output keys are the RFC's spelling.
//! - A key the struct does not model goes to `extra` with its value, as given.
//! - An explicit `null` for a modelled attribute leaves the field empty and is kept in
//!   `extra` (so a round trip writes it back); it is dropped on output when the field has
//!   since been set. RFC 7643 §2.5: "Unassigned attributes, the null value, or empty array
//!   ... SHALL be considered to be equivalent in 'state'", but a PUT may still use `null`
//!   to clear a server default, so it is never lost.
//! - When two keys differ only by case, the RFC spelling fills the field (else the first
//!   one) and the other goes to `extra`: nothing the server sent is lost.
//! - Scalars are coerced where the meaning is unambiguous (an integer sent as `"10"`, a
//!   boolean as `"True"`, a string attribute sent as a number); a single value where an
//!   array is expected is a one-element array. Any other type mismatch is an
//!   [`Error::Decode`] naming the JSON path (`emails[1].primary`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

use crate::error::Error;

/// Decodes `T` from a JSON value, keeping the JSON path of any error.
///
/// The value is first decoded without path tracking, borrowing it (the fast path); only
/// when that fails is it decoded again, consuming it, with tracking.
pub(crate) fn from_value<T: de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    match T::deserialize(&value) {
        Ok(decoded) => Ok(decoded),
        Err(_) => serde_path_to_error::deserialize(value).map_err(Error::decode),
    }
}

/// Decodes `T` from JSON text (one value, then only whitespace). The text is decoded
/// without path tracking first (the fast path); only when that fails is it decoded again
/// with tracking, to report the JSON path of the error.
pub(crate) fn from_json<T: de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    match serde_json::from_str(json) {
        Ok(value) => Ok(value),
        Err(plain) => {
            let mut de = serde_json::Deserializer::from_str(json);
            let tracked: Result<T, _> = serde_path_to_error::deserialize(&mut de);
            match tracked {
                Err(e) => Err(Error::decode(e)),
                // Only trailing characters fail outside the value itself.
                Ok(_) => Err(Error::Decode {
                    message: plain.to_string(),
                    path: None,
                }),
            }
        }
    }
}

/// A map key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Prefixes the path of an [`Error::Decode`] (`Resources[2]` + `emails[0].value`).
pub(crate) fn prefix_path(err: Error, prefix: &str) -> Error {
    match err {
        Error::Decode { message, path } => {
            let path = match path {
                None => prefix.to_owned(),
                Some(p) if p.starts_with('[') => format!("{prefix}{p}"),
                Some(p) => format!("{prefix}.{p}"),
            };
            Error::Decode {
                message,
                path: Some(path),
            }
        }
        other => other,
    }
}

/// Lenient decoding of one value (see the module documentation).
pub(crate) trait Lenient: Sized {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Decodes a value the caller has already found not to be `null` (a field's
    /// [`FieldSeed`] handles `null` itself): an `Option` then skips a second look for it.
    fn deserialize_present<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize_lenient(d)
    }
}

/// Whether a field is written at all (an absent `Option` is not).
pub(crate) trait Present {
    fn is_present(&self) -> bool {
        true
    }
}

/// How one field is decoded and encoded. [`Plain`] uses the type's own [`Lenient`] and
/// `Serialize`; other codecs change the wire form of a single field.
pub(crate) trait FieldCodec<T> {
    /// Decodes a value that is not `null` ([`FieldSeed`] has handled `null`).
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error>;
    fn is_present(field: &T) -> bool;
    fn serialize<S: Serializer>(field: &T, s: S) -> Result<S::Ok, S::Error>;
}

/// The default field codec.
pub(crate) struct Plain;

impl<T: Lenient + Serialize + Present> FieldCodec<T> for Plain {
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::deserialize_present(d)
    }
    fn is_present(field: &T) -> bool {
        field.is_present()
    }
    fn serialize<S: Serializer>(field: &T, s: S) -> Result<S::Ok, S::Error> {
        field.serialize(s)
    }
}

/// Serializes a field through its codec.
pub(crate) struct Encoded<'a, C, T>(pub(crate) &'a T, pub(crate) PhantomData<C>);

impl<C: FieldCodec<T>, T> Serialize for Encoded<'_, C, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        C::serialize(self.0, s)
    }
}

/// Decodes a field through its codec; `None` for an explicit `null`.
pub(crate) struct FieldSeed<C, T>(pub(crate) PhantomData<(C, T)>);

impl<'de, C: FieldCodec<T>, T> DeserializeSeed<'de> for FieldSeed<C, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        struct V<C, T>(PhantomData<(C, T)>);
        impl<'de, C: FieldCodec<T>, T> Visitor<'de> for V<C, T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                C::deserialize(d).map(Some)
            }
        }
        d.deserialize_option(V::<C, T>(PhantomData))
    }
}

/// An HTTP status code, read from a number or a string and written as a JSON string.
/// RFC 7644 §3.12: "status: The HTTP status code ... expressed as a JSON string."
/// The same form is used by bulk responses (RFC 7644 §3.7.3, `"status": "201"`).
pub(crate) struct StatusString;

impl FieldCodec<u16> for StatusString {
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
        let n = u64::deserialize_lenient(d)?;
        u16::try_from(n)
            .ok()
            .filter(|s| (100..=999).contains(s))
            .ok_or_else(|| de::Error::custom(format!("{n} is not an HTTP status code")))
    }
    fn is_present(_: &u16) -> bool {
        true
    }
    fn serialize<S: Serializer>(field: &u16, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(field)
    }
}

/// `schemas`: written when non-empty. A struct decoded from input without `schemas` (RFC
/// 7644 §3.4.2's own list example returns resources without it) is written back without
/// it; structs built with `new()` or `Default::default()` carry their core schema URN.
pub(crate) struct Schemas;

impl FieldCodec<Vec<String>> for Schemas {
    fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Vec::<String>::deserialize_lenient(d)
    }
    fn is_present(field: &Vec<String>) -> bool {
        !field.is_empty()
    }
    fn serialize<S: Serializer>(field: &Vec<String>, s: S) -> Result<S::Ok, S::Error> {
        field.serialize(s)
    }
}

/// A string attribute. Some servers send numeric ids (`"id": 42`); the text of the number
/// is what a client needs to build a URL, so a number is accepted as that text.
impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
                Ok(
                    serde_json::Number::from_f64(v)
                        .map_or_else(|| v.to_string(), |n| n.to_string()),
                )
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean attribute; `"True"`/`"false"` strings (sent by real servers and IdPs) are
/// accepted.
impl Lenient for bool {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
                match v.trim() {
                    t if t.eq_ignore_ascii_case("true") => Ok(true),
                    t if t.eq_ignore_ascii_case("false") => Ok(false),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A non-negative integer; numbers sent as strings (`"totalResults": "10"`) and integral
/// floats (`10.0`) are accepted.
impl Lenient for u64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = u64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
                Ok(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
                u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
                if v.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&v) {
                    Ok(v as u64)
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
                v.trim()
                    .parse()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

impl Lenient for Value {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de::Deserialize::deserialize(d)
    }
}

impl<T: Lenient> Lenient for Option<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        FieldSeed::<Plain, LenientOnly<T>>(PhantomData)
            .deserialize(d)
            .map(|o| o.map(|v| v.0))
    }

    fn deserialize_present<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(Some)
    }
}

/// Adapts a [`Lenient`] type to [`Plain`] for decoding only.
struct LenientOnly<T>(T);

impl<T> Present for LenientOnly<T> {}

impl<T> Serialize for LenientOnly<T> {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("decode-only adapter"))
    }
}

impl<T: Lenient> Lenient for LenientOnly<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize_lenient(d).map(LenientOnly)
    }
}

/// A lenient value as a `DeserializeSeed`, for array elements.
struct Seed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize_lenient(d)
    }
}

/// An array; a single value where an array is expected (`"emails": {...}`) is taken as a
/// one-element array — a deviation seen in the wild, and no data is lost.
impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(item) = seq.next_element_seed(Seed::<T>(PhantomData))? {
                    out.push(item);
                }
                Ok(out)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
                let d = de::value::MapAccessDeserializer::new(map);
                Ok(vec![T::deserialize_lenient(d)?])
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
                Ok(vec![T::deserialize_lenient(v.into_deserializer())?])
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<T>, E> {
                Ok(vec![T::deserialize_lenient(v.into_deserializer())?])
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<T>, E> {
                Ok(vec![T::deserialize_lenient(v.into_deserializer())?])
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<T>, E> {
                Ok(vec![T::deserialize_lenient(v.into_deserializer())?])
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<T>, E> {
                Ok(vec![T::deserialize_lenient(v.into_deserializer())?])
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<T>, E> {
                Ok(vec![T::deserialize_lenient(v.into_deserializer())?])
            }
        }
        d.deserialize_any(V::<T>(PhantomData))
    }
}

/// `meta`, decoded as it streams by, with the rules of [`Meta::from_value`](super::Meta::from_value)
/// (keys case-insensitive, the last string value of a field wins, a field of another
/// type kept in `extra`) but without building a JSON object first: that tree (a hashed
/// map, its keys and values, then copies of the strings) cost more than the rest of a
/// `User`'s scalars together.
///
/// A `meta` that repeats a key exactly is rare and ambiguous (RFC 8259 §4: "The names
/// within an object SHOULD be unique"); it takes [`Meta::from_value`](super::Meta::from_value)
/// on the object as a JSON map would hold it (one entry per key, its last value), so
/// both paths always agree.
impl Lenient for super::Meta {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn not_an_object<E: de::Error>(found: &str) -> E {
            E::custom(format!("expected meta to be an object, found {found}"))
        }
        impl<'de> Visitor<'de> for V {
            type Value = super::Meta;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Err(not_an_object("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Err(not_an_object("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Err(not_an_object("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Err(not_an_object("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Err(not_an_object("a string"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Err(not_an_object("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(not_an_object("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(std::borrow::Cow<'de, str>, MetaValue)> =
                    Vec::with_capacity(map.size_hint().unwrap_or(6));
                while let Some(Key(key)) = map.next_key()? {
                    let value = map.next_value_seed(MetaValueSeed)?;
                    entries.push((key, value));
                }
                let repeated = entries
                    .iter()
                    .enumerate()
                    .any(|(i, (k, _))| entries[..i].iter().any(|(earlier, _)| earlier == k));
                if repeated {
                    let object: serde_json::Map<String, Value> = entries
                        .into_iter()
                        .map(|(k, v)| (k.into_owned(), v.into_value()))
                        .collect();
                    return Ok(super::Meta::from_value(&Value::Object(object)).unwrap_or_default());
                }
                let mut meta = super::Meta::default();
                for (key, value) in entries {
                    match value {
                        MetaValue::Str(s) => match meta.field_mut(&key) {
                            Some(field) => *field = Some(s),
                            None => {
                                meta.extra.insert(key.into_owned(), Value::String(s));
                            }
                        },
                        MetaValue::Other(v) => {
                            meta.extra.insert(key.into_owned(), v);
                        }
                    }
                }
                Ok(meta)
            }
        }
        d.deserialize_any(V)
    }
}

/// A value inside `meta`: a string (the type of every `meta` field) or anything else.
enum MetaValue {
    Str(String),
    Other(Value),
}

impl MetaValue {
    fn into_value(self) -> Value {
        match self {
            MetaValue::Str(s) => Value::String(s),
            MetaValue::Other(v) => v,
        }
    }
}

struct MetaValueSeed;

impl<'de> DeserializeSeed<'de> for MetaValueSeed {
    type Value = MetaValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<MetaValue, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetaValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MetaValue, E> {
                Ok(MetaValue::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<MetaValue, E> {
                Ok(MetaValue::Str(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<MetaValue, E> {
                Ok(MetaValue::Other(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MetaValue, E> {
                Ok(MetaValue::Other(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MetaValue, E> {
                Ok(MetaValue::Other(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MetaValue, E> {
                Ok(MetaValue::Other(
                    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
                ))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MetaValue, E> {
                Ok(MetaValue::Other(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<MetaValue, E> {
                Ok(MetaValue::Other(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<MetaValue, D::Error> {
                d.deserialize_any(V)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<MetaValue, A::Error> {
                de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(MetaValue::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MetaValue, A::Error> {
                de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(MetaValue::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl Lenient for crate::error::ScimType {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de::Deserialize::deserialize(d)
    }
}

impl Present for String {}
impl Present for bool {}
impl Present for u64 {}
impl Present for Value {}
impl Present for super::Meta {}
impl Present for crate::error::ScimType {}
impl<T> Present for Vec<T> {}
impl<T> Present for Option<T> {
    fn is_present(&self) -> bool {
        self.is_some()
    }
}

/// Whether an `extra` entry is written after the fields: a key already written by a field
/// wins over an `extra` entry with the same spelling, and an `extra` `null` whose key names
/// a written field (case-insensitively) is dropped — the field's value replaced it.
pub(crate) fn write_extra_entry(written: &[(&str, bool)], key: &str, value: &Value) -> bool {
    !written.iter().any(|(k, present)| {
        *present && (*k == key || (value.is_null() && k.eq_ignore_ascii_case(key)))
    })
}

/// Declares a typed SCIM struct: its fields (each with the RFC key it is read from and
/// written to), an `extra` map for everything else, the lenient streaming `Deserialize`,
/// the strict `Serialize`, and `from_value`/`to_value`/`from_json`/`to_json`.
///
/// A field may name a codec (`codec = StatusString`) and be `required = true`. A struct
/// whose header says `[schemas = URN]` has a `Default` with that URN in `schemas`.
macro_rules! scim_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $([schemas = $schema:expr])? {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $key:expr $(, codec = $codec:ty)? $(, required = $required:literal)?;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Every attribute this struct does not model — unknown attributes, extension
            /// objects, explicit `null`s — with its key and value as given. Written back on
            /// output after the modelled attributes.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl Default for $name {
            /// Every field empty; `schemas`, when the struct has one, holds its core schema
            /// URN so that a struct built with `..Default::default()` is a valid request.
            fn default() -> Self {
                #[allow(unused_mut)]
                let mut blank = Self::blank();
                $( blank.schemas = vec![($schema).to_owned()]; )?
                blank
            }
        }

        impl $name {
            /// Every field empty, `schemas` included: the starting point of decoding.
            fn blank() -> Self {
                $name {
                    $( $field: Default::default(), )*
                    extra: ::serde_json::Map::new(),
                }
            }

            /// Decodes from a JSON value (leniently: keys match case-insensitively, and
            /// unknown keys are kept in `extra`); a type mismatch is an
            /// [`Error::Decode`](crate::Error::Decode) with its JSON path.
            pub fn from_value(value: ::serde_json::Value) -> $crate::Result<Self> {
                $crate::resource::codec::from_value(value)
            }

            /// Decodes from JSON text, with the rules of [`Self::from_value`] but without
            /// building a JSON tree first.
            pub fn from_json(json: &str) -> $crate::Result<Self> {
                $crate::resource::codec::from_json(json)
            }

            /// Encodes as a JSON value with the RFC's key names.
            pub fn to_value(&self) -> ::serde_json::Value {
                ::serde_json::Value::Object(self.to_map())
            }

            /// Encodes as compact JSON text with the RFC's key names.
            pub fn to_json(&self) -> String {
                // Serializing strings, numbers, booleans and JSON values cannot fail.
                ::serde_json::to_string(self).unwrap_or_default()
            }

            /// The encoded JSON object: modelled attributes in RFC order, then `extra`.
            fn to_map(&self) -> ::serde_json::Map<String, ::serde_json::Value> {
                match ::serde_json::to_value(self) {
                    Ok(::serde_json::Value::Object(map)) => map,
                    // The Serialize impl below always writes a map.
                    _ => ::serde_json::Map::new(),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                use $crate::resource::codec::FieldCodec as _;
                let written = [
                    $( ($key, <$crate::resource::codec::scim_struct!(@codec $($codec)?)>::is_present(&self.$field)), )*
                ];
                let mut map = s.serialize_map(None)?;
                $(
                    if <$crate::resource::codec::scim_struct!(@codec $($codec)?)>::is_present(&self.$field) {
                        map.serialize_entry(
                            $key,
                            &$crate::resource::codec::Encoded::<$crate::resource::codec::scim_struct!(@codec $($codec)?), $ty>(
                                &self.$field,
                                ::std::marker::PhantomData,
                            ),
                        )?;
                    }
                )*
                for (key, value) in &self.extra {
                    if $crate::resource::codec::write_extra_entry(&written, key, value) {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        // 0: not seen; 1: seen with the RFC spelling; 2: seen with another case.
                        #[allow(non_snake_case, dead_code)]
                        #[derive(Default)]
                        struct Seen { $( $field: u8, )* }
                        let mut seen = Seen::default();
                        // Original spellings of the fields filled from a non-RFC-case key.
                        let mut inexact: Vec<(&'static str, String)> = Vec::new();
                        let mut out = $name::blank();
                        while let Some($crate::resource::codec::Key(key)) = map.next_key()? {
                            'field: {
                                $(
                                    if key.eq_ignore_ascii_case($key) {
                                        let exact = key == $key;
                                        if seen.$field == 0 || (exact && seen.$field == 2) {
                                            let value = map.next_value_seed($crate::resource::codec::FieldSeed::<
                                                $crate::resource::codec::scim_struct!(@codec $($codec)?), $ty,
                                            >(::std::marker::PhantomData))?;
                                            match value {
                                                None => {
                                                    out.extra.insert(key.into_owned(), ::serde_json::Value::Null);
                                                }
                                                Some(value) => {
                                                    if seen.$field == 2 {
                                                        // The RFC spelling wins; the value read
                                                        // under the other spelling is kept.
                                                        if let Some(i) = inexact.iter().position(|(k, _)| *k == $key) {
                                                            let original = inexact.swap_remove(i).1;
                                                            let displaced = ::serde_json::to_value(
                                                                $crate::resource::codec::Encoded::<
                                                                    $crate::resource::codec::scim_struct!(@codec $($codec)?), $ty,
                                                                >(&out.$field, ::std::marker::PhantomData),
                                                            ).unwrap_or(::serde_json::Value::Null);
                                                            out.extra.insert(original, displaced);
                                                        }
                                                    }
                                                    out.$field = value;
                                                    seen.$field = if exact { 1 } else { 2 };
                                                    if !exact {
                                                        inexact.push(($key, key.into_owned()));
                                                    }
                                                }
                                            }
                                            break 'field;
                                        }
                                    }
                                )*
                                let value: ::serde_json::Value = map.next_value()?;
                                out.extra.insert(key.into_owned(), value);
                            }
                        }
                        $($(
                            let _ = $required;
                            if seen.$field == 0 {
                                return Err(::serde::de::Error::custom(
                                    format!("missing required attribute `{}`", $key),
                                ));
                            }
                        )?)*
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl $crate::resource::codec::Lenient for $name {
            fn deserialize_lenient<'de, D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <Self as ::serde::Deserialize>::deserialize(d)
            }
        }

        impl $crate::resource::codec::Present for $name {}

        impl From<$name> for ::serde_json::Value {
            fn from(v: $name) -> Self {
                v.to_value()
            }
        }
    };
    (@codec) => { $crate::resource::codec::Plain };
    (@codec $codec:ty) => { $codec };
}

/// Implements [`ScimObject`](super::ScimObject) and the `Resource` conversions for a
/// top-level struct declared with [`scim_struct!`].
macro_rules! scim_object {
    ($name:ident, $schema:expr) => {
        impl $crate::resource::ScimObject for $name {
            const SCHEMA: Option<&'static str> = Some($schema);

            fn from_resource(resource: $crate::Resource) -> $crate::Result<Self> {
                Self::from_value(resource.into_value())
            }

            fn to_resource(&self) -> $crate::Resource {
                $crate::Resource::from(self.to_map())
            }

            fn from_json(json: &str) -> $crate::Result<Self> {
                $name::from_json(json)
            }

            fn to_json(&self) -> String {
                $name::to_json(self)
            }
        }

        impl TryFrom<$crate::Resource> for $name {
            type Error = $crate::Error;
            fn try_from(resource: $crate::Resource) -> $crate::Result<Self> {
                <Self as $crate::resource::ScimObject>::from_resource(resource)
            }
        }

        impl From<$name> for $crate::Resource {
            fn from(v: $name) -> Self {
                <$name as $crate::resource::ScimObject>::to_resource(&v)
            }
        }
    };
}

pub(crate) use scim_object;
pub(crate) use scim_struct;

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::resource::{Meta, User};

    /// `meta` decoded while streaming (text and value) is exactly what
    /// [`Meta::from_value`] makes of the object: fields matched case-insensitively, the
    /// last string of a field winning, other types and unknown keys kept in `extra`,
    /// repeated keys resolved as a JSON map holds them (the last value, first position).
    #[test]
    fn streamed_meta_matches_meta_from_value() {
        let objects = [
            r#"{"resourceType":"User","created":"2010-01-23T04:56:22Z","version":"W/\"1\"","location":"https://x/Users/1","lastModified":"2011-05-13T04:42:34Z"}"#,
            r#"{"RESOURCETYPE":"User","Version":5,"version":"W/\"2\"","other":[1,{"a":null}],"created":null,"location":true,"lastModified":1.5}"#,
            r#"{"version":"a","version":5}"#,
            r#"{"version":5,"version":"a"}"#,
            r#"{"VERSION":"y","version":"x","version":5}"#,
            r#"{"x":1,"y":"2","x":"3"}"#,
            r#"{}"#,
        ];
        for object in objects {
            let text = format!(r#"{{"userName":"u","meta":{object}}}"#);
            let expected = Meta::from_value(&serde_json::from_str::<Value>(object).unwrap())
                .expect("an object");
            let from_text = User::from_json(&text).unwrap();
            assert_eq!(from_text.meta.as_ref(), Some(&expected), "{object}");
            let from_value = User::from_value(serde_json::from_str(&text).unwrap()).unwrap();
            assert_eq!(from_value.meta.as_ref(), Some(&expected), "{object}");
            assert!(from_text.extra.is_empty(), "{object}");
        }
    }

    /// A `meta` that is not an object fails with the same message on every path, naming
    /// the JSON path; `null` is an unassigned `meta`, kept in `extra` for the round trip.
    #[test]
    fn meta_that_is_not_an_object() {
        for (meta, found) in [
            (json!("x"), "a string"),
            (json!(1), "a number"),
            (json!(true), "a boolean"),
            (json!([]), "an array"),
        ] {
            let user = json!({"userName": "u", "meta": meta});
            for e in [
                User::from_json(&user.to_string()).unwrap_err(),
                User::from_value(user.clone()).unwrap_err(),
            ] {
                let text = e.to_string();
                assert!(
                    text.contains(&format!("expected meta to be an object, found {found}")),
                    "{text}"
                );
                assert!(
                    matches!(e, crate::Error::Decode { path: Some(ref p), .. } if p == "meta"),
                    "{e:?}"
                );
            }
        }
        let user = User::from_json(r#"{"meta":null}"#).unwrap();
        assert_eq!(user.meta, None);
        assert_eq!(user.extra.get("meta"), Some(&Value::Null));
    }
}
