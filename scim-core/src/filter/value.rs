//! The operand of a comparison: RFC 7644 §3.4.2.2 `compValue`.

use std::fmt::{self, Display, Formatter};

use compact_str::CompactString;
use serde_json::{Number, Value};

use crate::error::Error;

/// The operand of a comparison filter: RFC 7644 §3.4.2.2 `compValue = false / null /
/// true / number / string`, i.e. a JSON scalar.
///
/// Its own type rather than [`serde_json::Value`] because a filter can only hold a scalar
/// (arrays and objects are not representable, so there is nothing to reject at
/// evaluation), and because it is small: a string of up to 24 bytes is stored inline
/// ([`CompactString`]), so parsing `userName eq "bjensen"` allocates no string.
///
/// Convert from JSON with `CompValue::try_from(value)` (arrays and objects are an
/// [`Error::InvalidInput`]) and back with [`CompValue::to_json`] or `Value::from`. It
/// compares equal to the [`Value`] it converts to (`CompValue::from("x") == json!("x")`).
///
/// `Display` prints compact JSON, as `serde_json` does: strings in double quotes with
/// `"`, `\` and control characters escaped (RFC 8259 §7), so a printed value never ends
/// its string early.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A JSON number (RFC 8259 §6), as `serde_json` holds it (64-bit integer or float).
    Number(Number),
    /// A string, unescaped.
    String(CompactString),
}

impl CompValue {
    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, CompValue::Null)
    }

    /// The string, for a string operand.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            CompValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, for `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            CompValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, for a number operand.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            CompValue::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The operand as a JSON value.
    pub fn to_json(&self) -> Value {
        match self {
            CompValue::Null => Value::Null,
            CompValue::Bool(b) => Value::Bool(*b),
            CompValue::Number(n) => Value::Number(n.clone()),
            CompValue::String(s) => Value::String(s.as_str().to_owned()),
        }
    }
}

impl TryFrom<Value> for CompValue {
    type Error = Error;

    /// A JSON scalar; an array or object is an [`Error::InvalidInput`] (a filter cannot
    /// compare with one).
    fn try_from(value: Value) -> Result<Self, Error> {
        Ok(match value {
            Value::Null => CompValue::Null,
            Value::Bool(b) => CompValue::Bool(b),
            Value::Number(n) => CompValue::Number(n),
            Value::String(s) => CompValue::String(s.into()),
            Value::Array(_) | Value::Object(_) => {
                return Err(Error::InvalidInput(format!(
                    "a filter value must be a string, number, boolean or null, not {}",
                    crate::resource::json_type_name(&value)
                )))
            }
        })
    }
}

impl From<CompValue> for Value {
    fn from(value: CompValue) -> Value {
        match value {
            CompValue::String(s) => Value::String(s.into_string()),
            other => other.to_json(),
        }
    }
}

impl From<&CompValue> for Value {
    fn from(value: &CompValue) -> Value {
        value.to_json()
    }
}

impl From<bool> for CompValue {
    fn from(b: bool) -> Self {
        CompValue::Bool(b)
    }
}

impl From<Number> for CompValue {
    fn from(n: Number) -> Self {
        CompValue::Number(n)
    }
}

impl From<&str> for CompValue {
    fn from(s: &str) -> Self {
        CompValue::String(s.into())
    }
}

impl From<String> for CompValue {
    fn from(s: String) -> Self {
        CompValue::String(s.into())
    }
}

impl From<CompactString> for CompValue {
    fn from(s: CompactString) -> Self {
        CompValue::String(s)
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for CompValue {
            fn from(n: $t) -> Self {
                CompValue::Number(n.into())
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

impl PartialEq<Value> for CompValue {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (CompValue::Null, Value::Null) => true,
            (CompValue::Bool(a), Value::Bool(b)) => a == b,
            (CompValue::Number(a), Value::Number(b)) => a == b,
            (CompValue::String(a), Value::String(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq<CompValue> for Value {
    fn eq(&self, other: &CompValue) -> bool {
        other == self
    }
}

impl Display for CompValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            CompValue::Number(n) => Display::fmt(n, f),
            CompValue::String(s) => write_json_string(f, s),
        }
    }
}

/// `s` as a JSON string (RFC 8259 §7), escaped by `serde_json` itself (`\"`, `\\`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00XX`), written
/// straight into the formatter.
fn write_json_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    /// `io::Write` onto a `fmt::Formatter`: serde_json writes a `&str` as pieces cut at
    /// ASCII bytes, so every piece is UTF-8.
    struct Out<'a, 'b>(&'a mut Formatter<'b>);
    impl std::io::Write for Out<'_, '_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let text = std::str::from_utf8(buf).map_err(std::io::Error::other)?;
            self.0.write_str(text).map_err(std::io::Error::other)?;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Out(f), s).map_err(|_| fmt::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Printing agrees with `serde_json` on every byte that needs care.
    #[test]
    fn strings_print_as_serde_json_prints_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é€😀\u{7f}\u{2028}");
        for s in [
            all.as_str(),
            "",
            "plain",
            r#"x" or userName pr or ""#,
            "\\\"\\",
        ] {
            assert_eq!(
                CompValue::from(s).to_string(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
        for v in [
            serde_json::json!(null),
            serde_json::json!(true),
            serde_json::json!(-12),
            serde_json::json!(1.5e300),
            serde_json::json!(u64::MAX),
        ] {
            let c = CompValue::try_from(v.clone()).unwrap();
            assert_eq!(c.to_string(), v.to_string());
            assert_eq!(c, v);
            assert_eq!(Value::from(c), v);
        }
        assert!(CompValue::try_from(serde_json::json!([1])).is_err());
        assert!(CompValue::try_from(serde_json::json!({})).is_err());
    }
}
