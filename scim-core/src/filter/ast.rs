//! The filter syntax tree (RFC 7644 §3.4.2.2) and the parser's options.

use compact_str::CompactString;

use crate::filter::CompValue;

/// An attribute path: an optional schema URN, an attribute name and at most one
/// sub-attribute (RFC 7644 §3.4.2.2 `attrPath = [URI ":"] ATTRNAME *1subAttr`).
///
/// Names keep the spelling they were given; SCIM compares them case-insensitively
/// (RFC 7643 §2.1), which evaluation does. Two paths that differ only in case are
/// therefore different values of this type (so that printing gives back the input's
/// spelling) but select the same attribute.
///
/// A core-schema URN (`urn:ietf:params:scim:schemas:core:2.0:User:userName`) qualifies a
/// top-level attribute; an extension URN selects the extension object of that name.
///
/// The parts are [`CompactString`]s (re-exported as `scim_core::filter::CompactString`):
/// they deref to `&str`, and a part of up to 24 bytes (every name of the RFC 7643
/// schemas) is stored inline, so parsing allocates nothing for names; URNs are longer
/// and are stored on the heap.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    /// The schema URN prefix, without the `:` that ends it.
    pub urn: Option<CompactString>,
    /// The attribute name.
    pub name: CompactString,
    /// The sub-attribute name, for `name.sub`.
    pub sub_attr: Option<CompactString>,
}

impl AttrPath {
    /// A path with a name only (not validated: use [`AttrPath::parse`] for text).
    pub fn new(name: impl Into<CompactString>) -> Self {
        AttrPath {
            urn: None,
            name: name.into(),
            sub_attr: None,
        }
    }
}

/// A comparison operator of RFC 7644 §3.4.2.2, Table 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal (true when the attribute has no value equal to the operand,
    /// including when it is absent).
    Ne,
    /// `co`: contains (the operand is a substring of the value).
    Co,
    /// `sw`: starts with.
    Sw,
    /// `ew`: ends with.
    Ew,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal to.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal to.
    Le,
}

impl CompareOp {
    /// Every operator, in the RFC's order.
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ];

    /// The operator's canonical (lower-case) spelling, e.g. `"eq"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    /// Parses an operator, case-insensitively (RFC 7644 §3.4.2.2: "Attribute names and
    /// attribute operators used in filters are case insensitive").
    pub fn parse(s: &str) -> Option<CompareOp> {
        let &[a, b] = s.as_bytes() else {
            return None;
        };
        Some(match [a.to_ascii_lowercase(), b.to_ascii_lowercase()] {
            [b'e', b'q'] => CompareOp::Eq,
            [b'n', b'e'] => CompareOp::Ne,
            [b'c', b'o'] => CompareOp::Co,
            [b's', b'w'] => CompareOp::Sw,
            [b'e', b'w'] => CompareOp::Ew,
            [b'g', b't'] => CompareOp::Gt,
            [b'g', b'e'] => CompareOp::Ge,
            [b'l', b't'] => CompareOp::Lt,
            [b'l', b'e'] => CompareOp::Le,
            _ => return None,
        })
    }

    /// True for the ordering operators `gt`, `ge`, `lt` and `le`.
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        )
    }
}

/// A SCIM filter (RFC 7644 §3.4.2.2).
///
/// Parentheses used for grouping leave no node of their own: `(a pr)` is `a pr`. `and`
/// and `or` chains are left-associative (`a and b and c` is `And(And(a, b), c)`).
///
/// Build one with [`Filter::parse`] or the builder ([`Filter::eq`] and friends), which
/// both validate; a tree assembled by hand is printed as given, so it reads back the
/// same only when it is a valid filter (scalar values, attribute names per RFC 7643
/// §2.1, no value path inside a value path).
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attrPath op value`.
    Compare {
        /// The attribute compared.
        path: AttrPath,
        /// The comparison operator.
        op: CompareOp,
        /// The operand: a JSON string, number, boolean or null.
        value: CompValue,
    },
    /// `attrPath pr`: the attribute has a non-empty value.
    Present(AttrPath),
    /// `left and right`.
    And(Box<Filter>, Box<Filter>),
    /// `left or right`.
    Or(Box<Filter>, Box<Filter>),
    /// `not (filter)`.
    Not(Box<Filter>),
    /// `attr[filter]`: a value filter over the elements of a (usually multi-valued,
    /// complex) attribute; names in `filter` are sub-attributes of `attr`. `attr` has no
    /// sub-attribute.
    ValuePath {
        /// The attribute whose values are filtered.
        attr: AttrPath,
        /// The filter each value is tested with.
        filter: Box<Filter>,
    },
}

/// Options of [`Filter::parse_with`] and [`Path::parse_with`](crate::path::Path::parse_with).
///
/// The defaults are strict (the RFC 7644 grammar, errata 4690 and 7322 applied) with
/// limits no legitimate filter reaches: 64 KiB of text and 128 levels of nesting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept what major identity providers send although the ABNF forbids it:
    ///
    /// - a sub-attribute after a value path, compared: `emails[type eq "work"].value eq
    ///   "x"` (Microsoft Entra ID) is read as `emails[type eq "work" and value eq "x"]`,
    ///   and `emails[type eq "work"].value pr` as `emails[type eq "work" and value pr]`;
    /// - `true`, `false` and `null` in any case (`True`);
    /// - missing spaces where the grammar requires one (`userName eq"x"`,
    ///   `(a pr)and(b pr)`), and tabs or line breaks used as spaces;
    /// - unescaped control characters inside strings.
    pub lenient: bool,
    /// The longest input accepted, in bytes.
    pub max_length: usize,
    /// The deepest nesting accepted: each `(`, `not (` and value path `[` is one level.
    pub max_depth: usize,
}

impl ParseOptions {
    /// The default input length limit: 64 KiB.
    pub const DEFAULT_MAX_LENGTH: usize = 64 * 1024;
    /// The default nesting limit: 128 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 128;

    /// The default options with `lenient` set.
    pub fn lenient() -> Self {
        ParseOptions {
            lenient: true,
            ..ParseOptions::default()
        }
    }
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            lenient: false,
            max_length: Self::DEFAULT_MAX_LENGTH,
            max_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }
}
