//! What a server supports, read from its ServiceProviderConfig (RFC 7643 §5, RFC 9865 §4).
//!
//! Only an explicit `"supported": false` disables a feature: a config that leaves a
//! field out (many servers do, though RFC 7643 marks them required) is taken as silent,
//! and the request is sent and left to the server to refuse.

use crate::error::{Error, Result};
use crate::resource::Resource;

use super::PaginationMethod;

/// A feature a server may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    /// `patch` (RFC 7644 §3.5.2).
    Patch,
    /// `bulk` (RFC 7644 §3.7).
    Bulk,
    /// `filter` (RFC 7644 §3.4.2.2).
    Filter,
    /// `changePassword` (RFC 7643 §5).
    ChangePassword,
    /// `sort` (RFC 7644 §3.4.2.3).
    Sort,
    /// `etag` (RFC 7644 §3.14).
    Etag,
}

impl Feature {
    /// The ServiceProviderConfig attribute of the feature.
    pub fn attribute(self) -> &'static str {
        match self {
            Feature::Patch => "patch",
            Feature::Bulk => "bulk",
            Feature::Filter => "filter",
            Feature::ChangePassword => "changePassword",
            Feature::Sort => "sort",
            Feature::Etag => "etag",
        }
    }
}

/// The capabilities of a server, from its ServiceProviderConfig.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capabilities {
    config: Resource,
}

impl Capabilities {
    /// Reads a ServiceProviderConfig (as a resource; typed configs convert to one).
    pub fn from_config(config: Resource) -> Self {
        Capabilities { config }
    }

    /// The ServiceProviderConfig these capabilities were read from.
    pub fn config(&self) -> &Resource {
        &self.config
    }

    fn flag(&self, path: &str) -> Option<bool> {
        self.config.get_path(path)?.as_bool()
    }

    fn number(&self, path: &str) -> Option<u64> {
        let v = self.config.get_path(path)?;
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    }

    /// False only when the server says `"supported": false` for the feature.
    pub fn supports(&self, feature: Feature) -> bool {
        self.flag(&format!("{}.supported", feature.attribute())) != Some(false)
    }

    /// `Ok` when the server may support `feature`, else [`Error::Unsupported`] naming it.
    pub fn require(&self, feature: Feature) -> Result<()> {
        if self.supports(feature) {
            Ok(())
        } else {
            Err(Error::Unsupported(format!(
                "the server's ServiceProviderConfig says {}.supported = false",
                feature.attribute()
            )))
        }
    }

    /// `bulk.maxOperations`.
    pub fn bulk_max_operations(&self) -> Option<u64> {
        self.number("bulk.maxOperations").filter(|n| *n > 0)
    }

    /// `bulk.maxPayloadSize`, in bytes.
    pub fn bulk_max_payload_size(&self) -> Option<u64> {
        self.number("bulk.maxPayloadSize").filter(|n| *n > 0)
    }

    /// The largest page a server returns: RFC 9865 `pagination.maxPageSize`, else
    /// `filter.maxResults` (RFC 7643 §5).
    pub fn max_page_size(&self) -> Option<u64> {
        self.number("pagination.maxPageSize")
            .or_else(|| self.number("filter.maxResults"))
            .filter(|n| *n > 0)
    }

    /// `count` clamped to [`Capabilities::max_page_size`].
    pub fn clamp_count(&self, count: u64) -> u64 {
        self.max_page_size().map_or(count, |max| count.min(max))
    }

    /// How to walk pages: cursors when RFC 9865 `pagination.cursor` is true and index
    /// pagination is not (or the server names cursors as its default), index-based when
    /// the server says so, [`PaginationMethod::Auto`] when it says nothing.
    pub fn pagination_method(&self) -> PaginationMethod {
        let cursor = self.flag("pagination.cursor");
        let index = self.flag("pagination.index");
        let default = self
            .config
            .get_path("pagination.defaultPaginationMethod")
            .and_then(|v| v.as_str());
        match (cursor, index) {
            (Some(true), Some(false)) => PaginationMethod::Cursor,
            (Some(true), _) if default.is_some_and(|d| d.eq_ignore_ascii_case("cursor")) => {
                PaginationMethod::Cursor
            }
            (Some(false), _) | (_, Some(true)) => PaginationMethod::Index,
            _ => PaginationMethod::Auto,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn caps(v: serde_json::Value) -> Capabilities {
        Capabilities::from_config(Resource::from_value(v).unwrap())
    }

    /// RFC 7643 §5: "patch ... supported: A Boolean value specifying whether or not
    /// the operation is supported."
    #[test]
    fn only_explicit_false_disables() {
        let c = caps(json!({
            "patch": {"supported": false},
            "Bulk": {"supported": true, "maxOperations": 2, "maxPayloadSize": "1000"},
            "filter": {"supported": true, "maxResults": 50}
        }));
        assert!(c
            .require(Feature::Patch)
            .unwrap_err()
            .to_string()
            .contains("patch.supported = false"));
        assert!(c.supports(Feature::Bulk));
        assert!(c.supports(Feature::Etag));
        assert_eq!(c.bulk_max_operations(), Some(2));
        assert_eq!(c.bulk_max_payload_size(), Some(1000));
        assert_eq!(c.clamp_count(500), 50);
        assert_eq!(c.pagination_method(), PaginationMethod::Auto);
    }

    #[test]
    fn pagination_method_follows_rfc9865_config() {
        let c = caps(json!({"pagination": {"cursor": true, "index": false, "maxPageSize": 10}}));
        assert_eq!(c.pagination_method(), PaginationMethod::Cursor);
        assert_eq!(c.clamp_count(20), 10);
        let c = caps(
            json!({"pagination": {"cursor": true, "index": true, "defaultPaginationMethod": "cursor"}}),
        );
        assert_eq!(c.pagination_method(), PaginationMethod::Cursor);
        let c = caps(json!({"pagination": {"cursor": true, "index": true}}));
        assert_eq!(c.pagination_method(), PaginationMethod::Index);
    }
}
