//! The shapes of IAM objects shared by several endpoints.
use serde_json::{json, Value};

use crate::mgmt::ApiError;

use app::model::iam::{User, UserGroup};
use app::services::caller::Caller;

/// An IAM time: `2026-11-26T09:13:44.000000Z`.
pub fn iam_time(console_time: &str) -> String {
    format!("{}.000000Z", console_time.replacen(' ', "T", 1))
}

/// Keystone's group creation time: milliseconds since the epoch.
fn iam_time_millis(console_time: &str) -> i64 {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(console_time, &format)
        .map(|t| t.assume_utc().unix_timestamp() * 1000)
        .unwrap_or_default()
}

/// The SDK model a user is shown as: Keystone's calls (`/v3/users`) and Huawei's own
/// (`/v3.0/OS-USER/users`) each carry their own set of fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserShape {
    KeystoneCreated,
    KeystoneListed,
    KeystoneShown,
    KeystoneUpdated,
    Created,
    Shown,
    Updated,
}

impl UserShape {
    /// What each shape shows beyond what every one does (`COMMON`).
    fn extra(self) -> &'static [&'static str] {
        match self {
            UserShape::KeystoneCreated => &["password_expires_at", "links"],
            UserShape::KeystoneUpdated => &["password_expires_at", "links", "last_project_id"],
            UserShape::KeystoneListed | UserShape::KeystoneShown => &[
                "password_expires_at",
                "links",
                "last_project_id",
                "access_mode",
            ],
            UserShape::Created => &[
                "password_expires_at",
                "access_mode",
                "email",
                "create_time",
                "is_domain_owner",
            ],
            UserShape::Shown => &[
                "links",
                "access_mode",
                "email",
                "create_time",
                "last_login_time",
                "is_domain_owner",
            ],
            UserShape::Updated => &[
                "password_expires_at",
                "links",
                "access_mode",
                "email",
                "create_time",
                "is_domain_owner",
            ],
        }
    }

    fn shows(self, field: &str) -> bool {
        const COMMON: [&str; 6] = [
            "id",
            "name",
            "domain_id",
            "description",
            "enabled",
            "pwd_status",
        ];
        COMMON.contains(&field) || self.extra().contains(&field)
    }

    /// `keystone` on Keystone's paths, `huawei` on `/v3.0/OS-USER/…`.
    pub fn on(path: &str, keystone: UserShape, huawei: UserShape) -> UserShape {
        if path.starts_with("/v3.0/OS-USER/") {
            huawei
        } else {
            keystone
        }
    }
}

/// A user as `shape` shows it.
pub fn user(caller: &Caller, user: &User, shape: UserShape) -> Value {
    let mut all = every_user_field(caller, user);
    if let Some(fields) = all.as_object_mut() {
        fields.retain(|name, _| shape.shows(name));
    }
    all
}

fn every_user_field(caller: &Caller, user: &User) -> Value {
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

pub fn group(caller: &Caller, group: &UserGroup) -> Value {
    json!({
        "id": group.id,
        "name": group.name,
        "domain_id": caller.account_id,
        "description": group.description,
        "create_time": iam_time_millis(&group.created_at),
        "links": { "self": format!("/v3/groups/{}", group.id) },
    })
}

/// A collection's links as Keystone writes them.
pub fn collection_links(path: &str) -> Value {
    json!({ "self": path, "previous": null, "next": null })
}

/// Keystone's paging: `page` from 1 and `per_page` from 1 to `max`, given together;
/// neither: the whole list.
pub fn keystone_page<T>(
    items: Vec<T>,
    page: Option<i64>,
    per_page: Option<i64>,
    max: i64,
) -> Result<Vec<T>, ApiError> {
    let (page, per_page) = match (page, per_page) {
        (None, None) => return Ok(items),
        (Some(page), Some(per_page)) => (page, per_page),
        (Some(_), None) => {
            return Err(ApiError::invalid_parameter(
                "per_page",
                "page and per_page go together",
            ))
        }
        (None, Some(_)) => {
            return Err(ApiError::invalid_parameter(
                "page",
                "page and per_page go together",
            ))
        }
    };
    if page < 1 {
        return Err(ApiError::invalid_parameter("page", "the page is 1 or more"));
    }
    if !(1..=max).contains(&per_page) {
        return Err(ApiError::invalid_parameter(
            "per_page",
            format!("per_page is 1 to {max}"),
        ));
    }
    let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(0);
    Ok(items.into_iter().skip(skip).take(take).collect())
}

/// Whether a `domain_id` filter names this installation's one account (none: yes).
pub fn in_account(caller: &Caller, domain_id: Option<&str>) -> bool {
    domain_id.is_none_or(|id| id.is_empty() || id == caller.account_id)
}

/// A collection's link to itself alone (the responses whose model has only `self`).
pub fn self_link(path: &str) -> Value {
    json!({ "self": path })
}
