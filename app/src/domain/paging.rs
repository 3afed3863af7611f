//! Paging of lists: APIG's `offset`/`limit` rules, used by the console and the API alike.
use serde::{Deserialize, Serialize};

/// Default page size when none (or a non-positive one) is asked for.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Page {
    /// `limit` ≤ 0 → 20, > 500 → 500; a negative offset → 0.
    pub fn new(offset: Option<i64>, limit: Option<i64>) -> Self {
        let limit = match limit {
            Some(l) if l > 0 => l.min(MAX_LIMIT),
            _ => DEFAULT_LIMIT,
        };
        Page {
            offset: offset.unwrap_or(0).max(0),
            limit,
        }
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new(None, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_apig() {
        assert_eq!(
            Page::new(None, None),
            Page {
                offset: 0,
                limit: 20
            }
        );
        assert_eq!(
            Page::new(Some(-5), Some(0)),
            Page {
                offset: 0,
                limit: 20
            }
        );
        assert_eq!(
            Page::new(Some(40), Some(1000)),
            Page {
                offset: 40,
                limit: 500
            }
        );
        assert_eq!(
            Page::new(Some(3), Some(7)),
            Page {
                offset: 3,
                limit: 7
            }
        );
    }
}
