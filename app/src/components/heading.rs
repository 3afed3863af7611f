//! A page's first heading when it names what the page belongs to ("gw-prod · APIs").
use leptos::prelude::*;

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
