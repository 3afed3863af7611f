//! The user list (`/iam/users`): search by name on the server, paging, and the way into
//! the "Create a user and grant APIG permissions" wizard.
use leptos::prelude::*;
use leptos_meta::Title;

use super::fields::access_mode_label;
use crate::api::iam::list_users;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::pager::Pager;
use crate::components::shell::use_shell;
use crate::domain::iam::{User, UserPage};
use crate::error::AppError;

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
    let search = RwSignal::new(String::new());
    let offset = RwSignal::new(0_i64);
    let page = Resource::new(
        move || (search.get(), offset.get()),
        |(search, offset)| list_users(search, offset),
    );
    let total = Signal::derive(move || page.get().and_then(Result::ok).map_or(0, |p| p.total));
    let forbidden = move || {
        page.get()
            .is_some_and(|result| matches!(result, Err(AppError::Forbidden { .. })))
    };
    view! {
        <Title text="Users"/>
        <div class="page-header">
            <h1>"Users"</h1>
            <p class="muted">
                "The account's IAM users: people who sign in to this console, and programs that call APIs with access keys. Their permissions come from their user groups."
            </p>
        </div>
        <Transition fallback=|| ()>
            <Show when=move || !forbidden()>
                <div class="table-toolbar">
                    <input
                        type="search"
                        class="table-search"
                        aria-label="Search users by name"
                        placeholder="Search by name"
                        prop:value=move || search.get()
                        on:input=move |ev| {
                            search.set(event_target_value(&ev));
                            offset.set(0);
                        }
                    />
                    {move || shell.can("iam:users:create").then(|| view! {
                        <div class="table-toolbar-actions">
                            <a class="btn btn-primary" href="/iam/users/new">"Create user"</a>
                        </div>
                    })}
                </div>
            </Show>
        </Transition>
        <Transition fallback=|| view! { <Loading/> }>
            {move || page.get().map(|result| match result {
                Ok(page) => {
                    let searched = search.get_untracked();
                    let only_admin = searched.is_empty() && page.total <= 1;
                    view! {
                        <UserTable page searched/>
                        <Pager offset total/>
                        {only_admin.then(|| view! { <OnlyAdmin can_create=shell.can("iam:users:create")/> })}
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn UserTable(page: UserPage, searched: String) -> impl IntoView {
    let rows = if page.users.is_empty() {
        let message = if searched.is_empty() {
            "No users on this page.".to_owned()
        } else {
            format!("No users match “{searched}”.")
        };
        view! { <tr><td class="table-empty" colspan="6">{message}</td></tr> }.into_any()
    } else {
        page.users
            .into_iter()
            .map(user_row)
            .collect_view()
            .into_any()
    };
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Access type"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last sign-in"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn user_row(user: User) -> impl IntoView {
    let email = if user.email.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! { <span>{user.email}</span> }.into_any()
    };
    view! {
        <tr>
            <td><a href=format!("/iam/users/{}", user.id)>{user.name}</a></td>
            <td>{email}</td>
            <td>{enabled_badge(user.enabled)}</td>
            <td>{access_mode_label(&user.access_mode).to_owned()}</td>
            <td>{user.created_at}</td>
            <td>{user.last_login_at.unwrap_or_else(|| "Never".to_owned())}</td>
        </tr>
    }
    .into_any()
}

/// Shown while the account has no user but its administrator.
#[component]
fn OnlyAdmin(can_create: bool) -> impl IntoView {
    view! {
        <div class="card empty-state">
            <h2>"Only admin so far"</h2>
            <p>
                "Give each person and program their own user instead of sharing admin. The wizard creates a user, puts them in a user group with APIG permissions and can give them an access key."
            </p>
            {if can_create {
                view! { <a class="btn btn-primary" href="/iam/users/new">"Create a user with the wizard"</a> }.into_any()
            } else {
                view! { <p class="muted">"Ask an administrator to create users: you lack the permission iam:users:create."</p> }.into_any()
            }}
        </div>
    }
    .into_any()
}
