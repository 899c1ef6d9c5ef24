//! The extractor's word lists, kept apart from the rules that use them
//! (`lexicon` holds the small parsers built on them, `classify` and
//! `quantities` the rules). All lower-case ASCII.

use super::lexicon::Qualifier;

/// Hedges before a number, longest first.
pub(super) const HEDGES: &[(&[&str], Qualifier)] = &[
    (&["no", "fewer", "than"], Qualifier::AtLeast),
    (&["no", "more", "than"], Qualifier::AtMost),
    (&["more", "than"], Qualifier::MoreThan),
    (&["greater", "than"], Qualifier::MoreThan),
    (&["less", "than"], Qualifier::LessThan),
    (&["fewer", "than"], Qualifier::LessThan),
    (&["at", "least"], Qualifier::AtLeast),
    (&["at", "most"], Qualifier::AtMost),
    (&["up", "to"], Qualifier::UpTo),
    (&["close", "to"], Qualifier::Approx),
    (&["an", "estimated"], Qualifier::Approx),
    (&["just", "over"], Qualifier::MoreThan),
    (&["just", "under"], Qualifier::LessThan),
    (&["well", "over"], Qualifier::MoreThan),
    (&["about"], Qualifier::Approx),
    (&["around"], Qualifier::Approx),
    (&["roughly"], Qualifier::Approx),
    (&["approximately"], Qualifier::Approx),
    (&["nearly"], Qualifier::Approx),
    (&["almost"], Qualifier::Approx),
    (&["some"], Qualifier::Approx),
    (&["estimated"], Qualifier::Approx),
    (&["over"], Qualifier::MoreThan),
    (&["above"], Qualifier::MoreThan),
    (&["exceeding"], Qualifier::MoreThan),
    (&["under"], Qualifier::LessThan),
    (&["below"], Qualifier::LessThan),
];

pub(super) const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "with",
    "by",
    "and",
    "or",
    "but",
    "as",
    "than",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "this",
    "these",
    "those",
    "its",
    "their",
    "his",
    "her",
    "our",
    "your",
    "my",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "should",
    "not",
    "no",
    "since",
    "after",
    "before",
    "during",
    "until",
    "while",
    "when",
    "where",
    "last",
    "next",
    "each",
    "per",
    "every",
    "ago",
    "more",
    "less",
    "over",
    "under",
    "about",
    "around",
    "into",
    "across",
    "through",
    "against",
    "between",
    "among",
    "such",
    "so",
    "also",
    "only",
    "just",
    "already",
    "still",
    "yet",
    "there",
    "here",
    "it",
    "they",
    "he",
    "she",
    "we",
    "you",
    "i",
    "if",
    "then",
    "because",
    "though",
    "although",
    "both",
    "either",
    "neither",
    "all",
    "some",
    "any",
    "other",
    "another",
    "same",
    "own",
    "up",
    "down",
    "out",
    "off",
    "again",
    "once",
    "what",
    "why",
    "how",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "alone",
    "apiece",
    "cannot",
    "can't",
    "won't",
    "didn't",
    "don't",
    "worldwide",
    "nationwide",
    "higher",
    "lower",
    "bigger",
    "smaller",
    "larger",
    "short",
    "shy",
    "clear",
    "fewer",
    "earlier",
    "later",
    "additional",
    "extra",
    "further",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "away",
    "apart",
    "long",
    "wide",
    "high",
    "deep",
    "tall",
    "old",
    "ahead",
    "behind",
    "overall",
    "respectively",
    "annually",
    "including",
    "compared",
    "according",
    "despite",
    "without",
    "within",
    "via",
    "like",
    "unlike",
    "toward",
    "towards",
    "onto",
    "upon",
    "along",
    "beyond",
    "above",
    "below",
    "near",
    "outside",
    "inside",
    "too",
    "very",
];

pub(super) const VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tell",
    "live",
    "lives",
    "lived",
    "work",
    "works",
    "attend",
    "attended",
    "died",
    "die",
    "fled",
    "flee",
    "left",
    "leave",
    "went",
    "go",
    "came",
    "come",
    "comes",
    "make",
    "makes",
    "made",
    "took",
    "take",
    "takes",
    "gave",
    "give",
    "got",
    "get",
    "became",
    "become",
    "remain",
    "remains",
    "face",
    "faces",
    "rose",
    "rise",
    "fell",
    "fall",
    "grew",
    "grow",
    "won",
    "win",
    "lost",
    "lose",
    "saw",
    "see",
    "set",
    "put",
    "run",
    "ran",
    "hit",
    "cut",
    "paid",
    "pay",
    "spent",
    "spend",
    "held",
    "hold",
    "kept",
    "keep",
    "met",
    "meet",
    "sold",
    "sell",
    "bought",
    "buy",
    "built",
    "build",
    "sent",
    "send",
    "stood",
    "brought",
    "bring",
    "found",
    "find",
    "thought",
    "know",
    "need",
    "needs",
    "want",
    "wants",
    "use",
    "uses",
    "crossed",
    "cross",
    "wait",
    "waited",
    "trying",
    "tried",
    "voted",
    "vote",
    "were",
    "is",
    "are",
    "was",
    "remained",
    "returned",
    "arrived",
    "joined",
    "signed",
    "applied",
    "registered",
    "fled",
    "received",
    "reached",
    "injured",
    "killed",
    "arrested",
    "displaced",
    "affected",
    "evacuated",
    "hospitalised",
    "hospitalized",
    "stranded",
    "missing",
    "dead",
    "wounded",
    "employed",
    "waiting",
    "living",
    "working",
    "queued",
    "queuing",
    "watched",
    "turned",
    "cast",
    "scored",
    "shot",
    "ended",
    "aged",
    "includes",
    "include",
    "contains",
    "employs",
    "operates",
    "owns",
    "covers",
    "represents",
    "began",
    "begin",
    "started",
];

pub(super) const PAST_IRREGULAR: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "made",
    "took",
    "gave",
    "went",
    "came",
    "saw",
    "won",
    "lost",
    "fled",
    "left",
    "rose",
    "fell",
    "grew",
    "held",
    "met",
    "sold",
    "bought",
    "built",
    "sent",
    "paid",
    "spent",
    "kept",
    "shot",
    "struck",
    "began",
    "broke",
    "brought",
    "caught",
    "chose",
    "drew",
    "drove",
    "fought",
    "found",
    "froze",
    "hit",
    "hung",
    "led",
    "let",
    "lit",
    "overtook",
    "ran",
    "rang",
    "sank",
    "set",
    "shut",
    "slid",
    "split",
    "spread",
    "stole",
    "stood",
    "stuck",
    "swept",
    "swore",
    "threw",
    "told",
    "tore",
    "wore",
    "wrote",
    "said",
    "became",
    "burned",
    "burnt",
    "quit",
    "cut",
    "put",
    "beat",
    "bid",
    "cast",
    "cost",
    "hurt",
    "shed",
    "spoke",
    "sat",
    "slept",
    "taught",
    "understood",
    "withdrew",
    "woke",
    "won",
    "bore",
    "fed",
    "flew",
    "forgot",
    "meant",
];

pub(super) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

pub(super) const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// How an author bio goes on after the author's name.
pub(super) const BIO_OPENINGS: &[&str] = &[
    "is a ",
    "is an ",
    "is the ",
    "covers",
    "writes",
    "reports on",
    "reports for",
    "has written",
    "is a freelance",
    "is our",
    "edits",
    "was a ",
    "has covered",
    "joined the",
];

pub(super) const BOILERPLATE: &[&str] = &[
    "in this article",
    "request for comment",
    "declined to comment",
    "can be found at",
    "subscribe",
    "newsletter",
    "all rights reserved",
    "copyright",
    "click here",
    "sign up",
    "follow us",
    "read more",
    "related news",
    "related stories",
    "share this",
    "this article was",
    "contributed reporting",
    "contributed to this report",
    "editing by",
    "reporting by",
];

/// Every word that starts or carries a boilerplate or opinion phrase.
pub(super) const PHRASE_TRIGGERS: &[&str] = &[
    "request",
    "declined",
    "according",
    "found",
    "subscribe",
    "newsletter",
    "reserved",
    "copyright",
    "click",
    "sign",
    "follow",
    "read",
    "related",
    "share",
    "article",
    "contributed",
    "editing",
    "reporting",
    "think",
    "believe",
    "view",
    "remains",
    "tell",
    "hard",
];

pub(super) const OPINION_WORDS: &[&str] = &[
    "terrible",
    "unnecessary",
    "shameful",
    "disgraceful",
    "reckless",
    "outrageous",
    "should",
    "ought",
    "must",
    "arguably",
    "clearly",
    "obviously",
    "sadly",
    "unfortunately",
    "hopefully",
    "deserve",
    "deserves",
    "wonderful",
    "awful",
    "ridiculous",
    "absurd",
    "brilliant",
    "tragic",
    "shocking",
];

pub(super) const OPINION_PHRASES: &[&str] = &[
    "i think",
    "we believe",
    "in my view",
    "remains to be seen",
    "time will tell",
    "it is hard to",
];

pub(super) const COMPARISON: &[&str] = &[
    "largest",
    "smallest",
    "highest",
    "lowest",
    "biggest",
    "fastest",
    "slowest",
    "worst",
    "best",
    "most",
    "least",
    "record",
    "doubled",
    "tripled",
    "halved",
    "than",
    "compared",
    "rank",
    "ranked",
    "ranks",
    "overtook",
    "exceeded",
    "surpassed",
    "outpaced",
    "rose",
    "fell",
    "increased",
    "decreased",
    "dropped",
    "declined",
    "grew",
    "shrank",
    "surged",
    "plunged",
    "higher",
    "lower",
    "more",
    "fewer",
    "less",
    "longest",
    "shortest",
    "oldest",
    "youngest",
    "first",
    "last",
];

pub(super) const SAYING: &[&str] = &[
    "said",
    "says",
    "say",
    "stated",
    "states",
    "told",
    "tells",
    "announced",
    "announces",
    "reported",
    "reports",
    "claimed",
    "claims",
    "estimated",
    "estimates",
    "warned",
    "warns",
    "confirmed",
    "confirms",
    "insisted",
    "argued",
    "argues",
    "added",
    "noted",
    "notes",
    "wrote",
    "writes",
    "testified",
    "alleged",
    "alleges",
    "predicted",
    "predicts",
    "acknowledged",
    "admitted",
    "admits",
    "denied",
    "denies",
    "revealed",
    "suggested",
    "explained",
    "explains",
    "stressed",
    "maintained",
    "announcing",
    "saying",
    "stating",
    "projected",
    "forecast",
    "calculated",
    "conceded",
    "estimate",
    "expect",
    "expects",
    "accused",
    "accuses",
    "described",
    "declared",
    "complained",
    "asserted",
    "disclosed",
    "countered",
    "responded",
    "recalled",
    "cautioned",
    "emphasised",
    "emphasized",
    "observed",
    "ruled",
    "held",
    "found",
    "showed",
    "shows",
    "show",
    "concluded",
    "commented",
    "tweeted",
    "reiterated",
    "remarked",
    "posted",
    "posts",
    "read",
    "reads",
    "replied",
    "continued",
    "answered",
    "pointed",
];

/// Last words of a phrase of when someone spoke, besides months, days,
/// platforms and statements ("last week", "yesterday", "in an interview").
pub(super) const WHEN_ENDS: &[&str] = &[
    "yesterday",
    "today",
    "tonight",
    "week",
    "month",
    "year",
    "weekend",
    "morning",
    "afternoon",
    "evening",
    "night",
    "interview",
    "speech",
];

/// Where someone speaks "on" (see `classify::when_unit`).
pub(super) const PLATFORMS: &[&str] = &[
    "telegram",
    "facebook",
    "twitter",
    "x",
    "instagram",
    "tiktok",
    "youtube",
    "television",
    "tv",
    "radio",
    "media",
];

/// Writings that can "read" as a speaker: "…, the statement read."
pub(super) const STATEMENT_NOUNS: &[&str] = &[
    "statement",
    "letter",
    "notice",
    "message",
    "post",
    "note",
    "email",
    "caption",
    "sign",
    "report",
    "ruling",
    "judgment",
    "filing",
];

/// Who an age can describe: "children under five", "women over 50".
pub(super) const PERSON_NOUNS: &[&str] = &[
    "children",
    "child",
    "kids",
    "babies",
    "people",
    "men",
    "women",
    "adults",
    "boys",
    "girls",
    "pupils",
    "students",
    "those",
    "anyone",
    "everyone",
    "patients",
    "residents",
    "workers",
    "members",
    "voters",
    "drivers",
    "players",
    "runners",
];

/// Units that measure time; a number sharing a unit never takes one of these.
pub(super) const TIME_UNITS: &[&str] = &[
    "seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades", "nights",
];

/// Words after a bare number that say it counts what its neighbour counts:
/// "dozens more", "two short".
pub(super) const SHARE_AFTER: &[&str] = &["more", "fewer", "less", "short", "apiece", "each", "others"];

/// "about 3,300 a day".
pub(super) const RATE_PERIODS: &[&str] = &["day", "week", "month", "year", "night", "hour"];

/// Two-word contrasts before a bare number: "up from 12".
pub(super) const SHARE_CONTRASTS: &[(&str, &str)] = &[
    ("up", "from"),
    ("down", "from"),
    ("compared", "with"),
    ("compared", "to"),
    ("as", "against"),
];

/// One-word contrasts before a bare number: "not 430".
pub(super) const SHARE_CONTRAST_WORDS: &[&str] = &["not", "against", "versus", "vs"];

pub(super) const CONJUNCTIONS: &[&str] = &["and", "but", "or", "while", "whereas"];

/// Verbs of winning, losing and holding right before a bare number: "lost four".
pub(super) const TALLY_VERBS: &[&str] = &[
    "lost", "won", "gained", "took", "taken", "taking", "had", "having", "winning", "losing",
];

/// Verbs of change before "to" and a bare number: "slipped to 15".
pub(super) const CHANGE_VERBS: &[&str] = &[
    "slipped",
    "fell",
    "rose",
    "dropped",
    "climbed",
    "grew",
    "increased",
    "decreased",
    "jumped",
    "shrank",
    "falling",
    "rising",
    "dropping",
    "climbing",
];

/// Words before h:mm or h:mm:ss that make it a clock time, not a result.
pub(super) const CLOCK_PREPOSITIONS: &[&str] = &[
    "at", "from", "until", "till", "by", "before", "after", "since", "between", "to",
];

/// Words after a reading that make it a clock time.
pub(super) const CLOCK_SUFFIXES: &[&str] = &["a.m", "p.m", "am", "pm", "gmt", "utc", "local", "o'clock"];

/// Words before m:ss that make it a race or result time: "won in 3:58", "a 3:58 mile".
pub(super) const RESULT_CUES: &[&str] = &[
    "in", "a", "an", "of", "time", "clocked", "ran", "run", "timed", "record", "best", "finished", "won",
    "winning", "posted", "under", "than",
];

/// Nouns after m:ss that make it a result: "a 3:58 mile".
pub(super) const RACE_NOUNS: &[&str] = &[
    "mile",
    "marathon",
    "lap",
    "finish",
    "km",
    "kilometres",
    "metres",
    "swim",
    "run",
    "race",
    "leg",
];

/// Role nouns before "of four": the count is of children.
pub(super) const PARENTS: &[&str] = &["father", "mother", "parent"];
pub(super) const GRANDPARENTS: &[&str] = &["grandfather", "grandmother", "grandparent"];

/// Stop words that may describe the noun after a number: "four smaller towns".
pub(super) const ADJECTIVES_BEFORE_NOUN: &[&str] = &[
    "smaller",
    "larger",
    "bigger",
    "older",
    "younger",
    "newer",
    "higher",
    "lower",
    "away",
    "home",
    "long",
    "short",
    "extra",
    "additional",
    "further",
    "other",
];

/// Forms of "to be".
pub(super) const BE_VERBS: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// Pronouns that stand for a speaker named elsewhere.
pub(super) const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i", "you"];

/// Adverbs between "was" and "said to", or "been" and "filmed".
pub(super) const REPORT_ADVERBS: &[&str] = &[
    "also",
    "reportedly",
    "allegedly",
    "now",
    "widely",
    "since",
    "later",
];

/// "was said to", "were reported to": second-hand reports.
pub(super) const REPORT_PARTICIPLES: &[&str] = &[
    "said",
    "reported",
    "alleged",
    "believed",
    "thought",
    "understood",
    "rumoured",
    "rumored",
    "known",
];

/// "have been filmed in": events recorded by someone.
pub(super) const WITNESS_PARTICIPLES: &[&str] = &[
    "filmed",
    "reported",
    "seen",
    "photographed",
    "recorded",
    "spotted",
    "heard",
    "documented",
    "sighted",
];

/// Words that put an event on a calendar: "is due on Monday", "will meet on June 12".
pub(super) const SCHEDULE_WORDS: &[&str] = &["due", "expected", "scheduled", "sworn", "will"];

/// Verbs of speech proper (not "reported sales", "found that").
pub(super) const SPEECH_VERBS: &[&str] = &[
    "said", "says", "told", "added", "warned", "insisted", "argued", "claimed", "stated", "noted", "stressed",
];

/// Reporting participles that name no speaker after "by" in a passive: "the
/// body was found by a walker", "the title was held by Kessler".
pub(super) const NOT_PASSIVE_SPEECH: &[&str] = &["found", "held", "ruled", "showed", "shown", "admitted"];

/// Verbs that give a speaker's figure or verdict: "put the cost at £1.2m",
/// "called it a disgrace" (see `verdict_verb`).
pub(super) const VERDICT_VERBS: &[&str] = &["put", "puts", "putting", "called", "calls"];

/// Objects of "called" when it gives a verdict: "called it", "called the figure".
pub(super) const VERDICT_OBJECTS: &[&str] =
    &["it", "this", "that", "them", "the", "his", "her", "its", "their"];

/// Nouns after "called the" that make it a summons or a decision.
pub(super) const SUMMONED: &[&str] = &[
    "police",
    "election",
    "elections",
    "meeting",
    "vote",
    "strike",
    "ambulance",
    "army",
    "shots",
    "plays",
    "off",
];

/// Nouns for a statement someone disputes: "a claim the trust denied".
pub(super) const DISPUTED_THINGS: &[&str] = &[
    "claim",
    "charge",
    "allegation",
    "accusation",
    "suggestion",
    "figure",
    "version",
    "characterisation",
    "characterization",
];

/// Relative words after which a clause names its own speaker.
pub(super) const RELATIVES: &[&str] = &["who", "which", "whom"];

/// Words that make a quotation an accusation or a checkable statement of fact.
pub(super) const ACCUSATIONS: &[&str] = &[
    "wrong",
    "wrongly",
    "lied",
    "lying",
    "lies",
    "paid",
    "paying",
    "bribed",
    "bribes",
    "stole",
    "stolen",
    "stealing",
    "rigged",
    "fraud",
    "illegal",
    "illegally",
    "unlawful",
    "unlawfully",
    "killed",
    "killing",
    "burn",
    "burned",
    "burning",
    "attacked",
    "shelled",
    "tortured",
    "hid",
    "hidden",
    "false",
    "falsely",
    "never",
    "cheated",
    "forged",
    "smuggled",
    "looted",
    "abused",
    "threatened",
    "covered",
    "violated",
    "breached",
];

/// Words that open a clause before its speaker: "…, which the company says".
pub(super) const CLAUSE_OPENERS: &[&str] = &[
    "with", "which", "who", "whom", "that", "but", "and", "while", "as",
];

/// Documents that carry a source's figures: "according to figures released by …".
pub(super) const SOURCE_DOCUMENTS: &[&str] = &[
    "figures",
    "data",
    "statistics",
    "numbers",
    "estimates",
    "records",
    "documents",
    "report",
    "analysis",
    "survey",
    "results",
    "a",
    "the",
    "new",
    "latest",
    "official",
];

/// Subjects that name nobody in particular: "Others were less patient."
pub(super) const INDEFINITES: &[&str] = &[
    "others",
    "nobody",
    "everyone",
    "everybody",
    "someone",
    "somebody",
    "anyone",
    "many",
    "few",
    "some",
];

/// Plurals without an -s: "41,950 people aged 40 to 69".
pub(super) const IRREGULAR_PLURALS: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "police",
    "staff",
    "cattle",
    "sheep",
    "fish",
    "data",
    "media",
    "personnel",
];

/// Lower-case words before a number that make it part of a name: "the number 14 bus", "ward 3".
pub(super) const NAME_NUMBER_PREFIXES: &[&str] = &[
    "number", "route", "ward", "platform", "gate", "flight", "bus", "chapter", "section", "article", "room",
    "line", "highway", "junction", "terminal", "pier", "berth", "level", "grade", "stage", "category",
    "phase", "lap",
];

/// Words before "one week", "one year" that make "one" a duration.
pub(super) const DURATION_PREPOSITIONS: &[&str] = &[
    "for", "within", "after", "than", "just", "only", "about", "over", "under", "nearly", "almost", "in",
];

/// Units written onto a number ("96mm"); kept as written.
pub(super) const UNIT_SUFFIXES: &[&str] = &[
    "mm", "cm", "km", "kg", "mph", "kph", "kmh", "mw", "gw", "kw", "kwh", "mwh", "gwh", "ha", "ft", "lb",
    "lbs", "ml",
];

/// Words after "200m" that make it a race's name: "the 200m freestyle".
pub(super) const RACE_EVENTS: &[&str] = &[
    "freestyle",
    "backstroke",
    "breaststroke",
    "butterfly",
    "medley",
    "individual",
    "hurdles",
    "sprint",
    "relay",
    "final",
    "finals",
    "race",
    "dash",
    "steeplechase",
    "title",
    "heat",
    "heats",
    "semi-final",
];

/// Participles of putting out a document, which name its source after "by"
/// in a passive: "The figures were released by the statistics office".
pub(super) const RELEASE_PARTICIPLES: &[&str] = &["released", "published", "issued", "compiled", "provided"];

/// Objects of "conceded" or "claimed" that make it a concession or a win, not
/// speech: "conceded defeat", "claimed victory" (after "conceded" a
/// determiner counts too: "conceded the race").
pub(super) const CONCEDED_THINGS: &[&str] = &[
    "defeat",
    "victory",
    "ground",
    "nothing",
    "possession",
    "gold",
    "silver",
    "bronze",
    "lives",
    "title",
];

/// Speech verbs only when "that" follows: "the judge ruled that …" (not
/// "ruled the country", "held talks").
pub(super) const NEEDS_THAT: &[&str] = &["ruled", "held"];

/// Days named relative to today.
pub(super) const RELATIVE_DAYS: &[&str] = &["yesterday", "today", "tonight"];

/// The reporter's or author's own voice.
pub(super) const FIRST_PERSON_WORDS: &[&str] = &["we", "i", "us", "our"];

/// Adverbs and auxiliaries between a speaker and the verb: "The agency also
/// said", "Police have said", "Valcor, however, said", "Kyiv and Moscow both
/// said".
pub(super) const SPEAKER_TRAILERS: &[&str] = &[
    "also",
    "has",
    "have",
    "had",
    "will",
    "would",
    "however",
    "later",
    "previously",
    "earlier",
    "separately",
    "again",
    "now",
    "then",
    "further",
    "repeatedly",
    "already",
    "still",
    "long",
    "often",
    "reportedly",
    "both",
];

/// Singular nouns "one" counts ("one point clear", "one person died", "one
/// second quicker"); elsewhere "one" is far more often a pronoun.
pub(super) const ONE_COUNTED: &[&str] = &[
    "point", "goal", "try", "person", "child", "seat", "vote", "percent", "second", "minute", "hour",
];

/// Words right before "one" that make it a count of the noun after it:
/// "at least one adult", "more than one vehicle".
pub(super) const ONE_HEDGES: &[&str] = &["least", "than"];

/// Relatives an age may follow: "cared for his mother, 79."
pub(super) const KIN_NOUNS: &[&str] = &[
    "mother",
    "father",
    "wife",
    "husband",
    "son",
    "daughter",
    "brother",
    "sister",
    "partner",
    "grandmother",
    "grandfather",
    "widow",
    "widower",
];

/// Words before "over" that make it "more than", not "during": "for over six
/// years", "in over a decade" (otherwise "savings over six years" is during).
pub(super) const OVER_AS_MORE_THAN: &[&str] = &["for", "of", "in", "after", "within", "aged"];

/// Calls to action ("Residents who are worried can call the housing team on
/// …", "Anyone with information should contact police"): who is told to act…
pub(super) const CALL_TO_ACTION_SUBJECTS: &[&str] = &["anyone", "those"];
/// …the modal…
pub(super) const CALL_TO_ACTION_MODALS: &[&str] = &["can", "should", "must"];
/// …and what they are told to do.
pub(super) const CALL_TO_ACTION_VERBS: &[&str] = &[
    "call", "contact", "check", "visit", "email", "ring", "phone", "text", "apply", "register", "report",
    "ask",
];

/// Spans of years named by a word after "a" and a hedge: "more than a
/// decade" (10 years), "nearly a century".
pub(super) const YEAR_SPANS: &[(&str, f64)] = &[("decade", 10.0), ("century", 100.0)];

/// Hedge words that may stand right before "a decade": "more than a decade",
/// "nearly a decade", "at least a decade" ("over a decade" only after "for",
/// "in" and the like, see `OVER_AS_MORE_THAN`).
pub(super) const YEAR_SPAN_HEDGES: &[&str] = &[
    "than", "nearly", "almost", "about", "around", "roughly", "least", "most", "to",
];

/// Words counting times, read as a bare count: "scored twice" → 2.
pub(super) const MULTIPLIER_WORDS: &[(&str, f64)] = &[("twice", 2.0)];

/// Number words and their values…
pub(super) const SMALL_NUMBERS: &[(&str, u8)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
];
/// …the tens ("twenty-one" is read from these and the above)…
pub(super) const TENS: &[(&str, u8)] = &[
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];
/// …and vague amounts, each at the least it can mean.
pub(super) const VAGUE_AMOUNTS: &[(&str, f64)] = &[
    ("dozens", 12.0),
    ("scores", 20.0),
    ("tens", 10.0),
    ("hundreds", 1e2),
    ("thousands", 1e3),
    ("millions", 1e6),
    ("billions", 1e9),
];
/// Other words that may open a quantity ("a dozen", "between 40 and 60",
/// "half", "US$").
pub(super) const QUANTITY_OPENERS: &[&str] = &["a", "an", "between", "half", "dozen", "us"];

/// Words after "twice" that make it a ratio in a comparison ("twice as
/// strong", "nearly twice the regional average"), not a count of times.
pub(super) const MULTIPLIER_COMPARED: &[&str] =
    &["as", "the", "that", "than", "more", "its", "their", "his", "her"];

/// Reporting words that are also nouns: before a preposition they name a
/// thing, not what someone said ("cut its growth forecast to 1.1 percent",
/// "the estimate of 300 deaths").
pub(super) const REPORTING_NOUNS: &[&str] = &["forecast", "forecasts", "estimate", "estimates", "warning"];

/// Prepositions after which a reporting noun is a noun.
pub(super) const NOUN_PREPOSITIONS: &[&str] = &["to", "of", "for", "from", "by", "on", "at"];
