//! Unique identifiers without remembering the ones already handed out: each generator walks
//! a counter through a bijection (an affine permutation of the identifier space), so two
//! counter values never give the same identifier, and keeps only the values that pass the
//! checksum.

/// Weighted sum of the first eight digits of a nine-digit number with the 11-proef weights
/// 9..2; the ninth digit (weight −1) is what the caller solves for.
fn prefix_sum(prefix: u32) -> u32 {
    let mut rest = prefix;
    let mut sum = 0;
    // The last digit of the prefix has weight 2, the first weight 9.
    for w in 2..=9 {
        sum += (rest % 10) * w;
        rest /= 10;
    }
    sum
}

/// The BSN with these first eight digits, if one exists: the ninth digit d must make
/// Σ − d ≡ 0 (mod 11), which has no solution among 0..=9 for one prefix in eleven.
pub(super) fn bsn_with_prefix(prefix: u32) -> Option<u32> {
    let d = prefix_sum(prefix) % 11;
    (d <= 9 && prefix != 0).then_some(prefix * 10 + d)
}

/// The onderwijsnummer with these first eight digits, if one exists: Σ − d ≡ 5 (mod 11).
pub(super) fn onderwijsnummer_with_prefix(prefix: u32) -> Option<u32> {
    let d = (prefix_sum(prefix) + 6) % 11;
    (d <= 9).then_some(prefix * 10 + d)
}

/// An affine permutation `k ↦ (a·k + b) mod m` of `0..m`; a bijection because `gcd(a, m) = 1`.
#[derive(Clone, Copy, Debug)]
struct Permutation {
    a: u64,
    b: u64,
    m: u64,
}

impl Permutation {
    fn new(a: u64, offset: u64, m: u64) -> Self {
        debug_assert_eq!(gcd(a, m), 1);
        Permutation {
            a,
            b: offset % m,
            m,
        }
    }
    fn at(self, k: u64) -> u64 {
        debug_assert!(k < self.m, "permutation of {} exhausted", self.m);
        (self.a * (k % self.m) + self.b) % self.m
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Hands out distinct valid numbers in a seed-dependent order: each is the valid completion
/// (`complete`) of a prefix `10_000_000 + perm(i)`, prefixes without one skipped.
pub(super) struct NummerGen {
    perm: Permutation,
    next: u64,
    complete: fn(u32) -> Option<u32>,
}

impl NummerGen {
    const FIRST: u64 = 10_000_000;

    /// Valid BSNs (first digit 1–9).
    pub(super) fn bsn(seed: u64) -> Self {
        // Prefixes 10_000_000..99_999_999: 9·10⁷ = 2⁷·3²·5⁷ values; 7_368_787 shares no factor.
        NummerGen {
            perm: Permutation::new(7_368_787, seed.wrapping_mul(0x9E37_79B9), 90_000_000),
            next: 0,
            complete: bsn_with_prefix,
        }
    }

    /// Valid onderwijsnummers (`10` followed by seven digits).
    pub(super) fn onderwijsnummer(seed: u64) -> Self {
        // Prefixes 10_000_000..10_999_999: 10⁶ values; 737_891 is odd and not a multiple of 5.
        NummerGen {
            perm: Permutation::new(737_891, seed.wrapping_mul(0x85EB_CA6B), 1_000_000),
            next: 0,
            complete: onderwijsnummer_with_prefix,
        }
    }

    pub(super) fn next_nummer(&mut self) -> u32 {
        loop {
            let prefix = Self::FIRST + self.perm.at(self.next);
            self.next += 1;
            if let Some(n) = (self.complete)(prefix as u32) {
                return n;
            }
        }
    }
}

/// Hands out distinct BRIN numbers (`\d{2}[A-Z]{2}`): 100 · 26² = 67_600 of them.
pub(super) struct BrinGen {
    perm: Permutation,
    next: u64,
}

impl BrinGen {
    pub(super) fn new(seed: u64) -> Self {
        // 67_600 = 2⁴·5²·13²; 40_009 shares no factor.
        BrinGen {
            perm: Permutation::new(40_009, seed, 67_600),
            next: 0,
        }
    }
    pub(super) fn next_brin(&mut self) -> [u8; 4] {
        let i = self.perm.at(self.next) as u32;
        self.next += 1;
        let (num, letters) = (i / 676, i % 676);
        [
            b'0' + (num / 10) as u8,
            b'0' + (num % 10) as u8,
            b'A' + (letters / 26) as u8,
            b'A' + (letters % 26) as u8,
        ]
    }
}

/// Hands out distinct CBS codes `GM7000`..`GM9999` for synthetic gemeenten: a range CBS has
/// not issued (real codes stay below 2000), so a synthetic gemeente never looks like a real one.
pub(super) struct GemeenteCodeGen {
    perm: Permutation,
    next: u64,
}

impl GemeenteCodeGen {
    pub(super) const CAPACITY: u64 = 3_000;
    pub(super) fn new(seed: u64) -> Self {
        // 3_000 = 2³·3·5³; 1_117 shares no factor.
        GemeenteCodeGen {
            perm: Permutation::new(1_117, seed, Self::CAPACITY),
            next: 0,
        }
    }
    pub(super) fn next_code(&mut self) -> u32 {
        let c = 7_000 + self.perm.at(self.next) as u32;
        self.next += 1;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leerrecht_domain::ids::{Bsn, Onderwijsnummer};
    use std::collections::HashSet;

    #[test]
    fn prefix_solutions_pass_the_domain_checks() {
        for prefix in (10_000_000u32..99_999_999).step_by(9_973) {
            match bsn_with_prefix(prefix) {
                Some(n) => assert!(Bsn::new(n).is_ok(), "{n}"),
                // No digit completes it: every completion fails.
                None => assert!((0..10).all(|d| Bsn::new(prefix * 10 + d).is_err())),
            }
        }
        for prefix in (10_000_000u32..11_000_000).step_by(97) {
            match onderwijsnummer_with_prefix(prefix) {
                Some(n) => assert!(Onderwijsnummer::new(n).is_ok(), "{n}"),
                None => assert!((0..10).all(|d| Onderwijsnummer::new(prefix * 10 + d).is_err())),
            }
        }
        assert_eq!(onderwijsnummer_with_prefix(10_122_233), Some(101_222_331));
    }

    #[test]
    fn generators_do_not_repeat() {
        fn distinct<T: std::hash::Hash + Eq>(n: u64, mut next: impl FnMut() -> T) {
            let mut seen = HashSet::new();
            for _ in 0..n {
                assert!(seen.insert(next()));
            }
        }
        let mut g = NummerGen::bsn(42);
        distinct(50_000, || g.next_nummer());
        let mut g = NummerGen::onderwijsnummer(42);
        distinct(20_000, || g.next_nummer());
        let mut g = BrinGen::new(42);
        distinct(67_600, || g.next_brin());
        let mut g = GemeenteCodeGen::new(42);
        let mut seen = HashSet::new();
        for _ in 0..GemeenteCodeGen::CAPACITY {
            let c = g.next_code();
            assert!((7_000..10_000).contains(&c));
            assert!(seen.insert(c));
        }
    }
}
