//! Copy buttons for ids, keys and URLs.
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Ready,
    Copied,
    Failed,
}

/// Copies `text` to the clipboard; `what` names it for screen readers ("access key ID").
#[component]
pub fn CopyButton(#[prop(into)] text: String, what: &'static str) -> impl IntoView {
    let state = RwSignal::new(CopyState::Ready);
    view! {
        <button type="button" class="copy-button" on:click=move |_| copy(&text, state)>
            {move || match state.get() {
                CopyState::Ready => "Copy",
                CopyState::Copied => "Copied",
                CopyState::Failed => "Select and copy it by hand",
            }}
            <span class="visually-hidden">" " {what}</span>
        </button>
    }
}

/// Asks the browser to put `text` on the clipboard and reports the outcome in `state`.
/// Browsers offer the clipboard only to secure pages (HTTPS or localhost); elsewhere the
/// button says to copy by hand.
fn copy(text: &str, state: RwSignal<CopyState>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use leptos::web_sys::js_sys::{Function, Reflect};
    let write = || -> Result<(), JsValue> {
        let navigator = Reflect::get(&window(), &"navigator".into())?;
        let clipboard = Reflect::get(&navigator, &"clipboard".into())?;
        let write_text: Function = Reflect::get(&clipboard, &"writeText".into())?.dyn_into()?;
        let written = write_text.call1(&clipboard, &text.into())?;
        let then: Function = Reflect::get(&written, &"then".into())?.dyn_into()?;
        let copied = Closure::once_into_js(move || state.set(CopyState::Copied));
        let failed = Closure::once_into_js(move || state.set(CopyState::Failed));
        then.call2(&written, &copied, &failed)?;
        Ok(())
    };
    if write().is_err() {
        state.set(CopyState::Failed);
    }
}
