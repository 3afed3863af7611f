//! The access keys card of the user page: each key with its status, creating one (its
//! secret shown once, in a dialog), disabling or enabling, and deleting after confirmation.
use leptos::prelude::*;

use super::secret::NewKeyDetails;
use crate::api::iam::{CreateAccessKey, DeleteAccessKey, SetAccessKeyStatus};
use crate::components::copy::CopyButton;
use crate::components::dialog::{ConfirmDelete, Removal};
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner};
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::model::iam::{AccessKey, User, MAX_ACCESS_KEYS};
use crate::model::permission::actions;

/// The changes the card can make to the user's access keys.
#[derive(Clone, Copy)]
pub struct KeyActions {
    create: ServerAction<CreateAccessKey>,
    status: ServerAction<SetAccessKeyStatus>,
    delete: ServerAction<DeleteAccessKey>,
}

impl KeyActions {
    /// The actions, each reloading the user (`refresh`) when it succeeds.
    pub fn new(refresh: RwSignal<u32>) -> Self {
        let actions = KeyActions {
            create: ServerAction::new(),
            status: ServerAction::new(),
            delete: ServerAction::new(),
        };
        refresh_on_success(actions.create, refresh);
        refresh_on_success(actions.status, refresh);
        refresh_on_success(actions.delete, refresh);
        actions
    }

    /// Forgets the outcome of earlier actions before starting another.
    fn clear(&self) {
        self.create.clear();
        self.status.clear();
        self.delete.clear();
    }
}

#[component]
pub fn AccessKeysCard(
    user: User,
    access_keys: Vec<AccessKey>,
    actions: KeyActions,
    /// The signed-in user may manage their own keys without IAM permissions.
    is_self: bool,
) -> impl IntoView {
    let shell = use_shell();
    let may = move |action: crate::model::permission::Action| is_self || shell.can(action);
    let can_create = may(actions::iam::credentials::createCredential);
    let can_update = may(actions::iam::credentials::updateCredential);
    let can_delete = may(actions::iam::credentials::deleteCredential);
    let held = i64::try_from(access_keys.len()).unwrap_or(i64::MAX);
    let full = held >= MAX_ACCESS_KEYS;
    let to_delete = RwSignal::new(String::new());
    let confirm_open = RwSignal::new(false);
    let create = {
        let user_id = user.id.clone();
        move |_| {
            actions.clear();
            actions.create.dispatch(CreateAccessKey {
                user_id: user_id.clone(),
                description: "Created in the console".to_owned(),
            });
        }
    };
    let empty = format!(
        "{} has no access keys, so they cannot sign API calls.",
        user.name
    );
    let columns = key_columns(
        actions,
        can_update,
        can_delete.then_some((to_delete, confirm_open)),
    );
    view! {
        <section class="card">
            <h2>"Access keys"</h2>
            <p class="muted">
                {format!("Access keys (AK/SK) sign calls to APIs. A user holds at most {MAX_ACCESS_KEYS}.")}
            </p>
            <ErrorBanner error=failure(actions.create)/>
            <ErrorBanner error=failure(actions.status)/>
            <ErrorBanner error=failure(actions.delete)/>
            <DataTable label="Access keys" columns rows=access_keys empty/>
            {can_create.then(|| view! {
                <div class="form-actions">
                    {full.then(|| view! {
                        <p class="field-hint">"Delete a key to create another."</p>
                    })}
                    <button
                        type="button"
                        class="btn btn-primary"
                        disabled=move || full || actions.create.pending().get()
                        on:click=create
                    >
                        "Create access key"
                    </button>
                </div>
            })}
        </section>
        <NewKeyDialog user_name=user.name.clone() actions/>
        <ConfirmDelete
            open=confirm_open
            removal=Signal::derive(move || Some(
                Removal::new(format!("access key {}", to_delete.get()))
                    .with("calls signed with it stop working at once")
            ))
            pending=actions.delete.pending()
            on_confirm=move || {
                actions.clear();
                actions.delete.dispatch(DeleteAccessKey { access_key: to_delete.get_untracked() });
                confirm_open.set(false);
            }
        />
    }
    .into_any()
}

/// An access key's ID with its copy button, in both key tables.
pub(super) fn key_id_column() -> Column<AccessKey> {
    Column::new("Access key ID", |key: &AccessKey| {
        view! {
            <code>{key.access_key.clone()}</code>
            <CopyButton text=key.access_key.clone() what="access key ID"/>
        }
    })
}

/// Whether a key signs calls, in both key tables.
pub(super) fn key_status_column() -> Column<AccessKey> {
    Column::new("Status", |key: &AccessKey| {
        if key.status == "active" {
            view! { <span class="badge badge-success">"Active"</span> }
        } else {
            view! { <span class="badge badge-muted">"Disabled"</span> }
        }
    })
}

/// Each key: its ID with a copy button, status, and the actions the user may take.
fn key_columns(
    actions: KeyActions,
    can_update: bool,
    delete: Option<(RwSignal<String>, RwSignal<bool>)>,
) -> Vec<Column<AccessKey>> {
    vec![
        key_id_column(),
        Column::new("Description", |key: &AccessKey| key.description.clone()),
        key_status_column(),
        Column::new("Created", |key: &AccessKey| key.created_at.clone()),
        Column::actions(move |key: &AccessKey| {
            let active = key.status == "active";
            let toggle = can_update.then(|| {
                let access_key = key.access_key.clone();
                let label = format!(
                    "{} access key {access_key}",
                    if active { "Disable" } else { "Enable" }
                );
                view! {
                    <button type="button" class="btn btn-small" aria-label=label
                        disabled=move || actions.status.pending().get()
                        on:click=move |_| {
                            actions.clear();
                            actions.status.dispatch(SetAccessKeyStatus {
                                access_key: access_key.clone(),
                                active: !active,
                            });
                        }>
                        {if active { "Disable" } else { "Enable" }}
                    </button>
                }
            });
            let remove = delete.map(|(to_delete, open)| {
                let access_key = key.access_key.clone();
                view! {
                    <button type="button" class="btn btn-small btn-ghost"
                        aria-label=format!("Delete access key {access_key}")
                        on:click=move |_| {
                            to_delete.set(access_key.clone());
                            open.set(true);
                        }>
                        "Delete"
                    </button>
                }
            });
            view! { {toggle} {remove} }
        }),
    ]
}

/// The new key's secret, shown once; it is gone when the dialog closes.
#[component]
fn NewKeyDialog(user_name: String, actions: KeyActions) -> impl IntoView {
    move || {
        actions
            .create
            .value()
            .get()
            .and_then(Result::ok)
            .map(|key| {
                view! {
                    <div class="dialog-backdrop">
                        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="new-key-title">
                            <h2 class="dialog-title" id="new-key-title">"Access key created"</h2>
                            <div class="dialog-body">
                                <NewKeyDetails user_name=user_name.clone() key/>
                            </div>
                            <div class="dialog-actions">
                                <button type="button" class="btn btn-primary" on:click=move |_| actions.create.clear()>
                                    "I have saved the secret"
                                </button>
                            </div>
                        </div>
                    </div>
                }
            })
    }
}
