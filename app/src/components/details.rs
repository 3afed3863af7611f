//! Rows of details and review tables.
use leptos::prelude::*;

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
