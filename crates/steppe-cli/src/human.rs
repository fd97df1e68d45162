//! Numbers for people: thousands separators, no `.0` on whole floats. Only the terminal table
//! uses these; CSV, JSON and Parquet keep the stored values.

pub use steppe::report::format::group;

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
        assert_eq!(float32(3.1), "3.1");
    }
}
