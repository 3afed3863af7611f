//! Who is acting: the signed-in user or the API caller, the project they act in, through
//! which channel and from which address. Every service call that reads or changes
//! anything takes one.
use serde::{Deserialize, Serialize};

/// Through which face of Portico a call came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Console,
    Api,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Console => "console",
            Channel::Api => "api",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub user_name: String,
    pub account_id: String,
    /// The project the caller works in (the console's current project, the token's scope).
    pub project_id: String,
    pub channel: Channel,
    pub source_ip: String,
    /// The project a token or temporary access key is scoped to: such a caller acts in that
    /// project only, and cannot mint permanent access keys for its own user.
    pub bound_to: Option<String>,
}

/// What a service call runs with: the database and who is calling. It is two references,
/// passed by value.
#[derive(Debug, Clone, Copy)]
pub struct Cx<'a> {
    pub pool: &'a sqlx::PgPool,
    pub caller: &'a Caller,
}
