//! The discovery endpoints of RFC 7644 §4: `/ServiceProviderConfig` (RFC 7643 §5, with
//! RFC 9865's `pagination`), `/ResourceTypes` (RFC 7643 §6) and `/Schemas` (RFC 7643 §7,
//! from scim-core's built-in registry).

use scim_core::{urn, SchemaRegistry};
use serde_json::{json, Value};

use crate::config::{Capabilities, PaginationMethod};
use crate::reply::{Reply, ScimError, ScimResult};
use crate::service::{ScimRequest, Shared};
use crate::store::Kind;

/// Answers a GET on a discovery endpoint (`segs` is the path, e.g. `["Schemas", urn]`).
pub(crate) fn serve(shared: &Shared, segs: &[&str], req: &ScimRequest) -> ScimResult<Reply> {
    // RFC 7644 §4: "If a "filter" is provided, the service provider SHOULD respond with
    // HTTP status code 403 (Forbidden) to ensure that clients cannot incorrectly assume
    // that any matching conditions specified in a filter are true."
    if req
        .query
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("filter"))
    {
        return Err(ScimError::new(
            403,
            None,
            "filtering is not supported on discovery endpoints",
        ));
    }
    match segs {
        ["ServiceProviderConfig"] => Ok(Reply::json(
            200,
            service_provider_config(shared, &shared.caps()),
        )),
        ["ResourceTypes"] => Ok(list(
            [Kind::User, Kind::Group]
                .map(|k| resource_type(shared, k))
                .to_vec(),
        )),
        ["ResourceTypes", name] => [Kind::User, Kind::Group]
            .into_iter()
            .find(|k| k.name() == *name)
            .map(|k| Reply::json(200, resource_type(shared, k)))
            .ok_or_else(|| ScimError::not_found("ResourceType", name)),
        ["Schemas"] => Ok(list(
            SchemaRegistry::core()
                .schemas()
                .map(|s| schema(shared, s))
                .collect(),
        )),
        ["Schemas", id] => SchemaRegistry::core()
            .schema(id)
            .map(|s| Reply::json(200, schema(shared, s)))
            .ok_or_else(|| ScimError::not_found("Schema", id)),
        _ => Err(ScimError::new(
            404,
            None,
            format!("no endpoint at {}", req.path),
        )),
    }
}

fn list(resources: Vec<Value>) -> Reply {
    Reply::json(
        200,
        json!({
            "schemas": [urn::LIST_RESPONSE],
            "totalResults": resources.len(),
            "itemsPerPage": resources.len(),
            "startIndex": 1,
            "Resources": resources,
        }),
    )
}

/// The ServiceProviderConfig document for `caps`.
pub(crate) fn service_provider_config(shared: &Shared, caps: &Capabilities) -> Value {
    let default_method = match caps.effective_default_pagination() {
        PaginationMethod::Index => "index",
        PaginationMethod::Cursor => "cursor",
    };
    json!({
        "schemas": [urn::SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://datatracker.ietf.org/doc/html/rfc7644",
        "patch": {"supported": caps.patch},
        "bulk": {
            "supported": caps.bulk,
            "maxOperations": caps.bulk_max_operations,
            "maxPayloadSize": caps.bulk_max_payload_size,
        },
        "filter": {"supported": caps.filter, "maxResults": caps.max_results},
        "changePassword": {"supported": caps.change_password},
        "sort": {"supported": caps.sort},
        "etag": {"supported": caps.etag},
        // RFC 9865 §4: "pagination: A complex type that indicates pagination configuration
        // options."
        "pagination": {
            "cursor": caps.cursor,
            "index": caps.index,
            "defaultPaginationMethod": default_method,
            "defaultPageSize": caps.default_page_size,
            "maxPageSize": caps.max_page_size,
            "cursorTimeout": caps.cursor_timeout_secs,
        },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with a bearer token (RFC 6750)",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{}/ServiceProviderConfig", shared.base_url),
        },
    })
}

fn resource_type(shared: &Shared, kind: Kind) -> Value {
    let mut rt = json!({
        "schemas": [urn::RESOURCE_TYPE],
        "id": kind.name(),
        "name": kind.name(),
        "endpoint": kind.endpoint(),
        "description": match kind {
            Kind::User => "User Account",
            Kind::Group => "Group",
        },
        "schema": kind.schema(),
        "meta": {
            "resourceType": "ResourceType",
            "location": format!("{}/ResourceTypes/{}", shared.base_url, kind.name()),
        },
    });
    if kind == Kind::User {
        rt["schemaExtensions"] = json!([{"schema": urn::ENTERPRISE_USER, "required": false}]);
    }
    rt
}

fn schema(shared: &Shared, s: &scim_core::schema::Schema) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        if !map.contains_key("schemas") {
            map.insert("schemas".to_owned(), json!([urn::SCHEMA]));
        }
        map.insert(
            "meta".to_owned(),
            json!({
                "resourceType": "Schema",
                "location": format!("{}/Schemas/{}", shared.base_url, s.id),
            }),
        );
    }
    v
}
