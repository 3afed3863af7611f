//! A new access key's secret the one time it exists in clear: copy buttons and a
//! `credentials.csv` download in the layout Huawei Cloud's console uses.
use leptos::prelude::*;

use crate::components::copy::CopyButton;
use crate::components::details::{property_table, row};
use crate::model::iam::NewAccessKey;

/// The new key's ID and secret with copy buttons, and the CSV download.
#[component]
pub fn NewKeyDetails(#[prop(into)] user_name: String, key: NewAccessKey) -> impl IntoView {
    let href = credentials_csv_href(&user_name, &key.key.access_key, &key.secret);
    let NewAccessKey { key, secret } = key;
    view! {
        <div class="alert alert-warning" role="status">
            "This is the only time the secret access key is shown. Copy it or download the CSV file now and keep it safe. If it is lost, delete this key and create another."
        </div>
        {property_table(view! {
            {row("Access key ID", view! {
                <code>{key.access_key.clone()}</code>
                <CopyButton text=key.access_key what="access key ID"/>
            })}
            {row("Secret access key", view! {
                <code class="wrap-anywhere">{secret.clone()}</code>
                <CopyButton text=secret what="secret access key"/>
            })}
        })}
        <div class="form-actions">
            <a class="btn" href=href download="credentials.csv">"Download CSV"</a>
        </div>
    }
    .into_any()
}

/// `credentials.csv`: a header and one row, as Huawei Cloud's console writes it.
pub fn credentials_csv(user_name: &str, access_key: &str, secret: &str) -> String {
    let row = [user_name, access_key, secret].map(csv_field).join(",");
    format!("User Name,Access Key Id,Secret Access Key\n{row}\n")
}

/// The CSV file as a `data:` URL for a download link.
pub fn credentials_csv_href(user_name: &str, access_key: &str, secret: &str) -> String {
    format!(
        "data:text/csv;charset=utf-8,{}",
        percent_encode(&credentials_csv(user_name, access_key, secret))
    )
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_header_and_one_row() {
        assert_eq!(
            credentials_csv("ops reader", "AKIDEXAMPLE", "se/cr+et="),
            "User Name,Access Key Id,Secret Access Key\nops reader,AKIDEXAMPLE,se/cr+et=\n"
        );
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn href_is_a_percent_encoded_data_url() {
        let href = credentials_csv_href("ops reader", "AK", "S/+=");
        assert_eq!(
            href,
            "data:text/csv;charset=utf-8,User%20Name%2CAccess%20Key%20Id%2CSecret%20Access%20Key%0Aops%20reader%2CAK%2CS%2F%2B%3D%0A"
        );
    }
}
