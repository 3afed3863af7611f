//! The audit log: who did what, when and from where, including refused attempts. Records
//! are filtered and paged on the server; nobody can edit or delete them.
use leptos::prelude::*;

use crate::components::heading::PageHeader;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::iam::list_audit;
use crate::components::feedback::Loaded;
use crate::components::pager::Pager;
use crate::components::table::{Column, DataTable};
use crate::model::audit::{AuditFilter, AuditRecord, AuditResult};

#[component]
pub fn AuditPage() -> impl IntoView {
    // The filters live in the address (`?user=&action=&result=`): the search works without
    // JavaScript, and a filtered list can be bookmarked or shared.
    let query = use_query_map();
    let param = move |name: &str| query.with(|query| query.get(name).unwrap_or_default());
    let filter = Memo::new(move |_| AuditFilter {
        user_name: non_empty(param("user")),
        action: non_empty(param("action")),
        result: parse_result(&param("result")),
    });
    let offset = RwSignal::new(0_i64);
    Effect::watch(
        move || filter.get(),
        move |_, _, _| {
            if offset.get_untracked() != 0 {
                offset.set(0);
            }
        },
        false,
    );
    let records = Resource::new(
        move || (filter.get(), offset.get()),
        |(filter, offset)| list_audit(filter, offset),
    );

    view! {
        <PageHeader title="Audit log">
            "Every change made in the console or through the API, and every attempt IAM refused: who, what, when (UTC) and from where. Records are kept as written: nobody can edit or delete them."
        </PageHeader>
        <Form method="get" action="/audit" noscroll=true attr:class="table-toolbar" attr:role="search">
            {search_box("user", "User name (exact)", "User name", Signal::derive(move || param("user")))}
            {search_box("action", "Action contains, e.g. iam:groups", "Action contains", Signal::derive(move || param("action")))}
            <select name="result" aria-label="Result" prop:value=move || param("result")>
                <option value="" selected=move || param("result").is_empty()>"Any result"</option>
                {[AuditResult::Success, AuditResult::Refused, AuditResult::Failed].map(|choice| {
                    let value = choice.as_str();
                    view! {
                        <option value=value selected=move || param("result") == value>{result_label(choice)}</option>
                    }
                }).collect_view()}
            </select>
            <button type="submit" class="btn btn-primary">"Search"</button>
            <a class="btn btn-ghost" href="/audit">"Clear filters"</a>
        </Form>
        <Loaded resource=records show=move |page| {
            let filtered = filter.with(|f| *f != AuditFilter::default());
            let total = page.total;
            view! {
                <AuditTable records=page.records filtered/>
                {(total > 0).then(|| view! { <Pager offset total/> })}
            }
            .into_any()
        }/>
    }
    .into_any()
}

fn non_empty(text: String) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The result filter's value: empty for any result.
fn parse_result(value: &str) -> Option<AuditResult> {
    (!value.is_empty()).then(|| AuditResult::parse(value))
}

fn result_label(result: AuditResult) -> &'static str {
    match result {
        AuditResult::Success => "Success",
        AuditResult::Refused => "Refused",
        AuditResult::Failed => "Failed",
    }
}

/// How a request reached Portico, as the log shows it.
fn channel_label(channel: &str) -> String {
    match channel {
        "console" => "Console".to_owned(),
        "api" => "API".to_owned(),
        other => other.to_owned(),
    }
}

/// Green for success, red for refused by IAM, amber for failed.
fn result_badge(result: AuditResult) -> &'static str {
    match result {
        AuditResult::Success => "badge badge-success",
        AuditResult::Refused => "badge badge-danger",
        AuditResult::Failed => "badge badge-warning",
    }
}

/// A search box of the filter form, showing the value the address holds.
fn search_box(
    name: &'static str,
    placeholder: &'static str,
    label: &'static str,
    value: Signal<String>,
) -> impl IntoView {
    view! {
        <input type="search" name=name class="table-search" placeholder=placeholder
            aria-label=label autocomplete="off" value=value prop:value=value/>
    }
}

#[component]
fn AuditTable(records: Vec<AuditRecord>, filtered: bool) -> impl IntoView {
    if records.is_empty() {
        let message = if filtered {
            "No record matches these filters. Clear them to see every record."
        } else {
            "No records yet. Changes made in the console or through the API, and refused attempts, appear here as they happen."
        };
        return view! {
            <div class="card empty-state">
                <p>{message}</p>
            </div>
        }
        .into_any();
    }
    let columns = vec![
        Column::new(
            "Time (UTC)",
            |record: &AuditRecord| view! { <span class="small nowrap">{record.at.clone()}</span> },
        ),
        Column::new("User", |record: &AuditRecord| record.user_name.clone()),
        Column::new("Action", |record: &AuditRecord| {
            view! {
                <code class="action-name">{action_parts(&record.action)}</code>
                {(!record.detail.is_empty()).then(|| view! {
                    <div class="muted small">{record.detail.clone()}</div>
                })}
            }
        }),
        Column::new("Resource", |record: &AuditRecord| {
            view! {
                <div>{record.resource_name.clone()}</div>
                <div class="muted small">
                    {record.resource_type.clone()}
                    {(!record.resource_id.is_empty()).then(|| view! {
                        " " <code class="wrap-anywhere">{record.resource_id.clone()}</code>
                    })}
                </div>
            }
        }),
        Column::new("Source", |record: &AuditRecord| {
            view! {
                <div class="mono small">{record.source_ip.clone()}</div>
                <div class="muted small">{channel_label(&record.channel)}</div>
            }
        }),
        Column::new("Result", |record: &AuditRecord| {
            view! {
                <span class=result_badge(record.result)>{result_label(record.result)}</span>
            }
        }),
    ];
    view! { <DataTable label="Audit log" columns rows=records/> }.into_any()
}

/// An action name that may break only after its colons (`apig:apis:` `publish`), never
/// inside a word.
fn action_parts(action: &str) -> impl IntoView {
    let parts: Vec<String> = action.split_inclusive(':').map(str::to_owned).collect();
    parts
        .into_iter()
        .map(|part| view! { {part}<wbr/> })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_leave_blanks_out() {
        assert_eq!(non_empty("  ".to_owned()), None);
        assert_eq!(non_empty(" admin ".to_owned()).as_deref(), Some("admin"));
        assert_eq!(parse_result(""), None);
        assert_eq!(parse_result("refused"), Some(AuditResult::Refused));
    }
}
