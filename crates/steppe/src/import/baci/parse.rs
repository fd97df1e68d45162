//! The BACI parser: lines of the reader's chunks straight into lean `trade_flows` rows (the
//! hot path: no CSV record, no allocation per row).

use crate::import::trade::{
    amount_field, digits, parse_uint, trim_field, Chunk, Chunks, Dict, LeanRow, Refusal, Sink,
    TradeParser,
};
use crate::Result;

use std::collections::HashMap;

use super::codes::{special_code, CountryCodes, ProductCodes};
use super::BaciFileName;

#[derive(Debug, Clone)]
pub(super) enum Mapping {
    /// Not in the country file.
    NotListed,
    /// Listed but naming no entity (why).
    Unresolved(String),
    /// The entity's key in the entity dictionary.
    Entity(i16),
}

/// The BACI parser: lines of chunks straight into lean rows.
pub(super) struct Parser {
    year: i16,
    country_file: String,
    code_map: Vec<Mapping>,
    n_entities: usize,
    products: Option<ProductCodes>,
    /// Dense index of each product number seen (for the duplicate bitmap).
    product_index: Vec<u32>,
    /// Dense index of each special code seen (`9999AA`).
    special_index: HashMap<[u8; 6], u32>,
    next_product: u32,
    /// Per (exporter, importer) pair: a bitmap over dense product indexes.
    seen: Vec<Vec<u64>>,
    line: u64,
    /// Entity keys used by accepted rows.
    used: Vec<bool>,
}

impl TradeParser for Parser {
    /// Which entity keys accepted rows use.
    type Outcome = Vec<bool>;

    fn parse(&mut self, mut input: Chunks, sink: &mut Sink) -> Result<()> {
        while let Some(chunk) = input.next() {
            let chunk = chunk?;
            self.chunk(&chunk, sink)?;
            sink.consumed(chunk.data.len() as u64);
            input.recycle(chunk.data);
        }
        Ok(())
    }

    fn outcome(self) -> Vec<bool> {
        self.used
    }
}

impl Parser {
    pub(super) fn new(
        name: &BaciFileName,
        countries: &CountryCodes,
        code_map: Vec<Mapping>,
        products: Option<&ProductCodes>,
        n_entities: usize,
    ) -> Parser {
        Parser {
            year: name.year,
            country_file: countries.input.name.clone(),
            code_map,
            n_entities,
            products: products.cloned(),
            product_index: vec![u32::MAX; 1_000_000],
            special_index: HashMap::new(),
            next_product: 0,
            seen: vec![Vec::new(); n_entities * n_entities],
            line: 0,
            used: vec![false; n_entities],
        }
    }

    fn chunk(&mut self, chunk: &Chunk, sink: &mut Sink) -> Result<()> {
        let data = &chunk.data[..];
        let mut start = 0;
        while start < data.len() {
            let (end, next) = match memchr::memchr(b'\n', &data[start..]) {
                Some(i) => (start + i, start + i + 1),
                None => (data.len(), data.len()),
            };
            self.line += 1;
            let no_newline = next == data.len() && chunk.last_without_newline;
            if self.line > 1 {
                self.row(&data[start..end], &data[start..next], no_newline, sink)?;
            }
            start = next;
        }
        Ok(())
    }

    #[inline]
    fn row(&mut self, line: &[u8], raw: &[u8], no_newline: bool, sink: &mut Sink) -> Result<()> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            return sink.skip("blank_line");
        }
        match self.parse_line(line, &sink.columns.dicts.entities) {
            Ok(r) => {
                sink.columns.push_lean(&r, self.line as i64);
                sink.accepted()
            }
            Err(refusal) => sink.refuse(self.line, refusal, raw, no_newline),
        }
    }

    /// Maps a data line (`t,i,j,k,v,q`) to a row, or says why not.
    #[inline]
    fn parse_line(
        &mut self,
        line: &[u8],
        entities: &Dict,
    ) -> std::result::Result<LeanRow, Refusal> {
        let [t, i, j, k, v, q] = split6(line)?;
        self.check_year(t)?;
        let reporter = self.entity("i", i)?;
        let partner = self.entity("j", j)?;
        let product = self.product(k)?;
        let (value, precision) = amount_field(v, 3, "v", "trade value")?.ok_or_else(|| {
            (
                Some("v"),
                "malformed_number",
                "the value is missing".to_string(),
            )
        })?;
        let quantity = amount_field(q, 0, "q", "quantity")?.map(|(q, _)| q);
        self.first_of(reporter, partner, product, entities)?;
        self.used[reporter as usize] = true;
        self.used[partner as usize] = true;
        Ok(LeanRow {
            reporter,
            partner,
            commodity: product.1,
            value,
            precision,
            quantity,
        })
    }

    fn check_year(&self, t: &[u8]) -> std::result::Result<(), Refusal> {
        let detail = match parse_uint(t) {
            Some(y) if y == self.year as u32 => return Ok(()),
            Some(y) => format!("year {y} in a file whose name says {}", self.year),
            None => format!("`{}` is not a year", String::from_utf8_lossy(trim_field(t))),
        };
        Err((Some("t"), "bad_year", detail))
    }

    /// The entity key of a country code of column `field`.
    fn entity(&self, field: &'static str, raw: &[u8]) -> std::result::Result<i16, Refusal> {
        let Some(code) = parse_uint(raw) else {
            let shown = String::from_utf8_lossy(trim_field(raw));
            let detail = format!("`{shown}` is not a country code");
            return Err((Some(field), "malformed_number", detail));
        };
        match self.code_map.get(code as usize) {
            Some(Mapping::Entity(k)) => Ok(*k),
            Some(Mapping::Unresolved(why)) => Err((Some(field), "unknown_code", why.clone())),
            _ => Err((
                Some(field),
                "unknown_code",
                format!("BACI code {code} is not in {}", self.country_file),
            )),
        }
    }

    /// The product's six-character code (lost leading zeros restored; a special code such as
    /// `9999AA` as given) and its dense index for the duplicate check.
    fn product(&mut self, raw: &[u8]) -> std::result::Result<(usize, [u8; 6]), Refusal> {
        let k = trim_field(raw);
        let Some(product) = digits(k, 6) else {
            if let Some(special) = special_code(k) {
                return self.special(special);
            }
            let detail = format!(
                "`{}` is not an HS6 product code (up to six digits) nor a special code (six characters: digits, then upper-case letters, as 9999AA)",
                String::from_utf8_lossy(k)
            );
            return Err((Some("k"), "malformed_code", detail));
        };
        if self.products.as_ref().is_some_and(|p| !p.lists(product)) {
            let detail = format!("product {product:06} is not in the product file");
            return Err((Some("k"), "unknown_code", detail));
        }
        let mut code = [b'0'; 6];
        code[6 - k.len()..].copy_from_slice(k);
        let slot = &mut self.product_index[product as usize];
        if *slot == u32::MAX {
            *slot = self.next_product;
            self.next_product += 1;
        }
        Ok((*slot as usize, code))
    }

    /// A special code's dense index, or `unknown_code` when a product file does not list it.
    fn special(&mut self, code: [u8; 6]) -> std::result::Result<(usize, [u8; 6]), Refusal> {
        if self
            .products
            .as_ref()
            .is_some_and(|p| !p.specials.contains(&code))
        {
            let shown = String::from_utf8_lossy(&code);
            let detail = format!("special product code {shown} is not in the product file");
            return Err((Some("k"), "unknown_code", detail));
        }
        let next = &mut self.next_product;
        let index = *self.special_index.entry(code).or_insert_with(|| {
            *next += 1;
            *next - 1
        });
        Ok((index as usize, code))
    }

    /// Refuses a second row for (exporter, importer, product) within the file's year;
    /// `pidx` is the product's dense index, `code` its code.
    fn first_of(
        &mut self,
        reporter: i16,
        partner: i16,
        (pidx, code): (usize, [u8; 6]),
        entities: &Dict,
    ) -> std::result::Result<(), Refusal> {
        let bits = &mut self.seen[reporter as usize * self.n_entities + partner as usize];
        let word = pidx / 64;
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        let mask = 1u64 << (pidx % 64);
        if bits[word] & mask == 0 {
            bits[word] |= mask;
            return Ok(());
        }
        Err((
            None,
            "duplicate",
            format!(
                "a second row for year {}, exporter {}, importer {}, product {} (the first is kept)",
                self.year,
                entities.value(reporter),
                entities.value(partner),
                String::from_utf8_lossy(&code)
            ),
        ))
    }
}

/// The six fields of a data line, or `wrong_column_count`.
#[inline]
fn split6(line: &[u8]) -> std::result::Result<[&[u8]; 6], Refusal> {
    let mut fields: [&[u8]; 6] = [b""; 6];
    let mut n = 0;
    for field in line.split(|b| *b == b',') {
        if n < 6 {
            fields[n] = field;
        }
        n += 1;
    }
    if n == 6 {
        Ok(fields)
    } else {
        let detail = format!("{n} fields; the header names 6 (t,i,j,k,v,q)");
        Err((None, "wrong_column_count", detail))
    }
}
