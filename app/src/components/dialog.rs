//! A confirmation dialog for destructive actions: it names what will be removed and what
//! depends on it, and nothing happens until the user confirms.
use leptos::prelude::*;

/// Shown while `open` is true. `on_confirm` runs once when the user confirms; Cancel,
/// Escape or a click outside closes it.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] message: Signal<String>,
    #[prop(into, default = "Delete".into())] confirm_label: Signal<String>,
    #[prop(into, optional)] pending: Signal<bool>,
    on_confirm: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let on_confirm = std::sync::Arc::new(on_confirm);
    view! {
        <Show when=move || open.get()>
            {
                let on_confirm = on_confirm.clone();
                view! {
                    <div
                        class="dialog-backdrop"
                        on:click=move |_| open.set(false)
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                open.set(false);
                            }
                        }
                    >
                        <div
                            class="dialog"
                            role="alertdialog"
                            aria-modal="true"
                            aria-labelledby="dialog-title"
                            on:click=|ev| ev.stop_propagation()
                        >
                            <h2 class="dialog-title" id="dialog-title">{move || title.get()}</h2>
                            <div class="dialog-body">
                                <p>{move || message.get()}</p>
                            </div>
                            <div class="dialog-actions">
                                <button type="button" class="btn" on:click=move |_| open.set(false)>"Cancel"</button>
                                <button
                                    type="button"
                                    class="btn btn-danger"
                                    disabled=move || pending.get()
                                    on:click={
                                        let on_confirm = on_confirm.clone();
                                        move |_| on_confirm()
                                    }
                                >
                                    {move || confirm_label.get()}
                                </button>
                            </div>
                        </div>
                    </div>
                }
            }
        </Show>
    }
}
