//! Marked bytes of a text found without a branch on every byte: the runs
//! of marked bytes (its words, for a tokenizer), 64 bytes at a time, and
//! the first marked byte, eight bytes at a time. For runs, each block's
//! bytes are looked up in a table into a bit mask once; a run starts or
//! ends where the mask differs from itself moved by one byte, and those
//! edges are handed out by counting trailing zeros, with no branch that
//! mispredicts at words' ends.

/// A table of the bytes of words for [`Runs`]: ASCII letters and digits,
/// the bytes of characters past ASCII, and `extra`.
pub(crate) const fn word_bytes(extra: &[u8]) -> [bool; 256] {
    let mut t = marked(extra);
    let mut b = 0;
    while b < 256 {
        t[b] |= (b as u8).is_ascii_alphanumeric() || b >= 0x80;
        b += 1;
    }
    t
}

/// A table that marks the bytes of `list`, for [`Runs`] and [`first`].
pub(crate) const fn marked(list: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < list.len() {
        t[list[i] as usize] = true;
        i += 1;
    }
    t
}

/// The runs of bytes that `table` marks, in order, as byte ranges.
pub(crate) struct Runs<'a> {
    bytes: &'a [u8],
    table: &'a [bool; 256],
    /// The block read last: bytes `64 block ..`.
    block: usize,
    /// The edges of runs in that block not yet handed out: bit `j` set
    /// where byte `j` is marked and the byte before it not (a run starts),
    /// or the other way round (a run ends).
    edges: u64,
    /// Whether the block's last byte is marked (a run goes on into the
    /// next block).
    carry: u64,
}

impl<'a> Runs<'a> {
    pub(crate) fn new(bytes: &'a [u8], table: &'a [bool; 256]) -> Runs<'a> {
        // block "-1": none read, nothing carried
        Runs { bytes, table, block: usize::MAX, edges: 0, carry: 0 }
    }

    /// The place of the next edge, in the text's order (starts and ends
    /// alternate, a start first), reading blocks as needed.
    #[inline(always)]
    fn edge(&mut self) -> Option<usize> {
        while self.edges == 0 {
            let block = self.block.wrapping_add(1);
            let from = block.checked_mul(64).filter(|&f| f < self.bytes.len())?;
            let mut mask = 0u64;
            for (j, &c) in self.bytes[from..(from + 64).min(self.bytes.len())].iter().enumerate() {
                mask |= u64::from(self.table[usize::from(c)]) << j;
            }
            // an edge where a byte differs from the one before it
            (self.block, self.edges, self.carry) = (block, mask ^ ((mask << 1) | self.carry), mask >> 63);
        }
        let j = self.edges.trailing_zeros() as usize;
        self.edges &= self.edges - 1;
        Some(self.block * 64 + j)
    }
}

impl Iterator for Runs<'_> {
    type Item = (usize, usize);

    // inlined with `edge` and `Words::plain` into the search's word loop:
    // a call each per word was 2 % of a build's instructions (cachegrind)
    #[inline(always)]
    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.edge()?;
        // a run to the text's end has its edge past the last block read
        let end = self.edge().unwrap_or(self.bytes.len());
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
