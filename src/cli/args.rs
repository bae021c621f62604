//! The argument vector a command line is parsed from (without `argv[0]`):
//! any indexed list of byte strings, so that a caller holding its
//! arguments in one buffer (the `-R` line reader) need not copy them.

/// Arguments the scanner can walk by index.
pub trait ArgList {
    /// How many arguments there are.
    fn count(&self) -> usize;

    /// The argument at `index`, if there is one.
    fn arg(&self, index: usize) -> Option<&[u8]>;

    /// Every argument, in order.
    fn iter_args(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.count()).filter_map(|i| self.arg(i))
    }
}

impl<A: AsRef<[u8]>> ArgList for [A] {
    fn count(&self) -> usize {
        self.len()
    }

    fn arg(&self, index: usize) -> Option<&[u8]> {
        self.get(index).map(AsRef::as_ref)
    }
}

impl<A: AsRef<[u8]>> ArgList for Vec<A> {
    fn count(&self) -> usize {
        self.len()
    }

    fn arg(&self, index: usize) -> Option<&[u8]> {
        self.as_slice().arg(index)
    }
}

impl<A: AsRef<[u8]>, const N: usize> ArgList for [A; N] {
    fn count(&self) -> usize {
        N
    }

    fn arg(&self, index: usize) -> Option<&[u8]> {
        self.as_slice().arg(index)
    }
}
