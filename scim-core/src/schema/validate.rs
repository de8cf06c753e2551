//! Validation of a resource against the schemas it lists, and stripping of read-only
//! attributes before a request.
//!
//! Choices, where RFC 7643/7644 leave the client's side open (following what the
//! UnboundID/Ping SCIM 2 SDK's `SchemaChecker` does):
//! - Every problem is reported at once, each with its attribute path (`emails[1].type`,
//!   `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`) and a
//!   kind; the path uses the keys as spelled in the resource.
//! - Attributes no known schema defines are never a problem (DESIGN.md: "Unknown
//!   attributes are treated as case-insensitive strings / plain JSON, never rejected");
//!   a listed schema the registry does not know is a warning (its attributes go unchecked).
//! - RFC 7643 §2.5: "Unassigned attributes, the null value, or empty array (in the case of
//!   a multi-valued attribute) SHALL be considered to be equivalent in "state"": `null`
//!   and `[]` count as absent, for `required` too.
//! - In a request ([`ValidationMode::Create`], [`ValidationMode::Replace`]), `readOnly`
//!   attributes are reported as [`Severity::Info`] — the client strips them
//!   ([`SchemaRegistry::strip_read_only`]) and RFC 7644 §3.5.1 has servers ignore them —
//!   and are never required. In a [`ValidationMode::Response`], attributes that are never
//!   returned (`returned: never`, `writeOnly`) are neither required nor expected.
//! - `canonicalValues` mismatches are warnings only (RFC 7643 §7: "service providers MAY
//!   choose to ignore unsupported values"), compared case-insensitively unless `caseExact`.
//! - `Create` and `Replace` check the same rules: the one rule that tells them apart,
//!   `immutable` (RFC 7644 §3.5.1: on replace, "the input value(s) MUST match"), needs the
//!   stored resource, which the validator does not have.

use std::fmt;

use serde_json::{Map, Value};

use super::{Attribute, AttributeType, Entry, Mutability, Returned, SchemaRegistry};
use crate::resource::{get_ci, json_type_name, Resource};

/// What a resource is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationMode {
    /// The body of a create request (`POST`, RFC 7644 §3.3).
    Create,
    /// The body of a replace request (`PUT`, RFC 7644 §3.5.1).
    Replace,
    /// A resource returned by a service provider.
    Response,
}

impl ValidationMode {
    /// True for the request modes ([`ValidationMode::Create`], [`ValidationMode::Replace`]).
    pub fn is_request(self) -> bool {
        matches!(self, ValidationMode::Create | ValidationMode::Replace)
    }
}

/// How serious an [`Issue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The resource breaks a rule of its schema: a server may reject it.
    Error,
    /// Probably unintended, but allowed (a non-canonical value, an unknown schema).
    Warning,
    /// For information: something the client handles itself (a read-only attribute in a
    /// request, which [`SchemaRegistry::strip_read_only`] removes).
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// The kind of an [`Issue`]; each has a fixed [`Severity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum IssueKind {
    /// `schemas` is absent, empty or not an array of strings (RFC 7643 §3: "schemas ...
    /// REQUIRED"). Error.
    MissingSchemas,
    /// `schemas` lists a schema the registry does not know: its attributes are not
    /// checked. Warning.
    UnknownSchema,
    /// An extension object is present but its URN is not in `schemas` (RFC 7643 §3:
    /// schemas lists "the schema extensions" a resource uses). Error.
    UndeclaredExtension,
    /// A required attribute or sub-attribute is absent, `null` or `[]`. Error.
    MissingRequired,
    /// A value has the wrong JSON type for the attribute's `type` (a number for a string,
    /// a string for a complex attribute). Error.
    WrongType,
    /// A value has the right JSON type but is not valid for the attribute's `type`: a
    /// `dateTime` that is not an `xsd:dateTime`, `binary` that is not base64, an
    /// `integer` with a fraction, a `reference` with spaces. Error.
    InvalidValue,
    /// A single value where the attribute is multi-valued (an array is expected). Error.
    ExpectedMultiValued,
    /// An array where the attribute is single-valued. Error.
    ExpectedSingleValued,
    /// More than one value of a multi-valued attribute has `"primary": true`
    /// (RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than
    /// once."). Error.
    MultiplePrimary,
    /// A value is not one of the attribute's `canonicalValues`. Warning.
    NonCanonicalValue,
    /// A `readOnly` attribute is present in a request; the client strips it. Info.
    ReadOnly,
    /// An attribute that is never returned (`returned: never` or `writeOnly`) is present
    /// in a response. Warning.
    NeverReturned,
}

impl IssueKind {
    /// How serious an issue of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            IssueKind::UnknownSchema | IssueKind::NonCanonicalValue | IssueKind::NeverReturned => {
                Severity::Warning
            }
            IssueKind::ReadOnly => Severity::Info,
            _ => Severity::Error,
        }
    }
}

/// One problem found by [`SchemaRegistry::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The attribute path, e.g. `emails[1].type` or
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
    pub path: String,
    /// What is wrong.
    pub kind: IssueKind,
    /// A human-readable explanation.
    pub message: String,
}

impl Issue {
    /// How serious the issue is.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.severity(), self.path, self.message)
    }
}

/// Everything [`SchemaRegistry::validate`] found, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// Every issue, errors, warnings and infos mixed, in the order found.
    pub issues: Vec<Issue>,
}

impl ValidationReport {
    /// True when no issue is an error (warnings and infos allowed).
    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }

    /// The issues of severity [`Severity::Error`].
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.of(Severity::Error)
    }

    /// The issues of severity [`Severity::Warning`].
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.of(Severity::Warning)
    }

    /// The issues of a given severity.
    pub fn of(&self, severity: Severity) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.severity() == severity)
    }

    /// The issue at `path` (exact spelling) of `kind`, if any.
    pub fn find(&self, path: &str, kind: IssueKind) -> Option<&Issue> {
        self.issues
            .iter()
            .find(|i| i.path == path && i.kind == kind)
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.issues.is_empty() {
            return f.write_str("valid");
        }
        for (n, issue) in self.issues.iter().enumerate() {
            if n > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

impl SchemaRegistry {
    /// Checks `resource` against the schemas it lists and reports every problem at once.
    ///
    /// Checks: `schemas` itself; required attributes and sub-attributes; types (`string`,
    /// `boolean`, `decimal`, `integer`, `dateTime` as `xsd:dateTime`, `binary` as base64,
    /// `reference`, `complex`); single- vs multi-valued; one `primary` at most;
    /// `canonicalValues` (warnings); read-only attributes in requests (infos). Unknown
    /// attributes are not a problem. See the module documentation for the choices made.
    ///
    /// ```
    /// use scim_core::schema::{IssueKind, ValidationMode};
    /// use scim_core::{Resource, SchemaRegistry};
    /// let user = Resource::from_json(r#"{
    ///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    ///     "id": "2819c223",
    ///     "emails": [{"value": "b@example.com", "type": "work"}, {"value": 7}]
    /// }"#)?;
    /// let report = SchemaRegistry::core().validate(&user, ValidationMode::Create);
    /// assert!(!report.is_valid());
    /// assert!(report.find("userName", IssueKind::MissingRequired).is_some());
    /// assert!(report.find("emails[1].value", IssueKind::WrongType).is_some());
    /// assert!(report.find("id", IssueKind::ReadOnly).is_some());
    /// # Ok::<(), scim_core::Error>(())
    /// ```
    pub fn validate(&self, resource: &Resource, mode: ValidationMode) -> ValidationReport {
        let mut v = Validator {
            registry: self,
            mode,
            issues: Vec::new(),
            path: String::new(),
        };
        v.resource(resource.as_map());
        ValidationReport { issues: v.issues }
    }

    /// Removes every `readOnly` attribute (RFC 7643 §2.2: "readOnly The attribute SHALL
    /// NOT be modified") from `resource`, at every level: top-level attributes (`id`,
    /// `meta`, `groups`), sub-attributes (`manager.displayName`), and attributes of
    /// extension objects. `schemas` is never removed. The client calls this before a
    /// create or replace, so a resource read from a server can be sent back as is.
    ///
    /// The schemas used are those `resource` lists and every extension object whose URN
    /// the registry knows. A resource without `schemas` is taken for one of the core
    /// resource types (User first); one whose listed schemas are all unknown loses only
    /// the common read-only attributes (`id`, `meta`), never an attribute that a core
    /// schema happens to define under the same name.
    pub fn strip_read_only(&self, resource: &mut Resource) {
        let listed: Vec<String> = resource.schemas().map(str::to_owned).collect();
        let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
        let knows_core = listed
            .iter()
            .any(|id| self.entry(id).is_some_and(|e| !e.extension));
        let map = resource.as_map_mut();
        let mut remove = Vec::new();
        for (key, value) in map.iter_mut() {
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            if let Some(ext) = self.entry(key).filter(|e| e.extension) {
                if let Value::Object(inner) = value {
                    strip_object(&ext.schema.attributes, inner);
                }
                continue;
            }
            let attr = if listed.is_empty() || knows_core {
                self.top_level_attribute(&listed, key, None)
            } else {
                // Schemas this registry does not know: only the common attributes are
                // known to be read-only; a `groups` of some custom resource is not User's.
                self.common_attribute(key, None)
            };
            match attr {
                Some(attr) if attr.is_read_only() => remove.push(key.clone()),
                Some(attr) => strip_value(attr, value),
                None => {}
            }
        }
        for key in remove {
            map.shift_remove(&key);
        }
    }
}

/// Removes the read-only attributes among `attrs` from `object`, recursively.
fn strip_object(attrs: &[Attribute], object: &mut Map<String, Value>) {
    let mut remove = Vec::new();
    for (key, value) in object.iter_mut() {
        match attrs.iter().find(|a| a.name.eq_ignore_ascii_case(key)) {
            Some(attr) if attr.is_read_only() => remove.push(key.clone()),
            Some(attr) => strip_value(attr, value),
            None => {}
        }
    }
    for key in remove {
        object.shift_remove(&key);
    }
}

/// Removes the read-only sub-attributes of a complex value (or of each of its values).
fn strip_value(attr: &Attribute, value: &mut Value) {
    if attr.sub_attributes().is_empty() {
        return;
    }
    match value {
        Value::Object(object) => strip_object(attr.sub_attributes(), object),
        Value::Array(items) => {
            for item in items {
                if let Value::Object(object) = item {
                    strip_object(attr.sub_attributes(), object);
                }
            }
        }
        _ => {}
    }
}

struct Validator<'r> {
    registry: &'r SchemaRegistry,
    mode: ValidationMode,
    issues: Vec<Issue>,
    /// The path of the value being checked; pushed and truncated as the walk goes.
    path: String,
}

impl<'r> Validator<'r> {
    fn report(&mut self, kind: IssueKind, message: impl Into<String>) {
        self.issues.push(Issue {
            path: self.path.clone(),
            kind,
            message: message.into(),
        });
    }

    /// Runs `f` with `segment` appended to the path (`sep` before it unless at the root).
    fn at(&mut self, sep: &str, segment: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        if len > 0 {
            self.path.push_str(sep);
        }
        self.path.push_str(segment);
        f(self);
        self.path.truncate(len);
    }

    fn resource(&mut self, map: &Map<String, Value>) {
        let listed = self.schemas(map);
        let registry = self.registry;
        let mut core: Vec<&'r Entry> = Vec::new();
        let mut extensions: Vec<&'r Entry> = Vec::new();
        for urn in &listed {
            match registry.entry(urn) {
                Some(e) if e.extension => extensions.push(e),
                Some(e) => core.push(e),
                None => self.at("", "schemas", |v| {
                    v.report(
                        IssueKind::UnknownSchema,
                        format!("schema `{urn}` is unknown: its attributes are not checked"),
                    )
                }),
            }
        }

        for (key, value) in map {
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            if let Some(ext) = registry.entry(key).filter(|e| e.extension) {
                self.at("", key, |v| v.extension(ext, &listed, value));
                continue;
            }
            let attr = core
                .iter()
                .find_map(|e| e.lookup(key, None))
                .or_else(|| registry.common_attribute(key, None));
            if let Some(attr) = attr {
                self.at("", key, |v| v.value(attr, value));
            }
        }

        for entry in &core {
            self.required(&entry.schema.attributes, map, ".");
        }
        for ext in &extensions {
            if let Some((key, Value::Object(object))) = get_ci(map, &ext.schema.id) {
                self.at("", key, |v| v.required(&ext.schema.attributes, object, ":"));
            }
        }
    }

    /// Checks `schemas` and returns the URNs it lists.
    fn schemas<'a>(&mut self, map: &'a Map<String, Value>) -> Vec<&'a str> {
        let Some((key, value)) = get_ci(map, "schemas") else {
            self.at("", "schemas", |v| {
                v.report(IssueKind::MissingSchemas, "`schemas` is required")
            });
            return Vec::new();
        };
        let mut urns = Vec::new();
        self.at("", key, |v| match value {
            Value::Array(items) if items.is_empty() => {
                v.report(IssueKind::MissingSchemas, "`schemas` is empty")
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => urns.push(s.as_str()),
                        other => v.at("", &format!("[{i}]"), |v| {
                            v.report(
                                IssueKind::WrongType,
                                format!("expected a schema URI, found {}", json_type_name(other)),
                            )
                        }),
                    }
                }
            }
            Value::String(s) => {
                urns.push(s.as_str());
                v.report(
                    IssueKind::ExpectedMultiValued,
                    "`schemas` must be an array of URIs, found a single string",
                );
            }
            other => v.report(
                IssueKind::MissingSchemas,
                format!(
                    "`schemas` must be an array of URIs, found {}",
                    json_type_name(other)
                ),
            ),
        });
        urns
    }

    /// Checks an extension object (`value`) against its schema.
    fn extension(&mut self, ext: &Entry, listed: &[&str], value: &Value) {
        if !listed
            .iter()
            .any(|u| u.eq_ignore_ascii_case(&ext.schema.id))
        {
            self.report(
                IssueKind::UndeclaredExtension,
                format!("extension `{}` is not listed in `schemas`", ext.schema.id),
            );
        }
        match value {
            Value::Null => {}
            Value::Object(object) => {
                for (key, value) in object {
                    if let Some(attr) = ext.lookup(key, None) {
                        self.at(":", key, |v| v.value(attr, value));
                    }
                }
            }
            other => self.report(
                IssueKind::WrongType,
                format!(
                    "expected an extension object, found {}",
                    json_type_name(other)
                ),
            ),
        }
    }

    /// Reports the required attributes among `attrs` that `object` lacks.
    fn required(&mut self, attrs: &[Attribute], object: &Map<String, Value>, sep: &str) {
        for attr in attrs {
            if !self.is_required(attr) {
                continue;
            }
            let present = get_ci(object, &attr.name).is_some_and(|(_, v)| !is_unassigned(v));
            if !present {
                self.at(sep, &attr.name, |v| {
                    v.report(
                        IssueKind::MissingRequired,
                        format!("`{}` is required", attr.name),
                    )
                });
            }
        }
    }

    /// Whether a required attribute must be present in this mode.
    fn is_required(&self, attr: &Attribute) -> bool {
        attr.is_required()
            && match self.mode {
                ValidationMode::Create | ValidationMode::Replace => !attr.is_read_only(),
                ValidationMode::Response => !is_never_returned(attr),
            }
    }

    /// Checks the value of an attribute (single- or multi-valued).
    fn value(&mut self, attr: &Attribute, value: &Value) {
        if is_unassigned(value) {
            return;
        }
        if self.mode.is_request() && attr.is_read_only() {
            let message = format!("`{}` is read-only: the client strips it", attr.name);
            return self.report(IssueKind::ReadOnly, message);
        }
        if self.mode == ValidationMode::Response && is_never_returned(attr) {
            let message = format!("`{}` is never returned by a service provider", attr.name);
            return self.report(IssueKind::NeverReturned, message);
        }
        match (attr.is_multi_valued(), value) {
            (true, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.at("", &format!("[{i}]"), |v| v.single(attr, item));
                }
                self.primary(items);
            }
            (true, _) => self.report(
                IssueKind::ExpectedMultiValued,
                format!(
                    "`{}` is multi-valued: expected an array, found {}",
                    attr.name,
                    json_type_name(value)
                ),
            ),
            (false, Value::Array(_)) => self.report(
                IssueKind::ExpectedSingleValued,
                format!(
                    "`{}` is single-valued: expected one value, found an array",
                    attr.name
                ),
            ),
            (false, _) => self.single(attr, value),
        }
    }

    /// RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once."
    fn primary(&mut self, items: &[Value]) {
        let primaries = items
            .iter()
            .filter(|item| {
                item.as_object()
                    .and_then(|o| get_ci(o, "primary"))
                    .is_some_and(|(_, p)| p == &Value::Bool(true))
            })
            .count();
        if primaries > 1 {
            self.report(
                IssueKind::MultiplePrimary,
                format!("{primaries} values have \"primary\": true; at most one may"),
            );
        }
    }

    /// Checks one value against the attribute's type.
    fn single(&mut self, attr: &Attribute, value: &Value) {
        let expected = match (attr.attr_type(), value) {
            (AttributeType::String, Value::String(_)) => None,
            (AttributeType::String, _) => Some("a string"),
            (AttributeType::Boolean, Value::Bool(_)) => None,
            (AttributeType::Boolean, _) => Some("a boolean"),
            (AttributeType::Decimal, Value::Number(_)) => None,
            (AttributeType::Decimal, _) => Some("a number"),
            (AttributeType::Integer, Value::Number(n)) => {
                if !(n.is_i64() || n.is_u64()) {
                    // RFC 7643 §2.3.4: "A decimal number with no fractional digits."
                    self.report(
                        IssueKind::InvalidValue,
                        format!("expected an integer, found {n}"),
                    );
                }
                None
            }
            (AttributeType::Integer, _) => Some("an integer"),
            (AttributeType::DateTime, Value::String(s)) => {
                if !is_xsd_date_time(s) {
                    // RFC 7643 §2.3.5: "MUST be encoded as a valid xsd:dateTime".
                    self.report(
                        IssueKind::InvalidValue,
                        format!("`{s}` is not an xsd:dateTime (e.g. 2008-01-23T04:56:22Z)"),
                    );
                }
                None
            }
            (AttributeType::DateTime, _) => Some("a dateTime string"),
            (AttributeType::Binary, Value::String(s)) => {
                if !is_base64(s) {
                    // RFC 7643 §2.3.6: "The attribute value MUST be base64 encoded".
                    self.report(IssueKind::InvalidValue, "not valid base64 (RFC 4648)");
                }
                None
            }
            (AttributeType::Binary, _) => Some("a base64 string"),
            (AttributeType::Reference, Value::String(s)) => {
                if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    // RFC 7643 §2.3.7: "A URI for a resource" (RFC 3986 forbids spaces).
                    self.report(
                        IssueKind::InvalidValue,
                        format!("`{s}` is not a URI reference"),
                    );
                }
                None
            }
            (AttributeType::Reference, _) => Some("a URI string"),
            (AttributeType::Complex, Value::Object(object)) => {
                self.complex(attr, object);
                None
            }
            (AttributeType::Complex, _) => Some("an object"),
            // A type this library does not know: anything goes.
            _ => None,
        };
        if let Some(expected) = expected {
            let message = format!("expected {expected}, found {}", json_type_name(value));
            return self.report(IssueKind::WrongType, message);
        }
        self.canonical(attr, value);
    }

    fn complex(&mut self, attr: &Attribute, object: &Map<String, Value>) {
        for (key, value) in object {
            if let Some(sub) = attr.sub_attribute(key) {
                self.at(".", key, |v| v.value(sub, value));
            }
        }
        self.required(attr.sub_attributes(), object, ".");
    }

    /// Warns when a value is not one of the attribute's `canonicalValues`.
    fn canonical(&mut self, attr: &Attribute, value: &Value) {
        let Some(canonical) = attr.canonical_values.as_deref().filter(|c| !c.is_empty()) else {
            return;
        };
        let matches = |c: &Value| match (c, value) {
            (Value::String(c), Value::String(s)) if !attr.is_case_exact() => {
                c.eq_ignore_ascii_case(s)
            }
            _ => c == value,
        };
        if !canonical.iter().any(matches) {
            let list: Vec<String> = canonical.iter().map(Value::to_string).collect();
            self.report(
                IssueKind::NonCanonicalValue,
                format!(
                    "{value} is not one of the canonical values {}",
                    list.join(", ")
                ),
            );
        }
    }
}

/// RFC 7643 §2.5: null and `[]` are the same as absent.
fn is_unassigned(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// True for an attribute a service provider never returns.
fn is_never_returned(attr: &Attribute) -> bool {
    *attr.returned() == Returned::Never || *attr.mutability() == Mutability::WriteOnly
}

/// True for an `xsd:dateTime` (XML Schema 1.1 Part 2 §3.3.7):
/// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?`, with the date and time in range.
pub(crate) fn is_xsd_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let year_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let year_digits = &s[year_start..i];
    // At least four digits, and no leading zero beyond four.
    if year_digits.len() < 4
        || year_digits.len() > 9
        || (year_digits.len() > 4 && year_digits.starts_with('0'))
    {
        return false;
    }
    let Ok(year) = year_digits.parse::<u32>() else {
        return false;
    };
    let two = |at: usize| -> Option<u32> {
        let d = b.get(at..at + 2)?;
        (d[0].is_ascii_digit() && d[1].is_ascii_digit())
            .then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
    };
    let lit = |at: usize, c: u8| b.get(at) == Some(&c);
    let (Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (two(i + 1), two(i + 4), two(i + 7), two(i + 10), two(i + 13))
    else {
        return false;
    };
    if !(lit(i, b'-')
        && lit(i + 3, b'-')
        && lit(i + 6, b'T')
        && lit(i + 9, b':')
        && lit(i + 12, b':'))
    {
        return false;
    }
    i += 15;
    let mut fraction_is_zero = true;
    if lit(i, b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            fraction_is_zero &= b[i] == b'0';
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    // "24:00:00" is the end of the day (XML Schema allows it).
    let end_of_day = hour == 24 && minute == 0 && second == 0 && fraction_is_zero;
    if day == 0 || day > days || (hour > 23 && !end_of_day) || minute > 59 || second > 59 {
        return false;
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => match (two(i + 1), lit(i + 3, b':'), two(i + 4)) {
            (Some(h), true, Some(m)) => {
                i + 6 == b.len() && m <= 59 && (h < 14 || (h == 14 && m == 0))
            }
            _ => false,
        },
        Some(_) => false,
    }
}

/// True for base64 (RFC 4648 §4, or the URL-safe alphabet of §5), padded or not.
pub(crate) fn is_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    let padding = s.len() - body.len();
    let standard = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let url_safe = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let alphabet_ok = body.bytes().all(standard) || body.bytes().all(url_safe);
    let length_ok = if padding > 0 {
        padding <= 2 && s.len() % 4 == 0
    } else {
        body.len() % 4 != 1
    };
    alphabet_ok && length_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_date_time_accepts_the_lexical_space() {
        for ok in [
            "2008-01-23T04:56:22Z",
            "2011-05-13T04:42:34Z",
            "2010-01-23T04:56:22.123456+01:00",
            "2010-01-23T04:56:22",
            "-0044-03-15T12:00:00-14:00",
            "12010-01-23T04:56:22Z",
            "2000-02-29T24:00:00Z",
        ] {
            assert!(is_xsd_date_time(ok), "{ok}");
        }
        for bad in [
            "",
            "2008-01-23",
            "2008-01-23 04:56:22Z",
            "2008-1-23T04:56:22Z",
            "2008-01-23T04:56:22z",
            "2008-13-23T04:56:22Z",
            "2019-02-29T04:56:22Z",
            "1900-02-29T04:56:22Z",
            "2008-01-23T04:60:22Z",
            "2008-01-23T24:00:01Z",
            "2008-01-23T04:56:22.Z",
            "2008-01-23T04:56:22+15:00",
            "2008-01-23T04:56:22+0100",
            "02008-01-23T04:56:22Z",
            "2008-01-23T04:56:22Zjunk",
            "208-01-23T04:56:22Z",
        ] {
            assert!(!is_xsd_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn base64_accepts_both_alphabets_and_checks_length() {
        for ok in ["", "TWFu", "TWE=", "TQ==", "TWE", "a-_b", "+/+/"] {
            assert!(is_base64(ok), "{ok}");
        }
        for bad in ["T", "TQ=", "TQ===", "T W F u", "+-ab", "TWFu\n", "é"] {
            assert!(!is_base64(bad), "{bad}");
        }
    }
}
