//! My access keys: the signed-in user's permanent access keys (AK/SK). A new key's secret
//! is shown once, right after it is created; keys can be disabled, enabled and deleted.
use leptos::prelude::*;

use crate::components::form::{problems, FormCard, Sending, TextField};

use crate::components::heading::PageHeader;

use super::secret::NewKeyDetails;
use super::user_keys::{key_id_column, key_status_column};
use crate::api::iam::{list_access_keys, CreateAccessKey, DeleteAccessKey, SetAccessKeyStatus};
use crate::components::dialog::{send_for, ConfirmDelete, Removal};
use crate::components::feedback::{after_each, ErrorBanner, Loaded};
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::error::AppError;
use crate::model::iam::{validate_description, AccessKey, NewAccessKey, MAX_ACCESS_KEYS};

#[component]
pub fn AccessKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let set_status = ServerAction::<SetAccessKeyStatus>::new();
    let delete = ServerAction::<DeleteAccessKey>::new();
    let refresh = RwSignal::new(0_usize);
    let form_open = RwSignal::new(false);
    // The new key with its secret, kept only in this page's memory until dismissed.
    let created = RwSignal::new(None::<NewAccessKey>);
    Effect::watch(
        move || create.version().get(),
        move |_, _, _| {
            if let Some(Ok(new_key)) = create.value().get_untracked() {
                created.set(Some(new_key));
                create.clear();
                form_open.set(false);
                refresh.update(|n| *n += 1);
            }
        },
        false,
    );
    after_each(set_status, move || refresh.update(|n| *n += 1));
    after_each(delete, move || refresh.update(|n| *n += 1));
    let keys = Resource::new(move || refresh.get(), |_| list_access_keys(String::new()));
    let deleting = RwSignal::new(None::<AccessKey>);
    let dialog_open = RwSignal::new(false);
    after_each(delete, move || dialog_open.set(false));
    let change_error = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_status.value().get().and_then(Result::err))
    });
    let ask_delete = Callback::new(move |key: AccessKey| {
        delete.clear();
        deleting.set(Some(key));
        dialog_open.set(true);
    });
    let toggle = Callback::new(move |key: AccessKey| {
        set_status.dispatch(SetAccessKeyStatus {
            active: key.status != "active",
            access_key: key.access_key,
        });
    });

    view! {
        <PageHeader title="My access keys">
            {format!(
            "Access keys sign your calls to the management API and to APIs that use IAM authentication. You can hold at most {MAX_ACCESS_KEYS}; the secret of a key is shown only when it is created."
            )}
        </PageHeader>
        {move || created.get().map(|new_key| view! {
            <NewKeyCard new_key on_done=move || created.set(None)/>
        })}
        <ErrorBanner error=change_error/>
        <Show when=move || form_open.get()>
            <CreateKeyForm create on_cancel=move || form_open.set(false)/>
        </Show>
        <Loaded resource=keys show=move |keys| view! {
            <KeyList keys form_open toggle ask_delete pending=set_status.pending()/>
        }.into_any()/>
        <DeleteKeyDialog open=dialog_open key=deleting delete/>
    }
    .into_any()
}

/// The one showing of a new key's secret, highlighted, with copy buttons and the CSV file.
#[component]
fn NewKeyCard(new_key: NewAccessKey, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let shell = use_shell();
    let user_name = untrack(|| shell.current())
        .map(|info| info.user_name)
        .unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="new-key-title">
            <h2 id="new-key-title">"Access key created"</h2>
            <NewKeyDetails user_name key=new_key/>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" on:click=move |_| on_done()>
                    "I have saved the secret"
                </button>
            </div>
        </section>
    }
    .into_any()
}

/// The toolbar (with the limit), the table, or the empty state.
#[component]
fn KeyList(
    keys: Vec<AccessKey>,
    form_open: RwSignal<bool>,
    toggle: Callback<AccessKey>,
    ask_delete: Callback<AccessKey>,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    let at_limit = i64::try_from(keys.len()).unwrap_or(i64::MAX) >= MAX_ACCESS_KEYS;
    let create_button = view! {
        <button
            type="button"
            class="btn btn-primary"
            disabled=move || at_limit || form_open.get()
            aria-describedby=at_limit.then_some("key-limit")
            on:click=move |_| form_open.set(true)
        >
            "Create access key"
        </button>
    };
    if keys.is_empty() {
        return view! {
            <div class="card empty-state">
                <h2>"No access keys yet"</h2>
                <p>"Create an access key to sign calls with Huawei Cloud's SDKs or tools. You see its secret once, when it is created."</p>
                {create_button}
            </div>
        }
        .into_any();
    }
    view! {
        <div class="table-toolbar">
            <span class="muted small" id="key-limit">
                {if at_limit {
                    format!("You have {MAX_ACCESS_KEYS} access keys, the most a user can hold. Delete one to create another.")
                } else {
                    format!("{} of {MAX_ACCESS_KEYS} access keys in use.", keys.len())
                }}
            </span>
            <div class="table-toolbar-actions">{create_button}</div>
        </div>
        <DataTable label="Access keys" columns=key_columns(pending, toggle, ask_delete) rows=keys/>
    }
    .into_any()
}

fn key_columns(
    pending: Signal<bool>,
    toggle: Callback<AccessKey>,
    ask_delete: Callback<AccessKey>,
) -> Vec<Column<AccessKey>> {
    vec![
        key_id_column(),
        Column::new("Description", |key: &AccessKey| key.description.clone()),
        key_status_column(),
        Column::new(
            "Created (UTC)",
            |key: &AccessKey| view! { <span class="muted">{key.created_at.clone()}</span> },
        ),
        Column::actions(move |key: &AccessKey| {
            let active = key.status == "active";
            let (for_toggle, for_delete) = (key.clone(), key.clone());
            view! {
                <button type="button" class="btn btn-ghost btn-small" disabled=move || pending.get()
                    aria-label=format!("{} access key {}", if active { "Disable" } else { "Enable" }, key.access_key)
                    on:click=move |_| toggle.run(for_toggle.clone())>
                    {if active { "Disable" } else { "Enable" }}
                </button>
                <button type="button" class="btn btn-ghost btn-small"
                    aria-label=format!("Delete access key {}", key.access_key)
                    on:click=move |_| ask_delete.run(for_delete.clone())>
                    "Delete"
                </button>
            }
        }),
    ]
}

/// An optional description, then the key is created.
#[component]
fn CreateKeyForm(
    create: ServerAction<CreateAccessKey>,
    on_cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let description = RwSignal::new(String::new());
    create.clear();
    let errors = move || -> Vec<AppError> {
        problems([validate_description("description", &description.get())])
    };
    let form = Sending::new(create, errors);
    let input = move || CreateAccessKey {
        user_id: String::new(),
        description: description.get_untracked(),
    };
    view! {
        <FormCard title="Create access key" form input label="Create" busy="Creating…"
            on_cancel=Callback::new(move |()| on_cancel())>
            <TextField label="Description (optional)" id="key-description" value=description
                error=form.field_error("description") placeholder="What uses this key, e.g. CI deployments"/>
        </FormCard>
    }
    .into_any()
}

/// Asks before deleting a key, saying that programs using it stop working.
#[component]
fn DeleteKeyDialog(
    open: RwSignal<bool>,
    key: RwSignal<Option<AccessKey>>,
    delete: ServerAction<DeleteAccessKey>,
) -> impl IntoView {
    let removal = Signal::derive(move || {
        key.get().map(|key| {
            let what = if key.description.is_empty() {
                String::new()
            } else {
                format!(" ({})", key.description)
            };
            Removal::new(format!("access key {}", key.access_key))
                .with(format!(
                    "programs, SDKs and tools that sign requests with it{what} are refused from now on"
                ))
                .note("The key cannot be restored: you would create a new one and update them.")
        })
    });
    let confirm = send_for(key, delete, |key| DeleteAccessKey {
        access_key: key.access_key,
    });
    view! { <ConfirmDelete open removal pending=delete.pending() on_confirm=confirm/> }.into_any()
}
