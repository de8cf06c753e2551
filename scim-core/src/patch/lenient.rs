//! Inbound leniency ([`ApplyOptions::lenient`](super::ApplyOptions::lenient)): what
//! identity providers send in PATCH requests though RFC 7644 forbids it.

use serde_json::{Map, Value};

use crate::filter::{CompareOp, Filter};
use crate::schema::{Attribute, AttributeType};

/// Rewrites a value given for the attribute `def` the way Microsoft Entra ID and Okta
/// mean it: `"True"`/`"False"` (any case) for a boolean, and a bare scalar where a
/// complex value with a `value` sub-attribute is expected (`"manager": "26118915"`).
/// Recurses into sub-attributes. Anything else is left for the type check.
pub(crate) fn coerce(v: &mut Value, def: &Attribute) {
    match def.attr_type() {
        AttributeType::Boolean => {
            if let Value::String(s) = v {
                let t = s.trim();
                if t.eq_ignore_ascii_case("true") {
                    *v = Value::Bool(true);
                } else if t.eq_ignore_ascii_case("false") {
                    *v = Value::Bool(false);
                }
            }
        }
        AttributeType::Complex => {
            if matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
                && def.sub_attribute("value").is_some()
            {
                let mut object = Map::new();
                object.insert("value".to_owned(), v.take());
                *v = Value::Object(object);
            }
            if let Value::Object(object) = v {
                for (k, sub) in object.iter_mut() {
                    if let Some(sd) = def.sub_attribute(k) {
                        coerce(sub, sd);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The value a filter of `eq` comparisons describes: `type eq "work"` gives
/// `{"type": "work"}`, `type eq "work" and primary eq true` gives both. `None` for any
/// other filter (an `or`, a `co`, a sub-attribute path), which describes no one value.
pub(crate) fn element_from_filter(filter: &Filter) -> Option<Map<String, Value>> {
    let mut element = Map::new();
    collect_equalities(filter, &mut element).then_some(element)
}

fn collect_equalities(filter: &Filter, out: &mut Map<String, Value>) -> bool {
    match filter {
        Filter::And(l, r) => collect_equalities(l, out) && collect_equalities(r, out),
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value,
        } if path.sub_attr.is_none() && !value.is_null() => {
            out.insert(path.name.to_string(), value.to_json());
            true
        }
        _ => false,
    }
}
