//! What each publisher serves and where: the URL of every file of a selection, and the
//! publishers' own file lists (GDELT's, with sizes and MD5s). URLs follow the publishers'
//! documentation as cited in `docs/importers.md`.

use chrono::NaiveDate;

use crate::{Error, Result};

/// A selection of one publisher's files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// World Bank WDI, one API download (zipped CSV with its metadata files) per indicator;
    /// all economies, or only `countries` (World Bank / ISO alpha-3 codes).
    Wdi {
        /// Indicator codes (`SP.POP.TOTL`).
        indicators: Vec<String>,
        /// Economies (`TJK`); empty for all.
        countries: Vec<String>,
    },
    /// World Bank WDI, the bulk archive `WDI_CSV.zip`.
    WdiBulk,
    /// GDELT event exports whose date (1.0: the file's day; 2.0: its 15-minute stamp) lies in
    /// `from..=to`.
    Gdelt {
        /// 1 (daily files) or 2 (15-minute files).
        version: u8,
        /// First day.
        from: NaiveDate,
        /// Last day (included).
        to: NaiveDate,
    },
    /// UCDP Georeferenced Event Dataset, a release (`25.1`).
    UcdpGed {
        /// The release.
        version: String,
    },
    /// UCDP GED events from UCDP's API (a token is needed), a release or a monthly
    /// Candidate release (`25.1`, `25.0.9`), page after page.
    UcdpGedApi {
        /// The release.
        version: String,
    },
    /// UCDP/PRIO Armed Conflict Dataset, a release (`25.1`).
    UcdpAcd {
        /// The release.
        version: String,
    },
    /// UN Comtrade's data API (with a key) or its public preview (without).
    Comtrade(super::comtrade::Query),
    /// CEPII BACI, a release archive of one HS revision.
    Baci {
        /// The HS revision (`92`, `96`, `02`, `07`, `12`, `17`, `22`).
        hs: String,
        /// The release (`202501`, `V202501`), or `latest`: the one CEPII's BACI page names.
        release: String,
    },
}

/// One file to fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The publisher's URL.
    pub url: String,
    /// The file name it is cached under (its extension tells the importers its kind).
    pub name: String,
    /// The size the publisher's list gives.
    pub size: Option<u64>,
    /// The MD5 the publisher's list gives (hex, lower case).
    pub md5: Option<String>,
    /// What the importers need made of the file.
    pub derive: Derive,
}

/// What is made of a fetched file for the importers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derive {
    /// Nothing: the importers read it as it is.
    Nothing,
    /// Its zip members unpacked (the World Bank's downloads).
    Unzip,
    /// A CSV of the events of a UCDP API page.
    UcdpCsv,
    /// A CSV of a UN Comtrade API answer; `limit` is the rows a call returns at most.
    ComtradeCsv {
        /// The call's row limit.
        limit: u64,
    },
}

impl Item {
    fn new(url: String, name: String) -> Item {
        Item {
            url,
            name,
            size: None,
            md5: None,
            derive: Derive::Nothing,
        }
    }
}

/// The World Bank's bulk WDI archive.
pub const WDI_BULK_URL: &str = "https://databank.worldbank.org/data/download/WDI_CSV.zip";
/// GDELT 1.0's list of event files with their MD5s (`<md5>  <file>`).
pub const GDELT1_MD5S: &str = "http://data.gdeltproject.org/events/md5sums";
/// GDELT 1.0's list of event files with their sizes (`<bytes> <file>`).
pub const GDELT1_SIZES: &str = "http://data.gdeltproject.org/events/filesizes";
/// CEPII's BACI page, which names the current release.
pub const BACI_PAGE: &str = "https://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37";
/// GDELT 2.0's list of every file (`<bytes> <md5> <url>`).
pub const GDELT2_MASTER: &str = "http://data.gdeltproject.org/gdeltv2/masterfilelist.txt";

impl Selection {
    /// The publisher, as its Sources name it.
    pub fn publisher(&self) -> &'static str {
        match self {
            Selection::Wdi { .. } | Selection::WdiBulk => "World Bank",
            Selection::Gdelt { .. } => "The GDELT Project",
            Selection::UcdpGed { .. } | Selection::UcdpGedApi { .. } => {
                "Uppsala Conflict Data Program (UCDP)"
            }
            Selection::UcdpAcd { .. } => "UCDP and PRIO",
            Selection::Baci { .. } => "CEPII",
            Selection::Comtrade(_) => "United Nations Statistics Division (UN Comtrade)",
        }
    }

    /// The release this selection names (`25.1`, `V202501`), for the Sources.
    pub fn version(&self) -> Option<String> {
        match self {
            Selection::UcdpGed { version }
            | Selection::UcdpAcd { version }
            | Selection::UcdpGedApi { version } => Some(version.clone()),
            Selection::Baci { release, .. } => Some(baci_release(release).ok()?),
            _ => None,
        }
    }

    /// The lists to fetch before the files are known (GDELT's), in order.
    pub fn listings(&self) -> Vec<Item> {
        match self {
            Selection::Gdelt { version: 1, .. } => vec![
                Item::new(GDELT1_MD5S.into(), "md5sums.txt".into()),
                Item::new(GDELT1_SIZES.into(), "filesizes.txt".into()),
            ],
            Selection::Gdelt { .. } => {
                vec![Item::new(GDELT2_MASTER.into(), "masterfilelist.txt".into())]
            }
            Selection::Baci { release, .. } if release.eq_ignore_ascii_case("latest") => {
                vec![Item::new(
                    BACI_PAGE.into(),
                    "bdd_modele_item_37.html".into(),
                )]
            }
            _ => Vec::new(),
        }
    }

    /// The files of this selection; `listings` holds the text of [`Selection::listings`].
    pub fn items(&self, listings: &[String]) -> Result<Vec<Item>> {
        match self {
            Selection::Wdi {
                indicators,
                countries,
            } => wdi_items(indicators, countries),
            Selection::WdiBulk => {
                let mut item = Item::new(WDI_BULK_URL.into(), "WDI_CSV.zip".into());
                item.derive = Derive::Unzip;
                Ok(vec![item])
            }
            Selection::Gdelt { version, from, to } => match (version, listings) {
                (1, [md5s, sizes]) => Ok(gdelt1_items(md5s, sizes, *from, *to)),
                (2, [master]) => Ok(gdelt2_items(master, *from, *to)),
                _ => Err(Error::InvalidArgument(format!(
                    "GDELT version {version}: 1 (daily files) or 2 (15-minute files)"
                ))),
            },
            Selection::UcdpGed { version } => {
                let v = ucdp_version(version)?;
                let url = format!("https://ucdp.uu.se/downloads/ged/ged{v}-csv.zip");
                Ok(vec![Item::new(url, format!("ged{v}-csv.zip"))])
            }
            Selection::UcdpGedApi { version } => {
                let url = super::ucdp_api::first_page(version).map_err(Error::InvalidArgument)?;
                let name = super::ucdp_api::page_name(version, 0);
                Ok(vec![Item {
                    derive: Derive::UcdpCsv,
                    ..Item::new(url, name)
                }])
            }
            Selection::UcdpAcd { version } => {
                let v = ucdp_version(version)?;
                let url =
                    format!("https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-{v}-csv.zip");
                Ok(vec![Item::new(url, format!("ucdp-prio-acd-{v}-csv.zip"))])
            }
            Selection::Comtrade(query) => Ok(query
                .requests()
                .map_err(Error::InvalidArgument)?
                .into_iter()
                .map(|(url, name, limit)| Item {
                    derive: Derive::ComtradeCsv { limit },
                    ..Item::new(url, name)
                })
                .collect()),
            Selection::Baci { hs, release } => {
                let hs = hs.trim().trim_start_matches(['H', 'h', 'S', 's']);
                if !["92", "96", "02", "07", "12", "17", "22"].contains(&hs) {
                    return Err(Error::InvalidArgument(format!(
                        "BACI HS revision `{hs}`: one of 92, 96, 02, 07, 12, 17, 22"
                    )));
                }
                let release = match listings {
                    [page] if release.eq_ignore_ascii_case("latest") => latest_baci(page, hs)?,
                    _ => baci_release(release)?,
                };
                let name = format!("BACI_HS{hs}_{release}.zip");
                let url = format!("https://www.cepii.fr/DATA_DOWNLOAD/baci/data/{name}");
                Ok(vec![Item::new(url, name)])
            }
        }
    }
}

/// One API download per indicator: `https://api.worldbank.org/v2/en/indicator/<CODE>?downloadformat=csv`,
/// or `.../v2/en/country/<A;B>/indicator/<CODE>?downloadformat=csv` for some economies.
fn wdi_items(indicators: &[String], countries: &[String]) -> Result<Vec<Item>> {
    if indicators.is_empty() {
        return Err(Error::InvalidArgument(
            "name at least one WDI indicator (SP.POP.TOTL), or fetch the bulk archive".into(),
        ));
    }
    let code_ok = |c: &str| {
        !c.is_empty()
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '_')
    };
    let mut items = Vec::new();
    for code in indicators {
        let code = code.trim().to_ascii_uppercase();
        if !code_ok(&code) {
            return Err(Error::InvalidArgument(format!(
                "`{code}` is not a WDI indicator code (letters, digits and dots: SP.POP.TOTL)"
            )));
        }
        let (url, name) = if countries.is_empty() {
            (
                format!("https://api.worldbank.org/v2/en/indicator/{code}?downloadformat=csv"),
                format!("API_{code}_DS2_csv.zip"),
            )
        } else {
            let mut list = Vec::new();
            for c in countries {
                let c = c.trim().to_ascii_uppercase();
                if !code_ok(&c) {
                    return Err(Error::InvalidArgument(format!(
                        "`{c}` is not an economy code (TJK)"
                    )));
                }
                list.push(c);
            }
            let list = list.join(";");
            (
                format!(
                    "https://api.worldbank.org/v2/en/country/{list}/indicator/{code}?downloadformat=csv"
                ),
                format!("API_{code}_{list}_csv.zip"),
            )
        };
        let mut item = Item::new(url, name);
        item.derive = Derive::Unzip;
        items.push(item);
    }
    Ok(items)
}

/// `25.1`, `v25_1`, `251` → `251`.
fn ucdp_version(version: &str) -> Result<String> {
    let v = version.trim().trim_start_matches(['v', 'V']);
    let digits: String = v.chars().filter(|c| *c != '.' && *c != '_').collect();
    if digits.len() >= 3 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Error::InvalidArgument(format!(
            "UCDP version `{version}`: a release such as 25.1"
        )))
    }
}

/// `202501`, `V202501`, `V202401b` → `V202501`.
fn baci_release(release: &str) -> Result<String> {
    let r = release.trim().trim_start_matches(['V', 'v']);
    let ok = r.len() >= 6
        && r[..6].chars().all(|c| c.is_ascii_digit())
        && r[6..].chars().all(|c| c.is_ascii_lowercase());
    if ok {
        Ok(format!("V{r}"))
    } else {
        Err(Error::InvalidArgument(format!(
            "BACI release `{release}`: a release such as V202501"
        )))
    }
}

/// The release CEPII's BACI page offers for revision `hs`: the `BACI_HS<hs>_V<release>.zip`
/// it links (the newest, when several), else the release its text names ("This is the
/// 202401b version").
fn latest_baci(page: &str, hs: &str) -> Result<String> {
    let prefix = format!("BACI_HS{hs}_V");
    let mut linked: Vec<String> = page
        .match_indices(&prefix)
        .filter_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(".zip")?;
            baci_release(&rest[..end]).ok()
        })
        .collect();
    linked.sort();
    if let Some(newest) = linked.pop() {
        return Ok(newest);
    }
    // The page's text without its tags.
    let mut text = String::with_capacity(page.len());
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(5)
        .find(|w| w[0] == "This" && w[1] == "is" && w[2] == "the" && w[4].starts_with("version"))
        .and_then(|w| baci_release(w[3]).ok())
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "CEPII's BACI page ({BACI_PAGE}) names no release that steppe can read; give one (V202501)"
            ))
        })
}

/// The day a GDELT file name starts with (`20240105.export.CSV.zip`,
/// `20240105103000.export.CSV.zip`).
fn file_day(name: &str) -> Option<NaiveDate> {
    let digits = name.get(..8)?;
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

fn in_range(name: &str, from: NaiveDate, to: NaiveDate) -> bool {
    name.ends_with(".export.CSV.zip") && file_day(name).is_some_and(|d| d >= from && d <= to)
}

/// GDELT 1.0: daily files from `md5sums` (`<md5>  <file>`) and `filesizes` (`<bytes>
/// <file>`), under `http://data.gdeltproject.org/events/`.
fn gdelt1_items(md5s: &str, sizes: &str, from: NaiveDate, to: NaiveDate) -> Vec<Item> {
    let size_of: std::collections::HashMap<&str, u64> = sizes
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let size = f.next()?.parse().ok()?;
            Some((f.next()?, size))
        })
        .collect();
    let mut items: Vec<Item> = md5s
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let md5 = f.next()?.to_ascii_lowercase();
            let name = f.next()?;
            in_range(name, from, to).then(|| Item {
                url: format!("http://data.gdeltproject.org/events/{name}"),
                name: name.to_string(),
                size: size_of.get(name).copied(),
                md5: Some(md5),
                derive: Derive::Nothing,
            })
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    items
}

/// GDELT 2.0: the export files of `masterfilelist.txt` (`<bytes> <md5> <url>`).
fn gdelt2_items(master: &str, from: NaiveDate, to: NaiveDate) -> Vec<Item> {
    let mut items: Vec<Item> = master
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let size = f.next()?.parse().ok()?;
            let md5 = f.next()?.to_ascii_lowercase();
            let url = f.next()?;
            let name = url.rsplit('/').next()?;
            in_range(name, from, to).then(|| Item {
                url: url.to_string(),
                name: name.to_string(),
                size: Some(size),
                md5: Some(md5),
                derive: Derive::Nothing,
            })
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn gdelt2_keeps_the_export_files_of_the_range_with_size_and_md5() {
        let master = "\
150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20150218230000.export.CSV.zip
318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/20150218230000.mentions.CSV.zip
149211 2A91041D7E72B0FC6A629E2FF867B240 http://data.gdeltproject.org/gdeltv2/20150219000000.export.CSV.zip
garbage
";
        let items = gdelt2_items(master, day("2015-02-19"), day("2015-02-19"));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].name, "20150219000000.export.CSV.zip");
        assert_eq!(items[0].size, Some(149211));
        assert_eq!(
            items[0].md5.as_deref(),
            Some("2a91041d7e72b0fc6a629e2ff867b240")
        );
    }

    #[test]
    fn gdelt1_joins_md5s_and_sizes() {
        let md5s = "aa  20130401.export.CSV.zip\nbb  20130402.export.CSV.zip\ncc  1979.zip\n";
        let sizes = "10 20130401.export.CSV.zip\n20 20130402.export.CSV.zip\n";
        let items = gdelt1_items(md5s, sizes, day("2013-04-02"), day("2013-05-01"));
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].url,
            "http://data.gdeltproject.org/events/20130402.export.CSV.zip"
        );
        assert_eq!(
            (items[0].size, items[0].md5.as_deref()),
            (Some(20), Some("bb"))
        );
    }

    #[test]
    fn the_latest_baci_release_is_read_from_cepiis_page() {
        let linked = r#"<a href="../../../DATA_DOWNLOAD/baci/data/BACI_HS92_V202401b.zip">HS92</a>
            <a href="../../../DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip">HS92</a>
            <a href="../../../DATA_DOWNLOAD/baci/data/BACI_HS17_V202601.zip">HS17</a>"#;
        assert_eq!(latest_baci(linked, "92").unwrap(), "V202501");
        let text = "<p>Last update: April 9, 2024.</p><p>This is the <b>202401b</b> version. It supersedes</p>";
        assert_eq!(latest_baci(text, "92").unwrap(), "V202401b");
        assert!(latest_baci("<html>nothing</html>", "92").is_err());
        let sel = Selection::Baci {
            hs: "92".into(),
            release: "latest".into(),
        };
        assert_eq!(sel.listings()[0].url, BACI_PAGE);
        let items = sel.items(&[linked.to_string()]).unwrap();
        assert_eq!(
            items[0].url,
            "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip"
        );
    }

    #[test]
    fn urls_of_each_publisher() {
        let wdi = Selection::Wdi {
            indicators: vec!["sp.pop.totl".into()],
            countries: vec![],
        };
        assert_eq!(
            wdi.items(&[]).unwrap()[0].url,
            "https://api.worldbank.org/v2/en/indicator/SP.POP.TOTL?downloadformat=csv"
        );
        let wdi = Selection::Wdi {
            indicators: vec!["SP.POP.TOTL".into()],
            countries: vec!["tjk".into(), "KGZ".into()],
        };
        assert_eq!(
            wdi.items(&[]).unwrap()[0].url,
            "https://api.worldbank.org/v2/en/country/TJK;KGZ/indicator/SP.POP.TOTL?downloadformat=csv"
        );
        let ged = Selection::UcdpGed {
            version: "25.1".into(),
        };
        assert_eq!(
            ged.items(&[]).unwrap()[0].url,
            "https://ucdp.uu.se/downloads/ged/ged251-csv.zip"
        );
        let acd = Selection::UcdpAcd {
            version: "v25_1".into(),
        };
        assert_eq!(
            acd.items(&[]).unwrap()[0].url,
            "https://ucdp.uu.se/downloads/ucdpprio/ucdp-prio-acd-251-csv.zip"
        );
        let baci = Selection::Baci {
            hs: "HS92".into(),
            release: "202501".into(),
        };
        assert_eq!(
            baci.items(&[]).unwrap()[0].url,
            "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS92_V202501.zip"
        );
        assert!(Selection::Baci {
            hs: "93".into(),
            release: "202501".into()
        }
        .items(&[])
        .is_err());
        assert!(Selection::UcdpGed {
            version: "x".into()
        }
        .items(&[])
        .is_err());
    }
}
