//! The rate-limit settings (`rate_limit_*`, `trusted_proxies`): read from the file and the
//! environment like every other setting, with errors that name the setting and say how to
//! write it. The budgets themselves are `skydir-throttle`'s.

use anyhow::Context;
use ipnet::IpNet;
use skydir_throttle::{Limits, Rate};
use std::net::IpAddr;

/// The four budgets by their setting names (file key; the environment variable is
/// `SKYDIR_` + the key in capitals).
pub const RATE_KEYS: [&str; 4] = [
    "rate_limit_anonymous",
    "rate_limit_failures",
    "rate_limit_strict",
    "rate_limit_mail_senders",
];

/// The budget a setting names.
fn slot<'a>(limits: &'a mut Limits, key: &str) -> Option<&'a mut Option<Rate>> {
    match key {
        "rate_limit_anonymous" => Some(&mut limits.anonymous),
        "rate_limit_failures" => Some(&mut limits.failures),
        "rate_limit_strict" => Some(&mut limits.strict),
        "rate_limit_mail_senders" => Some(&mut limits.mail_senders),
        _ => None,
    }
}

/// Sets the budget `key` from `value` (`COUNT/PERIOD`, or `off`); `source` names where the
/// value came from in errors.
pub fn set_rate(limits: &mut Limits, key: &str, value: &str, source: &str) -> anyhow::Result<()> {
    let slot = slot(limits, key).with_context(|| format!("{key} is not a rate limit"))?;
    *slot = match value.trim() {
        "off" => None,
        v => Some(v.parse::<Rate>().with_context(|| source.to_string())?),
    };
    Ok(())
}

/// Reads `trusted_proxies`: addresses or networks (`10.0.0.0/8`, `::1`).
pub fn parse_proxies<'a>(
    items: impl IntoIterator<Item = &'a str>,
    source: &str,
) -> anyhow::Result<Vec<IpNet>> {
    items
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    anyhow::anyhow!(
                        "{source}: '{s}' is not an address or network like 10.0.0.5 or 10.0.0.0/8"
                    )
                })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn each_budget_takes_a_rate_or_off_and_bad_values_name_the_setting() {
        let mut l = Limits::default();
        set_rate(
            &mut l,
            "rate_limit_failures",
            "5/min",
            "SKYDIR_RATE_LIMIT_FAILURES",
        )
        .unwrap();
        assert_eq!(l.failures.unwrap().to_string(), "5/1min");
        set_rate(&mut l, "rate_limit_strict", "off", "file").unwrap();
        assert_eq!(l.strict, None);
        let e = set_rate(
            &mut l,
            "rate_limit_anonymous",
            "lots",
            "SKYDIR_RATE_LIMIT_ANONYMOUS",
        )
        .unwrap_err();
        let text = format!("{e:#}");
        assert!(
            text.contains("SKYDIR_RATE_LIMIT_ANONYMOUS") && text.contains("COUNT/PERIOD"),
            "{text}"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let p = parse_proxies(["10.0.0.0/8", " ::1 ", ""], "trusted_proxies").unwrap();
        assert_eq!(p.len(), 2);
        assert!(parse_proxies(["10.0.0.0/33"], "x").is_err());
        let e = parse_proxies(["proxy.local"], "SKYDIR_TRUSTED_PROXIES").unwrap_err();
        assert!(e.to_string().contains("SKYDIR_TRUSTED_PROXIES"));
    }
}
