use super::*;
use crate::domain::extract::analyse;

fn print(text: &str, claimant: Option<&str>) -> Fingerprint {
    Fingerprint::of(text, claimant, &analyse(text).quantities)
}

fn compare(a: &str, b: &str) -> Similarity {
    let (a, b) = (print(a, None), print(b, None));
    let counts = TermCounts::of([&a, &b]);
    a.compare(&b, &counts)
}

#[test]
fn units_meet_in_singular_form_and_synonyms() {
    for (unit, key) in [
        ("troops", "troop"),
        ("Reservists", "troop"),
        ("soldiers", "troop"),
        ("offices", "office"),
        ("casualties", "casualty"),
        ("people", "person"),
        ("hours", "hour"),
        ("churches", "church"),
        ("percent", "percent"),
        ("arson attacks", "arson attack"),
        ("bus", "bus"),
    ] {
        assert_eq!(unit_key(unit), key, "{unit}");
    }
}

#[test]
fn number_formats_are_one_amount() {
    let s = compare(
        "The ministry said 300,000 reservists were called up.",
        "Some 0.3 million troops were called up, the ministry said.",
    );
    assert!(s.same_claim(), "{s:?}");
    assert!(
        s.reasons.contains(&Reason::SharedQuantity("300000 troop".into())),
        "{s:?}"
    );
}

#[test]
fn one_different_fact_is_a_near_miss() {
    for (a, b) in [
        (
            "Arsonists torched 17 offices in Kharkiv last week.",
            "Arsonists torched 12 offices in Kharkiv last week.",
        ),
        (
            "Arsonists torched 17 offices in Kharkiv last week.",
            "Arsonists torched 17 offices in Odesa last week.",
        ),
        (
            "Unemployment in the region rose by 2 percent in 2023.",
            "Unemployment in the region fell by 2 percent in 2023.",
        ),
        (
            "Unemployment in the region rose by 2 percent in 2023.",
            "Unemployment in the region rose by 2 percent in 2019.",
        ),
    ] {
        let s = compare(a, b);
        assert!(!s.same_claim(), "{a} / {b}: {s:?}");
    }
}

#[test]
fn unrelated_claims_score_nothing() {
    let s = compare(
        "The council approved 40 new homes on the river site.",
        "Measles cases doubled among schoolchildren this winter.",
    );
    assert!(s.score < RELEVANT, "{s:?}");
}

fn compare_reviewed(claim: &str, reviewed: &str) -> Similarity {
    let (a, b) = (print(claim, None), print(reviewed, None));
    let counts = TermCounts::of([&a, &b]);
    a.compare_reviewed(&b, &counts)
}

fn contradicts(s: &Similarity) -> bool {
    s.reasons.iter().any(|r| {
        matches!(
            r,
            Reason::DifferentQuantity(_)
                | Reason::DifferentNames(_)
                | Reason::DifferentDetail(_)
                | Reason::OppositeDirection
        )
    })
}

#[test]
fn a_fact_checkers_terse_statement_of_the_claim_matches() {
    let s = compare_reviewed(
        "Russia's defence ministry said 300,000 reservists had been called up in September 2022.",
        "Russia called up 300,000 reservists in September 2022",
    );
    assert!(s.score >= SAME_REVIEWED, "{s:?}");
}

#[test]
fn the_source_a_report_names_is_not_a_name_that_contradicts() {
    let claim = "Bicycle thefts in Leeds rose by 14 percent last year, the West Yorkshire force said.";
    assert!(print(claim, None).sources.contains("yorkshir"));
    let s = compare_reviewed(
        claim,
        "Bicycle thefts in Leeds went up 14% in 2024, according to police in Yorkshire.",
    );
    assert!(
        !s.reasons.iter().any(|r| matches!(r, Reason::DifferentNames(_))),
        "{s:?}"
    );
    // Another place is still another claim.
    let s = compare_reviewed(claim, "Bicycle thefts in York rose by 14 percent last year.");
    assert!(contradicts(&s) && s.score < SAME_REVIEWED, "{s:?}");
}

#[test]
fn times_written_in_words_and_in_digits_agree() {
    let s = compare_reviewed(
        "The runner won the city marathon in 2 hours, 4 minutes and 10 seconds on Sunday.",
        "The runner won the city marathon in 2:04:10.",
    );
    assert!(!contradicts(&s), "{s:?}");
}

#[test]
fn a_year_of_reference_on_one_side_is_not_another_date() {
    let s = compare_reviewed(
        "Inflation in the country fell to 1.9 percent in March, the lowest since 1998.",
        "Inflation fell to 1.9% in March 2024.",
    );
    assert!(!contradicts(&s), "{s:?}");
    let s = compare_reviewed(
        "Inflation fell to 1.9 percent, the lowest since 1998.",
        "Inflation fell to 1.9%, the lowest since 2005.",
    );
    assert!(contradicts(&s), "{s:?}");
}

#[test]
fn a_fraction_is_not_an_ordinal() {
    let f = print(
        "Exports fell by a third in the first-time buyers market, one fifth of the total.",
        None,
    );
    assert!(f.ordinals.is_empty(), "{:?}", f.ordinals);
    let f = print("Exports fell in the third quarter.", None);
    assert!(f.ordinals.contains("third"));
}

#[test]
fn bounds_on_opposite_sides_contradict() {
    let s = compare_reviewed(
        "The county recorded fewer than 300 road deaths last year.",
        "The county recorded more than 300 road deaths last year.",
    );
    assert!(s.score < SAME_REVIEWED, "{s:?}");
}

#[test]
fn more_verbs_tell_a_rise_from_a_fall_and_more_than_is_neither() {
    for (claim, reviewed) in [
        (
            "The region lost more than 8,000 farming jobs since 2015.",
            "The region added 8,000 farming jobs since 2015.",
        ),
        (
            "The economy contracted by 1.2 percent in 2023.",
            "The economy grew 1.2% in 2023.",
        ),
    ] {
        let s = compare_reviewed(claim, reviewed);
        assert!(
            s.reasons.contains(&Reason::OppositeDirection),
            "{claim} / {reviewed}: {s:?}"
        );
        assert!(s.score < SAME_REVIEWED, "{claim} / {reviewed}: {s:?}");
    }
    // Claim-to-claim matching reads its own, shorter list.
    let s = compare(
        "The economy contracted by 1.2 percent in 2023.",
        "The economy grew 1.2% in 2023.",
    );
    assert!(!s.reasons.contains(&Reason::OppositeDirection), "{s:?}");
}

#[test]
fn one_movement_in_other_words_is_not_another_detail() {
    let s = compare_reviewed(
        "Lake ice on the reservoir shrank to 12 square kilometres in March.",
        "Lake ice on the reservoir fell to 12 square kilometres in March.",
    );
    assert!(!contradicts(&s), "{s:?}");
    let s = compare_reviewed(
        "Lake ice on the reservoir shrank to 12 square kilometres in March.",
        "Lake ice on the reservoir grew to 12 square kilometres in March.",
    );
    assert!(contradicts(&s), "{s:?}");
}

#[test]
fn units_written_two_ways_are_one_unit() {
    let s = compare_reviewed(
        "The country's wind farms generated 81.4 terawatt-hours of electricity in 2022, the grid operator said.",
        "Wind farms produced 81.4 TWh of power in 2022.",
    );
    assert!(
        s.reasons
            .contains(&Reason::SharedQuantity("81.4 terawatt hour".into())),
        "{s:?}"
    );
    assert!(!contradicts(&s), "{s:?}");
    let s = compare_reviewed(
        "The reserve covers 4,200 square kilometres of forest.",
        "The reserve covers 4,200 km² of forest.",
    );
    assert!(!contradicts(&s) && s.score >= SAME_REVIEWED, "{s:?}");
    // Another number in the same unit, written the other way, still differs.
    let s = compare_reviewed(
        "The reserve covers 4,200 square kilometres of forest.",
        "The reserve covers 9,000 km² of forest.",
    );
    assert!(contradicts(&s), "{s:?}");
}

#[test]
fn words_of_one_sense_count_and_antonyms_contradict() {
    // WordNet: "purchase" and "buy" are one sense.
    let with = compare_reviewed(
        "The city council will purchase 40 electric buses for its routes next year.",
        "The council will buy 40 electric buses.",
    );
    assert!(with.score >= SAME_REVIEWED, "{with:?}");
    assert!(!contradicts(&with), "{with:?}");
    // WordNet: "acquit" and "convict" are antonyms.
    let s = compare_reviewed(
        "A jury in the capital convicted the former mayor of taking bribes on Friday.",
        "A jury acquitted the former mayor of taking bribes.",
    );
    assert!(contradicts(&s) && s.score < SAME_REVIEWED, "{s:?}");
}

/// With the texts' meaning known, the cosine of their embeddings takes
/// the place of the word overlap, and contradictions still count.
#[test]
fn meaning_replaces_the_overlap_and_contradictions_still_count() {
    let (a, b) = (
        print(
            "The coastguard said 1,200 migrants crossed the Channel during August.",
            None,
        ),
        print(
            "In August, 1,200 people made the Channel crossing aboard dinghies.",
            None,
        ),
    );
    let counts = TermCounts::of([&a, &b]);
    assert!(a.reviewed_prospect(&b, &counts).is_some());
    let alike = a.compare_reviewed_meaning(&b, &counts, 0.85);
    assert!(alike.score >= SAME_REVIEWED, "{alike:?}");
    assert!(alike.reasons.contains(&Reason::SimilarMeaning(0.85)));
    assert!(a.compare_reviewed_meaning(&b, &counts, 0.45).score < SAME_REVIEWED);
    assert!(
        a.compare_reviewed_meaning(&b, &counts, 0.3).score
            < a.compare_reviewed_meaning(&b, &counts, 0.5).score
    );
    // Another number: no cosine makes it a repeat, so none is computed.
    let other = print(
        "In August, 2,400 people made the Channel crossing aboard dinghies.",
        None,
    );
    let counts = TermCounts::of([&a, &other]);
    assert!(a.reviewed_prospect(&other, &counts).is_none());
    assert!(a.compare_reviewed_meaning(&other, &counts, 1.0).score < SAME_REVIEWED);
}

/// The statement compared with the claim when the two read alike (cosine
/// 0.85): only a contradiction keeps them apart.
fn at_a_high_cosine(claim: &str, reviewed: &str) -> Similarity {
    let (a, b) = (print(claim, None), print(reviewed, None));
    let counts = TermCounts::of([&a, &b]);
    a.compare_reviewed_meaning(&b, &counts, 0.85)
}

/// A contradiction keeps the two apart, however alike they read.
fn assert_apart(claim: &str, reviewed: &str) -> Similarity {
    let s = at_a_high_cosine(claim, reviewed);
    assert!(
        contradicts(&s) && s.score < SAME_REVIEWED,
        "{claim} / {reviewed}: {s:?}"
    );
    s
}

fn assert_repeat(claim: &str, reviewed: &str) {
    let s = at_a_high_cosine(claim, reviewed);
    assert!(s.score >= SAME_REVIEWED, "{claim} / {reviewed}: {s:?}");
}

#[test]
fn words_of_one_kind_that_name_different_things_contradict() {
    assert_apart(
        "Customs figures showed the port's coffee exports reached 90,000 tonnes in April.",
        "Coffee imports through the port hit 90,000 tonnes in April.",
    );
    assert_apart(
        "The regional health board said 3,100 midwives had left the service since 2021.",
        "Since 2021, 3,100 doctors have left the regional health service.",
    );
    assert_apart(
        "Flooding in the delta left 75 people injured, the provincial governor said.",
        "Floods in the delta killed 75 people.",
    );
    assert_apart(
        "Inspectors found that 260 schools in the province had no heating this winter.",
        "260 hospitals in the province had no heating this winter.",
    );
    // Both kinds named on one side, or a general word on the other: no
    // contradiction.
    assert_repeat(
        "The storm killed 12 people and injured 40 more across the islands, officials said.",
        "Twelve people were killed in the storm.",
    );
    assert_repeat(
        "The carmaker said its plant built 400,000 cars and vans last year.",
        "The plant built 400,000 vehicles last year.",
    );
}

#[test]
fn a_statement_about_the_whole_is_not_a_claim_about_a_part() {
    let part = assert_apart(
        "48 wildfires broke out in the southern districts this week, the fire service said.",
        "48 wildfires broke out nationwide this week.",
    );
    assert!(
        format!("{:?}", part.reasons).contains("a part vs nationwide"),
        "{part:?}"
    );
    assert_repeat(
        "48 wildfires broke out across the whole country this week, the fire service said.",
        "48 wildfires broke out nationwide this week.",
    );
}

#[test]
fn years_are_never_rounded_and_spans_meet_in_days() {
    // 2040 is within 5% of 2035, but another year.
    assert_apart(
        "The ministry said coal plants would close by 2035 under the new plan.",
        "Coal plants will close by 2040.",
    );
    assert_apart(
        "Bus fares in the city have risen 40 percent over the past 18 months, a survey found.",
        "City bus fares rose 40% over the past three years.",
    );
    assert_repeat(
        "Bus fares in the city have risen 40 percent over the past 24 months, a survey found.",
        "City bus fares rose 40% over the past two years.",
    );
}

#[test]
fn one_number_bounded_on_opposite_sides_contradicts_whatever_it_counts() {
    assert_apart(
        "Rangers said the reserve now holds more than 800 animals, up from 300 a decade ago.",
        "Fewer than 800 antelope remain in the reserve.",
    );
}

#[test]
fn the_verb_that_moves_to_the_number_tells_the_direction() {
    let s = assert_apart(
        "The central bank said the jobless rate rose to 5.8 percent in May as factory orders weakened.",
        "The jobless rate fell to 5.8% in May.",
    );
    assert!(s.reasons.contains(&Reason::OppositeDirection), "{s:?}");
}

#[test]
fn names_in_other_forms_are_one_name() {
    assert_repeat(
        "Average rents in Leeds reached 1,150 pounds a month in November 2024, an agency said.",
        "Leeds rents averaged £1,150 a month in Nov 2024.",
    );
    assert_repeat(
        "The Met Office said the thermometer at the airport reached 39.1 degrees Celsius in July.",
        "The airport recorded 39.1C in July.",
    );
    assert_repeat(
        "Sales of EVs in the region doubled to 80,000 last year, dealers said.",
        "Regional EVs sales doubled to 80,000 last year.",
    );
}
