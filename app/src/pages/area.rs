//! The page of a console area. Areas not built yet say so plainly.
use leptos::prelude::*;

use crate::components::heading::PageHeader;
use leptos_router::hooks::use_params_map;

use crate::model::nav;
use crate::pages::not_found::NotFound;

/// `/:area`, and `/gateways/:id/:area` for a gateway's areas: the area's purpose and that
/// it is not available yet; an address that names no area is not found.
#[component]
pub fn AreaPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let params = params.read();
        let slug = params.get("area").unwrap_or_default();
        let found = match params.get("id") {
            Some(_) => nav::find_in_gateway(&slug),
            None => nav::find(&slug),
        };
        match found.filter(|area| !area.available) {
        Some(area) => view! {
            <PageHeader title=area.title>{area.purpose}</PageHeader>
            <div class="empty-state card">
                <h2>"Not available yet"</h2>
                <p>"This area is not part of this version of Portico. Nothing here is stored or shown until it is."</p>
                <a class="btn" href="/">"Back to the dashboard"</a>
            </div>
        }
        .into_any(),
        None => view! { <NotFound/> }.into_any(),
    }
    }
}
