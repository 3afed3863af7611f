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

/// Which way a sorted column runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

impl SortDirection {
    /// The value of a heading's `aria-sort`.
    pub fn aria(self) -> &'static str {
        match self {
            SortDirection::Ascending => "ascending",
            SortDirection::Descending => "descending",
        }
    }
}

/// How a console list is ordered: a column's key and a direction. The empty key is the
/// list's own order. Written as `key` or `-key` (descending) where it travels as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortOrder {
    pub key: String,
    pub descending: bool,
}

impl SortOrder {
    /// Reads `name` or `-name`; blank is the list's own order.
    pub fn parse(text: &str) -> SortOrder {
        let text = text.trim();
        match text.strip_prefix('-') {
            Some(key) => SortOrder {
                key: key.to_owned(),
                descending: true,
            },
            None => SortOrder {
                key: text.to_owned(),
                descending: false,
            },
        }
    }

    /// The text `parse` reads back.
    pub fn as_param(&self) -> String {
        match (self.key.is_empty(), self.descending) {
            (true, _) => String::new(),
            (false, true) => format!("-{}", self.key),
            (false, false) => self.key.clone(),
        }
    }

    /// The order after the user picks column `key`: ascending, then descending, then
    /// ascending again.
    pub fn toggled(&self, key: &str) -> SortOrder {
        SortOrder {
            key: key.to_owned(),
            descending: self.key == key && !self.descending,
        }
    }

    /// The direction column `key` is sorted in, if the list is sorted by it.
    pub fn direction_of(&self, key: &str) -> Option<SortDirection> {
        (self.key == key).then_some(if self.descending {
            SortDirection::Descending
        } else {
            SortDirection::Ascending
        })
    }

    /// The order as the SQL of a list reads it (`name`, `-name`, or `` for its own order),
    /// when `key` is one of the list's `sortable` columns; a clear error otherwise.
    pub fn checked(&self, sortable: &[&str]) -> Result<String, crate::error::AppError> {
        if self.key.is_empty() || sortable.contains(&self.key.as_str()) {
            Ok(self.as_param())
        } else {
            Err(crate::error::AppError::invalid(
                "sort",
                format!(
                    "This list sorts by {}, not by {:?}.",
                    sortable.join(", "),
                    self.key
                ),
            ))
        }
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

    #[test]
    fn sort_orders_read_back_and_toggle() {
        let order = SortOrder::parse("-created");
        assert_eq!(order.key, "created");
        assert!(order.descending);
        assert_eq!(order.as_param(), "-created");
        assert_eq!(SortOrder::parse(" ").as_param(), "");
        let by_name = SortOrder::default().toggled("name");
        assert_eq!(by_name.as_param(), "name");
        assert_eq!(by_name.toggled("name").as_param(), "-name");
        assert_eq!(by_name.toggled("name").toggled("name").as_param(), "name");
        assert_eq!(by_name.toggled("created").as_param(), "created");
        assert_eq!(by_name.direction_of("name"), Some(SortDirection::Ascending));
        assert_eq!(by_name.direction_of("created"), None);
    }

    #[test]
    fn only_a_lists_own_columns_sort_it() {
        assert_eq!(
            SortOrder::parse("-name").checked(&["name"]).unwrap(),
            "-name"
        );
        assert_eq!(SortOrder::default().checked(&["name"]).unwrap(), "");
        let refused = SortOrder::parse("password")
            .checked(&["name", "created"])
            .unwrap_err();
        assert_eq!(refused.field(), Some("sort"));
        assert!(refused.to_string().contains("name, created"), "{refused}");
    }
}
