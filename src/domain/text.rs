//! Rules shared by every free-text field, and code-point offsets.
//!
//! Offsets are counted in Unicode code points (not bytes, not UTF-16 units), so
//! that Python slicing and JavaScript `[...s]` give back the same substring.

/// Number of code points in `s`.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// The substring between two code-point offsets, or `None` if they do not fit.
pub fn slice_chars(s: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut indices = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len()));
    let from = indices.nth(start)?;
    let to = if end == start {
        from
    } else {
        indices.nth(end - start - 1)?
    };
    Some(&s[from..to])
}

/// Code-point offset of the first occurrence of `needle` in `haystack`.
pub fn find_chars(haystack: &str, needle: &str) -> Option<usize> {
    haystack.find(needle).map(|byte| char_len(&haystack[..byte]))
}

/// A required text field: not blank, at most `max` code points, no NUL
/// (PostgreSQL cannot store it). Kept exactly as sent when `trim` is false.
pub fn required(value: String, max: usize, trim: bool) -> Result<String, String> {
    let value = if trim { value.trim().to_owned() } else { value };
    if value.trim().is_empty() {
        return Err("must not be empty".into());
    }
    check_content(&value, max)?;
    Ok(value)
}

/// A value quoted back in an error, cut to `max` code points: an error
/// names what was wrong, it does not echo a hostile megabyte.
pub fn shown(value: &str, max: usize) -> String {
    match value.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// An optional text field: blank means absent.
pub fn optional(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    match value.map(|v| v.trim().to_owned()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => check_content(&v, max).map(|()| Some(v)),
    }
}

fn check_content(value: &str, max: usize) -> Result<(), String> {
    let len = char_len(value);
    if len > max {
        return Err(format!("must be at most {max} characters (got {len})"));
    }
    if value.contains('\0') {
        return Err("must not contain NUL characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_by_code_point() {
        let s = "a😀b\u{301}c";
        assert_eq!(slice_chars(s, 1, 2), Some("😀"));
        assert_eq!(slice_chars(s, 2, 4), Some("b\u{301}"));
        assert_eq!(slice_chars(s, 0, 5), Some(s));
        assert_eq!(slice_chars(s, 5, 5), Some(""));
        assert_eq!(slice_chars(s, 4, 6), None);
        assert_eq!(slice_chars(s, 3, 2), None);
    }

    #[test]
    fn shows_a_value_cut_by_code_point() {
        assert_eq!(shown("abc", 3), "abc");
        assert_eq!(shown("a😀bc", 2), "a😀…");
        assert_eq!(shown("", 0), "");
    }

    #[test]
    fn finds_by_code_point() {
        assert_eq!(find_chars("€€ troops", "troops"), Some(3));
        assert_eq!(find_chars("abc", "x"), None);
    }

    #[test]
    fn required_rejects_blank_long_and_nul() {
        assert!(required("  ".into(), 10, true).is_err());
        assert!(required("abcdefghijk".into(), 10, false).is_err());
        assert!(required("a\0b".into(), 10, false).is_err());
        assert_eq!(required(" x ".into(), 10, true).unwrap(), "x");
        assert_eq!(required(" x ".into(), 10, false).unwrap(), " x ");
    }
}
