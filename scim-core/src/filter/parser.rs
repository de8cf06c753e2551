//! A recursive-descent parser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths.
//!
//! The grammar, with errata 4690 and 7322 (`valFilter` inside a value path):
//!
//! ```text
//! FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
//! valuePath = attrPath "[" valFilter "]"
//! valFilter = attrExp / logExp / *1"not" "(" valFilter ")"
//! attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
//! logExp    = FILTER SP ("and" / "or") SP FILTER
//! compValue = false / null / true / number / string
//! attrPath  = [URI ":"] ATTRNAME *1subAttr
//! ATTRNAME  = ALPHA *(nameChar)          ; RFC 7643 §2.1
//! nameChar  = "-" / "_" / DIGIT / ALPHA
//! subAttr   = "." ATTRNAME
//! PATH      = attrPath / valuePath [subAttr]   ; RFC 7644 §3.5.2
//! ```
//!
//! Precedence is `not` > `and` > `or` (RFC 7644 §3.4.2.2, Table 4 lists them by
//! precedence); `and` and `or` associate to the left.
//!
//! Choices where the RFC is silent, following Ping's SCIM 2 SDK where it decides:
//! - An ATTRNAME may start with `$` so that RFC 7643's own `$ref` sub-attribute can be
//!   named (`members[$ref eq "..."]`).
//! - A URI prefix is anything up to the last `:` of the path, and must start with a
//!   letter (a URI scheme); the attribute name cannot contain `:`, so this is exact even
//!   for URNs with dots (`...:enterprise:2.0:User:manager.value`).
//! - `not` followed by a comparison operator or `pr`, or directly by `[`, is an
//!   attribute named `not` (`not eq "x"`, `not[value pr]`), as the grammar allows;
//!   followed by anything else but `(`, it is an error.
//! - Spaces before and after the whole filter are ignored.

use compact_str::CompactString;

use crate::filter::ast::{AttrPath, CompareOp, Filter, ParseOptions};
use crate::filter::lexer::{describe_at, is_name_byte, PResult, ParseError, Scanner, Word};
use crate::filter::CompValue;
use crate::path::Path;

/// Where an expression is parsed: value filters may not hold value paths.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Filter,
    ValueFilter,
}

pub(crate) struct Parser<'a> {
    s: Scanner<'a>,
    max_depth: usize,
    depth: usize,
}

const EXPECT_EXPR: &str = "an attribute path, `not (` or `(`";
const EXPECT_OP: &str = "a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le) or `pr`";
const EXPECT_VALUE: &str = "a value: a string in double quotes, a number, true, false or null";

impl<'a> Parser<'a> {
    pub fn new(input: &'a str, options: &ParseOptions) -> PResult<Self> {
        if input.len() > options.max_length {
            return Err(Box::new(ParseError {
                offset: options.max_length,
                expected: format!("at most {} bytes of input", options.max_length).into(),
                found: format!("{} bytes", input.len()),
            }));
        }
        Ok(Parser {
            s: Scanner::new(input, options.lenient),
            max_depth: options.max_depth,
            depth: 0,
        })
    }

    /// Parses a whole filter. Boxed, as the descent builds it: the caller unboxes once,
    /// and the result travels up in registers.
    pub fn filter(mut self) -> PResult<Box<Filter>> {
        self.s.skip_ws();
        let f = self.or(Ctx::Filter)?;
        self.s.skip_ws();
        if !self.s.at_end() {
            return Err(self.s.error("`and`, `or` or end of input"));
        }
        Ok(f)
    }

    /// Parses a whole PATCH path.
    pub fn path(mut self) -> PResult<Path> {
        self.s.skip_ws();
        let start = self.s.pos();
        let word = self.s.path_word();
        if word.text.is_empty() {
            return Err(self.s.error("an attribute path"));
        }
        let attr = attr_path(&self.s, word, start)?;
        let mut path = Path {
            urn: attr.urn,
            name: attr.name,
            filter: None,
            sub_attr: attr.sub_attr,
        };
        if self.s.peek() == Some(b'[') {
            if path.sub_attr.is_some() {
                return Err(self.s.error(
                    "end of path (a value filter follows the attribute, not its sub-attribute)",
                ));
            }
            path.filter = Some(*self.value_filter()?);
            if self.s.peek() == Some(b'.') {
                self.s.bump();
                path.sub_attr = Some(self.sub_attr_name()?);
            }
        }
        self.s.skip_ws();
        if !self.s.at_end() {
            let expected = if path.filter.is_some() || path.sub_attr.is_some() {
                "end of path"
            } else {
                "`[`, `.` or end of path"
            };
            return Err(self.s.error(expected));
        }
        Ok(path)
    }

    fn enter(&mut self, at: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self
                .s
                .error_at(at, format!("at most {} levels of nesting", self.max_depth)));
        }
        Ok(())
    }

    /// `and`/`or` keyword ahead (after optional spaces)? Consumes it and the space after.
    #[inline(always)]
    fn keyword(&mut self, kw: &str) -> PResult<bool> {
        // Most expressions end at `)`, `]` or the end of the input: no call for those.
        if matches!(self.s.peek(), None | Some(b')' | b']')) {
            return Ok(false);
        }
        self.keyword_after_space(kw)
    }

    fn keyword_after_space(&mut self, kw: &str) -> PResult<bool> {
        let save = self.s.pos();
        let spaced = self.s.skip_ws();
        if !self.s.at_keyword(kw) {
            self.s.set_pos(save);
            return Ok(false);
        }
        self.after_keyword(spaced, kw.len())?;
        Ok(true)
    }

    /// Checks the spaces around the keyword at the cursor and consumes both.
    fn after_keyword(&mut self, spaced: bool, len: usize) -> PResult<()> {
        let at = self.s.pos();
        if !spaced && !self.s.lenient() {
            return Err(self.s.error_at(at, "a space before the logical operator"));
        }
        self.s.set_pos(at + len);
        if !self.s.skip_ws() && !self.s.lenient() && !self.s.at_end() {
            let kw = &self.s.input()[at..at + len];
            return Err(self.s.error(format!("a space after `{kw}`")));
        }
        Ok(())
    }

    // The parsing functions return boxed trees: a `Filter` is large, and the `and`/`or`
    // nodes hold boxes anyway, so each node is written once instead of being moved up
    // through every level of the descent.

    fn or(&mut self, ctx: Ctx) -> PResult<Box<Filter>> {
        let mut left = self.and(ctx)?;
        while self.keyword("or")? {
            let right = self.and(ctx)?;
            left = Box::new(Filter::Or(left, right));
        }
        Ok(left)
    }

    fn and(&mut self, ctx: Ctx) -> PResult<Box<Filter>> {
        let mut left = self.unary(ctx)?;
        while self.keyword("and")? {
            let right = self.unary(ctx)?;
            left = Box::new(Filter::And(left, right));
        }
        Ok(left)
    }

    /// `not (...)`, `(...)` or an attribute expression / value path.
    fn unary(&mut self, ctx: Ctx) -> PResult<Box<Filter>> {
        let start = self.s.pos();
        if self.s.peek() == Some(b'(') {
            return self.group(ctx);
        }
        let word = self.s.path_word();
        if word.text.is_empty() {
            return Err(self.s.error(EXPECT_EXPR));
        }
        if word.text.eq_ignore_ascii_case("not") && self.s.peek() != Some(b'[') {
            let after = self.s.pos();
            self.s.skip_ws();
            if self.s.peek() == Some(b'(') {
                // RFC 7644 §3.4.2.2: `not` "... with or without the space" is read as
                // `*1"not" "(" FILTER ")"`; a space between them is tolerated.
                let inner = self.group(ctx)?;
                return Ok(Box::new(Filter::Not(inner)));
            }
            if CompareOp::parse(self.s.peek_word()).is_none()
                && !self.s.peek_word().eq_ignore_ascii_case("pr")
            {
                return Err(self.s.error("`(` after `not`"));
            }
            self.s.set_pos(after);
        }
        let path = attr_path(&self.s, word, start)?;
        if self.s.peek() == Some(b'[') {
            if ctx == Ctx::ValueFilter {
                return Err(self
                    .s
                    .error("a comparison operator (value paths cannot be nested)"));
            }
            if path.sub_attr.is_some() {
                return Err(self.s.error(EXPECT_OP));
            }
            let inner = self.value_filter()?;
            if self.s.peek() == Some(b'.') {
                if !self.s.lenient() {
                    return Err(self.s.error(
                        "`and`, `or` or end of input (a value path takes no sub-attribute in a filter)",
                    ));
                }
                // Lenient: `emails[type eq "work"].value eq "x"` (Microsoft Entra ID) is
                // `emails[type eq "work" and value eq "x"]`.
                self.s.bump();
                let sub = self.sub_attr_name()?;
                let cmp = self.attr_exp(AttrPath::new(sub))?;
                return Ok(Box::new(Filter::ValuePath {
                    attr: path,
                    filter: Box::new(Filter::And(inner, cmp)),
                }));
            }
            return Ok(Box::new(Filter::ValuePath {
                attr: path,
                filter: inner,
            }));
        }
        self.attr_exp(path)
    }

    /// `( FILTER )` at the cursor.
    fn group(&mut self, ctx: Ctx) -> PResult<Box<Filter>> {
        self.enter(self.s.pos())?;
        self.s.bump();
        self.s.skip_ws();
        let inner = self.or(ctx)?;
        self.s.skip_ws();
        if self.s.peek() != Some(b')') {
            return Err(self.s.error("`)`, `and` or `or`"));
        }
        self.s.bump();
        self.depth -= 1;
        Ok(inner)
    }

    /// `[ valFilter ]` at the cursor.
    fn value_filter(&mut self) -> PResult<Box<Filter>> {
        self.enter(self.s.pos())?;
        self.s.bump();
        self.s.skip_ws();
        let inner = self.or(Ctx::ValueFilter)?;
        self.s.skip_ws();
        if self.s.peek() != Some(b']') {
            return Err(self.s.error("`]`, `and` or `or`"));
        }
        self.s.bump();
        self.depth -= 1;
        Ok(inner)
    }

    /// The ATTRNAME after a `.` that follows a value path.
    fn sub_attr_name(&mut self) -> PResult<CompactString> {
        let start = self.s.pos();
        let word = self.s.word();
        if word.is_empty() {
            return Err(self.s.error("a sub-attribute name"));
        }
        check_name(&self.s, word, start)?;
        Ok(word.into())
    }

    /// `SP "pr"` or `SP compareOp SP compValue` after an attribute path.
    fn attr_exp(&mut self, path: AttrPath) -> PResult<Box<Filter>> {
        let spaced = self.s.skip_ws();
        let at = self.s.pos();
        let word = self.s.word();
        if word.is_empty() {
            return Err(self.s.error_at(at, EXPECT_OP));
        }
        if !spaced && !self.s.lenient() {
            // Only reachable after a value path's `]` followed by a letter.
            return Err(self.s.error_at(at, "a space"));
        }
        if word.eq_ignore_ascii_case("pr") {
            return Ok(Box::new(Filter::Present(path)));
        }
        let Some(op) = CompareOp::parse(word) else {
            return Err(self.s.error_at(at, EXPECT_OP));
        };
        let spaced = self.s.skip_ws();
        if !spaced && !self.s.lenient() {
            return Err(self.s.error("a space after the operator"));
        }
        let value = self.value()?;
        Ok(Box::new(Filter::Compare { path, op, value }))
    }

    /// `compValue`.
    fn value(&mut self) -> PResult<CompValue> {
        match self.s.peek() {
            Some(b'"') => self.s.string().map(CompValue::String),
            Some(b'-' | b'0'..=b'9') => self.s.number().map(CompValue::Number),
            Some(b) if b.is_ascii_alphabetic() => {
                let at = self.s.pos();
                let word = self.s.word();
                // RFC 7644 §3.4.2.2 uses JSON's literals, which are lower-case.
                let literal =
                    |kw: &str| word == kw || (self.s.lenient() && word.eq_ignore_ascii_case(kw));
                if literal("true") {
                    Ok(CompValue::Bool(true))
                } else if literal("false") {
                    Ok(CompValue::Bool(false))
                } else if literal("null") {
                    Ok(CompValue::Null)
                } else {
                    Err(self.s.error_at(at, EXPECT_VALUE))
                }
            }
            _ => Err(self.s.error(EXPECT_VALUE)),
        }
    }
}

/// Parses a whole input as one attribute path (for the builder).
pub(crate) fn attr_path_only(input: &str, options: &ParseOptions) -> PResult<AttrPath> {
    let parser = Parser::new(input, options)?;
    let mut s = parser.s;
    s.skip_ws();
    let start = s.pos();
    let word = s.path_word();
    if word.text.is_empty() {
        return Err(s.error("an attribute path"));
    }
    let path = attr_path(&s, word, start)?;
    s.skip_ws();
    if !s.at_end() {
        return Err(s.error("end of the attribute path"));
    }
    Ok(path)
}

/// Validates a scanned attribute path and splits it into URN, name and sub-attribute, in
/// one pass over the name part.
fn attr_path(s: &Scanner<'_>, word: Word<'_>, start: usize) -> PResult<AttrPath> {
    let text = word.text;
    if word.plain && text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        // The common case, `userName`: a whole ATTRNAME, checked by the scan.
        return Ok(AttrPath::new(CompactString::new(text)));
    }
    let (urn, rest, rest_at) = match word.last_colon {
        Some(i) => {
            let urn = &text[..i];
            if !urn.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
                return Err(s.error_at(
                    start,
                    "an attribute name or a schema URI starting with a letter",
                ));
            }
            (Some(urn), &text[i + 1..], start + i + 1)
        }
        None => (None, text, start),
    };
    let name_len = name_prefix(s, rest, rest_at)?;
    let name = &rest[..name_len];
    let sub = match rest.as_bytes().get(name_len) {
        None => None,
        Some(b'.') => {
            let sub = &rest[name_len + 1..];
            let sub_at = rest_at + name_len + 1;
            let sub_len = name_prefix(s, sub, sub_at)?;
            match sub.as_bytes().get(sub_len) {
                None => Some(sub),
                Some(b'.') => {
                    return Err(s.error_at(
                        sub_at + sub_len,
                        "end of the attribute path (at most one sub-attribute)",
                    ))
                }
                Some(_) => return Err(bad_name_char(s, sub_at + sub_len)),
            }
        }
        Some(_) => return Err(bad_name_char(s, rest_at + name_len)),
    };
    Ok(AttrPath {
        urn: urn.map(CompactString::new),
        name: CompactString::new(name),
        sub_attr: sub.map(CompactString::new),
    })
}

/// The length of the ATTRNAME at the start of `text` (RFC 7643 §2.1: `ATTRNAME = ALPHA
/// *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA`; a leading `$` is allowed for
/// `$ref`). What follows it is for the caller to judge.
fn name_prefix(s: &Scanner<'_>, text: &str, at: usize) -> PResult<usize> {
    let bytes = text.as_bytes();
    match bytes.first() {
        None | Some(b'.') => return Err(s.error_at(at, "an attribute name")),
        Some(b) if b.is_ascii_alphabetic() || *b == b'$' => {}
        Some(_) => return Err(s.error_at(at, "an attribute name starting with a letter")),
    }
    let mut i = 1;
    while bytes.get(i).is_some_and(|&b| is_name_byte(b)) {
        i += 1;
    }
    Ok(i)
}

/// A character that cannot be in an attribute name, at `offset`.
#[cold]
fn bad_name_char(s: &Scanner<'_>, offset: usize) -> Box<ParseError> {
    Box::new(ParseError {
        offset,
        expected: "a letter, digit, `-` or `_` in the attribute name".into(),
        found: describe_char(s.input(), offset),
    })
}

/// Validates a whole ATTRNAME (a sub-attribute after a value path).
fn check_name(s: &Scanner<'_>, name: &str, at: usize) -> PResult<()> {
    let len = name_prefix(s, name, at)?;
    if len < name.len() {
        return Err(bad_name_char(s, at + len));
    }
    Ok(())
}

/// The single character at `offset`.
fn describe_char(input: &str, offset: usize) -> String {
    match input.get(offset..).and_then(|r| r.chars().next()) {
        Some(c) => format!("`{c}`"),
        None => describe_at(input, offset),
    }
}
