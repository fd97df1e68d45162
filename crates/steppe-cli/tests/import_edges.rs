//! The rough edges of `steppe import` at the command line: an empty input is one error line
//! and exit status 1 through every importer, with nothing created; an import whose rejected
//! share passes `--max-reject-rate` exits 1 with one line after committing its rows and
//! rejects.

use std::path::Path;
use std::process::{Command, Output};

const COUNTRIES: &str = "country_code,country_name,country_iso2,country_iso3\n\
    398,Kazakhstan,KZ,KAZ\n762,Tajikistan,TJ,TJK\n860,Uzbekistan,UZ,UZB\n";

fn steppe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .unwrap()
}

fn text(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn an_empty_input_is_one_error_line_through_every_importer() {
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let out = dir.path().join("store");
    for (importer, name) in [
        ("baci", "BACI_HS92_Y2023_V202501.csv"),
        ("comtrade", "comtrade.csv"),
        ("wdi", "WDICSV.csv"),
        ("gdelt", "20240101.export.CSV"),
        ("ucdp", "GEDEvent_v24_1.csv"),
        ("acled", "acled.csv"),
        ("ucdp-acd", "UcdpPrioConflict_v25_1.csv"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, b"").unwrap();
        let mut args = vec!["import", importer, text(&file), "--out", text(&out)];
        if importer == "baci" {
            args.extend(["--country-codes", text(&countries)]);
        }
        let o = steppe(&args);
        assert_eq!(o.status.code(), Some(1), "{importer}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!(
                "error: {}: empty input: no header and no rows; nothing was imported\n",
                file.display()
            ),
            "{importer}"
        );
        assert!(o.stdout.is_empty(), "{importer}");
        assert!(!out.exists(), "{importer}: the store was created");
    }
}

#[test]
fn an_import_above_the_maximum_reject_rate_exits_1_with_its_rejects_stored() {
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    // One good row, three negative values: 75 % rejected.
    let file = dir.path().join("BACI_HS92_Y2023_V202501.csv");
    std::fs::write(
        &file,
        "t,i,j,k,v,q\n2023,762,860,010121,1.5,2\n2023,762,398,010121,-1,2\n\
         2023,860,762,010121,-2,2\n2023,398,762,010121,-3,2\n",
    )
    .unwrap();
    let import = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            "baci",
            text(&file),
            "--country-codes",
            text(&countries),
            "--out",
            text(out),
            "--quiet",
        ];
        args.extend(extra);
        steppe(&args)
    };

    let out = dir.path().join("store");
    let o = import(&out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: {}: 3 of 4 rows (75 %) were rejected, most often ",
            file.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "above the maximum reject rate of 50 %; the rows and the rejects were committed"
        ),
        "{err}"
    );
    assert!(
        err.contains("or raise the limit with --max-reject-rate)"),
        "{err}"
    );
    // Committed: the store validates and holds the accepted row and the three rejects.
    let v = steppe(&["validate", text(&out)]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    let store = steppe::Store::open(&out).unwrap();
    assert_eq!(store.row_count(steppe::Table::TradeFlows), 1);
    assert_eq!(store.row_count(steppe::Table::Rejects), 3);

    // A looser limit lets the same file through.
    let o = import(&dir.path().join("loose"), &["--max-reject-rate", "0.75"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("rejected 3"));

    // A value outside 0..=1 is a usage error (exit 2), before anything is written.
    let bad = dir.path().join("bad");
    for value in ["1.5", "-0.1", "half"] {
        let arg = format!("--max-reject-rate={value}");
        let o = import(&bad, &[&arg]);
        assert_eq!(o.status.code(), Some(2), "{value}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--max-reject-rate"),
            "{value}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!bad.exists());
    }
}

#[test]
fn a_long_wdi_file_takes_its_indicator_from_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("remit.csv");
    std::fs::write(
        &file,
        "Country Name,Country Code,Year,Value\r\nTajikistan,TJK,2020,2186807504.316\r\n",
    )
    .unwrap();
    let out = dir.path().join("store");
    let o = steppe(&["import", "wdi", text(&file), "--out", text(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("remit.csv") && err.contains("--indicator"),
        "{err}"
    );
    assert!(!out.exists());
    let args = [
        "import",
        "wdi",
        text(&file),
        "--indicator",
        "BX.TRF.PWKR.CD.DT",
        "--out",
        text(&out),
        "--quiet",
    ];
    let o = steppe(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let store = steppe::Store::open(&out).unwrap();
    let obs = store
        .records::<steppe::model::IndicatorObservation>()
        .unwrap();
    let got: Vec<_> = obs
        .iter()
        .map(|o| {
            (
                o.indicator_id.as_str(),
                o.entity_id.as_str(),
                o.year,
                o.value,
            )
        })
        .collect();
    assert_eq!(
        got,
        [("wdi:BX.TRF.PWKR.CD.DT", "TJK", 2020, 2186807504.316)]
    );
}

#[test]
fn a_directory_given_as_an_input_is_one_error_line_through_every_importer() {
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let folder = dir.path().join("downloads");
    std::fs::create_dir(&folder).unwrap();
    let out = dir.path().join("store");
    for importer in [
        "baci", "comtrade", "wdi", "gdelt", "ucdp", "acled", "ucdp-acd", "imf-dots",
    ] {
        let o = steppe(&["import", importer, text(&folder), "--out", text(&out)]);
        assert_eq!(o.status.code(), Some(1), "{importer}");
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            format!(
                "error: {}: is a directory, not an input file; give the files in it (e.g. `dir/*.csv`)\n",
                folder.display()
            ),
            "{importer}"
        );
        assert!(!out.exists(), "{importer}: the store was created");
    }
    // Also when it follows a good file, and with the country file given.
    let year = dir.path().join("BACI_HS92_Y2022_V202501.csv");
    std::fs::write(&year, "t,i,j,k,v,q\n2022,762,860,520100,10,1\n").unwrap();
    let o = steppe(&[
        "import",
        "baci",
        text(&year),
        text(&folder),
        "--country-codes",
        text(&countries),
        "--out",
        text(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a directory"));
    assert!(!out.exists());
}

/// A later file failing: the summary of each file committed before it is printed, and the
/// error line says they were committed and that the failing one wrote nothing.
#[test]
fn a_later_file_failing_prints_the_summaries_of_the_files_committed_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let good = dir.path().join("BACI_HS92_Y2022_V202501.csv");
    std::fs::write(&good, "t,i,j,k,v,q\n2022,762,860,520100,10,1\n").unwrap();
    // A gzip stream cut short.
    let bad = dir.path().join("BACI_HS92_Y2023_V202501.csv.gz");
    std::fs::write(&bad, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x2b, 0xd1]).unwrap();
    let out = dir.path().join("store");
    let o = steppe(&[
        "import",
        "baci",
        text(&good),
        text(&bad),
        "--country-codes",
        text(&countries),
        "--out",
        text(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with("BACI_HS92_Y2022_V202501.csv: read 1, accepted 1, rejected 0"),
        "{stdout}"
    );
    assert!(!stdout.contains("total:"), "{stdout}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.starts_with(&format!("error: {}: ", bad.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{} wrote nothing", bad.display()))
            && stderr.contains(&format!(
                "1 file(s) of this import were committed to {} before it: BACI_HS92_Y2022_V202501.csv (1 rows accepted)",
                out.display()
            )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A zipped copy of a year file imported before is skipped as the same content.
#[test]
fn a_zipped_copy_of_an_imported_file_is_skipped_as_the_same_content() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let data = "t,i,j,k,v,q\n2022,762,860,520100,10,1\n";
    let plain = dir.path().join("BACI_HS92_Y2022_V202501.csv");
    std::fs::write(&plain, data).unwrap();
    let zipped = dir.path().join("BACI_HS92_Y2022_V202501.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
    z.start_file(
        "BACI_HS92_Y2022_V202501.csv",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(data.as_bytes()).unwrap();
    z.finish().unwrap();
    let out = dir.path().join("store");
    for file in [&plain, &zipped] {
        let o = steppe(&[
            "import",
            "baci",
            text(file),
            "--country-codes",
            text(&countries),
            "--out",
            text(&out),
        ]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        if file == &zipped {
            let stdout = String::from_utf8_lossy(&o.stdout);
            assert!(
                stdout.starts_with(&format!(
                    "BACI_HS92_Y2022_V202501.zip: already in {} (the same content, by sha256), skipped",
                    out.display()
                )),
                "{stdout}"
            );
        }
    }
}
