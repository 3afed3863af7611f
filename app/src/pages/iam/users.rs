//! The user list (`/iam/users`): search by name on the server, paging, and the way into
//! the "Create a user and grant APIG permissions" wizard.
use leptos::prelude::*;

use crate::components::heading::PageHeader;

use super::fields::access_mode_label;
use crate::api::iam::list_users;
use crate::components::feedback::Loaded;
use crate::components::pager::Pager;
use crate::components::shell::use_shell;
use crate::components::table::{
    refused, Column, CreateLink, DataTable, EmptyState, ListState, TableSearch,
};
use crate::model::iam::User;
use crate::model::permission::actions;

/// Whether a user may sign in and call APIs.
pub fn enabled_badge(enabled: bool) -> impl IntoView {
    if enabled {
        view! { <span class="badge badge-success">"Enabled"</span> }
    } else {
        view! { <span class="badge badge-muted">"Disabled"</span> }
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let shell = use_shell();
    let list = ListState::new();
    let page = list.page(list_users);
    let total = Signal::derive(move || page.get().and_then(Result::ok).map_or(0, |p| p.total));
    let forbidden = move || refused(page);
    view! {
        <PageHeader title="Users">
            "The account's IAM users: people who sign in to this console, and programs that call APIs with access keys. Their permissions come from their user groups."
        </PageHeader>
        <Transition fallback=|| ()>
            <Show when=move || !forbidden()>
                <div class="table-toolbar">
                    <TableSearch list label="Search users by name"/>
                    <CreateLink action=actions::iam::users::create href="/iam/users/new" label="Create user"/>
                </div>
            </Show>
        </Transition>
        <Loaded resource=page show=move |page| {
            let searched = list.search.get_untracked();
            let only_admin = searched.is_empty() && page.total <= 1;
            view! {
                <DataTable label="Users" columns=user_columns() rows=page.users list
                    empty=format!("No users match “{searched}”.")/>
                <Pager offset=list.offset total/>
                {only_admin.then(|| view! { <OnlyAdmin can_create=shell.can(actions::iam::users::create)/> })}
            }
            .into_any()
        }/>
    }
    .into_any()
}

fn user_columns() -> Vec<Column<User>> {
    vec![
        Column::new("Name", |user: &User| {
            view! {
                <a href=format!("/iam/users/{}", user.id)>{user.name.clone()}</a>
            }
        })
        .sorted("name"),
        Column::new("Email", |user: &User| {
            if user.email.is_empty() {
                view! { <span class="muted">"—"</span> }.into_any()
            } else {
                view! { <span>{user.email.clone()}</span> }.into_any()
            }
        }),
        Column::new("Status", |user: &User| enabled_badge(user.enabled)),
        Column::new("Access type", |user: &User| {
            access_mode_label(&user.access_mode).to_owned()
        }),
        Column::new("Created", |user: &User| user.created_at.clone()).sorted("created"),
        Column::new("Last sign-in", |user: &User| {
            user.last_login_at
                .clone()
                .unwrap_or_else(|| "Never".to_owned())
        })
        .sorted("last_sign_in"),
    ]
}

/// Shown while the account has no user but its administrator.
#[component]
fn OnlyAdmin(can_create: bool) -> impl IntoView {
    view! {
        <EmptyState title="Only admin so far"
            text="Give each person and program their own user instead of sharing admin. The wizard creates a user, puts them in a user group with APIG permissions and can give them an access key."
            action=can_create.then(|| ("/iam/users/new".to_owned(), "Create a user with the wizard"))
            permission=actions::iam::users::create/>
    }
}
