//! Paging under a list: "21–40 of 57" with previous and next.
use leptos::prelude::*;

use crate::model::paging::DEFAULT_LIMIT;

/// `offset` is the first row shown; pages are `DEFAULT_LIMIT` rows.
#[component]
pub fn Pager(offset: RwSignal<i64>, #[prop(into)] total: Signal<i64>) -> impl IntoView {
    let first = move || {
        if total.get() == 0 {
            0
        } else {
            offset.get() + 1
        }
    };
    let last = move || (offset.get() + DEFAULT_LIMIT).min(total.get());
    view! {
        <nav class="pagination" aria-label="Pages">
            <span class="muted">{move || format!("{}–{} of {}", first(), last(), total.get())}</span>
            <span class="pagination-buttons">
                <button
                    type="button"
                    class="btn btn-small"
                    disabled=move || offset.get() == 0
                    on:click=move |_| offset.update(|o| *o = (*o - DEFAULT_LIMIT).max(0))
                >
                    "Previous"
                </button>
                <button
                    type="button"
                    class="btn btn-small"
                    // Braced: a bare `>=` would end the tag in `view!`.
                    disabled=move || { offset.get() + DEFAULT_LIMIT >= total.get() }
                    on:click=move |_| offset.update(|o| *o += DEFAULT_LIMIT)
                >
                    "Next"
                </button>
            </span>
        </nav>
    }
}
