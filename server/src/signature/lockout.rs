//! Locking an access key out after repeated signature failures (APIG: "AK access failed to
//! reach the limit,forbidden").
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::SignatureError;

/// Counts consecutive failed verifications per access key and refuses a key for
/// `lock_duration` once it reaches `max_failures`; a success resets the count.
///
/// Thread-safe; time is passed in, so nothing here reads the clock. Callers record only
/// keys that exist, so unknown keys never take room. Memory is bounded by `max_keys`: when
/// the table is full, keys that are not locked right now are forgotten first; if every
/// tracked key is locked, further keys are counted in a fixed set of shared slots chosen by
/// a keyed hash, so lockout goes on for every key (a key sharing a slot with a locked one is
/// refused with it until the lock runs out, which only happens while the table is full).
#[derive(Debug)]
pub struct FailureLimiter {
    max_failures: u32,
    lock_duration: Duration,
    max_keys: usize,
    keys: Mutex<HashMap<String, Entry>>,
    overflow: Mutex<Vec<Entry>>,
    hasher: RandomState,
}

/// Shared slots for keys counted while the table is full of locked keys.
const OVERFLOW_SLOTS: usize = 4096;

#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    failures: u32,
    locked_until: Option<Instant>,
}

impl Entry {
    fn locked_at(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|left| !left.is_zero())
    }
}

impl Default for FailureLimiter {
    /// APIG's limits: 5 failures in a row lock the key for 5 minutes; at most 100 000 keys.
    fn default() -> Self {
        Self::with_capacity(100_000)
    }
}

fn locked(left: Duration) -> SignatureError {
    SignatureError::Locked {
        retry_after_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
    }
}

impl FailureLimiter {
    /// APIG's limits (5 failures in a row lock the key for 5 minutes), tracking at most
    /// `max_keys` keys.
    pub fn with_capacity(max_keys: usize) -> Self {
        Self::new(5, Duration::from_secs(5 * 60), max_keys)
    }

    /// A limiter locking a key for `lock_duration` after `max_failures` consecutive
    /// failures, tracking at most `max_keys` keys.
    pub fn new(max_failures: u32, lock_duration: Duration, max_keys: usize) -> Self {
        Self {
            max_failures: max_failures.max(1),
            lock_duration,
            max_keys: max_keys.max(1),
            keys: Mutex::new(HashMap::new()),
            overflow: Mutex::new(vec![Entry::default(); OVERFLOW_SLOTS]),
            hasher: RandomState::new(),
        }
    }

    /// Runs `verify` for `access_key` unless the key is locked, and records the outcome:
    /// any error counts as a failure, `Ok` resets the count. A locked key gets
    /// [`SignatureError::Locked`] without `verify` being run.
    pub fn guard(
        &self,
        access_key: &str,
        now: Instant,
        verify: impl FnOnce() -> Result<(), SignatureError>,
    ) -> Result<(), SignatureError> {
        self.check(access_key, now)?;
        let outcome = verify();
        match outcome {
            Ok(()) => self.record_success(access_key),
            Err(_) => self.record_failure(access_key, now),
        }
        outcome
    }

    /// `Err(Locked)` if `access_key` is locked at `now`.
    pub fn check(&self, access_key: &str, now: Instant) -> Result<(), SignatureError> {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = keys.get(access_key) else {
            drop(keys);
            let overflow = self.overflow.lock().unwrap_or_else(PoisonError::into_inner);
            return match overflow[self.slot(access_key)].locked_at(now) {
                Some(left) => Err(locked(left)),
                None => Ok(()),
            };
        };
        match entry.locked_at(now) {
            Some(left) => Err(locked(left)),
            None => {
                if entry.locked_until.is_some() {
                    // The lock has run out: the key starts again with a clean count.
                    keys.remove(access_key);
                }
                Ok(())
            }
        }
    }

    /// Records a failed verification; the `max_failures`-th in a row locks the key.
    pub fn record_failure(&self, access_key: &str, now: Instant) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        if !keys.contains_key(access_key) && keys.len() >= self.max_keys {
            keys.retain(|_, entry| entry.locked_at(now).is_some());
            if keys.len() >= self.max_keys {
                drop(keys);
                let mut overflow = self.overflow.lock().unwrap_or_else(PoisonError::into_inner);
                let slot = self.slot(access_key);
                self.count(&mut overflow[slot], now);
                return;
            }
        }
        let entry = keys.entry(access_key.to_owned()).or_default();
        self.count(entry, now);
    }

    fn count(&self, entry: &mut Entry, now: Instant) {
        if entry.locked_until.is_some() && entry.locked_at(now).is_none() {
            *entry = Entry::default();
        }
        entry.failures = entry.failures.saturating_add(1);
        if entry.failures >= self.max_failures && entry.locked_until.is_none() {
            entry.locked_until = Some(now + self.lock_duration);
        }
    }

    fn slot(&self, access_key: &str) -> usize {
        // The modulo keeps the value below OVERFLOW_SLOTS, so it fits in usize.
        #[allow(clippy::cast_possible_truncation)]
        let slot = (self.hasher.hash_one(access_key) % OVERFLOW_SLOTS as u64) as usize;
        slot
    }

    /// Records a successful verification: the key's failure count starts again from zero.
    pub fn record_success(&self, access_key: &str) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        keys.remove(access_key);
    }

    /// How many keys are tracked (for metrics and tests).
    pub fn tracked_keys(&self) -> usize {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch() -> Result<(), SignatureError> {
        Err(SignatureError::Mismatch {
            canonical_request: String::new(),
        })
    }

    fn is_locked(result: Result<(), SignatureError>) -> bool {
        matches!(result, Err(SignatureError::Locked { .. }))
    }

    #[test]
    fn fifth_failure_in_a_row_locks_the_key_for_five_minutes() {
        let limiter = FailureLimiter::default();
        let t0 = Instant::now();
        for _ in 0..4 {
            assert!(!is_locked(limiter.guard("ak", t0, mismatch)));
        }
        assert_eq!(limiter.guard("ak", t0, || Ok(())), Ok(()));
        for _ in 0..4 {
            assert!(!is_locked(limiter.guard("ak", t0, mismatch)));
        }
        assert!(!is_locked(limiter.guard("ak", t0, mismatch)));
        let mut ran = false;
        let refused = limiter.guard("ak", t0 + Duration::from_secs(1), || {
            ran = true;
            Ok(())
        });
        assert_eq!(
            refused,
            Err(SignatureError::Locked {
                retry_after_secs: 299
            })
        );
        assert!(!ran, "a locked key is not verified at all");
        assert_eq!(
            refused.unwrap_err().to_string(),
            "AK access failed to reach the limit,forbidden"
        );
        assert_eq!(limiter.guard("other", t0, || Ok(())), Ok(()));
        let almost = t0 + Duration::from_secs(299);
        assert!(is_locked(limiter.guard("ak", almost, || Ok(()))));
        let after = t0 + Duration::from_secs(300);
        assert_eq!(limiter.guard("ak", after, || Ok(())), Ok(()));
    }

    #[test]
    fn an_expired_lock_starts_a_fresh_count() {
        let limiter = FailureLimiter::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            let _ = limiter.guard("ak", t0, mismatch);
        }
        let later = t0 + Duration::from_secs(301);
        for _ in 0..4 {
            assert!(!is_locked(limiter.guard("ak", later, mismatch)));
        }
        assert_eq!(limiter.guard("ak", later, || Ok(())), Ok(()));
        assert_eq!(limiter.tracked_keys(), 0);
    }

    #[test]
    fn memory_stays_bounded() {
        let limiter = FailureLimiter::new(2, Duration::from_secs(60), 3);
        let t0 = Instant::now();
        limiter.record_failure("locked", t0);
        limiter.record_failure("locked", t0);
        for key in ["a", "b", "c", "d", "e"] {
            limiter.record_failure(key, t0);
            assert!(limiter.tracked_keys() <= 3);
        }
        assert!(is_locked(limiter.check("locked", t0)));
        limiter.record_failure("f", t0);
        limiter.record_failure("f", t0);
        limiter.record_failure("g", t0);
        limiter.record_failure("g", t0);
        limiter.record_failure("h", t0);
        limiter.record_failure("h", t0);
        assert_eq!(
            limiter.tracked_keys(),
            3,
            "all three slots hold locked keys"
        );
        assert!(
            is_locked(limiter.check("h", t0)),
            "no room in the table: h is counted in a shared slot, and locked all the same"
        );
        let later = t0 + Duration::from_secs(61);
        assert_eq!(limiter.check("h", later), Ok(()), "its lock runs out too");
        limiter.record_failure("i", later);
        assert_eq!(limiter.tracked_keys(), 1, "expired locks were evicted");
    }

    #[test]
    fn shared_between_threads() {
        let limiter = FailureLimiter::default();
        let t0 = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..5 {
                scope.spawn(|| limiter.record_failure("ak", t0));
            }
        });
        assert!(is_locked(limiter.check("ak", t0)));
    }
}
