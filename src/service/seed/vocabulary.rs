//! What generated articles are made of, and a small deterministic random
//! number generator (the same seed gives the same database).

/// SplitMix64: tiny, fast, and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// In 0..n, rank r about as likely as 1/(r+1): a few items common,
    /// most rare.
    pub fn zipf(&mut self, n: usize) -> usize {
        let r = ((n as f64 + 1.0).ln() * self.unit()).exp() as usize;
        r.saturating_sub(1).min(n - 1)
    }

    /// An amount as news reports them: small counts, hundreds, round
    /// thousands, and fractions of a million.
    pub fn amount(&mut self) -> u64 {
        match self.below(10) {
            0..=3 => 2 + self.below(98) as u64,
            4..=6 => 100 + self.below(900) as u64,
            7..=8 => (1 + self.below(999) as u64) * 1_000,
            _ => (1 + self.below(99) as u64) * 100_000,
        }
    }
}

/// `amount` written in one of three styles: "300,000", "300 thousand",
/// "0.3 million" (where the amount allows).
pub fn written(amount: u64, style: usize) -> String {
    match style {
        1 if amount >= 1_000 && amount.is_multiple_of(1_000) => format!("{} thousand", amount / 1_000),
        2 if amount >= 100_000 && amount.is_multiple_of(100_000) => {
            let tenths = amount / 100_000;
            format!("{}.{} million", tenths / 10, tenths % 10)
        }
        _ => {
            let digits = amount.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
    }
}

pub struct Topic {
    pub headline: &'static str,
    pub unit: &'static str,
    pub verb: &'static str,
}

macro_rules! topics {
    ($(($headline:literal, $unit:literal, $verb:literal)),* $(,)?) => {
        pub const TOPICS: &[Topic] = &[$(Topic { headline: $headline, unit: $unit, verb: $verb }),*];
    };
}

topics![
    ("Arson attacks", "offices", "torched in arson attacks"),
    ("Mobilisation", "reservists", "called up"),
    ("Housing", "homes", "built"),
    ("School closures", "schools", "closed"),
    ("Layoffs", "jobs", "cut"),
    ("Border", "migrants", "detained at the border"),
    ("Air travel", "flights", "cancelled"),
    ("Transport", "buses", "added to the fleet"),
    ("Health care", "hospital beds", "added"),
    ("Education", "teachers", "hired"),
    ("Policing", "people", "arrested"),
    ("Floods", "homes", "flooded"),
    ("Wildfires", "hectares", "burned"),
    ("Power cuts", "households", "left without power"),
    ("Vaccination", "children", "vaccinated"),
    ("Car crime", "cars", "stolen"),
    ("Road safety", "speeding fines", "issued"),
    ("Harvest", "tonnes of wheat", "harvested"),
    ("Fisheries", "fishing boats", "inspected"),
    ("Tourism", "visitors", "counted"),
    ("Solar power", "solar panels", "installed"),
    ("Water supply", "kilometres of pipes", "replaced"),
    ("Reforestation", "trees", "planted"),
    ("Protests", "protesters", "detained"),
    ("Elections", "ballots", "rejected"),
    ("Courts", "cases", "dismissed"),
    ("Prisons", "inmates", "released early"),
    ("Shipping", "containers", "stranded at the port"),
    ("Rail", "trains", "cancelled"),
    ("Mining", "miners", "evacuated"),
    ("Universities", "students", "enrolled"),
    ("Hospitals", "patients", "treated in corridors"),
    ("Air defence", "drones", "shot down"),
    ("Refugees", "refugees", "registered"),
    ("Road repairs", "potholes", "repaired"),
    ("Industry", "factories", "shut"),
    ("Banking", "bank branches", "closed"),
    ("Storms", "trees", "uprooted by the storm"),
    ("Measles", "measles cases", "confirmed"),
    ("Border queues", "lorries", "held at the crossing"),
];

/// Every wording names the claimant, the amount, the place and the period.
pub const TEMPLATES: &[&str] = &[
    "{claimant} said {n} {unit} were {verb} in {place} {period}.",
    "{n} {unit} were {verb} in {place} {period}, {claimant} said.",
    "according to {claimant}, {n} {unit} were {verb} in {place} {period}.",
    "in {place}, {n} {unit} were {verb} {period}, according to {claimant}.",
    "{claimant} reported that {n} {unit} had been {verb} in {place} {period}.",
    "{period}, {n} {unit} were {verb} across {place}, {claimant} said.",
];

pub const PERIODS: &[&str] = &[
    "last year",
    "in March",
    "last week",
    "since January",
    "over the weekend",
    "in 2024",
    "in 2025",
    "this month",
    "last month",
    "in the first quarter",
    "during the summer",
    "overnight",
];

pub const CLAIMANTS: &[&str] = &[
    "the interior ministry",
    "police",
    "the city council",
    "the mayor",
    "the statistics office",
    "officials",
    "the fire service",
    "the health ministry",
    "the defence ministry",
    "union leaders",
    "the regional governor",
    "prosecutors",
    "the port authority",
    "the electoral commission",
    "the education ministry",
    "the transport ministry",
    "the central bank",
    "local media",
    "the coast guard",
    "aid agencies",
    "the energy regulator",
    "the housing agency",
    "the border guard",
    "the army",
    "the environment agency",
    "hospital managers",
    "the tourism board",
    "farmers' groups",
    "the rail operator",
    "the water utility",
];

pub const OUTLETS: &[&str] = &[
    "Daily Ledger",
    "Morning Courier",
    "Evening Standard Post",
    "Coastal Herald",
    "Northern Gazette",
    "Capital Wire",
];

/// Sentences that claim nothing check-worthy.
pub const FILLERS: &[&str] = &[
    "Residents described a tense night.",
    "The debate is expected to continue next week.",
    "Critics were quick to respond.",
    "Officials declined to comment further.",
    "The mood in the square was calm by morning.",
    "More details are expected in the coming days.",
    "Neighbours gathered outside to watch.",
    "The announcement surprised many observers.",
];

const CITIES: &[&str] = &[
    "Kyiv",
    "Kharkiv",
    "Odesa",
    "Lviv",
    "Dnipro",
    "Warsaw",
    "Krakow",
    "Gdansk",
    "Vilnius",
    "Riga",
    "Tallinn",
    "Helsinki",
    "Stockholm",
    "Oslo",
    "Copenhagen",
    "Berlin",
    "Hamburg",
    "Munich",
    "Leipzig",
    "Vienna",
    "Prague",
    "Brno",
    "Bratislava",
    "Budapest",
    "Bucharest",
    "Cluj",
    "Sofia",
    "Athens",
    "Thessaloniki",
    "Belgrade",
    "Zagreb",
    "Ljubljana",
    "Sarajevo",
    "Skopje",
    "Tirana",
    "Rome",
    "Milan",
    "Naples",
    "Turin",
    "Madrid",
    "Barcelona",
    "Valencia",
    "Seville",
    "Lisbon",
    "Porto",
    "Paris",
    "Lyon",
    "Marseille",
    "Lille",
    "Nantes",
    "Brussels",
    "Antwerp",
    "Amsterdam",
    "Rotterdam",
    "Dublin",
    "Cork",
    "London",
    "Manchester",
    "Glasgow",
    "Cardiff",
    "Belfast",
    "Ankara",
    "Istanbul",
    "Izmir",
    "Tbilisi",
    "Yerevan",
    "Baku",
    "Cairo",
    "Lagos",
    "Nairobi",
    "Accra",
    "Dakar",
    "Kampala",
    "Addis Ababa",
    "Johannesburg",
    "Cape Town",
    "Lima",
    "Bogota",
    "Quito",
    "Santiago",
    "Buenos Aires",
    "Montevideo",
    "Sao Paulo",
    "Recife",
    "Mexico City",
    "Monterrey",
    "Toronto",
    "Vancouver",
    "Montreal",
    "Chicago",
    "Houston",
    "Phoenix",
    "Denver",
    "Manila",
    "Jakarta",
    "Hanoi",
    "Bangkok",
    "Dhaka",
    "Karachi",
    "Lahore",
    "Mumbai",
    "Chennai",
    "Colombo",
    "Sydney",
    "Brisbane",
    "Perth",
    "Auckland",
];

const SYLLABLES: &[&str] = &[
    "val", "mor", "kes", "trin", "bel", "dor", "ash", "ford", "lin", "gar", "ros", "tal", "mir", "ven",
    "cal", "dun", "har", "sel", "bry", "ton", "wick", "ham", "nor", "lea", "brook", "fen", "stan", "ore",
    "quin", "zel",
];

/// A place: mostly a real city (a few very often), sometimes one of many
/// generated towns (each rarely), so place names have a long tail.
pub fn place(rng: &mut Rng) -> String {
    if rng.below(10) < 4 {
        return CITIES[rng.zipf(CITIES.len())].to_owned();
    }
    let n = SYLLABLES.len();
    let town = rng.zipf(n * n * n);
    let name: String = [town / (n * n), (town / n) % n, town % n]
        .iter()
        .map(|&i| SYLLABLES[i])
        .collect();
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_as_news_writes_them() {
        assert_eq!(written(300_000, 0), "300,000");
        assert_eq!(written(300_000, 1), "300 thousand");
        assert_eq!(written(300_000, 2), "0.3 million");
        assert_eq!(written(1_200_000, 2), "1.2 million");
        assert_eq!(written(17, 2), "17");
        assert_eq!(written(1_234, 1), "1,234");
    }

    #[test]
    fn the_generator_is_deterministic_and_in_range() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..1000 {
            assert_eq!(a.below(10), b.below(10));
            assert!(a.zipf(30) < 30);
            b.zipf(30);
        }
    }
}
