//! Numbers for people: thousands separators, no `.0` on whole floats. Only the terminal table
//! uses these; CSV, JSON and Parquet keep the stored values.

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

/// A float as people read it: whole values as grouped integers (`313800000.0` →
/// `313,800,000`), others with a grouped integer part and the shortest decimals that give the
/// value back (`1234.5` → `1,234.5`). NaN and infinities as Rust prints them.
pub fn float(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e18 {
        return group(v as i128);
    }
    let text = v.to_string();
    match text.split_once('.') {
        Some((int, frac)) if !int.contains('e') => {
            let n: i128 = int.trim_start_matches('-').parse().unwrap_or(0);
            let sign = if v < 0.0 { "-" } else { "" };
            format!("{sign}{}.{frac}", group(n))
        }
        _ => text,
    }
}

/// `v` with `decimals` decimals and a grouped integer part (`2258643220.123` →
/// `2,258,643,220.12`).
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

/// An `f32` the same way, from its own shortest text (`-2.5f32` → `-2.5`, not `-2.5000000`).
pub fn float32(v: f32) -> String {
    match v.to_string().parse::<f64>() {
        Ok(x) => float(x),
        Err(_) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_and_drops_whole_decimals() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(-1_234_567), "-1,234,567");
        assert_eq!(float(313_800_000.0), "313,800,000");
        assert_eq!(float(1_580_000_000.0), "1,580,000,000");
        assert_eq!(float(-2.0), "-2");
        assert_eq!(float(1234.5), "1,234.5");
        assert_eq!(float(-0.25), "-0.25");
        assert_eq!(float(38.5598), "38.5598");
        assert_eq!(float(f64::NAN), "NaN");
        assert_eq!(float32(-2.5), "-2.5");
        assert_eq!(fixed(2_258_643_220.123, 2), "2,258,643,220.12");
        assert_eq!(fixed(-1234.5, 2), "-1,234.50");
        assert_eq!(fixed(31.256, 2), "31.26");
        assert_eq!(fixed(-0.004, 2), "-0.00");
        assert_eq!(fixed(1234.0, 0), "1,234");
        assert_eq!(float32(3.1), "3.1");
    }
}
