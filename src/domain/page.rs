//! Keyset pagination: a page is "the next `limit` rows after this position".
//! Positions are (created_at, id) pairs, so inserts never shift later pages
//! the way OFFSET would.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u64);

impl Limit {
    pub fn parse(value: Option<i64>) -> Result<Self, String> {
        Self::parse_within(value, DEFAULT_LIMIT, MAX_LIMIT)
    }

    /// For collections with their own default and ceiling.
    pub fn parse_within(value: Option<i64>, default: u64, max: u64) -> Result<Self, String> {
        match value {
            None => Ok(Self(default)),
            Some(n) if (1..=max as i64).contains(&n) => Ok(Self(n as u64)),
            Some(n) => Err(format!("must be between 1 and {max} (got {n})")),
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// A batch size the server chooses (at least 1).
    pub fn batch(n: u64) -> Self {
        Self(n.max(1))
    }
}

/// Position of the last row of a page; the next page starts strictly after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    /// Opaque to clients: they must pass back what they were given.
    pub fn encode(&self) -> String {
        let raw = format!("{}|{}", self.created_at.timestamp_micros(), self.id);
        URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn decode(value: &str) -> Result<Self, String> {
        const BAD: &str =
            "is not a cursor this server issued; pass the next_cursor of a previous page unchanged";
        let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| BAD.to_owned())?;
        let raw = String::from_utf8(bytes).map_err(|_| BAD.to_owned())?;
        let (micros, id) = raw.split_once('|').ok_or(BAD)?;
        let micros: i64 = micros.parse().map_err(|_| BAD.to_owned())?;
        Ok(Self {
            created_at: DateTime::from_timestamp_micros(micros)
                .filter(storable)
                .ok_or(BAD)?,
            id: id.parse().map_err(|_| BAD.to_owned())?,
        })
    }
}

/// Position in a list ranked by relevance: (rank, id), best first. The rank
/// travels as its exact bits, so the next page compares against the very
/// value the database computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankCursor {
    pub rank: f64,
    pub id: Uuid,
}

const RANK_PREFIX: &str = "rank:";

impl RankCursor {
    pub fn encode(&self) -> String {
        let raw = format!("{RANK_PREFIX}{:016x}|{}", self.rank.to_bits(), self.id);
        URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn decode(value: &str) -> Result<Self, String> {
        const BAD: &str = "is not a cursor of this search; pass the next_cursor of the previous page \
                           unchanged, with the same q and sort";
        let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| BAD.to_owned())?;
        let raw = String::from_utf8(bytes).map_err(|_| BAD.to_owned())?;
        let raw = raw.strip_prefix(RANK_PREFIX).ok_or(BAD)?;
        let (bits, id) = raw.split_once('|').ok_or(BAD)?;
        let rank = f64::from_bits(u64::from_str_radix(bits, 16).map_err(|_| BAD.to_owned())?);
        if !rank.is_finite() {
            return Err(BAD.to_owned());
        }
        Ok(Self {
            rank,
            id: id.parse().map_err(|_| BAD.to_owned())?,
        })
    }
}

/// What a page hands back for the next request, and reads back from it.
pub trait Position: Sized {
    fn encode(&self) -> String;
    fn decode(value: &str) -> Result<Self, String>;
}

impl Position for Cursor {
    fn encode(&self) -> String {
        Cursor::encode(self)
    }

    fn decode(value: &str) -> Result<Self, String> {
        Cursor::decode(value)
    }
}

impl Position for RankCursor {
    fn encode(&self) -> String {
        RankCursor::encode(self)
    }

    fn decode(value: &str) -> Result<Self, String> {
        RankCursor::decode(value)
    }
}

/// One page of results. `next` is set only when more rows follow.
#[derive(Debug)]
pub struct Page<T, C = Cursor> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

impl<T, C> Page<T, C> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra
    /// row only proves that another page exists.
    pub fn from_rows(mut rows: Vec<T>, limit: Limit, position: impl Fn(&T) -> C) -> Self {
        let more = rows.len() as u64 > limit.get();
        rows.truncate(limit.get() as usize);
        let next = if more { rows.last().map(position) } else { None };
        Self { items: rows, next }
    }
}

/// Whether a time can be stored and compared alike on both databases: in
/// the years 0001-9999, the four-digit years of RFC 3339. PostgreSQL's
/// `timestamptz` refuses years before 4713 BC, and SQLite compares times
/// as text, where "+10000-…" sorts before "2026-…"; so a time from a
/// client outside this range is refused before it reaches either.
pub fn storable(at: &DateTime<Utc>) -> bool {
    (1..=9999).contains(&at.year())
}

/// What a client is told when a time is outside `storable`'s range.
pub const STORABLE_RANGE: &str = "must fall in the years 0001 to 9999";

/// Timestamps are kept at microsecond precision, the finest PostgreSQL
/// stores, so a value read back compares equal to the one written.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(Limit::parse(None).unwrap().get(), 50);
        assert_eq!(Limit::parse(Some(1)).unwrap().get(), 1);
        assert_eq!(Limit::parse(Some(200)).unwrap().get(), 200);
        assert!(Limit::parse(Some(0)).is_err());
        assert!(Limit::parse(Some(201)).is_err());
        assert!(Limit::parse(Some(-5)).is_err());
    }

    #[test]
    fn cursor_round_trips_and_rejects_junk() {
        let c = Cursor {
            created_at: now(),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        for junk in [
            "",
            "abc",
            "!!!",
            &URL_SAFE_NO_PAD.encode("12|nope"),
            &URL_SAFE_NO_PAD.encode("x|y"),
        ] {
            assert!(Cursor::decode(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn rank_cursor_round_trips_exactly_and_is_not_a_time_cursor() {
        let c = RankCursor {
            rank: 0.1 + 0.2,
            id: Uuid::now_v7(),
        };
        assert_eq!(RankCursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode(&c.encode()).is_err());
        let time = Cursor {
            created_at: now(),
            id: Uuid::now_v7(),
        };
        assert!(RankCursor::decode(&time.encode()).is_err());
        let nan = URL_SAFE_NO_PAD.encode(format!("rank:{:016x}|{}", f64::NAN.to_bits(), Uuid::now_v7()));
        assert!(RankCursor::decode(&nan).is_err());
    }

    #[test]
    fn page_detects_more_rows() {
        let limit = Limit::parse(Some(2)).unwrap();
        let at = now();
        let cursor = |id: &Uuid| Cursor {
            created_at: at,
            id: *id,
        };
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let page = Page::from_rows(ids.clone(), limit, cursor);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next.unwrap().id, ids[1]);
        let last = Page::from_rows(ids[..2].to_vec(), limit, cursor);
        assert!(last.next.is_none());
    }
}
