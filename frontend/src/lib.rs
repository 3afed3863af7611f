//! The browser half of the console: hydrates the server-rendered pages.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point called by the generated JavaScript once the wasm module loads.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
