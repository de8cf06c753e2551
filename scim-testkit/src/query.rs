//! List and search requests (RFC 7644 §3.4.2, §3.4.3): their parameters, the ordered
//! result set (filtered, sorted), and the caches that make paging through 100,000
//! resources cost O(page) per page — results cached per query and store generation,
//! cursors (RFC 9865) that hold a snapshot of the result set.

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scim_core::{SchemaRegistry, ScimType};
use serde_json::{Map, Value};

use crate::projection::split_list;
use crate::reply::{ScimError, ScimResult};
use crate::store::{Kind, Ref};

/// Where a query looks: one resource type, or every type (a query at the root,
/// RFC 7644 §3.4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scope {
    One(Kind),
    All,
}

impl Scope {
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Scope::One(Kind::User) => &[Kind::User],
            Scope::One(Kind::Group) => &[Kind::Group],
            Scope::All => &[Kind::User, Kind::Group],
        }
    }
}

/// The parameters of a list (GET) or search (POST `.search`) request.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ListParams {
    pub filter: Option<String>,
    pub sort_by: Option<String>,
    pub descending: bool,
    pub start_index: Option<usize>,
    /// `None`: the default page size. Negative values are already clamped to 0.
    pub count: Option<usize>,
    /// `Some("")` asks for the first page of a cursor-paginated query (RFC 9865 §2).
    pub cursor: Option<String>,
    pub attributes: Vec<String>,
    pub excluded: Vec<String>,
}

impl ListParams {
    /// From a query string's pairs. Parameter names are matched case-insensitively.
    pub fn from_query(query: &[(String, String)]) -> ScimResult<ListParams> {
        let mut p = ListParams::default();
        for (key, value) in query {
            match key.to_ascii_lowercase().as_str() {
                "filter" => p.filter = Some(value.clone()),
                "sortby" => p.sort_by = Some(value.clone()).filter(|s| !s.is_empty()),
                "sortorder" => p.descending = parse_sort_order(value)?,
                "startindex" => p.start_index = Some(parse_start_index(value)?),
                "count" => p.count = Some(parse_count(value)?),
                "cursor" => p.cursor = Some(value.clone()),
                "attributes" => p.attributes = split_list(value),
                "excludedattributes" => p.excluded = split_list(value),
                _ => {}
            }
        }
        p.check_cursor()?;
        Ok(p)
    }

    /// From a SearchRequest body (RFC 7644 §3.4.3). Numbers may also be sent as strings,
    /// and attribute lists as comma-separated strings.
    pub fn from_search(body: &Map<String, Value>) -> ScimResult<ListParams> {
        let mut p = ListParams::default();
        for (key, value) in body {
            let text = || -> ScimResult<String> {
                match value {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    other => Err(ScimError::bad(
                        ScimType::InvalidSyntax,
                        format!("{key} must be a string or a number, found {other}"),
                    )),
                }
            };
            let list = || -> ScimResult<Vec<String>> {
                match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| {
                            i.as_str().map(str::to_owned).ok_or_else(|| {
                                ScimError::bad(
                                    ScimType::InvalidSyntax,
                                    format!("{key} must list strings"),
                                )
                            })
                        })
                        .collect(),
                    Value::String(s) => Ok(split_list(s)),
                    _ => Err(ScimError::bad(
                        ScimType::InvalidSyntax,
                        format!("{key} must be an array of strings"),
                    )),
                }
            };
            if value.is_null() {
                continue;
            }
            match key.to_ascii_lowercase().as_str() {
                "filter" => p.filter = Some(text()?),
                "sortby" => p.sort_by = Some(text()?).filter(|s| !s.is_empty()),
                "sortorder" => p.descending = parse_sort_order(&text()?)?,
                "startindex" => p.start_index = Some(parse_start_index(&text()?)?),
                "count" => p.count = Some(parse_count(&text()?)?),
                "cursor" => p.cursor = Some(text()?),
                "attributes" => p.attributes = list()?,
                "excludedattributes" => p.excluded = list()?,
                _ => {}
            }
        }
        p.check_cursor()?;
        Ok(p)
    }

    fn check_cursor(&self) -> ScimResult<()> {
        // RFC 9865 §2: the cursor "may only contain characters from the unreserved
        // characters set defined in section 2.2 of [RFC3986]".
        if let Some(c) = &self.cursor {
            if !c
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
            {
                return Err(invalid_cursor(
                    "the cursor holds characters outside RFC 3986's unreserved set",
                ));
            }
        }
        Ok(())
    }

    /// The part of the request that identifies the result set (not the page).
    pub fn key(&self, scope: Scope) -> QueryKey {
        QueryKey {
            scope,
            filter: self.filter.clone().filter(|f| !f.trim().is_empty()),
            sort_by: self.sort_by.clone(),
            descending: self.descending,
        }
    }
}

/// RFC 7644 §3.4.2.3: "Allowed values are "ascending" and "descending"."
fn parse_sort_order(value: &str) -> ScimResult<bool> {
    match value.to_ascii_lowercase().as_str() {
        "" | "ascending" => Ok(false),
        "descending" => Ok(true),
        _ => Err(ScimError::bad(
            ScimType::InvalidValue,
            format!("sortOrder must be \"ascending\" or \"descending\", not {value:?}"),
        )),
    }
}

/// RFC 7644 §3.4.2.4: "A value less than 1 SHALL be interpreted as 1."
fn parse_start_index(value: &str) -> ScimResult<usize> {
    let n: i64 = value.trim().parse().map_err(|_| {
        ScimError::bad(
            ScimType::InvalidValue,
            format!("startIndex must be an integer, not {value:?}"),
        )
    })?;
    Ok(usize::try_from(n.max(1)).unwrap_or(usize::MAX))
}

/// RFC 7644 §3.4.2.4: "A negative value SHALL be interpreted as "0"."
fn parse_count(value: &str) -> ScimResult<usize> {
    let n: i64 = value.trim().parse().map_err(|_| {
        // RFC 9865 §2.1: "invalidCount: Count value is invalid."
        ScimError::bad(
            ScimType::Other("invalidCount".into()),
            format!("count must be an integer, not {value:?}"),
        )
    })?;
    Ok(usize::try_from(n.max(0)).unwrap_or(usize::MAX))
}

/// RFC 9865 §2.1: "invalidCursor: Cursor value is invalid."
pub(crate) fn invalid_cursor(detail: &str) -> ScimError {
    ScimError::bad(ScimType::Other("invalidCursor".into()), detail)
}

/// RFC 9865 §2.1: "expiredCursor: Cursor has expired."
pub(crate) fn expired_cursor() -> ScimError {
    ScimError::bad(
        ScimType::Other("expiredCursor".into()),
        "the cursor has expired or is unknown; start again with an empty cursor",
    )
}

/// What identifies a result set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct QueryKey {
    pub scope: Scope,
    pub filter: Option<String>,
    pub sort_by: Option<String>,
    pub descending: bool,
}

/// Result sets of recent queries, valid for one store generation: paging through a
/// filtered or sorted query evaluates it once, not once per page.
#[derive(Debug, Default)]
pub(crate) struct ResultCache {
    entries: VecDeque<(QueryKey, u64, Arc<Vec<Ref>>)>,
}

const RESULT_CACHE_SIZE: usize = 16;

impl ResultCache {
    pub fn get(&self, key: &QueryKey, generation: u64) -> Option<Arc<Vec<Ref>>> {
        self.entries
            .iter()
            .find(|(k, g, _)| *g == generation && k == key)
            .map(|(_, _, r)| Arc::clone(r))
    }

    pub fn put(&mut self, key: QueryKey, generation: u64, results: Arc<Vec<Ref>>) {
        self.entries.retain(|(_, g, _)| *g == generation);
        if self.entries.len() >= RESULT_CACHE_SIZE {
            self.entries.pop_front();
        }
        self.entries.push_back((key, generation, results));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Open cursors (RFC 9865): each holds the result set of its query as of its first page,
/// so paging is stable while resources are added (resources deleted meanwhile are
/// skipped). A cursor's text is `<token>.<offset>` in hex: unreserved characters only.
#[derive(Debug, Default)]
pub(crate) struct CursorTable {
    entries: HashMap<u64, CursorEntry>,
}

#[derive(Debug)]
struct CursorEntry {
    key: QueryKey,
    results: Arc<Vec<Ref>>,
    expires: Instant,
}

/// At most this many cursors are open; opening another drops the expired ones, then the
/// one closest to expiry.
const MAX_CURSORS: usize = 1024;

impl CursorTable {
    /// Opens a cursor on a result set; returns its token.
    pub fn open(&mut self, key: QueryKey, results: Arc<Vec<Ref>>, timeout: Duration) -> u64 {
        let now = Instant::now();
        if self.entries.len() >= MAX_CURSORS {
            self.entries.retain(|_, e| e.expires > now);
            if self.entries.len() >= MAX_CURSORS {
                if let Some(oldest) = self
                    .entries
                    .iter()
                    .min_by_key(|(_, e)| e.expires)
                    .map(|(t, _)| *t)
                {
                    self.entries.remove(&oldest);
                }
            }
        }
        let mut token = uuid::Uuid::new_v4().as_u64_pair().0;
        while self.entries.contains_key(&token) {
            token = token.wrapping_add(1);
        }
        self.entries.insert(
            token,
            CursorEntry {
                key,
                results,
                expires: now + timeout,
            },
        );
        token
    }

    /// The result set of the cursor `text` for the query `key`, and the offset it points
    /// at; renews the cursor's lifetime.
    pub fn resume(
        &mut self,
        text: &str,
        key: &QueryKey,
        timeout: Duration,
    ) -> ScimResult<(u64, Arc<Vec<Ref>>, usize)> {
        let (token, offset) = parse_cursor(text)
            .ok_or_else(|| invalid_cursor("the cursor was not issued by this server"))?;
        let now = Instant::now();
        let entry = match self.entries.get_mut(&token) {
            Some(e) if e.expires > now => e,
            Some(_) => {
                self.entries.remove(&token);
                return Err(expired_cursor());
            }
            None => return Err(expired_cursor()),
        };
        // RFC 9865 §2: the client "MUST query the same service provider endpoint with all
        // query parameters and values being identical to the initial query with the
        // exception of the cursor value".
        if entry.key != *key {
            return Err(invalid_cursor("the cursor belongs to a different query (filter, sortBy, sortOrder or endpoint changed)"));
        }
        if offset > entry.results.len() {
            return Err(invalid_cursor(
                "the cursor points past the end of its result set",
            ));
        }
        entry.expires = now + timeout;
        Ok((token, Arc::clone(&entry.results), offset))
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// The text of a cursor.
pub(crate) fn format_cursor(token: u64, offset: usize) -> String {
    format!("{token:x}.{offset:x}")
}

fn parse_cursor(text: &str) -> Option<(u64, usize)> {
    let (token, offset) = text.split_once('.')?;
    Some((
        u64::from_str_radix(token, 16).ok()?,
        usize::from_str_radix(offset, 16).ok()?,
    ))
}

/// A value to sort by (RFC 7644 §3.4.2.3).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SortKey {
    Bool(bool),
    Number(f64),
    Time(i128),
    Text(String),
}

impl SortKey {
    fn rank(&self) -> u8 {
        match self {
            SortKey::Bool(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Time(_) => 2,
            SortKey::Text(_) => 3,
        }
    }

    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Bool(a), SortKey::Bool(b)) => a.cmp(b),
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Time(a), SortKey::Time(b)) => a.cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// The sort key of a resource for `sort_by`.
///
/// RFC 7644 §3.4.2.3: "if it's a multi-valued attribute, resources are sorted by the
/// value of the primary attribute ..., if any, or else the first value in the list, if
/// any. If the attribute is complex, the attribute name must be a path to a
/// sub-attribute". Strings compare case-insensitively unless the schema says
/// `caseExact`; `dateTime` values compare as instants.
pub(crate) fn sort_key(
    resource: &Map<String, Value>,
    schema: &str,
    sort_by: &str,
    registry: &SchemaRegistry,
) -> Option<SortKey> {
    let (urn, rest) = scim_core::urn::split_urn(sort_by);
    let (name, sub) = match rest.split_once('.') {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    let container = match urn {
        Some(u) if !u.eq_ignore_ascii_case(schema) => resource
            .get(&crate::projection::find_key(resource, u)?)?
            .as_object()?,
        _ => resource,
    };
    let mut value = container.get(&crate::projection::find_key(container, name)?)?;
    if let Value::Array(items) = value {
        value = items
            .iter()
            .find(|i| {
                i.as_object()
                    .and_then(|o| o.get(&crate::projection::find_key(o, "primary")?))
                    .and_then(Value::as_bool)
                    == Some(true)
            })
            .or_else(|| items.first())?;
    }
    let value = match (value, sub) {
        (Value::Object(o), Some(sub)) => o.get(&crate::projection::find_key(o, sub)?)?,
        (Value::Object(o), None) => o.get(&crate::projection::find_key(o, "value")?)?,
        (v, _) => v,
    };
    let attr = registry.attribute_at(&[schema], sort_by);
    let case_exact = attr.is_some_and(|a| a.is_case_exact());
    // `meta.created` and other attributes the registry may not define are compared as
    // instants when they look like dateTimes (as scim-core's filter evaluation does):
    // RFC 3339 text with fractions of different lengths does not sort as text.
    let is_time = match attr {
        Some(a) => *a.attr_type() == scim_core::schema::AttributeType::DateTime,
        None => true,
    };
    match value {
        Value::Bool(b) => Some(SortKey::Bool(*b)),
        Value::Number(n) => n.as_f64().map(SortKey::Number),
        Value::String(s) => {
            if is_time {
                if let Ok(t) =
                    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                {
                    return Some(SortKey::Time(t.unix_timestamp_nanos()));
                }
            }
            Some(SortKey::Text(if case_exact {
                s.clone()
            } else {
                s.to_lowercase()
            }))
        }
        _ => None,
    }
}

/// Sorts references by their keys. RFC 7644 §3.4.2.3: resources without a value "are
/// sorted via the "sortOrder" parameter, i.e., they are ordered last if ascending and
/// first if descending". Ties keep creation order.
pub(crate) fn sort_refs(mut keyed: Vec<(Option<SortKey>, Ref)>, descending: bool) -> Vec<Ref> {
    keyed.sort_by(|(a, ra), (b, rb)| {
        let by_key = match (a, b) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let by_key = if descending { by_key.reverse() } else { by_key };
        by_key.then(ra.cmp(rb))
    });
    keyed.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim_core::urn;
    use serde_json::json;

    #[test]
    fn query_parameters_follow_rfc7644_3_4_2_4() {
        let q = |pairs: &[(&str, &str)]| {
            ListParams::from_query(
                &pairs
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        let p = q(&[
            ("startIndex", "0"),
            ("COUNT", "-5"),
            ("sortOrder", "DESCENDING"),
        ])
        .unwrap();
        assert_eq!(
            (p.start_index, p.count, p.descending),
            (Some(1), Some(0), true)
        );
        let e = q(&[("count", "ten")]).unwrap_err();
        assert_eq!(e.scim_type.unwrap().as_str(), "invalidCount");
        assert_eq!(q(&[("startIndex", "x")]).unwrap_err().status, 400);
        assert_eq!(
            q(&[("sortOrder", "up")]).unwrap_err().scim_type,
            Some(ScimType::InvalidValue)
        );
        assert!(q(&[("cursor", "a b")]).is_err());
        let p = q(&[("cursor", ""), ("attributes", "userName, name.givenName")]).unwrap();
        assert_eq!(p.cursor.as_deref(), Some(""));
        assert_eq!(p.attributes, ["userName", "name.givenName"]);
    }

    #[test]
    fn search_bodies_accept_numbers_as_strings_and_lists() {
        let body = json!({"startIndex": "3", "count": 7, "attributes": ["userName"], "excludedAttributes": "a,b"});
        let p = ListParams::from_search(body.as_object().unwrap()).unwrap();
        assert_eq!((p.start_index, p.count), (Some(3), Some(7)));
        assert_eq!(p.excluded, ["a", "b"]);
        let bad = json!({"filter": 3.5, "attributes": [1]});
        assert!(ListParams::from_search(bad.as_object().unwrap()).is_err());
    }

    /// The scimType of a failed cursor look-up.
    fn error_type<T: std::fmt::Debug>(r: ScimResult<T>) -> String {
        r.unwrap_err().scim_type.unwrap().as_str().to_owned()
    }

    #[test]
    fn cursors_round_trip_expire_and_belong_to_one_query() {
        let mut t = CursorTable::default();
        let minute = Duration::from_secs(60);
        let key = ListParams::default().key(Scope::One(Kind::User));
        let results = Arc::new(vec![(Kind::User, 1), (Kind::User, 2)]);
        let token = t.open(key.clone(), results, minute);
        let (_, r, off) = t.resume(&format_cursor(token, 1), &key, minute).unwrap();
        assert_eq!((r.len(), off), (2, 1));
        let other = ListParams {
            filter: Some("x".into()),
            ..ListParams::default()
        }
        .key(Scope::One(Kind::User));
        assert_eq!(
            error_type(t.resume(&format_cursor(token, 1), &other, minute)),
            "invalidCursor"
        );
        assert_eq!(
            error_type(t.resume(&format_cursor(token, 3), &key, minute)),
            "invalidCursor"
        );
        assert_eq!(error_type(t.resume("zz", &key, minute)), "invalidCursor");
        assert_eq!(
            error_type(t.resume(&format_cursor(token ^ 1, 0), &key, minute)),
            "expiredCursor"
        );
        let token = t.open(key.clone(), Arc::new(vec![]), Duration::ZERO);
        assert_eq!(
            error_type(t.resume(&format_cursor(token, 0), &key, Duration::ZERO)),
            "expiredCursor"
        );
    }

    #[test]
    fn date_times_sort_as_instants() {
        let reg = SchemaRegistry::core();
        let a = json!({"meta": {"created": "2026-01-01T00:00:15.1362Z"}});
        let b = json!({"meta": {"created": "2026-01-01T00:00:15.13620001Z"}});
        let key = |v: &Value| sort_key(v.as_object().unwrap(), urn::USER, "meta.created", reg);
        assert!(matches!(key(&a), Some(SortKey::Time(_))));
        assert_eq!(key(&a).unwrap().cmp(&key(&b).unwrap()), Ordering::Less);
        let text = json!({"nickName": "2026-01-01T00:00:15Z"});
        assert!(matches!(
            sort_key(text.as_object().unwrap(), urn::USER, "nickName", reg),
            Some(SortKey::Text(_))
        ));
    }

    /// RFC 7644 §3.4.2.3: "if there is no data for the specified "sortBy" value, they are
    /// sorted via the "sortOrder" parameter, i.e., they are ordered last if ascending and
    /// first if descending."
    #[test]
    fn sorting_puts_missing_values_last_when_ascending() {
        let reg = SchemaRegistry::core();
        let users = [
            json!({"userName": "b", "emails": [{"value": "z@x"}, {"value": "a@x", "primary": true}]}),
            json!({"userName": "C"}),
            json!({"userName": "a", "emails": [{"value": "m@x"}]}),
        ];
        let keyed = |by: &str| -> Vec<(Option<SortKey>, Ref)> {
            users
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    (
                        sort_key(u.as_object().unwrap(), urn::USER, by, reg),
                        (Kind::User, i as u64),
                    )
                })
                .collect()
        };
        let order = |v: Vec<Ref>| v.into_iter().map(|(_, s)| s).collect::<Vec<_>>();
        assert_eq!(order(sort_refs(keyed("username"), false)), [2, 0, 1]);
        assert_eq!(order(sort_refs(keyed("emails.value"), false)), [0, 2, 1]);
        assert_eq!(order(sort_refs(keyed("emails"), true)), [1, 2, 0]);
    }
}
