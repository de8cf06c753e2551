//! The bulk request builder (RFC 7644 §3.7), over [`crate::protocol::bulk::BulkPlan`].

use http::StatusCode;

use super::transport::Replay;
use super::Client;
use crate::error::{Error, Result};
use crate::protocol::bulk::{id_from_location, BulkLimits, BulkPlan};
use crate::protocol::{response, Feature};
use crate::resource::{
    BulkMethod, BulkOperation, BulkRequest, BulkResponse, ETag, PatchOp, Resource, ScimObject,
};

pub use crate::protocol::bulk::{BulkOutcome, BulkResult};

/// A bulk request under construction: `client.bulk().create(..).patch(..).send()`.
///
/// - Operations are reordered so that each runs after the operations whose `bulkId` it
///   references (`"bulkId:u1"` in a value or a path), and otherwise keep their order.
/// - They are split into several requests when the server's `bulk.maxOperations` or
///   `bulk.maxPayloadSize` (from its ServiceProviderConfig, or set here) demand it; a
///   reference to an operation of an earlier request is replaced by the id it created.
/// - `failOnErrors` counts errors across those requests.
/// - When the server says it has no bulk support, each operation is sent as its own
///   request (POST, PUT, PATCH or DELETE), with the same ordering and references.
///
/// [`Bulk::send`] returns one [`BulkResult`] per operation, in the order given.
#[derive(Debug)]
#[must_use = "a request does nothing until sent"]
pub struct Bulk {
    client: Client,
    request: BulkRequest,
    limits: BulkLimits,
    force_single: bool,
}

impl Bulk {
    pub(super) fn new(client: Client) -> Self {
        Bulk {
            client,
            request: BulkRequest::default(),
            limits: BulkLimits::default(),
            force_single: false,
        }
    }

    fn push(
        mut self,
        method: BulkMethod,
        bulk_id: Option<&str>,
        path: &str,
        data: Option<serde_json::Value>,
    ) -> Self {
        self.request.operations.push(BulkOperation {
            method,
            bulk_id: bulk_id.map(str::to_owned),
            path: Some(path.to_owned()),
            data,
            ..BulkOperation::default()
        });
        self
    }

    /// `POST path` creating `resource`, identified by `bulk_id` so that later operations
    /// may reference it as `"bulkId:<bulk_id>"` (RFC 7644 §3.7.2).
    pub fn create<T: ScimObject>(self, bulk_id: &str, path: &str, resource: &T) -> Self {
        let mut body = resource.to_resource();
        if let Some(schema) = T::SCHEMA {
            if body.schemas().next().is_none() {
                body.add_schema(schema);
            }
        }
        self.push(
            BulkMethod::Post,
            Some(bulk_id),
            path,
            Some(body.into_value()),
        )
    }

    /// `PUT path` (`/Users/<id>`) replacing the resource.
    pub fn replace<T: ScimObject>(self, path: &str, resource: &T) -> Self {
        let body = resource.to_resource();
        let version = body.version();
        let mut this = self.push(BulkMethod::Put, None, path, Some(body.into_value()));
        if let (Some(op), Some(v)) = (this.request.operations.last_mut(), version) {
            op.version = Some(v.to_string());
        }
        this
    }

    /// `PATCH path` (`/Groups/<id>` or `/Groups/bulkId:g1`) with `operations`.
    pub fn patch(self, path: &str, mut operations: PatchOp) -> Self {
        if operations.schemas.is_empty() {
            operations.schemas = vec![crate::urn::PATCH_OP.to_owned()];
        }
        let data = operations.to_resource().into_value();
        self.push(BulkMethod::Patch, None, path, Some(data))
    }

    /// `DELETE path`.
    pub fn delete(self, path: &str) -> Self {
        self.push(BulkMethod::Delete, None, path, None)
    }

    /// Adds an operation as it is.
    pub fn operation(mut self, operation: BulkOperation) -> Self {
        self.request.operations.push(operation);
        self
    }

    /// Sets `version` (sent as the operation's If-Match) on the last operation added.
    pub fn version(mut self, version: &ETag) -> Self {
        if let Some(op) = self.request.operations.last_mut() {
            op.version = Some(version.to_string());
        }
        self
    }

    /// `failOnErrors`: stop after this many failed operations (RFC 7644 §3.7.3).
    pub fn fail_on_errors(mut self, errors: u64) -> Self {
        self.request.fail_on_errors = Some(errors.max(1));
        self
    }

    /// The most operations per request, below the server's own limit.
    pub fn max_operations(mut self, n: u64) -> Self {
        self.limits.max_operations = Some(n.max(1));
        self
    }

    /// The largest request body in bytes, below the server's own limit.
    pub fn max_payload_size(mut self, bytes: u64) -> Self {
        self.limits.max_payload_size = Some(bytes);
        self
    }

    /// Sends every operation as its own request, even if the server supports bulk.
    pub fn one_request_per_operation(mut self) -> Self {
        self.force_single = true;
        self
    }

    /// Runs the operations. Errors only for a request that cannot be planned (see
    /// [`BulkPlan::new`]); what happened to each operation is in its [`BulkResult`].
    pub async fn send(self) -> Result<Vec<BulkResult>> {
        let caps = self.client.capabilities();
        let min = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let limits = BulkLimits {
            max_operations: min(
                self.limits.max_operations,
                caps.as_ref().and_then(|c| c.bulk_max_operations()),
            ),
            max_payload_size: min(
                self.limits.max_payload_size,
                caps.as_ref().and_then(|c| c.bulk_max_payload_size()),
            ),
        };
        let single = self.force_single || !self.client.supports(Feature::Bulk);
        let mut plan = BulkPlan::new(self.request, limits)?;
        if single {
            while let Some((index, op)) = plan.next_single() {
                let outcome = run_single(&self.client, op).await;
                plan.record_single(index, outcome);
            }
        } else {
            while let Some(request) = plan.next_request() {
                match send_bulk(&self.client, &request).await {
                    Ok(response) => plan.record_response(response.operations),
                    Err(e) => plan.record_failure(&e),
                }
            }
        }
        Ok(plan.finish())
    }
}

async fn send_bulk(client: &Client, request: &BulkRequest) -> Result<BulkResponse> {
    let http_request = client.inner.base.bulk(&request.to_resource())?;
    let response = client.send_request(http_request, Replay::ByMethod).await?;
    BulkResponse::from_resource(response::parse_resource(&response)?)
}

/// Runs one bulk operation as its own request.
async fn run_single(client: &Client, op: BulkOperation) -> BulkOutcome {
    match single(client, op).await {
        Ok(outcome) => outcome,
        Err(e) => BulkOutcome::Failed(e),
    }
}

async fn single(client: &Client, op: BulkOperation) -> Result<BulkOutcome> {
    let path = op
        .path
        .as_deref()
        .ok_or_else(|| Error::InvalidInput("a bulk operation needs a path".into()))?;
    let target = client.inner.base.endpoint(path)?;
    let version = op.version.as_deref().and_then(ETag::parse);
    let data = op.data.clone().unwrap_or(serde_json::Value::Null);
    let request = match op.method {
        BulkMethod::Post => target.create(&data)?,
        BulkMethod::Put => target.replace("", &data, version.as_ref())?,
        BulkMethod::Patch => {
            client.require(Feature::Patch)?;
            target.patch("", &data, version.as_ref())?
        }
        BulkMethod::Delete => target.delete("", version.as_ref())?,
        BulkMethod::Other(ref m) => {
            return Err(Error::InvalidInput(format!(
                "unknown bulk method {m:?}: expected POST, PUT, PATCH or DELETE"
            )))
        }
    };
    let response = client.send_request(request, Replay::ByMethod).await?;
    let body = response::success_body(&response)?;
    let resource = if body.iter().all(u8::is_ascii_whitespace)
        || response.status() == StatusCode::NO_CONTENT
    {
        None
    } else {
        Some(response::parse_resource(&response)?)
    };
    let location = response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            resource
                .as_ref()
                .and_then(Resource::meta)
                .and_then(|m| m.location)
        });
    let id = resource
        .as_ref()
        .and_then(|r| r.id().map(str::to_owned))
        .or_else(|| location.as_deref().and_then(id_from_location));
    let version = response
        .headers()
        .get(http::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .and_then(ETag::parse)
        .or_else(|| resource.as_ref().and_then(Resource::version));
    Ok(BulkOutcome::Succeeded {
        status: response.status().as_u16(),
        location,
        id,
        version,
        resource,
    })
}
