//! PATCH paths (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`.
//!
//! ```
//! use scim_core::path::Path;
//! let p = Path::parse(r#"emails[type eq "work"].value"#)?;
//! assert_eq!(p.name, "emails");
//! assert_eq!(p.sub_attr.as_deref(), Some("value"));
//! assert_eq!(p.to_string(), r#"emails[type eq "work"].value"#);
//! # Ok::<(), scim_core::Error>(())
//! ```

use std::fmt::{self, Display, Formatter, Write};

use crate::error::{Error, Result};
use crate::filter::{parser::Parser, syntax_error, AttrPath, CompactString, Filter, ParseOptions};

/// A PATCH operation's `path`: an attribute, optionally URN-qualified, with an optional
/// value filter and an optional sub-attribute: `name`, `name.sub`, `name[filter]`,
/// `name[filter].sub`.
///
/// A path naming a whole extension object
/// (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`) parses, as the grammar
/// reads it, with `urn` = `urn:ietf:params:scim:schemas:extension:enterprise:2.0` and
/// `name` = `User`; [`Path::full_name`] gives the text back for a schema lookup.
///
/// Names are [`CompactString`]s, as in [`AttrPath`]: they deref to `&str` and are stored
/// inline up to 24 bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The schema URN prefix, without the `:` that ends it.
    pub urn: Option<CompactString>,
    /// The attribute name.
    pub name: CompactString,
    /// The value filter, for `name[filter]`.
    pub filter: Option<Filter>,
    /// The sub-attribute, for `name.sub` and `name[filter].sub`.
    pub sub_attr: Option<CompactString>,
}

impl Path {
    /// Parses a path with the default options; errors are [`Error::Path`] (scimType
    /// `invalidPath`).
    ///
    /// ```
    /// use scim_core::path::Path;
    /// let err = Path::parse("name.givenName.x").unwrap_err();
    /// assert_eq!(err.position(), Some(14));
    /// ```
    pub fn parse(input: &str) -> Result<Path> {
        Path::parse_with(input, &ParseOptions::default())
    }

    /// Parses a path with the given limits (`lenient` changes nothing in paths).
    pub fn parse_with(input: &str, options: &ParseOptions) -> Result<Path> {
        Parser::new(input, options)
            .and_then(Parser::path)
            .map_err(|e| syntax_error(input, *e, Error::Path))
    }

    /// The attribute part as an [`AttrPath`] (URN, name and sub-attribute, without the
    /// filter).
    pub fn attr_path(&self) -> AttrPath {
        AttrPath {
            urn: self.urn.clone(),
            name: self.name.clone(),
            sub_attr: self.sub_attr.clone(),
        }
    }

    /// `urn:name` (or `name`): the text of the path before any filter or sub-attribute.
    pub fn full_name(&self) -> String {
        match &self.urn {
            Some(urn) => format!("{urn}:{}", self.name),
            None => self.name.to_string(),
        }
    }
}

impl Display for Path {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            f.write_str(urn)?;
            f.write_char(':')?;
        }
        f.write_str(&self.name)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub_attr {
            f.write_char('.')?;
            f.write_str(sub)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Path {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Path::parse(s)
    }
}
