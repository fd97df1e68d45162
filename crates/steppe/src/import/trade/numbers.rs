//! Text and numbers of trade files, parsed without allocation: field trimming, unsigned
//! integers, missing-value spellings, decimal amounts scaled exactly, text decoding.

/// A field without surrounding blanks (spaces, tabs; a trailing `\r`) and one pair of quotes.
#[inline]
pub(crate) fn trim_field(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !matches!(c, b' ' | b'\t'));
    let end = b.iter().rposition(|c| !matches!(c, b' ' | b'\t' | b'\r'));
    let s = match (start, end) {
        (Some(start), Some(end)) => &b[start..=end],
        _ => &b[..0],
    };
    match s {
        [b'"', inner @ .., b'"'] => inner,
        _ => s,
    }
}

/// Parses an unsigned integer of at most 9 digits (after [`trim_field`]).
#[inline]
pub(crate) fn parse_uint(b: &[u8]) -> Option<u32> {
    digits(trim_field(b), 9)
}

/// The number `s` spells with one to `max` (at most 9) ASCII digits and nothing else.
#[inline]
pub(crate) fn digits(s: &[u8], max: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max {
        return None;
    }
    s.iter().try_fold(0u32, |n, &c| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then(|| n * 10 + d as u32)
    })
}

/// Whether a field spells a missing value: empty, `NA`, `N/A`, `NaN`, `NULL` (any case).
#[inline]
pub(crate) fn is_missing(s: &[u8]) -> bool {
    let spellings: [&[u8]; 4] = [b"NA", b"N/A", b"NaN", b"NULL"];
    s.is_empty() || spellings.iter().any(|m| s.eq_ignore_ascii_case(m))
}

/// A parsed amount.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Amount {
    /// Empty or `NA`.
    Missing,
    /// The value times `10^scale`, and the unit of its last published digit (same scale).
    Value { value: f64, precision: Option<f64> },
    /// A negative number.
    Negative,
    /// Not a number.
    Malformed,
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
const POW10_U64: [u64; 4] = [1, 10, 100, 1000];
const TWO_53: u64 = 1 << 53;

/// Parses a decimal amount and multiplies it by `10^scale` (`scale` <= 3: thousand USD to USD
/// is 3). A plain decimal (`-?digits[.digits]`) is converted exactly: the result is the double
/// nearest to the decimal times `10^scale` (one correctly rounded operation on exact operands),
/// not a rounded parse multiplied again. Other spellings (exponents) go through the standard
/// parser. Negative numbers (other than zero) are [`Amount::Negative`].
#[inline]
pub(crate) fn parse_amount(raw: &[u8], scale: u32) -> Amount {
    debug_assert!(scale <= 3);
    let s = trim_field(raw);
    if is_missing(s) {
        return Amount::Missing;
    }
    let (negative, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut frac: Option<u32> = None;
    let mut plain = !body.is_empty();
    for &c in body {
        let d = c.wrapping_sub(b'0');
        if d <= 9 {
            if digits >= 19 {
                plain = false;
                break;
            }
            mantissa = mantissa * 10 + d as u64;
            digits += 1;
            if let Some(f) = frac.as_mut() {
                *f += 1;
            }
        } else if c == b'.' && frac.is_none() {
            frac = Some(0);
        } else {
            plain = false;
            break;
        }
    }
    if plain && digits > 0 {
        if negative && mantissa != 0 {
            return Amount::Negative;
        }
        let d = frac.unwrap_or(0);
        if d <= scale {
            let mul = POW10_U64[(scale - d) as usize];
            if mantissa <= TWO_53 / mul {
                return Amount::Value {
                    value: (mantissa * mul) as f64,
                    precision: Some(mul as f64),
                };
            }
        } else {
            let e = (d - scale) as usize;
            if mantissa <= TWO_53 && e < POW10.len() {
                return Amount::Value {
                    value: mantissa as f64 / POW10[e],
                    precision: Some(1.0 / POW10[e]),
                };
            }
        }
    }
    // Exponents, very long numbers: the standard parser.
    let Ok(text) = std::str::from_utf8(s) else {
        return Amount::Malformed;
    };
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let value = v * POW10[scale as usize];
            if v < 0.0 {
                Amount::Negative
            } else if !value.is_finite() {
                // `1e307` thousand USD: finite as read, infinite once scaled.
                Amount::Malformed
            } else {
                Amount::Value {
                    value,
                    precision: None,
                }
            }
        }
        _ => Amount::Malformed,
    }
}

/// Why a parser refuses a row: the field (a header name), the reason code, the detail.
pub(crate) type Refusal = (Option<&'static str>, &'static str, String);

/// An amount of column `field` scaled by `10^scale` ([`parse_amount`]): the value and its
/// precision, or `None` when missing. A negative number is refused `negative_value` ("a
/// negative {what}"), anything else that is not a number `malformed_number`.
pub(crate) fn amount_field(
    raw: &[u8],
    scale: u32,
    field: &'static str,
    what: &str,
) -> Result<Option<(f64, Option<f64>)>, Refusal> {
    match parse_amount(raw, scale) {
        Amount::Value { value, precision } => Ok(Some((value, precision))),
        Amount::Missing => Ok(None),
        Amount::Negative => Err((Some(field), "negative_value", format!("a negative {what}"))),
        Amount::Malformed => {
            let text = String::from_utf8_lossy(trim_field(raw));
            Err((
                Some(field),
                "malformed_number",
                format!("`{text}` is not a number"),
            ))
        }
    }
}

/// Whether a description names a "not elsewhere specified" residual (`Other Asia, nes`,
/// `Areas, n.e.s.`).
pub(crate) fn names_nes(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .any(|w| w == "nes" || w == "n.e.s." || w == "n.e.s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_that_overflow_when_scaled_are_malformed() {
        // Found by the hostile-input suite (issue 8): `1e307` thousand USD parsed as a finite
        // number and became an infinite value once scaled to USD.
        assert_eq!(parse_amount(b"1e307", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"1e400", 0), Amount::Malformed);
        assert_eq!(parse_amount(b"inf", 0), Amount::Malformed);
        assert_eq!(parse_amount(b"-inf", 0), Amount::Malformed);
        assert!(matches!(parse_amount(b"1e300", 3), Amount::Value { .. }));
    }

    #[test]
    fn amounts_scale_exactly() {
        let v = |s: &str, scale| match parse_amount(s.as_bytes(), scale) {
            Amount::Value { value, .. } => value,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(v("1234.5", 3), 1_234_500.0);
        assert_eq!(v("0.001", 3), 1.0);
        assert_eq!(v("  12.345678 ", 3), 12345.678);
        assert_eq!(v("\"7\"", 0), 7.0);
        assert_eq!(v("1.5e3", 0), 1500.0);
        assert_eq!(v("-0.000", 3), 0.0);
        assert_eq!(parse_amount(b"NA", 3), Amount::Missing);
        assert_eq!(parse_amount(b"   NA", 3), Amount::Missing);
        assert_eq!(parse_amount(b"", 3), Amount::Missing);
        assert_eq!(parse_amount(b"-1.2", 3), Amount::Negative);
        assert_eq!(parse_amount(b"1,2", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"abc", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"inf", 3), Amount::Malformed);
        assert_eq!(parse_amount(b"1.2.3", 3), Amount::Malformed);
        match parse_amount(b"1.25", 3) {
            Amount::Value { precision, .. } => assert_eq!(precision, Some(10.0)),
            other => panic!("{other:?}"),
        }
        // Matches the correctly rounded parse of the decimal times 1000 for many values.
        for i in 0..20_000u64 {
            let s = format!("{}.{:03}", i * 7919 % 100_000, i % 1000);
            let exact: f64 = format!("{}{:03}", i * 7919 % 100_000, i % 1000)
                .parse()
                .unwrap();
            assert_eq!(v(&s, 3), exact, "{s}");
        }
    }

    #[test]
    fn nes_names() {
        assert!(names_nes("Other Asia, nes"));
        assert!(names_nes("Areas, n.e.s."));
        assert!(!names_nes("Guinea"));
        assert!(!names_nes("Inessa"));
    }
}
