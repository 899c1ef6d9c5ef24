//! Claim extraction: finds the check-worthy claims in an article, with their
//! exact place in the text, their quantities and who asserts them.
//!
//! Pure, rule-based and fast: the text is split into sentences (and long
//! sentences into clauses at semicolons); each is kept as a claim when it
//! carries something checkable — a quantity, a statement attributed to a
//! named claimant, a comparison, or a dated or named event — and is not a
//! heading, a question, opinion or boilerplate.
//!
//! `checkworthiness` (0..1) estimates how much a desk would want to check the
//! claim: quantities weigh most (0.6 for one, up to 0.8 for several), then a
//! named claimant (+0.15), a comparison (+0.1) and named actors (+0.05),
//! while opinion words take 0.2 away. Claims with no quantity start at 0.45.

mod classify;
mod lexicon;
mod quantities;
mod sentences;
mod tokens;
mod words;

pub use lexicon::Qualifier;

/// Why a claim is check-worthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    Quantity,
    Event,
    Attribution,
    Comparison,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 4] = [
        ClaimKind::Quantity,
        ClaimKind::Event,
        ClaimKind::Attribution,
        ClaimKind::Comparison,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Quantity => "quantity",
            ClaimKind::Event => "event",
            ClaimKind::Attribution => "attribution",
            ClaimKind::Comparison => "comparison",
        }
    }
}

/// A claim found in a text. Offsets are Unicode code points, end exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedClaim {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub kind: ClaimKind,
    pub checkworthiness: f64,
    /// The words naming who asserts it, exactly as in the text.
    pub claimant: Option<String>,
    pub quantities: Vec<ExtractedQuantity>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedQuantity {
    pub value: f64,
    /// Upper end of a range ("between 40 and 60").
    pub value_max: Option<f64>,
    /// The whole of a proportion ("four of the five").
    pub of: Option<f64>,
    /// Lower-case counted noun, "percent", or an ISO currency code.
    pub unit: Option<String>,
    pub qualifier: Qualifier,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// What the extractor makes of one claim on its own (typed in by hand, or
/// stored after extraction): quantity offsets are relative to `text`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    /// `None` when the rules do not find the text check-worthy.
    pub kind: Option<ClaimKind>,
    pub checkworthiness: Option<f64>,
    pub quantities: Vec<ExtractedQuantity>,
}

impl Analysis {
    /// The analysis an extracted claim already carries, with its quantity
    /// offsets made relative to the claim's own text.
    pub fn of_extracted(claim: &ExtractedClaim) -> Self {
        let quantities = claim
            .quantities
            .iter()
            .map(|q| ExtractedQuantity {
                start: q.start - claim.start,
                end: q.end - claim.start,
                ..q.clone()
            })
            .collect();
        Self {
            kind: Some(claim.kind),
            checkworthiness: Some(claim.checkworthiness),
            quantities,
        }
    }
}

pub fn analyse(text: &str) -> Analysis {
    let (found, quantities) = classify::single(text);
    let mut offsets: Vec<usize> = quantities
        .iter()
        .flat_map(|q| [q.range.start, q.range.end])
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let chars = CharOffsets::new(text, &offsets);
    Analysis {
        kind: found.as_ref().map(|f| f.kind),
        checkworthiness: found.as_ref().map(|f| f.checkworthiness),
        quantities: quantities
            .into_iter()
            .map(|q| quantity(text, &chars, q))
            .collect(),
    }
}

fn quantity(text: &str, chars: &CharOffsets, q: quantities::Quantity) -> ExtractedQuantity {
    ExtractedQuantity {
        value: q.value,
        value_max: q.value_max,
        of: q.of,
        unit: q.unit,
        qualifier: q.qualifier,
        text: text[q.range.start..q.range.end].to_owned(),
        start: chars.get(q.range.start),
        end: chars.get(q.range.end),
    }
}

/// Every check-worthy claim in `text`, in order of appearance.
pub fn extract(text: &str) -> Vec<ExtractedClaim> {
    let found = classify::claims(text);
    let mut offsets: Vec<usize> = found
        .iter()
        // In the order they stand (a claim's quantities lie inside it), so
        // that the sort below finds them nearly sorted.
        .flat_map(|c| {
            std::iter::once(c.range.start)
                .chain(c.quantities.iter().flat_map(|q| [q.range.start, q.range.end]))
                .chain(std::iter::once(c.range.end))
        })
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let chars = CharOffsets::new(text, &offsets);
    found
        .into_iter()
        .map(|c| ExtractedClaim {
            text: text[c.range.start..c.range.end].to_owned(),
            start: chars.get(c.range.start),
            end: chars.get(c.range.end),
            kind: c.kind,
            checkworthiness: c.checkworthiness,
            claimant: c.claimant.map(|r| text[r.start..r.end].to_owned()),
            quantities: c
                .quantities
                .into_iter()
                .map(|q| quantity(text, &chars, q))
                .collect(),
        })
        .collect()
}

/// Code-point offsets of a sorted set of byte offsets, found in one pass.
struct CharOffsets {
    bytes: Vec<usize>,
    chars: Vec<usize>,
}

impl CharOffsets {
    fn new(text: &str, sorted_bytes: &[usize]) -> Self {
        let mut chars = Vec::with_capacity(sorted_bytes.len());
        let (mut byte, mut count) = (0, 0);
        for &target in sorted_bytes {
            count += text[byte..target].chars().count();
            byte = target;
            chars.push(count);
        }
        Self {
            bytes: sorted_bytes.to_vec(),
            chars,
        }
    }

    fn get(&self, byte: usize) -> usize {
        self.bytes
            .binary_search(&byte)
            .map(|i| self.chars[i])
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests;
