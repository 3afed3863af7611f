//! Request ids: 32 hex characters, unique per request, returned as `X-Request-Id`. Kept
//! inline (no allocation per request).
//!
//! Each thread counts its ids and mixes the count with two random keys of its own through
//! a bijection (SplitMix64's finaliser): ids never repeat within a thread, look random, and
//! threads differ by their keys. Ids identify calls; they are not secrets.
use std::cell::Cell;
use std::fmt;

thread_local! {
    /// This thread's keys and the number of ids it has made.
    static IDS: Cell<(u64, u64, u64)> = Cell::new((rand::random(), rand::random(), 0));
}

/// SplitMix64's finaliser: a bijection on `u64` that scatters neighbouring inputs.
fn mix(z: u64) -> u64 {
    let z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId([u8; 32]);

impl RequestId {
    pub fn new() -> Self {
        let (high, low, count) = IDS.with(|ids| {
            let (high, low, count) = ids.get();
            ids.set((high, low, count.wrapping_add(1)));
            (high, low, count)
        });
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&mix(count ^ high).to_be_bytes());
        bytes[8..].copy_from_slice(&mix(count ^ low).to_be_bytes());
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 32];
        for (pair, byte) in text.chunks_exact_mut(2).zip(bytes) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        RequestId(text)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_hex_digits_and_never_repeat() {
        let ids: std::collections::HashSet<RequestId> =
            (0..100_000).map(|_| RequestId::new()).collect();
        assert_eq!(ids.len(), 100_000);
        for id in ids.iter().take(100) {
            assert_eq!(id.as_str().len(), 32);
            assert!(id.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        }
        // Another thread has keys of its own.
        let other = std::thread::spawn(RequestId::new).join().unwrap();
        assert!(!ids.contains(&other));
    }
}
