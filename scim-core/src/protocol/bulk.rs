//! Bulk planning (RFC 7644 §3.7): ordering operations so that `bulkId` references
//! resolve, splitting them into requests by `maxOperations` and `maxPayloadSize`,
//! carrying `failOnErrors` across requests, and giving a result per operation.
//!
//! A [`BulkPlan`] is sans-IO: the caller asks for the next request
//! ([`BulkPlan::next_request`], or [`BulkPlan::next_single`] for a server without bulk
//! support), sends it, and records the answer. Splitting a request is what makes
//! references between chunks need care: the server resolves `bulkId:x` only within one
//! request, so once the operation `x` has run, later chunks carry its real id instead.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::resource::{
    BulkMethod, BulkOperation, BulkOperationResponse, BulkRequest, ETag, Resource, ScimObject,
};

/// RFC 7644 §3.7.2: "bulkId:" followed by the id, in a value or a path.
const PREFIX: &str = "bulkId:";

/// What happened to one operation of a bulk request.
#[derive(Debug)]
pub enum BulkOutcome {
    /// The server performed it (a 2xx status).
    Succeeded {
        /// The HTTP status of the operation.
        status: u16,
        /// `location`: the URI of the resource.
        location: Option<String>,
        /// The id of the resource (from `location` or the returned resource).
        id: Option<String>,
        /// The resource's new version.
        version: Option<ETag>,
        /// The resource, when the server returned it.
        resource: Option<Resource>,
    },
    /// The server refused it, or it could not be sent.
    Failed(Error),
    /// It was not attempted: `failOnErrors` was reached first, or an operation it
    /// references failed.
    NotAttempted(String),
}

impl BulkOutcome {
    /// True for [`BulkOutcome::Succeeded`].
    pub fn is_success(&self) -> bool {
        matches!(self, BulkOutcome::Succeeded { .. })
    }
}

/// The result of one operation, in the order the operations were given.
#[derive(Debug)]
pub struct BulkResult {
    /// The operation's position in the request as given.
    pub index: usize,
    /// The operation's method.
    pub method: BulkMethod,
    /// The operation's `bulkId`.
    pub bulk_id: Option<String>,
    /// What happened.
    pub outcome: BulkOutcome,
}

/// The server's bulk limits (RFC 7643 §5 `bulk.maxOperations`, `bulk.maxPayloadSize`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkLimits {
    /// The most operations in one request.
    pub max_operations: Option<u64>,
    /// The largest request body, in bytes.
    pub max_payload_size: Option<u64>,
}

/// The plan of a bulk request: see the [module](self) docs.
#[derive(Debug)]
pub struct BulkPlan {
    /// The operations in execution order, with their original index.
    order: Vec<(usize, BulkOperation)>,
    next: usize,
    limits: BulkLimits,
    fail_on_errors: Option<u64>,
    errors: u64,
    /// bulkId → the id of the resource it created.
    resolved: HashMap<String, String>,
    /// bulkIds whose operation did not succeed.
    failed: HashSet<String>,
    /// bulkId → the original index of its operation.
    index_of: HashMap<String, usize>,
    outcomes: Vec<Option<BulkOutcome>>,
    methods: Vec<(BulkMethod, Option<String>)>,
    /// The original indices of the operations of the request in flight.
    in_flight: Vec<usize>,
}

impl BulkPlan {
    /// Validates and orders `request`'s operations.
    ///
    /// Errors with [`Error::InvalidInput`] when a POST has no `bulkId` (RFC 7644 §3.7:
    /// "bulkId ... REQUIRED when "method" is "POST""), two operations share a `bulkId`,
    /// a reference names no operation, or references form a cycle (a cycle can only be
    /// resolved by the server inside one request; this client does not send them).
    pub fn new(request: BulkRequest, limits: BulkLimits) -> Result<Self> {
        let ops = request.operations;
        let mut by_bulk_id = HashMap::new();
        for (i, op) in ops.iter().enumerate() {
            match (&op.method, &op.bulk_id) {
                (BulkMethod::Post, None) => {
                    return Err(Error::InvalidInput(format!(
                        "bulk operation {i}: a POST needs a bulkId (RFC 7644 §3.7)"
                    )))
                }
                (_, Some(id)) if by_bulk_id.insert(id.clone(), i).is_some() => {
                    return Err(Error::InvalidInput(format!(
                        "bulk operation {i}: bulkId {id:?} is used twice"
                    )))
                }
                _ => {}
            }
        }
        let mut deps: Vec<Vec<usize>> = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            let mut refs = Vec::new();
            references(op, &mut |r| refs.push(r.to_owned()));
            let mut d = Vec::new();
            for r in refs {
                match by_bulk_id.get(&r) {
                    Some(&j) if j == i => {
                        return Err(Error::InvalidInput(format!(
                            "bulk operation {i} references its own bulkId {r:?}"
                        )))
                    }
                    Some(&j) => d.push(j),
                    None => {
                        return Err(Error::InvalidInput(format!(
                            "bulk operation {i} references bulkId {r:?}, which no operation has"
                        )))
                    }
                }
            }
            deps.push(d);
        }
        // Stable topological order (Kahn): an operation runs after those it references
        // and otherwise keeps its place.
        let mut done = vec![false; ops.len()];
        let mut order_idx = Vec::with_capacity(ops.len());
        while order_idx.len() < ops.len() {
            let ready = (0..ops.len()).find(|&i| !done[i] && deps[i].iter().all(|&j| done[j]));
            match ready {
                Some(i) => {
                    done[i] = true;
                    order_idx.push(i);
                }
                None => {
                    let stuck: Vec<usize> = (0..ops.len()).filter(|&i| !done[i]).collect();
                    return Err(Error::InvalidInput(format!(
                        "bulk operations {stuck:?} reference each other in a cycle"
                    )));
                }
            }
        }
        let methods = ops
            .iter()
            .map(|op| (op.method.clone(), op.bulk_id.clone()))
            .collect();
        let mut slots: Vec<Option<BulkOperation>> = ops.into_iter().map(Some).collect();
        let order = order_idx
            .into_iter()
            .map(|i| (i, slots[i].take().unwrap_or_default()))
            .collect::<Vec<_>>();
        Ok(BulkPlan {
            outcomes: (0..order.len()).map(|_| None).collect(),
            order,
            next: 0,
            limits,
            fail_on_errors: request.fail_on_errors,
            errors: 0,
            resolved: HashMap::new(),
            failed: HashSet::new(),
            index_of: by_bulk_id,
            methods,
            in_flight: Vec::new(),
        })
    }

    fn stopped(&self) -> bool {
        self.fail_on_errors.is_some_and(|n| self.errors >= n)
    }

    /// The next operation to run, with the references that earlier operations resolved
    /// replaced by real ids; skips (and records) operations whose reference failed.
    fn take_next(&mut self) -> Option<(usize, BulkOperation)> {
        while self.next < self.order.len() && !self.stopped() {
            let (index, mut op) = std::mem::take(&mut self.order[self.next]);
            self.next += 1;
            let mut broken = None;
            references(&op, &mut |r| {
                if broken.is_some() {
                    return;
                }
                if self.failed.contains(r) {
                    broken = Some(format!("the operation with bulkId {r:?} failed"));
                } else if !self.resolved.contains_key(r)
                    && self
                        .index_of
                        .get(r)
                        .is_some_and(|&j| self.outcomes[j].is_some())
                {
                    broken = Some(format!(
                        "the server returned no id for the resource of bulkId {r:?}"
                    ));
                }
            });
            if let Some(reason) = broken {
                self.settle(index, BulkOutcome::NotAttempted(reason));
                continue;
            }
            substitute(&mut op, &self.resolved);
            return Some((index, op));
        }
        None
    }

    /// The next bulk request, or `None` when every operation has run (or `failOnErrors`
    /// was reached). An operation too large for `maxPayloadSize` on its own is recorded
    /// as failed and left out.
    pub fn next_request(&mut self) -> Option<BulkRequest> {
        let max_ops = self.limits.max_operations.unwrap_or(u64::MAX).max(1);
        let max_bytes = self.limits.max_payload_size.unwrap_or(u64::MAX);
        let mut ops = Vec::new();
        self.in_flight.clear();
        let mut size = envelope_size(self.remaining_allowance());
        while (ops.len() as u64) < max_ops {
            // An operation may only join when none it references is still waiting in
            // this request's queue behind it; ordering guarantees that, so just peek.
            let Some((index, op)) = self.take_next() else {
                break;
            };
            let op_size = operation_size(&op) + u64::from(!ops.is_empty());
            if size + op_size > max_bytes {
                if ops.is_empty() {
                    self.settle(
                        index,
                        BulkOutcome::Failed(Error::InvalidInput(format!(
                            "bulk operation {index} alone ({op_size} bytes) exceeds the server's maxPayloadSize of {max_bytes} bytes"
                        ))),
                    );
                    size = envelope_size(self.remaining_allowance());
                    continue;
                }
                // Put it back: it starts the next request.
                self.next -= 1;
                self.order[self.next] = (index, op);
                break;
            }
            size += op_size;
            self.in_flight.push(index);
            ops.push(op);
        }
        if ops.is_empty() {
            return None;
        }
        Some(BulkRequest {
            fail_on_errors: self.remaining_allowance(),
            operations: ops,
            ..BulkRequest::default()
        })
    }

    fn remaining_allowance(&self) -> Option<u64> {
        self.fail_on_errors
            .map(|n| n.saturating_sub(self.errors).max(1))
    }

    /// Records the server's answer to the last [`BulkPlan::next_request`].
    ///
    /// Answers are matched to operations by `bulkId`, else in order. Operations the
    /// server did not answer (it stopped at `failOnErrors`) are not attempted.
    pub fn record_response(&mut self, operations: Vec<BulkOperationResponse>) {
        let in_flight = std::mem::take(&mut self.in_flight);
        let mut pending: Vec<usize> = in_flight.clone();
        for answer in operations {
            let by_id = answer.bulk_id.as_ref().and_then(|b| {
                pending
                    .iter()
                    .position(|&i| self.methods[i].1.as_ref() == Some(b))
            });
            let Some(pos) = by_id.or(if pending.is_empty() { None } else { Some(0) }) else {
                break;
            };
            let index = pending.remove(pos);
            let outcome = outcome_of(answer);
            self.settle(index, outcome);
        }
        for index in pending {
            self.settle(
                index,
                BulkOutcome::NotAttempted("the server did not perform it (failOnErrors)".into()),
            );
        }
    }

    /// Records a failure of the whole last request (it could not be sent or was
    /// refused): each of its operations fails with `error`'s description. Whether a
    /// request cut short was applied is unknown, and the message says so.
    pub fn record_failure(&mut self, error: &Error) {
        for index in std::mem::take(&mut self.in_flight) {
            let outcome = BulkOutcome::Failed(copy_error(error));
            self.settle(index, outcome);
        }
    }

    /// The next operation to run on its own, for a server without bulk support.
    pub fn next_single(&mut self) -> Option<(usize, BulkOperation)> {
        self.in_flight.clear();
        let next = self.take_next()?;
        self.in_flight.push(next.0);
        Some(next)
    }

    /// Records the outcome of the operation from [`BulkPlan::next_single`].
    pub fn record_single(&mut self, index: usize, outcome: BulkOutcome) {
        self.in_flight.clear();
        self.settle(index, outcome);
    }

    fn settle(&mut self, index: usize, outcome: BulkOutcome) {
        let bulk_id = self.methods[index].1.clone();
        match &outcome {
            BulkOutcome::Succeeded { id, .. } => {
                if let (Some(b), Some(id)) = (bulk_id, id) {
                    self.resolved.insert(b, id.clone());
                }
            }
            BulkOutcome::Failed(_) => {
                self.errors += 1;
                if let Some(b) = bulk_id {
                    self.failed.insert(b);
                }
            }
            BulkOutcome::NotAttempted(_) => {
                if let Some(b) = bulk_id {
                    self.failed.insert(b);
                }
            }
        }
        self.outcomes[index] = Some(outcome);
    }

    /// A result per operation, in the order given. Operations never reached are
    /// [`BulkOutcome::NotAttempted`].
    pub fn finish(self) -> Vec<BulkResult> {
        let reason = match self.fail_on_errors {
            Some(n) if self.errors >= n => format!("failOnErrors ({n}) was reached"),
            _ => "not reached".to_owned(),
        };
        self.outcomes
            .into_iter()
            .zip(self.methods)
            .enumerate()
            .map(|(index, (outcome, (method, bulk_id)))| BulkResult {
                index,
                method,
                bulk_id,
                outcome: outcome.unwrap_or_else(|| BulkOutcome::NotAttempted(reason.clone())),
            })
            .collect()
    }
}

/// The outcome one bulk answer stands for.
pub fn outcome_of(answer: BulkOperationResponse) -> BulkOutcome {
    if let Some(error) = answer.error() {
        return BulkOutcome::Failed(error);
    }
    let resource = answer
        .response
        .clone()
        .and_then(|v| Resource::from_value(v).ok());
    let id = resource
        .as_ref()
        .and_then(|r| r.id().map(str::to_owned))
        .or_else(|| answer.location.as_deref().and_then(id_from_location));
    let version = answer
        .version
        .as_deref()
        .and_then(ETag::parse)
        .or_else(|| resource.as_ref().and_then(Resource::version));
    BulkOutcome::Succeeded {
        status: answer.status,
        location: answer.location,
        id,
        version,
        resource,
    }
}

/// The last path segment of a resource URI, percent-decoded.
pub fn id_from_location(location: &str) -> Option<String> {
    let path = location.split(['?', '#']).next()?;
    let segment = path.trim_end_matches('/').rsplit('/').next()?;
    if segment.is_empty() {
        return None;
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|&b| hex(b)),
            bytes.get(i + 2).and_then(|&b| hex(b)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Calls `f` with every bulkId referenced by `op` (in its path or its data).
fn references(op: &BulkOperation, f: &mut dyn FnMut(&str)) {
    if let Some(path) = &op.path {
        for segment in path.split('/') {
            if let Some(r) = segment.strip_prefix(PREFIX) {
                f(r);
            }
        }
    }
    fn walk(v: &Value, f: &mut dyn FnMut(&str)) {
        match v {
            Value::String(s) => {
                if let Some(r) = s.strip_prefix(PREFIX) {
                    f(r);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, f)),
            Value::Object(map) => map.values().for_each(|i| walk(i, f)),
            _ => {}
        }
    }
    if let Some(data) = &op.data {
        walk(data, f);
    }
}

/// Replaces the references to operations that already ran with their ids.
fn substitute(op: &mut BulkOperation, resolved: &HashMap<String, String>) {
    if resolved.is_empty() {
        return;
    }
    if let Some(path) = &mut op.path {
        let segments: Vec<String> = path
            .split('/')
            .map(
                |s| match s.strip_prefix(PREFIX).and_then(|r| resolved.get(r)) {
                    Some(id) => id.clone(),
                    None => s.to_owned(),
                },
            )
            .collect();
        *path = segments.join("/");
    }
    fn walk(v: &mut Value, resolved: &HashMap<String, String>) {
        match v {
            Value::String(s) => {
                if let Some(id) = s.strip_prefix(PREFIX).and_then(|r| resolved.get(r)) {
                    *s = id.clone();
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, resolved)),
            Value::Object(map) => map.values_mut().for_each(|i| walk(i, resolved)),
            _ => {}
        }
    }
    if let Some(data) = &mut op.data {
        walk(data, resolved);
    }
}

/// The bytes of a bulk request with no operation.
fn envelope_size(fail_on_errors: Option<u64>) -> u64 {
    let empty = BulkRequest {
        fail_on_errors,
        ..BulkRequest::default()
    };
    empty.to_resource().to_json().len() as u64
}

/// The bytes one operation adds to a request.
fn operation_size(op: &BulkOperation) -> u64 {
    let one = BulkRequest {
        operations: vec![op.clone()],
        ..BulkRequest::default()
    };
    (one.to_resource().to_json().len() as u64).saturating_sub(envelope_size(None))
}

/// A copy of an error for every operation of a failed request (errors are not `Clone`:
/// the copy keeps the kind, status and message, not the source).
fn copy_error(e: &Error) -> Error {
    match e {
        Error::Api {
            status,
            scim_type,
            detail,
        } => Error::Api {
            status: *status,
            scim_type: scim_type.clone(),
            detail: detail.clone(),
        },
        Error::Http { status, snippet } => Error::Http {
            status: *status,
            snippet: snippet.clone(),
        },
        Error::Timeout { message } => Error::Timeout {
            message: format!("{message}; the operation may or may not have been applied"),
        },
        other => Error::Transport {
            message: format!(
                "the bulk request failed ({other}); the operation may or may not have been applied"
            ),
            source: None,
        },
    }
}
