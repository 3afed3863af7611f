//! One user group: its members (add, remove) and the policies granted to it (grant in all
//! projects or in one, revoke). Removals are confirmed in a dialog that says what is lost.
use leptos::prelude::*;
use leptos_meta::Title;

use super::user_group_members::MembersCard;
use super::user_group_permissions::{scope_phrase, PermissionsCard};
use super::user_groups::ADMIN_GROUP;
use crate::api::iam::{get_group, AddMember, Grant as GrantPolicy, RemoveMember, Revoke};
use crate::components::copy::CopyButton;
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::{after_each, refresh_on_success, ErrorBanner, Loading};
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::error::AppError;
use crate::model::iam::{Grant, User, UserGroupDetail};

/// What the confirmation dialog is about to take away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Removal {
    Member(User),
    Grant(Grant),
}

/// The changes this page makes; each reloads the group when it succeeds.
#[derive(Clone, Copy)]
pub(super) struct Changes {
    pub(super) add: ServerAction<AddMember>,
    pub(super) remove: ServerAction<RemoveMember>,
    pub(super) grant: ServerAction<GrantPolicy>,
    pub(super) revoke: ServerAction<Revoke>,
}

impl Changes {
    fn new() -> Self {
        Changes {
            add: ServerAction::new(),
            remove: ServerAction::new(),
            grant: ServerAction::new(),
            revoke: ServerAction::new(),
        }
    }

    /// Bumps `refresh` each time a change succeeds, so the group is loaded again.
    fn refresh_on_success(self, refresh: RwSignal<u32>) {
        refresh_on_success(self.add, refresh);
        refresh_on_success(self.remove, refresh);
        refresh_on_success(self.grant, refresh);
        refresh_on_success(self.revoke, refresh);
    }
}

#[component]
pub fn UserGroupDetailPage() -> impl IntoView {
    let group_id = path_param("id");
    let changes = Changes::new();
    let refresh = RwSignal::new(0_u32);
    changes.refresh_on_success(refresh);
    let detail = Resource::new(
        move || (group_id.get(), refresh.get()),
        |(id, _)| get_group(id),
    );
    let removal = RwSignal::new(None::<Removal>);
    let dialog_open = RwSignal::new(false);
    let ask = Callback::new(move |what: Removal| {
        changes.remove.clear();
        changes.revoke.clear();
        removal.set(Some(what));
        dialog_open.set(true);
    });
    after_each(changes.remove, move || dialog_open.set(false));
    after_each(changes.revoke, move || dialog_open.set(false));
    let removal_error = Signal::derive(move || {
        changes
            .remove
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| changes.revoke.value().get().and_then(Result::err))
    });
    let group_name = Signal::derive(move || {
        detail
            .get()
            .and_then(Result::ok)
            .map(|detail| detail.group.name)
            .unwrap_or_default()
    });

    view! {
        <Title text="User group"/>
        <p class="small"><a href="/iam/groups">"← User groups"</a></p>
        <Transition fallback=Loading>
            {move || detail.get().map(|result| match result {
                Err(error) => view! { <GroupProblem error/> }.into_any(),
                Ok(detail) => view! {
                    <GroupView detail changes ask removal_error/>
                }
                .into_any(),
            })}
        </Transition>
        <RemovalDialog open=dialog_open removal group_name changes group_id/>
    }
    .into_any()
}

/// The group could not be loaded: say why and lead back to the list.
#[component]
fn GroupProblem(error: AppError) -> impl IntoView {
    let heading = match error {
        AppError::NotFound { .. } => "This user group does not exist",
        _ => "The user group could not be loaded",
    };
    view! {
        <div class="card empty-state">
            <h2>{heading}</h2>
            <ErrorBanner error=Some(error)/>
            <a class="btn" href="/iam/groups">"Back to user groups"</a>
        </div>
    }
    .into_any()
}

#[component]
fn GroupView(
    detail: UserGroupDetail,
    changes: Changes,
    ask: Callback<Removal>,
    removal_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let shell = use_shell();
    let UserGroupDetail {
        group,
        members,
        grants,
    } = detail;
    let is_admin = group.name == ADMIN_GROUP;
    let group_id = group.id.clone();
    view! {
        <Title text=format!("User group {}", group.name)/>
        <div class="page-header">
            <h1>{group.name.clone()}</h1>
            <p class="muted">
                {if group.description.is_empty() { "No description.".to_owned() } else { group.description.clone() }}
            </p>
            <p class="muted small">
                "User group ID " <span class="mono">{group.id.clone()}</span>
                <CopyButton text=group.id.clone() what="user group ID"/>
                " · Created " {group.created_at.clone()} " UTC"
            </p>
        </div>
        {is_admin.then(|| view! {
            <div class="alert alert-info">
                "This group holds the account administrators. Its permissions cannot be revoked and the user admin stays in it."
            </div>
        })}
        <ErrorBanner error=removal_error/>
        <MembersCard group_id=group_id.clone() is_admin members changes ask shell/>
        <PermissionsCard group_id is_admin grants changes ask shell/>
    }
    .into_any()
}

/// Asks before removing a member or revoking a policy, saying what is lost.
#[component]
fn RemovalDialog(
    open: RwSignal<bool>,
    removal: RwSignal<Option<Removal>>,
    group_name: Signal<String>,
    changes: Changes,
    group_id: Memo<String>,
) -> impl IntoView {
    let title = Signal::derive(move || match removal.get() {
        Some(Removal::Member(user)) => format!("Remove {} from {}?", user.name, group_name.get()),
        Some(Removal::Grant(grant)) => format!("Revoke {}?", grant.policy_name),
        None => String::new(),
    });
    let message = Signal::derive(move || {
        match removal.get() {
        Some(Removal::Member(user)) => format!(
            "{} leaves the user group {} and loses the permissions granted to it, unless another group grants them too. The user account itself stays.",
            user.name,
            group_name.get()
        ),
        Some(Removal::Grant(grant)) => format!(
            "The policy {} will no longer apply in {} to the members of {}. Members keep what other groups grant them.",
            grant.policy_name,
            scope_phrase(&grant),
            group_name.get()
        ),
        None => String::new(),
    }
    });
    let confirm_label = Signal::derive(move || match removal.get() {
        Some(Removal::Grant(_)) => "Revoke".to_owned(),
        _ => "Remove from group".to_owned(),
    });
    let pending =
        Signal::derive(move || changes.remove.pending().get() || changes.revoke.pending().get());
    view! {
        <ConfirmDialog
            open
            title
            message
            confirm_label
            pending
            on_confirm=move || match removal.get_untracked() {
                Some(Removal::Member(user)) => {
                    changes.remove.dispatch(RemoveMember {
                        group_id: group_id.get_untracked(),
                        user_id: user.id,
                    });
                }
                Some(Removal::Grant(grant)) => {
                    changes.revoke.dispatch(Revoke {
                        group_id: group_id.get_untracked(),
                        policy_id: grant.policy_id,
                        project_id: grant.project_id.unwrap_or_default(),
                    });
                }
                None => {}
            }
        />
    }
    .into_any()
}
