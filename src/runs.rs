//! Marked bytes of a text found without a branch on every byte: the runs
//! of marked bytes (its words, for a tokenizer), found 64 bytes at a time
//! (each block's bytes looked up in a table into a bit mask once, where a
//! run starts and ends found by bit arithmetic, not by a branch that
//! mispredicts at words' ends), and the first marked byte, eight bytes at
//! a time. For the search index's words this is as many instructions as a
//! byte loop and 5 % fewer mispredicted branches in a whole build (1,000
//! postmortems, cachegrind); where little is done per word (the blame
//! check) the byte loop costs less.

/// A table of the bytes of words for [`Runs`]: ASCII letters and digits,
/// the bytes of characters past ASCII, and `extra`.
pub(crate) const fn word_bytes(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b >= 0x80;
        b += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

/// The runs of bytes that `table` marks, in order, as byte ranges.
pub(crate) struct Runs<'a> {
    bytes: &'a [u8],
    table: &'a [bool; 256],
    /// Where the next run is looked for.
    at: usize,
    /// The block whose mask is `mask` (`usize::MAX`: none yet).
    block: usize,
    mask: u64,
}

impl<'a> Runs<'a> {
    pub(crate) fn new(bytes: &'a [u8], table: &'a [bool; 256]) -> Runs<'a> {
        Runs { bytes, table, at: 0, block: usize::MAX, mask: 0 }
    }

    /// The first byte at or after `from` that is marked (`marked`) or not,
    /// or the text's length.
    #[inline(always)]
    fn find(&mut self, from: usize, marked: bool) -> usize {
        let (mut block, mut skip) = (from / 64, from % 64);
        while block * 64 < self.bytes.len() {
            let mask = self.mask_of(block);
            let bits = if marked { mask } else { !mask } & (u64::MAX << skip);
            if bits != 0 {
                return (block * 64 + bits.trailing_zeros() as usize).min(self.bytes.len());
            }
            (block, skip) = (block + 1, 0);
        }
        self.bytes.len()
    }

    /// Bit `j` of block `b`'s mask: whether byte `64 b + j` is marked.
    fn mask_of(&mut self, b: usize) -> u64 {
        if self.block != b {
            let end = (b * 64 + 64).min(self.bytes.len());
            let mut mask = 0u64;
            for (j, &c) in self.bytes[b * 64..end].iter().enumerate() {
                mask |= u64::from(self.table[usize::from(c)]) << j;
            }
            (self.block, self.mask) = (b, mask);
        }
        self.mask
    }
}

impl Iterator for Runs<'_> {
    type Item = (usize, usize);

    // inlined with `find` and `Words::plain` into the search's word loop:
    // a call each per word was 2 % of a build's instructions (cachegrind)
    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.find(self.at, true);
        if start >= self.bytes.len() {
            return None;
        }
        let end = self.find(start, false);
        self.at = end;
        Some((start, end))
    }
}

/// Where the first byte that `table` marks is: eight bytes are looked up
/// at a time, with one branch for the eight, where a byte loop branches on
/// every byte.
pub(crate) fn first(bytes: &[u8], table: &[bool; 256]) -> Option<usize> {
    let mut at = 0;
    for eight in bytes.chunks_exact(8) {
        if eight.iter().fold(false, |any, &b| any | table[usize::from(b)]) {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| table[usize::from(b)]).map(|k| at + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs, found byte by byte.
    fn plain_runs(bytes: &[u8], table: &[bool; 256]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !table[usize::from(bytes[i])] {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && table[usize::from(bytes[i])] {
                i += 1;
            }
            out.push((start, i));
        }
        out
    }

    fn letters() -> [bool; 256] {
        std::array::from_fn(|b| (b as u8).is_ascii_alphabetic())
    }

    #[test]
    fn runs_across_blocks_are_whole() {
        let table = letters();
        for text in [
            String::new(),
            "a".to_string(),
            " ".repeat(64) + "word",
            "x".repeat(63) + " " + &"y".repeat(130) + " z",
            "ab ".repeat(100),
            "a".repeat(128),
        ] {
            assert_eq!(Runs::new(text.as_bytes(), &table).collect::<Vec<_>>(), plain_runs(text.as_bytes(), &table));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_first_marked_byte_is_the_one_found_byte_by_byte(text in "[a-c \n]{0,40}[.a-c ]{0,12}") {
            let table: [bool; 256] = std::array::from_fn(|b| b == usize::from(b'.'));
            let bytes = text.as_bytes();
            proptest::prop_assert_eq!(first(bytes, &table), bytes.iter().position(|&b| table[usize::from(b)]));
        }

        #[test]
        fn runs_are_those_found_byte_by_byte(text in "[a-c .\n]{0,300}") {
            let table = letters();
            proptest::prop_assert_eq!(
                Runs::new(text.as_bytes(), &table).collect::<Vec<_>>(),
                plain_runs(text.as_bytes(), &table)
            );
        }
    }
}
