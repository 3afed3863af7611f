//! Policies: the system policies (read-only) and the account's custom policies, written
//! in IAM's JSON policy language with an editor that checks them as the user types.
use leptos::prelude::*;

use crate::components::form::{problems, FormActions, Sending, TextField};

use crate::components::heading::PageHeader;

use super::policy_editor::{PolicyEditor, TEMPLATE};
use crate::api::iam::{list_policies, policy_holders, DeletePolicy, SavePolicy};
use crate::components::dialog::{load_on_open, send_for, ConfirmDelete, Removal};
use crate::components::feedback::{
    after_each, on_success, refresh_on_success, ErrorBanner, Loaded,
};
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::error::AppError;
use crate::model::iam::{validate_description, PermissionPolicy};
use crate::model::permission::actions;
use crate::model::permission::parse;

/// Longest custom policy name (IAM's limit).
const MAX_POLICY_NAME: usize = 64;

/// What the policy form is editing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Editing {
    New,
    Existing(PermissionPolicy),
}

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let shell = use_shell();
    let save = ServerAction::<SavePolicy>::new();
    let delete = ServerAction::<DeletePolicy>::new();
    // Reloaded after a successful change only, so a refused save keeps the form as it is.
    let refresh = RwSignal::new(0_u32);
    refresh_on_success(save, refresh);
    refresh_on_success(delete, refresh);
    let policies = Resource::new(move || refresh.get(), |_| list_policies());
    let search = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<Editing>);
    let deleting = RwSignal::new(None::<PermissionPolicy>);
    let dialog_open = RwSignal::new(false);
    after_each(delete, move || dialog_open.set(false));
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let edit = Callback::new(move |what: Editing| {
        editing.set(Some(what));
    });
    let ask_delete = Callback::new(move |policy: PermissionPolicy| {
        delete.clear();
        deleting.set(Some(policy));
        dialog_open.set(true);
    });
    let matches = move |policy: &PermissionPolicy| {
        let needle = search.get().trim().to_lowercase();
        needle.is_empty()
            || policy.name.to_lowercase().contains(&needle)
            || policy.description.to_lowercase().contains(&needle)
    };

    view! {
        <PageHeader title="Policies">
            "A policy lists the apig: and iam: actions it allows or denies. Grant policies to user groups, in one project or in all projects."
        </PageHeader>
        <div class="table-toolbar">
            <input
                type="search"
                class="table-search"
                placeholder="Search by name or description"
                aria-label="Search policies"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
        </div>
        <section class="card" aria-labelledby="system-policies">
            <h2 id="system-policies">"System policies"</h2>
            <p class="muted small">"Built into Portico. They cannot be changed; grant them as they are."</p>
            <Loaded resource=policies show=move |all| {
                let system: Vec<PermissionPolicy> = all
                    .into_iter()
                    .filter(|policy| policy.origin == "system" && matches(policy))
                    .collect();
                view! { <SystemTable policies=system/> }.into_any()
            }/>
        </section>
        <section class="card" aria-labelledby="custom-policies">
            <h2 id="custom-policies">"Custom policies"</h2>
            <div class="table-toolbar">
                <span class="muted small">"Your account's own policies, in IAM's JSON policy language."</span>
                <Transition fallback=|| ()>
                    {move || shell.can(actions::iam::policies::create).then(|| view! {
                        <div class="table-toolbar-actions">
                            <button
                                type="button"
                                class="btn btn-primary btn-small"
                                disabled=move || editing.get().is_some()
                                on:click=move |_| edit.run(Editing::New)
                            >
                                "Create custom policy"
                            </button>
                        </div>
                    })}
                </Transition>
            </div>
            <ErrorBanner error=delete_error/>
            {move || editing.get().map(|what| view! {
                <PolicyForm editing=what save on_close=move || editing.set(None)/>
            })}
            <Loaded resource=policies show=move |all| {
                let any = all.iter().any(|policy| policy.origin == "custom");
                let custom: Vec<PermissionPolicy> = all
                    .into_iter()
                    .filter(|policy| policy.origin == "custom" && matches(policy))
                    .collect();
                view! {
                    <CustomTable
                        policies=custom
                        any
                        can_create=shell.can(actions::iam::policies::create) && editing.with(Option::is_none)
                        can_update=shell.can(actions::iam::policies::update)
                        can_delete=shell.can(actions::iam::policies::delete)
                        edit
                        ask_delete
                    />
                }
                .into_any()
            }/>
        </section>
        <DeletePolicyDialog open=dialog_open policy=deleting delete/>
    }
    .into_any()
}

/// The document, laid out over several lines for reading and editing.
fn pretty(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .and_then(|value| serde_json::to_string_pretty(&value))
        .unwrap_or_else(|_| document.to_owned())
}

/// How the console names IAM's policy types.
fn type_label(policy: &PermissionPolicy) -> &'static str {
    match (policy.origin.as_str(), policy.policy_type.as_str()) {
        ("system", "RT") => "System role",
        ("system", _) => "System policy",
        _ => "Custom policy",
    }
}

/// The document behind a disclosure, readable without JavaScript.
#[component]
fn DocumentView(document: String) -> impl IntoView {
    view! {
        <details>
            <summary>"View JSON"</summary>
            <pre><code>{pretty(&document)}</code></pre>
        </details>
    }
    .into_any()
}

#[component]
fn SystemTable(policies: Vec<PermissionPolicy>) -> impl IntoView {
    let columns = vec![
        Column::new("Name", |policy: &PermissionPolicy| policy.name.clone()),
        Column::new(
            "Type",
            |policy: &PermissionPolicy| view! { <span class="badge badge-muted">{type_label(policy)}</span> },
        ),
        Column::new("Description", |policy: &PermissionPolicy| {
            policy.description.clone()
        }),
        Column::new(
            "Document",
            |policy: &PermissionPolicy| view! { <DocumentView document=policy.document.clone()/> },
        ),
    ];
    view! {
        <DataTable label="System policies" columns rows=policies empty="No system policy matches the search."/>
    }
}

/// The custom policies, or what to do when there are none.
#[component]
fn CustomTable(
    policies: Vec<PermissionPolicy>,
    /// Whether the account has any custom policy (the search may hide them all).
    any: bool,
    can_create: bool,
    can_update: bool,
    can_delete: bool,
    edit: Callback<Editing>,
    ask_delete: Callback<PermissionPolicy>,
) -> impl IntoView {
    if !any {
        return view! {
            <div class="empty-state">
                <p>
                    "No custom policies yet. Write one when the system policies grant too much or too little: list exactly the apig: and iam: actions a group may use."
                </p>
                {can_create.then(|| view! {
                    <button type="button" class="btn btn-primary" on:click=move |_| edit.run(Editing::New)>
                        "Create custom policy"
                    </button>
                })}
            </div>
        }
        .into_any();
    }
    let columns = vec![
        Column::new("Name", |policy: &PermissionPolicy| policy.name.clone()),
        Column::new("Description", |policy: &PermissionPolicy| {
            policy.description.clone()
        }),
        Column::new("Updated (UTC)", |policy: &PermissionPolicy| {
            view! {
                <span class="muted">{policy.updated_at.clone().unwrap_or_default()}</span>
            }
        }),
        Column::new(
            "Document",
            |policy: &PermissionPolicy| view! { <DocumentView document=policy.document.clone()/> },
        ),
        Column::actions(move |policy: &PermissionPolicy| {
            let for_edit = policy.clone();
            let for_delete = policy.clone();
            view! {
                {can_update.then(|| view! {
                    <button type="button" class="btn btn-ghost btn-small"
                        aria-label=format!("Edit policy {}", policy.name)
                        on:click=move |_| edit.run(Editing::Existing(for_edit.clone()))>
                        "Edit"
                    </button>
                })}
                {can_delete.then(|| view! {
                    <button type="button" class="btn btn-ghost btn-small"
                        aria-label=format!("Delete policy {}", policy.name)
                        on:click=move |_| ask_delete.run(for_delete.clone())>
                        "Delete"
                    </button>
                })}
            }
        }),
    ];
    view! {
        <DataTable label="Custom policies" columns rows=policies empty="No custom policy matches the search."/>
    }
    .into_any()
}

/// A policy name's rule, checked before saving (the server checks it again).
fn validate_policy_name(name: &str) -> Result<(), AppError> {
    if name.trim().is_empty() {
        Err(AppError::invalid("name", "Enter a policy name."))
    } else if name.chars().count() > MAX_POLICY_NAME {
        Err(AppError::invalid(
            "name",
            format!("A policy name has at most {MAX_POLICY_NAME} characters."),
        ))
    } else {
        Ok(())
    }
}

/// Creates or edits a custom policy. Save stays disabled while the document has a problem.
#[component]
fn PolicyForm(
    editing: Editing,
    save: ServerAction<SavePolicy>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (policy_id, heading, initial) = match editing {
        Editing::New => (
            String::new(),
            "Create custom policy".to_owned(),
            (String::new(), String::new(), TEMPLATE.to_owned()),
        ),
        Editing::Existing(policy) => (
            policy.id,
            format!("Edit custom policy {}", policy.name),
            (policy.name, policy.description, pretty(&policy.document)),
        ),
    };
    let name = RwSignal::new(initial.0);
    let description = RwSignal::new(initial.1);
    let document = RwSignal::new(initial.2);
    let problem = Memo::new(move |_| document.with(|text| parse(text).err()));
    save.clear();
    // A new edit makes the last answer of the server stale.
    Effect::watch(
        move || (name.get(), description.get(), document.get()),
        move |_, _, _| save.clear(),
        false,
    );
    on_success(save, on_close);
    let errors = move || -> Vec<AppError> {
        problems([
            validate_policy_name(&name.get()),
            validate_description("description", &description.get()),
            problem.get().map_or(Ok(()), |p| {
                Err(AppError::invalid("document", p.to_string()))
            }),
        ])
    };
    let form = Sending::new(save, errors);
    let submit = move |ev| {
        form.send(ev, || SavePolicy {
            policy_id: policy_id.clone(),
            name: name.get_untracked(),
            description: description.get_untracked(),
            document: document.get_untracked(),
        })
    };
    let document_error = Signal::derive(move || {
        form.refused()
            .get()
            .filter(|e| e.field() == Some("document"))
            .map(|e| e.to_string())
    });
    view! {
        <form class="form card" novalidate on:submit=submit>
            <h3>{heading}</h3>
            <ErrorBanner error=form.general()/>
            <TextField label="Name" id="policy-name" value=name error=form.field_error("name")/>
            <TextField label="Description (optional)" id="policy-description" value=description
                error=form.field_error("description")/>
            <PolicyEditor document problem server_error=document_error/>
            <FormActions label="Save" busy="Saving…" pending=save.pending()
                blocked=Signal::derive(move || problem.get().is_some())
                on_cancel=Callback::new(move |()| on_close())/>
        </form>
    }
    .into_any()
}

/// Asks before deleting a custom policy. While user groups hold it the server refuses, so
/// the dialog names them instead and offers no Delete button.
#[component]
fn DeletePolicyDialog(
    open: RwSignal<bool>,
    policy: RwSignal<Option<PermissionPolicy>>,
    delete: ServerAction<DeletePolicy>,
) -> impl IntoView {
    // The groups holding the policy, loaded when the dialog opens for it.
    let holders = load_on_open(open, policy, |policy| policy_holders(policy.id));
    let removal = Signal::derive(move || {
        policy.get().map(|policy| {
            let removal = Removal::new(format!("custom policy {}", policy.name));
            match holders.get() {
                Some(Ok(Some(groups))) if !groups.is_empty() => removal.blocked(
                    held_by(&groups),
                    Some(("/iam/groups".to_owned(), "Open User groups".to_owned())),
                ),
                Some(Ok(Some(_))) => removal.note("No user group holds it."),
                Some(Err(error)) => removal.note(format!(
                    "The groups holding it could not be listed ({error}); while one does, Portico refuses."
                )),
                _ => removal.note("Looking up the user groups that hold it…"),
            }
        })
    });
    let confirm = send_for(policy, delete, |policy| DeletePolicy {
        policy_id: policy.id,
    });
    view! { <ConfirmDelete open removal pending=delete.pending() on_confirm=confirm/> }.into_any()
}

/// Why a policy that groups hold cannot go, and what to do first.
fn held_by(groups: &[String]) -> String {
    match groups {
        [one] => format!("It is granted to the user group {one}. Revoke it there first."),
        many => format!(
            "It is granted to {} user groups: {}. Revoke it in each of them first.",
            many.len(),
            many.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_shown_over_several_lines() {
        let text =
            pretty(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["apig:*:*"]}]}"#);
        assert!(text.lines().count() > 5);
        assert!(parse(&text).is_ok());
        assert_eq!(pretty("not json"), "not json");
    }

    #[test]
    fn a_held_policy_names_its_groups() {
        assert_eq!(
            held_by(&["readers".to_owned()]),
            "It is granted to the user group readers. Revoke it there first."
        );
        assert!(held_by(&["a".to_owned(), "b".to_owned()]).contains("2 user groups: a, b."));
    }

    #[test]
    fn names_need_one_to_64_characters() {
        assert!(validate_policy_name("  ").is_err());
        assert!(validate_policy_name(&"p".repeat(65)).is_err());
        assert!(validate_policy_name("apig-readers").is_ok());
    }
}
