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
