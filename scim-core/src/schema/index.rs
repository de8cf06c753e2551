//! Allocation-free case-insensitive lookup of names (schema URNs, attribute names).
//!
//! Filter evaluation asks the registry for an attribute definition on every comparison,
//! so a lookup must neither allocate (no `to_ascii_lowercase`) nor scan. Names are hashed
//! after ASCII case folding, eight bytes at a time; a hit is confirmed with a folded
//! comparison, eight bytes at a time too. RFC 7643 §2.1: "Attribute names are case
//! insensitive"; schema URNs are compared the same way (RFC 8141 §3.1 makes the `urn:`
//! prefix and NID case-insensitive, and every server we know treats the rest so).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const ONES: u64 = 0x0101_0101_0101_0101;

/// Lower-cases the ASCII letters among eight bytes packed in a `u64`; other bytes
/// (including every byte of a multi-byte UTF-8 sequence) are left alone.
#[inline]
fn fold8(x: u64) -> u64 {
    let low7 = x & (0x7f * ONES);
    // Bit 7 of each byte is set where the byte is > 'Z', resp. >= 'A' (no carries: a
    // 7-bit value plus 0x25 or 0x3f stays below 0x100).
    let above_z = low7.wrapping_add((0x7f - b'Z' as u64) * ONES);
    let from_a = low7.wrapping_add((0x80 - b'A' as u64) * ONES);
    let upper = from_a & !above_z & !x & (0x80 * ONES);
    x | (upper >> 2)
}

/// Calls `f` with each eight-byte chunk of `s` as a little-endian `u64`, the last one
/// zero-padded. Full chunks are single loads (no `memcpy` call per chunk).
#[inline(always)]
fn for_chunks(s: &[u8], mut f: impl FnMut(u64)) {
    let mut full = s.chunks_exact(8);
    for c in &mut full {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        f(u64::from_le_bytes(word));
    }
    let rest = full.remainder();
    if !rest.is_empty() {
        f(pad(rest));
    }
}

/// A hash of `s` that ignores ASCII case.
///
/// Strings longer than 16 bytes (schema URNs) are hashed on their length and their last
/// 16 bytes only: URNs share long prefixes (`urn:ietf:params:scim:schemas:`) and differ
/// at the end, so this keeps the hash of a URN as cheap as that of a short name. Equal
/// hashes are always confirmed by [`eq_fold`], so a collision costs time, never a wrong
/// answer.
#[inline]
pub(crate) fn fold_hash(s: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = s.as_bytes();
    let tail = if bytes.len() > 16 {
        &bytes[bytes.len() - 16..]
    } else {
        bytes
    };
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    for_chunks(tail, |c| h = (h.rotate_left(5) ^ fold8(c)).wrapping_mul(K));
    h ^ (h >> 29)
}

/// `a.eq_ignore_ascii_case(b)`, eight bytes at a time, inline (no `memcmp` call: the
/// strings compared here are short, and a libc call costs more than the comparison).
#[inline(always)]
pub(crate) fn eq_fold(a: &str, b: &str) -> bool {
    cmp_fold(a, b).is_some()
}

/// How `a` compares with `b`: `None` when they differ even ignoring ASCII case,
/// `Some(true)` when they are byte-for-byte equal, `Some(false)` when they are equal
/// only ignoring case. One pass, eight bytes at a time, inline (see [`eq_fold`]).
#[inline(always)]
pub(crate) fn cmp_fold(a: &str, b: &str) -> Option<bool> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return None;
    }
    let mut exact = true;
    let (mut xs, mut ys) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut xs).zip(&mut ys) {
        let (mut wx, mut wy) = ([0u8; 8], [0u8; 8]);
        wx.copy_from_slice(x);
        wy.copy_from_slice(y);
        let (wx, wy) = (u64::from_le_bytes(wx), u64::from_le_bytes(wy));
        if wx != wy {
            if fold8(wx) != fold8(wy) {
                return None;
            }
            exact = false;
        }
    }
    let (wx, wy) = (pad(xs.remainder()), pad(ys.remainder()));
    if wx != wy {
        if fold8(wx) != fold8(wy) {
            return None;
        }
        exact = false;
    }
    Some(exact)
}

/// Up to eight bytes as a little-endian `u64`, zero-padded.
///
/// Two overlapping loads instead of a loop over the bytes: for four bytes or more, the
/// first four and the last four; for one to three, the first, middle and last byte.
#[inline(always)]
fn pad(rest: &[u8]) -> u64 {
    let n = rest.len();
    if n >= 4 {
        let mut lo = [0u8; 4];
        let mut hi = [0u8; 4];
        lo.copy_from_slice(&rest[..4]);
        hi.copy_from_slice(&rest[n - 4..]);
        u64::from(u32::from_le_bytes(lo)) | (u64::from(u32::from_le_bytes(hi)) << (8 * (n - 4)))
    } else if n > 0 {
        u64::from(rest[0])
            | (u64::from(rest[n / 2]) << (8 * (n / 2)))
            | (u64::from(rest[n - 1]) << (8 * (n - 1)))
    } else {
        0
    }
}

/// A `Hasher` for keys that are already well-mixed `u64` hashes.
#[derive(Default)]
pub(crate) struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by `u64` keys; fold anything else in for completeness.
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

const END: u32 = u32::MAX;

/// A case-insensitive index over a list of names: name → position in the list.
///
/// The names themselves stay in the caller's list (a `Vec<Attribute>`, a `Vec<Schema>`);
/// the index holds only hashes and positions, and lookups take the list to confirm.
/// When two names are equal ignoring case, the first one wins.
#[derive(Debug, Clone, Default)]
pub(crate) struct CiIndex {
    heads: HashMap<u64, u32, BuildHasherDefault<PreHashed>>,
    /// For each position, the next position with the same hash (`END` ends the chain).
    next: Vec<u32>,
}

impl CiIndex {
    /// Indexes `names` (in list order).
    pub(crate) fn new<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let names: Vec<&str> = names.collect();
        let mut index = CiIndex {
            heads: HashMap::with_capacity_and_hasher(names.len(), Default::default()),
            next: vec![END; names.len()],
        };
        // Insert from the back so that the first of equal names heads its chain.
        for (i, name) in names.iter().enumerate().rev() {
            index.link(i, name);
        }
        index
    }

    fn link(&mut self, i: usize, name: &str) {
        let i = u32::try_from(i).unwrap_or(END);
        let head = self.heads.entry(fold_hash(name)).or_insert(END);
        self.next[i as usize] = *head;
        *head = i;
    }

    /// Adds the name at position `i` (which must be `len()`, the next position); it
    /// shadows nothing: an earlier equal name still wins.
    pub(crate) fn push<'n>(&mut self, name: &str, names: impl Fn(usize) -> Option<&'n str>) {
        let i = self.next.len();
        self.next.push(END);
        if self.get(name, names).is_none() {
            self.link(i, name);
        }
    }

    /// The position of `name` (case-insensitively); `names(i)` gives the i-th name.
    #[inline]
    pub(crate) fn get<'n>(
        &self,
        name: &str,
        names: impl Fn(usize) -> Option<&'n str>,
    ) -> Option<usize> {
        let mut i = *self.heads.get(&fold_hash(name))?;
        while i != END {
            if names(i as usize).is_some_and(|n| eq_fold(n, name)) {
                return Some(i as usize);
            }
            i = self.next[i as usize];
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold8_lowers_ascii_letters_only() {
        let all: Vec<u8> = (0u8..=255).collect();
        for chunk in all.chunks(8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap());
            let want: Vec<u8> = chunk.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(fold8(x).to_le_bytes().to_vec(), want);
        }
    }

    #[test]
    fn pad_reads_up_to_eight_bytes_little_endian() {
        let bytes = [1u8, 2, 3, 4, 5, 6, 7, 8];
        for n in 0..=8 {
            let mut want = 0u64;
            for (i, b) in bytes[..n].iter().enumerate() {
                want |= u64::from(*b) << (8 * i);
            }
            assert_eq!(pad(&bytes[..n]), want, "{n} bytes");
        }
    }

    #[test]
    fn eq_fold_matches_eq_ignore_ascii_case() {
        let cases = [
            ("userName", "USERNAME"),
            ("userName", "userNamf"),
            (
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "URN:IETF:params:scim:schemas:core:2.0:user",
            ),
            ("ä", "Ä"),
            ("", ""),
            ("a", ""),
            ("emails", "emails "),
            ("emails", "emails"),
            (
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:core:2.0:User",
            ),
            ("userName", "userNamE"),
        ];
        for (a, b) in cases {
            assert_eq!(eq_fold(a, b), a.eq_ignore_ascii_case(b), "{a} / {b}");
            let want = a.eq_ignore_ascii_case(b).then_some(a == b);
            assert_eq!(cmp_fold(a, b), want, "{a} / {b}");
            if a.eq_ignore_ascii_case(b) {
                assert_eq!(fold_hash(a), fold_hash(b));
            }
        }
    }

    #[test]
    fn index_finds_first_of_equal_names_and_misses_cleanly() {
        let names = ["emails", "name", "EMAILS", "title"];
        let at = |i: usize| names.get(i).copied();
        let mut index = CiIndex::new(names.iter().copied());
        assert_eq!(index.get("Emails", at), Some(0));
        assert_eq!(index.get("TITLE", at), Some(3));
        assert_eq!(index.get("nam", at), None);
        let more = ["emails", "name", "EMAILS", "title", "nickName"];
        index.push("nickName", |i| more.get(i).copied());
        assert_eq!(index.get("NICKNAME", |i| more.get(i).copied()), Some(4));
    }
}
