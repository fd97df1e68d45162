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
