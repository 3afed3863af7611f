//! The steps of the user wizard that collect and review input: user details, user groups,
//! policies (with the access key choice), and the review of it all.
use leptos::prelude::*;

use super::fields::{access_mode_label, AccessModeField};
use super::wizard::Wizard;
use crate::components::details::{or_none, row};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{CheckboxField, TextField};
use crate::components::shell::use_shell;
use crate::components::wizard::{review_section, StepCard};
use crate::model::iam::{PermissionPolicy, UserGroup};

const DETAILS: usize = 0;
const GROUPS: usize = 1;
const POLICIES: usize = 2;

/// Adds `id` to the chosen ids, or takes it out.
fn choose(chosen: RwSignal<Vec<String>>, id: &str, on: bool) {
    chosen.update(|ids| {
        ids.retain(|chosen| chosen != id);
        if on {
            ids.push(id.to_owned());
        }
    });
}

/// A checkbox for one item of a list of choices, with its description under it.
fn choice(
    chosen: RwSignal<Vec<String>>,
    prefix: &'static str,
    id: String,
    name: String,
    description: String,
) -> impl IntoView {
    let input_id = format!("{prefix}-{id}");
    let hint_id = format!("{input_id}-hint");
    let has_description = !description.is_empty();
    let checked = {
        let id = id.clone();
        move || chosen.with(|ids| ids.contains(&id))
    };
    view! {
        <div class="field">
            <label>
                <input
                    type="checkbox"
                    id=input_id
                    aria-describedby=has_description.then(|| hint_id.clone())
                    prop:checked=checked
                    on:change=move |ev| choose(chosen, &id, event_target_checked(&ev))
                />
                " "
                {name}
            </label>
            {has_description.then(|| view! { <p class="field-hint" id=hint_id>{description}</p> })}
        </div>
    }
    .into_any()
}

/// Step 1: who the user is and how they sign in.
#[component]
pub fn DetailsStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    view! {
        <StepCard title="User details">
            <TextField
                label="User name"
                id="name"
                value=draft.name
                error=wizard.field_error("name")
                hint="1 to 32 letters, digits, spaces, hyphens, underscores or periods; not starting with a digit or a space."
            />
            <TextField
                label="Email"
                id="email"
                input_type="email"
                value=draft.email
                error=wizard.field_error("email")
                hint="Optional."
            />
            <TextField
                label="Description"
                id="description"
                multiline=true
                value=draft.description
                error=wizard.field_error("description")
                hint="Optional, at most 255 characters."
            />
            <AccessModeField id="access_mode" value=draft.access_mode error=wizard.field_error("access_mode")/>
            <TextField
                label="Password"
                id="password"
                input_type="password"
                autocomplete="new-password"
                value=draft.password
                error=wizard.field_error("password")
                hint="8 to 32 characters of at least two kinds (upper case, lower case, digits, special characters), not containing the user name."
            />
            <TextField
                label="Confirm password"
                id="confirm_password"
                input_type="password"
                autocomplete="new-password"
                value=draft.confirm_password
                error=wizard.field_error("confirm_password")
            />
            <CheckboxField
                label="Enabled"
                id="enabled"
                checked=draft.enabled
                error=wizard.field_error("enabled")
                hint="A disabled user can neither sign in nor call APIs."
            />
        </StepCard>
    }
    .into_any()
}

/// Step 2: existing user groups, and a new one.
#[component]
pub fn GroupsStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    view! {
        <StepCard title="User groups">
            <p class="muted">
                "A user gets their permissions from the user groups they belong to. Add the user to existing groups, create a new group for them (you choose its policies next), or both."
            </p>
            <h3 id="existing-groups">"Existing user groups"</h3>
            {move || match wizard.groups.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorBanner error=Some(error)/>
                    <p class="muted">"You can still create a new group below."</p>
                }
                .into_any(),
                Some(Ok(groups)) if groups.is_empty() => {
                    view! { <p class="muted">"There are no user groups yet."</p> }.into_any()
                }
                Some(Ok(groups)) => view! {
                    <div class="form" role="group" aria-labelledby="existing-groups">
                        {groups.into_iter().map(|UserGroup { id, name, description, .. }| {
                            choice(draft.group_ids, "group", id, name, description)
                        }).collect_view()}
                    </div>
                }
                .into_any(),
            }}
            <h3>"New user group"</h3>
            <TextField
                label="New group name"
                id="new_group"
                value=draft.new_group
                error=wizard.field_error("new_group")
                hint="Suggested from the user name. Leave it empty to create no new group."
            />
        </StepCard>
    }
    .into_any()
}

/// Step 3: the new group's policies and their scope, and whether to create an access key.
#[component]
pub fn PoliciesStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let no_access_key = Signal::derive(move || !draft.may_have_access_key());
    view! {
        {move || {
            let group = draft.new_group.get().trim().to_owned();
            if group.is_empty() {
                view! { <NoNewGroup wizard/> }.into_any()
            } else {
                view! { <GrantPolicies wizard group/> }.into_any()
            }
        }}
        <section class="card">
            <h2>"Access key"</h2>
            <CheckboxField
                label="Create an access key for this user"
                id="create_access_key"
                checked=draft.create_access_key
                disabled=no_access_key
                hint="An access key (AK/SK) signs calls to APIs. Its secret is shown once, right after the user is created."
            />
            {move || no_access_key.get().then(|| view! {
                <p class="field-hint">"Users with console access only cannot use access keys."</p>
            })}
        </section>
    }
    .into_any()
}

/// What the user gets when no new group is named.
#[component]
fn NoNewGroup(wizard: Wizard) -> impl IntoView {
    let chosen = move || {
        let ids = wizard.draft.group_ids.get();
        wizard
            .existing_groups()
            .into_iter()
            .filter(|group| ids.contains(&group.id))
            .map(|group| group.name)
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card">
            <h2>"Policies"</h2>
            {move || {
                let names = chosen();
                if names.is_empty() {
                    view! {
                        <div class="alert alert-warning">
                            "You chose no user group and named no new one, so the user will have no permissions. Go back to choose a group, or add the user to groups later."
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="alert alert-info">
                            "No new user group is named, so no policies are granted here. The user gets the permissions of the groups you chose: "
                            <strong>{names.join(", ")}</strong>
                            "."
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

/// Policies to grant the new group, by origin, and where they apply.
#[component]
fn GrantPolicies(wizard: Wizard, group: String) -> impl IntoView {
    let draft = wizard.draft;
    let shell = use_shell();
    let project = move || {
        shell
            .current()
            .map(|info| info.current_project.name)
            .unwrap_or_default()
    };
    let error = wizard.field_error("policies");
    view! {
        <StepCard title={format!("Policies for {group}")}>
            <p class="muted">
                "Members of " {group.clone()}
                " may do what these policies allow. System policies are built into Portico; custom policies are your account's own."
            </p>
            {move || match wizard.policies.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(error)) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                Some(Ok(policies)) => {
                    let (system, custom): (Vec<PermissionPolicy>, Vec<PermissionPolicy>) =
                        policies.into_iter().partition(|policy| policy.origin == "system");
                    view! {
                        <PolicyList chosen=draft.policy_ids title="System policies" id="system-policies" policies=system/>
                        <PolicyList chosen=draft.policy_ids title="Custom policies" id="custom-policies" policies=custom/>
                    }
                    .into_any()
                }
            }}
            {move || error.get().map(|message| view! { <p class="field-error" id="policies-error">{message}</p> })}
            <h3 id="scope">"Scope"</h3>
            <div class="form" role="radiogroup" aria-labelledby="scope">
                <div class="field">
                    <label>
                        <input
                            type="radio"
                            name="scope"
                            id="scope-all"
                            prop:checked=move || draft.all_projects.get()
                            on:change=move |_| draft.all_projects.set(true)
                        />
                        " All projects"
                    </label>
                    <p class="field-hint">"Every project of the account, including projects created later."</p>
                </div>
                <div class="field">
                    <label>
                        <input
                            type="radio"
                            name="scope"
                            id="scope-current"
                            prop:checked=move || !draft.all_projects.get()
                            on:change=move |_| draft.all_projects.set(false)
                        />
                        " Current project only"
                    </label>
                    <p class="field-hint">{move || format!("Only in the project {}.", project())}</p>
                </div>
            </div>
        </StepCard>
    }
    .into_any()
}

#[component]
fn PolicyList(
    chosen: RwSignal<Vec<String>>,
    title: &'static str,
    id: &'static str,
    policies: Vec<PermissionPolicy>,
) -> impl IntoView {
    let items = if policies.is_empty() {
        view! { <p class="muted">"None yet. Custom policies are written on the Policies page."</p> }
            .into_any()
    } else {
        view! {
            <div class="form" role="group" aria-labelledby=id>
                {policies.into_iter().map(|policy| {
                    choice(chosen, "policy", policy.id, policy.name, policy.description)
                }).collect_view()}
            </div>
        }
        .into_any()
    };
    view! {
        <h3 id=id>{title}</h3>
        {items}
    }
    .into_any()
}

/// Step 4: everything entered, as it will be created.
#[component]
pub fn ReviewStep(wizard: Wizard) -> impl IntoView {
    let draft = wizard.draft;
    let (user, plan) = untrack(|| (draft.user(), wizard.plan()));
    let status = if user.enabled { "Enabled" } else { "Disabled" };
    let key = if plan.create_access_key {
        "Create one; its secret is shown once, on the next step"
    } else {
        "None"
    };
    let scope = if plan.all_projects {
        "All projects"
    } else {
        "Current project only"
    };
    let no_permissions = plan.groups.is_empty() && plan.new_group.is_empty();
    view! {
        {review_section(wizard, "User details", DETAILS, view! {
            {row("User name", user.name)}
            {row("Email", or_none(user.email))}
            {row("Description", or_none(user.description))}
            {row("Access type", access_mode_label(&user.access_mode).to_owned())}
            {row("Password", "Set (not shown)")}
            {row("Status", status)}
        })}
        {review_section(wizard, "User groups", GROUPS, view! {
            {row("Existing groups", or_none(plan.groups.join(", ")))}
            {row("New group", or_none(plan.new_group.clone()))}
        })}
        {review_section(wizard, "Permissions", POLICIES, view! {
            {row("Policies for the new group", or_none(plan.policies.join(", ")))}
            {(!plan.new_group.is_empty()).then(|| row("Scope", scope))}
            {row("Access key", key)}
        })}
        {no_permissions.then(|| view! {
            <div class="alert alert-warning">
                "The user will be in no user group and so will have no permissions until added to one."
            </div>
        })}
    }
    .into_any()
}
