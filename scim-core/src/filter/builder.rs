//! Building filters in code, safely: values are always escaped when printed, so
//! untrusted input can never change a filter's structure (filter injection).
//!
//! ```
//! use scim_core::filter::Filter;
//! let untrusted = r#"x" or userName pr or ""#;
//! let f = Filter::eq("userName", untrusted)? & !Filter::pr("title")?;
//! assert_eq!(f.to_string(), r#"userName eq "x\" or userName pr or \"" and not (title pr)"#);
//! assert_eq!(Filter::parse(&f.to_string())?, f);
//! # Ok::<(), scim_core::Error>(())
//! ```
//!
//! Paths given as text are parsed as attribute paths (`name.givenName`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`), so the
//! constructors that take one return a [`Result`]: a malformed path is an
//! [`Error::Filter`] naming the offset, never a panic and never text pasted into the
//! filter. Pass an [`AttrPath`] to skip parsing. Values that are not a string, number,
//! boolean or null (arrays, objects) are an [`Error::InvalidInput`].

use std::ops::{BitAnd, BitOr, Not};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::filter::ast::{AttrPath, CompareOp, Filter, ParseOptions};
use crate::filter::CompValue;

/// Something that names an attribute: an [`AttrPath`], or text parsed as one.
pub trait IntoAttrPath {
    /// The attribute path, or [`Error::Filter`] when the text is not one.
    fn into_attr_path(self) -> Result<AttrPath>;
}

impl IntoAttrPath for AttrPath {
    fn into_attr_path(self) -> Result<AttrPath> {
        Ok(self)
    }
}

impl IntoAttrPath for &AttrPath {
    fn into_attr_path(self) -> Result<AttrPath> {
        Ok(self.clone())
    }
}

impl IntoAttrPath for &str {
    fn into_attr_path(self) -> Result<AttrPath> {
        AttrPath::parse(self)
    }
}

impl IntoAttrPath for String {
    fn into_attr_path(self) -> Result<AttrPath> {
        AttrPath::parse(&self)
    }
}

impl IntoAttrPath for &String {
    fn into_attr_path(self) -> Result<AttrPath> {
        AttrPath::parse(self)
    }
}

impl AttrPath {
    /// Parses an attribute path (`[URI ":"] ATTRNAME ["." ATTRNAME]`); errors are
    /// [`Error::Filter`].
    pub fn parse(input: &str) -> Result<AttrPath> {
        let options = ParseOptions::default();
        crate::filter::parser::attr_path_only(input, &options)
            .map_err(|e| crate::filter::syntax_error(input, *e, Error::Filter))
    }
}

impl std::str::FromStr for AttrPath {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        AttrPath::parse(s)
    }
}

macro_rules! comparisons {
    ($($(#[$doc:meta])* $fn:ident => $op:ident,)*) => {
        impl Filter {
            $(
                $(#[$doc])*
                pub fn $fn(path: impl IntoAttrPath, value: impl Into<Value>) -> Result<Filter> {
                    Filter::compare(path, CompareOp::$op, value)
                }
            )*
        }
    };
}

comparisons! {
    /// `path eq value`.
    eq => Eq,
    /// `path ne value`.
    ne => Ne,
    /// `path co value`.
    co => Co,
    /// `path sw value`.
    sw => Sw,
    /// `path ew value`.
    ew => Ew,
    /// `path gt value`.
    gt => Gt,
    /// `path ge value`.
    ge => Ge,
    /// `path lt value`.
    lt => Lt,
    /// `path le value`.
    le => Le,
}

impl Filter {
    /// `path op value`; `value` must be a string, number, boolean or null.
    pub fn compare(
        path: impl IntoAttrPath,
        op: CompareOp,
        value: impl Into<Value>,
    ) -> Result<Filter> {
        let value = CompValue::try_from(value.into())?;
        Ok(Filter::Compare {
            path: path.into_attr_path()?,
            op,
            value,
        })
    }

    /// `path pr`.
    pub fn pr(path: impl IntoAttrPath) -> Result<Filter> {
        Ok(Filter::Present(path.into_attr_path()?))
    }

    /// `attr[filter]`: `attr` must have no sub-attribute and `filter` no value path.
    pub fn value_path(attr: impl IntoAttrPath, filter: Filter) -> Result<Filter> {
        let attr = attr.into_attr_path()?;
        if attr.sub_attr.is_some() {
            return Err(Error::InvalidInput(format!(
                "the attribute of a value path has no sub-attribute: `{attr}`"
            )));
        }
        if filter.has_value_path() {
            return Err(Error::InvalidInput(
                "value paths cannot be nested (RFC 7644 §3.4.2.2 valFilter)".to_owned(),
            ));
        }
        Ok(Filter::ValuePath {
            attr,
            filter: Box::new(filter),
        })
    }

    /// `self and other` (also `self & other`).
    pub fn and(self, other: Filter) -> Filter {
        Filter::And(Box::new(self), Box::new(other))
    }

    /// `self or other` (also `self | other`).
    pub fn or(self, other: Filter) -> Filter {
        Filter::Or(Box::new(self), Box::new(other))
    }

    /// True when this filter holds a value path anywhere.
    pub fn has_value_path(&self) -> bool {
        let mut stack = vec![self];
        while let Some(f) = stack.pop() {
            match f {
                Filter::ValuePath { .. } => return true,
                Filter::And(l, r) | Filter::Or(l, r) => {
                    stack.push(l);
                    stack.push(r);
                }
                Filter::Not(inner) => stack.push(inner),
                Filter::Compare { .. } | Filter::Present(_) => {}
            }
        }
        false
    }
}

impl BitAnd for Filter {
    type Output = Filter;
    /// `self and rhs`.
    fn bitand(self, rhs: Filter) -> Filter {
        self.and(rhs)
    }
}

impl BitOr for Filter {
    type Output = Filter;
    /// `self or rhs`.
    fn bitor(self, rhs: Filter) -> Filter {
        self.or(rhs)
    }
}

impl Not for Filter {
    type Output = Filter;
    /// `not (self)`.
    fn not(self) -> Filter {
        Filter::Not(Box::new(self))
    }
}
