//! Filters (RFC 7644 §3.4.2.2), evaluated by scim-core.

use scim_core::Resource;

use crate::reply::{ScimError, ScimResult};

/// A parsed filter, ready to test resources.
#[derive(Debug)]
pub(crate) struct Matcher {
    text: String,
}

impl Matcher {
    /// Parses a filter; a syntax error is a 400 `invalidFilter`.
    pub fn parse(text: &str) -> ScimResult<Matcher> {
        let _ = text;
        Err(ScimError::not_implemented("filter evaluation (pending scim_core::filter)"))
    }

    /// True when the filter may look at a user's derived `groups` attribute.
    pub fn mentions_groups(&self) -> bool {
        self.text.to_ascii_lowercase().contains("groups")
    }

    /// Whether `resource` matches.
    pub fn matches(&self, resource: &Resource) -> ScimResult<bool> {
        let _ = resource;
        Ok(false)
    }
}
