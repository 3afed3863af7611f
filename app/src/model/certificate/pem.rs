//! Reading uploaded certificates: a PEM certificate chain (leaf first) and its private key
//! (PKCS#8, PKCS#1 RSA or SEC1 EC). The key must belong to the leaf certificate, the leaf
//! must be valid now, and it may not be valid past 2038-01-19 03:14:07 UTC (APIG's limit).
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::{CertifiedKey, SigningKey};
use rustls::SignatureAlgorithm;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

use super::{CertificateDetails, LATEST_EXPIRY};
use crate::error::{invalid_if, AppError};

/// A certificate that passed every check, ready to store.
#[derive(Debug)]
pub struct Checked {
    pub details: CertificateDetails,
    /// `RSA` or `ECC`.
    pub algorithm_type: &'static str,
    /// Unix seconds, for the expiry column.
    pub not_before: i64,
    pub not_after: i64,
}

fn format(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(crate::services::audit::format_time)
        .unwrap_or_else(|_| unix.to_string())
}

fn chain(field: &str, pem: &str) -> Result<Vec<CertificateDer<'static>>, AppError> {
    let certificates = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            AppError::invalid(
                field,
                format!("The certificate is not readable PEM ({error})."),
            )
        })?;
    invalid_if(
        certificates.is_empty(),
        field,
        "No certificate found: paste the PEM text starting with -----BEGIN CERTIFICATE-----.",
    )?;
    Ok(certificates)
}

fn signing_key(pem: &str) -> Result<Arc<dyn SigningKey>, AppError> {
    let key = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|_| {
        AppError::invalid(
            "private_key",
            "No private key found: paste the PEM text starting with -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY, EC PRIVATE KEY).",
        )
    })?;
    rustls::crypto::ring::sign::any_supported_type(&key).map_err(|error| {
        AppError::invalid(
            "private_key",
            format!("The private key cannot be used for TLS ({error}); use an RSA or ECDSA key."),
        )
    })
}

fn strings<'a>(
    values: impl Iterator<Item = &'a x509_parser::x509::AttributeTypeAndValue<'a>>,
) -> Vec<String> {
    values
        .filter_map(|value| value.as_str().ok().map(str::to_owned))
        .collect()
}

/// The usual short form of a name attribute (`CN`, `O`, ...).
fn short(label: &str) -> &str {
    match label {
        "commonName" => "CN",
        "organizationName" => "O",
        "organizationalUnitName" => "OU",
        "localityName" => "L",
        "stateOrProvinceName" => "ST",
        "countryName" => "C",
        other => other,
    }
}

/// Checks an upload and reads what the certificate says. `now` is Unix seconds.
pub fn check(
    cert_pem: &str,
    key_pem: &str,
    algorithm_type: Option<&str>,
    now: i64,
) -> Result<Checked, AppError> {
    let chain = chain("cert_content", cert_pem)?;
    let (_, leaf) = X509Certificate::from_der(chain[0].as_ref()).map_err(|error| {
        AppError::invalid(
            "cert_content",
            format!("The certificate is not a valid X.509 certificate ({error})."),
        )
    })?;
    let key = signing_key(key_pem)?;
    let belongs = key
        .public_key()
        .is_some_and(|public| public.as_ref() == leaf.public_key().raw);
    invalid_if(
        !belongs,
        "private_key",
        "The private key does not belong to this certificate.",
    )?;
    let algorithm = match key.algorithm() {
        SignatureAlgorithm::RSA => "RSA",
        SignatureAlgorithm::ECDSA => "ECC",
        other => {
            return Err(AppError::invalid(
                "private_key",
                format!("{other:?} keys are not served; use an RSA or ECDSA key."),
            ))
        }
    };
    if let Some(declared) = algorithm_type.filter(|a| !a.is_empty()) {
        invalid_if(
            declared == "SM2",
            "algorithm_type",
            "SM2 certificates are not supported; use an RSA or ECC certificate.",
        )?;
        invalid_if(
            declared != algorithm,
            "algorithm_type",
            format!("The key is {algorithm}, not {declared}."),
        )?;
    }
    let validity = leaf.validity();
    let not_before = validity.not_before.timestamp();
    let not_after = validity.not_after.timestamp();
    if not_after > LATEST_EXPIRY {
        return Err(AppError::invalid(
            "cert_content",
            format!(
                "The certificate is valid until {}; certificates valid after 2038-01-19 03:14:07 UTC are not accepted.",
                format(not_after)
            ),
        ));
    }
    invalid_if(
        not_after < now,
        "cert_content",
        format!("The certificate expired on {} UTC.", format(not_after)),
    )?;
    let subject = leaf.subject();
    let san = match leaf.subject_alternative_name() {
        Ok(Some(extension)) => extension
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let common_name = strings(subject.iter_common_name())
        .into_iter()
        .next()
        .unwrap_or_default();
    invalid_if(
        common_name.is_empty() && san.is_empty(),
        "cert_content",
        "The certificate names no domain (no common name and no DNS alternative names).",
    )?;
    let signature_algorithm = x509_parser::objects::oid2sn(
        &leaf.signature_algorithm.algorithm,
        x509_parser::objects::oid_registry(),
    )
    .map(str::to_owned)
    .unwrap_or_else(|_| leaf.signature_algorithm.algorithm.to_id_string());
    Ok(Checked {
        details: CertificateDetails {
            common_name,
            san,
            organization: strings(subject.iter_organization()),
            organizational_unit: strings(subject.iter_organizational_unit()),
            locality: strings(subject.iter_locality()),
            state: strings(subject.iter_state_or_province()),
            country: strings(subject.iter_country()),
            issuer: leaf
                .issuer()
                .iter_rdn()
                .flat_map(|rdn| rdn.iter())
                .filter_map(|value| {
                    let label = x509_parser::objects::oid2sn(
                        value.attr_type(),
                        x509_parser::objects::oid_registry(),
                    )
                    .ok()?;
                    Some(format!("{}={}", short(label), value.as_str().ok()?))
                })
                .collect(),
            serial_number: leaf.raw_serial_as_string(),
            signature_algorithm,
            version: leaf.version().0 as i32 + 1,
            not_before: format(not_before),
            not_after: format(not_after),
        },
        algorithm_type: algorithm,
        not_before,
        not_after,
    })
}

/// The key and chain the TLS listener serves for a stored certificate.
pub fn certified_key(cert_pem: &str, key_pem: &str) -> Result<CertifiedKey, AppError> {
    Ok(CertifiedKey::new(
        chain("cert_content", cert_pem)?,
        signing_key(key_pem)?,
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A self-signed certificate for `names`, valid from `from` to `to` (Unix seconds).
    pub fn self_signed(names: &[&str], from: i64, to: i64) -> (String, String) {
        let mut params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, names[0]);
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Portico Tests");
        params.not_before = OffsetDateTime::from_unix_timestamp(from).unwrap();
        params.not_after = OffsetDateTime::from_unix_timestamp(to).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        (certificate.pem(), key.serialize_pem())
    }

    const NOW: i64 = 1_795_000_000;
    const YEAR: i64 = 365 * 24 * 3600;

    #[test]
    fn a_matching_pair_is_read() {
        let (cert, key) = self_signed(
            &["api.example.com", "*.shop.example.com"],
            NOW - YEAR,
            NOW + YEAR,
        );
        let checked = check(&cert, &key, None, NOW).unwrap();
        assert_eq!(checked.algorithm_type, "ECC");
        assert_eq!(checked.details.common_name, "api.example.com");
        assert_eq!(
            checked.details.san,
            ["api.example.com", "*.shop.example.com"]
        );
        assert_eq!(checked.details.organization, ["Portico Tests"]);
        assert_eq!(
            checked.details.issuer,
            ["CN=api.example.com", "O=Portico Tests"]
        );
        assert_eq!(checked.not_after, NOW + YEAR);
        assert_eq!(checked.details.version, 3);
        assert!(
            checked.details.signature_algorithm.contains("ecdsa"),
            "{}",
            checked.details.signature_algorithm
        );
        assert!(checked.details.covers("a.shop.example.com"));
        assert!(certified_key(&cert, &key).unwrap().keys_match().is_ok());
    }

    #[test]
    fn bad_uploads_are_refused_with_the_field_at_fault() {
        let (cert, key) = self_signed(&["api.example.com"], NOW - YEAR, NOW + YEAR);
        let (_, other_key) = self_signed(&["api.example.com"], NOW - YEAR, NOW + YEAR);
        let (expired, expired_key) = self_signed(&["api.example.com"], NOW - 2 * YEAR, NOW - YEAR);
        let (late, late_key) = self_signed(&["api.example.com"], NOW, LATEST_EXPIRY + 1);
        let cases = [
            (
                check("hello", &key, None, NOW),
                "cert_content",
                "No certificate found",
            ),
            (
                check(&cert, "hello", None, NOW),
                "private_key",
                "No private key found",
            ),
            (
                check(&cert, &other_key, None, NOW),
                "private_key",
                "does not belong",
            ),
            (
                check(&cert, &key, Some("RSA"), NOW),
                "algorithm_type",
                "The key is ECC, not RSA",
            ),
            (
                check(&cert, &key, Some("SM2"), NOW),
                "algorithm_type",
                "SM2",
            ),
            (
                check(&expired, &expired_key, None, NOW),
                "cert_content",
                "expired on",
            ),
            (
                check(&late, &late_key, None, NOW),
                "cert_content",
                "2038-01-19",
            ),
        ];
        for (result, field, says) in cases {
            let error = result.unwrap_err();
            assert_eq!(error.field(), Some(field), "{error}");
            assert!(error.to_string().contains(says), "{error}");
        }
    }
}
