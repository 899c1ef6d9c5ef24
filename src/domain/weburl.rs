//! Web addresses people give us (article URLs, source URLs), which are later
//! published inside ClaimReview and shown on pages: parsed with the `url`
//! crate, never by prefix.

use url::{Host, Url};

use super::text;

/// The longest URL accepted, before and after normalisation.
pub const URL_MAX: usize = 2048;

const RULE: &str = "must be an absolute http:// or https:// URL";

/// Parses an absolute http(s) URL with a real host name or IP address and no
/// user name or password. The result is normalised the way browsers do it:
/// scheme and host lower-cased, an international host name in its ASCII
/// (punycode) form so that look-alike letters are visible, default ports
/// dropped, and characters that may not stand in a URL percent-encoded.
pub fn parse(value: &str) -> Result<Url, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("{RULE}; it is empty"));
    }
    if text::char_len(value) > URL_MAX {
        return Err(format!("must be at most {URL_MAX} characters"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{RULE}, without spaces or control characters"));
    }
    // Browsers read "https:///x" as "https://x/"; a person who wrote it
    // meant something else, so the host must follow "//" directly.
    if value
        .split_once("://")
        .is_some_and(|(_, rest)| rest.starts_with(['/', '\\']))
    {
        return Err(format!("{RULE} with a host after \"//\""));
    }
    let parsed = Url::parse(value).map_err(|e| format!("{RULE} ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(RULE.to_owned());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "{RULE} without a user name or password before the host (\"user@host\" hides the real host)"
        ));
    }
    match parsed.host() {
        Some(Host::Domain(domain)) if valid_domain(domain) => {}
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => {}
        Some(Host::Domain(_)) => {
            return Err(format!(
                "{RULE} whose host is a domain name (letters, digits, hyphens and dots)"
            ));
        }
        None => return Err(format!("{RULE} with a host")),
    }
    if parsed.as_str().len() > URL_MAX {
        return Err(format!(
            "must be at most {URL_MAX} characters once normalised (international names and encoded characters grow)"
        ));
    }
    Ok(parsed)
}

/// A host name as DNS knows it, after the url crate's IDNA step: labels of
/// ASCII letters, digits, hyphens and underscores, none empty.
fn valid_domain(domain: &str) -> bool {
    domain.len() <= 253
        && domain.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises() {
        let norm = |u: &str| parse(u).map(|u| u.to_string());
        assert_eq!(
            norm(" HTTPS://Example.ORG:443/Report?id=7#p2 ").unwrap(),
            "https://example.org/Report?id=7#p2"
        );
        assert_eq!(norm("http://example.org").unwrap(), "http://example.org/");
        assert_eq!(norm("http://10.1.2.3:8080/x").unwrap(), "http://10.1.2.3:8080/x");
        // A host with look-alike letters is shown in its ASCII form.
        assert_eq!(
            norm("https://ex\u{0430}mple.org/").unwrap(),
            "https://xn--exmple-4nf.org/"
        );
        // Quotes in a path or query are percent-encoded, never kept raw.
        assert!(!norm("https://example.org/a\"b?c=\"d'").unwrap().contains('"'));
    }

    #[test]
    fn refuses() {
        for bad in [
            "",
            "example.org",
            "javascript:alert(1)",
            "ftp://example.org/x",
            "mailto:a@b.c",
            "https://",
            "https:///path",
            "https://a b",
            "https://x\"onmouseover=alert(1)",
            "https://news.example@evil.example/",
            "https://user:pw@example.org/",
            "https://exa<mple.org/",
            "https://-bad.example/",
            "https://exa%2Fmple.org/",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&format!("https://example.org/{}", "a".repeat(URL_MAX))).is_err());
        // Encoding can push a URL over the limit.
        assert!(parse(&format!("https://example.org/{}", "\"".repeat(700))).is_err());
    }
}
