//! Writes a deterministic synthetic BACI year in the real format (`t,i,j,k,v,q`), for the
//! import benchmark (`bench/trade_import.py`).
//!
//! ```text
//! cargo run --release -p steppe --example baci_synth -- COUNTRY_FILE ROWS SEED OUT.csv [YEAR]
//! ```
//!
//! Exporters and importers are the codes of the country file (its first column); each
//! country gets a lognormal "size", and an (exporter, importer) pair trades each product with
//! a probability that grows with both sizes (a gravity-like shape: a few big pairs trade
//! thousands of products, most pairs a few hundred or fewer). Products are about 5,000
//! HS6-like codes over chapters 01-97, written with six digits. Rows are sorted by exporter,
//! importer and product, like CEPII's files. `v` (thousand USD) is lognormal with three
//! decimals; `q` (tonnes) has three decimals and is `NA` for about one row in twenty.

use std::io::{BufWriter, Write};

/// splitmix64: small, fast and fully deterministic across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-300);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: baci_synth COUNTRY_FILE ROWS SEED OUT.csv [YEAR]");
        std::process::exit(2);
    }
    let countries = std::fs::read_to_string(&args[1]).expect("read the country file");
    let rows: u64 = args[2].parse().expect("ROWS is a number");
    let seed: u64 = args[3].parse().expect("SEED is a number");
    let year: u32 = args
        .get(5)
        .map(|y| y.parse().expect("YEAR"))
        .unwrap_or(2023);
    let codes: Vec<u32> = countries
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next()?.trim().parse().ok())
        .collect();
    assert!(
        codes.len() >= 2,
        "the country file lists fewer than two codes"
    );
    let mut rng = Rng(seed);

    // About 5,000 HS6-like products: chapters 01-97 (no 77), headings and subheadings.
    let mut products: Vec<u32> = Vec::new();
    for chapter in 1..=97u32 {
        if chapter == 77 {
            continue;
        }
        let headings = 3 + (rng.next() % 12) as u32;
        for h in 1..=headings {
            let subs = 1 + (rng.next() % 9) as u32;
            for s in 0..subs {
                let sub = if subs == 1 { 0 } else { (s + 1) * 10 };
                products.push(chapter * 10_000 + h * 100 + sub);
            }
        }
    }
    products.sort_unstable();
    products.dedup();
    let np = products.len() as f64;

    // Country sizes, and the scale that makes the expected row count ~1.03 x ROWS.
    let sizes: Vec<f64> = codes.iter().map(|_| (1.3 * rng.normal()).exp()).collect();
    let expected = |c: f64| -> f64 {
        let mut e = 0.0;
        for (a, sa) in sizes.iter().enumerate() {
            for (b, sb) in sizes.iter().enumerate() {
                if a != b {
                    e += (c * sa * sb).min(1.0) * np;
                }
            }
        }
        e
    };
    let target = rows as f64 * 1.03;
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while expected(hi) < target && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if expected(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let scale = hi;

    let out = std::fs::File::create(&args[4]).expect("create the output file");
    let mut w = BufWriter::with_capacity(1 << 20, out);
    w.write_all(b"t,i,j,k,v,q\n").unwrap();
    let mut written = 0u64;
    let mut line = Vec::with_capacity(64);
    'all: {
        for (a, &i) in codes.iter().enumerate() {
            for (b, &j) in codes.iter().enumerate() {
                if a == b {
                    continue;
                }
                let p = (scale * sizes[a] * sizes[b]).min(1.0);
                for &k in &products {
                    if rng.unit() >= p {
                        continue;
                    }
                    let v = (1.0 + 2.2 * rng.normal()).exp() * (sizes[a] * sizes[b]).sqrt();
                    let v_milli = ((v * 1000.0).round() as u64).max(1);
                    line.clear();
                    write!(
                        line,
                        "{year},{i},{j},{k:06},{}.{:03},",
                        v_milli / 1000,
                        v_milli % 1000
                    )
                    .unwrap();
                    if rng.next().is_multiple_of(20) {
                        line.extend_from_slice(b"NA");
                    } else {
                        let q = (v * (0.2 + rng.unit() * 3.0) * 1000.0).round() as u64;
                        write!(line, "{}.{:03}", q / 1000, q % 1000).unwrap();
                    }
                    line.push(b'\n');
                    w.write_all(&line).unwrap();
                    written += 1;
                    if written == rows {
                        break 'all;
                    }
                }
            }
        }
    }
    w.flush().unwrap();
    eprintln!(
        "{written} rows, {} products, {} countries",
        products.len(),
        codes.len()
    );
}
