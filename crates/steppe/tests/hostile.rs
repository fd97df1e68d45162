//! Hostile inputs: bad encodings, BOM, CRLF, quotes and newlines inside fields, lines of
//! megabytes, a line of millions of columns, empty files, gzip and zip bombs, NaN, infinities
//! and negative values through every importer. (Damaged Parquet files and descriptors, wrong
//! checksums and descriptors naming paths outside the store are in `hostile_stores.rs`.)
//!
//! Every input must end in a clear error that names the file (and row and field when it is
//! about a row) or in an import whose every row is accepted or rejected into `rejects`: no
//! panic, no hang, nothing written or read outside the store, no row lost. The tests count the
//! inputs they try and the rows (read = accepted + rejected + skipped, and the store holds
//! the accepted and rejected ones).

mod common;
mod hostile_support;

use std::io::Write;

use common::copy_dir;
use hostile_support::{template, COUNTRIES};
use steppe::import::{self, ImportOptions, ImportReport};
use steppe::{Error, Store, Table};

const COMTRADE: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";
const COMTRADE_ROW: &str = "C,A,20220101,2022,52,2022,762,TJK,Tajikistan,X,Export,860,UZB,Uzbekistan,0,W00,World,H6,HS,true,{cmd},{desc},6,true,C00,TOTAL CPC,0,0,TOTAL MOT,5,u,12,false,-1,N/A,,false,1500.5,false,,false,,{v},{v},0,true,false";

const WDI: &str = "\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2018\",\"2019\",\"2020\",";

const UCDP: &str = "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,gwnoa,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,low,best,high";

const ACLED: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

fn ucdp_row(id: &str, lat: &str, best: &str, article: &str) -> String {
    format!(
        "{id},1992,1,1,311,\"Tajikistan: Government\",700,\"Gov - UTO\",117,702,\"Government of Tajikistan\",1037,,UTO,2,\"{article}\",,,,,2,\"Town X\",\"Province Y\",,{lat},68.8,,,Tajikistan,702,Europe,1,1,1992-09-05,1992-09-05,,,,,20,{best},40"
    )
}

fn acled_row(id: &str, lat: &str, fatalities: &str, notes: &str) -> String {
    format!(
        "{id},2020-05-09,2020,1,Political violence,Battles,Armed clash,Test Forces A,,State forces,Test Forces B,,State forces,State forces-State forces,,762,Central Asia,Tajikistan,Test Province,,,Test Village,{lat},70.58,1,Test Wire,National,\"{notes}\",{fatalities},,1600000000"
    )
}

fn gdelt_row(id: &str, lat: &str) -> String {
    let mut f = vec![String::new(); 61];
    for (i, v) in [
        (0, id),
        (1, "20130401"),
        (2, "201304"),
        (3, "2013"),
        (4, "2013.2493"),
        (5, "TJK"),
        (6, "TAJIKISTAN"),
        (7, "TJK"),
        (25, "1"),
        (26, "0251"),
        (27, "025"),
        (28, "02"),
        (29, "1"),
        (30, "3.4"),
        (31, "10"),
        (32, "2"),
        (33, "9"),
        (34, "-1.5"),
        (51, "4"),
        (52, "Dushanbe, Tajikistan"),
        (53, "TI"),
        (54, "TI00"),
        (56, lat),
        (57, "68.7791"),
        (58, "-2503983"),
        (59, "20130401120000"),
        (60, "https://example.org/1"),
    ] {
        f[i] = v.to_string();
    }
    f.join("\t")
}

#[derive(Default, Debug)]
struct Tally {
    inputs: usize,
    refused: usize,
    rows_read: u64,
    rows_accepted: u64,
    rows_rejected: u64,
    rows_skipped: u64,
    rows_lost: u64,
}

/// How an input ended.
enum End {
    Imported(ImportReport),
    Refused(Error),
}

impl End {
    fn report(&self, case: &str) -> &ImportReport {
        match self {
            End::Imported(r) => r,
            End::Refused(e) => panic!("{case}: expected an import, got {e}"),
        }
    }

    fn error(&self, case: &str) -> &Error {
        match self {
            End::Refused(e) => e,
            End::Imported(r) => panic!("{case}: expected an error, got {r:?}"),
        }
    }

    fn rejected(&self, case: &str, reason: &str) -> u64 {
        let r = self.report(case);
        r.files
            .iter()
            .map(|f| f.rejected_by_reason.get(reason).copied().unwrap_or(0))
            .sum()
    }
}

/// Imports `bytes` saved as `name` with `importer` into a copy of the seeded store and checks
/// the guarantees; returns how it ended.
fn import(tally: &mut Tally, case: &str, importer: &str, name: &str, bytes: &[u8]) -> End {
    import_with(tally, case, importer, name, bytes, 64 << 20)
}

fn import_with(
    tally: &mut Tally,
    case: &str,
    importer: &str,
    name: &str,
    bytes: &[u8],
    max_expanded: u64,
) -> End {
    tally.inputs += 1;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    copy_dir(template(), &store);
    let input_dir = dir.path().join("in");
    std::fs::create_dir(&input_dir).unwrap();
    let file = input_dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    let countries = input_dir.join("country_codes_V202501.csv");
    std::fs::write(&countries, COUNTRIES).unwrap();
    let options = ImportOptions {
        max_expanded_bytes: max_expanded,
        // The reject threshold has tests of its own; here every import must commit.
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let files = vec![file.clone()];
    let before = Store::open(&store).unwrap().descriptor().clone();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match importer {
        "baci" => import::baci::import_baci(&files, &countries, None, &store, &options),
        "comtrade" => import::comtrade::import_comtrade(&files, &store, &options),
        "wdi" => import::wdi::import(&files, &store, &Default::default(), &options),
        "gdelt" => import::gdelt::import(&files, &store, &Default::default(), &options),
        "ucdp" => import::ucdp::import(&files, &store, &options),
        "acled" => import::acled::import(&files, &store, &options),
        other => panic!("no importer {other}"),
    }))
    .unwrap_or_else(|_| panic!("{case}: the importer panicked"));
    // Nothing was written next to the store or the input.
    let mut entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["in", "store"], "{case}: wrote outside the store");
    assert_eq!(std::fs::read_dir(&input_dir).unwrap().count(), 2, "{case}");
    let s = Store::open(&store).unwrap_or_else(|e| panic!("{case}: store damaged: {e}"));
    match result {
        Ok(report) => {
            let v = steppe::validate(&s).unwrap();
            assert!(v.is_ok(), "{case}: {:#?}", v.problems);
            let main = match importer {
                "baci" | "comtrade" => Table::TradeFlows,
                "wdi" => Table::IndicatorObservations,
                _ => Table::Events,
            };
            let mut accepted = 0;
            let mut rejected = 0;
            for f in &report.files {
                let skipped: u64 = f.rows_skipped.values().sum();
                let lost =
                    f.rows_read as i64 - (f.rows_accepted + f.rows_rejected + skipped) as i64;
                tally.rows_lost += lost.unsigned_abs();
                tally.rows_read += f.rows_read;
                tally.rows_accepted += f.rows_accepted;
                tally.rows_rejected += f.rows_rejected;
                tally.rows_skipped += skipped;
                accepted += f.rows_written.get(main.name()).copied().unwrap_or(0);
                rejected += f.rows_rejected;
            }
            // What the import counted is what the store holds.
            let added = s.read_all(main).unwrap().num_rows() as u64
                - before.resource(main).map_or(0, |r| r.steppe.rows);
            tally.rows_lost += added.abs_diff(accepted);
            assert_eq!(added, accepted, "{case}: {main} rows");
            let rejects = s.read_all(Table::Rejects).unwrap().num_rows() as u64;
            tally.rows_lost += rejects.abs_diff(rejected);
            assert_eq!(rejects, rejected, "{case}: rejects");
            End::Imported(report)
        }
        Err(e) => {
            tally.refused += 1;
            let msg = e.to_string();
            assert!(!msg.is_empty());
            match &e {
                Error::Format { location, .. } => {
                    assert!(location.path.is_some(), "{case}: no file in {msg}")
                }
                Error::Io { path, .. } | Error::Store { path, .. } => {
                    assert!(!path.as_os_str().is_empty(), "{case}: {msg}")
                }
                other => panic!("{case}: an error without a file: {other}"),
            }
            assert!(
                msg.contains(name) || msg.contains("store"),
                "{case}: the error does not name the file: {msg}"
            );
            // A refused import leaves the store as it was.
            assert_eq!(s.descriptor(), &before, "{case}: the store changed");
            End::Refused(e)
        }
    }
}

/// An empty input (no byte but a BOM, blanks and line ends; plain, gzipped or as the member
/// of a zip) is the same error through every importer: a format error naming the file,
/// "empty input: no header and no rows", before anything is written, so a store it was to
/// create is not created.
#[test]
fn empty_inputs_are_one_clear_error_through_every_importer() {
    let importers = [
        ("baci", baci_name()),
        ("comtrade", "comtrade.csv"),
        ("wdi", "WDICSV.csv"),
        ("gdelt", "20130401.export.CSV"),
        ("ucdp", "ged.csv"),
        ("acled", "acled.csv"),
    ];
    let mut tally = Tally::default();
    let mut tried = 0;
    for (importer, name) in importers {
        let mut inputs: Vec<(String, Vec<u8>)> = vec![
            (name.to_string(), Vec::new()),
            (name.to_string(), b"\n\r\n  \t\n".to_vec()),
            (name.to_string(), b"\xEF\xBB\xBF\r\n".to_vec()),
        ];
        if importer != "wdi" {
            // WDI refuses archives (a WDI zip holds several files).
            inputs.push((format!("{name}.gz"), gzip(b"")));
            let member = if importer == "baci" {
                name.to_ascii_lowercase()
            } else {
                name.to_string()
            };
            inputs.push((format!("{name}.zip"), zip(&member, b"\n")));
        }
        for (file, bytes) in inputs {
            let case = format!("{importer}: empty {file} ({} bytes)", bytes.len());
            // Into a copy of the seeded store: refused, store unchanged (checked by import()).
            let e = import(&mut tally, &case, importer, &file, &bytes);
            let e = e.error(&case);
            match e {
                Error::Format { location, message } => {
                    assert!(
                        location.path.as_ref().is_some_and(|p| p.ends_with(&file)),
                        "{case}: {e}"
                    );
                    assert_eq!(
                        message, "empty input: no header and no rows; nothing was imported",
                        "{case}"
                    );
                }
                other => panic!("{case}: not a format error: {other}"),
            }
            assert!(e.to_string().contains(&file), "{case}: {e}");
            tried += 1;
        }
        // Into a store that does not exist yet: nothing is created.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, b"").unwrap();
        let countries = dir.path().join("country_codes_V202501.csv");
        std::fs::write(&countries, COUNTRIES).unwrap();
        let store = dir.path().join("new-store");
        let files = vec![file];
        let options = ImportOptions::default();
        let result = match importer {
            "baci" => import::baci::import_baci(&files, &countries, None, &store, &options),
            "comtrade" => import::comtrade::import_comtrade(&files, &store, &options),
            "wdi" => import::wdi::import(&files, &store, &Default::default(), &options),
            "gdelt" => import::gdelt::import(&files, &store, &Default::default(), &options),
            "ucdp" => import::ucdp::import(&files, &store, &options),
            _ => import::acled::import(&files, &store, &options),
        };
        let e = result.expect_err(importer);
        assert!(e.to_string().contains("empty input"), "{importer}: {e}");
        assert!(
            !store.exists(),
            "{importer}: an empty input created the store"
        );
    }
    // BACI's companion files are inputs too.
    let dir = tempfile::tempdir().unwrap();
    let countries = dir.path().join("country_codes_V202501.csv");
    std::fs::write(&countries, b"\n").unwrap();
    let data = dir.path().join(baci_name());
    std::fs::write(&data, "t,i,j,k,v,q\n2023,762,860,010121,1.5,2\n").unwrap();
    let e = import::baci::import_baci(
        &[data],
        &countries,
        None,
        &dir.path().join("s"),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string().ends_with(
            "country_codes_V202501.csv: empty input: no header and no rows; nothing was imported"
        ),
        "{e}"
    );
    assert_eq!(tally.refused, tried);
    assert_eq!(tried, 28);
}

/// The text with every U+0001 turned into the byte 0xF4 (`ô` in Latin-1, invalid UTF-8).
fn latin1(s: &str) -> Vec<u8> {
    s.bytes().map(|b| if b == 1 { 0xf4 } else { b }).collect()
}

fn baci_name() -> &'static str {
    "BACI_HS92_Y2023_V202501.csv"
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    g.write_all(bytes).unwrap();
    g.finish().unwrap()
}

fn zip(member: &str, bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file(
        member,
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(bytes.len() > (1 << 31)),
    )
    .unwrap();
    z.write_all(bytes).unwrap();
    z.finish().unwrap().into_inner()
}

/// Bytes that are not UTF-8.
const BAD_UTF8: &[u8] = b"\xff\xfe\xc3\x28";

/// A BACI row every importer run accepts.
const OK_ROW: &str = "2023,762,860,010121,1.5,2\n";

impl Tally {
    /// Prints the tally and checks that the `inputs` tried lost no row: every row read is
    /// accepted, rejected or skipped. (The seven tests of hostile files try 32 inputs.)
    fn finish(&self, inputs: usize) {
        println!("hostile input files: {self:#?}");
        assert_eq!(self.rows_lost, 0, "rows lost: {self:?}");
        assert_eq!(
            self.rows_read,
            self.rows_accepted + self.rows_rejected + self.rows_skipped
        );
        assert_eq!(self.inputs, inputs);
    }
}

/// BACI: BOM and CRLF, invalid UTF-8, NaN and infinities, lines of megabytes and of millions of
/// columns, empty files.
#[test]
fn hostile_baci_files_end_in_clear_errors_or_accounted_rejects() {
    let mut t = Tally::default();
    let bad_utf8: &[u8] = BAD_UTF8;
    let ok_row = OK_ROW;
    let e = import(
        &mut t,
        "baci: BOM, CRLF, no final newline",
        "baci",
        baci_name(),
        b"\xef\xbb\xbft,i,j,k,v,q\r\n2023,762,860,010121,1.5,2\r\n2023,762,398,010121,1,1",
    );
    assert_eq!(e.report("baci BOM").rows_accepted(), 2);
    let e = import(
        &mut t,
        "baci: invalid UTF-8 in a field",
        "baci",
        baci_name(),
        [
            b"t,i,j,k,v,q\n2023,762,860,01".as_slice(),
            bad_utf8,
            b",1,1\n",
        ]
        .concat()
        .as_slice(),
    );
    assert_eq!(e.report("baci utf8").rows_rejected(), 1);
    let e = import(
        &mut t,
        "baci: NaN, infinities, huge and negative values",
        "baci",
        baci_name(),
        b"t,i,j,k,v,q\n2023,762,860,010121,NaN,1\n2023,762,860,010122,inf,1\n\
          2023,762,860,010123,-inf,1\n2023,762,860,010124,1e400,1\n2023,762,860,010125,1e307,1\n\
          2023,762,860,010126,-5,1\n2023,762,860,010127,5,-1\n2023,762,860,010128,5,Infinity\n\
          2023,762,860,010129,-0,0\n",
    );
    assert!(
        e.rejected("baci nan", "malformed_number") >= 4,
        "{:?}",
        e.report("")
    );
    assert!(e.rejected("baci nan", "negative_value") >= 2);
    let mut long = String::from("t,i,j,k,v,q\n");
    long.push_str(ok_row);
    long.push_str(&format!(
        "2023,762,398,010121,1,\"{}\"\n",
        "x".repeat(4 << 20)
    ));
    long.push_str(ok_row.replace("860", "251").as_str());
    let e = import(
        &mut t,
        "baci: a line of 4 MB",
        "baci",
        baci_name(),
        long.as_bytes(),
    );
    assert_eq!(e.report("baci long").rows_accepted(), 2);
    let mut wide = String::from("t,i,j,k,v,q\n");
    wide.push_str(&",".repeat(2_000_000));
    wide.push('\n');
    wide.push_str(ok_row);
    let e = import(
        &mut t,
        "baci: a line of two million columns",
        "baci",
        baci_name(),
        wide.as_bytes(),
    );
    assert_eq!(e.rejected("baci wide", "wrong_column_count"), 1);
    let wide_header = ",".repeat(2_000_000);
    import(
        &mut t,
        "baci: a header of two million columns",
        "baci",
        baci_name(),
        wide_header.as_bytes(),
    )
    .error("baci wide header");
    import(&mut t, "baci: empty file", "baci", baci_name(), b"").error("baci empty");
    import(
        &mut t,
        "baci: a line of 20 MB without newline",
        "baci",
        baci_name(),
        "t".repeat(20 << 20).as_bytes(),
    )
    .error("baci 20MB");
    t.finish(8);
}

/// Bombs: small archives that expand past the limit stop with an error naming the file; so do
/// corrupt archives.
#[test]
fn archive_bombs_and_corrupt_archives_stop_with_an_error_naming_the_file() {
    let mut t = Tally::default();
    let ok_row = OK_ROW;
    let mut body = String::from("t,i,j,k,v,q\n");
    while body.len() < 8 << 20 {
        body.push_str(ok_row);
    }
    for (case, name, bytes) in [
        (
            "baci: gzip bomb",
            "BACI_HS92_Y2023_V202501.csv.gz",
            gzip(body.as_bytes()),
        ),
        (
            "baci: zip bomb",
            "BACI_HS92_Y2023_V202501.zip",
            zip("BACI_HS92_Y2023_V202501.csv", body.as_bytes()),
        ),
    ] {
        assert!(bytes.len() < 200_000, "{case}: {} bytes", bytes.len());
        let e = import_with(&mut t, case, "baci", name, &bytes, 1 << 20);
        let msg = e.error(case).to_string();
        assert!(msg.contains("limit"), "{case}: {msg}");
    }
    let zeros = vec![0u8; 32 << 20];
    let e = import_with(
        &mut t,
        "acled: gzip bomb of zeros",
        "acled",
        "acled.csv.gz",
        &gzip(&zeros),
        1 << 20,
    );
    assert!(e.error("zeros").to_string().contains("limit"));
    import(
        &mut t,
        "baci: a corrupt gzip",
        "baci",
        "BACI_HS92_Y2023_V202501.csv.gz",
        &gzip(body.as_bytes())[..5000],
    )
    .error("corrupt gzip");
    import(
        &mut t,
        "baci: not a zip",
        "baci",
        "BACI_HS92_Y2023_V202501.zip",
        b"PK\x03\x04 this is not a zip archive",
    )
    .error("not a zip");
    t.finish(5);
}

/// Comtrade: Windows-1252, quotes and newlines in fields, NaN and infinities, an empty file, an
/// invalid header.
#[test]
fn hostile_comtrade_files_end_in_clear_errors_or_accounted_rejects() {
    let mut t = Tally::default();
    let bad_utf8: &[u8] = BAD_UTF8;
    let row = |cmd: &str, desc: &str, v: &str| {
        COMTRADE_ROW
            .replace("{cmd}", cmd)
            .replace("{desc}", desc)
            .replace("{v}", v)
    };
    let e = import(
        &mut t,
        "comtrade: Windows-1252, embedded quotes and a newline in a field",
        "comtrade",
        "comtrade.csv",
        &[
            COMTRADE.as_bytes(),
            b"\r\n",
            row("010121", "\"Horses, \"\"live\"\"\nand well\"", "10").as_bytes(),
            b"\r\n",
            latin1(&row("010122", "C\u{1}te", "11")).as_slice(),
            b"\r\n",
        ]
        .concat(),
    );
    assert_eq!(e.report("comtrade 1252").rows_read(), 2);
    let e = import(
        &mut t,
        "comtrade: NaN, infinity, negative",
        "comtrade",
        "comtrade.csv",
        format!(
            "{COMTRADE}\n{}\n{}\n{}\n{}\n",
            row("010121", "a", "-3"),
            row("010122", "b", "inf"),
            row("010123", "c", "1e309"),
            row("010124", "d", "12")
        )
        .as_bytes(),
    );
    assert_eq!(e.report("comtrade nan").rows_accepted(), 1);
    assert_eq!(e.report("comtrade nan").rows_rejected(), 3);
    import(&mut t, "comtrade: empty", "comtrade", "comtrade.csv", b"").error("comtrade empty");
    import(
        &mut t,
        "comtrade: invalid UTF-8 header",
        "comtrade",
        "comtrade.csv",
        bad_utf8,
    )
    .error("comtrade header");
    t.finish(4);
}

/// WDI: Latin-1, NaN and infinities, an empty file, a year column outside the range, invalid
/// UTF-8.
#[test]
fn hostile_wdi_files_end_in_clear_errors_or_accounted_rejects() {
    let mut t = Tally::default();
    let bad_utf8: &[u8] = BAD_UTF8;
    let e = import(
        &mut t,
        "wdi: Latin-1 name, NaN, inf, negative",
        "wdi",
        "WDICSV.csv",
        format!(
            "\u{feff}{WDI}\r\n\"Tajikistan\",\"TJK\",\"GDP\",\"NY.GDP.MKTP.CD\",\"NaN\",\"inf\",\"-5\",\r\n\"Kazakhstan\",\"KAZ\",\"GDP\",\"NY.GDP.MKTP.CD\",\"1e999\",\"\",\"3\",\r\n"
        )
        .as_bytes(),
    );
    let _ = e.report("wdi nan");
    import(&mut t, "wdi: empty", "wdi", "WDICSV.csv", b"").error("wdi empty");
    // Found by fuzzing: a year column outside the range validation accepts.
    let e = import(
        &mut t,
        "wdi: a year column 4038",
        "wdi",
        "WDICSV.csv",
        format!(
            "{}\n\"Tajikistan\",\"TJK\",\"GDP\",\"NY.GDP.MKTP.CD\",\"1\",\"2\",\"3\",\n",
            WDI.replace("2019", "4038")
        )
        .as_bytes(),
    );
    match e.error("wdi 4038") {
        Error::Format { location, .. } => {
            assert_eq!(location.row, Some(1));
            assert_eq!(location.field.as_deref(), Some("4038"));
        }
        other => panic!("{other}"),
    }
    import(
        &mut t,
        "wdi: invalid UTF-8",
        "wdi",
        "WDICSV.csv",
        [
            WDI.as_bytes(),
            b"\n\"",
            bad_utf8,
            b"\",\"TJK\",\"x\",\"y\",\"1\",\"2\",\"3\",\n",
        ]
        .concat()
        .as_slice(),
    );
    t.finish(4);
}

/// GDELT: coordinates out of range, an empty file, invalid UTF-8, a line of millions of tabs.
#[test]
fn hostile_gdelt_files_end_in_clear_errors_or_accounted_rejects() {
    let mut t = Tally::default();
    let e = import(
        &mut t,
        "gdelt: out-of-range and NaN coordinates, CRLF",
        "gdelt",
        "20130401.export.CSV",
        format!(
            "{}\r\n{}\r\n{}\r\n",
            gdelt_row("1", "38.5"),
            gdelt_row("2", "NaN"),
            gdelt_row("3", "inf")
        )
        .as_bytes(),
    );
    assert_eq!(e.report("gdelt").rows_read(), 3);
    import(&mut t, "gdelt: empty", "gdelt", "20130401.export.CSV", b"").error("gdelt empty");
    import(
        &mut t,
        "gdelt: invalid UTF-8",
        "gdelt",
        "20130401.export.CSV",
        &latin1(&gdelt_row("4", "38.5").replace("TAJIKISTAN", "TAJ\u{1}")),
    );
    import(
        &mut t,
        "gdelt: a line of 2 million tabs",
        "gdelt",
        "20130401.export.CSV",
        "\t".repeat(2_000_000).as_bytes(),
    );
    t.finish(4);
}

/// UCDP: quotes and newlines, NaN, negative deaths, an empty file, an unterminated quote.
#[test]
fn hostile_ucdp_files_end_in_clear_errors_or_accounted_rejects() {
    let mut t = Tally::default();
    let e = import(
        &mut t,
        "ucdp: quotes and newlines, NaN latitude, negative deaths",
        "ucdp",
        "ged.csv",
        format!(
            "\u{feff}{UCDP}\r\n{}\r\n{}\r\n{}\r\n",
            ucdp_row("1", "37.8", "25", "Agency \"\"B\"\",\nsecond line"),
            ucdp_row("2", "NaN", "25", "x"),
            ucdp_row("3", "37.8", "-3", "x")
        )
        .as_bytes(),
    );
    assert_eq!(e.report("ucdp").rows_read(), 3);
    import(&mut t, "ucdp: empty", "ucdp", "ged.csv", b"").error("ucdp empty");
    import(
        &mut t,
        "ucdp: an unterminated quote to the end of the file",
        "ucdp",
        "ged.csv",
        format!(
            "{UCDP}\n{}\n1,\"{}",
            ucdp_row("1", "37.8", "25", "x"),
            "y".repeat(1 << 20)
        )
        .as_bytes(),
    );
    t.finish(3);
}

/// ACLED: notes of megabytes, infinities, Latin-1, an empty file, binary garbage.
#[test]
fn hostile_acled_files_end_in_clear_errors_or_accounted_rejects() {
    let mut t = Tally::default();
    let e = import(
        &mut t,
        "acled: notes of 3 MB with quotes and newlines, inf, negative fatalities",
        "acled",
        "acled.csv",
        format!(
            "{ACLED}\n{}\n{}\n{}\n",
            acled_row(
                "TJK1",
                "39.85",
                "2",
                &"a \"\"quoted\"\"\nline ".repeat(200_000)
            ),
            acled_row("TJK2", "inf", "2", "x"),
            acled_row("TJK3", "39.85", "-1", "x")
        )
        .as_bytes(),
    );
    assert_eq!(e.report("acled").rows_read(), 3);
    import(
        &mut t,
        "acled: Latin-1 text",
        "acled",
        "acled.csv",
        &latin1(&format!(
            "{ACLED}\n{}\n",
            acled_row("TJK4", "39.85", "0", "C\u{1}te")
        )),
    );
    import(&mut t, "acled: empty", "acled", "acled.csv", b"").error("acled empty");
    import(
        &mut t,
        "acled: binary garbage",
        "acled",
        "acled.csv",
        &(0..=255u8).cycle().take(100_000).collect::<Vec<u8>>(),
    );
    t.finish(4);
}
