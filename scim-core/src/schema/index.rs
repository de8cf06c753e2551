//! Allocation-free case-insensitive lookup of names (schema URNs, attribute names).
//!
//! Filter evaluation asks the registry for an attribute definition on every comparison,
//! so a lookup must neither allocate (no `to_ascii_lowercase`) nor scan. Names are hashed
//! after ASCII case folding, eight bytes at a time; a hit is confirmed with a folded
//! comparison, eight bytes at a time too. RFC 7643 §2.1: "Attribute names are case
//! insensitive"; schema URNs are compared the same way (RFC 8141 §3.1 makes the `urn:`
//! prefix and NID case-insensitive, and every server we know treats the rest so).

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

/// [`cmp_fold`] out of line, for a scan over the keys of a map that tests lengths
/// inline first (`resource::find_ci`): inlined there, the comparison's constants were
/// set up before the loop on every look-up, which cost more than the handful of keys a
/// scan sees (kept inline in [`eq_fold`]: the schema look-ups of filter evaluation are
/// cheaper that way).
#[inline(never)]
pub(crate) fn cmp_same_len(a: &str, b: &str) -> Option<bool> {
    cmp_fold(a, b)
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

/// A case-insensitive index over a list of names: name → position in the list.
///
/// The names themselves stay in the caller's list (a `Vec<Attribute>`, a `Vec<Schema>`);
/// the index holds only hashes and positions, and lookups take the list to confirm.
/// When two names are equal ignoring case, the first one wins.
///
/// An open-addressed table (linear probing, at most half full) of `u64` slots: the high
/// 32 bits of the name's [`fold_hash`] and the position + 1 (0: empty). A look-up is
/// one hash, one or two slot loads and one folded comparison of the name found; a
/// general-purpose hash map (SipHash or its SIMD probing) costs several times that for
/// the 5–60 byte names of a schema.
#[derive(Debug, Clone, Default)]
pub(crate) struct CiIndex {
    slots: Vec<u64>,
    /// The number of positions indexed: the position the next `push` takes.
    len: usize,
    /// The number of occupied slots (a name equal to an earlier one takes none).
    used: usize,
}

impl CiIndex {
    /// Indexes `names` (in list order).
    pub(crate) fn new<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let names: Vec<&str> = names.collect();
        let mut index = CiIndex {
            slots: vec![0; table_size(names.len())],
            len: names.len(),
            used: 0,
        };
        index.fill(names.len(), |i| names.get(i).copied());
        index
    }

    /// Links every position `0..len` whose name is not equal to an earlier one, in
    /// order, into the (empty) table.
    fn fill<'n>(&mut self, len: usize, names: impl Fn(usize) -> Option<&'n str>) {
        for i in 0..len {
            if let Some(name) = names(i) {
                if self.get(name, &names).is_none() {
                    self.link(i, name);
                }
            }
        }
    }

    fn link(&mut self, i: usize, name: &str) {
        // Positions beyond u32 are not indexed (no registry comes near).
        let Some(slot) = u32::try_from(i + 1).ok() else {
            return;
        };
        let h = fold_hash(name);
        let mask = self.slots.len() - 1;
        let mut j = h as usize & mask;
        while self.slots[j] != 0 {
            j = (j + 1) & mask;
        }
        self.slots[j] = (h >> 32) << 32 | u64::from(slot);
        self.used += 1;
    }

    /// Adds the name at position `i` (which must be `len()`, the next position); it
    /// shadows nothing: an earlier equal name still wins.
    pub(crate) fn push<'n>(&mut self, name: &str, names: impl Fn(usize) -> Option<&'n str>) {
        let i = self.len;
        self.len += 1;
        if self.get(name, &names).is_some() {
            return;
        }
        if 2 * (self.used + 1) > self.slots.len() {
            // Grow: relink every position, in order, into a table twice the size.
            self.slots = vec![0; table_size(self.used + 1)];
            self.used = 0;
            self.fill(i, &names);
        }
        self.link(i, name);
    }

    /// The position of `name` (case-insensitively); `names(i)` gives the i-th name.
    #[inline]
    pub(crate) fn get<'n>(
        &self,
        name: &str,
        names: impl Fn(usize) -> Option<&'n str>,
    ) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let h = fold_hash(name);
        let tag = h >> 32;
        let mask = self.slots.len() - 1;
        let mut j = h as usize & mask;
        loop {
            let slot = *self.slots.get(j)?;
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let i = (slot as u32 - 1) as usize;
                if names(i).is_some_and(|n| eq_fold(n, name)) {
                    return Some(i);
                }
            }
            j = (j + 1) & mask;
        }
    }
}

/// Slots for `n` names: a power of two, at least twice `n` (so a probe always ends on an
/// empty slot), at least 8.
fn table_size(n: usize) -> usize {
    (2 * n).next_power_of_two().max(8)
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
        assert_eq!(index.get("emails", |i| more.get(i).copied()), Some(0));
    }

    /// Pushing past the table's size relinks every name: all are still found, the first
    /// of equal names wins, and absent names are missed.
    #[test]
    fn index_grows_and_keeps_every_name() {
        let mut names: Vec<String> = Vec::new();
        let mut index = CiIndex::new(std::iter::empty());
        for i in 0..300 {
            let name = if i % 7 == 3 {
                // Equal, ignoring case, to an earlier name.
                format!("ATTR{}", i - 1)
            } else {
                format!("attr{i}")
            };
            names.push(name);
            let at = |j: usize| names.get(j).map(String::as_str);
            index.push(&names[i], at);
        }
        let at = |j: usize| names.get(j).map(String::as_str);
        for (i, name) in names.iter().enumerate() {
            let first = names.iter().position(|n| n.eq_ignore_ascii_case(name));
            assert_eq!(index.get(name, at), first, "{name}");
            assert_eq!(
                index.get(&name.to_uppercase(), at),
                Some(first.unwrap()),
                "{i}"
            );
        }
        assert_eq!(index.get("attr300", at), None);
        assert_eq!(index.get("", at), None);
        assert_eq!(CiIndex::default().get("x", at), None);
    }
}
