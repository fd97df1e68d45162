//! `steppe info`, `steppe validate` and `steppe gc`.

use std::path::Path;

use steppe::{Result, Store, Table};

/// Prints tables, row counts, sources and the schema version.
pub fn info(store: &Store) -> Result<i32> {
    let d = store.descriptor();
    // Long lines wrap to the terminal (`COLUMNS`) with a hanging indent; a pipe gets them whole.
    let width = crate::term::width().unwrap_or(usize::MAX);
    let wrap = |first: &str, text: &str| print!("{}", crate::term::wrap(first, text, width));
    wrap("store: ", &store.display_name());
    let title = d.title.as_ref().map(|t| format!(" ({t})"));
    wrap(
        "package: ",
        &format!("{}{}", d.name, title.unwrap_or_default()),
    );
    println!(
        "schema version: {}   generation: {}",
        d.steppe.schema_version, d.steppe.generation
    );
    if let Some(c) = &d.created {
        println!("written: {c}");
    }
    println!();
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "table",
        "rows",
        "files",
        "partitioned by",
        "redistributable",
    ]);
    for table in Table::ALL {
        let (rows, files, part, redist) = match d.resource(*table) {
            Some(r) => (
                r.steppe.rows,
                r.steppe.files.len(),
                r.steppe.partition_by.join(","),
                r.steppe.redistributable,
            ),
            None => (0, 0, String::new(), true),
        };
        t.add_row(vec![
            table.name().to_string(),
            rows.to_string(),
            files.to_string(),
            part,
            if redist { "yes".into() } else { "no".into() },
        ]);
    }
    for c in [1, 2] {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(comfy_table::CellAlignment::Right);
        }
    }
    // The table fits the terminal too: headers wrap, table names stay whole.
    if let Some(col) = t.column_mut(0) {
        col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
    if width < usize::MAX {
        t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
            .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    println!("{t}");
    let licences: Vec<&str> = d.licenses.iter().map(|l| l.name.as_str()).collect();
    let licences = if licences.is_empty() {
        "none recorded".to_string()
    } else {
        licences.join(", ")
    };
    let first = format!("{} source(s); licences: ", store.row_count(Table::Sources));
    println!();
    wrap(&first, &licences);
    if !d.steppe.imports.is_empty() {
        println!("\nimports:");
        for i in &d.steppe.imports {
            let first = format!("  {} ", i.importer);
            let text = format!(
                "{}: read {}, written {}, rejected {}",
                i.file,
                i.rows_read,
                i.rows_written.values().sum::<u64>(),
                i.rows_rejected
            );
            wrap(&first, &text);
        }
    }
    Ok(0)
}

/// Validates; exit 1 with the report on any problem.
pub fn validate(store: &Store) -> Result<i32> {
    let report = steppe::validate(store)?;
    let rows: u64 = report.rows_checked.iter().map(|(_, n)| n).sum();
    if report.is_ok() {
        println!(
            "ok: {} checked, {} file(s), {rows} row(s) in {} table(s), no problems",
            store.display_name(),
            report.files_checked,
            report.rows_checked.len()
        );
        Ok(0)
    } else {
        for p in &report.problems {
            println!("{p}");
        }
        eprintln!(
            "error: {} problem(s) in {}",
            report.problems.len(),
            store.display_name()
        );
        Ok(1)
    }
}

/// Removes unreferenced files.
pub fn gc(path: &Path) -> Result<i32> {
    let report = steppe::store::gc(path)?;
    for r in &report.removed {
        println!("removed {r}");
    }
    println!(
        "{} file(s) removed, {} byte(s) freed",
        report.removed.len(),
        report.bytes_freed
    );
    Ok(0)
}
