//! Diff two resources into a PATCH request.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::value::{
    contains, fold_key, is_attr_name, is_primary, is_unassigned, same_identity, value_str, FnvMap,
};
use super::{DiffOptions, MemberRemoval};
use crate::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::resource::{get_ci, PatchOp, PatchOpKind, PatchOperation, Resource};
use crate::schema::{Attribute, SchemaRegistry};

/// The PATCH request that turns `old` into `new`, in one message (see [`diff_messages`]
/// to split it by [`DiffOptions::max_operations`]).
///
/// Guarantee: [`apply`](super::apply)`(old, diff(old, new))` equals `new`, leaving out
/// read-only attributes (`id`, `meta`, `groups`, `manager.displayName`: never sent,
/// RFC 7643 §2.2 "readOnly ... SHALL NOT be modified") and the order of the values of a
/// multi-valued attribute when `new` reorders values it shares with `old` (RFC 7643
/// §2.4 gives multi-valued attributes no order). `new` is assumed valid: at most one
/// `primary` value per attribute. `diff(a, a)` is empty. Keys compare
/// case-insensitively, values exactly (a change of case is a change).
///
/// The shape, smallest useful first:
/// - a single-valued attribute that appears, changes or goes: `add`, `replace` or
///   `remove` with its path (`title`, `urn:...:enterprise:2.0:User:costCenter`);
/// - a complex attribute that exists on both sides: only the sub-attributes that
///   differ, `replace name.givenName` for one, `replace name` with the changed
///   sub-attributes for several (RFC 7644 §3.5.2.3 leaves the others unchanged), and
///   `remove name.middleName` for each one that goes;
/// - a multi-valued attribute whose values have a `value` (members, emails, roles) or
///   are plain strings: value by value, one `remove` per value that goes with a filtered
///   path (`members[value eq "2819c223"]`, with `and type eq "work"` when `value` alone
///   would also select a value that stays), then one `add` carrying every new value; so
///   one new member of a 10,000-member group is one operation with one value. With
///   [`MemberRemoval::ValueList`], the removals are one `remove` with a value list.
///   When value-by-value cannot express the change exactly (nothing in common, values
///   without `value`, duplicates that `add` would merge, filters disallowed by
///   [`DiffOptions::filtered_paths`]), the attribute is replaced as a whole;
/// - extension attributes are addressed by URN-qualified paths; `apply` adds and removes
///   the extension's URN in `schemas` itself, and any other difference in `schemas`
///   ends the PATCH with a `replace` of `schemas`.
///
/// Attributes whose name is not an RFC 7643 ATTRNAME (`"my key"`) can be set (with a
/// path-less `replace`) but not removed: no PATCH path names them.
pub fn diff(
    old: &Resource,
    new: &Resource,
    schemas: &SchemaRegistry,
    options: &DiffOptions,
) -> PatchOp {
    PatchOp::new(operations(old, new, schemas, options))
}

/// [`diff`] split into PATCH messages of at most [`DiffOptions::max_operations`]
/// operations each, to send in order (no message when nothing differs). Each message
/// is atomic on its own; the sequence is not.
pub fn diff_messages(
    old: &Resource,
    new: &Resource,
    schemas: &SchemaRegistry,
    options: &DiffOptions,
) -> Vec<PatchOp> {
    let ops = operations(old, new, schemas, options);
    if ops.is_empty() {
        return Vec::new();
    }
    match options.max_operations {
        Some(n) if n > 0 && ops.len() > n => {
            let mut messages = Vec::with_capacity(ops.len().div_ceil(n));
            let mut ops = ops.into_iter().peekable();
            while ops.peek().is_some() {
                messages.push(PatchOp::new(ops.by_ref().take(n).collect()));
            }
            messages
        }
        _ => vec![PatchOp::new(ops)],
    }
}

struct Differ<'a> {
    registry: &'a SchemaRegistry,
    core: Vec<&'a str>,
    options: &'a DiffOptions,
    ops: Vec<PatchOperation>,
}

fn operations(
    old: &Resource,
    new: &Resource,
    registry: &SchemaRegistry,
    options: &DiffOptions,
) -> Vec<PatchOperation> {
    let core = old
        .schemas()
        .filter_map(|id| registry.schema(id))
        .filter(|s| !registry.is_extension(&s.id))
        .map(|s| s.id.as_str())
        .collect();
    let mut d = Differ {
        registry,
        core,
        options,
        ops: Vec::new(),
    };
    let (old_map, new_map) = (old.as_map(), new.as_map());

    // Top-level attributes that go, then those that appear or change.
    for (key, old_v) in old_map {
        if key.eq_ignore_ascii_case("schemas") || d.is_extension(key, old_v) {
            continue;
        }
        let def = registry.attribute(&d.core, None, key, None);
        if def.is_some_and(Attribute::is_read_only) {
            continue;
        }
        if get_ci(new_map, key).is_none_or(|(_, v)| v.is_null()) && is_attr_name(key) {
            d.ops.push(PatchOperation::remove(key));
        }
    }
    for (key, new_v) in new_map {
        if key.eq_ignore_ascii_case("schemas") || d.is_extension(key, new_v) {
            continue;
        }
        let def = registry.attribute(&d.core, None, key, None);
        if def.is_some_and(Attribute::is_read_only) {
            continue;
        }
        let old_v = get_ci(old_map, key).map(|(_, v)| v);
        d.attribute(None, key, def, old_v, new_v);
    }

    // Extensions, attribute by attribute; predict what apply does to `schemas`.
    let mut schemas: Vec<String> = old.schemas().map(str::to_owned).collect();
    let mut schemas_changed = false;
    let ext_keys: Vec<&String> = old_map
        .iter()
        .chain(new_map.iter())
        .filter(|(k, v)| d.is_extension(k, v))
        .map(|(k, _)| k)
        .collect();
    for (i, urn) in ext_keys.iter().enumerate() {
        if ext_keys[..i].iter().any(|k| k.eq_ignore_ascii_case(urn)) {
            continue;
        }
        let empty = Map::new();
        let old_ext = get_ci(old_map, urn)
            .and_then(|(_, v)| v.as_object())
            .unwrap_or(&empty);
        let new_ext = get_ci(new_map, urn)
            .and_then(|(_, v)| v.as_object())
            .unwrap_or(&empty);
        let mut removed = 0;
        for key in old_ext.keys() {
            let def = registry.attribute(&d.core, Some(urn), key, None);
            let gone = get_ci(new_ext, key).is_none_or(|(_, v)| v.is_null());
            if gone && is_attr_name(key) && !def.is_some_and(Attribute::is_read_only) {
                d.ops.push(PatchOperation::remove(&format!("{urn}:{key}")));
                removed += 1;
            }
        }
        let after_removals = d.ops.len();
        for (key, new_v) in new_ext {
            let def = registry.attribute(&d.core, Some(urn), key, None);
            if def.is_some_and(Attribute::is_read_only) {
                continue;
            }
            let old_v = get_ci(old_ext, key).map(|(_, v)| v);
            d.attribute(Some(urn), key, def, old_v, new_v);
        }
        // apply lists the URN when it sets an attribute of the extension, and unlists it
        // when a removal leaves the extension object empty.
        let canonical = registry.schema(urn).map_or(urn.as_str(), |s| s.id.as_str());
        let sets = d.ops[after_removals..]
            .iter()
            .any(|op| op.op != PatchOpKind::Remove);
        if sets && !schemas.iter().any(|x| x.eq_ignore_ascii_case(canonical)) {
            schemas.push(canonical.to_owned());
            schemas_changed = true;
        }
        if removed > 0 && removed == old_ext.len() && !sets {
            schemas.retain(|s| !s.eq_ignore_ascii_case(urn));
            schemas_changed = true;
        }
    }

    // Any other difference in `schemas`.
    let old_schemas = get_ci(old_map, "schemas").map(|(_, v)| v);
    let predicted = if schemas_changed {
        Some(Value::Array(
            schemas.into_iter().map(Value::String).collect(),
        ))
    } else {
        old_schemas.cloned()
    };
    match get_ci(new_map, "schemas").map(|(_, v)| v) {
        Some(want) if predicted.as_ref() != Some(want) => {
            d.ops
                .push(PatchOperation::replace(Some("schemas"), want.clone()));
        }
        None if predicted.is_some() => d.ops.push(PatchOperation::remove("schemas")),
        _ => {}
    }
    d.ops
}

impl<'a> Differ<'a> {
    /// True for a top-level key holding an extension object (as apply reads it).
    fn is_extension(&self, key: &str, v: &Value) -> bool {
        if !v.is_object() || key.len() < 4 || !key.as_bytes()[..4].eq_ignore_ascii_case(b"urn:") {
            return false;
        }
        match self.registry.schema(key) {
            Some(_) => self.registry.is_extension(key),
            None => self.registry.attribute_at(&self.core, key).is_none(),
        }
    }

    fn path(urn: Option<&str>, name: &str) -> String {
        match urn {
            Some(urn) => format!("{urn}:{name}"),
            None => name.to_owned(),
        }
    }

    /// Sets `name` with a path-less `replace`, for names no path can express.
    fn pathless(&mut self, urn: Option<&str>, name: &str, v: Value) {
        let mut attrs = Map::new();
        attrs.insert(name.to_owned(), v);
        let value = match urn {
            Some(urn) => {
                let mut ext = Map::new();
                ext.insert(urn.to_owned(), Value::Object(attrs));
                ext
            }
            None => attrs,
        };
        self.ops
            .push(PatchOperation::replace(None, Value::Object(value)));
    }

    fn attribute(
        &mut self,
        urn: Option<&str>,
        name: &str,
        def: Option<&Attribute>,
        old: Option<&Value>,
        new: &Value,
    ) {
        let old = old.filter(|v| !v.is_null());
        if new.is_null() {
            return; // a removal, emitted with the others
        }
        if old == Some(new) {
            return;
        }
        if !is_attr_name(name) {
            self.pathless(urn, name, strip(new, def));
            return;
        }
        let path = Self::path(urn, name);
        let Some(old) = old else {
            if is_unassigned(new) {
                return;
            }
            let multi = def.map_or(new.is_array(), Attribute::is_multi_valued);
            let op = if multi && has_duplicates(new, def) {
                PatchOperation::replace
            } else {
                PatchOperation::add
            };
            self.ops.push(op(Some(&path), strip(new, def)));
            return;
        };
        let multi = def.map_or(new.is_array() || old.is_array(), Attribute::is_multi_valued);
        match (old, new) {
            (Value::Array(o), Value::Array(n)) if multi => self.multi(&path, def, o, n),
            (Value::Object(o), Value::Object(n)) if !multi => self.complex(&path, def, o, n),
            _ if is_unassigned(new) => self.ops.push(PatchOperation::remove(&path)),
            _ => self
                .ops
                .push(PatchOperation::replace(Some(&path), strip(new, def))),
        }
    }

    /// A complex attribute on both sides: only the sub-attributes that differ.
    fn complex(
        &mut self,
        path: &str,
        def: Option<&Attribute>,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
    ) {
        let writable = |k: &str| {
            !def.and_then(|d| d.sub_attribute(k))
                .is_some_and(Attribute::is_read_only)
        };
        let mut changed = Map::new();
        let mut removed = Vec::new();
        for (k, v) in new {
            if !writable(k) || v.is_null() {
                continue;
            }
            if get_ci(old, k).map(|(_, o)| o) != Some(v) {
                changed.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in old {
            if writable(k) && !v.is_null() && get_ci(new, k).is_none_or(|(_, n)| n.is_null()) {
                removed.push(k.as_str());
            }
        }
        let remaining = new.iter().any(|(k, v)| writable(k) && !v.is_null());
        if !remaining {
            if !removed.is_empty() {
                self.ops.push(PatchOperation::remove(path));
            }
            return;
        }
        if removed.iter().any(|k| !is_attr_name(k)) {
            // A sub-attribute no path names goes: replace the whole value.
            self.ops.push(PatchOperation::remove(path));
            self.ops.push(PatchOperation::add(
                Some(path),
                strip(&Value::Object(new.clone()), def),
            ));
            return;
        }
        for k in removed {
            self.ops
                .push(PatchOperation::remove(&format!("{path}.{k}")));
        }
        match changed.len() {
            0 => {}
            1 if changed.keys().all(|k| is_attr_name(k)) => {
                let (k, v) = changed.into_iter().next().expect("one change");
                self.ops
                    .push(PatchOperation::replace(Some(&format!("{path}.{k}")), v));
            }
            _ => self
                .ops
                .push(PatchOperation::replace(Some(path), Value::Object(changed))),
        }
    }

    /// A multi-valued attribute on both sides: value by value when that is exact.
    fn multi(&mut self, path: &str, def: Option<&Attribute>, old: &[Value], new: &[Value]) {
        if new.is_empty() {
            self.ops.push(PatchOperation::remove(path));
            return;
        }
        let replace_all = |d: &mut Self| {
            d.ops.push(PatchOperation::replace(
                Some(path),
                strip(&Value::Array(new.to_vec()), def),
            ))
        };
        let keyed = |v: &Value| key_of(v).is_some();
        if !old.iter().all(keyed) || !new.iter().all(keyed) {
            return replace_all(self);
        }
        // Pair equal values (a multiset match, bucketed by `value`).
        let mut buckets: FnvMap<Cow<'_, str>, Vec<usize>> = FnvMap::default();
        for (i, v) in old.iter().enumerate() {
            buckets
                .entry(key_of(v).expect("keyed"))
                .or_default()
                .push(i);
        }
        let mut old_kept = vec![false; old.len()];
        let mut added = Vec::new();
        for n in new {
            let hit = buckets
                .get(&key_of(n).expect("keyed"))
                .and_then(|b| b.iter().copied().find(|&i| !old_kept[i] && old[i] == *n));
            match hit {
                Some(i) => old_kept[i] = true,
                None => added.push(n),
            }
        }
        let removed: Vec<&Value> = old
            .iter()
            .zip(&old_kept)
            .filter(|(_, k)| !**k)
            .map(|(v, _)| v)
            .collect();
        if removed.is_empty() && added.is_empty() {
            return; // the same values in another order
        }
        let kept: Vec<&Value> = old
            .iter()
            .zip(&old_kept)
            .filter(|(_, k)| **k)
            .map(|(v, _)| v)
            .collect();
        if kept.is_empty() {
            return replace_all(self);
        }
        let value_def = element_value_def(def);
        // What apply compares with: kept values by folded `value`.
        let mut index: FnvMap<Cow<'_, str>, Vec<&Value>> = FnvMap::default();
        for v in &kept {
            index.entry(folded(v, value_def)).or_default().push(*v);
        }
        // Each new value must be appended as is: not already present nor merged into a
        // value with the same identity, and not taking `primary` from a kept value.
        let kept_primary = kept.iter().any(|v| is_primary(v));
        let mut appended: FnvMap<Cow<'_, str>, Vec<&Value>> = FnvMap::default();
        for a in &added {
            let key = folded(a, value_def);
            let merged = |e: &&Value| contains(e, a, def) || same_identity(e, a, def);
            let earlier = appended.entry(key.clone()).or_default();
            if earlier.iter().any(merged)
                || index.get(&key).is_some_and(|c| c.iter().any(merged))
                || (kept_primary && is_primary(a))
            {
                return replace_all(self);
            }
            earlier.push(a);
        }
        // How each removed value is selected without selecting a kept one.
        let removal_ops = match (self.options.member_removal, self.options.filtered_paths) {
            _ if removed.is_empty() => Vec::new(),
            (MemberRemoval::ValueList, _) => {
                let mut items = Vec::with_capacity(removed.len());
                for r in &removed {
                    match value_list_item(r, &index, def, value_def) {
                        Some(item) => items.push(item),
                        None => return replace_all(self),
                    }
                }
                vec![PatchOperation {
                    op: PatchOpKind::Remove,
                    path: Some(path.to_owned()),
                    value: Some(Value::Array(items)),
                    extra: Map::new(),
                }]
            }
            (MemberRemoval::Filtered, false) => return replace_all(self),
            (MemberRemoval::Filtered, true) => {
                let mut ops = Vec::new();
                let mut covered = vec![false; removed.len()];
                let mut removed_index: FnvMap<Cow<'_, str>, Vec<usize>> = FnvMap::default();
                for (i, r) in removed.iter().enumerate() {
                    removed_index
                        .entry(folded(r, value_def))
                        .or_default()
                        .push(i);
                }
                for (i, r) in removed.iter().enumerate() {
                    if covered[i] {
                        continue;
                    }
                    let Some(filter) = removal_filter(r, &index, def) else {
                        return replace_all(self);
                    };
                    for &j in removed_index
                        .get(&folded(r, value_def))
                        .map_or(&[][..], Vec::as_slice)
                    {
                        if filter.matches_value(removed[j], def).unwrap_or(false) {
                            covered[j] = true;
                        }
                    }
                    covered[i] = true;
                    ops.push(PatchOperation::remove(&format!("{path}[{filter}]")));
                }
                ops
            }
        };
        self.ops.extend(removal_ops);
        if !added.is_empty() {
            let values = added.into_iter().map(|v| strip(v, def)).collect();
            self.ops
                .push(PatchOperation::add(Some(path), Value::Array(values)));
        }
    }
}

/// The definition of the `value` of a multi-valued attribute's elements: its `value`
/// sub-attribute when complex, the attribute itself otherwise.
fn element_value_def(def: Option<&Attribute>) -> Option<&Attribute> {
    let def = def?;
    match def.sub_attribute("value") {
        Some(v) => Some(v),
        None if def.sub_attributes().is_empty() => Some(def),
        None => None,
    }
}

/// The exact key an element is bucketed by: its `value` (complex) or itself (a string,
/// number or boolean); `None` for elements value-by-value cannot address.
fn key_of(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::Object(_) => value_str(v).map(Cow::Borrowed),
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(_) | Value::Bool(_) => Some(Cow::Owned(v.to_string())),
        _ => None,
    }
}

/// The key under which elements apply considers possibly equal share a bucket.
fn folded<'v>(v: &'v Value, value_def: Option<&Attribute>) -> Cow<'v, str> {
    match v {
        Value::Object(_) => value_str(v).map_or(Cow::Borrowed(""), |s| fold_key(s, value_def)),
        Value::String(s) => fold_key(s, value_def),
        other => Cow::Owned(other.to_string()),
    }
}

/// `value eq "..."`, narrowed with `and type eq "..."` when needed, such that no kept
/// value matches it; `None` when neither is enough.
fn removal_filter(
    r: &Value,
    index: &FnvMap<Cow<'_, str>, Vec<&Value>>,
    def: Option<&Attribute>,
) -> Option<Filter> {
    let value = match r {
        Value::Object(o) => get_ci(o, "value")?.1.clone(),
        scalar => scalar.clone(),
    };
    let by_value = compare("value", value)?;
    let value_def = element_value_def(def);
    let candidates = index
        .get(&folded(r, value_def))
        .map_or(&[][..], Vec::as_slice);
    let selects_kept = |f: &Filter| {
        candidates
            .iter()
            .any(|e| f.matches_value(e, def).unwrap_or(true))
    };
    if !selects_kept(&by_value) {
        return Some(by_value);
    }
    let t = match r {
        Value::Object(o) => get_ci(o, "type")?.1,
        _ => return None,
    };
    if !t.is_string() {
        return None;
    }
    let narrowed = Filter::And(Box::new(by_value), Box::new(compare("type", t.clone())?));
    (!selects_kept(&narrowed)).then_some(narrowed)
}

/// `name eq value`; `None` when `value` is an array or object, which no filter can
/// compare with.
fn compare(name: &str, value: Value) -> Option<Filter> {
    Some(Filter::Compare {
        path: AttrPath::new(name),
        op: CompareOp::Eq,
        value: CompValue::try_from(value).ok()?,
    })
}

/// The item of a Salesforce-style `remove` value list that selects `r` and no kept value
/// (apply removes the values that contain an item): `{"value": ...}`, then with `type`,
/// then the whole value.
fn value_list_item(
    r: &Value,
    index: &FnvMap<Cow<'_, str>, Vec<&Value>>,
    def: Option<&Attribute>,
    value_def: Option<&Attribute>,
) -> Option<Value> {
    let candidates = index
        .get(&folded(r, value_def))
        .map_or(&[][..], Vec::as_slice);
    let free = |item: &Value| !candidates.iter().any(|e| contains(e, item, def));
    let Value::Object(o) = r else {
        return free(r).then(|| r.clone());
    };
    let mut item = Map::new();
    for key in ["value", "type"] {
        if let Some((k, v)) = get_ci(o, key) {
            item.insert(k.to_owned(), v.clone());
            let v = Value::Object(item.clone());
            if free(&v) {
                return Some(v);
            }
        }
    }
    let whole = r.clone();
    free(&whole).then_some(whole)
}

/// True when some values of a multi-valued `v` would be merged by apply's `add`.
fn has_duplicates(v: &Value, def: Option<&Attribute>) -> bool {
    let Value::Array(items) = v else { return false };
    let value_def = element_value_def(def);
    let mut seen: FnvMap<Cow<'_, str>, Vec<&Value>> = FnvMap::default();
    for item in items {
        let bucket = seen.entry(folded(item, value_def)).or_default();
        if bucket.iter().any(|e| {
            contains(e, item, def) || same_identity(e, item, def) || contains(item, e, def)
        }) {
            return true;
        }
        bucket.push(item);
    }
    false
}

/// `v` without read-only sub-attributes (which apply refuses in strict mode).
fn strip(v: &Value, def: Option<&Attribute>) -> Value {
    let Some(def) = def.filter(|d| d.sub_attributes().iter().any(Attribute::is_read_only)) else {
        return v.clone();
    };
    let strip_object = |o: &Map<String, Value>| {
        Value::Object(
            o.iter()
                .filter(|(k, _)| !def.sub_attribute(k).is_some_and(Attribute::is_read_only))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    };
    match v {
        Value::Object(o) => strip_object(o),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::Object(o) => strip_object(o),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}
