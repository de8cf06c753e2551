//! The in-memory store: users and groups in creation order, with the indexes a service
//! provider needs to stay fast at 100,000 resources — by id, by `userName`
//! (case-insensitive, for uniqueness), and member → groups (for users' derived `groups`
//! attribute and for removing a deleted member from its groups).
//!
//! Every change bumps [`Store::generation`], which keys the caches of query results.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use scim_core::{urn, Resource};
use serde_json::Value;

/// The resource types served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    User,
    Group,
}

impl Kind {
    /// The resource type's name (`meta.resourceType`, `/ResourceTypes/{name}`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }

    /// The endpoint, e.g. `/Users`.
    pub fn endpoint(self) -> &'static str {
        match self {
            Kind::User => "/Users",
            Kind::Group => "/Groups",
        }
    }

    /// The core schema URN.
    pub fn schema(self) -> &'static str {
        match self {
            Kind::User => urn::USER,
            Kind::Group => urn::GROUP,
        }
    }

    /// The kind whose endpoint segment is `segment` (`Users`, `Groups`).
    pub fn from_segment(segment: &str) -> Option<Kind> {
        match segment {
            "Users" => Some(Kind::User),
            "Groups" => Some(Kind::Group),
            _ => None,
        }
    }
}

/// One stored resource. `resource` holds everything that is returned, `meta` included
/// (with `version`); derived attributes (a user's `groups`) are added when rendering.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Creation order: the default order of lists, and the key of the ordered map.
    pub seq: u64,
    pub id: String,
    /// The version counter behind `meta.version` (`W/"<version>"`).
    pub version: u64,
    pub resource: Resource,
}

impl Entry {
    /// The entity tag, header form.
    pub fn etag(&self) -> String {
        format!("W/\"{}\"", self.version)
    }
}

/// A reference to a stored resource that survives its updates: kind and creation order.
pub(crate) type Ref = (Kind, u64);

#[derive(Debug, Default)]
struct Table {
    by_seq: BTreeMap<u64, Arc<Entry>>,
    seq_by_id: HashMap<String, u64>,
}

impl Table {
    fn get(&self, id: &str) -> Option<&Arc<Entry>> {
        self.by_seq.get(self.seq_by_id.get(id)?)
    }
}

/// Users and groups with their indexes. Not synchronized: the server wraps it in a lock.
#[derive(Debug, Default)]
pub(crate) struct Store {
    users: Table,
    groups: Table,
    /// Lower-cased `userName` → user id. RFC 7643 §4.1.1: userName is `caseExact: false`
    /// and `uniqueness: server`, so uniqueness is case-insensitive.
    user_by_name: HashMap<String, String>,
    /// Member id (user or group) → ids of the groups that list it in `members`.
    member_of: HashMap<String, BTreeSet<String>>,
    next_seq: u64,
    next_version: u64,
    generation: u64,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    fn table(&self, kind: Kind) -> &Table {
        match kind {
            Kind::User => &self.users,
            Kind::Group => &self.groups,
        }
    }

    fn table_mut(&mut self, kind: Kind) -> &mut Table {
        match kind {
            Kind::User => &mut self.users,
            Kind::Group => &mut self.groups,
        }
    }

    /// Bumped by every change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A fresh version number (strictly increasing across the store).
    pub fn next_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    pub fn len(&self, kind: Kind) -> usize {
        self.table(kind).by_seq.len()
    }

    pub fn get(&self, kind: Kind, id: &str) -> Option<&Arc<Entry>> {
        self.table(kind).get(id)
    }

    /// The resource a reference points to, if it still exists.
    pub fn by_ref(&self, (kind, seq): Ref) -> Option<&Arc<Entry>> {
        self.table(kind).by_seq.get(&seq)
    }

    /// Every resource of `kind`, in creation order.
    pub fn iter(&self, kind: Kind) -> impl Iterator<Item = &Arc<Entry>> {
        self.table(kind).by_seq.values()
    }

    /// The kind of the resource with this id, if any (users first).
    pub fn kind_of(&self, id: &str) -> Option<Kind> {
        [Kind::User, Kind::Group]
            .into_iter()
            .find(|k| self.table(*k).seq_by_id.contains_key(id))
    }

    /// The id of the user whose `userName` equals `name` case-insensitively.
    pub fn user_id_by_name(&self, name: &str) -> Option<&str> {
        self.user_by_name
            .get(&name.to_lowercase())
            .map(String::as_str)
    }

    /// The ids of the groups that list `member_id` as a member.
    pub fn groups_of(&self, member_id: &str) -> impl Iterator<Item = &str> {
        self.member_of
            .get(member_id)
            .into_iter()
            .flat_map(|set| set.iter().map(String::as_str))
    }

    /// Adds a new resource (its `id` and `meta` already set by the caller).
    pub fn insert(&mut self, kind: Kind, id: String, version: u64, resource: Resource) {
        self.next_seq += 1;
        let seq = self.next_seq;
        self.index_add(kind, &id, &resource);
        let entry = Arc::new(Entry {
            seq,
            id: id.clone(),
            version,
            resource,
        });
        let table = self.table_mut(kind);
        table.seq_by_id.insert(id, seq);
        table.by_seq.insert(seq, entry);
        self.generation += 1;
    }

    /// Replaces the stored form of an existing resource, keeping its place in the order.
    /// Returns false when there is no such resource.
    pub fn replace(&mut self, kind: Kind, id: &str, version: u64, resource: Resource) -> bool {
        let Some(old) = self.get(kind, id).cloned() else {
            return false;
        };
        self.index_remove(kind, id, &old.resource);
        self.index_add(kind, id, &resource);
        let entry = Arc::new(Entry {
            seq: old.seq,
            id: id.to_owned(),
            version,
            resource,
        });
        self.table_mut(kind).by_seq.insert(old.seq, entry);
        self.generation += 1;
        true
    }

    /// Removes a resource and returns it.
    pub fn remove(&mut self, kind: Kind, id: &str) -> Option<Arc<Entry>> {
        let table = self.table_mut(kind);
        let seq = table.seq_by_id.remove(id)?;
        let entry = table.by_seq.remove(&seq)?;
        self.index_remove(kind, id, &entry.resource);
        self.member_of.remove(id);
        self.generation += 1;
        Some(entry)
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        let generation = self.generation + 1;
        *self = Store::default();
        self.generation = generation;
    }

    fn index_add(&mut self, kind: Kind, id: &str, resource: &Resource) {
        match kind {
            Kind::User => {
                if let Some(name) = resource.get("userName").and_then(Value::as_str) {
                    self.user_by_name.insert(name.to_lowercase(), id.to_owned());
                }
            }
            Kind::Group => {
                for member in member_ids(resource) {
                    self.member_of
                        .entry(member.to_owned())
                        .or_default()
                        .insert(id.to_owned());
                }
            }
        }
    }

    fn index_remove(&mut self, kind: Kind, id: &str, resource: &Resource) {
        match kind {
            Kind::User => {
                if let Some(name) = resource.get("userName").and_then(Value::as_str) {
                    let key = name.to_lowercase();
                    if self.user_by_name.get(&key).is_some_and(|v| v == id) {
                        self.user_by_name.remove(&key);
                    }
                }
            }
            Kind::Group => {
                for member in member_ids(resource) {
                    if let Some(set) = self.member_of.get_mut(member) {
                        set.remove(id);
                        if set.is_empty() {
                            self.member_of.remove(member);
                        }
                    }
                }
            }
        }
    }
}

/// The `value`s of a group's `members`.
pub(crate) fn member_ids(resource: &Resource) -> impl Iterator<Item = &str> {
    resource
        .get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            m.as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("value")))
                .and_then(|(_, v)| v.as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn res(v: Value) -> Resource {
        Resource::from_value(v).unwrap()
    }

    #[test]
    fn indexes_follow_inserts_replaces_and_removes() {
        let mut s = Store::new();
        s.insert(
            Kind::User,
            "u1".into(),
            1,
            res(json!({"userName": "Alice"})),
        );
        s.insert(Kind::User, "u2".into(), 2, res(json!({"userName": "bob"})));
        s.insert(
            Kind::Group,
            "g1".into(),
            3,
            res(json!({"displayName": "G", "members": [{"value": "u1"}, {"VALUE": "u2"}]})),
        );
        assert_eq!(s.user_id_by_name("ALICE"), Some("u1"));
        assert_eq!(s.groups_of("u2").collect::<Vec<_>>(), ["g1"]);
        assert_eq!(s.kind_of("g1"), Some(Kind::Group));

        let g = s.generation();
        assert!(s.replace(Kind::User, "u1", 4, res(json!({"userName": "alicia"}))));
        assert!(s.generation() > g);
        assert_eq!(s.user_id_by_name("alice"), None);
        assert_eq!(s.user_id_by_name("Alicia"), Some("u1"));
        // The order is kept by a replace.
        let ids: Vec<_> = s.iter(Kind::User).map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["u1", "u2"]);

        s.replace(
            Kind::Group,
            "g1",
            5,
            res(json!({"displayName": "G", "members": [{"value": "u1"}]})),
        );
        assert_eq!(s.groups_of("u2").count(), 0);
        assert!(s.remove(Kind::Group, "g1").is_some());
        assert_eq!(s.groups_of("u1").count(), 0);
        assert!(s.remove(Kind::Group, "g1").is_none());
        assert_eq!(s.len(Kind::User), 2);
    }
}
