//! The discovery endpoints of RFC 7644 §4: `/ServiceProviderConfig` (RFC 7643 §5, with
//! RFC 9865's `pagination`), `/ResourceTypes` (RFC 7643 §6) and `/Schemas` (RFC 7643 §7,
//! from scim-core's built-in registry).

use scim_core::resource::{
    AuthenticationScheme, BulkConfig, FilterConfig, PaginationConfig, ResourceType,
    SchemaExtension, ServiceProviderConfig, Supported,
};
use scim_core::{urn, Meta, SchemaRegistry, ScimObject};
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

/// The ServiceProviderConfig document for `caps`, built with scim-core's typed struct.
pub(crate) fn service_provider_config(shared: &Shared, caps: &Capabilities) -> Value {
    let default_method = match caps.effective_default_pagination() {
        PaginationMethod::Index => "index",
        PaginationMethod::Cursor => "cursor",
    };
    let supported = |on: bool| {
        Some(Supported {
            supported: Some(on),
            ..Supported::default()
        })
    };
    let spc = ServiceProviderConfig {
        schemas: vec![urn::SERVICE_PROVIDER_CONFIG.to_owned()],
        documentation_uri: Some("https://datatracker.ietf.org/doc/html/rfc7644".to_owned()),
        patch: supported(caps.patch),
        bulk: Some(BulkConfig {
            supported: Some(caps.bulk),
            max_operations: Some(caps.bulk_max_operations as u64),
            max_payload_size: Some(caps.bulk_max_payload_size as u64),
            ..BulkConfig::default()
        }),
        filter: Some(FilterConfig {
            supported: Some(caps.filter),
            max_results: Some(caps.max_results as u64),
            ..FilterConfig::default()
        }),
        change_password: supported(caps.change_password),
        sort: supported(caps.sort),
        etag: supported(caps.etag),
        // RFC 9865 §4: "pagination: A complex type that indicates pagination
        // configuration options."
        pagination: Some(PaginationConfig {
            cursor: Some(caps.cursor),
            index: Some(caps.index),
            default_pagination_method: Some(default_method.to_owned()),
            default_page_size: Some(caps.default_page_size as u64),
            max_page_size: Some(caps.max_page_size as u64),
            cursor_timeout: Some(caps.cursor_timeout_secs),
            ..PaginationConfig::default()
        }),
        authentication_schemes: Some(vec![AuthenticationScheme {
            type_: Some("oauthbearertoken".to_owned()),
            name: Some("OAuth Bearer Token".to_owned()),
            description: Some("Authentication with a bearer token (RFC 6750)".to_owned()),
            spec_uri: Some("https://www.rfc-editor.org/rfc/rfc6750".to_owned()),
            primary: Some(true),
            ..AuthenticationScheme::default()
        }]),
        meta: Some(meta(
            "ServiceProviderConfig",
            format!("{}/ServiceProviderConfig", shared.base_url),
        )),
        ..ServiceProviderConfig::default()
    };
    spc.into_resource().into_value()
}

fn meta(resource_type: &str, location: String) -> Meta {
    Meta {
        resource_type: Some(resource_type.to_owned()),
        location: Some(location),
        ..Meta::default()
    }
}

fn resource_type(shared: &Shared, kind: Kind) -> Value {
    let rt = ResourceType {
        schemas: vec![urn::RESOURCE_TYPE.to_owned()],
        id: Some(kind.name().to_owned()),
        name: Some(kind.name().to_owned()),
        description: Some(
            match kind {
                Kind::User => "User Account",
                Kind::Group => "Group",
            }
            .to_owned(),
        ),
        endpoint: Some(kind.endpoint().to_owned()),
        schema: Some(kind.schema().to_owned()),
        schema_extensions: (kind == Kind::User).then(|| {
            vec![SchemaExtension {
                schema: Some(urn::ENTERPRISE_USER.to_owned()),
                required: Some(false),
                ..SchemaExtension::default()
            }]
        }),
        meta: Some(meta(
            "ResourceType",
            format!("{}/ResourceTypes/{}", shared.base_url, kind.name()),
        )),
        ..ResourceType::default()
    };
    rt.into_resource().into_value()
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
