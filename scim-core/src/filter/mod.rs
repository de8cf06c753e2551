//! SCIM filters (RFC 7644 §3.4.2.2): parse, print, evaluate and build.
//!
//! - [`Filter::parse`] reads the full grammar (errata 4690 and 7322 applied) with a
//!   hand-written scanner and recursive-descent parser; errors are [`Error::Filter`]
//!   holding a [`SyntaxError`] with the byte offset, what was
//!   expected and what was found. Input length and nesting depth are bounded
//!   ([`ParseOptions`]). [`ParseOptions::lenient`] accepts what major IdPs send beyond the
//!   grammar.
//! - `Display` prints a canonical form that parses back to an equal tree.
//! - [`Filter::matches`] evaluates against a [`Resource`](crate::resource::Resource) using a
//!   [`SchemaRegistry`](crate::schema::SchemaRegistry); [`Filter::matches_value`] evaluates a
//!   value filter against one element of a multi-valued attribute.
//! - [`Filter::eq`] and friends build filters from untrusted values without any risk of
//!   injection.
//!
//! ```
//! use scim_core::filter::{Filter, CompareOp};
//! let f = Filter::parse(r#"title pr AND (userType EQ "Employee" or not(emails co "@x.org"))"#)?;
//! assert_eq!(
//!     f.to_string(),
//!     r#"title pr and (userType eq "Employee" or not (emails co "@x.org"))"#
//! );
//! # Ok::<(), scim_core::Error>(())
//! ```
//!
//! # Evaluation
//!
//! The rules [`Filter::matches`] follows are listed in the `eval` module's source and
//! summarised here: names are case-insensitive; strings compare case-insensitively unless
//! the schema says `caseExact`; `dateTime`s compare as instants, numbers numerically;
//! multi-valued attributes match when any value does; a complex attribute compared
//! without a sub-attribute compares its `value`; `ne` is true when the attribute is
//! absent; `pr` is false for `null`, `""`, `[]` and `{}`; `gt`/`ge`/`lt`/`le` on booleans
//! or binary are an [`Error::FilterEval`].

mod ast;
mod builder;
mod display;
mod eval;
pub(crate) mod lexer;
pub(crate) mod parser;
mod value;

pub use ast::{AttrPath, CompareOp, Filter, ParseOptions};
pub use builder::IntoAttrPath;
/// The small-string type of [`AttrPath`] and [`Path`](crate::path::Path) names and of
/// [`CompValue::String`], re-exported from the `compact_str` crate.
pub use compact_str::CompactString;
pub use value::CompValue;

use crate::error::{Error, Result, SyntaxError};
use lexer::ParseError;

impl Filter {
    /// Parses a filter with the default (strict) options.
    ///
    /// ```
    /// use scim_core::filter::Filter;
    /// let err = Filter::parse(r#"userName eq bjensen"#).unwrap_err();
    /// assert_eq!(err.position(), Some(12));
    /// ```
    pub fn parse(input: &str) -> Result<Filter> {
        Filter::parse_with(input, &ParseOptions::default())
    }

    /// Parses a filter with the given options.
    pub fn parse_with(input: &str, options: &ParseOptions) -> Result<Filter> {
        match parser::Parser::new(input, options).and_then(parser::Parser::filter) {
            Ok(filter) => Ok(*filter),
            Err(e) => Err(syntax_error(input, *e, Error::Filter)),
        }
    }
}

impl std::str::FromStr for Filter {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Filter::parse(s)
    }
}

/// Attaches a parse error to its input, as `Error::Filter` or `Error::Path`.
pub(crate) fn syntax_error(
    input: &str,
    e: ParseError,
    kind: fn(Box<SyntaxError>) -> Error,
) -> Error {
    kind(Box::new(SyntaxError::new(
        input, e.offset, e.expected, e.found,
    )))
}
