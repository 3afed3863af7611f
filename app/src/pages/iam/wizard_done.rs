//! The user wizard's last step: what was created, how the user signs in, the access key's
//! secret (shown this once), and where to go next.
use leptos::prelude::*;

use super::fields::access_mode_label;
use super::secret::NewKeyDetails;
use super::wizard::Wizard;
use crate::model::iam::UserWizardResult;

#[component]
pub fn DoneStep(result: UserWizardResult, wizard: Wizard) -> impl IntoView {
    // The console's address as the browser reached it; effects run only in the browser,
    // which is the only place this step is shown.
    let origin = RwSignal::new(String::new());
    Effect::new(move |_| origin.set(window().location().origin().unwrap_or_default()));
    let plan = untrack(|| wizard.plan());
    let UserWizardResult {
        user,
        account,
        groups,
        access_key,
    } = result;
    let user_link = format!("/iam/users/{}", user.id);
    let status = if user.enabled {
        "enabled"
    } else {
        "disabled: enable them before they can sign in or call APIs"
    };
    let membership = if groups.is_empty() {
        view! { <li>"Not in any user group yet, so without permissions."</li> }.into_any()
    } else {
        view! { <li>"Member of the user groups " <strong>{groups.join(", ")}</strong> "."</li> }
            .into_any()
    };
    let grants = (!plan.new_group.is_empty() && !plan.policies.is_empty()).then(|| {
        let scope = if plan.all_projects {
            "in all projects"
        } else {
            "in the current project"
        };
        view! {
            <li>
                "New user group " <strong>{plan.new_group.clone()}</strong> " granted "
                <strong>{plan.policies.join(", ")}</strong> " " {scope} "."
            </li>
        }
    });
    let key_line = access_key.as_ref().map(|key| {
        view! { <li>"Access key " <code>{key.key.access_key.clone()}</code> "."</li> }
    });
    let sign_in = if user.access_mode == "programmatic" {
        view! {
            <p>
                <strong>{user.name.clone()}</strong>
                " has programmatic access only: they call APIs with an access key and cannot sign in to the console."
            </p>
        }
        .into_any()
    } else {
        view! {
            <p>
                "Sign in at " <code>{move || format!("{}/signin", origin.get())}</code>
                " with user name " <strong>{user.name.clone()}</strong>
                " and the password you set; account: " <strong>{account}</strong> "."
            </p>
            <p class="muted">"Give the password to the user over a channel you trust."</p>
        }
        .into_any()
    };
    let key_card = access_key.map(|key| {
        view! {
            <section class="card">
                <h2>"Access key"</h2>
                <NewKeyDetails user_name=user.name.clone() key/>
            </section>
        }
        .into_any()
    });
    let created = view! {
        <section class="card">
            <h2>"What was created"</h2>
            <ul>
                <li>
                    "User " <a href=user_link.clone()>{user.name.clone()}</a> ", " {status} ", with "
                    {access_mode_label(&user.access_mode).to_lowercase()} "."
                </li>
                {membership}
                {grants}
                {key_line}
            </ul>
        </section>
    }
    .into_any();
    view! {
        <div class="alert alert-success" role="status">
            {format!("User {} was created.", user.name)}
        </div>
        {created}
        <section class="card">
            <h2>"Sign-in details"</h2>
            {sign_in}
        </section>
        {key_card}
        <div class="form-actions">
            <a class="btn" href=user_link>"View user"</a>
            <button type="button" class="btn" on:click=move |_| wizard.restart()>"Create another user"</button>
            <a class="btn btn-primary" href="/">"Back to the dashboard"</a>
        </div>
    }
    .into_any()
}
