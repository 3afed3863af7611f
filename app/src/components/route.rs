//! What a page reads from its address.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The path parameter `name` of the page's route (empty when the route has none).
pub fn path_param(name: &'static str) -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).unwrap_or_default())
}
