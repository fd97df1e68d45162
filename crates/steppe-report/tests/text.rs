//! The report's terminal text: long partner names elided with the columns kept aligned, lines
//! within the width, the sections named for what they hold and enum values as words.

use steppe::report::View;
use steppe::Store;
use steppe_report::layout::display_width;

#[test]
fn long_partner_names_are_elided_and_the_columns_stay_aligned() {
    // A partner name far past the column is elided, and the numbers stay in their columns.
    let store = Store::bundled().unwrap();
    let mut report = steppe::report::build(&store, "TJK", ("RUS", "CHN")).unwrap();
    let long = "Russian Federation, its long official name running past the column";
    report.names.insert("RUS".into(), long.into());
    let text = steppe_report::text(&View::new(&report), 100);
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Main partners"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.starts_with("  shares"))
        .collect();
    assert_eq!(table.len(), 11, "{text}");
    let russia = table.iter().find(|l| l.starts_with("  Russian")).unwrap();
    assert!(russia.starts_with("  Russian Federation, its… "), "{text}");
    assert!(table.iter().all(|l| !l.contains(long)), "{text}");
    // Every row's sources start where the header's `sources` does.
    let at = |l: &str, pat: &str| display_width(&l[..l.find(pat).unwrap()]);
    let col = at(table[0], "sources");
    for row in &table[1..] {
        assert_eq!(at(row, "  [") + 2, col, "{text}");
    }
    for line in text.lines() {
        assert!(display_width(line) <= 100, "{line:?}");
    }
}

#[test]
fn sections_say_what_they_hold_and_enum_values_are_words() {
    let store = Store::bundled().unwrap();
    let text = steppe_report::text(
        &View::new(&steppe::report::build(&store, "TJK", ("RUS", "CHN")).unwrap()),
        100,
    );
    let section = |name: &str| -> String {
        text.lines()
            .skip_while(|l| !l.starts_with(name))
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // The article's quotations are under their own heading, not the profile's.
    assert!(section("Quoted from the sources").contains("“The poorest country"));
    assert!(!section("Profile").contains('“'));
    // Roles are words, with their dates.
    let roles = section("Memberships and roles");
    assert!(roles.contains("route country: Middle Corridor"), "{roles}");
    assert!(!text.contains("route_country"));
    assert!(
        roles.contains("member: Commonwealth of Independent States, since 1991-12-21"),
        "{roles}"
    );
    // Conflict kinds are words too.
    assert!(!text.contains("internationalized_intrastate"));
    assert!(section("Conflicts and events").contains("Tajik Civil War"));
}
