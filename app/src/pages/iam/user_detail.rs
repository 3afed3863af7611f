//! One user (`/iam/users/:id`): their details with an edit form, a password reset, enable
//! or disable, the user groups they belong to, their access keys, and deletion after a
//! confirmation that says what goes with them. Actions the signed-in user may not perform
//! are not shown.
use leptos::prelude::*;

use crate::components::form::FormActions;
use crate::components::heading::LoadedTitle;
use crate::components::route::path_param;
use leptos_router::hooks::use_navigate;

use super::fields::{access_mode_label, AccessModeField};
use super::user_keys::{AccessKeysCard, KeyActions};
use super::users::enabled_badge;
use crate::api::iam::{get_user, DeleteUser, UpdateUser};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, property_table, row};
use crate::components::dialog::{ConfirmDelete, Removal};
use crate::components::feedback::{failure, on_success, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{problems, CheckboxField, Sending, TextField};
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::error::AppError;
use crate::model::iam::{self, User, UserChange, UserDetail, UserGroup};
use crate::model::permission::actions;

/// The changes the page can make to the user.
#[derive(Clone, Copy)]
struct UserActions {
    edit: ServerAction<UpdateUser>,
    toggle: ServerAction<UpdateUser>,
    reset: ServerAction<UpdateUser>,
    delete: ServerAction<DeleteUser>,
}

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let user_id = path_param("id");
    let refresh = RwSignal::new(0_u32);
    let actions = UserActions {
        edit: ServerAction::new(),
        toggle: ServerAction::new(),
        reset: ServerAction::new(),
        delete: ServerAction::new(),
    };
    refresh_on_success(actions.edit, refresh);
    refresh_on_success(actions.toggle, refresh);
    let keys = KeyActions::new(refresh);
    let detail = Resource::new(
        move || (user_id.get(), refresh.get()),
        |(user_id, _)| get_user(user_id),
    );
    view! {
        <LoadedTitle resource=detail fallback="User" name=|detail| detail.user.name/>
        <p class="small"><a href="/iam/users">"← Users"</a></p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || detail.get().map(|result| match result {
                Ok(detail) => view! { <UserView detail actions keys/> }.into_any(),
                Err(error) => view! {
                    <div class="page-header"><h1>"User"</h1></div>
                    <ErrorBanner error=Some(error)/>
                }
                .into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn UserView(detail: UserDetail, actions: UserActions, keys: KeyActions) -> impl IntoView {
    let shell = use_shell();
    let UserDetail {
        user,
        groups,
        access_keys,
    } = detail;
    let is_self = shell
        .current()
        .is_some_and(|info| info.user_name == user.name);
    let can_update = shell.can(actions::iam::users::update);
    let can_delete = shell.can(actions::iam::users::delete) && !is_self;
    let delete_open = RwSignal::new(false);
    let navigate = use_navigate();
    Effect::new(move |_| match actions.delete.value().get() {
        Some(Ok(())) => navigate("/iam/users", Default::default()),
        Some(Err(_)) => delete_open.set(false),
        None => {}
    });
    let delete_message = delete_message(&user, groups.len(), access_keys.len());
    let toggle = {
        let user_id = user.id.clone();
        let enabled = user.enabled;
        move |_| {
            actions.toggle.dispatch(UpdateUser {
                user_id: user_id.clone(),
                change: UserChange {
                    enabled: Some(!enabled),
                    ..UserChange::default()
                },
            });
        }
    };
    let delete = {
        let user_id = user.id.clone();
        move || {
            actions.delete.dispatch(DeleteUser {
                user_id: user_id.clone(),
            });
        }
    };
    view! {
        <div class="page-header">
            <h1>
                {user.name.clone()} " " {enabled_badge(user.enabled)} " "
                <span class="badge badge-info">{access_mode_label(&user.access_mode).to_owned()}</span>
            </h1>
            <p class="muted">
                "User ID " <code>{user.id.clone()}</code>
                <CopyButton text=user.id.clone() what="user ID"/>
            </p>
            <div class="form-actions">
                {(can_update && !is_self).then(|| view! {
                    <button type="button" class="btn" disabled=move || actions.toggle.pending().get() on:click=toggle>
                        {if user.enabled { "Disable user" } else { "Enable user" }}
                    </button>
                })}
                {can_delete.then(|| view! {
                    <button type="button" class="btn btn-danger" on:click=move |_| delete_open.set(true)>
                        "Delete user"
                    </button>
                })}
            </div>
        </div>
        <ErrorBanner error=failure(actions.toggle)/>
        <ErrorBanner error=failure(actions.delete)/>
        <DetailsCard user=user.clone() edit=actions.edit can_update/>
        {can_update.then(|| view! {
            <PasswordCard user_id=user.id.clone() user_name=user.name.clone() reset=actions.reset/>
        })}
        <GroupsCard user_name=user.name.clone() groups/>
        <AccessKeysCard user=user.clone() access_keys actions=keys is_self/>
        <ConfirmDelete
            open=delete_open
            removal=Some(delete_message)
            pending=actions.delete.pending()
            on_confirm=delete
        />
    }
    .into_any()
}

/// What deleting the user removes.
fn delete_message(user: &User, groups: usize, keys: usize) -> Removal {
    let groups = match groups {
        1 => "1 user group".to_owned(),
        n => format!("{n} user groups"),
    };
    let removal = Removal::new(format!("user {}", user.name)).with(format!(
        "{} can no longer sign in and is removed from {groups}",
        user.name
    ));
    match keys {
        0 => removal,
        1 => removal.with("their access key goes: calls signed with it stop working"),
        n => removal.with(format!(
            "their {n} access keys go: calls signed with them stop working"
        )),
    }
}

/// The user's details, and the form that edits them.
#[component]
fn DetailsCard(user: User, edit: ServerAction<UpdateUser>, can_update: bool) -> impl IntoView {
    let editing = RwSignal::new(false);
    let start = move |_| {
        edit.clear();
        editing.set(true);
    };
    view! {
        <section class="card">
            <h2>"Details"</h2>
            {move || {
                if editing.get() {
                    view! { <EditForm user=user.clone() edit editing/> }.into_any()
                } else {
                    view! {
                        <DetailsTable user=user.clone()/>
                        {can_update.then(|| view! {
                            <div class="form-actions">
                                <button type="button" class="btn" on:click=start>"Edit details"</button>
                            </div>
                        })}
                    }
                    .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn DetailsTable(user: User) -> impl IntoView {
    let password = if user.pwd_status {
        "Must be changed at the next sign-in"
    } else {
        "Set"
    };
    view! {
        {property_table(view! {
                    {row("Email", or_none(user.email))}
                    {row("Description", or_none(user.description))}
                    {row("Access type", access_mode_label(&user.access_mode).to_owned())}
                    {row("Status", enabled_badge(user.enabled))}
                    {row("Password", password)}
                    {row("Created", user.created_at)}
                    {row("Last sign-in", user.last_login_at.unwrap_or_else(|| "Never".to_owned()))}
        })}
    }
    .into_any()
}

#[component]
fn EditForm(user: User, edit: ServerAction<UpdateUser>, editing: RwSignal<bool>) -> impl IntoView {
    let email = RwSignal::new(user.email.clone());
    let description = RwSignal::new(user.description.clone());
    let access_mode = RwSignal::new(user.access_mode.clone());
    let enabled = RwSignal::new(user.enabled);
    let errors = move || -> Vec<AppError> {
        problems([
            iam::validate_email("email", &email.get()),
            iam::validate_description("description", &description.get()),
            iam::validate_access_mode("access_mode", &access_mode.get()),
        ])
    };
    let form = Sending::new(edit, errors);
    let server_error = form.refused();
    let general_error = Signal::derive(move || server_error.get().filter(|e| e.field().is_none()));
    let pending = edit.pending();
    let user_id = user.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        form.send(ev, || UpdateUser {
            user_id: user_id.clone(),
            change: UserChange {
                email: Some(email.get_untracked()),
                description: Some(description.get_untracked()),
                access_mode: Some(access_mode.get_untracked()),
                enabled: Some(enabled.get_untracked()),
                ..UserChange::default()
            },
        })
    };
    view! {
        <form class="form" novalidate on:submit=save>
            <ErrorBanner error=general_error/>
            <TextField label="Email" id="edit-email" input_type="email" value=email error=form.field_error("email") hint="Optional."/>
            <TextField
                label="Description"
                id="edit-description"
                multiline=true
                value=description
                error=form.field_error("description")
                hint="Optional, at most 255 characters."
            />
            <AccessModeField id="edit-access-mode" value=access_mode error=form.field_error("access_mode")/>
            <CheckboxField
                label="Enabled"
                id="edit-enabled"
                checked=enabled
                error=form.field_error("enabled")
                hint="A disabled user can neither sign in nor call APIs."
            />
            <FormActions label="Save changes" busy="Saving…" pending
                on_cancel=Callback::new(move |()| editing.set(false))/>
        </form>
    }
    .into_any()
}

/// Sets a new password for the user.
#[component]
fn PasswordCard(
    user_id: String,
    user_name: String,
    reset: ServerAction<UpdateUser>,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let errors = {
        let user_name = user_name.clone();
        move || -> Vec<AppError> {
            let password = password.get();
            let mismatch = (confirm.get() != password)
                .then(|| AppError::invalid("confirm_password", "The passwords do not match."));
            iam::validate_password("password", &user_name, &password)
                .err()
                .into_iter()
                .chain(mismatch)
                .collect()
        }
    };
    let server_error = failure(reset);
    let field_error = {
        let errors = errors.clone();
        move |field: &'static str| {
            let errors = errors.clone();
            Signal::derive(move || {
                attempted
                    .get()
                    .then(&errors)
                    .and_then(|errors| errors.into_iter().find(|e| e.field() == Some(field)))
                    .or_else(|| server_error.get().filter(|e| e.field() == Some(field)))
                    .map(|error| error.to_string())
            })
        }
    };
    let general_error = Signal::derive(move || server_error.get().filter(|e| e.field().is_none()));
    let done = move || reset.value().with(|outcome| matches!(outcome, Some(Ok(_))));
    on_success(reset, move || {
        password.set(String::new());
        confirm.set(String::new());
        attempted.set(false);
    });
    let pending = reset.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if !untrack(&errors).is_empty() || pending.get_untracked() {
            return;
        }
        reset.dispatch(UpdateUser {
            user_id: user_id.clone(),
            change: UserChange {
                password: Some(password.get_untracked()),
                ..UserChange::default()
            },
        });
    };
    view! {
        <section class="card">
            <h2>"Reset password"</h2>
            <p class="muted">{format!("Set a new password for {user_name}, then give it to them over a channel you trust.")}</p>
            {move || done().then(|| view! {
                <div class="alert alert-success" role="status">"The password was reset."</div>
            })}
            <form class="form" novalidate on:submit=submit>
                <ErrorBanner error=general_error/>
                <TextField
                    label="New password"
                    id="reset-password"
                    input_type="password"
                    autocomplete="new-password"
                    value=password
                    error=field_error("password")
                    hint="8 to 32 characters of at least two kinds (upper case, lower case, digits, special characters), not containing the user name."
                />
                <TextField
                    label="Confirm new password"
                    id="reset-confirm-password"
                    input_type="password"
                    autocomplete="new-password"
                    value=confirm
                    error=field_error("confirm_password")
                />
                <FormActions label="Reset password" busy="Resetting…" pending/>
            </form>
        </section>
    }
    .into_any()
}

/// The user groups the user belongs to, which give them their permissions.
#[component]
fn GroupsCard(user_name: String, groups: Vec<UserGroup>) -> impl IntoView {
    let body = if groups.is_empty() {
        view! {
            <p class="muted">
                {format!("{user_name} is in no user group, so they have no permissions yet. ")}
                <a href="/iam/groups">"Add them to a group"</a>
                "."
            </p>
        }
        .into_any()
    } else {
        let columns = vec![
            Column::new("Name", |group: &UserGroup| {
                view! {
                    <a href=format!("/iam/groups/{}", group.id)>{group.name.clone()}</a>
                }
            }),
            Column::new("Description", |group: &UserGroup| {
                or_none(group.description.clone())
            }),
        ];
        view! { <DataTable label="User groups" columns rows=groups/> }.into_any()
    };
    view! {
        <section class="card">
            <h2>"User groups"</h2>
            {body}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            id: "u1".into(),
            name: "reader".into(),
            email: String::new(),
            description: String::new(),
            enabled: true,
            access_mode: "default".into(),
            pwd_status: false,
            created_at: String::new(),
            last_login_at: None,
        }
    }

    #[test]
    fn delete_message_names_what_goes() {
        let removal = delete_message(&user(), 1, 2);
        assert_eq!(removal.what, "user reader");
        assert_eq!(
            removal.with,
            [
                "reader can no longer sign in and is removed from 1 user group",
                "their 2 access keys go: calls signed with them stop working"
            ]
        );
        assert_eq!(
            delete_message(&user(), 0, 0).with,
            ["reader can no longer sign in and is removed from 0 user groups"]
        );
    }
}
