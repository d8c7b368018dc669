//! Resource quantities (`k8s.io/apimachinery/pkg/api/resource`), exactly: `100m` and `0.1` are
//! the same amount, so a request may equal its limit whichever way each is written.

use serde_json::Value;

/// What the API server says of text that is not a quantity.
pub const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// An amount in billionths (the API server's smallest unit is 1n), saturating far beyond any
/// real resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(pub i128);

/// A quantity as YAML gave it: `500Mi` is a string, `0.5` a number; `None` if it is neither.
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Parses `text` as `resource.ParseQuantity` does; `None` when it is not a quantity.
pub fn parse(text: &str) -> Option<Quantity> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
        return None;
    }
    let (ten, two) = suffix_exponents(suffix)?;
    let digits = format!("{whole}{fraction}");
    let mut amount: i128 = 0;
    for d in digits.bytes() {
        amount = amount
            .saturating_mul(10)
            .saturating_add(i128::from(d - b'0'));
    }
    let exponent = ten + 9 - fraction.len() as i32;
    amount = scale(amount, exponent).saturating_mul(1i128 << two.min(100));
    Some(Quantity(if negative { -amount } else { amount }))
}

/// `amount * 10^exponent`, rounding a fraction up as the API server does.
fn scale(amount: i128, exponent: i32) -> i128 {
    if exponent >= 0 {
        (0..exponent.min(40)).fold(amount, |a, _| a.saturating_mul(10))
    } else {
        // 10^38 is the largest power of ten an i128 holds; smaller amounts round up to 1n.
        let divisor = (0..(-exponent).min(38)).fold(1i128, |d, _| d * 10);
        amount.saturating_add(divisor - 1) / divisor
    }
}

/// `(power of ten, power of two)` of a suffix: `Mi` is 2^20, `k` 10^3, `e3` 10^3.
fn suffix_exponents(suffix: &str) -> Option<(i32, u32)> {
    let binary = [
        ("Ki", 10),
        ("Mi", 20),
        ("Gi", 30),
        ("Ti", 40),
        ("Pi", 50),
        ("Ei", 60),
    ];
    if let Some((_, two)) = binary.iter().find(|(s, _)| *s == suffix) {
        return Some((0, *two));
    }
    let decimal = [
        ("n", -9),
        ("u", -6),
        ("m", -3),
        ("", 0),
        ("k", 3),
        ("M", 6),
        ("G", 9),
        ("T", 12),
        ("P", 15),
        ("E", 18),
    ];
    if let Some((_, ten)) = decimal.iter().find(|(s, _)| *s == suffix) {
        return Some((*ten, 0));
    }
    let exponent = suffix.strip_prefix(['e', 'E'])?;
    let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The API server reads the exponent as an int64 (`strconv.ParseInt`), so `1e00003` is
    // `1e3`; past +-1000 the amount has long saturated or rounded up to 1n.
    let power: i64 = exponent.parse().ok()?;
    Some((power.clamp(-1000, 1000) as i32, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_compare_exactly() {
        assert_eq!(parse("100m"), parse("0.1"));
        assert_eq!(parse("1Gi"), parse("1073741824"));
        assert_eq!(parse("1e3"), parse("1k"));
        assert_eq!(parse("1e00003"), parse("1k"));
        assert_eq!(parse("1e99999999"), parse("1e40"));
        assert_eq!(parse("2e-9999"), Some(Quantity(1)));
        assert!(parse("2Gi") > parse("1G"));
        assert!(parse("-1").unwrap().0 < 0);
        for bad in ["", "1x", "Mi", "1..2", "1e", "one", "1 Gi"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
