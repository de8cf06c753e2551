//! The one error type of the crate.
//!
//! Every fallible function of `scim-core` returns [`Error`]. Its variants are the kinds
//! of ../DESIGN.md's error table; each maps to a stable machine-readable [`ErrorCode`]
//! that the C, PHP and Python bindings expose unchanged.
//!
//! No variant ever holds a credential: the client strips tokens and passwords before an
//! error is built, so `Debug` and `Display` are safe to log.

use std::borrow::Cow;
use std::fmt;

/// A shorthand for `Result<T, scim_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `scim-core`.
///
/// The enum is `#[non_exhaustive]`: match on [`Error::code`] for a stable classification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a SCIM error response (RFC 7644 §3.12).
    #[error("SCIM error {status}{}{}", fmt_scim_type(scim_type.as_ref()), fmt_detail(detail.as_deref()))]
    Api {
        /// The HTTP status code (from the body's `status`, or the response's when absent).
        status: u16,
        /// The `scimType` of the error body, when the server sent one.
        scim_type: Option<ScimType>,
        /// The human-readable `detail` of the error body, when the server sent one.
        detail: Option<String>,
    },

    /// The server answered with an HTTP error whose body is not a SCIM error
    /// (an HTML page from a proxy, an empty body, plain text).
    #[error("HTTP error {status}{}", fmt_snippet(snippet))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the body (at most a few hundred characters), for diagnosis.
        snippet: String,
    },

    /// The request could not be sent or the response could not be received
    /// (connection refused or reset, TLS failure, DNS failure, truncated body).
    #[error("transport error: {message}")]
    Transport {
        /// What failed, without any credential.
        message: String,
        /// The underlying cause, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A connect or request timeout expired.
    #[error("timed out: {message}")]
    Timeout {
        /// Which timeout expired.
        message: String,
    },

    /// A JSON document (a response body, or input given as JSON) could not be decoded
    /// into what was expected.
    #[error("cannot decode {}: {message}", path.as_deref().filter(|p| !p.is_empty() && *p != ".").unwrap_or("document"))]
    Decode {
        /// What is wrong.
        message: String,
        /// The JSON path of the offending value (`emails[0].value`), when known.
        path: Option<String>,
    },

    /// A filter could not be parsed (scimType `invalidFilter`).
    #[error("invalid filter: {0}")]
    Filter(Box<SyntaxError>),

    /// A filter parsed but cannot be evaluated as written, e.g. `gt` on a boolean
    /// (RFC 7644 §3.4.2.2; scimType `invalidFilter`).
    #[error("invalid filter: {message}")]
    FilterEval {
        /// What is wrong.
        message: String,
    },

    /// A PATCH path could not be parsed (scimType `invalidPath`).
    #[error("invalid path: {0}")]
    Path(Box<SyntaxError>),

    /// A PATCH operation could not be applied (RFC 7644 §3.5.2).
    #[error("PATCH operation {index} failed ({scim_type}): {message}")]
    Patch {
        /// The RFC 7644 scimType: `invalidPath`, `noTarget`, `mutability`,
        /// `invalidValue` or `invalidSyntax`.
        scim_type: ScimType,
        /// The zero-based index of the failing operation in the request.
        index: usize,
        /// What is wrong.
        message: String,
    },

    /// The caller passed something unusable (a bad URL, a non-object resource, a
    /// negative count).
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// The server does not support what was asked (per its ServiceProviderConfig).
    #[error("unsupported by the server: {0}")]
    Unsupported(String),
}

fn fmt_scim_type(t: Option<&ScimType>) -> String {
    t.map(|t| format!(" ({t})")).unwrap_or_default()
}

fn fmt_detail(d: Option<&str>) -> String {
    d.map(|d| format!(": {d}")).unwrap_or_default()
}

fn fmt_snippet(s: &str) -> String {
    if s.is_empty() {
        " (empty body)".to_owned()
    } else {
        format!(": {s}")
    }
}

/// The stable, machine-readable classification of an [`Error`].
///
/// The numeric values are those of the C ABI's `scim_code` (`SCIM_ERR_*`); they never
/// change once released. The string forms ([`ErrorCode::as_str`]) are stable too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(i32)]
pub enum ErrorCode {
    /// [`Error::Api`]
    Api = 1,
    /// [`Error::Http`]
    Http = 2,
    /// [`Error::Transport`]
    Transport = 3,
    /// [`Error::Timeout`]
    Timeout = 4,
    /// [`Error::Decode`]
    Decode = 5,
    /// [`Error::Filter`] and [`Error::FilterEval`]
    InvalidFilter = 6,
    /// [`Error::Path`]
    InvalidPath = 7,
    /// [`Error::Patch`]
    Patch = 8,
    /// [`Error::InvalidInput`]
    InvalidInput = 9,
    /// [`Error::Unsupported`]
    Unsupported = 10,
}

impl ErrorCode {
    /// The code's stable string form, e.g. `"invalid_filter"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Api => "api",
            ErrorCode::Http => "http",
            ErrorCode::Transport => "transport",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Decode => "decode",
            ErrorCode::InvalidFilter => "invalid_filter",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::Patch => "patch",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The stable classification of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Api { .. } => ErrorCode::Api,
            Error::Http { .. } => ErrorCode::Http,
            Error::Transport { .. } => ErrorCode::Transport,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::Decode { .. } => ErrorCode::Decode,
            Error::Filter(_) | Error::FilterEval { .. } => ErrorCode::InvalidFilter,
            Error::Path(_) => ErrorCode::InvalidPath,
            Error::Patch { .. } => ErrorCode::Patch,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::Unsupported(_) => ErrorCode::Unsupported,
        }
    }

    /// The HTTP status, for [`Error::Api`] and [`Error::Http`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The RFC 7644 `scimType` this error carries or stands for: the server's for
    /// [`Error::Api`], `invalidFilter` / `invalidPath` for syntax errors, the operation's
    /// for [`Error::Patch`].
    pub fn scim_type(&self) -> Option<&ScimType> {
        match self {
            Error::Api { scim_type, .. } => scim_type.as_ref(),
            Error::Filter(_) | Error::FilterEval { .. } => Some(&ScimType::InvalidFilter),
            Error::Path(_) => Some(&ScimType::InvalidPath),
            Error::Patch { scim_type, .. } => Some(scim_type),
            _ => None,
        }
    }

    /// The byte offset in the input of a filter or path syntax error.
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::Filter(e) | Error::Path(e) => Some(e.offset),
            _ => None,
        }
    }

    /// The zero-based index of the failing operation of a [`Error::Patch`].
    pub fn operation_index(&self) -> Option<usize> {
        match self {
            Error::Patch { index, .. } => Some(*index),
            _ => None,
        }
    }

    /// True for a 404 answer.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for a 409 answer (RFC 7644 `uniqueness` conflicts).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// True for a 412 answer: the `If-Match` version was stale.
    pub fn is_precondition_failed(&self) -> bool {
        self.status() == Some(412)
    }

    /// True for a 429 answer.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// True when a timeout expired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Builds an [`Error::Decode`] from a `serde_path_to_error` failure, keeping the path.
    pub(crate) fn decode(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        let inner = err.into_inner();
        Error::Decode {
            message: inner.to_string(),
            path: (path != ".").then_some(path),
        }
    }
}

/// The `scimType` values of RFC 7644 §3.12, plus any other a server sends.
///
/// Parsing is case-insensitive (`"invalidfilter"` is [`ScimType::InvalidFilter`]);
/// [`fmt::Display`] prints the RFC's spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScimType {
    /// `invalidFilter`: the filter syntax was invalid or unsupported.
    InvalidFilter,
    /// `tooMany`: the filter yields more results than the server will return.
    TooMany,
    /// `uniqueness`: a unique attribute value is already in use.
    Uniqueness,
    /// `mutability`: the change conflicts with an attribute's mutability.
    Mutability,
    /// `invalidSyntax`: the request body structure was invalid.
    InvalidSyntax,
    /// `invalidPath`: the PATCH path was invalid.
    InvalidPath,
    /// `noTarget`: the PATCH path did not yield an attribute that could be operated on.
    NoTarget,
    /// `invalidValue`: a required value was missing or a value was incompatible.
    InvalidValue,
    /// `invalidVers`: the protocol version is not supported.
    InvalidVers,
    /// `sensitive`: the request cannot be completed because of sensitive information.
    Sensitive,
    /// Any other value, kept as sent.
    Other(String),
}

impl ScimType {
    /// The RFC 7644 spelling, e.g. `"noTarget"`.
    pub fn as_str(&self) -> &str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
            ScimType::Other(s) => s,
        }
    }

    /// Parses a `scimType`, case-insensitively; unknown values become [`ScimType::Other`].
    pub fn parse(s: &str) -> Self {
        const KNOWN: [ScimType; 10] = [
            ScimType::InvalidFilter,
            ScimType::TooMany,
            ScimType::Uniqueness,
            ScimType::Mutability,
            ScimType::InvalidSyntax,
            ScimType::InvalidPath,
            ScimType::NoTarget,
            ScimType::InvalidValue,
            ScimType::InvalidVers,
            ScimType::Sensitive,
        ];
        KNOWN
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .unwrap_or_else(|| ScimType::Other(s.to_owned()))
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ScimType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ScimType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        Ok(ScimType::parse(&s))
    }
}

/// A syntax error in a filter or a PATCH path: where it is and what was expected there.
///
/// Its [`fmt::Display`] shows the message, then the input with a caret under the offset:
///
/// ```text
/// expected a comparison operator, found `foo` at offset 9
///   userName foo "x"
///            ^
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The text that was parsed.
    pub input: String,
    /// The byte offset in `input` where the error was found (`input.len()` at the end).
    pub offset: usize,
    /// What the parser expected there, e.g. `"a comparison operator"`.
    pub expected: Cow<'static, str>,
    /// What it found instead, e.g. `` "`foo`" `` or `"end of input"`.
    pub found: String,
}

impl SyntaxError {
    /// Builds a syntax error; `found` is derived by the caller from the input.
    pub fn new(
        input: &str,
        offset: usize,
        expected: impl Into<Cow<'static, str>>,
        found: impl Into<String>,
    ) -> Self {
        SyntaxError {
            input: input.to_owned(),
            offset,
            expected: expected.into(),
            found: found.into(),
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected {}, found {} at offset {}",
            self.expected, self.found, self.offset
        )?;
        // Render the input on one line with a caret under the offending character. Very
        // long inputs are cut to a window around the offset so the caret stays visible.
        const WINDOW: usize = 60;
        let offset = floor_char_boundary(&self.input, self.offset.min(self.input.len()));
        let start = floor_char_boundary(&self.input, offset.saturating_sub(WINDOW));
        let end = floor_char_boundary(&self.input, (offset + WINDOW).min(self.input.len()));
        let end = if end < offset { self.input.len() } else { end };
        let prefix = if start > 0 { "..." } else { "" };
        let suffix = if end < self.input.len() { "..." } else { "" };
        let shown: String = self.input[start..end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let caret_col = prefix.chars().count() + self.input[start..offset].chars().count();
        write!(
            f,
            "\n  {prefix}{shown}{suffix}\n  {:caret_col$}^",
            "",
            caret_col = caret_col
        )
    }
}

impl std::error::Error for SyntaxError {}

/// The largest char boundary of `s` at or below `i`.
pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_display_puts_caret_under_offset() {
        let e = SyntaxError::new("userName foo \"x\"", 9, "a comparison operator", "`foo`");
        assert_eq!(
            e.to_string(),
            "expected a comparison operator, found `foo` at offset 9\n  userName foo \"x\"\n           ^"
        );
    }

    #[test]
    fn syntax_error_display_at_end_of_input() {
        let e = SyntaxError::new("title", 5, "an operator", "end of input");
        assert!(e.to_string().ends_with("  title\n       ^"), "{e}");
    }

    #[test]
    fn syntax_error_display_counts_chars_not_bytes() {
        let e = SyntaxError::new("ünïcode x", 10, "an operator", "`x`");
        assert!(e.to_string().ends_with("  ünïcode x\n          ^"), "{e}");
    }

    #[test]
    fn syntax_error_display_windows_long_input() {
        let input = format!("{} bad", "a".repeat(500));
        let e = SyntaxError::new(&input, 501, "an operator", "`bad`");
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].len() < 140, "{}", lines[1]);
        let caret = lines[2].find('^').unwrap();
        assert_eq!(&lines[1][caret..caret + 3], "bad");
    }

    #[test]
    fn scim_type_parses_case_insensitively_and_keeps_unknown() {
        assert_eq!(ScimType::parse("NOTARGET"), ScimType::NoTarget);
        assert_eq!(ScimType::parse("custom"), ScimType::Other("custom".into()));
        assert_eq!(ScimType::NoTarget.to_string(), "noTarget");
    }

    #[test]
    fn codes_are_stable() {
        let e = Error::Api {
            status: 404,
            scim_type: None,
            detail: Some("no such user".into()),
        };
        assert_eq!(e.code(), ErrorCode::Api);
        assert_eq!(e.code() as i32, 1);
        assert!(e.is_not_found());
        assert_eq!(e.to_string(), "SCIM error 404: no such user");
        let e = Error::Http {
            status: 502,
            snippet: String::new(),
        };
        assert_eq!(e.to_string(), "HTTP error 502 (empty body)");
    }
}
