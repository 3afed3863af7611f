//! The permissions card of a user group's page: the policies granted to the group and
//! where they apply, granting a system or custom policy in all projects or in one, and
//! revoking a grant (confirmed in the page's dialog).
use leptos::prelude::*;

use crate::components::form::FormActions;

use super::user_group_detail::{Changes, Removal};
use crate::api::iam::{list_policies, list_projects, Grant as GrantPolicy};
use crate::components::feedback::{on_success, ErrorBanner, Loading};
use crate::components::form::{described_by, hint_and_error};
use crate::components::shell::ShellContext;
use crate::components::table::{Column, DataTable};
use crate::model::iam::{Grant, PermissionPolicy};
use crate::model::permission::actions;

/// The grants table, with granting and revoking policies.
#[component]
pub(super) fn PermissionsCard(
    group_id: String,
    is_admin: bool,
    grants: Vec<Grant>,
    changes: Changes,
    ask: Callback<Removal>,
    shell: ShellContext,
) -> impl IntoView {
    let can_grant = shell.can(actions::iam::permissions::grantRoleToGroupOnProject);
    let can_revoke =
        shell.can(actions::iam::permissions::revokeRoleFromGroupOnProject) && !is_admin;
    let granting = RwSignal::new(false);
    let table = if grants.is_empty() {
        view! {
            <div class="empty-state">
                <p>"No policies granted yet. Grant a policy, such as APIG ReadOnlyAccess, so members can use it."</p>
            </div>
        }
        .into_any()
    } else {
        let columns = vec![
            Column::new("Policy", |grant: &Grant| grant.policy_name.clone()),
            Column::new("Applies in", scope_label),
            Column::actions(move |grant: &Grant| {
                let target = grant.clone();
                can_revoke.then(|| view! {
                    <button type="button" class="btn btn-ghost btn-small"
                        aria-label=format!("Revoke {} ({})", grant.policy_name, scope_label(grant))
                        on:click=move |_| ask.run(Removal::Grant(target.clone()))>
                        "Revoke"
                    </button>
                })
            }),
        ];
        view! { <DataTable label="Permissions" columns rows=grants/> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="permissions-title">
            <h2 id="permissions-title">"Permissions"</h2>
            <div class="table-toolbar">
                <span class="muted small">"The policies granted to this group, and the projects where they apply."</span>
                {can_grant.then(|| view! {
                    <div class="table-toolbar-actions">
                        <button
                            type="button"
                            class="btn btn-primary btn-small"
                            disabled=move || granting.get()
                            on:click=move |_| granting.set(true)
                        >
                            "Grant policy"
                        </button>
                    </div>
                })}
            </div>
            <Show when=move || granting.get()>
                <GrantForm group_id=group_id.clone() grant=changes.grant on_close=move || granting.set(false)/>
            </Show>
            {table}
        </section>
    }
    .into_any()
}

/// Where a grant applies, as the permissions table says it.
fn scope_label(grant: &Grant) -> String {
    match (&grant.project_id, &grant.project_name) {
        (None, _) => "All projects".to_owned(),
        (Some(_), Some(name)) => name.clone(),
        (Some(id), None) => id.clone(),
    }
}

/// Where a grant applies, inside a sentence.
pub(super) fn scope_phrase(grant: &Grant) -> String {
    match &grant.project_id {
        None => "all projects".to_owned(),
        Some(_) => format!("the project {}", scope_label(grant)),
    }
}

/// Chooses a policy (system or custom) and where it applies, then grants it.
#[component]
fn GrantForm(
    group_id: String,
    grant: ServerAction<GrantPolicy>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let policies = LocalResource::new(list_policies);
    let projects = LocalResource::new(list_projects);
    let policy_id = RwSignal::new(String::new());
    let project_id = RwSignal::new(String::new());
    grant.clear();
    on_success(grant, on_close);
    let failed = move || grant.value().get().and_then(Result::err);
    let error = Signal::derive(move || failed().filter(|e| e.field() != Some("project_id")));
    let scope_error = Signal::derive(move || {
        failed()
            .filter(|e| e.field() == Some("project_id"))
            .map(|e| e.to_string())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let policy = policy_id.get_untracked();
        if !policy.is_empty() {
            grant.dispatch(GrantPolicy {
                group_id: group_id.clone(),
                policy_id: policy,
                project_id: project_id.get_untracked(),
            });
        }
    };
    view! {
        <form class="form card" on:submit=submit>
            <h3>"Grant a policy"</h3>
            <ErrorBanner error/>
            <div class="field">
                <label for="grant-policy">"Policy"</label>
                <Transition fallback=Loading>
                    {move || policies.get().map(|result| match result {
                        Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                        Ok(policies) => view! { <PolicySelect policies chosen=policy_id/> }.into_any(),
                    })}
                </Transition>
                <p class="field-hint">
                    "System policies are built in; custom policies are the ones your account wrote under "
                    <a href="/iam/policies">"Policies"</a> "."
                </p>
            </div>
            <div class="field">
                <label for="grant-scope">"Applies in"</label>
                <Transition fallback=Loading>
                    {move || projects.get().map(|result| match result {
                        Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                        Ok(projects) => view! {
                            <select
                                id="grant-scope"
                                aria-invalid=move || scope_error.get().is_some().to_string()
                                aria-describedby=described_by("grant-scope", true, scope_error)
                                on:change=move |ev| project_id.set(event_target_value(&ev))>
                                <option value="" selected=move || project_id.get().is_empty()>"All projects"</option>
                                {projects.into_iter().map(|project| {
                                    let id = project.id.clone();
                                    view! {
                                        <option value=project.id selected=move || project_id.get() == id>
                                            {project.name}
                                        </option>
                                    }
                                }).collect_view()}
                            </select>
                        }
                        .into_any(),
                    })}
                </Transition>
                {hint_and_error(
                    "grant-scope",
                    Some("All projects includes projects created later. Policies with IAM actions apply to the whole account, so they are granted in all projects."),
                    scope_error,
                )}
            </div>
            <FormActions label="Grant" busy="Granting…" pending=grant.pending()
                blocked=Signal::derive(move || policy_id.get().is_empty())
                on_cancel=Callback::new(move |()| on_close())/>
        </form>
    }
    .into_any()
}

/// The policy choice, system and custom policies each under their own heading.
#[component]
fn PolicySelect(policies: Vec<PermissionPolicy>, chosen: RwSignal<String>) -> impl IntoView {
    let (system, custom): (Vec<_>, Vec<_>) = policies
        .into_iter()
        .partition(|policy| policy.origin == "system");
    let options = move |policies: Vec<PermissionPolicy>| {
        policies
            .into_iter()
            .map(|policy| {
                let id = policy.id.clone();
                let label = if policy.description.is_empty() {
                    policy.name
                } else {
                    format!("{} — {}", policy.name, policy.description)
                };
                view! { <option value=policy.id selected=move || chosen.get() == id>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <select id="grant-policy" on:change=move |ev| chosen.set(event_target_value(&ev))>
            <option value="" selected=move || chosen.get().is_empty()>"Choose a policy"</option>
            <optgroup label="System policies">{options(system)}</optgroup>
            {(!custom.is_empty()).then(|| view! {
                <optgroup label="Custom policies">{options(custom)}</optgroup>
            })}
        </select>
    }
    .into_any()
}
