//! Splitting text into paragraphs and sentences, in byte offsets.
//!
//! Rule-based: a sentence ends at `.`, `!`, `?` or `…` (plus any closing
//! quotes or brackets) followed by white space and something that can start
//! a sentence. A full stop after a known abbreviation, a single capital
//! (an initial) or a dotted acronym is not an ending; one between digits is a
//! decimal point. A line break always ends a sentence, so headings and
//! paragraphs without a final full stop stand on their own.

/// A byte range of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: usize,
    pub end: usize,
}

/// A sentence and facts about where it stands.
#[derive(Debug, Clone, Copy)]
pub struct Sentence {
    pub range: Range,
    /// Index of its paragraph (a run of non-blank lines).
    pub paragraph: usize,
    /// Whether it is the whole of its paragraph.
    pub alone: bool,
    /// Whether it ends with terminal punctuation (possibly inside quotes).
    pub terminated: bool,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
    "sen", "rep", "rev", "hon", "inc", "ltd", "co", "corp", "vs", "approx", "fig", "mt", "ft", "dept", "est",
    "vol", "pp", "ave", "blvd", "rd", "cf", "al", "pres", "supt", "insp", "det", "cpl", "pte", "messrs",
    "mme",
];

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];
const OPENERS: &[char] = &['"', '\'', '“', '‘', '(', '[', '«'];

/// Every sentence of `text`, in order.
pub fn split(text: &str) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    let mut paragraph = 0;
    let mut in_paragraph = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let range = trim(text, line_start, line_start + line.len());
        line_start += line.len();
        let Some(range) = range else {
            if in_paragraph {
                paragraph += 1;
                in_paragraph = false;
            }
            continue;
        };
        in_paragraph = true;
        let first = sentences.len();
        split_line(text, range, paragraph, &mut sentences);
        let count = sentences.len() - first;
        if count == 1 {
            sentences[first].alone = true;
        }
    }
    sentences
}

/// A searcher for '…', built once (`memmem::find` builds one on every call).
static ELLIPSIS: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("…".as_bytes()));

fn split_line(text: &str, line: Range, paragraph: usize, out: &mut Vec<Sentence>) {
    let mut start = line.start;
    let mut i = line.start;
    let bytes = &text.as_bytes()[..line.end];
    // The next '…' at or after `i`, found again only once `i` passes it.
    let ellipsis = |from: usize| ELLIPSIS.find(&bytes[from..]).map(|p| from + p);
    let mut next_ellipsis = ellipsis(i);
    while i < line.end {
        // Straight to the next terminator.
        if next_ellipsis.is_some_and(|e| e < i) {
            next_ellipsis = ellipsis(i);
        }
        let next_stop = memchr::memchr3(b'.', b'!', b'?', &bytes[i..]).map(|p| i + p);
        match next_stop.into_iter().chain(next_ellipsis).min() {
            Some(at) => i = at,
            None => break,
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if matches!(c, '.' | '!' | '?' | '…') {
            let mut end = i + len;
            // Runs of terminators ("?!", "...") and closing quotes belong to the sentence.
            while end < line.end {
                let next = text[end..].chars().next().unwrap_or(' ');
                if matches!(next, '.' | '!' | '?' | '…') || CLOSERS.contains(&next) {
                    end += next.len_utf8();
                } else {
                    break;
                }
            }
            let followed_by_space = end < line.end && text[end..].starts_with(char::is_whitespace);
            if followed_by_space && c == '.' && !ends_sentence_at_period(text, start, i) {
                i = end;
                continue;
            }
            if end >= line.end || (followed_by_space && starts_sentence(text, end, line.end)) {
                if let Some(range) = trim(text, start, end) {
                    out.push(Sentence {
                        range,
                        paragraph,
                        alone: false,
                        terminated: true,
                    });
                }
                start = end;
            }
            i = end;
            continue;
        }
        i += len;
    }
    if let Some(range) = trim(text, start, line.end) {
        let last = text[range.start..range.end]
            .chars()
            .rev()
            .find(|c| !CLOSERS.contains(c));
        let terminated = matches!(last, Some('.' | '!' | '?' | '…'));
        out.push(Sentence {
            range,
            paragraph,
            alone: false,
            terminated,
        });
    }
}

/// Whether the full stop at byte `dot` (in a sentence that began at `start`)
/// ends the sentence, judging by the word before it.
fn ends_sentence_at_period(text: &str, start: usize, dot: usize) -> bool {
    let before = &text[start..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || OPENERS.contains(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    let mut chars = word.chars();
    let first = chars.next().unwrap_or(' ');
    // An initial: "J. R. Smith".
    if word.chars().count() == 1 && first.is_uppercase() {
        return false;
    }
    // A dotted acronym: "U.S.", "e.g.", "a.m.".
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return false;
    }
    !ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Whether a new sentence can start after the white space at `from`.
fn starts_sentence(text: &str, from: usize, end: usize) -> bool {
    let rest = text[from..end].trim_start();
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() || c.is_ascii_digit() => true,
        Some(c) if OPENERS.contains(&c) || c == '$' || c == '€' || c == '£' => true,
        _ => false,
    }
}

/// The range without surrounding white space, or `None` if nothing is left.
fn trim(text: &str, start: usize, end: usize) -> Option<Range> {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    (!trimmed.is_empty()).then(|| Range {
        start: start + lead,
        end: start + lead + trimmed.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        split(text)
            .iter()
            .map(|s| &text[s.range.start..s.range.end])
            .collect()
    }

    #[test]
    fn survives_abbreviations_initials_and_decimals() {
        let text =
            "Mr. Hale met Dr. J. R. Okafor in the U.S. capital on Jan. 5. Prices rose 3.7% in St. Ives. Done";
        assert_eq!(
            texts(text),
            [
                "Mr. Hale met Dr. J. R. Okafor in the U.S. capital on Jan. 5.",
                "Prices rose 3.7% in St. Ives.",
                "Done"
            ]
        );
    }

    #[test]
    fn keeps_closing_quotes_and_splits_inside_quotes() {
        let text = "She said, “We will win.” Then she left. “Why now? Who decided?” he asked.";
        assert_eq!(
            texts(text),
            [
                "She said, “We will win.”",
                "Then she left.",
                "“Why now?",
                "Who decided?” he asked."
            ]
        );
    }

    #[test]
    fn lines_end_sentences_and_mark_headings() {
        let text =
            "Council Budget Passes\n\nThe vote was 7 to 2. It ends a long fight\n\nNext Steps\nMore later.";
        let s = split(text);
        let got: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    &text[s.range.start..s.range.end],
                    s.paragraph,
                    s.alone,
                    s.terminated,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Council Budget Passes", 0, true, false),
                ("The vote was 7 to 2.", 1, false, true),
                ("It ends a long fight", 1, false, false),
                ("Next Steps", 2, true, false),
                ("More later.", 2, true, true),
            ]
        );
    }
}
