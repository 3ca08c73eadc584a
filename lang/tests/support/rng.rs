//! xorshift64*: a small seeded generator, the same on every machine, so that a fuzzing failure
//! is reproduced by its seed. Shared by `lang/tests/fuzz.rs` and the workspace's
//! `tests/fuzz.rs` (which includes this file with `#[path]`).

#![allow(
    dead_code,
    reason = "each fuzzer uses a different subset of the generator"
)]

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 if `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `xs`, which must not be empty.
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}
