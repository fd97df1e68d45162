//! Numbers and dates for people, as every rendering of a report shows them.

use chrono::NaiveDate;

use crate::model::{DatePrecision, Event};

/// `1234567` as `1,234,567` (a leading `-` is kept).
pub fn group(int: i128) -> String {
    let digits = int.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if int < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `v` with `decimals` decimals and a grouped integer part (`2258643220.123` →
/// `2,258,643,220.12`). NaN and infinities as Rust prints them.
pub fn fixed(v: f64, decimals: usize) -> String {
    let text = format!("{v:.decimals$}");
    match text.split_once('.') {
        Some((int, frac)) if v.is_finite() => {
            let n: i128 = int.trim_start_matches('-').parse().unwrap_or(0);
            let sign = if int.starts_with('-') { "-" } else { "" };
            format!("{sign}{}.{frac}", group(n))
        }
        _ if v.is_finite() => group(text.parse().unwrap_or(0)),
        _ => text,
    }
}

/// USD amounts as `137.4 M` / `1.580 bn` / `12.5 k` / `950`.
pub fn money(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{:.3} bn", v / 1e9)
    } else if v.abs() >= 1e6 {
        format!("{:.1} M", v / 1e6)
    } else if v.abs() >= 1e3 {
        format!("{:.1} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// A share (0–1) as a percentage with one decimal: `0.695` → `69.5%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A date at its precision (`1992`, `2024-03`, `2024-03-22`); `None` when undated.
pub fn date_text(d: Option<NaiveDate>, p: DatePrecision) -> Option<String> {
    let d = d?;
    Some(match p {
        DatePrecision::Year => d.format("%Y").to_string(),
        DatePrecision::Month => d.format("%Y-%m").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

/// When an event happened, at the precision its source gives: `1992–1997`, `2024`, or
/// `undated`.
pub fn when(e: &Event) -> String {
    match (
        date_text(e.start_date, e.date_precision),
        date_text(e.end_date, e.date_precision),
    ) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a,
        (None, _) => "undated".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_scaled_and_rounded() {
        assert_eq!(group(-1234567), "-1,234,567");
        assert_eq!(fixed(2_258_643_220.123, 2), "2,258,643,220.12");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        // Moved from steppe-cli's human.rs.
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(fixed(-1234.5, 2), "-1,234.50");
        assert_eq!(fixed(31.256, 2), "31.26");
        assert_eq!(fixed(-0.004, 2), "-0.00");
        assert_eq!(fixed(1234.0, 0), "1,234");
        assert_eq!(money(137_400_000.0), "137.4 M");
        assert_eq!(money(1_580_000_000.0), "1.580 bn");
        assert_eq!(money(12_500.0), "12.5 k");
        assert_eq!(money(950.0), "950");
        assert_eq!(percent(0.695), "69.5%");
    }

    #[test]
    fn dates_keep_their_precision() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 22);
        assert_eq!(date_text(d, DatePrecision::Year).unwrap(), "2024");
        assert_eq!(date_text(d, DatePrecision::Month).unwrap(), "2024-03");
        assert_eq!(date_text(d, DatePrecision::Day).unwrap(), "2024-03-22");
        assert_eq!(date_text(None, DatePrecision::Day), None);
    }
}
