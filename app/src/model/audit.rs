//! Audit records as the console and the API show them.
use serde::{Deserialize, Serialize};

/// How an audited attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditResult {
    Success,
    /// Refused by IAM: the caller lacked the permission.
    Refused,
    /// Attempted and failed (bad input, conflict, server error).
    Failed,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Success => "success",
            AuditResult::Refused => "refused",
            AuditResult::Failed => "failed",
        }
    }

    /// The stored form back; anything unknown reads as `Failed`.
    pub fn parse(text: &str) -> Self {
        match text {
            "success" => AuditResult::Success,
            "refused" => AuditResult::Refused,
            _ => AuditResult::Failed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    /// UTC, `YYYY-MM-DD hh:mm:ss`.
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub resource_name: String,
    pub source_ip: String,
    pub channel: String,
    pub result: AuditResult,
    pub detail: String,
}

/// Filters of the audit list; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub user_name: Option<String>,
    /// Part of the action name, e.g. `users` or `apig:instances:create`.
    pub action: Option<String>,
    pub result: Option<AuditResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub total: i64,
    pub records: Vec<AuditRecord>,
}
