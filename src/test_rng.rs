//! The one pseudo-random generator of the unit tests: xorshift64, seeded
//! by each test, so that generated cases are the same on every run.

/// A deterministic xorshift64 generator. The seed must not be zero.
pub(crate) struct TestRng(u64);

impl TestRng {
    pub(crate) fn new(seed: u64) -> TestRng {
        assert_ne!(seed, 0, "xorshift stays at zero");
        TestRng(seed)
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must not be zero).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}
