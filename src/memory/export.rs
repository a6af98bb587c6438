//! The history exported to CSV and JSON, with times in RFC 3339 (UTC) and cells a spreadsheet will not run as
//! formulas.

use super::history::EachError;
use super::{HistoryEntry, HistoryQuery, MemoryError, Store};
use serde::Serialize;
use std::io::{self, Write};

/// A CSV cell a spreadsheet will not evaluate: text starting with a formula character gets a leading `'`
/// (OWASP's advice for CSV injection).
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `ms` (milliseconds since the Unix epoch) as an RFC 3339 UTC time with milliseconds,
/// e.g. `2024-02-29T23:59:59.999Z`. Valid for years 0 to 9999.
pub fn format_rfc3339_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day) — Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The export's columns, in order.
const EXPORT_HEADER: [&str; 9] = [
    "time",
    "region",
    "source",
    "translation",
    "provider",
    "model",
    "from",
    "to",
    "edited",
];

/// One line of a JSON export.
#[derive(Serialize)]
struct ExportRow<'a> {
    time: String,
    region: &'a str,
    source: &'a str,
    translation: &'a str,
    provider: &'a str,
    model: &'a str,
    from: &'a str,
    to: &'a str,
    edited: bool,
}

impl<'a> From<&'a HistoryEntry> for ExportRow<'a> {
    fn from(e: &'a HistoryEntry) -> Self {
        ExportRow {
            time: format_rfc3339_utc(e.time_ms),
            region: &e.region,
            source: &e.key.source,
            translation: &e.translation,
            provider: &e.key.provider,
            model: &e.key.model,
            from: &e.key.from,
            to: &e.key.to,
            edited: e.edited,
        }
    }
}

impl Store {
    /// Writes the history lines `query` selects to `w` as CSV, oldest first, and returns how many. The file
    /// starts with a UTF-8 byte-order mark (so spreadsheet programs read CJK text right) and a header row: `time`
    /// (RFC 3339, UTC), `region`, `source`, `translation`, `provider`, `model`, `from`, `to`, `edited`
    /// (`true`/`false`). Fields with line breaks, commas or quotes are quoted. A text cell that a spreadsheet
    /// would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: OCR text comes from
    /// anyone's screen) gets a leading `'`, so it opens as text.
    pub fn export_csv<W: Write>(
        &self,
        mut w: W,
        query: &HistoryQuery,
    ) -> Result<usize, MemoryError> {
        let export = |cause| MemoryError::Export { cause };
        w.write_all(b"\xEF\xBB\xBF").map_err(export)?;
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(EXPORT_HEADER)
            .map_err(|e| export(e.into()))?;
        let n = self.export_each(query, |e| {
            let time = format_rfc3339_utc(e.time_ms);
            let k = &e.key;
            csv.write_record([
                time.as_str(),
                &spreadsheet_safe(&e.region),
                &spreadsheet_safe(&k.source),
                &spreadsheet_safe(&e.translation),
                &spreadsheet_safe(&k.provider),
                &spreadsheet_safe(&k.model),
                &k.from,
                &k.to,
                if e.edited { "true" } else { "false" },
            ])
            .map_err(io::Error::from)
        })?;
        csv.flush().map_err(export)?;
        Ok(n)
    }

    /// Writes the history lines `query` selects to `w` as a JSON array, oldest first, one object per line with
    /// the fields of [`Store::export_csv`] (`edited` a boolean); returns how many.
    pub fn export_json<W: Write>(
        &self,
        mut w: W,
        query: &HistoryQuery,
    ) -> Result<usize, MemoryError> {
        let export = |cause| MemoryError::Export { cause };
        w.write_all(b"[").map_err(export)?;
        let mut first = true;
        let n = self.export_each(query, |e| {
            let sep: &[u8] = if first { b"\n" } else { b",\n" };
            w.write_all(sep)?;
            first = false;
            serde_json::to_writer(&mut w, &ExportRow::from(&e)).map_err(io::Error::from)
        })?;
        let end: &[u8] = if n == 0 { b"]\n" } else { b"\n]\n" };
        w.write_all(end).map_err(export)?;
        w.flush().map_err(export)?;
        Ok(n)
    }

    fn export_each(
        &self,
        query: &HistoryQuery,
        mut f: impl FnMut(HistoryEntry) -> io::Result<()>,
    ) -> Result<usize, MemoryError> {
        let mut n = 0;
        self.for_each(query, true, |e| {
            n += 1;
            f(e)
        })
        .map_err(|e| match e {
            EachError::Db(cause) => self.db_error("read the history for export")(cause),
            EachError::Io(cause) => MemoryError::Export { cause },
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(format_rfc3339_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339_utc(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            format_rfc3339_utc(1_709_251_199_999),
            "2024-02-29T23:59:59.999Z"
        );
        assert_eq!(
            format_rfc3339_utc(1_709_251_200_000),
            "2024-03-01T00:00:00.000Z"
        );
        assert_eq!(format_rfc3339_utc(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            format_rfc3339_utc(4_102_444_800_000),
            "2100-01-01T00:00:00.000Z"
        );
    }
}
