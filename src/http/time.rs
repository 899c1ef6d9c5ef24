//! Times on the wire, written the way chrono's own `Serialize` writes them
//! (RFC 3339, `Z`, as many fractional digits as needed) but as one string:
//! chrono's writes through `collect_str`, one escaped write per character,
//! which was a tenth of the CPU of serving a page of claims.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// A time in a query string (`?since=`, `?created_after=`): what chrono's
/// own `Deserialize` accepts, but a malformed one is refused with what to
/// send instead of the parser's "premature end of input". Whether the time
/// can be stored is the domain's check (`page::storable`), made where the
/// parameter's name is known.
pub fn query_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    text.parse::<DateTime<Utc>>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "{:?} is not a time: times are RFC 3339 date-times such as 2026-11-30T12:00:00Z",
            crate::domain::text::shown(&text, 40)
        ))
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[derive(serde::Serialize)]
    struct Ours(#[serde(serialize_with = "serialize")] DateTime<Utc>);

    #[test]
    fn writes_what_chrono_writes() {
        let base = Utc.with_ymd_and_hms(2026, 11, 30, 3, 43, 10).unwrap();
        for nanos in [
            0,
            1,
            999,
            1_000,
            655_583_000,
            655_000_000,
            123_456_789,
            999_999_999,
        ] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(
                serde_json::to_string(&Ours(at)).unwrap(),
                serde_json::to_string(&at).unwrap(),
                "{nanos} ns"
            );
        }
    }
}
