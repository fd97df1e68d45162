//! Country names as a code scheme (`name`): the key a name is matched on, and the closest
//! known names for one that matches nothing.
//!
//! The crosswalk keeps every name as its list writes it ("Korea, Rep.", "Republic of Korea",
//! "KOREA, SOUTH"); the index files each under [`name_key`], so spellings that differ only in
//! case, accents, punctuation, word order or the usual abbreviations meet. Nothing else is
//! guessed: a key two entities share is ambiguous, and a key no entity has is unknown.

use unicode_normalization::UnicodeNormalization;

/// Abbreviations the published lists use, and the word each stands for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("rep", "republic"),
    ("dem", "democratic"),
    ("fed", "federated"),
    ("sts", "states"),
    ("st", "saint"),
    ("is", "islands"),
    ("isl", "islands"),
];

/// Words that carry no meaning for matching.
const DROPPED: &[&str] = &["the", "of", "and"];

/// The matching key of a country name: accents removed (NFKD, marks dropped), lower case,
/// apostrophes removed ("People's" = "Peoples"), every other run of non-alphanumerics a word
/// break, [`ABBREVIATIONS`] expanded, "the", "of" and "and" (also `&`) dropped, and the words
/// sorted. "Korea, Rep." and "Republic of Korea" both give `korea republic`.
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`'))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = folded
        .split_whitespace()
        .map(|w| {
            ABBREVIATIONS
                .iter()
                .find(|(abbr, _)| *abbr == w)
                .map_or(w, |(_, full)| full)
        })
        .filter(|w| !DROPPED.contains(w))
        .collect();
    words.sort_unstable();
    words.join(" ")
}

/// The `limit` names of `known` (name as written, its key) closest to `name`, best first,
/// by normalised Levenshtein similarity of the keys; names below 0.5 are not offered.
pub fn closest<'a>(
    name: &str,
    known: impl Iterator<Item = (&'a str, &'a str)>,
    limit: usize,
) -> Vec<&'a str> {
    let key = name_key(name);
    let mut scored: Vec<(f64, &str)> = known
        .map(|(written, k)| (strsim::normalized_levenshtein(&key, k), written))
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, written) in scored {
        if !out.contains(&written) {
            out.push(written);
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_that_differ_in_case_accents_punctuation_order_or_abbreviation_meet() {
        assert_eq!(name_key("Korea, Rep."), name_key("Republic of Korea"));
        assert_eq!(name_key("Korea, Rep."), "korea republic");
        assert_eq!(
            name_key("Korea, Dem. People's Rep."),
            name_key("Democratic People\u{2019}s Republic of Korea")
        );
        assert_eq!(name_key("Côte d’Ivoire"), name_key("COTE D'IVOIRE"));
        assert_eq!(
            name_key("São Tomé and Principe"),
            name_key("Sao Tome & Principe")
        );
        assert_eq!(name_key("St. Lucia"), name_key("Saint Lucia"));
        assert_eq!(
            name_key("  Kyrgyz   Republic "),
            name_key("kyrgyz republic")
        );
        // Different countries stay different.
        assert_ne!(name_key("Niger"), name_key("Nigeria"));
        assert_ne!(name_key("Sudan"), name_key("South Sudan"));
        assert_ne!(name_key("Guinea"), name_key("Equatorial Guinea"));
    }

    #[test]
    fn the_closest_names_come_first_and_distant_ones_are_not_offered() {
        let known = [
            ("Kyrgyzstan", "kyrgyzstan"),
            ("Kyrgyz Republic", "kyrgyz republic"),
            ("Tajikistan", "tajikistan"),
        ];
        let got = closest("Kyrgystan", known.iter().copied(), 2);
        assert_eq!(got[0], "Kyrgyzstan");
        assert!(got.len() <= 2);
        assert!(closest("Atlantis", known.iter().copied(), 3).is_empty());
    }
}
