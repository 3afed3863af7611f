//! A page's first heading: its title and what the page is for, or, on a resource's page,
//! the name of what it belongs to ("gw-prod · APIs").
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::AppError;

/// The page's title (in the browser tab too) and a sentence on what the page is for.
#[component]
pub fn PageHeader(
    title: &'static str,
    /// The heading, when it says more than the title ("Get started" on the dashboard).
    #[prop(optional)]
    heading: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <div class="page-header">
            <h1>{heading.unwrap_or(title)}</h1>
            <p class="muted">{children()}</p>
        </div>
    }
}

/// `<h1>` with the name of the resource the page belongs to, then `title`. The name comes
/// from the page's data, so it is read inside a `Transition`: the server waits for it and
/// renders it, and the browser hydrates the same text (a resource read outside a Suspense
/// renders empty on the server and filled in the browser, which breaks hydration).
#[component]
pub fn ScopedHeading(
    /// The resource's name, once the page's data is in.
    #[prop(into)]
    name: Signal<Option<String>>,
    title: &'static str,
) -> impl IntoView {
    view! {
        <h1>
            <Transition fallback=|| ()>
                {move || name.get().map(|name| view! { {name} " · " })}
            </Transition>
            {title}
        </h1>
    }
}

/// The page's title in the browser tab: what `name` makes of what `resource` loaded, and
/// `fallback` until then (or when it failed). The resource is read inside a Transition, as
/// hydration wants.
#[component]
pub fn LoadedTitle<T>(
    resource: Resource<Result<T, AppError>>,
    fallback: &'static str,
    name: fn(T) -> String,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
{
    view! {
        <Transition fallback=move || view! { <Title text=fallback/> }>
            {move || {
                let text = resource
                    .get()
                    .and_then(Result::ok)
                    .map_or_else(|| fallback.to_owned(), name);
                view! { <Title text/> }
            }}
        </Transition>
    }
}
