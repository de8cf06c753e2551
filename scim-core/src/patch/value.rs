//! Schema-aware comparison of values, shared by apply and diff so that diff predicts
//! exactly what apply will consider "already present".

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::resource::get_ci;
use crate::schema::{Attribute, AttributeType};

/// The entry of `object` named `name` case-insensitively (see [`get_ci`]).
#[inline]
pub(crate) fn lookup<'o>(
    object: &'o Map<String, Value>,
    name: &str,
) -> Option<(&'o str, &'o Value)> {
    get_ci(object, name)
}

/// A fast non-cryptographic hasher (FNV-1a) for diff's indexes, whose keys come from
/// the two resources being compared.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A `HashMap` hashed with [`Fnv`].
pub(crate) type FnvMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// True when strings of this attribute compare exactly (`caseExact`, or `binary`).
fn case_exact(def: Option<&Attribute>) -> bool {
    def.is_some_and(|d| d.is_case_exact() || *d.attr_type() == AttributeType::Binary)
}

/// Two strings equal under the attribute's `caseExact` (RFC 7643 §2.2: "caseExact ... A
/// Boolean value that specifies whether or not a string attribute is case sensitive").
pub(crate) fn str_eq(a: &str, b: &str, def: Option<&Attribute>) -> bool {
    if case_exact(def) {
        return a == b;
    }
    a.eq_ignore_ascii_case(b)
        || (!(a.is_ascii() && b.is_ascii()) && a.to_lowercase() == b.to_lowercase())
}

/// The key under which a string is indexed so that `str_eq` strings share it (borrowed
/// when the string is already in that form).
pub(crate) fn fold_key<'s>(s: &'s str, def: Option<&Attribute>) -> Cow<'s, str> {
    if case_exact(def) || (s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase())) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// Two values equal as SCIM compares them: strings by `caseExact`, numbers numerically,
/// objects key by key (keys case-insensitive, each with its sub-attribute's definition),
/// arrays element by element.
pub(crate) fn equal(a: &Value, b: &Value, def: Option<&Attribute>) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => str_eq(x, y, def),
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| sub_equal(y, k, v, def))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q, def))
        }
        _ => a == b,
    }
}

/// True when `object` has the sub-attribute `key` equal to `v`.
fn sub_equal(object: &Map<String, Value>, key: &str, v: &Value, def: Option<&Attribute>) -> bool {
    let sub = def.and_then(|d| d.sub_attribute(key));
    lookup(object, key).is_some_and(|(_, w)| equal(v, w, sub))
}

/// True when `existing` already holds `new`: equal scalars, or every sub-attribute of
/// `new` (an object) is equal in `existing`.
pub(crate) fn contains(existing: &Value, new: &Value, def: Option<&Attribute>) -> bool {
    match (existing, new) {
        (Value::Object(e), Value::Object(n)) => n.iter().all(|(k, v)| sub_equal(e, k, v, def)),
        _ => equal(existing, new, def),
    }
}

/// The `value` sub-attribute of a multi-valued attribute's element, as a string.
pub(crate) fn value_str(element: &Value) -> Option<&str> {
    match element {
        Value::Object(o) => lookup(o, "value").and_then(|(_, v)| v.as_str()),
        _ => None,
    }
}

/// True when two elements are the same value with possibly different details: equal
/// `value`, and equal `type` when either has one.
pub(crate) fn same_identity(a: &Value, b: &Value, def: Option<&Attribute>) -> bool {
    let (Value::Object(x), Value::Object(y)) = (a, b) else {
        return false;
    };
    let Some((_, va)) = lookup(x, "value") else {
        return false;
    };
    if !sub_equal(y, "value", va, def) {
        return false;
    }
    match (lookup(x, "type"), lookup(y, "type")) {
        (None, None) => true,
        (Some((_, t)), Some(_)) => sub_equal(y, "type", t, def),
        _ => false,
    }
}

/// True for an element with `primary: true`.
pub(crate) fn is_primary(element: &Value) -> bool {
    matches!(element, Value::Object(o) if matches!(lookup(o, "primary"), Some((_, Value::Bool(true)))))
}

/// True for the unassigned state (RFC 7643 §2.5): null, `[]` or `{}`.
pub(crate) fn is_unassigned(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// RFC 7643 §2.1 ATTRNAME (and `$ref`): a key a PATCH path can name.
pub(crate) fn is_attr_name(name: &str) -> bool {
    let b = name.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'$' => b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_'),
        _ => false,
    }
}
