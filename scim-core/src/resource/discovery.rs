//! Discovery resources: ServiceProviderConfig (RFC 7643 §5, with RFC 9865's pagination
//! settings), ResourceType (RFC 7643 §6), and the `ScimObject` impl of [`Schema`] (§7).

use serde_json::Value;

use super::codec::{scim_object, scim_struct};
use super::{Meta, Resource, ScimObject};
use crate::error::{Error, Result};
use crate::schema::Schema;
use crate::urn;

scim_struct! {
    /// A service provider's configuration (RFC 7643 §5), served at
    /// `/ServiceProviderConfig`.
    ///
    /// Every capability is optional here because servers omit some; the accessors
    /// ([`ServiceProviderConfig::patch_supported`], ...) read an absent one as unsupported,
    /// which is what RFC 7643 §5 makes the safe assumption.
    pub struct ServiceProviderConfig [schemas = urn::SERVICE_PROVIDER_CONFIG] {
        /// `schemas`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `documentationUri`: the provider's help page.
        documentation_uri: Option<String> = "documentationUri";
        /// `patch`: PATCH support.
        patch: Option<Supported> = "patch";
        /// `bulk`: bulk support and limits.
        bulk: Option<BulkConfig> = "bulk";
        /// `filter`: filter support and the most results a query returns.
        filter: Option<FilterConfig> = "filter";
        /// `changePassword`: whether `password` can be changed.
        change_password: Option<Supported> = "changePassword";
        /// `sort`: sorting support.
        sort: Option<Supported> = "sort";
        /// `etag`: ETag support.
        etag: Option<Supported> = "etag";
        /// `pagination` (RFC 9865 §4): which pagination methods the provider supports.
        pagination: Option<PaginationConfig> = "pagination";
        /// `authenticationSchemes`.
        authentication_schemes: Option<Vec<AuthenticationScheme>> = "authenticationSchemes";
        /// `meta`.
        meta: Option<Meta> = "meta";
    }
}

scim_object!(ServiceProviderConfig, urn::SERVICE_PROVIDER_CONFIG);

fn supported(s: &Option<Supported>) -> bool {
    s.as_ref().and_then(|s| s.supported).unwrap_or(false)
}

impl ServiceProviderConfig {
    /// `patch.supported`.
    pub fn patch_supported(&self) -> bool {
        supported(&self.patch)
    }

    /// `bulk.supported`.
    pub fn bulk_supported(&self) -> bool {
        self.bulk
            .as_ref()
            .and_then(|b| b.supported)
            .unwrap_or(false)
    }

    /// `filter.supported`.
    pub fn filter_supported(&self) -> bool {
        self.filter
            .as_ref()
            .and_then(|f| f.supported)
            .unwrap_or(false)
    }

    /// `changePassword.supported`.
    pub fn change_password_supported(&self) -> bool {
        supported(&self.change_password)
    }

    /// `sort.supported`.
    pub fn sort_supported(&self) -> bool {
        supported(&self.sort)
    }

    /// `etag.supported`.
    pub fn etag_supported(&self) -> bool {
        supported(&self.etag)
    }

    /// `pagination.cursor` (RFC 9865): cursor pagination is supported.
    pub fn cursor_pagination_supported(&self) -> bool {
        self.pagination
            .as_ref()
            .and_then(|p| p.cursor)
            .unwrap_or(false)
    }

    /// `filter.maxResults`: the most results one query returns.
    pub fn max_results(&self) -> Option<u64> {
        self.filter.as_ref()?.max_results
    }
}

scim_struct! {
    /// A capability that is only on or off (`patch`, `changePassword`, `sort`, `etag`).
    pub struct Supported {
        /// `supported`.
        supported: Option<bool> = "supported";
    }
}

scim_struct! {
    /// `bulk` of a [`ServiceProviderConfig`].
    pub struct BulkConfig {
        /// `supported`.
        supported: Option<bool> = "supported";
        /// `maxOperations`: the most operations in one bulk request.
        max_operations: Option<u64> = "maxOperations";
        /// `maxPayloadSize`: the largest bulk request body, in bytes.
        max_payload_size: Option<u64> = "maxPayloadSize";
    }
}

scim_struct! {
    /// `filter` of a [`ServiceProviderConfig`].
    pub struct FilterConfig {
        /// `supported`.
        supported: Option<bool> = "supported";
        /// `maxResults`: the most resources a query returns.
        max_results: Option<u64> = "maxResults";
    }
}

scim_struct! {
    /// `pagination` of a [`ServiceProviderConfig`] (RFC 9865 §4).
    pub struct PaginationConfig {
        /// `cursor`: cursor-based pagination is supported.
        cursor: Option<bool> = "cursor";
        /// `index`: index-based pagination is supported.
        index: Option<bool> = "index";
        /// `defaultPaginationMethod`: `"cursor"` or `"index"`, used when a request names
        /// neither.
        default_pagination_method: Option<String> = "defaultPaginationMethod";
        /// `defaultPageSize`: the page size when a request gives no `count`.
        default_page_size: Option<u64> = "defaultPageSize";
        /// `maxPageSize`: the largest page the provider returns.
        max_page_size: Option<u64> = "maxPageSize";
        /// `cursorTimeout`: how long, in seconds, a cursor stays valid.
        cursor_timeout: Option<u64> = "cursorTimeout";
    }
}

scim_struct! {
    /// One entry of `authenticationSchemes` (RFC 7643 §5).
    pub struct AuthenticationScheme {
        /// `type`: "oauth", "oauth2", "oauthbearertoken", "httpbasic" or "httpdigest".
        type_: Option<String> = "type";
        /// `name`.
        name: Option<String> = "name";
        /// `description`.
        description: Option<String> = "description";
        /// `specUri`.
        spec_uri: Option<String> = "specUri";
        /// `documentationUri`.
        documentation_uri: Option<String> = "documentationUri";
        /// `primary`.
        primary: Option<bool> = "primary";
    }
}

scim_struct! {
    /// A resource type (RFC 7643 §6), served at `/ResourceTypes`.
    pub struct ResourceType [schemas = urn::RESOURCE_TYPE] {
        /// `schemas`.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `id`, often equal to `name`.
        id: Option<String> = "id";
        /// `name`, e.g. "User".
        name: Option<String> = "name";
        /// `description`.
        description: Option<String> = "description";
        /// `endpoint`, e.g. "/Users".
        endpoint: Option<String> = "endpoint";
        /// `schema`: the core schema URN of this type.
        schema: Option<String> = "schema";
        /// `schemaExtensions`.
        schema_extensions: Option<Vec<SchemaExtension>> = "schemaExtensions";
        /// `meta`.
        meta: Option<Meta> = "meta";
    }
}

scim_object!(ResourceType, urn::RESOURCE_TYPE);

scim_struct! {
    /// One entry of a [`ResourceType`]'s `schemaExtensions`.
    pub struct SchemaExtension {
        /// `schema`: the extension's URN.
        schema: Option<String> = "schema";
        /// `required`: whether every resource of the type must carry the extension.
        required: Option<bool> = "required";
    }
}

/// A [`Schema`] decodes with its own serde implementation (owned by [`crate::schema`]);
/// decode errors keep the JSON path.
impl ScimObject for Schema {
    const SCHEMA: Option<&'static str> = Some(urn::SCHEMA);

    fn from_resource(resource: Resource) -> Result<Self> {
        serde_path_to_error::deserialize(resource.into_value()).map_err(|e| {
            let path = e.path().to_string();
            Error::Decode {
                message: e.into_inner().to_string(),
                path: (path != ".").then_some(path),
            }
        })
    }

    fn to_resource(&self) -> Resource {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => Resource::from(map),
            // A struct of strings, booleans and maps always serializes to an object.
            _ => Resource::new(),
        }
    }
}
