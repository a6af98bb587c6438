//! The history exported to CSV and JSON, with times in RFC 3339 (UTC) and cells a spreadsheet will not run as
//! formulas.

use super::history::EachError;
use super::{Action, HistoryEntry, HistoryQuery, MemoryError, Store};
use serde::Serialize;
use std::io::{self, Write};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::UtcDateTime;

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
/// e.g. `2024-02-29T23:59:59.999Z`. Valid for years 0 to 9999 (an instant beyond the years -9999 to 9999 is
/// shown as the first or last instant of that range).
pub fn format_rfc3339_utc(ms: i64) -> String {
    const FORMAT: &[BorrowedFormatItem<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    let fallback = if ms < 0 {
        UtcDateTime::MIN
    } else {
        UtcDateTime::MAX
    };
    let time =
        UtcDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(fallback);
    // Formatting fails only for a format asking for parts the value lacks (an offset, say); this one does not.
    time.format(FORMAT).unwrap_or_default()
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
            EachError::Db(cause) => self.db_error(Action::ReadForExport)(cause),
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

    #[test]
    fn rfc3339_clamps_instants_beyond_the_calendar() {
        assert_eq!(format_rfc3339_utc(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(format_rfc3339_utc(i64::MIN), "-9999-01-01T00:00:00.000Z");
    }
}
