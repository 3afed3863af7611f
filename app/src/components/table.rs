//! Tables. `DataTable` draws a list: its columns, sorting that the server applies, a
//! checkbox per row for bulk actions, and what to show when there is nothing. `ListState`
//! is what a list page asks the server for (search, sort, page); `TableSearch` and `Pager`
//! edit it. A resource's own properties are drawn by `details::PropertyTable`.
use std::sync::Arc;

use std::future::Future;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::AppError;
use crate::model::paging::SortOrder;

/// Whether the server refused a page for want of permission (the page then says so instead
/// of its toolbar).
pub fn refused<T: Clone + Send + Sync + 'static>(page: Resource<Result<T, AppError>>) -> bool {
    page.get()
        .is_some_and(|result| matches!(result, Err(AppError::Forbidden { .. })))
}

type Cell<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;

/// One column of a `DataTable`: its heading and how a row fills its cell.
pub struct Column<T> {
    label: &'static str,
    sort_key: Option<&'static str>,
    actions: bool,
    cell: Cell<T>,
}

impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Column {
            label: self.label,
            sort_key: self.sort_key,
            actions: self.actions,
            cell: self.cell.clone(),
        }
    }
}

impl<T: 'static> Column<T> {
    pub fn new<V: IntoView + 'static>(
        label: &'static str,
        cell: impl Fn(&T) -> V + Send + Sync + 'static,
    ) -> Self {
        Column {
            label,
            sort_key: None,
            actions: false,
            cell: Arc::new(move |row| cell(row).into_any()),
        }
    }

    /// The row's buttons, at the end of the row; the heading is for screen readers only.
    pub fn actions<V: IntoView + 'static>(cell: impl Fn(&T) -> V + Send + Sync + 'static) -> Self {
        Column {
            actions: true,
            ..Column::new("Actions", cell)
        }
    }

    /// The server sorts the list by `key` when the user picks this column.
    pub fn sorted(self, key: &'static str) -> Self {
        Column {
            sort_key: Some(key),
            ..self
        }
    }
}

/// Rows a user can tick for a bulk action: each row's id (what the action gets) and name
/// (what the checkbox is called).
pub struct Selection<T> {
    pub chosen: RwSignal<Vec<String>>,
    pub id_and_name: fn(&T) -> (String, String),
}

impl<T> Clone for Selection<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Selection<T> {}

/// What a list page asks the server for. A new search or sort starts again at the first
/// page.
#[derive(Debug, Clone, Copy)]
pub struct ListState {
    pub search: RwSignal<String>,
    pub sort: RwSignal<SortOrder>,
    pub offset: RwSignal<i64>,
}

impl ListState {
    pub fn new() -> Self {
        ListState {
            search: RwSignal::new(String::new()),
            sort: RwSignal::new(SortOrder::default()),
            offset: RwSignal::new(0),
        }
    }

    pub fn set_search(&self, text: String) {
        self.search.set(text);
        self.offset.set(0);
    }

    /// The order after the user picks the column `key`: ascending first, then descending.
    pub fn sort_by(&self, key: &str) {
        self.sort.update(|order| *order = order.toggled(key));
        self.offset.set(0);
    }

    /// The list's page from the server, fetched again when the search, the order or the
    /// page changes: `fetch(search, sort, offset)`.
    pub fn page<T, Fut>(
        self,
        fetch: impl Fn(String, String, i64) -> Fut + Send + Sync + 'static,
    ) -> Resource<Result<T, AppError>>
    where
        T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
        Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        Resource::new(
            move || {
                (
                    self.search.get(),
                    self.sort.get().as_param(),
                    self.offset.get(),
                )
            },
            move |(search, sort, offset)| fetch(search, sort, offset),
        )
    }

    /// Whether a search narrows the list (an empty page then means "no match", not "none").
    pub fn searching(&self) -> bool {
        !self.search.get().trim().is_empty()
    }
}

impl Default for ListState {
    fn default() -> Self {
        ListState::new()
    }
}

/// The toolbar's link to the page that adds to the list, for a user allowed `action`.
#[component]
pub fn CreateLink(
    action: crate::model::permission::Action,
    href: &'static str,
    label: &'static str,
) -> impl IntoView {
    let shell = super::shell::use_shell();
    move || {
        shell.can(action).then(|| {
            view! {
                <div class="table-toolbar-actions">
                    <a class="btn btn-primary" href=href>{label}</a>
                </div>
            }
        })
    }
}

/// The search box above a list.
#[component]
pub fn TableSearch(
    list: ListState,
    /// What the box searches, for screen readers: "Search users by name".
    label: &'static str,
    #[prop(default = "Search by name")] placeholder: &'static str,
) -> impl IntoView {
    view! {
        <input
            type="search"
            class="table-search"
            aria-label=label
            placeholder=placeholder
            prop:value=move || list.search.get()
            on:input=move |ev| list.set_search(event_target_value(&ev))
        />
    }
}

/// A list as a table. With `sort`, headings of sorted columns are buttons that change it;
/// with `selection`, each row has a checkbox and the heading one for the whole page.
/// `empty` fills the table when there are no rows; `blank`, when given, replaces the whole
/// table while nothing narrows the list (the empty state with the wizard that fills it).
#[component]
pub fn DataTable<T>(
    columns: Vec<Column<T>>,
    rows: Vec<T>,
    /// Names the table for screen readers ("Users").
    label: &'static str,
    #[prop(optional)] list: Option<ListState>,
    #[prop(default = None)] selection: Option<Selection<T>>,
    #[prop(into, default = "Nothing here yet.".to_owned())] empty: String,
    #[prop(optional, into)] blank: Option<ViewFn>,
    /// A filter besides the search narrows the list.
    #[prop(optional)]
    filtered: bool,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let narrowed =
        filtered || list.is_some_and(|list| list.search.with_untracked(|s| !s.trim().is_empty()));
    if rows.is_empty() && !narrowed {
        if let Some(blank) = blank {
            return blank.run();
        }
    }
    let span = columns.len() + usize::from(selection.is_some());
    let head = columns
        .iter()
        .map(|column| heading(column, list))
        .collect_view();
    let body = if rows.is_empty() {
        view! { <tr><td class="table-empty" colspan=span>{empty}</td></tr> }.into_any()
    } else {
        rows.iter()
            .map(|row| {
                let cells = columns
                    .iter()
                    .map(|column| {
                        let content = (column.cell)(row);
                        if column.actions {
                            view! { <td class="cell-actions"><div class="row-actions">{content}</div></td> }
                                .into_any()
                        } else {
                            view! { <td>{content}</td> }.into_any()
                        }
                    })
                    .collect_view();
                let tick = selection.map(|selection| row_checkbox(selection, row));
                view! { <tr>{tick}{cells}</tr> }
            })
            .collect_view()
            .into_any()
    };
    let all = selection.map(|selection| page_checkbox(selection, &rows));
    view! {
        <div class="table-wrap">
            <table class="table" aria-label=label>
                <thead><tr>{all}{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn heading<T>(column: &Column<T>, list: Option<ListState>) -> AnyView {
    let label = column.label;
    if column.actions {
        return view! { <th scope="col" class="cell-actions"><span class="visually-hidden">{label}</span></th> }
            .into_any();
    }
    match (column.sort_key, list) {
        (Some(key), Some(list)) => {
            let aria = move || {
                list.sort
                    .with(|order| order.direction_of(key))
                    .map(|d| d.aria())
            };
            view! {
                <th scope="col" aria-sort=aria>
                    <button type="button" class="sort" on:click=move |_| list.sort_by(key)
                        aria-label=format!("Sort by {}", label.to_lowercase())>
                        {label}
                    </button>
                </th>
            }
            .into_any()
        }
        _ => view! { <th scope="col">{label}</th> }.into_any(),
    }
}

fn row_checkbox<T>(selection: Selection<T>, row: &T) -> AnyView {
    let (id, name) = (selection.id_and_name)(row);
    let checked = {
        let id = id.clone();
        move || selection.chosen.with(|chosen| chosen.contains(&id))
    };
    view! {
        <td class="cell-select">
            <input type="checkbox" aria-label=format!("Select {name}") prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selection.chosen.update(|chosen| {
                        chosen.retain(|c| c != &id);
                        if on {
                            chosen.push(id.clone());
                        }
                    });
                }/>
        </td>
    }
    .into_any()
}

fn page_checkbox<T>(selection: Selection<T>, rows: &[T]) -> AnyView {
    let ids: Vec<String> = rows
        .iter()
        .map(|row| (selection.id_and_name)(row).0)
        .collect();
    let every = {
        let ids = ids.clone();
        move || {
            !ids.is_empty()
                && selection
                    .chosen
                    .with(|chosen| ids.iter().all(|id| chosen.contains(id)))
        }
    };
    view! {
        <th scope="col" class="cell-select">
            <input type="checkbox" aria-label="Select every row on this page" prop:checked=every
                disabled=ids.is_empty()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selection.chosen.update(|chosen| {
                        chosen.retain(|c| !ids.contains(c));
                        if on {
                            chosen.extend(ids.iter().cloned());
                        }
                    });
                }/>
        </th>
    }
    .into_any()
}

/// What a list shows when it has nothing yet: what the list is for, and the way to fill it
/// or, for a user who may not, the permission to ask an administrator for.
#[component]
pub fn EmptyState(
    title: &'static str,
    #[prop(into)] text: String,
    /// `(href, label)` of the wizard or form that fills the list; `None` when the user
    /// lacks `permission`.
    #[prop(default = None)]
    action: Option<(String, &'static str)>,
    /// The permission that fills the list.
    permission: crate::model::permission::Action,
) -> impl IntoView {
    let lacking = action.is_none().then(|| {
        format!("Ask an administrator to do it for you: you lack the permission {permission}.")
    });
    view! {
        <div class="card empty-state">
            <h2>{title}</h2>
            <p>{text}</p>
            {action.map(|(href, label)| view! { <a class="btn btn-primary" href=href>{label}</a> })}
            {lacking.map(|text| view! { <p class="muted">{text}</p> })}
        </div>
    }
}
