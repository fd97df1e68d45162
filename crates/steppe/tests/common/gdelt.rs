//! GDELT event exports as the tests write them: the column names of each layout.

/// Column names of a layout: 57 (1.0 backfile), 58 (1.0 with SOURCEURL) or 61 (2.0, with the
/// three `ADM2Code` columns).
pub fn names(n: usize) -> Vec<String> {
    let mut v: Vec<String> = [
        "GLOBALEVENTID",
        "SQLDATE",
        "MonthYear",
        "Year",
        "FractionDate",
    ]
    .map(String::from)
    .to_vec();
    for a in ["Actor1", "Actor2"] {
        for f in [
            "Code",
            "Name",
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        ] {
            v.push(format!("{a}{f}"));
        }
    }
    for f in [
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    ] {
        v.push(f.to_string());
    }
    for g in ["Actor1Geo", "Actor2Geo", "ActionGeo"] {
        for f in [
            "Type",
            "FullName",
            "CountryCode",
            "ADM1Code",
            "ADM2Code",
            "Lat",
            "Long",
            "FeatureID",
        ] {
            if f == "ADM2Code" && n != 61 {
                continue;
            }
            v.push(format!("{g}_{f}"));
        }
    }
    v.push("DATEADDED".into());
    if n != 57 {
        v.push("SOURCEURL".into());
    }
    assert_eq!(v.len(), n);
    v
}

/// A row of an `n`-field layout: a typical event (Tajikistan's and Russia's governments in
/// Dushanbe, 2013-04-01) with `overrides` set.
pub fn event(n: usize, id: &str, overrides: &[(&str, &str)]) -> String {
    let mut v: Vec<(&str, &str)> = vec![
        ("GLOBALEVENTID", id),
        ("SQLDATE", "20130401"),
        ("MonthYear", "201304"),
        ("Year", "2013"),
        ("FractionDate", "2013.2493"),
        ("Actor1Code", "TJK"),
        ("Actor1Name", "TAJIKISTAN"),
        ("Actor1CountryCode", "TJK"),
        ("Actor2Code", "RUSGOV"),
        ("Actor2Name", "RUSSIA"),
        ("Actor2CountryCode", "RUS"),
        ("Actor2Type1Code", "GOV"),
        ("IsRootEvent", "1"),
        ("EventCode", "0251"),
        ("EventBaseCode", "025"),
        ("EventRootCode", "02"),
        ("QuadClass", "1"),
        ("GoldsteinScale", "3.4"),
        ("NumMentions", "10"),
        ("NumSources", "2"),
        ("NumArticles", "9"),
        ("AvgTone", "-1.5"),
        ("Actor1Geo_Type", "4"),
        ("Actor1Geo_CountryCode", "TI"),
        ("ActionGeo_Type", "4"),
        ("ActionGeo_FullName", "Dushanbe, Dushanbe, Tajikistan"),
        ("ActionGeo_CountryCode", "TI"),
        ("ActionGeo_ADM1Code", "TI00"),
        ("ActionGeo_Lat", "38.5358"),
        ("ActionGeo_Long", "68.7791"),
        ("ActionGeo_FeatureID", "-2503983"),
        ("DATEADDED", "20130401"),
    ];
    if n != 57 {
        v.push(("SOURCEURL", "https://example.org/news/1"));
    }
    for (k, val) in overrides {
        v.retain(|(x, _)| x != k);
        v.push((k, val));
    }
    super::row(&names(n), "\t", &v)
}
