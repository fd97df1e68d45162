//! The layouts of one line per economy and year: Datahub's long one-indicator file
//! (`Country Name,Country Code,Year,Value`, the indicator from the `datapackage.json` beside
//! it or given by the user), open-numbers DDF datapoints (`economy,year,<indicator>`, codes
//! in lower case, `bx_trf_pwkr_dt_gd_zs` for `BX.TRF.PWKR.DT.GD.ZS`) and the DataBank export
//! with time in rows (`Time,Time Code,Country Name,Country Code,<Series> [CODE],...`, `..`
//! for missing).

use std::path::Path;

use super::ctx::{license_id, Ctx, Row};
use crate::import::csv_reader::CsvRecord;
use crate::import::events_common::Header;
use crate::import::rows::{Outcome, Publisher};
use crate::import::InputFile;
use crate::model::{Indicator, Source};
use crate::{Error, Location, Result};

const DATAHUB: Publisher = Publisher {
    name: "Datahub (github.com/datasets/world-development-indicators), a mirror of the World Bank's WDI",
    url: "https://github.com/datasets/world-development-indicators",
    license: "CC-BY-4.0",
    terms: Some(
        "data: World Bank, World Development Indicators (CC BY 4.0); vintage not stated in the \
         file: the mirror's monthly refresh drops the World Bank's Last Updated Date, so the \
         vintage is the date of the mirror's commit",
    ),
};

const OPEN_NUMBERS: Publisher = Publisher {
    name: "Gapminder open-numbers (ddf--world_bank--world_development_indicators), a re-publication of the World Bank's WDI",
    url: "https://github.com/open-numbers/ddf--world_bank--world_development_indicators",
    license: "CC-BY-4.0",
    terms: Some(
        "data: World Bank, World Development Indicators (CC BY 4.0); vintage not stated in the file",
    ),
};

/// Which layout of one line per economy and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PointKind {
    Long,
    Ddf,
    TimeInRows,
}

/// A value column and the indicator it holds.
pub(super) struct Series {
    column: usize,
    code: String,
    id: String,
    name: Option<String>,
}

impl Series {
    fn new(column: usize, code: String, name: Option<String>) -> Series {
        let id = format!("wdi:{code}");
        Series {
            column,
            code,
            id,
            name,
        }
    }
}

/// What a Datahub `datapackage.json` says of its indicator.
pub(super) struct Package {
    code: Option<String>,
    title: Option<String>,
    readme: Option<String>,
    license: Option<String>,
}

/// Column positions of a layout of one line per economy and year.
pub(super) struct PointLayout {
    kind: PointKind,
    country_name: Option<usize>,
    country_code: usize,
    year: usize,
    /// DataBank's `Time Code` (`YR2020`), read when `Time` is not a year.
    time_code: Option<usize>,
    series: Vec<Series>,
    package: Option<Package>,
}

/// The point layout of header `h`, or `None` when it is none of them. `indicator` is the
/// code the user gave for long files. Errors name the column at fault.
pub(super) fn classify(
    h: &Header,
    path: &Path,
    line: u64,
    indicator: Option<&str>,
) -> Result<Option<PointLayout>> {
    let mut names: Vec<String> = h.names.iter().map(|n| n.to_ascii_lowercase()).collect();
    if names.len() > 1 && names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    let at = |i: usize| Location::file(path).row(line).field(&h.names[i]);
    if names == ["country name", "country code", "year", "value"] {
        return long(path, indicator).map(Some);
    }
    if names.len() > 2 && names[0] == "economy" && names[1] == "year" {
        let mut series = Vec::new();
        for (i, name) in names.iter().enumerate().skip(2) {
            let ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                let message = format!("`{name}` is not a DDF indicator column (lower case, `_`)");
                return Err(Error::format(at(i), message));
            }
            series.push(Series::new(i, ddf_code(name), None));
        }
        return Ok(Some(layout(PointKind::Ddf, None, 0, 1, None, series)));
    }
    if names.contains(&"time".to_string()) && names.contains(&"country code".to_string()) {
        return time_in_rows(h, &names, path, line).map(Some);
    }
    Ok(None)
}

fn layout(
    kind: PointKind,
    country_name: Option<usize>,
    country_code: usize,
    year: usize,
    time_code: Option<usize>,
    series: Vec<Series>,
) -> PointLayout {
    PointLayout {
        kind,
        country_name,
        country_code,
        year,
        time_code,
        series,
        package: None,
    }
}

/// `bx_trf_pwkr_dt_gd_zs` -> `BX.TRF.PWKR.DT.GD.ZS`.
pub(super) fn ddf_code(column: &str) -> String {
    column.to_ascii_uppercase().replace('_', ".")
}

/// The long layout: its indicator given, else from `datapackage.json` beside the file.
fn long(path: &Path, indicator: Option<&str>) -> Result<PointLayout> {
    let package = read_package(path)?;
    let code = match (indicator, &package) {
        (Some(c), _) => c.trim().to_ascii_uppercase(),
        (None, Some(Package { code: Some(c), .. })) => c.clone(),
        (None, _) => {
            return Err(Error::format(
                Location::file(path),
                "a long WDI file (`Country Name,Country Code,Year,Value`) does not name its \
                 indicator, and no datapackage.json beside it gives `worldbank.indicator`: give \
                 the code (CLI `--indicator BX.TRF.PWKR.CD.DT`, Python `indicator=`)",
            ))
        }
    };
    let valid = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'_';
    if code.is_empty() || !code.bytes().all(valid) {
        let message = format!("`{code}` is not a WDI indicator code (such as BX.TRF.PWKR.CD.DT)");
        return Err(Error::InvalidArgument(message));
    }
    let package = package.filter(|p| p.code.as_deref() == Some(code.as_str()));
    let series = vec![Series::new(3, code, None)];
    let mut l = layout(PointKind::Long, Some(0), 1, 2, None, series);
    l.package = package;
    Ok(l)
}

/// Reads `datapackage.json` beside `path`, if there is one.
fn read_package(path: &Path) -> Result<Option<Package>> {
    let file = path.with_file_name("datapackage.json");
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(None);
    };
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::format(Location::file(&file), format!("not JSON: {e}")))?;
    let text = |v: &serde_json::Value| v.as_str().map(str::trim).map(String::from);
    Ok(Some(Package {
        code: text(&json["worldbank"]["indicator"]).map(|c| c.to_ascii_uppercase()),
        title: text(&json["title"]),
        readme: text(&json["readme"]).filter(|r| !r.is_empty()),
        license: text(&json["licenses"][0]["name"]).and_then(|l| license_id(&l)),
    }))
}

/// DataBank with time in rows: `Time`, `Time Code`, `Country Name`, `Country Code` and
/// series columns `<name> [<code>]`.
fn time_in_rows(h: &Header, names: &[String], path: &Path, line: u64) -> Result<PointLayout> {
    let find = |n: &str| names.iter().position(|x| x == n);
    let mut series = Vec::new();
    for (i, name) in h.names.iter().enumerate().take(names.len()) {
        if ["time", "time code", "country name", "country code"].contains(&names[i].as_str()) {
            continue;
        }
        let parsed = name
            .strip_suffix(']')
            .and_then(|s| s.rsplit_once(" ["))
            .filter(|(_, c)| !c.is_empty());
        let Some((series_name, code)) = parsed else {
            let message = format!(
                "unexpected column `{name}` in a DataBank time-in-rows header (found `{}`); \
                 expected `Time, Time Code, Country Name, Country Code` and series columns \
                 such as `GDP (current US$) [NY.GDP.MKTP.CD]`",
                h.names.join(",")
            );
            return Err(Error::format(
                Location::file(path).row(line).field(name),
                message,
            ));
        };
        let name = Some(series_name.trim().to_string());
        series.push(Series::new(i, code.trim().to_string(), name));
    }
    let (time, code) = (find("time").unwrap_or(0), find("country code").unwrap_or(0));
    let kind = PointKind::TimeInRows;
    Ok(layout(
        kind,
        find("country name"),
        code,
        time,
        find("time code"),
        series,
    ))
}

/// The Source of a file in a point layout.
pub(super) fn source(input: &InputFile, l: &PointLayout, publisher: &Publisher) -> Source {
    let codes: Vec<&str> = l.series.iter().map(|s| s.code.as_str()).collect();
    let (what, publisher) = match l.kind {
        PointKind::Long => ("Datahub mirror, long layout", &DATAHUB),
        PointKind::Ddf => ("open-numbers DDF datapoints", &OPEN_NUMBERS),
        PointKind::TimeInRows => ("DataBank export, time in rows", publisher),
    };
    let title = format!(
        "World Development Indicators, {} ({what}, {})",
        codes.join(", "),
        input.name
    );
    let mut source = publisher.source(super::IMPORTER, input, title, None);
    if let Some(license) = l.package.as_ref().and_then(|p| p.license.clone()) {
        source.license = Some(license);
    }
    if input.name.to_ascii_uppercase().contains("SUBSET") {
        if let Some(note) = &mut source.note {
            note.push_str("; the file name marks it a SUBSET of the published file");
        }
    }
    source
}

impl Ctx {
    /// A line of a point layout: one observation per series with a value, for its economy
    /// and year. A malformed cell or year rejects the whole line.
    pub(super) fn point_row(&mut self, rec: &CsvRecord, l: &PointLayout, line: u64) -> Row {
        let year = self.point_year(rec, l)?;
        let mut values = Vec::new();
        for (k, s) in l.series.iter().enumerate() {
            let cell = rec.text(s.column);
            if cell.is_empty() || cell == ".." {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push((k, v)),
                _ => {
                    let detail =
                        format!("`{cell}` is not a number (missing values are blank or `..`)");
                    return Err(self.bad_at(s.column, "malformed_number", detail));
                }
            }
        }
        if values.is_empty() {
            return Ok(Outcome::Skip("no_values"));
        }
        let code = rec.text(l.country_code).to_ascii_uppercase();
        if code.is_empty() {
            return Err(self.bad_at(l.country_code, "missing_value", "no country code"));
        }
        let name = l.country_name.map(|i| rec.text(i).into_owned());
        let entity = self.entity_of(&code, name.as_deref(), l.country_code, line)?;
        let e = self.key(&entity);
        let keys: Vec<_> = values
            .iter()
            .map(|&(k, _)| (e, self.key(&l.series[k].id), year))
            .collect();
        if let Some(i) = keys.iter().position(|k| self.seen_points.contains(k)) {
            let s = &l.series[values[i].0];
            let detail = format!("{entity} / {} / {year} appears on an earlier line", s.code);
            return Err(self.bad_at(l.year, "duplicate_row", detail));
        }
        self.seen_points.extend(keys);
        for (k, value) in values {
            let s = &l.series[k];
            if !self.indicator_ids.contains(&s.id) {
                self.point_indicator(s, l.package.as_ref(), line);
            }
            self.push_obs(&s.id, &entity, year, value, line);
        }
        Ok(Outcome::Accept(()))
    }

    /// The year of a line: `Year`/`year`/`Time` (`2020`), else DataBank's `Time Code`
    /// (`YR2020`); 1800..=2100.
    fn point_year(&self, rec: &CsvRecord, l: &PointLayout) -> crate::import::rows::Checked<i16> {
        let parse = |t: &str| t.trim().parse::<i16>().ok();
        let year = parse(&rec.text(l.year)).or_else(|| {
            let code = rec.text(l.time_code?);
            parse(code.strip_prefix("YR")?)
        });
        match year {
            Some(y) if (1800..=2100).contains(&y) => Ok(y),
            _ => Err(self.bad_at(
                l.year,
                "malformed_year",
                format!("`{}` is not a year in 1800..2100", rec.text(l.year)),
            )),
        }
    }

    /// The indicator of a series first met on `line`: with its definition from the
    /// data package, else by name only.
    fn point_indicator(&mut self, s: &Series, package: Option<&Package>, line: u64) {
        let Some(p) = package else {
            let name = s.name.clone().unwrap_or_else(|| s.code.clone());
            return self.name_only_indicator(&s.id, &name, &s.code, line);
        };
        self.new_indicators.push(Indicator {
            indicator_id: s.id.clone(),
            name: p.title.clone().unwrap_or_else(|| s.code.clone()),
            definition: p.readme.clone(),
            source_series_code: s.code.clone(),
            license: p.license.clone(),
            source_note: Some("World Bank, World Development Indicators".into()),
            source_id: self.source_id.clone(),
            source_locator: Some("datapackage.json beside the data file".into()),
            ..Default::default()
        });
        self.indicator_ids.insert(s.id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddf_codes() {
        assert_eq!(ddf_code("bx_trf_pwkr_dt_gd_zs"), "BX.TRF.PWKR.DT.GD.ZS");
        assert_eq!(ddf_code("sp_pop_totl"), "SP.POP.TOTL");
    }
}
