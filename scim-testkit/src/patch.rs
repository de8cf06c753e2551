//! PATCH (RFC 7644 §3.5.2), applied by scim-core.

use scim_core::{Resource, SchemaRegistry};
use serde_json::Value;

use crate::reply::{ScimError, ScimResult};

/// A decoded PatchOp request.
#[derive(Debug)]
pub(crate) struct Ops(Value);

/// Decodes a PatchOp body.
pub(crate) fn parse(body: &Value) -> ScimResult<Ops> {
    Ok(Ops(body.clone()))
}

/// Applies the operations atomically.
pub(crate) fn apply(res: &mut Resource, ops: &Ops, registry: &SchemaRegistry) -> ScimResult<()> {
    let _ = (res, &ops.0, registry);
    Err(ScimError::not_implemented(
        "PATCH apply (pending scim_core::patch)",
    ))
}
