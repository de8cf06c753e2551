//! The undo log that makes [`apply`](super::apply) atomic without copying the resource.
//!
//! Every change records what restores it; a failed PATCH replays the log backwards.
//! Changes to big multi-valued attributes record little: an append records the old
//! length, a removal the removed values, a change to one value that value.
//!
//! Keys are recorded as [`Key`]s: borrowed from the schema registry (or a constant)
//! when the stored key is spelled as the schema spells it, the usual case, so that
//! recording a change allocates nothing beyond the log itself.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::resource::{get_ci, get_ci_mut, Resource};

/// A key as stored in the resource, borrowed when it can be.
pub(crate) type Key<'a> = Cow<'a, str>;

/// Where an attribute lives: the resource's top level (`None`) or the extension object
/// stored under this exact key.
pub(crate) type Ext<'a> = Option<Key<'a>>;

/// `stored` as a [`Key`]: borrowed from `canonical` when they are spelled alike.
pub(crate) fn key<'a>(stored: &str, canonical: Option<&'a str>) -> Key<'a> {
    match canonical {
        Some(c) if c == stored => Cow::Borrowed(c),
        _ => Cow::Owned(stored.to_owned()),
    }
}

/// One recorded change.
#[derive(Debug)]
pub(crate) enum Change<'a> {
    /// `key` held `prev` and still exists.
    Set {
        ext: Ext<'a>,
        key: Key<'a>,
        prev: Value,
    },
    /// `key` did not exist.
    Created { ext: Ext<'a>, key: Key<'a> },
    /// `key` held `prev` at position `pos` and was removed.
    Deleted {
        ext: Ext<'a>,
        key: Key<'a>,
        pos: usize,
        prev: Value,
    },
    /// The array at `key` had `len` values; more were appended.
    Appended {
        ext: Ext<'a>,
        key: Key<'a>,
        len: usize,
    },
    /// These values (with their indices, ascending) were removed from the array at `key`.
    Removed {
        ext: Ext<'a>,
        key: Key<'a>,
        items: Vec<(usize, Value)>,
    },
    /// The sub-attribute `sub` of the complex attribute `key` (or of its value at
    /// `index`, for a multi-valued one) held `prev` (with its position, `usize::MAX` when
    /// it was replaced in place), or did not exist (`None`).
    Sub {
        ext: Ext<'a>,
        key: Key<'a>,
        index: Option<usize>,
        sub: Key<'a>,
        prev: Option<(usize, Value)>,
    },
    /// The value at `index` of the array at `key` was `prev`.
    Element {
        ext: Ext<'a>,
        key: Key<'a>,
        index: usize,
        prev: Value,
    },
}

/// The changes made so far, in order.
#[derive(Debug, Default)]
///
/// Most PATCH requests make one change: the first is kept inline, so that such a
/// request allocates no log.
pub(crate) struct UndoLog<'a> {
    first: Option<Change<'a>>,
    rest: Vec<Change<'a>>,
}

impl<'a> UndoLog<'a> {
    pub(crate) fn push(&mut self, change: Change<'a>) {
        if self.first.is_none() {
            self.first = Some(change);
        } else {
            self.rest.push(change);
        }
    }

    /// Undoes every change, newest first, leaving `resource` as it was.
    pub(crate) fn rollback(self, resource: &mut Resource) {
        for change in self.rest.into_iter().rev().chain(self.first) {
            undo(resource, change);
        }
    }
}

// The keys recorded are the stored ones, so the case-insensitive look-ups below find
// exactly them (an exact match wins), without hashing.
fn container<'r>(resource: &'r mut Resource, ext: &Ext<'_>) -> Option<&'r mut Map<String, Value>> {
    match ext {
        None => Some(resource.as_map_mut()),
        Some(urn) => get_ci_mut(resource.as_map_mut(), urn)?.as_object_mut(),
    }
}

fn array<'r>(resource: &'r mut Resource, ext: &Ext<'_>, key: &str) -> Option<&'r mut Vec<Value>> {
    get_ci_mut(container(resource, ext)?, key)?.as_array_mut()
}

fn undo(resource: &mut Resource, change: Change<'_>) {
    // Each change is undone on the state its successors' undos restored, so the
    // container and key it names exist again; `None` can only follow a bug, and then
    // the change is skipped rather than panicking.
    match change {
        Change::Set { ext, key, prev } => {
            if let Some(slot) = container(resource, &ext).and_then(|m| get_ci_mut(m, &key)) {
                *slot = prev;
            }
        }
        Change::Created { ext, key } => {
            if let Some(map) = container(resource, &ext) {
                map.shift_remove(&*key);
            }
        }
        Change::Deleted {
            ext,
            key,
            pos,
            prev,
        } => {
            if let Some(map) = container(resource, &ext) {
                let pos = pos.min(map.len());
                map.shift_insert(pos, key.into_owned(), prev);
            }
        }
        Change::Appended { ext, key, len } => {
            if let Some(items) = array(resource, &ext, &key) {
                items.truncate(len);
            }
        }
        Change::Removed { ext, key, items } => {
            if let Some(values) = array(resource, &ext, &key) {
                for (i, v) in items {
                    values.insert(i.min(values.len()), v);
                }
            }
        }
        Change::Sub {
            ext,
            key,
            index,
            sub,
            prev,
        } => {
            let slot = container(resource, &ext).and_then(|m| get_ci_mut(m, &key));
            let object = match (slot, index) {
                (Some(Value::Object(o)), None) => o,
                (Some(Value::Array(items)), Some(i)) => match items.get_mut(i) {
                    Some(Value::Object(o)) => o,
                    _ => return,
                },
                _ => return,
            };
            match prev {
                None => {
                    object.shift_remove(&*sub);
                }
                Some((_, v)) if get_ci(object, &sub).is_some_and(|(k, _)| k == sub) => {
                    if let Some(slot) = get_ci_mut(object, &sub) {
                        *slot = v;
                    }
                }
                Some((pos, v)) => {
                    let pos = pos.min(object.len());
                    object.shift_insert(pos, sub.into_owned(), v);
                }
            }
        }
        Change::Element {
            ext,
            key,
            index,
            prev,
        } => {
            if let Some(slot) = array(resource, &ext, &key).and_then(|a| a.get_mut(index)) {
                *slot = prev;
            }
        }
    }
}

/// The position of `key` in `map`.
pub(crate) fn position(map: &Map<String, Value>, key: &str) -> usize {
    map.keys().position(|k| k == key).unwrap_or(map.len())
}
