//! The "Create a user and grant APIG permissions" wizard (`/iam/users/new`): user details →
//! user groups → policies → review → done. Everything entered lives in signals owned by the
//! wizard, so Back and Next keep it; each step checks its fields with the domain rules before
//! moving on; nothing is created until the review step's button sends it all at once.
use leptos::prelude::*;

use super::wizard_done::DoneStep;
use super::wizard_steps::{DetailsStep, GroupsStep, PoliciesStep, ReviewStep};
use crate::api::iam::{list_groups, list_policies, CreateUserWithPermissions};
use crate::components::form::problems;
use crate::components::wizard::{
    follow, step_on, unplaced, Flow, ReviewForm, StepForm, WizardPage,
};
use crate::error::AppError;
use crate::model::iam::{
    self, NewUser, PermissionPolicy, UserGroup, UserWizard, UserWizardResult, MAX_NAME,
};
use crate::model::permission::actions;

const STEPS: &[&str] = &["User details", "Groups", "Policies", "Review", "Done"];
const DETAILS: usize = 0;
const GROUPS: usize = 1;
const POLICIES: usize = 2;
const REVIEW: usize = 3;
const DONE: usize = 4;
const DEFAULT_ACCESS_MODE: &str = "default";

/// What the user has entered so far.
#[derive(Debug, Clone, Copy)]
pub(super) struct Draft {
    pub name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub description: RwSignal<String>,
    pub access_mode: RwSignal<String>,
    pub password: RwSignal<String>,
    pub confirm_password: RwSignal<String>,
    pub enabled: RwSignal<bool>,
    pub group_ids: RwSignal<Vec<String>>,
    pub new_group: RwSignal<String>,
    /// The new group name last suggested from the user name; replaced by the next
    /// suggestion as long as the user has not changed it.
    suggested_group: RwSignal<String>,
    pub policy_ids: RwSignal<Vec<String>>,
    pub all_projects: RwSignal<bool>,
    pub create_access_key: RwSignal<bool>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            access_mode: RwSignal::new(DEFAULT_ACCESS_MODE.to_owned()),
            password: RwSignal::new(String::new()),
            confirm_password: RwSignal::new(String::new()),
            enabled: RwSignal::new(true),
            group_ids: RwSignal::new(vec![]),
            new_group: RwSignal::new(String::new()),
            suggested_group: RwSignal::new(String::new()),
            policy_ids: RwSignal::new(vec![]),
            all_projects: RwSignal::new(true),
            create_access_key: RwSignal::new(false),
        }
    }

    /// Back to an empty form, for "Create another user".
    fn reset(&self) {
        for text in [
            self.name,
            self.email,
            self.description,
            self.password,
            self.confirm_password,
            self.new_group,
            self.suggested_group,
        ] {
            text.set(String::new());
        }
        self.access_mode.set(DEFAULT_ACCESS_MODE.to_owned());
        self.enabled.set(true);
        self.group_ids.set(vec![]);
        self.policy_ids.set(vec![]);
        self.all_projects.set(true);
        self.create_access_key.set(false);
    }

    pub fn user(&self) -> NewUser {
        NewUser {
            name: self.name.get(),
            email: self.email.get(),
            description: self.description.get(),
            password: self.password.get(),
            enabled: self.enabled.get(),
            access_mode: self.access_mode.get(),
        }
    }

    /// An access key is created only for users who may call APIs.
    pub fn may_have_access_key(&self) -> bool {
        self.access_mode.get() != "console"
    }

    fn to_wizard(self) -> UserWizard {
        let new_group = self.new_group.get().trim().to_owned();
        UserWizard {
            user: self.user(),
            group_ids: self.group_ids.get(),
            policy_ids: if new_group.is_empty() {
                vec![]
            } else {
                self.policy_ids.get()
            },
            new_group,
            all_projects: self.all_projects.get(),
            create_access_key: self.create_access_key.get() && self.may_have_access_key(),
        }
    }

    /// The current value of a form field, to tell whether a server error still applies.
    fn value_of(&self, field: &str) -> String {
        match field {
            "name" => self.name.get(),
            "email" => self.email.get(),
            "description" => self.description.get(),
            "access_mode" => self.access_mode.get(),
            "password" => self.password.get(),
            "confirm_password" => self.confirm_password.get(),
            "new_group" => self.new_group.get(),
            "policies" => self.policy_ids.get().join(","),
            _ => String::new(),
        }
    }

    /// Suggests `<user name>-group` for the new group, unless the user changed the name.
    fn suggest_group(&self) {
        let suffix = "-group";
        let base: String = self
            .name
            .get_untracked()
            .chars()
            .take(MAX_NAME - suffix.len())
            .collect();
        let suggestion = format!("{base}{suffix}");
        if self.new_group.get_untracked() == self.suggested_group.get_untracked() {
            self.new_group.set(suggestion.clone());
        }
        self.suggested_group.set(suggestion);
    }
}

/// The wizard's groups and policies by name, for the review and done steps.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub groups: Vec<String>,
    pub new_group: String,
    pub policies: Vec<String>,
    pub all_projects: bool,
    pub create_access_key: bool,
}

/// The step a server error's field belongs to.
fn step_of(field: &str) -> Option<usize> {
    match field {
        "name" | "email" | "description" | "access_mode" | "password" | "confirm_password"
        | "enabled" => Some(DETAILS),
        "new_group" => Some(GROUPS),
        "policies" => Some(POLICIES),
        _ => None,
    }
}

/// Every rule of the user details step, each field checked on its own.
pub(super) fn details_errors(user: &NewUser, confirm_password: &str) -> Vec<AppError> {
    let mismatch = if confirm_password == user.password {
        Ok(())
    } else {
        Err(AppError::invalid(
            "confirm_password",
            "The passwords do not match.",
        ))
    };
    problems([
        iam::validate_name("name", "user", &user.name),
        iam::validate_email("email", &user.email),
        iam::validate_description("description", &user.description),
        iam::validate_access_mode("access_mode", &user.access_mode),
        iam::validate_password("password", &user.name, &user.password),
        mismatch,
    ])
}

/// The groups step: a new group's name follows IAM's rules and is not taken.
pub(super) fn groups_errors(new_group: &str, existing: &[UserGroup]) -> Vec<AppError> {
    let new_group = new_group.trim();
    if new_group.is_empty() {
        return vec![];
    }
    if let Err(error) = iam::validate_name("new_group", "group", new_group) {
        return vec![error];
    }
    if existing.iter().any(|group| group.name == new_group) {
        return vec![AppError::invalid(
            "new_group",
            format!("A user group named {new_group} already exists. Tick it in the list above, or choose another name."),
        )];
    }
    vec![]
}

/// The policies step: a new group needs at least one policy to give anything.
pub(super) fn policies_errors(new_group: &str, policy_ids: &[String]) -> Vec<AppError> {
    let new_group = new_group.trim();
    if new_group.is_empty() || !policy_ids.is_empty() {
        return vec![];
    }
    vec![AppError::invalid(
        "policies",
        format!("Choose at least one policy for {new_group}, or go back and leave the new group name empty."),
    )]
}

/// The wizard's state, shared by its steps.
#[derive(Clone, Copy)]
pub(super) struct Wizard {
    pub draft: Draft,
    pub step: RwSignal<usize>,
    /// Per input step: whether Next was tried, after which errors show as the user types.
    attempted: RwSignal<[bool; 3]>,
    /// An error the server gave for a field, with the field's value it applied to.
    server_error: RwSignal<Option<(AppError, String)>>,
    pub groups: LocalResource<Result<Vec<UserGroup>, AppError>>,
    pub policies: LocalResource<Result<Vec<PermissionPolicy>, AppError>>,
    pub create: ServerAction<CreateUserWithPermissions>,
}

impl Wizard {
    fn new() -> Self {
        Wizard {
            draft: Draft::new(),
            step: RwSignal::new(DETAILS),
            attempted: RwSignal::new([false; 3]),
            server_error: RwSignal::new(None),
            groups: LocalResource::new(list_groups),
            policies: LocalResource::new(list_policies),
            create: ServerAction::new(),
        }
    }

    /// The groups that exist, once loaded.
    pub fn existing_groups(&self) -> Vec<UserGroup> {
        self.groups.get().and_then(Result::ok).unwrap_or_default()
    }

    /// What is wrong in an input step now.
    fn errors(&self, step: usize) -> Vec<AppError> {
        let draft = self.draft;
        match step {
            DETAILS => details_errors(&draft.user(), &draft.confirm_password.get()),
            GROUPS => groups_errors(&draft.new_group.get(), &self.existing_groups()),
            POLICIES => policies_errors(&draft.new_group.get(), &draft.policy_ids.get()),
            _ => vec![],
        }
    }

    /// The error to show next to `field`: the rules' verdict once Next was tried, else what
    /// the server said about the value still in the field.
    pub fn field_error(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let step = step_of(field)?;
            let tried = self.attempted.get().get(step).copied().unwrap_or(false);
            let live = tried
                .then(|| self.errors(step))
                .and_then(|errors| errors.into_iter().find(|e| e.field() == Some(field)));
            live.or_else(|| {
                self.server_error
                    .get()
                    .filter(|(error, value)| {
                        error.field() == Some(field) && *value == self.draft.value_of(field)
                    })
                    .map(|(error, _)| error)
            })
            .map(|error| error.to_string())
        })
    }

    /// After the server answered: done, or back to the step of the field it refused.
    fn follow_outcome(&self) {
        let (draft, server_error) = (self.draft, self.server_error);
        follow(
            self.create.value().get(),
            self.step,
            DONE,
            step_of,
            |error| {
                let value = untrack(|| draft.value_of(error.field().unwrap_or_default()));
                server_error.set(Some((error, value)));
            },
        );
    }

    /// What the wizard will create, by name.
    pub fn plan(&self) -> Plan {
        let sent = self.draft.to_wizard();
        let groups = self
            .existing_groups()
            .into_iter()
            .filter(|group| sent.group_ids.contains(&group.id))
            .map(|group| group.name)
            .collect();
        let policies = self
            .policies
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|policy| sent.policy_ids.contains(&policy.id))
            .map(|policy| policy.name)
            .collect();
        Plan {
            groups,
            new_group: sent.new_group,
            policies,
            all_projects: sent.all_projects,
            create_access_key: sent.create_access_key,
        }
    }

    /// What was created, once it was.
    fn result(&self) -> Option<UserWizardResult> {
        self.create.value().get().and_then(Result::ok)
    }

    /// Starts over for another user.
    pub fn restart(&self) {
        self.draft.reset();
        self.attempted.set([false; 3]);
        self.server_error.set(None);
        self.create.clear();
        self.step.set(DETAILS);
    }
}

impl Flow for Wizard {
    fn step(&self) -> RwSignal<usize> {
        self.step
    }

    /// Moves on from an input step if it is complete; else shows what is missing.
    fn next(&self) {
        let complete = |step| untrack(|| self.errors(step)).is_empty();
        if step_on(self.step, self.attempted, REVIEW, complete) == Some(DETAILS) {
            self.draft.suggest_group();
        }
    }

    /// Sends everything entered; the only place the wizard creates anything.
    fn submit(&self) {
        self.server_error.set(None);
        self.create.dispatch(CreateUserWithPermissions {
            wizard: untrack(|| self.draft.to_wizard()),
        });
    }

    fn pending(&self) -> Signal<bool> {
        self.create.pending().into()
    }

    /// The server's refusal that belongs to no field of the form.
    fn general_error(&self) -> Option<AppError> {
        unplaced(self.create.value().get(), step_of)
    }
}

#[component]
pub fn CreateUserWizard() -> impl IntoView {
    let wizard = Wizard::new();
    Effect::new(move |_| wizard.follow_outcome());
    let step = wizard.step;
    view! {
        <WizardPage
            title="Create a user and grant APIG permissions"
            intro="Set up the user's sign-in, put them in user groups, grant the groups policies, and optionally give them an access key. Nothing is created until you confirm on the review step."
            back=("/iam/users".to_owned(), "Users")
            steps=STEPS
            current=step
            permission=actions::iam::users::create
            refused="create users"
        >
            {move || match step.get() {
                DONE => match wizard.result() {
                    Some(result) => view! {
                        <DoneStep result wizard/>
                    }
                    .into_any(),
                    None => view! { <Review wizard/> }.into_any(),
                },
                REVIEW => view! { <Review wizard/> }.into_any(),
                current => view! { <InputForm wizard current/> }.into_any(),
            }}
        </WizardPage>
    }
    .into_any()
}

/// One of the input steps, with Cancel, Back and Next; Enter moves on too.
#[component]
fn InputForm(wizard: Wizard, current: usize) -> impl IntoView {
    let body = match current {
        DETAILS => view! { <DetailsStep wizard/> }.into_any(),
        GROUPS => view! { <GroupsStep wizard/> }.into_any(),
        _ => view! { <PoliciesStep wizard/> }.into_any(),
    };
    view! {
        <StepForm wizard cancel="/iam/users" first=current == DETAILS>
            {body}
        </StepForm>
    }
    .into_any()
}

/// The review step: everything entered, and the button that creates it.
#[component]
fn Review(wizard: Wizard) -> impl IntoView {
    let pending = wizard.pending();
    let submit = move || {
        if pending.get() {
            "Creating…"
        } else {
            "Create user"
        }
    };
    view! {
        <ReviewForm wizard cancel="/iam/users" submit=Signal::derive(submit)>
            <ReviewStep wizard/>
        </ReviewForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, password: &str) -> NewUser {
        NewUser {
            name: name.into(),
            email: String::new(),
            description: String::new(),
            password: password.into(),
            enabled: true,
            access_mode: "default".into(),
        }
    }

    fn fields(errors: &[AppError]) -> Vec<&str> {
        errors.iter().filter_map(AppError::field).collect()
    }

    #[test]
    fn details_report_every_field_at_once() {
        assert!(details_errors(&user("reader", "Secret-2026"), "Secret-2026").is_empty());
        let mut bad = user("1reader", "weak");
        bad.email = "nope".into();
        assert_eq!(
            fields(&details_errors(&bad, "other")),
            ["name", "email", "password", "confirm_password"]
        );
    }

    #[test]
    fn a_new_group_needs_a_free_valid_name_and_a_policy() {
        let existing = [UserGroup {
            id: "g1".into(),
            name: "ops".into(),
            description: String::new(),
            created_at: String::new(),
        }];
        assert!(groups_errors("", &existing).is_empty());
        assert!(groups_errors("readers", &existing).is_empty());
        assert_eq!(fields(&groups_errors("ops", &existing)), ["new_group"]);
        assert_eq!(fields(&groups_errors("9lives", &existing)), ["new_group"]);
        assert_eq!(fields(&policies_errors("readers", &[])), ["policies"]);
        assert!(policies_errors("readers", &["p".to_owned()]).is_empty());
        assert!(policies_errors(" ", &[]).is_empty());
    }

    #[test]
    fn server_fields_map_to_their_step() {
        assert_eq!(step_of("password"), Some(DETAILS));
        assert_eq!(step_of("new_group"), Some(GROUPS));
        assert_eq!(step_of("policies"), Some(POLICIES));
        assert_eq!(step_of("document"), None);
    }
}
