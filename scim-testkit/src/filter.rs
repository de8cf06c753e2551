//! Filters (RFC 7644 §3.4.2.2): parsed and evaluated by scim-core; this module adds what
//! a server needs around them — whether a filter reads a user's derived `groups`, and
//! the `userName eq "..."` shape that the store answers from its index.

use scim_core::filter::{AttrPath, CompValue, CompareOp};
use scim_core::{urn, Filter, Resource, SchemaRegistry};

use crate::reply::ScimResult;

/// A parsed filter, ready to test resources.
#[derive(Debug)]
pub(crate) struct Matcher {
    filter: Filter,
    mentions_groups: bool,
}

impl Matcher {
    /// Parses a filter; a syntax error is a 400 `invalidFilter`.
    pub fn parse(text: &str) -> ScimResult<Matcher> {
        let filter = Filter::parse(text)?;
        let mentions_groups = mentions(&filter, "groups");
        Ok(Matcher {
            filter,
            mentions_groups,
        })
    }

    /// True when the filter may look at a user's derived `groups` attribute.
    pub fn mentions_groups(&self) -> bool {
        self.mentions_groups
    }

    /// The value of a filter `userName eq "<value>"`, which the userName index answers.
    pub fn user_name_eq(&self) -> Option<&str> {
        match &self.filter {
            Filter::Compare {
                path,
                op: CompareOp::Eq,
                value: CompValue::String(s),
            } if is_top_level(path, "userName") && path.sub_attr.is_none() => Some(s),
            _ => None,
        }
    }

    /// Whether `resource` matches; an evaluation error (e.g. `gt` on a boolean) is a 400
    /// `invalidFilter`.
    pub fn matches(&self, resource: &Resource) -> ScimResult<bool> {
        Ok(self.filter.matches(resource, SchemaRegistry::core())?)
    }
}

/// True when `path` names the top-level attribute `name` (unqualified or qualified by a
/// core schema).
fn is_top_level(path: &AttrPath, name: &str) -> bool {
    path.name.eq_ignore_ascii_case(name)
        && path.urn.as_deref().is_none_or(urn::is_core_resource_schema)
}

fn mentions(filter: &Filter, name: &str) -> bool {
    match filter {
        Filter::Compare { path, .. } | Filter::Present(path) => is_top_level(path, name),
        Filter::ValuePath { attr, .. } => is_top_level(attr, name),
        Filter::And(a, b) | Filter::Or(a, b) => mentions(a, name) || mentions(b, name),
        Filter::Not(f) => mentions(f, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_groups_and_the_user_name_index_shape() {
        let m = Matcher::parse(r#"not (groups[value eq "g1"]) and active eq true"#).unwrap();
        assert!(m.mentions_groups());
        assert_eq!(m.user_name_eq(), None);
        let m = Matcher::parse(r#"USERNAME eq "BJensen""#).unwrap();
        assert!(!m.mentions_groups());
        assert_eq!(m.user_name_eq(), Some("BJensen"));
        let m = Matcher::parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x""#)
            .unwrap();
        assert_eq!(m.user_name_eq(), Some("x"));
        assert_eq!(
            Matcher::parse(r#"userName ne "x""#).unwrap().user_name_eq(),
            None
        );
    }

    #[test]
    fn syntax_errors_are_invalid_filter() {
        let e = Matcher::parse("userName eq").unwrap_err();
        assert_eq!(
            (e.status, e.scim_type.unwrap().as_str()),
            (400, "invalidFilter")
        );
    }
}
