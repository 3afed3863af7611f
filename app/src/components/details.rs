//! Details and review tables: one resource's properties, a label per row.
use leptos::prelude::*;

/// A table of `row`s: a resource's properties, or what a wizard is about to create.
pub fn property_table(rows: impl IntoView) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table table-properties">
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A row of a details or review table: a heading cell and its value.
pub fn row(label: &'static str, value: impl IntoView) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">{label}</th>
            <td>{value}</td>
        </tr>
    }
}

/// Text, or a muted dash when empty.
pub fn or_none(text: String) -> impl IntoView {
    if text.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! { <span>{text}</span> }.into_any()
    }
}
