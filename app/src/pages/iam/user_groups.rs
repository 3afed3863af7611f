//! User groups: the list (search, paging), creating a group, and deleting one after a
//! dialog that names its members and the permissions they lose.
use leptos::prelude::*;

use crate::components::form::{problems, FormCard, Sending, TextField};

use crate::components::heading::PageHeader;

use crate::api::iam::{get_group, list_groups, CreateGroup, DeleteGroup};
use crate::components::dialog::{load_on_open, send_for, ConfirmDelete, Removal};
use crate::components::feedback::{after_each, on_success, ErrorBanner, Loaded};
use crate::components::pager::Pager;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable, ListState, TableSearch};
use crate::error::AppError;
use crate::model::iam::{validate_description, validate_name, UserGroup, UserGroupDetail};
use crate::model::paging::DEFAULT_LIMIT;
use crate::model::permission::actions;

/// The group every account has for its administrators: it cannot be deleted, its
/// permissions cannot be revoked, and its `admin` user stays in it.
pub(super) const ADMIN_GROUP: &str = "admin";

#[component]
pub fn GroupsPage() -> impl IntoView {
    let shell = use_shell();
    let create = ServerAction::<CreateGroup>::new();
    let delete = ServerAction::<DeleteGroup>::new();
    let groups = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| list_groups(),
    );
    let form_open = RwSignal::new(false);
    let list = ListState::new();
    let deleting = RwSignal::new(None::<UserGroup>);
    let dialog_open = RwSignal::new(false);
    on_success(create, move || form_open.set(false));
    after_each(delete, move || dialog_open.set(false));
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let ask_delete = Callback::new(move |group: UserGroup| {
        delete.clear();
        deleting.set(Some(group));
        dialog_open.set(true);
    });

    view! {
        <PageHeader title="User groups">
            "Put users in groups and grant each group policies, in one project or in all projects. Users get the permissions of every group they are in."
        </PageHeader>
        <ErrorBanner error=delete_error/>
        <Show when=move || form_open.get()>
            <CreateGroupForm create on_cancel=move || form_open.set(false)/>
        </Show>
        <Loaded resource=groups show=move |groups| {
            let can_create = shell.can(actions::iam::groups::create);
            let can_delete = shell.can(actions::iam::groups::delete);
            view! {
                <GroupList
                    groups
                    list
                    can_create
                    can_delete
                    open_form=move || form_open.set(true)
                    ask_delete
                />
            }
            .into_any()
        }/>
        <DeleteGroupDialog open=dialog_open group=deleting delete/>
    }
    .into_any()
}

/// The toolbar, the table (or the empty state) and the pager. An account has few groups:
/// all are loaded, and searched, sorted and paged here.
#[component]
fn GroupList(
    groups: Vec<UserGroup>,
    list: ListState,
    can_create: bool,
    can_delete: bool,
    open_form: impl Fn() + Copy + Send + Sync + 'static,
    ask_delete: Callback<UserGroup>,
) -> impl IntoView {
    if groups.is_empty() {
        return view! {
            <div class="card empty-state">
                <h2>"No user groups yet"</h2>
                <p>"Create a group, grant it policies, then add users to it: users get their permissions from the groups they are in."</p>
                {can_create.then(|| view! {
                    <button type="button" class="btn btn-primary" on:click=move |_| open_form()>
                        "Create user group"
                    </button>
                })}
            </div>
        }
        .into_any();
    }
    let groups = StoredValue::new(groups);
    let matching = Memo::new(move |_| {
        let needle = list.search.get().trim().to_lowercase();
        let order = list.sort.get();
        let mut found: Vec<UserGroup> = groups.with_value(|groups| {
            groups
                .iter()
                .filter(|group| {
                    needle.is_empty()
                        || group.name.to_lowercase().contains(&needle)
                        || group.description.to_lowercase().contains(&needle)
                })
                .cloned()
                .collect()
        });
        if order.key == "created" {
            found.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        } else {
            found.sort_by_key(|group| group.name.to_lowercase());
        }
        if order.descending {
            found.reverse();
        }
        found
    });
    let total = Signal::derive(move || matching.with(|groups| groups.len() as i64));
    let page = move || {
        let start = usize::try_from(list.offset.get()).unwrap_or(0);
        let limit = usize::try_from(DEFAULT_LIMIT).unwrap_or(20);
        matching.with(|groups| {
            groups
                .iter()
                .skip(start)
                .take(limit)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="table-toolbar">
            <TableSearch list label="Search user groups" placeholder="Search by name or description"/>
            {can_create.then(|| view! {
                <div class="table-toolbar-actions">
                    <button type="button" class="btn btn-primary" on:click=move |_| open_form()>
                        "Create user group"
                    </button>
                </div>
            })}
        </div>
        {move || view! {
            <DataTable
                label="User groups"
                columns=group_columns(can_delete, ask_delete)
                rows=page()
                list
                empty=format!("No user group matches “{}”.", list.search.get_untracked())
            />
        }}
        <Pager offset=list.offset total/>
    }
    .into_any()
}

fn group_columns(can_delete: bool, ask_delete: Callback<UserGroup>) -> Vec<Column<UserGroup>> {
    vec![
        Column::new("Name", |group: &UserGroup| {
            view! {
                <a href=format!("/iam/groups/{}", group.id)>{group.name.clone()}</a>
            }
        })
        .sorted("name"),
        Column::new("Description", |group: &UserGroup| group.description.clone()),
        Column::new(
            "Created (UTC)",
            |group: &UserGroup| view! { <span class="muted">{group.created_at.clone()}</span> },
        )
        .sorted("created"),
        Column::actions(move |group: &UserGroup| {
            match (can_delete, group.name == ADMIN_GROUP) {
            (false, _) => None,
            (true, true) => Some(
                view! { <span class="muted small">"Holds the account administrators: cannot be deleted"</span> }
                    .into_any(),
            ),
            (true, false) => {
                let target = group.clone();
                Some(
                    view! {
                        <button type="button" class="btn btn-ghost btn-small"
                            aria-label=format!("Delete user group {}", group.name)
                            on:click=move |_| ask_delete.run(target.clone())>
                            "Delete"
                        </button>
                    }
                    .into_any(),
                )
            }
        }
        }),
    ]
}

/// Name and description, checked as the user submits and again by the server.
#[component]
fn CreateGroupForm(
    create: ServerAction<CreateGroup>,
    on_cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    create.clear();
    let errors = move || -> Vec<AppError> {
        problems([
            validate_name("name", "group", &name.get()),
            validate_description("description", &description.get()),
        ])
    };
    let form = Sending::new(create, errors);
    let input = move || CreateGroup {
        name: name.get_untracked(),
        description: description.get_untracked(),
    };
    view! {
        <FormCard title="Create user group" form input label="Create" busy="Creating…"
            on_cancel=Callback::new(move |()| on_cancel())>
            <TextField label="Name" id="group-name" value=name error=form.field_error("name")
                hint="1 to 32 letters, digits, spaces, hyphens, underscores or periods; not starting with a digit or a space."/>
            <TextField label="Description (optional)" id="group-description" multiline=true value=description
                error=form.field_error("description")/>
        </FormCard>
    }
    .into_any()
}

/// Asks before deleting a group, naming its members and the permissions they lose.
#[component]
fn DeleteGroupDialog(
    open: RwSignal<bool>,
    group: RwSignal<Option<UserGroup>>,
    delete: ServerAction<DeleteGroup>,
) -> impl IntoView {
    // What depends on the group, loaded when the dialog opens for it.
    let detail = load_on_open(open, group, |group| get_group(group.id));
    let removal = Signal::derive(move || {
        group.get().map(|group| match detail.get() {
            Some(Ok(Some(detail))) => consequences(&group, &detail),
            Some(Err(error)) => Removal::new(format!("user group {}", group.name)).with(format!(
                "its permissions (its members could not be listed: {error})"
            )),
            _ => Removal::new(format!("user group {}", group.name)).with("Looking up its members…"),
        })
    });
    let confirm = send_for(group, delete, |group| DeleteGroup { group_id: group.id });
    view! { <ConfirmDelete open removal pending=delete.pending() on_confirm=confirm/> }.into_any()
}

/// What deleting `group` takes away.
fn consequences(group: &UserGroup, detail: &UserGroupDetail) -> Removal {
    let grants: Vec<String> = detail
        .grants
        .iter()
        .map(|grant| {
            let scope = grant.project_name.as_deref().unwrap_or("all projects");
            format!("{} in {scope}", grant.policy_name)
        })
        .collect();
    let names: Vec<&str> = detail.members.iter().map(|u| u.name.as_str()).collect();
    let members = match names.len() {
        0 => "It has no members.".to_owned(),
        1 => format!("Its member {} leaves the group.", names[0]),
        count => format!(
            "Its {count} members ({}) leave the group.",
            names.join(", ")
        ),
    };
    let permissions = match (grants.is_empty(), names.is_empty()) {
        (true, _) => "No policies are granted to it.".to_owned(),
        (false, true) => format!("It grants {}.", grants.join("; ")),
        (false, false) => format!(
            "They lose what it grants, unless another group grants it too: {}.",
            grants.join("; ")
        ),
    };
    Removal::new(format!("user group {}", group.name))
        .with(members)
        .with(permissions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::iam::{Grant, User};

    fn user(name: &str) -> User {
        User {
            id: format!("id-{name}"),
            name: name.to_owned(),
            email: String::new(),
            description: String::new(),
            enabled: true,
            access_mode: "default".to_owned(),
            pwd_status: false,
            created_at: "2026-01-01 00:00:00".to_owned(),
            last_login_at: None,
        }
    }

    #[test]
    fn the_delete_dialog_names_members_and_grants() {
        let group = UserGroup {
            id: "g1".to_owned(),
            name: "ops".to_owned(),
            description: String::new(),
            created_at: "2026-01-01 00:00:00".to_owned(),
        };
        let detail = UserGroupDetail {
            group: group.clone(),
            members: vec![user("alice"), user("bob")],
            grants: vec![Grant {
                policy_id: "p1".to_owned(),
                policy_name: "APIG FullAccess".to_owned(),
                project_id: None,
                project_name: None,
            }],
        };
        let text = consequences(&group, &detail).with.join(" ");
        assert!(text.contains("Its 2 members (alice, bob) leave the group."));
        assert!(text.contains("They lose what it grants, unless another group grants it too: APIG FullAccess in all projects."));
        let unused = UserGroupDetail {
            members: vec![],
            ..detail.clone()
        };
        let text = consequences(&group, &unused).with.join(" ");
        assert!(text.contains("It has no members. It grants APIG FullAccess in all projects."));
        let empty = UserGroupDetail {
            group: group.clone(),
            members: vec![],
            grants: vec![],
        };
        let text = consequences(&group, &empty).with.join(" ");
        assert!(text.contains("It has no members."));
        assert!(text.contains("No policies are granted to it."));
    }
}
