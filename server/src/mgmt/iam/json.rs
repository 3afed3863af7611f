//! The shapes of IAM objects shared by several endpoints.
use serde_json::{json, Value};

use app::domain::iam::{Group, User};
use app::services::caller::Caller;

/// An IAM time: `2026-11-26T09:13:44.000000Z`.
pub fn iam_time(console_time: &str) -> String {
    format!("{}.000000Z", console_time.replacen(' ', "T", 1))
}

pub fn user(caller: &Caller, user: &User) -> Value {
    json!({
        "id": user.id,
        "name": user.name,
        "domain_id": caller.account_id,
        "description": user.description,
        "email": user.email,
        "enabled": user.enabled,
        "pwd_status": user.pwd_status,
        "access_mode": user.access_mode,
        "create_time": iam_time(&user.created_at),
        "last_login_time": user.last_login_at.as_deref().map(iam_time),
        "last_project_id": caller.project_id,
        "password_expires_at": null,
        "is_domain_owner": user.name == "admin",
        "links": { "self": format!("/v3/users/{}", user.id) },
    })
}

pub fn group(caller: &Caller, group: &Group) -> Value {
    json!({
        "id": group.id,
        "name": group.name,
        "domain_id": caller.account_id,
        "description": group.description,
        "links": { "self": format!("/v3/groups/{}", group.id) },
    })
}

pub fn collection_links(path: &str) -> Value {
    json!({ "self": path, "previous": null, "next": null })
}
