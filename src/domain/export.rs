//! Claims as a spreadsheet: one CSV row per claim (RFC 4180, UTF-8, header
//! row first), with cells that a spreadsheet would run as a formula made
//! inert.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};

use super::claim::{Claim, ClaimStatus};

/// The columns, in order.
pub const COLUMNS: [&str; 14] = [
    "id",
    "article_id",
    "article_title",
    "text",
    "claimant",
    "kind",
    "status",
    "rating",
    "verdict_summary",
    "assignee_email",
    "source_urls",
    "created_at",
    "updated_at",
    "verified_at",
];

/// A claim with what its row shows from elsewhere.
#[derive(Debug, Clone)]
pub struct ClaimRow {
    pub claim: Claim,
    pub article_title: Option<String>,
    pub assignee_email: Option<String>,
    /// Its sources' URLs, oldest first.
    pub source_urls: Vec<String>,
}

/// A cell as a spreadsheet may open it: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would be read as a formula (or, after a
/// tab, as the next cell's), so it gets a leading `'`, which spreadsheets
/// show as text and hide.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A time as the CSV export and the ClaimReview feed write it: RFC 3339 in
/// UTC with microseconds, so that `since=` round-trips exactly.
pub fn rfc3339_micros(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl ClaimRow {
    /// The row's cells, in the order of `COLUMNS`, not yet neutralised.
    pub fn cells(&self) -> [String; 14] {
        let c = &self.claim;
        let verdict = c.verdict.as_ref();
        let verified_at = verdict
            .filter(|_| c.status == ClaimStatus::Verified)
            .and_then(|v| v.approved_at);
        [
            c.id.to_string(),
            c.article_id.map(|a| a.to_string()).unwrap_or_default(),
            self.article_title.clone().unwrap_or_default(),
            c.content.text.as_str().to_owned(),
            c.content.claimant.clone().unwrap_or_default(),
            c.analysis.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
            c.status.as_str().to_owned(),
            verdict.map(|v| v.rating.as_str().to_owned()).unwrap_or_default(),
            verdict.map(|v| v.summary.clone()).unwrap_or_default(),
            self.assignee_email.clone().unwrap_or_default(),
            self.source_urls.join(" "),
            rfc3339_micros(c.created_at),
            rfc3339_micros(c.updated_at),
            verified_at.map(rfc3339_micros).unwrap_or_default(),
        ]
    }
}

/// Writes `rows` as CSV records (with the header row first when `header`),
/// every cell neutralised, lines ended CRLF as RFC 4180 has it.
pub fn to_csv(rows: &[ClaimRow], header: bool) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(256 * (rows.len() + 1)));
    // Writing to memory cannot fail.
    if header {
        let _ = out.write_record(COLUMNS);
    }
    for row in rows {
        let cells = row.cells();
        let _ = out.write_record(cells.iter().map(|c| neutralise(c).into_owned()));
    }
    out.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_text() {
        for cell in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["", "plain", "1-2", " =x", "'quoted"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
