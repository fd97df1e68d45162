//! `steppe import baci BACI_HS92_V202501.zip --years 2022-2023`: the years asked for,
//! streamed out of the release archive with its own country file.

use std::io::Write;
use std::process::Command;

use steppe::model::TradeFlow;
use steppe::Store;

#[test]
fn a_release_archive_imports_the_years_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("BACI_HS92_V202501.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("country_codes_V202501.csv", opts).unwrap();
    z.write_all(b"country_code,country_name,country_iso2,country_iso3\n762,Tajikistan,TJ,TJK\n860,Uzbekistan,UZ,UZB\n")
        .unwrap();
    for year in 2021..=2023 {
        z.start_file(format!("BACI_HS92_Y{year}_V202501.csv"), opts)
            .unwrap();
        write!(z, "t,i,j,k,v,q\n{year},762,860,520100,{},1\n", year - 2000).unwrap();
    }
    z.finish().unwrap();
    let out = dir.path().join("store");
    let o = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["import", "baci"])
        .arg(&zip_path)
        .args(["--years", "2022-2023", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let got = succeeded_with(&o, &out);
    assert_eq!(got, vec![(2022, Some(22_000.0)), (2023, Some(23_000.0))]);

    let o = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["import", "baci"])
        .arg(&zip_path)
        .args(["--years", "twenty", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--years `twenty` is not a year or a range of years"),
        "{err}"
    );
}

/// `--years` also reads `2022..2023` (as `steppe query --years` writes it); a year file given
/// beside `--years` but outside them is refused, naming the file, its year and the option,
/// before the store is made.
#[test]
fn years_read_dots_and_a_year_file_outside_them_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(
        &countries,
        "country_code,country_name,country_iso2,country_iso3\n762,Tajikistan,TJ,TJK\n860,Uzbekistan,UZ,UZB\n",
    )
    .unwrap();
    let file = |year: i16| {
        let p = dir.path().join(format!("BACI_HS92_Y{year}_V202501.csv"));
        std::fs::write(&p, format!("t,i,j,k,v,q\n{year},762,860,520100,2,1\n")).unwrap();
        p
    };
    let (y2021, y2022) = (file(2021), file(2022));
    let out = dir.path().join("store");
    let run = |years: &str| {
        Command::new(env!("CARGO_BIN_EXE_steppe"))
            .args(["import", "baci"])
            .args([&y2021, &y2022])
            .arg("--country-codes")
            .arg(&countries)
            .args(["--years", years, "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = run("2022");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("BACI_HS92_Y2021_V202501.csv"), "{err}");
    assert!(
        err.contains("a year file of 2021, outside --years 2022-2022"),
        "{err}"
    );
    assert!(!out.exists());

    let o = run("2021..2022");
    let got = succeeded_with(&o, &out);
    assert_eq!(got, vec![(2021, Some(2_000.0)), (2022, Some(2_000.0))]);
}

/// Checks the command succeeded, and returns the store's trade rows as (year, value), by year.
fn succeeded_with(o: &std::process::Output, out: &std::path::Path) -> Vec<(i16, Option<f64>)> {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut flows: Vec<TradeFlow> = Store::open(out).unwrap().records().unwrap();
    flows.sort_by_key(|f| f.year);
    flows.iter().map(|f| (f.year, f.value)).collect()
}
