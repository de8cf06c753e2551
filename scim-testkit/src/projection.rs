//! Which attributes a response carries: `attributes` / `excludedAttributes`
//! (RFC 7644 §3.4.2.5, §3.9) and the `returned` characteristic (RFC 7643 §2.2).
//!
//! Paths are attribute names with an optional sub-attribute (`name.givenName`,
//! `emails.value`), optionally qualified by a schema URN
//! (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`), or a
//! whole extension's URN. Matching is case-insensitive; output keys keep their stored
//! casing and order.

use scim_core::schema::Returned;
use scim_core::urn::split_urn;
use std::sync::OnceLock;

use scim_core::SchemaRegistry;
use serde_json::{Map, Value};

/// One path of an `attributes` or `excludedAttributes` list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AttrPath {
    /// The full text, for matching a whole extension by its URN.
    text: String,
    urn: Option<String>,
    name: String,
    sub: Option<String>,
}

impl AttrPath {
    fn parse(text: &str) -> AttrPath {
        let (urn, rest) = split_urn(text);
        let (name, sub) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s.to_owned())),
            None => (rest, None),
        };
        AttrPath {
            text: text.to_owned(),
            urn: urn.map(str::to_owned),
            name: name.to_owned(),
            sub,
        }
    }
}

/// The attribute selection of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Projection {
    include: Vec<AttrPath>,
    exclude: Vec<AttrPath>,
}

/// Splits a comma-separated attribute list (RFC 7644 §3.4.2.5), ignoring blanks.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Projection {
    /// A selection from the `attributes` and `excludedAttributes` lists. When both are
    /// given, `attributes` wins (RFC 7644 §3.4.2.5 defines them as alternatives).
    pub fn new(attributes: &[String], excluded: &[String]) -> Projection {
        Projection {
            include: attributes.iter().map(|a| AttrPath::parse(a)).collect(),
            exclude: excluded.iter().map(|a| AttrPath::parse(a)).collect(),
        }
    }

    /// Applies the selection and the `returned` rules to a rendered resource whose core
    /// schema is `schema`.
    pub fn apply(&self, resource: Map<String, Value>, schema: &str) -> Map<String, Value> {
        let mut out = if self.include.is_empty() {
            self.apply_default(resource, schema)
        } else {
            self.apply_include(resource, schema)
        };
        // RFC 7643 §2.2 returned "never": "The attribute value SHALL NOT be returned".
        // `password` is the core schemas' one; the registry names any other.
        remove_ci(&mut out, "password");
        let never: Vec<String> = out
            .keys()
            .filter(|k| returned(schema, k) == Some(Returned::Never))
            .cloned()
            .collect();
        for k in never {
            out.shift_remove(&k);
        }
        out
    }

    /// Default set minus `excludedAttributes` and minus `returned: request` attributes.
    fn apply_default(&self, mut resource: Map<String, Value>, schema: &str) -> Map<String, Value> {
        let request_only: Vec<String> = resource
            .keys()
            .filter(|k| returned(schema, k) == Some(Returned::Request))
            .cloned()
            .collect();
        for k in request_only {
            resource.shift_remove(&k);
        }
        for path in &self.exclude {
            if is_always(schema, path) {
                continue;
            }
            // A whole extension.
            if let Some(key) = find_key(&resource, &path.text) {
                resource.shift_remove(&key);
                continue;
            }
            let Some(container) = container_mut(&mut resource, path, schema) else {
                continue;
            };
            match &path.sub {
                None => {
                    remove_ci(container, &path.name);
                }
                Some(sub) => {
                    match find_key(container, &path.name).and_then(|k| container.get_mut(&k)) {
                        Some(Value::Object(obj)) => {
                            remove_ci(obj, sub);
                        }
                        Some(Value::Array(items)) => {
                            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                                remove_ci(item, sub);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        resource
    }

    /// Only the named attributes, plus those `returned: always` (`id`) and `schemas`.
    fn apply_include(&self, resource: Map<String, Value>, schema: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in &resource {
            // RFC 7643 §3.1: "id" is returned "always"; "schemas" is REQUIRED on every
            // resource representation.
            let always = key.eq_ignore_ascii_case("id")
                || key.eq_ignore_ascii_case("schemas")
                || returned(schema, key) == Some(Returned::Always);
            if always {
                out.insert(key.clone(), value.clone());
                continue;
            }
            if is_extension_key(key) {
                if let Some(v) = select_in_extension(key, value, &self.include) {
                    out.insert(key.clone(), v);
                }
                continue;
            }
            let paths = self
                .include
                .iter()
                .filter(|p| targets_core(p, schema) && p.name.eq_ignore_ascii_case(key));
            if let Some(v) = select(value, paths) {
                out.insert(key.clone(), v);
            }
        }
        out
    }
}

/// The value of `value` restricted to what `paths` (all naming this attribute) select:
/// the whole value when one path has no sub-attribute, else only the named
/// sub-attributes (of the object, or of each element of a multi-valued attribute).
fn select<'a>(value: &Value, paths: impl Iterator<Item = &'a AttrPath>) -> Option<Value> {
    let mut subs: Vec<&str> = Vec::new();
    for p in paths {
        match &p.sub {
            None => return Some(value.clone()),
            Some(s) => subs.push(s),
        }
    }
    if subs.is_empty() {
        return None;
    }
    let pick = |obj: &Map<String, Value>| -> Map<String, Value> {
        obj.iter()
            .filter(|(k, _)| subs.iter().any(|s| s.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    match value {
        Value::Object(obj) => Some(Value::Object(pick(obj))),
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::Object(obj) => Value::Object(pick(obj)),
                    other => other.clone(),
                })
                .collect(),
        )),
        _ => None,
    }
}

/// What `paths` select in the extension object stored under `urn`.
fn select_in_extension(urn: &str, value: &Value, paths: &[AttrPath]) -> Option<Value> {
    if paths.iter().any(|p| p.text.eq_ignore_ascii_case(urn)) {
        return Some(value.clone());
    }
    let obj = value.as_object()?;
    let mine: Vec<&AttrPath> = paths
        .iter()
        .filter(|p| {
            p.urn
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(urn))
        })
        .collect();
    if mine.is_empty() {
        return None;
    }
    let mut out = Map::new();
    for (key, v) in obj {
        let named = mine
            .iter()
            .copied()
            .filter(|p| p.name.eq_ignore_ascii_case(key));
        if let Some(v) = select(v, named) {
            out.insert(key.clone(), v);
        }
    }
    Some(Value::Object(out))
}

/// True when the path names a top-level attribute of the resource (unqualified, or
/// qualified by the resource's core schema).
fn targets_core(path: &AttrPath, schema: &str) -> bool {
    path.urn
        .as_deref()
        .is_none_or(|u| u.eq_ignore_ascii_case(schema))
}

/// The object a path's attribute lives in: the resource itself, or an extension object.
fn container_mut<'a>(
    resource: &'a mut Map<String, Value>,
    path: &AttrPath,
    schema: &str,
) -> Option<&'a mut Map<String, Value>> {
    if targets_core(path, schema) {
        return Some(resource);
    }
    let key = find_key(resource, path.urn.as_deref()?)?;
    resource.get_mut(&key)?.as_object_mut()
}

fn is_always(schema: &str, path: &AttrPath) -> bool {
    path.sub.is_none()
        && targets_core(path, schema)
        && (path.name.eq_ignore_ascii_case("id")
            || path.name.eq_ignore_ascii_case("schemas")
            || returned(schema, &path.name) == Some(Returned::Always))
}

/// The attributes of one schema whose `returned` is not `default`.
type SpecialReturned = Vec<(String, Returned)>;

/// The `returned` characteristic of a top-level attribute of a core schema, when it is
/// not `default` (RFC 7643 §2.2). Rendering asks this for every key of every resource,
/// so the non-default characteristics of scim-core's built-in schemas are indexed once.
pub(crate) fn returned(schema: &str, name: &str) -> Option<Returned> {
    static INDEX: OnceLock<Vec<(String, SpecialReturned)>> = OnceLock::new();
    if is_extension_key(name) {
        return None;
    }
    let index = INDEX.get_or_init(|| {
        SchemaRegistry::core()
            .schemas()
            .map(|s| {
                let special = s
                    .attributes
                    .iter()
                    .filter(|a| *a.returned() != Returned::Default)
                    .map(|a| (a.name.clone(), a.returned().clone()))
                    .collect();
                (s.id.clone(), special)
            })
            .collect()
    });
    let (_, attrs) = index
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(schema))?;
    attrs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, r)| r.clone())
}

/// True for a key that holds an extension object (a schema URN).
pub(crate) fn is_extension_key(key: &str) -> bool {
    key.len() > 4 && key[..4].eq_ignore_ascii_case("urn:")
}

/// The stored spelling of the key of `map` equal to `name` case-insensitively.
pub(crate) fn find_key(map: &Map<String, Value>, name: &str) -> Option<String> {
    if map.contains_key(name) {
        return Some(name.to_owned());
    }
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Removes the key equal to `name` case-insensitively, keeping the others' order.
pub(crate) fn remove_ci(map: &mut Map<String, Value>, name: &str) -> Option<Value> {
    let key = find_key(map, name)?;
    map.shift_remove(&key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim_core::urn;
    use serde_json::json;

    fn user() -> Map<String, Value> {
        json!({
            "schemas": [urn::USER, urn::ENTERPRISE_USER],
            "id": "1",
            "userName": "bjensen",
            "password": "secret",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "a@x.org", "type": "work"}, {"value": "b@x.org", "type": "home"}],
            (urn::ENTERPRISE_USER): {"employeeNumber": "7", "department": "R&D"},
            "meta": {"resourceType": "User"}
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn apply(attrs: &[&str], excluded: &[&str]) -> Value {
        let a: Vec<String> = attrs.iter().map(|s| s.to_string()).collect();
        let e: Vec<String> = excluded.iter().map(|s| s.to_string()).collect();
        Value::Object(Projection::new(&a, &e).apply(user(), urn::USER))
    }

    /// RFC 7643 §4.1.1 password: "returned" is "never".
    #[test]
    fn password_is_never_returned() {
        assert!(apply(&[], &[]).get("password").is_none());
        assert!(apply(&["password"], &[]).get("password").is_none());
    }

    /// RFC 7644 §3.4.2.5: "attributes ... A multi-valued list of strings indicating the
    /// names of resource attributes to return in the response, overriding the set of
    /// attributes that would be returned by default."
    #[test]
    fn attributes_select_sub_attributes_and_extensions() {
        let out = apply(
            &[
                "NAME.givenName",
                "emails.value",
                &format!("{}:department", urn::ENTERPRISE_USER),
            ],
            &[],
        );
        assert_eq!(
            out,
            json!({
                "schemas": [urn::USER, urn::ENTERPRISE_USER],
                "id": "1",
                "name": {"givenName": "Barbara"},
                "emails": [{"value": "a@x.org"}, {"value": "b@x.org"}],
                (urn::ENTERPRISE_USER): {"department": "R&D"}
            })
        );
        let out = apply(
            &[&format!("{}:userName", urn::USER), urn::ENTERPRISE_USER],
            &[],
        );
        assert_eq!(out["userName"], "bjensen");
        assert_eq!(out[urn::ENTERPRISE_USER]["employeeNumber"], "7");
    }

    /// RFC 7644 §3.4.2.5: "excludedAttributes ... Each attribute name ... is excluded,
    /// ... attributes whose 'returned' characteristic is 'always' cannot be excluded."
    #[test]
    fn excluded_attributes_remove_but_never_id() {
        let out = apply(&[], &["emails.type", "name", "id", urn::ENTERPRISE_USER]);
        assert_eq!(out["id"], "1");
        assert!(out.get("name").is_none());
        assert!(out.get(urn::ENTERPRISE_USER).is_none());
        assert_eq!(
            out["emails"],
            json!([{"value": "a@x.org"}, {"value": "b@x.org"}])
        );
        let out = apply(&[], &[&format!("{}:employeeNumber", urn::ENTERPRISE_USER)]);
        assert_eq!(out[urn::ENTERPRISE_USER], json!({"department": "R&D"}));
    }
}
