//! Checkers of quantities (CPU, memory, sizes) that several checks share.

use super::Findings;
use crate::diag::Code;
use crate::profile::formats;

/// The largest quantity Kubernetes stores (an int64 count of milli-units would overflow past
/// this many units, and the API server rejects it).
const MAX_QUANTITY: f64 = 9.2e15;

/// The least memory or volume size that makes sense: 1Mi.
const MIN_BYTES: f64 = 1024.0 * 1024.0;

/// `key` must be a Kubernetes quantity greater than zero; returns its value.
pub(super) fn positive_quantity(
    findings: &mut Findings,
    key: &str,
    text: &str,
    example: &str,
) -> Option<f64> {
    match formats::parse_quantity(text) {
        Some(value) if !value.is_finite() || value.abs() > MAX_QUANTITY => {
            findings.error(
                Code::InvalidQuantity,
                key,
                format!("{key} `{text}` is too large for a Kubernetes quantity"),
            );
            None
        }
        None => {
            findings
                .error(
                    Code::InvalidQuantity,
                    key,
                    format!("{key} `{text}` is not a Kubernetes quantity"),
                )
                .help = Some(format!(
                "write a number with an optional suffix, e.g. `{example}`"
            ));
            None
        }
        Some(value) if value <= 0.0 => {
            findings.error(
                Code::InvalidQuantity,
                key,
                format!("{key} `{text}` must be greater than zero"),
            );
            None
        }
        Some(value) => Some(value),
    }
}

/// A volume size: a positive quantity of at least 1Mi.
pub fn volume_size(findings: &mut Findings, key: &str, text: &str) {
    bytes_quantity(findings, key, text, "20Gi");
}

/// A byte count under 1Mi is a quantity whose unit was left out (`20` is 20 bytes): no volume
/// or container works with that little.
/// A memory or volume size: a positive quantity (returned) of at least 1Mi.
pub(super) fn bytes_quantity(
    findings: &mut Findings,
    key: &str,
    text: &str,
    example: &str,
) -> Option<f64> {
    let bytes = positive_quantity(findings, key, text, example);
    at_least_a_mebibyte(findings, key, text, bytes);
    bytes
}

fn at_least_a_mebibyte(findings: &mut Findings, key: &str, text: &str, bytes: Option<f64>) {
    if bytes.is_some_and(|bytes| bytes < MIN_BYTES) {
        findings
            .error(
                Code::InvalidQuantity,
                key,
                format!("{key} `{text}` is less than 1Mi: did you leave out the unit?"),
            )
            .help = Some(byte_unit_help(text));
    }
}

/// How to write `text` in bytes: its number with a byte unit. A suffix it already has is not
/// one (`1500m` is 1.5 bytes: `m` is a thousandth), so the advice replaces it rather than
/// appending to it (`1500mGi`, issue 27).
fn byte_unit_help(text: &str) -> String {
    let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if number.len() == text.len() {
        return format!("write the unit, e.g. `{text}Gi` or `{text}Mi`");
    }
    let suffix = &text[number.len()..];
    format!("`{suffix}` is not a byte unit here (`m` is a thousandth); write e.g. `{number}Mi` or `{number}Gi`")
}
