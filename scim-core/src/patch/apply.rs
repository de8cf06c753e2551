//! Applying a PATCH request (RFC 7644 §3.5.2.1–3); the rules are in the
//! [module documentation](super).

use std::fmt::Display;

use serde_json::{Map, Value};

use super::lenient;
use super::undo::{position, Change, Ext, UndoLog};
use super::value::{
    contains, equal, is_attr_name, is_primary, is_unassigned, lookup, same_identity,
};
use super::ApplyOptions;
use crate::error::{Error, Result, ScimType};
use crate::filter::Filter;
use crate::path::Path;
use crate::resource::{
    get_ci, json_type_name, key_ci, PatchOp, PatchOpKind, PatchOperation, Resource,
};
use crate::schema::{Attribute, AttributeType, Mutability, SchemaRegistry};
use crate::urn;

/// Applies `patch` to `resource` per RFC 7644 §3.5.2, strictly (see [`apply_with`]).
///
/// On error the resource is unchanged and the [`Error::Patch`] gives the failing
/// operation's zero-based index, its scimType and a message.
pub fn apply(resource: &mut Resource, patch: &PatchOp, schemas: &SchemaRegistry) -> Result<()> {
    apply_with(resource, patch, schemas, &ApplyOptions::default())
}

/// Applies `patch` to `resource` with `options` (inbound leniency).
///
/// The operations apply in order. If one fails, every change made by the earlier ones
/// is undone, so the resource is exactly as it was, and the error is an
/// [`Error::Patch`] naming the operation:
///
/// ```
/// use scim_core::{patch, resource::{PatchOp, PatchOperation}, Resource, ScimType, SchemaRegistry};
/// use serde_json::json;
/// let mut group = Resource::from_value(json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
///     "id": "e9e30dba", "displayName": "Tour Guides"}))?;
/// let before = group.clone();
/// let ops = PatchOp::new(vec![
///     PatchOperation::replace(Some("displayName"), json!("Guides")),
///     PatchOperation::replace(Some("id"), json!("other")),
/// ]);
/// let err = patch::apply(&mut group, &ops, SchemaRegistry::core()).unwrap_err();
/// assert_eq!(err.operation_index(), Some(1));
/// assert_eq!(err.scim_type(), Some(&ScimType::Mutability));
/// assert_eq!(group, before);
/// # Ok::<(), scim_core::Error>(())
/// ```
pub fn apply_with(
    resource: &mut Resource,
    patch: &PatchOp,
    schemas: &SchemaRegistry,
    options: &ApplyOptions,
) -> Result<()> {
    let mut engine = Engine {
        registry: schemas,
        core: Vec::new(),
        lenient: options.lenient,
        undo: UndoLog::default(),
    };
    engine.refresh_core(resource);
    for (index, op) in patch.operations.iter().enumerate() {
        // `schemas` changes only through a path-less value or a `schemas` path.
        if index > 0 && op.path.as_deref().is_none_or(names_schemas) {
            engine.refresh_core(resource);
        }
        if let Err(Fail { scim_type, message }) = engine.operation(resource, op) {
            engine.undo.rollback(resource);
            return Err(Error::Patch {
                scim_type,
                index,
                message,
            });
        }
    }
    Ok(())
}

/// A failed operation, before its index is known.
struct Fail {
    scim_type: ScimType,
    message: String,
}

type Res<T> = std::result::Result<T, Fail>;

fn fail<T>(scim_type: ScimType, message: impl Into<String>) -> Res<T> {
    Err(Fail {
        scim_type,
        message: message.into(),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Add,
    Replace,
}

/// An attribute an operation addresses: its container and name.
struct Target<'p> {
    /// The extension object it lives in (`None`: the top level), by its stored key or,
    /// when it does not exist yet, the key it will be created with.
    ext: Ext,
    /// The schema URN to look its definition up in (`None`: the resource's core schema).
    urn: Option<&'p str>,
    /// The attribute name, as given.
    name: &'p str,
}

impl Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.urn {
            Some(urn) => write!(f, "{urn}:{}", self.name),
            None => f.write_str(self.name),
        }
    }
}

/// What a path designates.
enum Resolved<'p> {
    /// An attribute (with the path's filter and sub-attribute still to apply).
    Attr(Target<'p>),
    /// A whole extension object, by the key it has or will have.
    Extension(String),
}

struct Engine<'a> {
    registry: &'a SchemaRegistry,
    /// The core (non-extension) schemas the resource lists that the registry knows, as
    /// the registry spells them: where top-level attributes are looked up.
    core: Vec<&'a str>,
    lenient: bool,
    undo: UndoLog,
}

impl<'a> Engine<'a> {
    fn refresh_core(&mut self, resource: &Resource) {
        self.core.clear();
        for id in resource.schemas() {
            // The usual spellings need no registry look-up: a schema the registry does
            // not know is skipped by its look-ups anyway.
            if let Some(known) = [urn::USER, urn::GROUP].into_iter().find(|u| *u == id) {
                self.core.push(known);
            } else if id == urn::ENTERPRISE_USER || urn::is_extension(id) {
                continue;
            } else if let Some(schema) = self.registry.schema(id) {
                if !urn::is_extension(&schema.id) {
                    self.core.push(schema.id.as_str());
                }
            }
        }
    }

    fn def(&self, t: &Target<'_>, sub: Option<&str>) -> Option<&'a Attribute> {
        self.registry.attribute(&self.core, t.urn, t.name, sub)
    }

    fn operation(&mut self, res: &mut Resource, op: &PatchOperation) -> Res<()> {
        let kind = match &op.op {
            PatchOpKind::Other(s) => match op.op.normalized() {
                Some(k) if self.lenient => k,
                Some(_) => {
                    return fail(
                        ScimType::InvalidSyntax,
                        format!("unknown op `{s}`: RFC 7644 §3.5.2 spells it in lower case (lenient mode accepts any case)"),
                    )
                }
                None => {
                    return fail(
                        ScimType::InvalidSyntax,
                        format!("unknown op `{s}`: expected add, remove or replace"),
                    )
                }
            },
            k => k.clone(),
        };
        let path = match op.path.as_deref() {
            Some(p) if self.lenient && p.trim().is_empty() => None,
            Some(p) => Some(parse_path(p)?),
            None => None,
        };
        match kind {
            PatchOpKind::Remove => match path {
                // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with
                // HTTP status code 400 and a "scimType" error code of "noTarget"."
                None => fail(
                    ScimType::NoTarget,
                    "remove needs a path (RFC 7644 §3.5.2.2)",
                ),
                Some(path) => self.remove(res, &path, op.value.as_ref()),
            },
            _ => {
                let mode = if kind == PatchOpKind::Add {
                    Mode::Add
                } else {
                    Mode::Replace
                };
                // RFC 7644 §3.5.2.1: "The operation MUST contain a "value" member whose
                // content specifies the value to be added."
                let Some(value) = op.value.clone() else {
                    return fail(ScimType::InvalidValue, format!("`{kind}` needs a value"));
                };
                match path {
                    None => self.pathless(res, value, mode),
                    Some(path) => self.set_path(res, &path, value, mode),
                }
            }
        }
    }

    // ---- paths -------------------------------------------------------------------

    /// What `path` designates in `res`.
    fn resolve<'p>(&self, res: &Resource, path: &'p Path) -> Res<Resolved<'p>> {
        let Some(urn) = path.urn.as_deref() else {
            return Ok(Resolved::Attr(Target {
                ext: None,
                urn: None,
                name: &path.name,
            }));
        };
        // `urn:...:enterprise:2.0:User` parses as URN `urn:...:enterprise:2.0` and name
        // `User`: a whole extension, unless the URN's schema defines such an attribute.
        if path.filter.is_none()
            && path.sub_attr.is_none()
            && self
                .registry
                .attribute(&self.core, Some(urn), &path.name, None)
                .is_none()
        {
            let full = path.full_name();
            match self.registry.schema(&full) {
                Some(_) if self.registry.is_extension(&full) => {
                    return Ok(Resolved::Extension(self.ext_key(res, &full)))
                }
                Some(_) => {
                    return fail(
                        ScimType::InvalidPath,
                        format!("`{full}` names a core schema, not an attribute"),
                    )
                }
                None if res.key(&full).is_some() || res.has_schema(&full) => {
                    return Ok(Resolved::Extension(self.ext_key(res, &full)))
                }
                None => {}
            }
        }
        let top_level = urn::is_core_resource_schema(urn)
            || (self.registry.schema(urn).is_some() && !self.registry.is_extension(urn))
            || (self.registry.schema(urn).is_none()
                && res.has_schema(urn)
                && !urn::is_extension(urn));
        Ok(Resolved::Attr(Target {
            ext: (!top_level).then(|| self.ext_key(res, urn)),
            urn: Some(urn),
            name: &path.name,
        }))
    }

    /// The key of the extension object `urn`: the stored one, else the registry's
    /// spelling, else as given.
    fn ext_key(&self, res: &Resource, urn: &str) -> String {
        res.key(urn)
            .or_else(|| self.registry.schema(urn).map(|s| s.id.as_str()))
            .unwrap_or(urn)
            .to_owned()
    }

    // ---- add / replace -----------------------------------------------------------

    /// RFC 7644 §3.5.2.1: "If omitted, the target location is assumed to be the resource
    /// itself. The "value" parameter contains a set of attributes to be added to the
    /// resource." §3.5.2.3: "If the "path" parameter is omitted, the target is assumed
    /// to be the resource itself. In this case, the "value" attribute SHALL contain a
    /// list of one or more attributes that are to be replaced."
    fn pathless(&mut self, res: &mut Resource, value: Value, mode: Mode) -> Res<()> {
        let Value::Object(attrs) = value else {
            return fail(
                ScimType::InvalidValue,
                format!(
                    "without a path, the value must be an object of attributes, not {}",
                    json_type_name(&value)
                ),
            );
        };
        for (key, v) in attrs {
            if key.eq_ignore_ascii_case("schemas") {
                self.merge_schemas(res, &v)?;
            } else if has_urn_prefix(&key) {
                self.pathless_urn_key(res, &key, v, mode)?;
            } else if key.contains('.') {
                if !self.lenient {
                    return fail(
                        ScimType::InvalidPath,
                        format!("`{key}` is not an attribute name (lenient mode reads dotted keys as paths)"),
                    );
                }
                let path = parse_path(&key)?;
                self.set_path(res, &path, v, mode)?;
            } else {
                let t = Target {
                    ext: None,
                    urn: None,
                    name: &key,
                };
                self.set_attr(res, &t, None, None, v, mode)?;
            }
        }
        Ok(())
    }

    /// A URN key of a path-less value: an extension object (RFC 7644 §3.5.2.1's
    /// example), a core schema's attributes, or a URN-qualified attribute name.
    fn pathless_urn_key(&mut self, res: &mut Resource, key: &str, v: Value, mode: Mode) -> Res<()> {
        let known = self.registry.schema(key).is_some();
        if known && !self.registry.is_extension(key) {
            // `{"urn:...:core:2.0:User": {"userName": ...}}`: top-level attributes.
            let Value::Object(attrs) = v else {
                return fail(
                    ScimType::InvalidValue,
                    format!("`{key}` must hold an object"),
                );
            };
            for (name, v) in attrs {
                let t = Target {
                    ext: None,
                    urn: Some(key),
                    name: &name,
                };
                self.set_attr(res, &t, None, None, v, mode)?;
            }
            return Ok(());
        }
        let extension = known
            || (self.registry.attribute_at(&self.core, key).is_none()
                && (v.is_object() || res.key(key).is_some() || res.has_schema(key)));
        if extension {
            let ext = self.ext_key(res, key);
            self.set_extension(res, &ext, v, mode)
        } else {
            let path = parse_path(key)?;
            self.set_path(res, &path, v, mode)
        }
    }

    /// `schemas` in a path-less value: the URNs it lists are added.
    fn merge_schemas(&mut self, res: &mut Resource, v: &Value) -> Res<()> {
        let urns: Vec<&str> = match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            other => {
                return fail(
                    ScimType::InvalidValue,
                    format!(
                        "`schemas` must be an array of URIs, not {}",
                        json_type_name(other)
                    ),
                )
            }
        };
        for urn in urns {
            self.add_schema(res, urn);
        }
        Ok(())
    }

    fn set_path(&mut self, res: &mut Resource, path: &Path, value: Value, mode: Mode) -> Res<()> {
        match self.resolve(res, path)? {
            Resolved::Extension(key) => self.set_extension(res, &key, value, mode),
            Resolved::Attr(t) => self.set_attr(
                res,
                &t,
                path.filter.as_ref(),
                path.sub_attr.as_deref(),
                value,
                mode,
            ),
        }
    }

    /// Sets the attributes of `value` in the extension object `ext` (created when
    /// needed): a complex target, so attributes not given are left unchanged.
    fn set_extension(
        &mut self,
        res: &mut Resource,
        ext: &str,
        value: Value,
        mode: Mode,
    ) -> Res<()> {
        let Value::Object(attrs) = value else {
            return fail(
                ScimType::InvalidValue,
                format!(
                    "the extension `{ext}` takes an object of attributes, not {}",
                    json_type_name(&value)
                ),
            );
        };
        for (name, v) in attrs {
            let t = Target {
                ext: Some(ext.to_owned()),
                urn: Some(ext),
                name: &name,
            };
            self.set_attr(res, &t, None, None, v, mode)?;
        }
        Ok(())
    }

    fn set_attr(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        filter: Option<&Filter>,
        sub: Option<&str>,
        value: Value,
        mode: Mode,
    ) -> Res<()> {
        let def = self.def(t, None);
        match (filter, sub) {
            (Some(filter), sub) => self.set_filtered(res, t, def, filter, sub, value),
            (None, Some(sub)) => self.set_sub(res, t, def, sub, value, mode),
            (None, None) => self.set_whole(res, t, def, value, mode),
        }
    }

    /// `add`/`replace` on `attr`.
    fn set_whole(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&'a Attribute>,
        mut value: Value,
        mode: Mode,
    ) -> Res<()> {
        if value.is_null() {
            // RFC 7643 §2.5: null is the unassigned state.
            return match mode {
                Mode::Add => Ok(()),
                Mode::Replace => self.delete(res, t, def),
            };
        }
        let current = current(res, t);
        let multi = match def {
            Some(d) => d.is_multi_valued(),
            None => value.is_array() || current.is_some_and(Value::is_array),
        };
        if multi {
            let mut values = match value {
                Value::Array(values) => values,
                single => vec![single],
            };
            for v in &mut values {
                self.prepare(v, def, t)?;
            }
            if mode == Mode::Replace {
                if values.is_empty() {
                    return self.delete(res, t, def);
                }
                let new = Value::Array(values);
                if !self.allow(def, t, current, Some(&new))? {
                    return Ok(());
                }
                let Value::Array(mut values) = new else {
                    unreachable!("built as an array above")
                };
                self.check_new_values(&mut values, def, t)?;
                one_primary(&values, t)?;
                return self.put(res, t, def, Value::Array(values));
            }
            if values.is_empty() {
                return Ok(());
            }
            let fixed = def
                .filter(|d| matches!(d.mutability(), Mutability::ReadOnly | Mutability::Immutable));
            if let (Some(d), Some(cur)) = (fixed, current.filter(|c| !is_unassigned(c))) {
                // Adding to a read-only attribute, or to an immutable one that has
                // values: allowed only when every value is already there.
                let all_present = cur.as_array().is_some_and(|items| {
                    values
                        .iter()
                        .all(|v| items.iter().any(|e| contains(e, v, def)))
                });
                if all_present || (self.lenient && d.is_read_only()) {
                    return Ok(());
                }
                return fail(
                    ScimType::Mutability,
                    format!("`{t}` is {} and cannot be changed", d.mutability()),
                );
            }
            if fixed.is_some_and(Attribute::is_read_only) {
                if self.lenient {
                    return Ok(());
                }
                return fail(ScimType::Mutability, format!("`{t}` is readOnly"));
            }
            return self.append(res, t, def, values);
        }
        self.prepare(&mut value, def, t)?;
        let complex = match def {
            Some(d) => *d.attr_type() == AttributeType::Complex,
            None => value.is_object() && current.is_none_or(Value::is_object),
        };
        if complex && current.is_some_and(Value::is_object) {
            let Value::Object(subs) = value else {
                unreachable!("prepare checked a complex value is an object")
            };
            return self.merge(res, t, def, subs);
        }
        if !self.allow(def, t, current, Some(&value))? {
            return Ok(());
        }
        if complex {
            self.check_new_value(&mut value, def, t)?;
            if is_unassigned(&value) {
                return Ok(());
            }
        }
        self.put(res, t, def, value)
    }

    /// RFC 7644 §3.5.2.3: "If the target location specifies a complex attribute, a set
    /// of sub-attributes SHALL be specified in the "value" parameter, which replaces any
    /// existing values or adds where an attribute did not previously exist.
    /// Sub-attributes that are not specified in the "value" parameter are left
    /// unchanged." A null sub-attribute is removed.
    fn merge(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&'a Attribute>,
        subs: Map<String, Value>,
    ) -> Res<()> {
        let Some((key, Value::Object(existing))) = current_entry(res, t) else {
            return fail(
                ScimType::InvalidPath,
                format!("`{t}` is not a complex attribute"),
            );
        };
        let mut changes = Vec::with_capacity(subs.len());
        for (name, v) in subs {
            let sd = sub_mutability_def(def, &name);
            let cur = lookup(existing, &name).map(|(_, v)| v);
            let new = (!v.is_null()).then_some(&v);
            if cur.is_none() && new.is_none() {
                continue;
            }
            if self.allow(sd, &SubName(t, &name), cur, new)? {
                changes.push((name, v));
            }
        }
        if changes.is_empty() {
            return Ok(());
        }
        let key = key.to_owned();
        let map = container_mut(res, &t.ext).expect("the attribute exists");
        let object = map
            .get_mut(&key)
            .and_then(Value::as_object_mut)
            .expect("checked to be an object");
        for (name, v) in changes {
            let (sub, prev) = set_key(object, &name, v, def.and_then(|d| d.sub_attribute(&name)));
            self.undo.push(Change::Sub {
                ext: t.ext.clone(),
                key: key.clone(),
                index: None,
                sub,
                prev,
            });
        }
        if object.is_empty() {
            return self.delete(res, t, def);
        }
        Ok(())
    }

    /// `add`/`replace` on `attr.sub`.
    fn set_sub(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&'a Attribute>,
        sub: &str,
        value: Value,
        mode: Mode,
    ) -> Res<()> {
        let current = current(res, t);
        let multi = match def {
            Some(d) => d.is_multi_valued(),
            None => current.is_some_and(Value::is_array),
        };
        if multi {
            // `emails.display`: every value's sub-attribute.
            let n = current.and_then(Value::as_array).map_or(0, Vec::len);
            if n == 0 {
                if value.is_null() || mode == Mode::Add && self.lenient {
                    return Ok(());
                }
                return fail(
                    ScimType::NoTarget,
                    format!("`{t}` has no value to set `{sub}` in"),
                );
            }
            let all: Vec<usize> = (0..n).collect();
            let mut subs = Map::new();
            subs.insert(sub.to_owned(), value);
            return self.set_in_elements(res, t, def, &all, subs);
        }
        match current {
            Some(Value::Object(_)) | None | Some(Value::Null) => {
                let mut subs = Map::new();
                subs.insert(sub.to_owned(), value);
                self.set_whole(res, t, def, Value::Object(subs), mode)
            }
            Some(other) => fail(
                ScimType::InvalidPath,
                format!(
                    "`{t}` is {}, not a complex attribute with `{sub}`",
                    json_type_name(other)
                ),
            ),
        }
    }

    /// `add`/`replace` on `attr[filter]` and `attr[filter].sub`: the selected values
    /// are complex targets, so only the sub-attributes given change.
    fn set_filtered(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&'a Attribute>,
        filter: &Filter,
        sub: Option<&str>,
        value: Value,
    ) -> Res<()> {
        let matches = self.matching(res, t, def, filter)?;
        if matches.is_empty() {
            if value.is_null() {
                return Ok(());
            }
            if self.lenient {
                if let Some(mut element) = lenient::element_from_filter(filter) {
                    match (sub, value) {
                        (Some(sub), v) => {
                            element.insert(sub.to_owned(), v);
                        }
                        (None, Value::Object(subs)) => element.extend(subs),
                        (None, other) => {
                            return fail(
                                ScimType::InvalidValue,
                                format!(
                                    "a value of `{t}` must be an object, not {}",
                                    json_type_name(&other)
                                ),
                            )
                        }
                    }
                    return self.set_whole(
                        res,
                        t,
                        def,
                        Value::Array(vec![Value::Object(element)]),
                        Mode::Add,
                    );
                }
            }
            // RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute
            // for which a value selection filter ("valuePath") has been supplied and no
            // record match was made, the service provider SHALL indicate failure by
            // returning HTTP status code 400 and a "scimType" error code of "noTarget"."
            return fail(
                ScimType::NoTarget,
                format!("no value of `{t}` matches `{filter}`"),
            );
        }
        let subs = match (sub, value) {
            (Some(sub), v) => {
                let mut subs = Map::new();
                subs.insert(sub.to_owned(), v);
                subs
            }
            (None, Value::Object(subs)) => subs,
            (None, other) => {
                return fail(
                    ScimType::InvalidValue,
                    format!(
                        "a value of `{t}` must be an object, not {}",
                        json_type_name(&other)
                    ),
                )
            }
        };
        self.set_in_elements(res, t, def, &matches, subs)
    }

    /// Sets sub-attributes in the values at `indices` of the multi-valued `attr`, then
    /// keeps `primary` unique.
    fn set_in_elements(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&'a Attribute>,
        indices: &[usize],
        subs: Map<String, Value>,
    ) -> Res<()> {
        let mut element = Value::Object(subs);
        self.prepare(&mut element, def, t)?;
        let Value::Object(subs) = element else {
            unreachable!("an object stays an object")
        };
        let Some((key, Value::Array(items))) = current_entry(res, t) else {
            return fail(ScimType::NoTarget, format!("`{t}` has no values"));
        };
        let key = key.to_owned();
        // Check every change before making any.
        let mut planned: Vec<(usize, Vec<(&String, &Value)>)> = Vec::new();
        for &i in indices {
            let Some(Value::Object(existing)) = items.get(i) else {
                return fail(
                    ScimType::InvalidPath,
                    format!("value {i} of `{t}` is not complex: it has no sub-attributes"),
                );
            };
            let mut changes = Vec::new();
            for (name, v) in &subs {
                let cur = lookup(existing, name).map(|(_, v)| v);
                let new = (!v.is_null()).then_some(v);
                if cur.is_none() && new.is_none() {
                    continue;
                }
                if new.is_some_and(|n| cur.is_some_and(|c| c == n)) {
                    continue;
                }
                if self.allow(sub_mutability_def(def, name), &SubName(t, name), cur, new)? {
                    changes.push((name, v));
                }
            }
            if !changes.is_empty() {
                planned.push((i, changes));
            }
        }
        let touched: Vec<usize> = planned.iter().map(|(i, _)| *i).collect();
        let items = array_mut(res, &t.ext, &key);
        let mut emptied = Vec::new();
        for (i, changes) in planned {
            let object = items[i].as_object_mut().expect("checked to be an object");
            for (name, v) in changes {
                let (sub, prev) = set_key(
                    object,
                    name,
                    v.clone(),
                    def.and_then(|d| d.sub_attribute(name)),
                );
                self.undo.push(Change::Sub {
                    ext: t.ext.clone(),
                    key: key.clone(),
                    index: Some(i),
                    sub,
                    prev,
                });
            }
            if object.is_empty() {
                emptied.push(i);
            }
        }
        self.fix_primary(res, t, &key, &touched, usize::MAX)?;
        if !emptied.is_empty() {
            self.remove_elements(res, t, def, &key, &emptied)?;
        }
        Ok(())
    }

    /// Appends `values` to the multi-valued `attr`, skipping values already present and
    /// merging new details into values with the same identity.
    fn append(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&'a Attribute>,
        mut values: Vec<Value>,
    ) -> Res<()> {
        self.check_new_values(&mut values, def, t)?;
        one_primary(&values, t)?;
        let key = match current_entry(res, t) {
            Some((key, Value::Array(_))) => key.to_owned(),
            Some((key, _)) => {
                // A single value stored where the schema says multi-valued: make it a
                // list before appending.
                let key = key.to_owned();
                let slot = container_mut(res, &t.ext)
                    .and_then(|m| m.get_mut(&key))
                    .expect("the attribute exists");
                let prev = slot.take();
                *slot = Value::Array(vec![prev.clone()]);
                self.undo.push(Change::Set {
                    ext: t.ext.clone(),
                    key: key.clone(),
                    prev,
                });
                key
            }
            None => {
                self.put(res, t, def, Value::Array(Vec::new()))?;
                current_entry(res, t).expect("just created").0.to_owned()
            }
        };
        let items = array_mut(res, &t.ext, &key);
        let start = items.len();
        let mut touched = Vec::new();
        let mut appended = false;
        for v in values {
            if items.iter().any(|e| contains(e, &v, def)) {
                continue;
            }
            if let Some(i) = items.iter().position(|e| same_identity(e, &v, def)) {
                // The same value with new details: merge the mutable ones.
                let Value::Object(new) = v else { continue };
                let prev = items[i].clone();
                let object = items[i].as_object_mut().expect("same_identity checked");
                let mut changed = false;
                for (name, sv) in new {
                    let sd = def.and_then(|d| d.sub_attribute(&name));
                    let cur = lookup(object, &name).map(|(_, v)| v);
                    let fixed = sd.is_some_and(|d| {
                        matches!(d.mutability(), Mutability::ReadOnly | Mutability::Immutable)
                    });
                    if cur == Some(&sv) || (fixed && cur.is_some()) || sv.is_null() {
                        continue;
                    }
                    set_key(object, &name, sv, sd);
                    changed = true;
                }
                if changed {
                    if i < start {
                        self.undo.push(Change::Element {
                            ext: t.ext.clone(),
                            key: key.clone(),
                            index: i,
                            prev,
                        });
                    }
                    touched.push(i);
                }
                continue;
            }
            if !appended {
                self.undo.push(Change::Appended {
                    ext: t.ext.clone(),
                    key: key.clone(),
                    len: start,
                });
                appended = true;
            }
            items.push(v);
            touched.push(items.len() - 1);
        }
        self.fix_primary(res, t, &key, &touched, start)
    }

    /// RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than
    /// once." When a value just set has `primary: true`, the others that had it get
    /// `false`. Values at `fresh..` were appended by this operation (their undo is the
    /// append's).
    fn fix_primary(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        key: &str,
        touched: &[usize],
        fresh: usize,
    ) -> Res<()> {
        let items = array_mut(res, &t.ext, key);
        let mut primary = None;
        for &i in touched {
            if is_primary(&items[i]) && primary != Some(i) {
                if primary.is_some() {
                    return fail(
                        ScimType::InvalidValue,
                        format!("two values of `{t}` would have primary true (RFC 7643 §2.4)"),
                    );
                }
                primary = Some(i);
            }
        }
        let Some(p) = primary else { return Ok(()) };
        for (j, element) in items.iter_mut().enumerate() {
            if j == p || !is_primary(element) {
                continue;
            }
            let object = element.as_object_mut().expect("is_primary checked");
            let k = key_ci(object, "primary")
                .expect("is_primary checked")
                .to_owned();
            object.insert(k.clone(), Value::Bool(false));
            if j < fresh {
                self.undo.push(Change::Sub {
                    ext: t.ext.clone(),
                    key: key.to_owned(),
                    index: Some(j),
                    sub: k,
                    prev: Some((usize::MAX, Value::Bool(true))),
                });
            }
        }
        Ok(())
    }

    /// Sets `attr` to `value` (creating the extension object if needed).
    fn put(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&Attribute>,
        value: Value,
    ) -> Res<()> {
        if let Some(ext) = &t.ext {
            self.ensure_extension(res, ext)?;
        }
        let map = container_mut(res, &t.ext).expect("ensured above");
        if let Some(slot) = map.get_mut(t.name) {
            // The exact spelling: one look-up.
            let prev = std::mem::replace(slot, value);
            self.undo.push(Change::Set {
                ext: t.ext.clone(),
                key: t.name.to_owned(),
                prev,
            });
            return Ok(());
        }
        match key_ci(map, t.name).map(str::to_owned) {
            Some(key) => {
                let prev = std::mem::replace(map.get_mut(&key).expect("found above"), value);
                self.undo.push(Change::Set {
                    ext: t.ext.clone(),
                    key,
                    prev,
                });
            }
            None => {
                // A new attribute takes the schema's canonical name.
                let key = def.map_or(t.name, |d| d.name.as_str()).to_owned();
                map.insert(key.clone(), value);
                self.undo.push(Change::Created {
                    ext: t.ext.clone(),
                    key,
                });
            }
        }
        Ok(())
    }

    /// Creates the extension object `ext` if absent, and lists its URN in `schemas`
    /// (DESIGN.md: "creating an extension attribute adds its URN to `schemas`").
    fn ensure_extension(&mut self, res: &mut Resource, ext: &str) -> Res<()> {
        match res.as_map().get(ext) {
            Some(Value::Object(_)) => {}
            Some(other) => {
                return fail(
                    ScimType::InvalidValue,
                    format!(
                        "`{ext}` holds {}, not an extension object",
                        json_type_name(other)
                    ),
                )
            }
            None => {
                res.as_map_mut()
                    .insert(ext.to_owned(), Value::Object(Map::new()));
                self.undo.push(Change::Created {
                    ext: None,
                    key: ext.to_owned(),
                });
            }
        }
        self.add_schema(res, ext);
        Ok(())
    }

    fn add_schema(&mut self, res: &mut Resource, urn: &str) {
        if res.has_schema(urn) {
            return;
        }
        self.save_schemas(res);
        res.add_schema(urn);
    }

    fn remove_schema(&mut self, res: &mut Resource, urn: &str) {
        if !res.has_schema(urn) {
            return;
        }
        self.save_schemas(res);
        match res.get_mut("schemas") {
            Some(Value::Array(items)) => {
                items.retain(|s| !s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
            }
            Some(single) => *single = Value::Array(Vec::new()),
            None => {}
        }
    }

    fn save_schemas(&mut self, res: &Resource) {
        match get_ci(res.as_map(), "schemas") {
            Some((key, prev)) => self.undo.push(Change::Set {
                ext: None,
                key: key.to_owned(),
                prev: prev.clone(),
            }),
            None => self.undo.push(Change::Created {
                ext: None,
                key: "schemas".to_owned(),
            }),
        }
    }

    // ---- remove --------------------------------------------------------------------

    /// RFC 7644 §3.5.2.2.
    fn remove(&mut self, res: &mut Resource, path: &Path, value: Option<&Value>) -> Res<()> {
        let t = match self.resolve(res, path)? {
            Resolved::Extension(ext) => return self.delete_extension(res, &ext),
            Resolved::Attr(t) => t,
        };
        let def = self.def(&t, None);
        match (&path.filter, path.sub_attr.as_deref()) {
            (Some(filter), sub) => {
                let matches = self.matching(res, &t, def, filter)?;
                if matches.is_empty() {
                    // DESIGN.md: remove with a filter that matches nothing is noTarget.
                    return fail(
                        ScimType::NoTarget,
                        format!("no value of `{t}` matches `{filter}`"),
                    );
                }
                match sub {
                    Some(sub) => {
                        let mut subs = Map::new();
                        subs.insert(sub.to_owned(), Value::Null);
                        self.set_in_elements(res, &t, def, &matches, subs)
                    }
                    None => {
                        // RFC 7644 §3.5.2.2: "If the target location is a multi-valued
                        // attribute and a complex filter is specified comparing a
                        // "value", the values matched by the filter are removed. If no
                        // other values remain after removal of the selected values, the
                        // multi-valued attribute SHALL be considered unassigned."
                        self.allow_removal(def, &t, res)?;
                        let key = current_entry(res, &t)
                            .expect("matched values exist")
                            .0
                            .to_owned();
                        self.remove_elements(res, &t, def, &key, &matches)
                    }
                }
            }
            (None, Some(sub)) => {
                let Some(current) = current(res, &t) else {
                    return Ok(());
                };
                match current {
                    Value::Array(items) => {
                        let all: Vec<usize> = (0..items.len()).collect();
                        let mut subs = Map::new();
                        subs.insert(sub.to_owned(), Value::Null);
                        self.set_in_elements(res, &t, def, &all, subs)
                    }
                    Value::Object(_) => {
                        let mut subs = Map::new();
                        subs.insert(sub.to_owned(), Value::Null);
                        self.merge(res, &t, def, subs)
                    }
                    _ => Ok(()),
                }
            }
            (None, None) => match (value, current(res, &t)) {
                (Some(listed), Some(Value::Array(items))) if !listed.is_null() => {
                    // `{"op": "remove", "path": "members", "value": [{"value": "..."}]}`:
                    // remove the values listed, never the whole attribute.
                    let listed: Vec<&Value> = match listed {
                        Value::Array(l) => l.iter().collect(),
                        one => vec![one],
                    };
                    let matches: Vec<usize> = items
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| listed.iter().any(|l| contains(e, l, def)))
                        .map(|(i, _)| i)
                        .collect();
                    if matches.is_empty() {
                        return Ok(());
                    }
                    self.allow_removal(def, &t, res)?;
                    let key = current_entry(res, &t).expect("exists").0.to_owned();
                    self.remove_elements(res, &t, def, &key, &matches)
                }
                _ => self.delete(res, &t, def),
            },
        }
    }

    fn allow_removal(&self, def: Option<&Attribute>, t: &Target<'_>, res: &Resource) -> Res<()> {
        if let Some(d) = def {
            if matches!(d.mutability(), Mutability::ReadOnly | Mutability::Immutable) {
                let _ = res;
                return fail(
                    ScimType::Mutability,
                    format!("`{t}` is {}: its values cannot be removed", d.mutability()),
                );
            }
        }
        Ok(())
    }

    /// Removes the values at `indices` (ascending) of the array `key`; the attribute
    /// when none is left.
    fn remove_elements(
        &mut self,
        res: &mut Resource,
        t: &Target<'_>,
        def: Option<&Attribute>,
        key: &str,
        indices: &[usize],
    ) -> Res<()> {
        let items = array_mut(res, &t.ext, key);
        let mut removed = Vec::with_capacity(indices.len());
        let mut next = indices.iter().peekable();
        let mut i = 0;
        items.retain_mut(|v| {
            let hit = next.peek().is_some_and(|&&j| j == i);
            if hit {
                next.next();
                removed.push((i, v.take()));
            }
            i += 1;
            !hit
        });
        let empty = items.is_empty();
        self.undo.push(Change::Removed {
            ext: t.ext.clone(),
            key: key.to_owned(),
            items: removed,
        });
        if empty {
            self.delete(res, t, def)?;
        }
        Ok(())
    }

    /// Removes `attr` (nothing when absent); an extension object left empty goes too.
    fn delete(&mut self, res: &mut Resource, t: &Target<'_>, def: Option<&Attribute>) -> Res<()> {
        let Some((key, cur)) = current_entry(res, t) else {
            return Ok(());
        };
        if !is_unassigned(cur) && !self.allow(def, t, Some(cur), None)? {
            return Ok(());
        }
        let key = key.to_owned();
        let map = container_mut(res, &t.ext).expect("the attribute exists");
        let pos = position(map, &key);
        let prev = map.shift_remove(&key).expect("the attribute exists");
        let empty = map.is_empty();
        self.undo.push(Change::Deleted {
            ext: t.ext.clone(),
            key,
            pos,
            prev,
        });
        match &t.ext {
            Some(ext) if empty => self.delete_extension(res, ext),
            _ => Ok(()),
        }
    }

    /// Removes the extension object `ext` and its URN from `schemas`.
    fn delete_extension(&mut self, res: &mut Resource, ext: &str) -> Res<()> {
        let Some(key) = res.key(ext).map(str::to_owned) else {
            self.remove_schema(res, ext);
            return Ok(());
        };
        let map = res.as_map_mut();
        let pos = position(map, &key);
        let prev = map.shift_remove(&key).expect("found above");
        self.undo.push(Change::Deleted {
            ext: None,
            key,
            pos,
            prev,
        });
        self.remove_schema(res, ext);
        Ok(())
    }

    // ---- checks --------------------------------------------------------------------

    /// The indices of the values of `attr` that `filter` selects.
    fn matching(
        &self,
        res: &Resource,
        t: &Target<'_>,
        def: Option<&Attribute>,
        filter: &Filter,
    ) -> Res<Vec<usize>> {
        if def.is_some_and(|d| !d.is_multi_valued()) {
            return fail(
                ScimType::InvalidPath,
                format!("`{t}` is single-valued: a value filter needs a multi-valued attribute"),
            );
        }
        let items = match current(res, t) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return fail(
                    ScimType::InvalidPath,
                    format!(
                        "`{t}` is {}, not a multi-valued attribute",
                        json_type_name(other)
                    ),
                )
            }
        };
        let mut out = Vec::new();
        for (i, e) in items.iter().enumerate() {
            match filter.matches_value(e, def) {
                Ok(true) => out.push(i),
                Ok(false) => {}
                Err(e) => return fail(ScimType::InvalidFilter, e.to_string()),
            }
        }
        Ok(out)
    }

    /// Whether changing an attribute from `current` to `new` (`None`: removal) may go on
    /// (`Ok(false)`: nothing to do), per its mutability (RFC 7644 §3.5.2, RFC 7643 §2.2).
    fn allow(
        &self,
        def: Option<&Attribute>,
        what: &dyn Display,
        current: Option<&Value>,
        new: Option<&Value>,
    ) -> Res<bool> {
        let Some(def) = def else { return Ok(true) };
        let current = current.filter(|v| !is_unassigned(v));
        let unchanged = match (current, new) {
            (Some(c), Some(n)) => equal(c, n, Some(def)),
            (None, None) => true,
            _ => false,
        };
        match def.mutability() {
            // RFC 7643 §2.2: "readOnly The attribute SHALL NOT be modified."
            Mutability::ReadOnly => {
                if unchanged || (self.lenient && new.is_some()) {
                    Ok(false)
                } else {
                    fail(ScimType::Mutability, format!("`{what}` is readOnly"))
                }
            }
            // RFC 7644 §3.5.2: "a client MAY "add" a value to an "immutable" attribute
            // if the attribute had no previous value."
            Mutability::Immutable => match current {
                None => Ok(new.is_some()),
                Some(_) if unchanged => Ok(false),
                Some(_) => fail(
                    ScimType::Mutability,
                    format!("`{what}` is immutable and already has a value"),
                ),
            },
            _ => Ok(true),
        }
    }

    /// Lenient rewriting, type check and canonical sub-attribute names of one value
    /// (or one value of a multi-valued attribute) of the attribute `def`.
    fn prepare(&self, v: &mut Value, def: Option<&Attribute>, t: &dyn Display) -> Res<()> {
        let Some(def) = def else { return Ok(()) };
        if v.is_null() {
            return Ok(());
        }
        if self.lenient {
            lenient::coerce(v, def);
        }
        check_type(v, def, t)?;
        if let Value::Object(object) = v {
            if object
                .keys()
                .any(|k| def.sub_attribute(k).is_some_and(|s| s.name != *k))
            {
                *object = std::mem::take(object)
                    .into_iter()
                    .map(|(k, v)| match def.sub_attribute(&k) {
                        Some(s) => (s.name.clone(), v),
                        None => (k, v),
                    })
                    .collect();
            }
            for (k, sv) in object.iter_mut() {
                if let Some(sd) = def.sub_attribute(k) {
                    if sd.is_multi_valued() {
                        if let Value::Array(items) = sv {
                            for item in items {
                                self.prepare(item, Some(sd), &SubName(t, k))?;
                            }
                            continue;
                        }
                    }
                    self.prepare(sv, Some(sd), &SubName(t, k))?;
                }
            }
        }
        Ok(())
    }

    /// A new complex value may not set read-only sub-attributes (lenient: they are
    /// dropped).
    fn check_new_value(&self, v: &mut Value, def: Option<&Attribute>, t: &dyn Display) -> Res<()> {
        let (Some(def), Value::Object(object)) = (def, v) else {
            return Ok(());
        };
        let read_only = |k: &String| def.sub_attribute(k).is_some_and(Attribute::is_read_only);
        if let Some(k) = object.keys().find(|k| read_only(k)) {
            if !self.lenient {
                return fail(
                    ScimType::Mutability,
                    format!("`{}` is readOnly", SubName(t, k)),
                );
            }
            object.retain(|k, _| !read_only(k));
        }
        Ok(())
    }

    fn check_new_values(
        &self,
        values: &mut [Value],
        def: Option<&Attribute>,
        t: &dyn Display,
    ) -> Res<()> {
        values
            .iter_mut()
            .try_for_each(|v| self.check_new_value(v, def, t))
    }
}

/// `attr.sub`, for messages.
struct SubName<'x>(&'x dyn Display, &'x str);

impl Display for SubName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// The definition whose mutability governs the sub-attribute `name` of `def`: its own,
/// or the parent's when the parent is read-only and does not define it.
fn sub_mutability_def<'d>(def: Option<&'d Attribute>, name: &str) -> Option<&'d Attribute> {
    let def = def?;
    def.sub_attribute(name)
        .or_else(|| def.is_read_only().then_some(def))
}

/// RFC 7643 §2.3: the JSON type each attribute type takes.
fn check_type(v: &Value, def: &Attribute, t: &dyn Display) -> Res<()> {
    let ok = match def.attr_type() {
        AttributeType::Complex => v.is_object(),
        AttributeType::Boolean => v.is_boolean(),
        AttributeType::Integer => v.is_i64() || v.is_u64(),
        AttributeType::Decimal => v.is_number(),
        AttributeType::String
        | AttributeType::Reference
        | AttributeType::Binary
        | AttributeType::DateTime => v.is_string(),
        AttributeType::Other(_) => true,
    };
    if ok {
        return Ok(());
    }
    let hint = if matches!(def.attr_type(), AttributeType::Boolean) && v.is_string() {
        " (lenient mode accepts \"True\"/\"False\")"
    } else {
        ""
    };
    fail(
        ScimType::InvalidValue,
        format!(
            "`{t}` is a {} attribute and cannot take {}{hint}",
            def.attr_type(),
            json_type_name(v)
        ),
    )
}

/// At most one value with `primary: true` among values given together.
fn one_primary(values: &[Value], t: &Target<'_>) -> Res<()> {
    if values.iter().filter(|v| is_primary(v)).count() > 1 {
        return fail(
            ScimType::InvalidValue,
            format!("more than one value of `{t}` has primary true (RFC 7643 §2.4)"),
        );
    }
    Ok(())
}

/// Sets `name` in `object`: an existing key keeps its case, a new one takes the
/// canonical name; null removes it. Returns the key and what restores it (see
/// `Change::Sub`).
fn set_key(
    object: &mut Map<String, Value>,
    name: &str,
    v: Value,
    def: Option<&Attribute>,
) -> (String, Option<(usize, Value)>) {
    match key_ci(object, name).map(str::to_owned) {
        Some(k) if v.is_null() => {
            let pos = position(object, &k);
            let prev = object.shift_remove(&k).map(|p| (pos, p));
            (k, prev)
        }
        Some(k) => {
            let prev = object.insert(k.clone(), v).map(|p| (usize::MAX, p));
            (k, prev)
        }
        None if v.is_null() => (name.to_owned(), None),
        None => {
            let k = def.map_or(name, |d| d.name.as_str()).to_owned();
            object.insert(k.clone(), v);
            (k, None)
        }
    }
}

fn container<'r>(res: &'r Resource, ext: &Ext) -> Option<&'r Map<String, Value>> {
    match ext {
        None => Some(res.as_map()),
        Some(key) => res.as_map().get(key)?.as_object(),
    }
}

fn container_mut<'r>(res: &'r mut Resource, ext: &Ext) -> Option<&'r mut Map<String, Value>> {
    match ext {
        None => Some(res.as_map_mut()),
        Some(key) => res.as_map_mut().get_mut(key)?.as_object_mut(),
    }
}

fn current_entry<'r>(res: &'r Resource, t: &Target<'_>) -> Option<(&'r str, &'r Value)> {
    get_ci(container(res, &t.ext)?, t.name)
}

fn current<'r>(res: &'r Resource, t: &Target<'_>) -> Option<&'r Value> {
    current_entry(res, t).map(|(_, v)| v)
}

fn array_mut<'r>(res: &'r mut Resource, ext: &Ext, key: &str) -> &'r mut Vec<Value> {
    container_mut(res, ext)
        .and_then(|m| m.get_mut(key))
        .and_then(Value::as_array_mut)
        .expect("the caller checked the array exists")
}

/// Parses a PATCH path. The common plain forms (`name`, `name.sub`, `urn:...:name.sub`)
/// are split directly; anything else goes through the grammar's parser.
fn parse_path(text: &str) -> Res<Path> {
    if let Some(path) = plain_path(text) {
        return Ok(path);
    }
    Path::parse(text).map_err(|e| Fail {
        scim_type: ScimType::InvalidPath,
        message: e.to_string(),
    })
}

/// `[urn ":"] ATTRNAME ["." ATTRNAME]` without a filter, as [`Path::parse`] reads it.
fn plain_path(text: &str) -> Option<Path> {
    if text
        .bytes()
        .any(|b| matches!(b, b'[' | b']' | b'"' | b' ' | b'(' | b')' | b'\t' | b'\n'))
    {
        return None;
    }
    let (urn, rest) = urn::split_urn(text);
    if urn.is_some_and(|u| u.len() <= 4) {
        return None;
    }
    let (name, sub) = match rest.split_once('.') {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    if !is_attr_name(name) || sub.is_some_and(|s| !is_attr_name(s)) {
        return None;
    }
    Some(Path {
        urn: urn.map(Into::into),
        name: name.into(),
        filter: None,
        sub_attr: sub.map(Into::into),
    })
}

/// True for a path that starts with `schemas` (any case).
fn names_schemas(path: &str) -> bool {
    let p = path.trim_start().as_bytes();
    p.len() >= 7 && p[..7].eq_ignore_ascii_case(b"schemas")
}

fn has_urn_prefix(key: &str) -> bool {
    key.len() > 4 && key.as_bytes()[..4].eq_ignore_ascii_case(b"urn:")
}
