//! The signed-in user's own account: changing their password.
use leptos::prelude::*;

use crate::components::heading::PageHeader;

use crate::api::iam::ChangePassword;
use crate::components::feedback::ErrorBanner;
use crate::components::form::FormField;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let result = move || action.value().get();
    let error = move || result().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            error()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.to_string())
        })
    };
    let form_error = Signal::derive(move || error().filter(|e| e.field().is_none()));
    view! {
        <PageHeader title="Change password">
            "8 to 32 characters of at least two kinds (upper case, lower case, digits, special characters), not containing your user name."
        </PageHeader>
        <div class="card">
            {move || matches!(result(), Some(Ok(()))).then(|| view! {
                <div class="alert alert-success" role="status">
                    "Your password has been changed. Use it the next time you sign in."
                </div>
            })}
            <ErrorBanner error=form_error/>
            <ActionForm action attr:class="form" attr:novalidate="">
                <FormField label="Current password" name="current_password" input_type="password"
                    autocomplete="current-password" error=field_error("current_password")/>
                <FormField label="New password" name="new_password" input_type="password"
                    autocomplete="new-password" error=field_error("new_password")/>
                <FormField label="Confirm new password" name="confirm_password" input_type="password"
                    autocomplete="new-password" error=field_error("confirm_password")/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                        "Change password"
                    </button>
                </div>
            </ActionForm>
        </div>
    }
}
