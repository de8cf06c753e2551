//! `/Bulk` (RFC 7644 §3.7): operations run one by one through the same code as single
//! requests, with `bulkId` references resolved and `failOnErrors` honoured.
//!
//! Choices:
//! - An operation that references the `bulkId` of a later POST waits until that POST has
//!   run (RFC 7644 §3.7.2: "the service provider MUST try to resolve cross-references"),
//!   so operations may come in any order. References that can never be resolved
//!   (circular ones) give 409 for the operations involved, as §3.7.1 allows ("MAY stop
//!   after a failed attempt and instead return HTTP status code 409 (Conflict)").
//! - A reference to a bulkId whose POST failed, or that no operation defines, fails the
//!   referencing operation with 400 `invalidValue`.
//! - Results are listed in the order the operations ran; a successful one carries
//!   `location`, `version` (when ETags are on) and its `response` body.

use std::collections::HashMap;

use axum::http::Method;
use scim_core::{urn, ScimType};
use serde_json::{json, Map, Value};

use crate::projection::find_key;
use crate::reply::{Reply, ScimError, ScimResult};
use crate::service::{ScimRequest, Shared};

/// The prefix of a bulkId reference (RFC 7644 §3.7.2: `"bulkId:qwerty"`).
const BULK_ID_PREFIX: &str = "bulkId:";

struct Op {
    method: String,
    bulk_id: Option<String>,
    version: Option<String>,
    path: String,
    data: Option<Value>,
}

fn field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    find_key(obj, name).and_then(|k| obj.get(&k))
}

fn field_str(obj: &Map<String, Value>, name: &str) -> Option<String> {
    field(obj, name).and_then(Value::as_str).map(str::to_owned)
}

/// Runs a bulk request.
pub(crate) fn run(shared: &Shared, req: &ScimRequest) -> ScimResult<Reply> {
    let caps = shared.caps();
    if !caps.bulk {
        return Err(ScimError::not_implemented("/Bulk"));
    }
    // RFC 7644 §3.7.4: "If either limit is exceeded, the service provider MUST return
    // HTTP response code 413 (Payload Too Large)".
    if req.body_len > caps.bulk_max_payload_size {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "The size of the bulk operation exceeds the maxPayloadSize ({}).",
                caps.bulk_max_payload_size
            ),
        ));
    }
    let body = req
        .body
        .as_ref()
        .and_then(Value::as_object)
        .ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidSyntax,
                "a BulkRequest object body is required",
            )
        })?;
    let raw_ops = field(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidSyntax,
                "a BulkRequest needs an \"Operations\" array",
            )
        })?;
    if raw_ops.len() > caps.bulk_max_operations {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "The number of operations ({}) exceeds the maxOperations ({}).",
                raw_ops.len(),
                caps.bulk_max_operations
            ),
        ));
    }
    let fail_on_errors = match field(body, "failOnErrors") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidValue,
                "failOnErrors must be a positive integer",
            )
        })?),
    };

    let mut ops = Vec::with_capacity(raw_ops.len());
    let mut results: Vec<Option<Value>> = vec![None; raw_ops.len()];
    let mut defined: HashMap<String, usize> = HashMap::new();
    let mut errors = 0u64;
    let mut order: Vec<Value> = Vec::new();
    for (i, raw) in raw_ops.iter().enumerate() {
        let op = match parse_op(raw) {
            Ok(op) => op,
            Err(e) => {
                let op = Op {
                    method: raw
                        .as_object()
                        .and_then(|o| field_str(o, "method"))
                        .unwrap_or_default(),
                    bulk_id: raw.as_object().and_then(|o| field_str(o, "bulkId")),
                    version: None,
                    path: String::new(),
                    data: None,
                };
                results[i] = Some(error_result(&op, &e));
                ops.push(op);
                continue;
            }
        };
        if let Some(id) = &op.bulk_id {
            if op.method.eq_ignore_ascii_case("POST") && defined.insert(id.clone(), i).is_some() {
                results[i] = Some(error_result(
                    &op,
                    &ScimError::bad(ScimType::InvalidValue, format!("bulkId {id} is used twice")),
                ));
            }
        }
        ops.push(op);
    }
    // Validation failures count as errors, in request order, before anything runs.
    for r in results.iter().flatten() {
        errors += 1;
        order.push(r.clone());
        if fail_on_errors.is_some_and(|n| errors >= n) {
            return Ok(response(order));
        }
    }

    let mut resolved: HashMap<String, Option<String>> = HashMap::new();
    let mut pending: Vec<usize> = (0..ops.len()).filter(|i| results[*i].is_none()).collect();
    'outer: while !pending.is_empty() {
        let mut waiting = Vec::new();
        let mut progressed = false;
        for i in pending {
            let op = &ops[i];
            let mut refs = Vec::new();
            collect_refs(&Value::String(op.path.clone()), &mut refs);
            if let Some(d) = &op.data {
                collect_refs(d, &mut refs);
            }
            let mut failure = None;
            let mut blocked = false;
            for r in &refs {
                match resolved.get(r) {
                    Some(Some(_)) => {}
                    Some(None) => {
                        failure = Some(format!("bulkId {r} refers to an operation that failed"))
                    }
                    None if defined.contains_key(r) && defined[r] != i => blocked = true,
                    None => {
                        failure = Some(format!(
                            "bulkId {r} is not defined by any POST of this request"
                        ))
                    }
                }
            }
            if blocked && failure.is_none() {
                waiting.push(i);
                continue;
            }
            progressed = true;
            let result = match failure {
                Some(detail) => error_result(op, &ScimError::bad(ScimType::InvalidValue, detail)),
                None => execute(shared, op, &resolved),
            };
            let ok = result
                .get("status")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<u16>().ok())
                .is_some_and(|s| s < 400);
            if let (Some(bid), true) = (&op.bulk_id, op.method.eq_ignore_ascii_case("POST")) {
                let id = ok
                    .then(|| {
                        result
                            .pointer("/response/id")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .flatten();
                resolved.insert(bid.clone(), id);
            }
            order.push(result);
            if !ok {
                errors += 1;
                // RFC 7644 §3.7.3: "failOnErrors ... the number of errors that the service
                // provider will accept before the operation is terminated".
                if fail_on_errors.is_some_and(|n| errors >= n) {
                    break 'outer;
                }
            }
        }
        if !progressed {
            for i in waiting {
                order.push(error_result(
                    &ops[i],
                    &ScimError::new(
                        409,
                        None,
                        "circular bulkId references could not be resolved",
                    ),
                ));
                errors += 1;
                if fail_on_errors.is_some_and(|n| errors >= n) {
                    break;
                }
            }
            break;
        }
        pending = waiting;
    }
    Ok(response(order))
}

fn response(operations: Vec<Value>) -> Reply {
    Reply::json(
        200,
        json!({"schemas": [urn::BULK_RESPONSE], "Operations": operations}),
    )
}

fn parse_op(raw: &Value) -> ScimResult<Op> {
    let obj = raw.as_object().ok_or_else(|| {
        ScimError::bad(ScimType::InvalidSyntax, "each operation must be an object")
    })?;
    let method = field_str(obj, "method").ok_or_else(|| {
        ScimError::bad(ScimType::InvalidSyntax, "an operation needs a \"method\"")
    })?;
    let path = field_str(obj, "path")
        .ok_or_else(|| ScimError::bad(ScimType::InvalidSyntax, "an operation needs a \"path\""))?;
    let op = Op {
        bulk_id: field_str(obj, "bulkId"),
        version: field_str(obj, "version"),
        data: field(obj, "data").cloned(),
        method,
        path,
    };
    let m = op.method.to_ascii_uppercase();
    // RFC 7644 §3.7: method is one of "POST", "PUT", "PATCH", or "DELETE".
    if !["POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str()) {
        return Err(ScimError::bad(
            ScimType::InvalidValue,
            format!("method {} is not allowed in a bulk request", op.method),
        ));
    }
    // RFC 7644 §3.7: bulkId is "REQUIRED when "method" is "POST"".
    if m == "POST" && op.bulk_id.is_none() {
        return Err(ScimError::bad(
            ScimType::InvalidSyntax,
            "a POST operation needs a bulkId",
        ));
    }
    if m != "DELETE" && op.data.is_none() {
        return Err(ScimError::bad(
            ScimType::InvalidSyntax,
            format!("a {m} operation needs \"data\""),
        ));
    }
    let first = op
        .path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    if !op.path.starts_with('/') || !["Users", "Groups"].contains(&first) {
        return Err(ScimError::bad(
            ScimType::InvalidPath,
            format!("path {} does not name a resource endpoint", op.path),
        ));
    }
    Ok(op)
}

/// The bulkIds referenced in a value (`"bulkId:xyz"` strings, anywhere, and path
/// segments).
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            for part in s.split('/') {
                if let Some(id) = part.strip_prefix(BULK_ID_PREFIX) {
                    out.push(id.to_owned());
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        Value::Object(obj) => obj.values().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// `value` with every resolved bulkId reference replaced by the resource id.
fn substitute(value: &Value, resolved: &HashMap<String, Option<String>>) -> Value {
    match value {
        Value::String(s) if s.contains(BULK_ID_PREFIX) => Value::String(
            s.split('/')
                .map(|part| {
                    part.strip_prefix(BULK_ID_PREFIX)
                        .and_then(|id| resolved.get(id).cloned().flatten())
                        .unwrap_or_else(|| part.to_owned())
                })
                .collect::<Vec<_>>()
                .join("/"),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| substitute(v, resolved)).collect())
        }
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, v)| (k.clone(), substitute(v, resolved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn execute(shared: &Shared, op: &Op, resolved: &HashMap<String, Option<String>>) -> Value {
    let path = match substitute(&Value::String(op.path.clone()), resolved) {
        Value::String(s) => s,
        _ => op.path.clone(),
    };
    let method =
        Method::from_bytes(op.method.to_ascii_uppercase().as_bytes()).unwrap_or(Method::POST);
    let data = op.data.as_ref().map(|d| substitute(d, resolved));
    let mut req = ScimRequest::new(method.clone(), &path);
    req.if_match = op.version.clone();
    req.body_len = data.as_ref().map(|d| d.to_string().len()).unwrap_or(0);
    req.body = data;
    let reply = shared.dispatch(&req);
    let mut result = Map::new();
    result.insert("method".to_owned(), json!(method.as_str()));
    if let Some(b) = &op.bulk_id {
        result.insert("bulkId".to_owned(), json!(b));
    }
    if reply.status < 400 {
        let location = reply
            .location
            .clone()
            .unwrap_or_else(|| format!("{}{}", shared.base_url, path));
        result.insert("location".to_owned(), json!(location));
        if let Some(v) = &reply.etag {
            result.insert("version".to_owned(), json!(v));
        }
    }
    result.insert("status".to_owned(), json!(reply.status.to_string()));
    if let Some(body) = reply.body {
        result.insert("response".to_owned(), body);
    }
    Value::Object(result)
}

fn error_result(op: &Op, e: &ScimError) -> Value {
    let mut result = Map::new();
    result.insert("method".to_owned(), json!(op.method));
    if let Some(b) = &op.bulk_id {
        result.insert("bulkId".to_owned(), json!(b));
    }
    result.insert("status".to_owned(), json!(e.status.to_string()));
    result.insert("response".to_owned(), e.body());
    Value::Object(result)
}
