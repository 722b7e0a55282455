//! What "today" is: `--today`, else SOURCE_DATE_EPOCH, else the clock, in
//! the site's timezone (FORMAT.md section 4), so CI builds can be
//! reproduced.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Parses a `--today` argument.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// Resolves today from the flag, the environment's SOURCE_DATE_EPOCH value
/// (seconds since 1970), or the clock.
pub(crate) fn today(flag: Option<NaiveDate>, source_date_epoch: Option<&str>, tz: Tz) -> Result<NaiveDate, String> {
    if let Some(d) = flag {
        return Ok(d);
    }
    if let Some(raw) = source_date_epoch.map(str::trim).filter(|s| !s.is_empty()) {
        let secs: i64 = raw.parse().map_err(|_| format!("SOURCE_DATE_EPOCH `{raw}` is not a number of seconds"))?;
        let at = DateTime::<Utc>::from_timestamp(secs, 0)
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH `{raw}` is out of range"))?;
        return Ok(at.with_timezone(&tz).date_naive());
    }
    Ok(Utc::now().with_timezone(&tz).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_source_date_epoch_beats_clock() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(today(Some(d), Some("0"), Tz::UTC), Ok(d));
        // 1700000000 = 2023-11-14T22:13:20Z: already the 15th in Tokyo
        assert_eq!(today(None, Some("1700000000"), Tz::UTC), Ok(NaiveDate::from_ymd_opt(2023, 11, 14).unwrap()));
        assert_eq!(
            today(None, Some("1700000000"), chrono_tz::Asia::Tokyo),
            Ok(NaiveDate::from_ymd_opt(2023, 11, 15).unwrap())
        );
        assert!(today(None, Some("soon"), Tz::UTC).is_err());
        assert!(today(None, None, Tz::UTC).is_ok());
    }

    #[test]
    fn today_flag_must_be_a_calendar_date() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2025-2-1").is_err());
    }
}
