//! How the gateway runtime of the process serving the console is doing: which configuration
//! revision it serves, and why the last build failed if it did.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeStatus {
    /// The configuration revision the gateway serves (0 before the first build).
    pub served_revision: i64,
    /// The latest committed revision.
    pub committed_revision: i64,
    /// APIs live in some environment, as served.
    pub live_apis: usize,
    /// When the configuration was last loaded (`YYYY-MM-DD HH:MM:SS` UTC).
    pub loaded_at: Option<String>,
    /// The last build, when it failed: the previous configuration keeps serving.
    pub failure: Option<RuntimeFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeFailure {
    /// `YYYY-MM-DD HH:MM:SS` UTC.
    pub at: String,
    pub message: String,
}

impl RuntimeStatus {
    /// Whether committed changes are not served yet.
    pub fn behind(&self) -> bool {
        self.served_revision < self.committed_revision
    }
}
