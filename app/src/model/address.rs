//! Client address lists, as access control writes them: an address (`192.168.1.10`,
//! `2001:db8::1`), a range (`10.0.0.1-10.0.0.99`) or a CIDR block (`10.1.0.0/16`,
//! `2001:db8::/32`), IPv4 and IPv6. Each entry is checked as it is typed and again before it
//! is stored; the gateway matches callers against the compiled ranges.
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Entries in one list (APIG's limit for a credential's ACL).
pub const MAX_ENTRIES: usize = 100;

/// An inclusive range of addresses of one family. IPv4 addresses are kept as their
/// IPv4-mapped IPv6 form, so an IPv4 caller that reaches an IPv6 listener still matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressRange {
    low: u128,
    high: u128,
}

fn number(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

impl AddressRange {
    /// Parses one entry; the error says what is wrong with it.
    pub fn parse(entry: &str) -> Result<AddressRange, String> {
        let entry = entry.trim();
        let address = |text: &str| -> Result<IpAddr, String> {
            text.trim()
                .parse::<IpAddr>()
                .map_err(|_| format!("{text} is not an IPv4 or IPv6 address"))
        };
        if let Some((low, high)) = entry.split_once('-') {
            let (low, high) = (address(low)?, address(high)?);
            if low.is_ipv4() != high.is_ipv4() {
                return Err(format!("{entry} mixes an IPv4 and an IPv6 address"));
            }
            let (low, high) = (number(low), number(high));
            if low > high {
                return Err(format!("{entry} ends before it starts"));
            }
            return Ok(AddressRange { low, high });
        }
        if let Some((base, bits)) = entry.split_once('/') {
            let base = address(base)?;
            let max = if base.is_ipv4() { 32 } else { 128 };
            let bits: u32 = bits
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("{entry}: a prefix length is 0 to {max}"))?;
            // IPv4 prefixes count within the last 32 bits of the mapped form.
            let bits = bits + (128 - max);
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            let low = number(base) & mask;
            return Ok(AddressRange {
                low,
                high: low | !mask,
            });
        }
        let one = number(address(entry)?);
        Ok(AddressRange {
            low: one,
            high: one,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        (self.low..=self.high).contains(&number(ip))
    }
}

/// Checks a whole list, naming the first bad entry: at least one entry, at most
/// [`MAX_ENTRIES`], each an address, a range or a CIDR block.
pub fn parse_list(field: &str, entries: &[String]) -> Result<Vec<AddressRange>, AppError> {
    if entries.is_empty() {
        return Err(AppError::invalid(field, "List at least one address."));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(AppError::invalid(
            field,
            format!("A list holds at most {MAX_ENTRIES} addresses, ranges or CIDR blocks."),
        ));
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            AddressRange::parse(entry)
                .map_err(|why| AppError::invalid(&format!("{field}[{i}]"), why))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_ranges_and_cidr_blocks_match_ipv4_and_ipv6() {
        for (entry, inside, outside) in [
            ("192.168.1.10", "192.168.1.10", "192.168.1.11"),
            ("10.0.0.1-10.0.0.99", "10.0.0.99", "10.0.0.100"),
            ("10.1.0.0/16", "10.1.255.255", "10.2.0.0"),
            ("10.1.2.3/16", "10.1.0.0", "10.0.255.255"),
            ("0.0.0.0/0", "203.0.113.9", "2001:db8::1"),
            ("2001:db8::/32", "2001:db8:ffff::1", "2001:db9::"),
            ("2001:db8::1-2001:db8::ff", "2001:db8::ff", "2001:db8::100"),
            ("::1", "::1", "::2"),
            ("1.2.3.4/32", "1.2.3.4", "1.2.3.5"),
        ] {
            let range = AddressRange::parse(entry).unwrap();
            assert!(range.contains(ip(inside)), "{entry} holds {inside}");
            assert!(
                !range.contains(ip(outside)),
                "{entry} does not hold {outside}"
            );
        }
        let v4 = AddressRange::parse("192.0.2.0/24").unwrap();
        assert!(
            v4.contains(ip("::ffff:192.0.2.7")),
            "an IPv4-mapped caller matches"
        );
    }

    #[test]
    fn bad_entries_say_what_is_wrong() {
        for (entry, says) in [
            ("10.0.0.300", "is not an IPv4 or IPv6 address"),
            ("10.0.0.9-10.0.0.1", "ends before it starts"),
            ("10.0.0.1-::1", "mixes an IPv4 and an IPv6 address"),
            ("10.0.0.0/33", "a prefix length is 0 to 32"),
            ("2001:db8::/129", "a prefix length is 0 to 128"),
            ("example.com", "is not an IPv4 or IPv6 address"),
        ] {
            let why = AddressRange::parse(entry).unwrap_err();
            assert!(why.contains(says), "{entry}: {why}");
        }
        let listed = parse_list("app_acl_values", &["10.0.0.1".into(), "nope".into()]);
        assert!(
            matches!(listed, Err(AppError::Invalid { ref field, .. }) if field == "app_acl_values[1]"),
            "{listed:?}"
        );
        assert!(parse_list("app_acl_values", &[]).is_err());
    }
}
