//! What a SCIM operation answers, before it becomes an HTTP response: a status, a JSON
//! body, and the `ETag` / `Location` headers; and the SCIM error responses of
//! RFC 7644 §3.12.

use scim_core::resource::ErrorResponse;
use scim_core::{ScimObject, ScimType};
use serde_json::Value;

/// The answer of one SCIM operation (also one bulk operation's result).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    /// A JSON body already serialized (large list responses are written directly);
    /// takes precedence over `body`.
    pub raw: Option<Vec<u8>>,
    /// The entity tag of the resource, header form (`W/"3"`).
    pub etag: Option<String>,
    /// The resource's URI, for 201 Created.
    pub location: Option<String>,
    /// Extra headers (e.g. `Retry-After`).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            raw: None,
            etag: None,
            location: None,
            headers: Vec::new(),
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            raw: None,
            etag: None,
            location: None,
            headers: Vec::new(),
        }
    }

    /// A reply whose JSON body is already serialized.
    pub fn raw_json(status: u16, bytes: Vec<u8>) -> Reply {
        Reply {
            raw: Some(bytes),
            ..Reply::empty(status)
        }
    }

    pub fn with_etag(mut self, etag: Option<String>) -> Reply {
        self.etag = etag;
        self
    }

    pub fn with_location(mut self, location: Option<String>) -> Reply {
        self.location = location;
        self
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

/// A SCIM error (RFC 7644 §3.12): status, optional `scimType`, detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// 400 with a scimType.
    pub fn bad(scim_type: ScimType, detail: impl Into<String>) -> Self {
        ScimError::new(400, Some(scim_type), detail)
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        ScimError::new(404, None, format!("{what} {id} not found"))
    }

    /// 501: a capability switched off in the ServiceProviderConfig.
    pub fn not_implemented(what: &str) -> Self {
        ScimError::new(
            501,
            None,
            format!("{what} is not supported by this service provider"),
        )
    }

    /// The RFC 7644 §3.12 body, from scim-core's `ErrorResponse` (`status` written as a
    /// string, as in the RFC's examples).
    pub fn body(&self) -> Value {
        ErrorResponse::new(
            self.status,
            self.scim_type.clone(),
            Some(self.detail.clone()),
        )
        .into_resource()
        .into_value()
    }
}

impl From<ScimError> for Reply {
    fn from(e: ScimError) -> Reply {
        Reply::json(e.status, e.body())
    }
}

/// Maps an error of scim-core (a filter that does not parse, a PATCH that cannot apply,
/// a body that does not decode) to the SCIM error a server answers with.
impl From<scim_core::Error> for ScimError {
    fn from(e: scim_core::Error) -> ScimError {
        let scim_type = e.scim_type().cloned().or(match e.code() {
            scim_core::ErrorCode::Decode | scim_core::ErrorCode::InvalidInput => {
                Some(ScimType::InvalidSyntax)
            }
            _ => None,
        });
        let status = match e.status() {
            Some(s) if s >= 400 => s,
            _ => 400,
        };
        ScimError::new(status, scim_type, e.to_string())
    }
}

pub(crate) type ScimResult<T> = Result<T, ScimError>;
