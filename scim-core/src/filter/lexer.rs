//! The scanner shared by the filter and path parsers.
//!
//! SCIM's grammar is small but context-dependent (`pr` is an operator after an attribute
//! path and an attribute name at the start of an expression; a number may only appear
//! where a value is expected), so the parser asks the scanner for the token it expects
//! next instead of consuming a pre-tokenised stream. Offsets are byte offsets into the
//! input.

use std::borrow::Cow;

use compact_str::CompactString;
use serde_json::Number;

/// A syntax error before it is attached to its input (see [`crate::SyntaxError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub offset: usize,
    pub expected: Cow<'static, str>,
    pub found: String,
}

/// Errors are boxed: they are rare, and a boxed error keeps every `PResult` of a pointer
/// or smaller in registers on the hot path.
pub(crate) type PResult<T> = Result<T, Box<ParseError>>;

/// A cursor over the input.
pub(crate) struct Scanner<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    lenient: bool,
}

/// Byte classes, looked up in one table: the scanner's inner loops are one load and one
/// test per byte.
const WORD: u8 = 1;
pub(crate) const NAME: u8 = 2;
const STRING_STOP: u8 = 4;
/// Word bytes that are not name bytes (`.`, `:`, `$`, `/`, `%`).
const PUNCT: u8 = 8;
const COLON: u8 = 16;
/// An ASCII letter (a byte that can start an ATTRNAME).
pub(crate) const ALPHA: u8 = 32;

/// The class bits of each byte. Shared with PATCH's plain-path check
/// (`patch::apply::plain_path`), which reads [`NAME`] and [`ALPHA`].
pub(crate) static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            class |= WORD | NAME;
        }
        if b.is_ascii_alphabetic() {
            class |= ALPHA;
        }
        if matches!(b, b'.' | b':' | b'$' | b'/' | b'%') {
            class |= WORD | PUNCT;
        }
        if b == b':' {
            class |= COLON;
        }
        if b == b'"' || b == b'\\' || b < 0x20 {
            class |= STRING_STOP;
        }
        table[i] = class;
        i += 1;
    }
    table
};

/// True for a character that can appear in an attribute path: the RFC 7643 §2.1
/// `nameChar`s, `.` between name and sub-attribute, `$` (the `$ref` sub-attribute of
/// RFC 7643) and what schema URIs contain (`:`, `/`, `%`). The path is validated after
/// it is scanned.
pub(crate) fn is_word_byte(b: u8) -> bool {
    CLASS[b as usize] & WORD != 0
}

/// RFC 7643 §2.1 `nameChar = "-" / "_" / DIGIT / ALPHA`.
pub(crate) fn is_name_byte(b: u8) -> bool {
    CLASS[b as usize] & NAME != 0
}

/// A scanned word and the offset (in the word) of its last `:`, if any.
pub(crate) struct Word<'a> {
    pub text: &'a str,
    pub last_colon: Option<usize>,
    /// Every byte is a name byte (RFC 7643 §2.1 `nameChar`): no URN, no sub-attribute.
    pub plain: bool,
}

impl<'a> Scanner<'a> {
    pub fn new(input: &'a str, lenient: bool) -> Self {
        Scanner {
            input,
            bytes: input.as_bytes(),
            pos: 0,
            lenient,
        }
    }

    pub fn input(&self) -> &'a str {
        self.input
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub fn lenient(&self) -> bool {
        self.lenient
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub fn bump(&mut self) {
        self.pos += 1;
    }

    /// Skips spaces (RFC 7644 `SP`; in lenient mode any ASCII whitespace) and tells
    /// whether there were any.
    pub fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b' ' || (self.lenient && b.is_ascii_whitespace()) {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.pos > start
    }

    /// The length of the run of [`is_word_byte`]s at the cursor, and the union of the
    /// byte classes of the run and the byte after it.
    fn word_len(&self) -> (usize, u8) {
        let rest = &self.bytes[self.pos..];
        let mut classes = 0;
        let mut len = 0;
        while let Some(&b) = rest.get(len) {
            let class = CLASS[b as usize];
            classes |= class;
            if class & WORD == 0 {
                break;
            }
            len += 1;
        }
        (len, classes)
    }

    /// Scans a run of [`is_word_byte`]s; empty when there is none.
    pub fn word(&mut self) -> &'a str {
        let start = self.pos;
        // Comparison operators and `pr` are two letters and a space: no loop for those.
        self.pos += match self.bytes.get(start..start + 3) {
            Some(&[a, b, c]) if is_word_byte(a) && is_word_byte(b) && !is_word_byte(c) => 2,
            _ => self.word_len().0,
        };
        &self.input[start..self.pos]
    }

    /// Scans a run of [`is_word_byte`]s, noting its last `:` (where a URI prefix ends)
    /// and whether it is a plain name, in one pass.
    pub fn path_word(&mut self) -> Word<'a> {
        let start = self.pos;
        let (len, classes) = self.word_len();
        self.pos += len;
        // The byte after the run is not a word byte, so has neither PUNCT nor COLON.
        let text = &self.input[start..self.pos];
        let last_colon = if classes & COLON != 0 {
            text.bytes().rposition(|b| b == b':')
        } else {
            None
        };
        Word {
            text,
            last_colon,
            plain: classes & PUNCT == 0,
        }
    }

    /// True when `kw` (ASCII, lower case) is at the cursor as a whole word, in any case.
    #[inline]
    pub fn at_keyword(&self, kw: &str) -> bool {
        let kw = kw.as_bytes();
        // Most calls look at `)`, `]`, the end or the other keyword: one byte tells.
        match self.bytes.get(self.pos) {
            Some(&b) if b | 0x20 == kw[0] => {}
            _ => return false,
        }
        let end = self.pos + kw.len();
        self.bytes
            .get(self.pos..end)
            .is_some_and(|w| w.eq_ignore_ascii_case(kw))
            && !self.bytes.get(end).is_some_and(|&b| is_word_byte(b))
    }

    /// The word at the cursor, without consuming it.
    pub fn peek_word(&self) -> &'a str {
        let end = self.bytes[self.pos..]
            .iter()
            .position(|&b| !is_word_byte(b))
            .map_or(self.bytes.len(), |n| self.pos + n);
        &self.input[self.pos..end]
    }

    /// An error at `offset`, describing what is found there.
    #[cold]
    pub fn error_at(
        &self,
        offset: usize,
        expected: impl Into<Cow<'static, str>>,
    ) -> Box<ParseError> {
        Box::new(ParseError {
            offset,
            expected: expected.into(),
            found: describe_at(self.input, offset),
        })
    }

    /// An error at the cursor.
    #[cold]
    pub fn error(&self, expected: impl Into<Cow<'static, str>>) -> Box<ParseError> {
        self.error_at(self.pos, expected)
    }

    /// Scans a JSON string (RFC 8259 §7) starting at the opening `"`. A string without
    /// escapes is copied once (inline when short); one with escapes is unescaped into a
    /// `String` first.
    pub fn string(&mut self) -> PResult<CompactString> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escape before the closing quote.
        loop {
            self.pos += plain_string_len(&self.bytes[self.pos..]);
            match self.peek() {
                None => return Err(self.unterminated(open)),
                Some(b'"') => {
                    let s = &self.input[start..self.pos];
                    self.pos += 1;
                    return Ok(CompactString::new(s));
                }
                Some(b'\\') => break,
                Some(b) if b < 0x20 && !self.lenient => {
                    return Err(
                        self.error("a JSON string character (control characters must be escaped)")
                    )
                }
                Some(_) => self.pos += 1,
            }
        }
        let mut out = CompactString::with_capacity(self.pos - start + 16);
        out.push_str(&self.input[start..self.pos]);
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if CLASS[b as usize] & STRING_STOP != 0 && (b >= 0x20 || !self.lenient) {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.input[run..self.pos]);
            match self.peek() {
                None => return Err(self.unterminated(open)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape(esc)?;
                            out.push(c);
                            continue;
                        }
                        _ => {
                            return Err(self.error(
                                "an escape sequence (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)",
                            ))
                        }
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(
                        self.error("a JSON string character (control characters must be escaped)")
                    )
                }
            }
        }
    }

    #[cold]
    fn unterminated(&self, open: usize) -> Box<ParseError> {
        Box::new(ParseError {
            offset: self.input.len(),
            expected: "`\"` closing the string".into(),
            found: format!("end of input (the string opens at offset {open})"),
        })
    }

    /// Four hex digits after `\u`, and a low surrogate's escape after a high one.
    fn unicode_escape(&mut self, esc: usize) -> PResult<char> {
        let hi = self.hex4()?;
        let code = match hi {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error_at(
                        esc,
                        "a UTF-16 surrogate pair (\\uD800-\\uDBFF then \\uDC00-\\uDFFF)",
                    ));
                }
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(self.error_at(
                        esc,
                        "a UTF-16 surrogate pair (\\uD800-\\uDBFF then \\uDC00-\\uDFFF)",
                    ));
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.error_at(
                    esc,
                    "a UTF-16 surrogate pair (\\uD800-\\uDBFF then \\uDC00-\\uDFFF)",
                ))
            }
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.error_at(esc, "a valid Unicode escape"))
    }

    fn hex4(&mut self) -> PResult<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b) if b.is_ascii_hexdigit() => (b as char).to_digit(16).unwrap_or(0),
                _ => return Err(self.error("a hexadecimal digit")),
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    /// Scans a JSON number (RFC 8259 §6): `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    pub fn number(&mut self) -> PResult<Number> {
        let start = self.pos;
        let mut float = false;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.error_at(start, "a number without leading zeros"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("a digit")),
        }
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error("a digit after the decimal point"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(self.error("a digit in the exponent"));
            }
            self.digits();
        }
        let text = &self.input[start..self.pos];
        if !float {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(n.into());
            }
            if let Ok(n) = text.parse::<u64>() {
                return Ok(n.into());
            }
        }
        // Integers beyond 64 bits and decimals are read as f64, as serde_json does.
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .ok_or_else(|| self.error_at(start, "a number within the range of a 64-bit float"))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

/// The length of the run at the start of `bytes` with no `"`, `\\` or control character
/// (the bytes a JSON string holds as they are), eight bytes at a time.
fn plain_string_len(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // `(v - ONES) & !v & HIGH` flags the zero bytes of `v` (and `(x - n * ONES) & !x &
    // HIGH` the bytes of `x` below `n`); a borrow can only flag bytes above a true match,
    // so the lowest flagged byte is the first match.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let stop = (zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGH;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = &bytes[i..];
    i + rest
        .iter()
        .position(|&b| CLASS[b as usize] & STRING_STOP != 0)
        .unwrap_or(rest.len())
}

/// Describes what is at `offset` for an error message: `` `word` ``, `` `"` `` or
/// `end of input`.
pub(crate) fn describe_at(input: &str, offset: usize) -> String {
    let rest = match input.get(offset..) {
        Some(r) if !r.is_empty() => r,
        _ => return "end of input".to_owned(),
    };
    let word_len = rest.bytes().take_while(|&b| is_word_byte(b)).count();
    if word_len > 0 {
        let w = &rest[..word_len.min(40)];
        let more = if word_len > 40 { "..." } else { "" };
        return format!("`{w}{more}`");
    }
    match rest.chars().next() {
        Some(c) if c.is_control() => format!("{:?}", c),
        Some(c) => format!("`{c}`"),
        None => "end of input".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eight-at-a-time scan finds the same first stop byte as a byte-by-byte scan,
    /// for every byte value at every position, after plain ASCII and after UTF-8.
    #[test]
    fn plain_string_len_agrees_with_a_byte_scan() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len())
        };
        for fill in [b'a', 0xC3, 0x7f, b'!', 0xff] {
            for len in 0..20 {
                for at in 0..=len {
                    for byte in 0..=255u8 {
                        let mut v = vec![fill; len];
                        if at < len {
                            v[at] = byte;
                        }
                        assert_eq!(plain_string_len(&v), naive(&v), "{v:?}");
                    }
                }
            }
        }
    }
}
