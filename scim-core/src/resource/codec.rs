//! The lenient decoder and strict encoder behind the typed structs.
//!
//! Every typed struct is declared with [`scim_struct!`], which generates the struct (with
//! its `extra` map), a case-insensitive decoder from a JSON value and an encoder that
//! writes the RFC's key spellings. The rules, shared by every struct:
//!
//! - Input keys match the RFC name case-insensitively (RFC 7643 §2.1: "Attribute names
//!   are case insensitive"); output keys are the RFC's spelling.
//! - A key the struct does not model goes to `extra` with its value, as given.
//! - An explicit `null` for a modelled attribute leaves the field `None` and is kept in
//!   `extra` (so a round trip writes it back); it is dropped on output when the field has
//!   since been set. RFC 7643 §2.5: "Unassigned attributes, the null value, or empty array
//!   ... SHALL be considered to be equivalent in 'state'", but a PUT may still use `null`
//!   to clear a server default, so it is never lost.
//! - When two keys differ only by case, the RFC spelling fills the field (else the first
//!   one) and the other goes to `extra`: nothing the server sent is lost.
//! - Scalars are coerced where the meaning is unambiguous (an integer sent as `"10"`, a
//!   boolean as `"True"`, a string attribute sent as a number); any other type mismatch is
//!   an [`Error::Decode`] naming the JSON path (`emails[1].primary`).

use serde_json::{Map, Number, Value};

use super::json_type_name;
use crate::error::Error;

/// A decoding failure with the JSON path where it happened, built from the inside out
/// (each level prepends its key or index while the error travels up).
#[derive(Debug)]
pub(crate) struct DecodeError {
    message: String,
    path: String,
}

impl DecodeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
            path: String::new(),
        }
    }

    /// "expected X, found <type of v>".
    pub(crate) fn expected(what: &str, found: &Value) -> Self {
        DecodeError::new(format!("expected {what}, found {}", json_type_name(found)))
    }

    /// Prepends an object key to the path.
    pub(crate) fn at_key(mut self, key: &str) -> Self {
        self.path = if self.path.is_empty() || self.path.starts_with('[') {
            format!("{key}{}", self.path)
        } else {
            format!("{key}.{}", self.path)
        };
        self
    }

    /// Prepends an array index to the path.
    pub(crate) fn at_index(mut self, index: usize) -> Self {
        self.path = if self.path.is_empty() || self.path.starts_with('[') {
            format!("[{index}]{}", self.path)
        } else {
            format!("[{index}].{}", self.path)
        };
        self
    }

    /// Prepends a path already rendered by another decoder (`Resources[2]`).
    pub(crate) fn from_error(err: Error) -> Self {
        match err {
            Error::Decode { message, path } => DecodeError {
                message,
                path: path.unwrap_or_default(),
            },
            other => DecodeError::new(other.to_string()),
        }
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode {
            message: e.message,
            path: (!e.path.is_empty()).then_some(e.path),
        }
    }
}

/// Decoding from a JSON value, leniently (see the module documentation).
pub(crate) trait FromJson: Sized {
    fn from_json(value: Value) -> Result<Self, DecodeError>;
}

/// Encoding to a JSON value, strictly per RFC.
pub(crate) trait ToJson {
    fn to_json(&self) -> Value;

    fn into_json(self) -> Value
    where
        Self: Sized,
    {
        self.to_json()
    }

    /// The value to write for a field of this type, `None` to write nothing.
    fn emit(&self) -> Option<Value> {
        Some(self.to_json())
    }

    /// [`ToJson::emit`], by value.
    fn into_emit(self) -> Option<Value>
    where
        Self: Sized,
    {
        Some(self.into_json())
    }
}

/// How one field is decoded and encoded. [`Plain`] uses the type's own
/// [`FromJson`]/[`ToJson`]; other codecs change the wire form of a single field.
pub(crate) trait FieldCodec<T> {
    fn decode(value: Value) -> Result<T, DecodeError>;
    fn encode(field: &T) -> Option<Value>;
    fn encode_owned(field: T) -> Option<Value>;
}

/// The default field codec.
pub(crate) struct Plain;

impl<T: FromJson + ToJson> FieldCodec<T> for Plain {
    fn decode(value: Value) -> Result<T, DecodeError> {
        T::from_json(value)
    }
    fn encode(field: &T) -> Option<Value> {
        field.emit()
    }
    fn encode_owned(field: T) -> Option<Value> {
        field.into_emit()
    }
}

/// An HTTP status code, read from a number or a string and written as a JSON string.
/// RFC 7644 §3.12: "status: The HTTP status code ... expressed as a JSON string."
/// The same form is used by bulk responses (RFC 7644 §3.7.3, `"status": "201"`).
pub(crate) struct StatusString;

impl FieldCodec<u16> for StatusString {
    fn decode(value: Value) -> Result<u16, DecodeError> {
        let n = u64::from_json(value)?;
        u16::try_from(n)
            .ok()
            .filter(|s| (100..=999).contains(s))
            .ok_or_else(|| DecodeError::new(format!("{n} is not an HTTP status code")))
    }
    fn encode(field: &u16) -> Option<Value> {
        Some(Value::String(field.to_string()))
    }
    fn encode_owned(field: u16) -> Option<Value> {
        Self::encode(&field)
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s),
            // Some servers send numeric ids (`"id": 42`); the text of the number is what
            // a client needs to build a URL, so it is accepted as that text.
            Value::Number(n) => Ok(n.to_string()),
            other => Err(DecodeError::expected("a string", &other)),
        }
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
    fn into_json(self) -> Value {
        Value::String(self)
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match &value {
            Value::Bool(b) => Ok(*b),
            // Real servers (and IdPs' PATCH bodies) send "True"/"False".
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
            other => Err(DecodeError::expected("a boolean", other)),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromJson for u64 {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match &value {
            Value::Number(n) => n
                .as_u64()
                .or_else(|| {
                    // `10.0` is an integer in JSON's number model.
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                        .map(|f| f as u64)
                })
                .ok_or_else(|| {
                    DecodeError::new(format!("expected a non-negative integer, found {n}"))
                }),
            // Numbers sent as strings (`"totalResults": "10"`) are a common deviation.
            Value::String(s) => s.trim().parse::<u64>().map_err(|_| {
                DecodeError::new(format!("expected a non-negative integer, found \"{s}\""))
            }),
            other => Err(DecodeError::expected("a non-negative integer", other)),
        }
    }
}

impl ToJson for u64 {
    fn to_json(&self) -> Value {
        Value::Number(Number::from(*self))
    }
}

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
    fn into_json(self) -> Value {
        self
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_json)
    }
    fn into_json(self) -> Value {
        self.map_or(Value::Null, T::into_json)
    }
    fn emit(&self) -> Option<Value> {
        self.as_ref().map(T::to_json)
    }
    fn into_emit(self) -> Option<Value> {
        self.map(T::into_json)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| T::from_json(v).map_err(|e| e.at_index(i)))
                .collect(),
            // A single value where an array is expected (`"emails": {...}`) is taken as a
            // one-element array: a deviation seen in the wild, and no data is lost.
            single => Ok(vec![T::from_json(single)?]),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
    fn into_json(self) -> Value {
        Value::Array(self.into_iter().map(T::into_json).collect())
    }
}

impl FromJson for super::Meta {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        super::Meta::from_value(&value).ok_or_else(|| DecodeError::expected("an object", &value))
    }
}

impl ToJson for super::Meta {
    fn to_json(&self) -> Value {
        self.to_value()
    }
}

/// The object a value must be.
pub(crate) fn expect_object(value: Value) -> Result<Map<String, Value>, DecodeError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(DecodeError::expected("an object", &other)),
    }
}

/// Appends `extra` to an encoded object. A key already written by a field wins over an
/// `extra` entry with the same spelling, and an `extra` `null` whose key names a field
/// that is set (case-insensitively) is dropped: the field's value replaced it.
pub(crate) fn write_extra(map: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        if keep_extra(map, key, value) {
            map.insert(key.clone(), value.clone());
        }
    }
}

/// [`write_extra`], by value.
pub(crate) fn write_extra_owned(map: &mut Map<String, Value>, extra: Map<String, Value>) {
    for (key, value) in extra {
        if keep_extra(map, &key, &value) {
            map.insert(key, value);
        }
    }
}

fn keep_extra(map: &Map<String, Value>, key: &str, value: &Value) -> bool {
    if map.contains_key(key) {
        return false;
    }
    !(value.is_null() && super::get_ci(map, key).is_some())
}

/// Declares a typed SCIM struct: its fields (each with the RFC key it is read from and
/// written to), an `extra` map for everything else, the lenient decoder and the strict
/// encoder, `Serialize`/`Deserialize`, and `from_value`/`to_value`.
///
/// A field may name a codec (`codec = StatusString`) and be `required`.
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

        impl $crate::resource::codec::FromJson for $name {
            fn from_json(
                value: ::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::resource::codec::DecodeError> {
                use $crate::resource::codec::FieldCodec as _;
                let map = $crate::resource::codec::expect_object(value)?;
                #[allow(non_snake_case, dead_code)]
                #[derive(Default)]
                struct Seen { $( $field: bool, )* }
                let mut seen = Seen::default();
                let mut out = Self::blank();
                // Keys spelled as in the RFC are taken first; a key that matches only
                // case-insensitively (`UserName`) is deferred, so that when both spellings
                // are present the RFC one fills the field and the other is kept in `extra`.
                let mut deferred: Vec<(String, ::serde_json::Value)> = Vec::new();
                for (key, value) in map {
                    'field: {
                        $(
                            if key.eq_ignore_ascii_case($key) {
                                if key != $key {
                                    deferred.push((key, value));
                                    break 'field;
                                }
                                if !seen.$field && !value.is_null() {
                                    out.$field = <$crate::resource::codec::scim_struct!(@codec $($codec)?)>::decode(value)
                                        .map_err(|e| e.at_key(&key))?;
                                    seen.$field = true;
                                    break 'field;
                                }
                            }
                        )*
                        out.extra.insert(key, value);
                    }
                }
                for (key, value) in deferred {
                    'field: {
                        $(
                            if !seen.$field && !value.is_null() && key.eq_ignore_ascii_case($key) {
                                out.$field = <$crate::resource::codec::scim_struct!(@codec $($codec)?)>::decode(value)
                                    .map_err(|e| e.at_key(&key))?;
                                seen.$field = true;
                                break 'field;
                            }
                        )*
                        out.extra.insert(key, value);
                    }
                }
                $($(
                    let _ = stringify!($required);
                    if !seen.$field {
                        return Err($crate::resource::codec::DecodeError::new(
                            format!("missing required attribute `{}`", $key),
                        ));
                    }
                )?)*
                Ok(out)
            }
        }

        impl $crate::resource::codec::ToJson for $name {
            fn to_json(&self) -> ::serde_json::Value {
                ::serde_json::Value::Object(self.to_map())
            }
            fn into_json(self) -> ::serde_json::Value {
                ::serde_json::Value::Object(self.into_map())
            }
        }

        impl $name {
            /// Decodes from a JSON value (leniently: keys match case-insensitively, and
            /// unknown keys are kept in `extra`); a type mismatch is an
            /// [`Error::Decode`](crate::Error::Decode) with its JSON path.
            pub fn from_value(value: ::serde_json::Value) -> $crate::Result<Self> {
                <Self as $crate::resource::codec::FromJson>::from_json(value).map_err(Into::into)
            }

            /// Encodes as a JSON value with the RFC's key names.
            pub fn to_value(&self) -> ::serde_json::Value {
                <Self as $crate::resource::codec::ToJson>::to_json(self)
            }

            /// Every field empty, `schemas` included: the starting point of decoding.
            fn blank() -> Self {
                $name {
                    $( $field: Default::default(), )*
                    extra: ::serde_json::Map::new(),
                }
            }

            /// The encoded JSON object: modelled attributes in RFC order, then `extra`.
            fn to_map(&self) -> ::serde_json::Map<String, ::serde_json::Value> {
                #[allow(unused_imports)]
                use $crate::resource::codec::FieldCodec as _;
                let mut map = ::serde_json::Map::new();
                $(
                    if let Some(v) = <$crate::resource::codec::scim_struct!(@codec $($codec)?)>::encode(&self.$field) {
                        map.insert(($key).to_owned(), v);
                    }
                )*
                $crate::resource::codec::write_extra(&mut map, &self.extra);
                map
            }

            /// [`Self::to_map`], by value (no copies).
            fn into_map(self) -> ::serde_json::Map<String, ::serde_json::Value> {
                #[allow(unused_imports)]
                use $crate::resource::codec::FieldCodec as _;
                let mut map = ::serde_json::Map::new();
                $(
                    if let Some(v) = <$crate::resource::codec::scim_struct!(@codec $($codec)?)>::encode_owned(self.$field) {
                        map.insert(($key).to_owned(), v);
                    }
                )*
                $crate::resource::codec::write_extra_owned(&mut map, self.extra);
                map
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.to_map(), s)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(d)?;
                Self::from_value(value).map_err(::serde::de::Error::custom)
            }
        }

        impl From<$name> for ::serde_json::Value {
            fn from(v: $name) -> Self {
                <$name as $crate::resource::codec::ToJson>::into_json(v)
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
                <Self as $crate::resource::codec::FromJson>::from_json(::serde_json::Value::Object(
                    resource.into_map(),
                ))
                .map_err(Into::into)
            }

            fn to_resource(&self) -> $crate::Resource {
                $crate::Resource::from(self.to_map())
            }

            fn into_resource(self) -> $crate::Resource {
                $crate::Resource::from(self.into_map())
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
                <$name as $crate::resource::ScimObject>::into_resource(v)
            }
        }
    };
}

/// `schemas`: written when non-empty. A struct decoded from input without `schemas` (RFC
/// 7644 §3.4.2's own list example returns resources without it) is written back without
/// it; structs built with `new()` or `Default::default()` carry their core schema URN.
pub(crate) struct Schemas;

impl FieldCodec<Vec<String>> for Schemas {
    fn decode(value: Value) -> Result<Vec<String>, DecodeError> {
        Vec::<String>::from_json(value)
    }
    fn encode(field: &Vec<String>) -> Option<Value> {
        (!field.is_empty()).then(|| field.to_json())
    }
    fn encode_owned(field: Vec<String>) -> Option<Value> {
        (!field.is_empty()).then(|| field.into_json())
    }
}

pub(crate) use scim_object;
pub(crate) use scim_struct;
