//! Queries (RFC 7644 §3.4.2 and §3.4.3) as they cross the ABI: a JSON object with the
//! RFC's parameter names.

use scim_core::resource::SortOrder;
use serde::Deserialize;

use crate::error::scim_error;
use crate::scim_code::SCIM_ERR_INVALID_ARGUMENT;

fn invalid(message: impl Into<String>) -> scim_error {
    scim_error::new(SCIM_ERR_INVALID_ARGUMENT, message)
}

/// A query: the RFC 7644 §3.4.2 / §3.4.3 parameters, under their RFC names.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Query {
    pub(crate) filter: Option<String>,
    pub(crate) sort_by: Option<String>,
    pub(crate) sort_order: Option<String>,
    pub(crate) count: Option<u64>,
    pub(crate) start_index: Option<u64>,
    pub(crate) cursor: Option<String>,
    pub(crate) attributes: Option<Vec<String>>,
    pub(crate) excluded_attributes: Option<Vec<String>>,
    /// Accepted so that a whole SearchRequest can be passed; the client writes its own.
    #[allow(dead_code)]
    schemas: Option<Vec<String>>,
}

impl Query {
    pub(crate) fn sort_order(&self) -> Result<Option<SortOrder>, scim_error> {
        // RFC 7644 §3.4.2.3: "sortOrder ... Allowed values are "ascending" and "descending"."
        match self.sort_order.as_deref() {
            None => Ok(None),
            Some(s) if s.eq_ignore_ascii_case("ascending") => Ok(Some(SortOrder::Ascending)),
            Some(s) if s.eq_ignore_ascii_case("descending") => Ok(Some(SortOrder::Descending)),
            Some(s) => Err(invalid(format!(
                "`sortOrder` must be \"ascending\" or \"descending\", not {s:?}"
            ))),
        }
    }

    /// Fails when the query sets a parameter `what` does not take.
    pub(crate) fn only(&self, what: &str, allowed: &[&str]) -> Result<(), scim_error> {
        let set = [
            ("filter", self.filter.is_some()),
            ("sortBy", self.sort_by.is_some()),
            ("sortOrder", self.sort_order.is_some()),
            ("count", self.count.is_some()),
            ("startIndex", self.start_index.is_some()),
            ("cursor", self.cursor.is_some()),
            ("attributes", self.attributes.is_some()),
            ("excludedAttributes", self.excluded_attributes.is_some()),
        ];
        match set
            .iter()
            .find(|(name, is_set)| *is_set && !allowed.contains(name))
        {
            Some((name, _)) => Err(invalid(format!("{what} does not take `{name}`"))),
            None => Ok(()),
        }
    }
}

/// Sets a query's list parameters on a list or iterator builder (which share their
/// setters but no trait).
macro_rules! with_query {
    ($builder:expr, $query:expr) => {{
        let q = $query;
        let mut b = $builder;
        if let Some(f) = &q.filter {
            b = b.filter(f.as_str());
        }
        if let Some(s) = &q.sort_by {
            b = b.sort_by(s.clone());
        }
        if let Some(o) = q.sort_order()? {
            b = b.sort_order(o);
        }
        if let Some(c) = q.count {
            b = b.count(c);
        }
        if let Some(a) = &q.attributes {
            b = b.attributes(a.iter().cloned());
        }
        if let Some(a) = &q.excluded_attributes {
            b = b.excluded_attributes(a.iter().cloned());
        }
        b
    }};
}
pub(crate) use with_query;
