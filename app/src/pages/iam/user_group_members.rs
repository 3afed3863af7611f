//! The members card of a user group's page: who is in the group, adding a user picked
//! from the user list, and removing a member (confirmed in the page's dialog).
use leptos::prelude::*;

use crate::components::form::FormActions;

use super::user_group_detail::{Changes, Removal};
use super::users::enabled_badge;
use crate::api::iam::{list_users, AddMember};
use crate::components::feedback::{on_success, ErrorBanner, Loading};
use crate::components::shell::ShellContext;
use crate::components::table::{Column, DataTable};
use crate::model::iam::User;
use crate::model::permission::actions;

/// The members table, with adding and removing members.
#[component]
pub(super) fn MembersCard(
    group_id: String,
    is_admin: bool,
    members: Vec<User>,
    changes: Changes,
    ask: Callback<Removal>,
    shell: ShellContext,
) -> impl IntoView {
    let can_add = shell.can(actions::iam::groups::addUser);
    let can_remove = shell.can(actions::iam::groups::removeUser);
    let adding = RwSignal::new(false);
    let count = members.len();
    let member_ids: Vec<String> = members.iter().map(|user| user.id.clone()).collect();
    let table = if members.is_empty() {
        view! {
            <div class="empty-state">
                <p>"No members yet. Add users to give them the permissions granted to this group."</p>
            </div>
        }
        .into_any()
    } else {
        let columns = vec![
            Column::new("User name", |user: &User| {
                view! {
                    <a href=format!("/iam/users/{}", user.id)>{user.name.clone()}</a>
                }
            }),
            Column::new("Email", |user: &User| user.email.clone()),
            Column::new("Status", |user: &User| enabled_badge(user.enabled)),
            Column::actions(move |user: &User| {
                let stays = is_admin && user.name == "admin";
                match (can_remove, stays) {
                    (false, _) => None,
                    (true, true) => Some(
                        view! {
                            <span class="muted small">"Stays in this group"</span>
                        }
                        .into_any(),
                    ),
                    (true, false) => {
                        let target = user.clone();
                        Some(
                            view! {
                                <button type="button" class="btn btn-ghost btn-small"
                                    aria-label=format!("Remove {} from the group", user.name)
                                    on:click=move |_| ask.run(Removal::Member(target.clone()))>
                                    "Remove"
                                </button>
                            }
                            .into_any(),
                        )
                    }
                }
            }),
        ];
        view! { <DataTable label="Members" columns rows=members/> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">"Members (" {count} ")"</h2>
            <div class="table-toolbar">
                <span class="muted small">"Members get every permission granted to this group."</span>
                {can_add.then(|| view! {
                    <div class="table-toolbar-actions">
                        <button
                            type="button"
                            class="btn btn-primary btn-small"
                            disabled=move || adding.get()
                            on:click=move |_| adding.set(true)
                        >
                            "Add member"
                        </button>
                    </div>
                })}
            </div>
            <Show when=move || adding.get()>
                <AddMemberForm
                    group_id=group_id.clone()
                    member_ids=member_ids.clone()
                    add=changes.add
                    on_close=move || adding.set(false)
                />
            </Show>
            {table}
        </section>
    }
    .into_any()
}

/// Picks a user (searching by name) and adds them to the group.
#[component]
fn AddMemberForm(
    group_id: String,
    member_ids: Vec<String>,
    add: ServerAction<AddMember>,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let users = LocalResource::new(move || list_users(search.get(), String::new(), 0));
    add.clear();
    on_success(add, on_close);
    let member_ids = StoredValue::new(member_ids);
    let candidates = move || {
        users.get().map(|result| {
            result.map(|page| {
                // More users match than one page of the list holds.
                let more = usize::try_from(page.total).unwrap_or(0) > page.users.len();
                let users: Vec<User> = page
                    .users
                    .into_iter()
                    .filter(|user| member_ids.with_value(|ids| !ids.contains(&user.id)))
                    .collect();
                (more, users)
            })
        })
    };
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user_id = chosen.get_untracked();
        if !user_id.is_empty() {
            add.dispatch(AddMember {
                group_id: group_id.clone(),
                user_id,
            });
        }
    };
    view! {
        <form class="form card" on:submit=submit>
            <h3>"Add a member"</h3>
            <ErrorBanner error/>
            <div class="field">
                <label for="member-search">"Find a user"</label>
                <input
                    id="member-search"
                    type="search"
                    placeholder="Part of a user name"
                    autocomplete="off"
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        chosen.set(String::new());
                        search.set(event_target_value(&ev));
                    }
                />
            </div>
            <div class="field">
                <label for="member-user">"User"</label>
                <Transition fallback=Loading>
                    {move || candidates().map(|result| match result {
                        Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                        Ok((more, users)) => {
                            let none = users.is_empty();
                            view! {
                                <select
                                    id="member-user"
                                    disabled=none
                                    on:change=move |ev| chosen.set(event_target_value(&ev))
                                >
                                    <option value="" selected=move || chosen.get().is_empty()>
                                        {if none { "No user to add" } else { "Choose a user" }}
                                    </option>
                                    {users.into_iter().map(|user| {
                                        let id = user.id.clone();
                                        let label = if user.email.is_empty() {
                                            user.name
                                        } else {
                                            format!("{} ({})", user.name, user.email)
                                        };
                                        view! {
                                            <option value=user.id selected=move || chosen.get() == id>{label}</option>
                                        }
                                    }).collect_view()}
                                </select>
                                <p class="field-hint">
                                    {if none {
                                        "Every user found is already a member. Search for another name, or create the user first."
                                    } else if more {
                                        "Showing the first users found; type more of the name to narrow the list."
                                    } else {
                                        "Users already in the group are not listed."
                                    }}
                                </p>
                            }
                            .into_any()
                        }
                    })}
                </Transition>
            </div>
            <FormActions label="Add to group" busy="Adding…" pending=add.pending()
                blocked=Signal::derive(move || chosen.get().is_empty())
                on_cancel=Callback::new(move |()| on_close())/>
        </form>
    }
    .into_any()
}
