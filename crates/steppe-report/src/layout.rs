//! Text measured, elided and wrapped in display columns (a CJK character is two columns, a
//! combining mark none), for output fitted to a terminal's width.

use comfy_table::{ColumnConstraint, ContentArrangement, Table};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The display width of `s` in terminal columns.
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` display columns, ending in `…` when cut.
pub fn elide(s: &str, max: usize) -> String {
    if display_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// `s` elided to `w` display columns, then padded with spaces to exactly `w` (left-aligned).
pub fn fit_left(s: &str, w: usize) -> String {
    let s = elide(s, w);
    let pad = w.saturating_sub(display_width(&s));
    format!("{s}{}", " ".repeat(pad))
}

/// `text` word-wrapped to `width` columns: the first line starts with `first`, the following
/// ones with spaces as wide as `first` (a hanging indent). Words longer than a line are split.
/// Lines end with `\n` and carry no trailing spaces.
pub fn wrap(first: &str, text: &str, width: usize) -> String {
    let indent = display_width(first);
    if indent + display_width(text) <= width || width < indent + 8 {
        return format!("{first}{text}\n");
    }
    // A borderless comfy-table: the indent column, and the text wrapped beside it.
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    if first.is_empty() {
        t.add_row(vec![text]);
    } else {
        t.add_row(vec![first, text]);
    }
    for (i, c) in t.column_iter_mut().enumerate() {
        c.set_padding((0, 0));
        if i == 0 && !first.is_empty() {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let mut out = String::new();
    for line in t.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elide_cuts_to_display_width_with_an_ellipsis() {
        assert_eq!(elide("Tajikistan", 20), "Tajikistan");
        assert_eq!(elide("Tajikistan", 6), "Tajik…");
        assert_eq!(display_width(&elide("中华人民共和国", 5)), 5);
        assert_eq!(fit_left("Kyrgyzstan", 12), "Kyrgyzstan  ");
        assert_eq!(
            fit_left("United Kingdom of Great Britain", 12),
            "United King…"
        );
    }

    #[test]
    fn wrap_keeps_a_hanging_indent_within_the_width() {
        let text = "the quick brown fox jumps over the lazy dog and keeps on running far away";
        let out = wrap("  [12] ", text, 30);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 2, "{out}");
        assert!(lines[0].starts_with("  [12] the quick"), "{out}");
        for l in &lines {
            assert!(display_width(l) <= 30, "{l:?}");
        }
        for l in &lines[1..] {
            assert!(
                l.starts_with("       ") && !l.starts_with("        "),
                "{l:?}"
            );
        }
        let words: Vec<&str> = out.split_whitespace().skip(1).collect();
        assert_eq!(words.join(" "), text);
        assert_eq!(wrap("  ", "short", 30), "  short\n");
    }
}
