//! The undo log that makes [`apply`](super::apply) atomic without copying the resource.
//!
//! Every change records what restores it; a failed PATCH replays the log backwards.
//! Changes to big multi-valued attributes record little: an append records the old
//! length, a removal the removed values, a change to one value that value.

use serde_json::{Map, Value};

use crate::resource::Resource;

/// Where an attribute lives: the resource's top level (`None`) or the extension object
/// stored under this exact key.
pub(crate) type Ext = Option<String>;

/// One recorded change.
#[derive(Debug)]
pub(crate) enum Change {
    /// `key` held `prev` and still exists.
    Set { ext: Ext, key: String, prev: Value },
    /// `key` did not exist.
    Created { ext: Ext, key: String },
    /// `key` held `prev` at position `pos` and was removed.
    Deleted {
        ext: Ext,
        key: String,
        pos: usize,
        prev: Value,
    },
    /// The array at `key` had `len` values; more were appended.
    Appended { ext: Ext, key: String, len: usize },
    /// These values (with their indices, ascending) were removed from the array at `key`.
    Removed {
        ext: Ext,
        key: String,
        items: Vec<(usize, Value)>,
    },
    /// The sub-attribute `sub` of the complex attribute `key` (or of its value at
    /// `index`, for a multi-valued one) held `prev` (with its position, `usize::MAX` when
    /// it was replaced in place), or did not exist (`None`).
    Sub {
        ext: Ext,
        key: String,
        index: Option<usize>,
        sub: String,
        prev: Option<(usize, Value)>,
    },
    /// The value at `index` of the array at `key` was `prev`.
    Element {
        ext: Ext,
        key: String,
        index: usize,
        prev: Value,
    },
}

/// The changes made so far, in order.
#[derive(Debug, Default)]
pub(crate) struct UndoLog(Vec<Change>);

impl UndoLog {
    pub(crate) fn push(&mut self, change: Change) {
        self.0.push(change);
    }

    /// Undoes every change, newest first, leaving `resource` as it was.
    pub(crate) fn rollback(self, resource: &mut Resource) {
        for change in self.0.into_iter().rev() {
            undo(resource, change);
        }
    }
}

fn container<'r>(resource: &'r mut Resource, ext: &Ext) -> Option<&'r mut Map<String, Value>> {
    match ext {
        None => Some(resource.as_map_mut()),
        Some(urn) => resource.as_map_mut().get_mut(urn)?.as_object_mut(),
    }
}

fn array<'r>(resource: &'r mut Resource, ext: &Ext, key: &str) -> Option<&'r mut Vec<Value>> {
    container(resource, ext)?.get_mut(key)?.as_array_mut()
}

fn undo(resource: &mut Resource, change: Change) {
    // Each change is undone on the state its successors' undos restored, so the
    // container and key it names exist again; `None` can only follow a bug, and then
    // the change is skipped rather than panicking.
    match change {
        Change::Set { ext, key, prev } => {
            if let Some(slot) = container(resource, &ext).and_then(|m| m.get_mut(&key)) {
                *slot = prev;
            }
        }
        Change::Created { ext, key } => {
            if let Some(map) = container(resource, &ext) {
                map.shift_remove(&key);
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
                map.shift_insert(pos, key, prev);
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
            let slot = container(resource, &ext).and_then(|m| m.get_mut(&key));
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
                    object.shift_remove(&sub);
                }
                Some((_, v)) if object.contains_key(&sub) => {
                    object.insert(sub, v);
                }
                Some((pos, v)) => {
                    let pos = pos.min(object.len());
                    object.shift_insert(pos, sub, v);
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
