//! Applying a PATCH request (RFC 7644 §3.5.2.1–3); the rules are in the
//! [module documentation](super).

use std::borrow::Cow;
use std::fmt::Display;

use serde_json::{Map, Value};

use super::lenient;
use super::undo::{self, position, Change, Ext, Key, UndoLog};
use super::value::{contains, equal, is_primary, is_unassigned, lookup, same_identity, str_eq};
use super::ApplyOptions;
use crate::error::{Error, Result, ScimType};
use crate::filter::lexer::{ALPHA, CLASS, NAME};
use crate::filter::Filter;
use crate::path::Path;
use crate::resource::{
    entry_ci_mut, get_ci, get_ci_mut, index_ci, json_type_name, key_ci, PatchOp, PatchOpKind,
    PatchOperation, Resource,
};
use crate::schema::{Attribute, AttributeType, Known, Mutability, SchemaRegistry};
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
    run(
        resource,
        patch.operations.iter().map(Cow::Borrowed),
        schemas,
        options,
    )
}

/// Applies `patch` to `resource` as [`apply`] does, taking the request: each
/// operation's value is moved into the resource instead of copied.
///
/// The rules, the atomicity and the errors are exactly [`apply`]'s (one engine does
/// both): on error the resource is exactly as before and the values already moved in
/// are dropped with the rest of the request. This is the call for a service provider
/// that decodes a PATCH request and needs it no more afterwards (as npm scim-patch
/// stores the request's own objects).
///
/// ```
/// use scim_core::{patch, resource::{PatchOp, PatchOperation}, Resource, SchemaRegistry};
/// use serde_json::json;
/// let mut group = Resource::from_value(json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
///     "displayName": "Tour Guides"}))?;
/// let ops = PatchOp::new(vec![PatchOperation::add(
///     Some("members"),
///     json!([{"value": "2819c223-7f76-453a-919d-413861904646"}]),
/// )]);
/// patch::apply_owned(&mut group, ops, SchemaRegistry::core())?;
/// assert_eq!(group.get("members").unwrap().as_array().unwrap().len(), 1);
/// # Ok::<(), scim_core::Error>(())
/// ```
pub fn apply_owned(
    resource: &mut Resource,
    patch: PatchOp,
    schemas: &SchemaRegistry,
) -> Result<()> {
    apply_owned_with(resource, patch, schemas, &ApplyOptions::default())
}

/// [`apply_owned`] with `options` (inbound leniency, see [`apply_with`]).
pub fn apply_owned_with(
    resource: &mut Resource,
    patch: PatchOp,
    schemas: &SchemaRegistry,
    options: &ApplyOptions,
) -> Result<()> {
    run(
        resource,
        patch.operations.into_iter().map(Cow::Owned),
        schemas,
        options,
    )
}

/// The one engine behind [`apply_with`] (operations borrowed: what is stored is copied
/// from the request) and [`apply_owned_with`] (operations owned: what is stored is moved
/// out of it).
fn run<'v>(
    resource: &mut Resource,
    operations: impl Iterator<Item = Cow<'v, PatchOperation>>,
    schemas: &SchemaRegistry,
    options: &ApplyOptions,
) -> Result<()> {
    let mut engine = Engine {
        registry: schemas,
        core: CoreSchemas::default(),
        lenient: options.lenient,
        undo: UndoLog::default(),
    };
    engine.refresh_core(resource);
    for (index, op) in operations.enumerate() {
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
struct Target<'a, 'p> {
    /// The extension object it lives in (`None`: the top level), by its stored key or,
    /// when it does not exist yet, the key it will be created with.
    ext: Ext<'a>,
    /// The schema URN to look its definition up in (`None`: the resource's core schema).
    urn: Option<&'p str>,
    /// The attribute name, as given.
    name: &'p str,
    /// The schema of `urn`, when the registry knows it.
    schema: Option<Known<'a>>,
}

impl Display for Target<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.urn {
            Some(urn) => write!(f, "{urn}:{}", self.name),
            None => f.write_str(self.name),
        }
    }
}

/// What a path designates.
enum Resolved<'a, 'p> {
    /// An attribute (with the path's filter and sub-attribute still to apply).
    Attr(Target<'a, 'p>),
    /// A whole extension object, by the key it has or will have.
    Extension(Key<'a>),
}

/// The core (non-extension) schemas a resource lists that the registry knows, resolved
/// once per request (their spelling in the registry and their position in it): a
/// resource lists one, so up to four are kept inline (no allocation per apply).
#[derive(Default)]
struct CoreSchemas<'a> {
    ids: [&'a str; 4],
    at: [usize; 4],
    len: usize,
    /// All of them, once there are more than four.
    spill_ids: Vec<&'a str>,
    spill_at: Vec<usize>,
}

impl<'a> CoreSchemas<'a> {
    fn clear(&mut self) {
        self.len = 0;
        self.spill_ids.clear();
        self.spill_at.clear();
    }

    fn push(&mut self, id: &'a str, at: usize) {
        if self.len < self.ids.len() {
            self.ids[self.len] = id;
            self.at[self.len] = at;
        } else {
            if self.spill_ids.is_empty() {
                self.spill_ids.extend_from_slice(&self.ids);
                self.spill_at.extend_from_slice(&self.at);
            }
            self.spill_ids.push(id);
            self.spill_at.push(at);
        }
        self.len += 1;
    }

    /// Their URNs, as the registry spells them.
    fn ids(&self) -> &[&'a str] {
        if self.len <= self.ids.len() {
            &self.ids[..self.len]
        } else {
            &self.spill_ids
        }
    }

    /// Their positions in the registry.
    fn positions(&self) -> &[usize] {
        if self.len <= self.at.len() {
            &self.at[..self.len]
        } else {
            &self.spill_at
        }
    }
}

struct Engine<'a> {
    registry: &'a SchemaRegistry,
    /// The core (non-extension) schemas the resource lists that the registry knows:
    /// where top-level attributes are looked up.
    core: CoreSchemas<'a>,
    lenient: bool,
    undo: UndoLog<'a>,
}

impl<'a> Engine<'a> {
    fn refresh_core(&mut self, resource: &Resource) {
        self.core.clear();
        // As `Resource::schemas` reads them (one string tolerated), without its iterator
        // adapters.
        let ids = match get_ci(resource.as_map(), "schemas") {
            Some((_, Value::Array(items))) => items.as_slice(),
            Some((_, one @ Value::String(_))) => std::slice::from_ref(one),
            _ => &[],
        };
        for id in ids.iter().filter_map(Value::as_str) {
            // The enterprise extension, the usual one, needs no registry look-up.
            if id == urn::ENTERPRISE_USER {
                continue;
            }
            match self.registry.known(id) {
                Some(k) if !k.extension => self.core.push(k.id, k.at),
                _ => {}
            }
        }
    }

    fn def(&self, t: &Target<'a, '_>, sub: Option<&str>) -> Option<&'a Attribute> {
        match t.urn {
            Some(_) => self.registry.schema_attribute(t.schema?.at, t.name, sub),
            None => self
                .registry
                .top_level_attribute_in(self.core.positions(), t.name, sub),
        }
    }

    fn operation(&mut self, res: &mut Resource, op: Cow<'_, PatchOperation>) -> Res<()> {
        // A borrowed operation lends its value (copied where it is stored), an owned one
        // gives it (moved).
        let owned;
        let (op, path, value) = match op {
            Cow::Borrowed(o) => (
                &o.op,
                o.path.as_deref(),
                o.value.as_ref().map(Cow::Borrowed),
            ),
            Cow::Owned(PatchOperation {
                op, path, value, ..
            }) => {
                owned = (op, path);
                (&owned.0, owned.1.as_deref(), value.map(Cow::Owned))
            }
        };
        let kind = match op {
            PatchOpKind::Other(s) => match op.normalized() {
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
        let parsed = match path {
            Some(p) if self.lenient && p.trim().is_empty() => None,
            Some(p) => Some(parse_path(p)?),
            None => None,
        };
        let path = parsed.as_ref().map(ParsedPath::view);
        match kind {
            PatchOpKind::Remove => match path {
                // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with
                // HTTP status code 400 and a "scimType" error code of "noTarget"."
                None => fail(
                    ScimType::NoTarget,
                    "remove needs a path (RFC 7644 §3.5.2.2)",
                ),
                Some(path) => self.remove(res, path, value.as_deref()),
            },
            _ => {
                let mode = if kind == PatchOpKind::Add {
                    Mode::Add
                } else {
                    Mode::Replace
                };
                // RFC 7644 §3.5.2.1: "The operation MUST contain a "value" member whose
                // content specifies the value to be added."
                let Some(value) = value else {
                    return fail(ScimType::InvalidValue, format!("`{kind}` needs a value"));
                };
                // A borrowed value is copied where it is stored, once; an owned one is
                // moved there.
                match path {
                    None => self.pathless(res, value, mode),
                    Some(path) => self.set_path(res, path, value, mode),
                }
            }
        }
    }

    // ---- paths -------------------------------------------------------------------

    /// What `path` designates in `res`.
    fn resolve<'p>(&self, res: &Resource, path: PathRef<'p>) -> Res<Resolved<'a, 'p>> {
        let Some(urn) = path.urn else {
            return Ok(Resolved::Attr(Target {
                ext: None,
                urn: None,
                name: path.name,
                schema: None,
            }));
        };
        // The URN's schema is looked up once for the operation.
        let known = self.registry.known(urn);
        // `urn:...:enterprise:2.0:User` parses as URN `urn:...:enterprise:2.0` and name
        // `User`: a whole extension, unless the URN's schema defines such an attribute.
        if path.filter.is_none()
            && path.sub.is_none()
            && known
                .and_then(|k| self.registry.schema_attribute(k.at, path.name, None))
                .is_none()
        {
            let full = path.full_name();
            match self.registry.known(&full) {
                Some(k) if k.extension => {
                    return Ok(Resolved::Extension(self.ext_key(res, &full, Some(k.id))))
                }
                Some(_) => {
                    return fail(
                        ScimType::InvalidPath,
                        format!("`{full}` names a core schema, not an attribute"),
                    )
                }
                None if res.key(&full).is_some() || res.has_schema(&full) => {
                    return Ok(Resolved::Extension(self.ext_key(res, &full, None)))
                }
                None => {}
            }
        }
        let top_level = urn::is_core_resource_schema(urn)
            || match known {
                Some(k) => !k.extension,
                None => res.has_schema(urn) && !urn::is_extension(urn),
            };
        Ok(Resolved::Attr(Target {
            ext: (!top_level).then(|| self.ext_key(res, urn, known.map(|k| k.id))),
            urn: Some(urn),
            name: path.name,
            schema: known,
        }))
    }

    /// The key of the extension object `urn`: the stored one, else the registry's
    /// spelling (`known`), else as given.
    fn ext_key(&self, res: &Resource, urn: &str, known: Option<&'a str>) -> Key<'a> {
        match res.key(urn) {
            Some(stored) => undo::key(stored, known),
            None => known.map_or_else(|| Cow::Owned(urn.to_owned()), Cow::Borrowed),
        }
    }

    // ---- add / replace -----------------------------------------------------------

    /// RFC 7644 §3.5.2.1: "If omitted, the target location is assumed to be the resource
    /// itself. The "value" parameter contains a set of attributes to be added to the
    /// resource." §3.5.2.3: "If the "path" parameter is omitted, the target is assumed
    /// to be the resource itself. In this case, the "value" attribute SHALL contain a
    /// list of one or more attributes that are to be replaced."
    ///
    /// Each attribute's value is stored as it is set (copied when borrowed), not the
    /// object of attributes as a whole, whose keys and index are not kept.
    fn pathless(&mut self, res: &mut Resource, value: Val<'_>, mode: Mode) -> Res<()> {
        let attrs = entries(value).or_else(|value| {
            fail(
                ScimType::InvalidValue,
                format!(
                    "without a path, the value must be an object of attributes, not {}",
                    json_type_name(&value)
                ),
            )
        })?;
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
                self.set_path(res, path.view(), v, mode)?;
            } else {
                let t = Target {
                    ext: None,
                    urn: None,
                    name: &key,
                    schema: None,
                };
                self.set_attr(res, &t, None, None, v, mode)?;
            }
        }
        Ok(())
    }

    /// A URN key of a path-less value: an extension object (RFC 7644 §3.5.2.1's
    /// example), a core schema's attributes, or a URN-qualified attribute name.
    fn pathless_urn_key(
        &mut self,
        res: &mut Resource,
        key: &str,
        v: Val<'_>,
        mode: Mode,
    ) -> Res<()> {
        let known = self.registry.known(key);
        if known.is_some_and(|k| !k.extension) {
            // `{"urn:...:core:2.0:User": {"userName": ...}}`: top-level attributes.
            let Ok(attrs) = entries(v) else {
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
                    schema: known,
                };
                self.set_attr(res, &t, None, None, v, mode)?;
            }
            return Ok(());
        }
        let extension = known.is_some()
            || (self.registry.attribute_at(self.core.ids(), key).is_none()
                && (v.is_object() || res.key(key).is_some() || res.has_schema(key)));
        if extension {
            let ext = self.ext_key(res, key, known.map(|k| k.id));
            self.set_extension(res, ext, v, mode)
        } else {
            let path = parse_path(key)?;
            self.set_path(res, path.view(), v, mode)
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

    fn set_path(
        &mut self,
        res: &mut Resource,
        path: PathRef<'_>,
        value: Val<'_>,
        mode: Mode,
    ) -> Res<()> {
        match self.resolve(res, path)? {
            Resolved::Extension(key) => self.set_extension(res, key, value, mode),
            Resolved::Attr(t) => self.set_attr(res, &t, path.filter, path.sub, value, mode),
        }
    }

    /// Sets the attributes of `value` in the extension object `ext` (created when
    /// needed): a complex target, so attributes not given are left unchanged.
    fn set_extension(
        &mut self,
        res: &mut Resource,
        ext: Key<'a>,
        value: Val<'_>,
        mode: Mode,
    ) -> Res<()> {
        let attrs = entries(value).or_else(|value| {
            fail(
                ScimType::InvalidValue,
                format!(
                    "the extension `{ext}` takes an object of attributes, not {}",
                    json_type_name(&value)
                ),
            )
        })?;
        let schema = self.registry.known(&ext);
        for (name, v) in attrs {
            let t = Target {
                ext: Some(ext.clone()),
                urn: Some(&ext),
                name: &name,
                schema,
            };
            self.set_attr(res, &t, None, None, v, mode)?;
        }
        Ok(())
    }

    fn set_attr(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        filter: Option<&Filter>,
        sub: Option<&str>,
        value: Val<'_>,
        mode: Mode,
    ) -> Res<()> {
        let def = self.def(t, None);
        // What is stored is copied from a borrowed request, once, or moved from an owned
        // one.
        match (filter, sub) {
            (Some(filter), sub) => self.set_filtered(res, t, def, filter, sub, value),
            (None, Some(sub)) => self.set_sub(res, t, def, sub, value.into_owned(), mode),
            (None, None) => {
                if value.is_object()
                    && def.is_none_or(|d| {
                        *d.attr_type() == AttributeType::Complex && !d.is_multi_valued()
                    })
                    && matches!(current(res, t), Some(Value::Object(_)))
                {
                    let Ok(subs) = entries(value) else {
                        unreachable!("checked to be an object")
                    };
                    return self.merge_entries(res, t, def, subs);
                }
                self.set_whole(res, t, def, value.into_owned(), mode)
            }
        }
    }

    /// What `set_whole` does with an object on an existing complex value (prepare it,
    /// then merge it), storing only the sub-attributes' values, not the object that
    /// holds them.
    fn merge_entries(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        subs: Entries<'_>,
    ) -> Res<()> {
        // Every value is prepared (type-checked) before any is merged, as `set_whole`
        // does.
        let prepared = self.prepare_entries(t, def, subs)?;
        self.merge(res, t, def, prepared)
    }

    /// The sub-attributes `subs` of a value of the complex `def`, each prepared
    /// ([`Engine::prepare_sub`]) and named canonically: what [`Engine::prepare`] does to
    /// an object of them, without building the object (its hash table, entry vector and
    /// keys), so that a borrowed request's values are copied once and its keys not at
    /// all.
    fn prepare_entries<'s>(
        &self,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        subs: Entries<'s>,
    ) -> Res<Vec<(Cow<'s, str>, Value)>>
    where
        'a: 's,
    {
        let mut prepared = Vec::with_capacity(subs.len());
        for (k, v) in subs {
            let mut v = v.into_owned();
            let name = match def.and_then(|d| d.sub_attribute(&k)) {
                Some(sd) => {
                    self.prepare_sub(&mut v, sd, &SubName(t, &sd.name))?;
                    Cow::Borrowed(sd.name.as_str())
                }
                None => k,
            };
            prepared.push((name, v));
        }
        Ok(prepared)
    }

    /// `add`/`replace` on `attr`.
    fn set_whole(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
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
        // One look-up, mutable: read for the checks, replaced in place at the end.
        let found = current_entry_mut(res, t);
        let current = found.as_ref().map(|(_, v)| &**v);
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
        match found {
            Some((key, slot)) => {
                self.replace(t, def, key, slot, value);
                if let Some(ext) = &t.ext {
                    // As `put` does (`ensure_extension` on an existing object).
                    self.add_schema(res, ext);
                }
                Ok(())
            }
            None => {
                if let Some(ext) = &t.ext {
                    self.ensure_extension(res, ext)?;
                }
                let map = container_mut(res, &t.ext).expect("ensured above");
                self.create(map, t, def, value);
                Ok(())
            }
        }
    }

    /// RFC 7644 §3.5.2.3: "If the target location specifies a complex attribute, a set
    /// of sub-attributes SHALL be specified in the "value" parameter, which replaces any
    /// existing values or adds where an attribute did not previously exist.
    /// Sub-attributes that are not specified in the "value" parameter are left
    /// unchanged." A null sub-attribute is removed.
    fn merge<K: AsRef<str>>(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        subs: impl IntoIterator<Item = (K, Value)>,
    ) -> Res<()> {
        let Some((key, Value::Object(object))) = current_entry_mut(res, t) else {
            return fail(
                ScimType::InvalidPath,
                format!("`{t}` is not a complex attribute"),
            );
        };
        let key = stored_key(key, def);
        // One pass: a sub-attribute that may not change fails the operation, and the
        // undo log restores the ones changed before it.
        let mut changed = false;
        for (name, v) in subs {
            let name = name.as_ref();
            let cur = lookup(object, name).map(|(_, v)| v);
            let new = (!v.is_null()).then_some(&v);
            if cur.is_none() && new.is_none() {
                continue;
            }
            let sd = def.and_then(|d| d.sub_attribute(name));
            if !self.allow(mutability_def(def, sd), &SubName(t, name), cur, new)? {
                continue;
            }
            let (sub, prev) = set_key(object, name, v, sd);
            self.undo.push(Change::Sub {
                ext: t.ext.clone(),
                key: key.clone(),
                index: None,
                sub,
                prev,
            });
            changed = true;
        }
        if changed && object.is_empty() {
            return self.delete(res, t, def);
        }
        Ok(())
    }

    /// `add`/`replace` on `attr.sub`.
    fn set_sub(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
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
            let subs = Entries::one(sub, Cow::Owned(value));
            return self.set_in_elements(res, t, def, &all, subs);
        }
        match current {
            Some(Value::Object(_))
                if def.is_none_or(|d| *d.attr_type() == AttributeType::Complex) =>
            {
                // What `set_whole` does with `{sub: value}` on an existing complex value
                // (prepare, then merge), without building that object.
                let mut value = value;
                let name = match def.and_then(|d| d.sub_attribute(sub)) {
                    Some(sd) => {
                        if !value.is_null() {
                            self.prepare_sub(&mut value, sd, &SubName(t, &sd.name))?;
                        }
                        sd.name.as_str()
                    }
                    None => sub,
                };
                self.merge(res, t, def, std::iter::once((name, value)))
            }
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
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        filter: &Filter,
        sub: Option<&str>,
        value: Val<'_>,
    ) -> Res<()> {
        let matches = self.matching(res, t, def, filter)?;
        if matches.is_empty() {
            if value.is_null() {
                return Ok(());
            }
            if self.lenient {
                if let Some(mut element) = lenient::element_from_filter(filter) {
                    match (sub, value.into_owned()) {
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
        // The request's value is copied (when borrowed) sub-attribute by sub-attribute,
        // into the selected values only: no object is built to hold them.
        match (sub, value) {
            (Some(sub), v) => self.set_in_elements(res, t, def, &matches, Entries::one(sub, v)),
            (None, v) => match entries(v) {
                Ok(subs) => self.set_in_elements(res, t, def, &matches, subs),
                Err(other) => fail(
                    ScimType::InvalidValue,
                    format!(
                        "a value of `{t}` must be an object, not {}",
                        json_type_name(&other)
                    ),
                ),
            },
        }
    }

    /// Sets sub-attributes in the values at `indices` of the multi-valued `attr`, then
    /// keeps `primary` unique.
    fn set_in_elements<'s>(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        indices: &[usize],
        subs: Entries<'s>,
    ) -> Res<()>
    where
        'a: 's,
    {
        // What `prepare` checks of the object the sub-attributes make up (that `def`
        // takes an object), then each of them.
        if let Some(d) = def {
            check_type(&Value::Object(Map::new()), d, t)?;
        }
        let subs = self.prepare_entries(t, def, subs)?;
        // One look-up of the attribute, for the checks and the changes.
        let Some((key, Value::Array(items))) = current_entry_mut(res, t) else {
            return fail(ScimType::NoTarget, format!("`{t}` has no values"));
        };
        let key = stored_key(key, def);
        // Check every change before making any: `marks` says which sub-attribute of
        // `subs` changes in which of the selected values.
        let mut marks = Marks::new(indices.len(), subs.len());
        for (row, &i) in indices.iter().enumerate() {
            let Some(Value::Object(existing)) = items.get(i) else {
                return fail(
                    ScimType::InvalidPath,
                    format!("value {i} of `{t}` is not complex: it has no sub-attributes"),
                );
            };
            for (col, (name, v)) in subs.iter().enumerate() {
                let cur = lookup(existing, name).map(|(_, v)| v);
                let new = (!v.is_null()).then_some(v);
                if cur.is_none() && new.is_none() {
                    continue;
                }
                if new.is_some_and(|n| cur.is_some_and(|c| c == n)) {
                    continue;
                }
                if self.allow(sub_mutability_def(def, name), &SubName(t, name), cur, new)? {
                    marks.set(row, col);
                }
            }
        }
        // The last value that changes takes the request's values; the others get
        // copies (one filter match, the usual case, copies nothing).
        let Some(last) = (0..indices.len()).rev().find(|&row| marks.any(row)) else {
            return Ok(());
        };
        let mut emptied = Vec::new();
        let mut subs = Some(subs);
        for (row, &i) in indices.iter().enumerate().take(last + 1) {
            if !marks.any(row) {
                continue;
            }
            let object = items[i].as_object_mut().expect("checked to be an object");
            let mut record = |name: &str, v: Value| {
                let (sub, prev) = set_key(object, name, v, def.and_then(|d| d.sub_attribute(name)));
                self.undo.push(Change::Sub {
                    ext: t.ext.clone(),
                    key: key.clone(),
                    index: Some(i),
                    sub,
                    prev,
                });
            };
            if row == last {
                let subs = subs.take().expect("the last value is the last use");
                for (col, (name, v)) in subs.into_iter().enumerate() {
                    if marks.get(row, col) {
                        record(&name, v);
                    }
                }
            } else if let Some(subs) = &subs {
                for (col, (name, v)) in subs.iter().enumerate() {
                    if marks.get(row, col) {
                        record(name, v.clone());
                    }
                }
            }
            if object.is_empty() {
                emptied.push(i);
            }
        }
        let touched = indices
            .iter()
            .enumerate()
            .filter(|&(row, _)| marks.any(row))
            .map(|(_, &i)| i);
        self.fix_primary(items, t, &key, touched, usize::MAX)?;
        if !emptied.is_empty() {
            self.remove_elements(res, t, def, &emptied)?;
        }
        Ok(())
    }

    /// Appends `values` to the multi-valued `attr`, skipping values already present and
    /// merging new details into values with the same identity.
    fn append(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        mut values: Vec<Value>,
    ) -> Res<()> {
        self.check_new_values(&mut values, def, t)?;
        one_primary(&values, t)?;
        // One look-up of the attribute (two when it is created).
        let found = current_entry_mut(res, t);
        let (key, items) = match found {
            Some((key, slot)) => {
                let key = stored_key(key, def);
                if !slot.is_array() {
                    // A single value stored where the schema says multi-valued: make it
                    // a list before appending.
                    let prev = slot.take();
                    *slot = Value::Array(vec![prev.clone()]);
                    self.undo.push(Change::Set {
                        ext: t.ext.clone(),
                        key: key.clone(),
                        prev,
                    });
                }
                let Value::Array(items) = slot else {
                    unreachable!("made an array above")
                };
                (key, items)
            }
            None => {
                self.put(res, t, def, Value::Array(Vec::new()))?;
                let key = stored_key(current_entry(res, t).expect("just created").0, def);
                let items = array_mut(res, &t.ext, &key);
                (key, items)
            }
        };
        let start = items.len();
        // The values merged into existing ones (rare: no allocation otherwise); the
        // appended ones are `start..`.
        let mut merged = Vec::new();
        let mut appended = false;
        let mut values = values.into_iter();
        while let Some(v) = values.next() {
            let Some(same) = find_existing(items, &v, def) else {
                continue;
            };
            if let Some(i) = same {
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
                    merged.push(i);
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
                // Room for this value and the ones after it, at once (at most one
                // reallocation per operation, not one per doubling).
                items.reserve_exact(1 + values.len());
            }
            items.push(v);
        }
        let end = items.len();
        self.fix_primary(items, t, &key, merged.into_iter().chain(start..end), start)
    }

    /// RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than
    /// once." When a value just set has `primary: true`, the others that had it get
    /// `false`. Values at `fresh..` were appended by this operation (their undo is the
    /// append's).
    fn fix_primary(
        &mut self,
        items: &mut [Value],
        t: &Target<'a, '_>,
        key: &Key<'a>,
        touched: impl IntoIterator<Item = usize>,
        fresh: usize,
    ) -> Res<()> {
        let mut primary = None;
        for i in touched {
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
            let slot = get_ci_mut(object, "primary").expect("is_primary checked");
            *slot = Value::Bool(false);
            if j < fresh {
                let k = undo::key(
                    key_ci(object, "primary").expect("is_primary checked"),
                    Some("primary"),
                );
                self.undo.push(Change::Sub {
                    ext: t.ext.clone(),
                    key: key.clone(),
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
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        value: Value,
    ) -> Res<()> {
        if let Some(ext) = &t.ext {
            self.ensure_extension(res, ext)?;
        }
        let map = container_mut(res, &t.ext).expect("ensured above");
        match entry_ci_mut(map, t.name) {
            Some((key, slot)) => self.replace(t, def, key, slot, value),
            None => self.create(map, t, def, value),
        }
        Ok(())
    }

    /// Stores `value` in `slot`, the stored attribute `key` of `t`'s container, logging
    /// the value it replaces.
    fn replace(
        &mut self,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        key: &str,
        slot: &mut Value,
        value: Value,
    ) {
        let prev = std::mem::replace(slot, value);
        self.undo.push(Change::Set {
            ext: t.ext.clone(),
            key: stored_key(key, def),
            prev,
        });
    }

    /// Adds `attr`, absent from `map` (its container), with `value`.
    fn create(
        &mut self,
        map: &mut Map<String, Value>,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        value: Value,
    ) {
        // A new attribute takes the schema's canonical name.
        let key: Key<'a> = match def {
            Some(d) => Cow::Borrowed(d.name.as_str()),
            None => Cow::Owned(t.name.to_owned()),
        };
        map.insert(key.clone().into_owned(), value);
        self.undo.push(Change::Created {
            ext: t.ext.clone(),
            key,
        });
    }

    /// Creates the extension object `ext` if absent, and lists its URN in `schemas`
    /// (DESIGN.md: "creating an extension attribute adds its URN to `schemas`").
    fn ensure_extension(&mut self, res: &mut Resource, ext: &Key<'a>) -> Res<()> {
        match get_ci(res.as_map(), ext).map(|(_, v)| v) {
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
                    .insert(ext.to_string(), Value::Object(Map::new()));
                self.undo.push(Change::Created {
                    ext: None,
                    key: ext.clone(),
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
                key: undo::key(key, Some("schemas")),
                prev: prev.clone(),
            }),
            None => self.undo.push(Change::Created {
                ext: None,
                key: Cow::Borrowed("schemas"),
            }),
        }
    }

    // ---- remove --------------------------------------------------------------------

    /// RFC 7644 §3.5.2.2.
    fn remove(&mut self, res: &mut Resource, path: PathRef<'_>, value: Option<&Value>) -> Res<()> {
        let t = match self.resolve(res, path)? {
            Resolved::Extension(ext) => return self.delete_extension(res, &ext),
            Resolved::Attr(t) => t,
        };
        let def = self.def(&t, None);
        match (path.filter, path.sub) {
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
                        let subs = Entries::one(sub, Cow::Owned(Value::Null));
                        self.set_in_elements(res, &t, def, &matches, subs)
                    }
                    None => {
                        // RFC 7644 §3.5.2.2: "If the target location is a multi-valued
                        // attribute and a complex filter is specified comparing a
                        // "value", the values matched by the filter are removed. If no
                        // other values remain after removal of the selected values, the
                        // multi-valued attribute SHALL be considered unassigned."
                        self.allow_removal(def, &t, res)?;
                        self.remove_elements(res, &t, def, &matches)
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
                        let subs = Entries::one(sub, Cow::Owned(Value::Null));
                        self.set_in_elements(res, &t, def, &all, subs)
                    }
                    Value::Object(_) => self.merge(res, &t, def, [(sub, Value::Null)]),
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
                    self.remove_elements(res, &t, def, &matches)
                }
                _ => self.delete(res, &t, def),
            },
        }
    }

    fn allow_removal(
        &self,
        def: Option<&Attribute>,
        t: &Target<'a, '_>,
        res: &Resource,
    ) -> Res<()> {
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

    /// Removes the values at `indices` (ascending) of the multi-valued `attr`; the
    /// attribute when none is left.
    fn remove_elements(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
        indices: &[usize],
    ) -> Res<()> {
        let Some((key, Value::Array(items))) = current_entry_mut(res, t) else {
            return fail(ScimType::NoTarget, format!("`{t}` has no values"));
        };
        let key = stored_key(key, def);
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
            key,
            items: removed,
        });
        if empty {
            self.delete(res, t, def)?;
        }
        Ok(())
    }

    /// Removes `attr` (nothing when absent); an extension object left empty goes too.
    fn delete(
        &mut self,
        res: &mut Resource,
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
    ) -> Res<()> {
        // One scan finds the attribute and its position (for the undo).
        let Some((pos, key, cur)) = container(res, &t.ext).and_then(|m| index_ci(m, t.name)) else {
            return Ok(());
        };
        if !is_unassigned(cur) && !self.allow(def, t, Some(cur), None)? {
            return Ok(());
        }
        let key = stored_key(key, def);
        let map = container_mut(res, &t.ext).expect("the attribute exists");
        let prev = map.shift_remove(&*key).expect("the attribute exists");
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
    fn delete_extension(&mut self, res: &mut Resource, ext: &Key<'a>) -> Res<()> {
        let Some(stored) = res.key(ext) else {
            self.remove_schema(res, ext);
            return Ok(());
        };
        let key = if stored == &**ext {
            ext.clone()
        } else {
            Cow::Owned(stored.to_owned())
        };
        let map = res.as_map_mut();
        let pos = position(map, &key);
        let prev = map.shift_remove(&*key).expect("found above");
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
        t: &Target<'a, '_>,
        def: Option<&'a Attribute>,
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
        def: Option<&'a Attribute>,
        what: &dyn Display,
        current: Option<&Value>,
        new: Option<&Value>,
    ) -> Res<bool> {
        let Some(def) = def else { return Ok(true) };
        let current = current.filter(|v| !is_unassigned(v));
        // Compared only for the attributes whose mutability needs it (a readWrite
        // attribute's old value may be a whole multi-valued attribute).
        let unchanged = || match (current, new) {
            (Some(c), Some(n)) => equal(c, n, Some(def)),
            (None, None) => true,
            _ => false,
        };
        match def.mutability() {
            // RFC 7643 §2.2: "readOnly The attribute SHALL NOT be modified."
            Mutability::ReadOnly => {
                if unchanged() || (self.lenient && new.is_some()) {
                    Ok(false)
                } else {
                    fail(ScimType::Mutability, format!("`{what}` is readOnly"))
                }
            }
            // RFC 7644 §3.5.2: "a client MAY "add" a value to an "immutable" attribute
            // if the attribute had no previous value."
            Mutability::Immutable => match current {
                None => Ok(new.is_some()),
                Some(_) if unchanged() => Ok(false),
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
            // One definition look-up per sub-attribute; messages name it canonically.
            let mut rename = false;
            for (k, sv) in object.iter_mut() {
                let Some(sd) = def.sub_attribute(k) else {
                    continue;
                };
                rename |= sd.name != *k;
                self.prepare_sub(sv, sd, &SubName(t, &sd.name))?;
            }
            if rename {
                *object = std::mem::take(object)
                    .into_iter()
                    .map(|(k, v)| match def.sub_attribute(&k) {
                        Some(s) => (s.name.clone(), v),
                        None => (k, v),
                    })
                    .collect();
            }
        }
        Ok(())
    }

    /// [`Engine::prepare`] for the value of the sub-attribute `sd` (each of its values,
    /// for a multi-valued one).
    fn prepare_sub(&self, v: &mut Value, sd: &Attribute, name: &dyn Display) -> Res<()> {
        match v {
            Value::Array(items) if sd.is_multi_valued() => items
                .iter_mut()
                .try_for_each(|item| self.prepare(item, Some(sd), name)),
            _ => self.prepare(v, Some(sd), name),
        }
    }

    /// A new complex value may not set read-only sub-attributes (lenient: they are
    /// dropped).
    fn check_new_value(&self, v: &mut Value, def: Option<&Attribute>, t: &dyn Display) -> Res<()> {
        let (Some(def), Value::Object(object)) = (def, v) else {
            return Ok(());
        };
        // Most complex attributes define no read-only sub-attribute: one pass over the
        // definition instead of a look-up per key.
        if !def.sub_attributes().iter().any(Attribute::is_read_only) {
            return Ok(());
        }
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
        def: Option<&'a Attribute>,
        t: &dyn Display,
    ) -> Res<()> {
        values
            .iter_mut()
            .try_for_each(|v| self.check_new_value(v, def, t))
    }
}

/// One flag per (selected value, sub-attribute) pair: the changes an operation makes,
/// decided before any is made. Up to 128 pairs (every request we know of) are kept in
/// one integer.
struct Marks {
    width: usize,
    inline: u128,
    spill: Vec<bool>,
}

impl Marks {
    fn new(rows: usize, width: usize) -> Self {
        let n = rows.saturating_mul(width);
        Marks {
            width,
            inline: 0,
            spill: if n > 128 { vec![false; n] } else { Vec::new() },
        }
    }

    fn set(&mut self, row: usize, col: usize) {
        let at = row * self.width + col;
        match self.spill.get_mut(at) {
            Some(flag) => *flag = true,
            None => self.inline |= 1 << at,
        }
    }

    fn get(&self, row: usize, col: usize) -> bool {
        let at = row * self.width + col;
        match self.spill.get(at) {
            Some(flag) => *flag,
            None => self.inline & (1 << at) != 0,
        }
    }

    fn any(&self, row: usize) -> bool {
        (0..self.width).any(|col| self.get(row, col))
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
    mutability_def(def, def?.sub_attribute(name))
}

/// [`sub_mutability_def`] with the sub-attribute's definition `sd` already looked up.
fn mutability_def<'d>(
    def: Option<&'d Attribute>,
    sd: Option<&'d Attribute>,
) -> Option<&'d Attribute> {
    sd.or_else(|| def.filter(|d| d.is_read_only()))
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

/// Where `v` stands among the values `items` of a multi-valued attribute: `None` when
/// an existing value already holds it ([`contains`]), else the first existing value
/// with its identity ([`same_identity`]), if any. One pass; when `v` has a `value`, an
/// existing value with a different `value` can be neither, so that comparison alone
/// rules it out (a 10,000-member group costs one string comparison per member).
fn find_existing(items: &[Value], v: &Value, def: Option<&Attribute>) -> Option<Option<usize>> {
    let probe = match v {
        Value::Object(o) => {
            lookup(o, "value").map(|(k, vv)| (vv, def.and_then(|d| d.sub_attribute(k))))
        }
        _ => None,
    };
    let mut same = None;
    for (i, e) in items.iter().enumerate() {
        if let Some((vv, value_def)) = probe {
            let Some((_, ev)) = e.as_object().and_then(|o| lookup(o, "value")) else {
                continue;
            };
            // `contains` compares (new, existing) and `same_identity` (existing, new);
            // strings compare the same both ways.
            let differ = match (vv, ev) {
                (Value::String(a), Value::String(b)) => !str_eq(a, b, value_def),
                _ => !(equal(vv, ev, value_def) || equal(ev, vv, value_def)),
            };
            if differ {
                continue;
            }
        }
        if contains(e, v, def) {
            return None;
        }
        if same.is_none() && same_identity(e, v, def) {
            same = Some(i);
        }
    }
    Some(same)
}

/// At most one value with `primary: true` among values given together.
fn one_primary(values: &[Value], t: &Target<'_, '_>) -> Res<()> {
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
fn set_key<'a>(
    object: &mut Map<String, Value>,
    name: &str,
    v: Value,
    def: Option<&'a Attribute>,
) -> (Key<'a>, Option<(usize, Value)>) {
    if v.is_null() {
        return match key_ci(object, name).map(|k| stored_key(k, def)) {
            Some(k) => {
                let pos = position(object, &k);
                let prev = object.shift_remove(&*k).map(|p| (pos, p));
                (k, prev)
            }
            None => (Cow::Owned(name.to_owned()), None),
        };
    }
    match entry_ci_mut(object, name) {
        Some((k, slot)) => {
            let k = stored_key(k, def);
            let prev = Some((usize::MAX, std::mem::replace(slot, v)));
            (k, prev)
        }
        None => {
            let k: Key<'a> = match def {
                Some(d) => Cow::Borrowed(d.name.as_str()),
                None => Cow::Owned(name.to_owned()),
            };
            object.insert(k.clone().into_owned(), v);
            (k, None)
        }
    }
}

/// The stored key `stored` of an attribute defined by `def`, for the undo log.
fn stored_key<'a>(stored: &str, def: Option<&'a Attribute>) -> Key<'a> {
    undo::key(stored, def.map(|d| d.name.as_str()))
}

// `ext` and the keys below are stored keys, which the case-insensitive look-ups find
// exactly (an exact match wins), without hashing.
fn container<'r>(res: &'r Resource, ext: &Ext<'_>) -> Option<&'r Map<String, Value>> {
    match ext {
        None => Some(res.as_map()),
        Some(key) => get_ci(res.as_map(), key)?.1.as_object(),
    }
}

fn container_mut<'r>(res: &'r mut Resource, ext: &Ext<'_>) -> Option<&'r mut Map<String, Value>> {
    match ext {
        None => Some(res.as_map_mut()),
        Some(key) => get_ci_mut(res.as_map_mut(), key)?.as_object_mut(),
    }
}

fn current_entry<'r>(res: &'r Resource, t: &Target<'_, '_>) -> Option<(&'r str, &'r Value)> {
    get_ci(container(res, &t.ext)?, t.name)
}

/// [`current_entry`], mutable: one look-up for the checks and the change.
fn current_entry_mut<'r>(
    res: &'r mut Resource,
    t: &Target<'_, '_>,
) -> Option<(&'r str, &'r mut Value)> {
    entry_ci_mut(container_mut(res, &t.ext)?, t.name)
}

fn current<'r>(res: &'r Resource, t: &Target<'_, '_>) -> Option<&'r Value> {
    current_entry(res, t).map(|(_, v)| v)
}

fn array_mut<'r>(res: &'r mut Resource, ext: &Ext<'_>, key: &str) -> &'r mut Vec<Value> {
    container_mut(res, ext)
        .and_then(|m| get_ci_mut(m, key))
        .and_then(Value::as_array_mut)
        .expect("the caller checked the array exists")
}

/// A PATCH path, borrowed: from the request's text for the plain forms, from a parsed
/// [`Path`] for the others.
#[derive(Clone, Copy)]
struct PathRef<'p> {
    urn: Option<&'p str>,
    name: &'p str,
    filter: Option<&'p Filter>,
    sub: Option<&'p str>,
    /// The whole text of a plain `urn:name` path (no filter, no sub-attribute).
    text: Option<&'p str>,
}

impl PathRef<'_> {
    /// `urn:name` (the path without filter and sub-attribute), as [`Path::full_name`].
    fn full_name(&self) -> Cow<'_, str> {
        match (self.text, self.urn) {
            (Some(text), _) => Cow::Borrowed(text),
            (None, Some(urn)) => Cow::Owned(format!("{urn}:{}", self.name)),
            (None, None) => Cow::Borrowed(self.name),
        }
    }
}

/// A parsed PATCH path: plain forms are not copied out of the request.
enum ParsedPath<'p> {
    Plain(PathRef<'p>),
    Parsed(Path),
}

impl ParsedPath<'_> {
    fn view(&self) -> PathRef<'_> {
        match self {
            ParsedPath::Plain(p) => *p,
            ParsedPath::Parsed(p) => PathRef {
                urn: p.urn.as_deref(),
                name: &p.name,
                filter: p.filter.as_ref(),
                sub: p.sub_attr.as_deref(),
                text: None,
            },
        }
    }
}

/// Parses a PATCH path. The common plain forms (`name`, `name.sub`, `urn:...:name.sub`)
/// are split directly, borrowing the text; anything else goes through the grammar's
/// parser.
fn parse_path(text: &str) -> Res<ParsedPath<'_>> {
    if let Some(path) = plain_path(text) {
        return Ok(ParsedPath::Plain(path));
    }
    Path::parse(text).map(ParsedPath::Parsed).map_err(|e| Fail {
        scim_type: ScimType::InvalidPath,
        message: e.to_string(),
    })
}

/// `[urn ":"] ATTRNAME ["." ATTRNAME]` without a filter, as [`Path::parse`] reads it;
/// `None` sends the text to the parser. One pass over the attribute part.
fn plain_path(text: &str) -> Option<PathRef<'_>> {
    // `urn::split_urn`, for a text without `[` or `"` (a plain path has none: the
    // attribute part is checked below, the URN part here).
    let (urn, rest) = match has_urn_prefix(text).then(|| text.rfind(':')).flatten() {
        Some(i) => (Some(&text[..i]), &text[i + 1..]),
        None => (None, text),
    };
    if let Some(u) = urn {
        // Bytes that only the grammar's parser can judge in a URN-qualified path.
        let odd = |b| matches!(b, b'[' | b']' | b'"' | b' ' | b'(' | b')' | b'\t' | b'\n');
        if u.len() <= 4 || u.bytes().any(odd) {
            return None;
        }
    }
    // RFC 7643 §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA
    // (and `$ref`); at most one "." between the name and the sub-attribute. One table
    // look-up per byte.
    let mut dot = None;
    let mut start = true;
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        let class = CLASS[usize::from(b)];
        let ok = if class & ALPHA != 0 {
            true
        } else if class & NAME != 0 {
            !start
        } else if b == b'.' && dot.is_none() && !start {
            dot = Some(i);
            start = true;
            continue;
        } else {
            b == b'$' && start
        };
        if !ok {
            return None;
        }
        start = false;
    }
    if start {
        // Empty, or ending with ".".
        return None;
    }
    let (name, sub) = match dot {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    Some(PathRef {
        urn,
        name,
        filter: None,
        sub,
        text: sub.is_none().then_some(text),
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

/// An operation's value: borrowed from the request ([`apply_with`]), copied where it
/// is stored, or owned ([`apply_owned_with`]), moved there.
type Val<'v> = Cow<'v, Value>;

/// The entries of an object [`Val`], each as a [`Val`] of its own; or one sub-attribute
/// and its value (`emails[type eq "work"].value`), with no object built around it.
enum Entries<'v> {
    Borrowed(serde_json::map::Iter<'v>),
    Owned(serde_json::map::IntoIter),
    One(Option<(&'v str, Val<'v>)>),
}

impl<'v> Entries<'v> {
    /// The one sub-attribute `name` set to `value`.
    fn one(name: &'v str, value: Val<'v>) -> Self {
        Entries::One(Some((name, value)))
    }
}

impl<'v> Iterator for Entries<'v> {
    type Item = (Cow<'v, str>, Val<'v>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Entries::Borrowed(it) => it
                .next()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v))),
            Entries::Owned(it) => it.next().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))),
            Entries::One(one) => one.take().map(|(k, v)| (Cow::Borrowed(k), v)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Entries::Borrowed(it) => it.size_hint(),
            Entries::Owned(it) => it.size_hint(),
            Entries::One(one) => (usize::from(one.is_some()), Some(usize::from(one.is_some()))),
        }
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// The entries of `value` when it is an object, else `value` back.
fn entries(value: Val<'_>) -> std::result::Result<Entries<'_>, Val<'_>> {
    match value {
        Cow::Borrowed(Value::Object(m)) => Ok(Entries::Borrowed(m.iter())),
        Cow::Owned(Value::Object(m)) => Ok(Entries::Owned(m.into_iter())),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct split of plain paths reads them exactly as the grammar's parser does,
    /// and leaves everything else to it.
    #[test]
    fn plain_paths_split_as_the_parser_reads_them() {
        let plain = [
            "userName",
            "name.givenName",
            "$ref",
            "members.$ref",
            "x-custom_1",
            "urn:ietf:params:scim:schemas:core:2.0:User:userName",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ];
        for text in plain {
            let split = plain_path(text).unwrap_or_else(|| panic!("{text} is plain"));
            let parsed = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(split.urn, parsed.urn.as_deref(), "{text}");
            assert_eq!(split.name, parsed.name, "{text}");
            assert_eq!(split.sub, parsed.sub_attr.as_deref(), "{text}");
            assert!(split.filter.is_none());
            assert_eq!(&*split.full_name(), &*parsed.full_name(), "{text}");
        }
        let not_plain = [
            "",
            ".",
            "name.",
            ".name",
            "name..givenName",
            "name.givenName.x",
            "1name",
            "-name",
            "na$me",
            "emails[type eq \"work\"]",
            "emails[type eq \"work\"].value",
            "user name",
            "urn:",
            "urn:x",
            "urn:a b:name",
            "na(me)",
        ];
        for text in not_plain {
            assert!(plain_path(text).is_none(), "{text} is for the parser");
        }
    }

    /// The change flags read back what was set, inline (up to 128) and spilled alike.
    #[test]
    fn marks_hold_each_flag_inline_and_spilled() {
        for (rows, width) in [(1, 1), (4, 32), (16, 8), (3, 50), (200, 3)] {
            let mut marks = Marks::new(rows, width);
            let set = |r: usize, c: usize| (r * 7 + c * 3) % 5 == 0;
            for r in 0..rows {
                for c in 0..width {
                    if set(r, c) {
                        marks.set(r, c);
                    }
                }
            }
            for r in 0..rows {
                for c in 0..width {
                    assert_eq!(marks.get(r, c), set(r, c), "{rows}x{width} at {r},{c}");
                }
                assert_eq!(marks.any(r), (0..width).any(|c| set(r, c)));
            }
        }
    }
}
