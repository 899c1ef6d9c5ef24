//! Sentence embeddings: the hand-written encoder checked against the
//! reference implementation (Hugging Face `tokenizers` and the
//! sentence-transformers model, whose figures are written here), and
//! fact-checks matched by meaning end to end.

use claimdesk::domain::extract::analyse;
use claimdesk::domain::similarity::{Fingerprint, SAME_REVIEWED, TermCounts};
use claimdesk::service::semantic::Semantic;

use super::*;
use crate::exchange::{feed_of, import_then_extract, review};
use crate::support::with_semantic;

fn encoder() -> &'static embedding::Encoder {
    static SEMANTIC: std::sync::OnceLock<Semantic> = std::sync::OnceLock::new();
    SEMANTIC
        .get_or_init(crate::support::semantic)
        .encoder()
        .expect("the model is loaded")
}

/// Token ids as `tokenizers` 0.23 gives them for the model's
/// `tokenizer.json`: accents, curly quotes, CJK characters, a control
/// character, a no-break space, symbols, a word past 100 characters.
#[test]
fn tokens_are_the_reference_tokenizers() {
    let cases: [(&str, &[u32]); 8] = [
        // Lower-cased a character at a time: no final sigma.
        ("ΟΔΟΣ", &[101, 1169, 29722, 29730, 29733, 102]),
        // A line separator is a space; an unassigned character is kept.
        ("a\u{2028}b", &[101, 1037, 1038, 102]),
        ("a\u{ffff}b", &[101, 100, 102]),
        (
            "Zürich's café — naïve “quotes” 東京 x\u{7}y\u{a0}z",
            &[
                101, 10204, 1005, 1055, 7668, 1517, 15743, 1523, 16614, 1524, 1879, 1755, 1060, 2100, 1062,
                102,
            ],
        ),
        (
            "The £3.5bn plan cut CO₂ emissions by 12.5% (vs. 2019)!",
            &[
                101, 1996, 28182, 1012, 1019, 24700, 2933, 3013, 20190, 11768, 2011, 2260, 1012, 1019, 1003,
                1006, 5443, 1012, 10476, 1007, 999, 102,
            ],
        ),
        (
            "Supercalifragilisticexpialidocious antidisestablishmentarianism",
            &[
                101, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313, 3424, 10521,
                4355, 7875, 13602, 3672, 12199, 2964, 102,
            ],
        ),
        (&format!("{} b", "a".repeat(120)), &[101, 100, 1038, 102]),
        (
            "Ärzte in Köln: 1,234 Fälle\tok\r\n",
            &[
                101, 12098, 2480, 2618, 1999, 28306, 1024, 1015, 1010, 22018, 2991, 2063, 7929, 102,
            ],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(encoder().tokens(text), expected, "{text:?}");
    }
    // Longer text is cut to the model's 256 tokens, [SEP] kept last.
    let long = encoder().tokens(&"word ".repeat(1_000));
    assert_eq!(long.len(), embedding::MAX_TOKENS);
    assert_eq!(long.last(), Some(&102));
}

/// Cosines as sentence-transformers gives them for all-MiniLM-L6-v2 (the
/// first is the example in its documentation), and the first numbers of
/// one embedding.
#[test]
fn embeddings_are_the_reference_models() {
    let e = encoder();
    let eating = e.embed("A man is eating food.");
    let bread = e.embed("A man is eating a piece of bread.");
    let movie = e.embed("The new movie is awesome.");
    assert!((embedding::cosine(&eating, &bread) - 0.75534).abs() < 5e-4);
    assert!((embedding::cosine(&eating, &movie) + 0.04605).abs() < 5e-4);
    let reservists = e.embed("Russia called up 300,000 reservists in September 2022.");
    for (got, want) in reservists
        .iter()
        .zip([-0.033_355, -0.077_113, -0.073_048, -0.012_436])
    {
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
    }
    let mobilised =
        e.embed("In September 2022 Moscow mobilised 300,000 reserve soldiers, the defence ministry said.");
    assert!((embedding::cosine(&reservists, &mobilised) - 0.61194).abs() < 5e-4);
    assert!((embedding::cosine(&reservists, &reservists) - 1.0).abs() < 1e-5);
    // Several texts at once are the same as one at a time.
    let many = e.embed_many(&["A man is eating food.", "", "The new movie is awesome."]);
    assert!((embedding::cosine(&many[0], &eating) - 1.0).abs() < 1e-5);
    assert!((embedding::cosine(&many[2], &movie) - 1.0).abs() < 1e-5);
    assert_eq!(many[1].len(), embedding::DIM);
}

/// A directory without the model, or with a broken one, is refused with a
/// message naming what is wrong, not a panic.
#[test]
fn a_missing_or_broken_model_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("claimdesk-model-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let refusal = || Semantic::load(&dir).unwrap_err().to_string();
    let err = refusal();
    assert!(err.contains("model.safetensors"), "{err}");
    std::fs::write(dir.join("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n").unwrap();
    for (weights, says) in [
        (
            &b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":"[..],
            "not a safetensors file",
        ),
        (&b"\x02\x00\x00\x00\x00\x00\x00\x00{}"[..], "lacks tensor"),
    ] {
        std::fs::write(dir.join("model.safetensors"), weights).unwrap();
        let err = refusal();
        assert!(err.contains(says), "{err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A claim and a fact-checker's statement of it in other words.
const CLAIM: &str = "The coastguard said 1,200 migrants crossed the Channel in small boats during August.";
const REVIEWED: &str = "Says 1,200 people reached the UK by boat across the Channel in August.";

/// Word overlap alone does not take these for one claim; their meaning does.
#[test]
fn the_paraphrase_is_found_by_meaning_only() {
    let print = |t: &str, claimant: Option<&str>| Fingerprint::of(t, claimant, &analyse(t).quantities);
    let (claim, reviewed) = (print(CLAIM, Some("The coastguard")), print(REVIEWED, None));
    let counts = TermCounts::of([&claim, &reviewed]);
    assert!(claim.compare_reviewed(&reviewed, &counts).score < SAME_REVIEWED);
    let cosine = f64::from(embedding::cosine(
        &encoder().embed(CLAIM),
        &encoder().embed(REVIEWED),
    ));
    assert!(
        claim.compare_reviewed_meaning(&reviewed, &counts, cosine).score >= SAME_REVIEWED,
        "{cosine}"
    );
}

db_test_with! { with_semantic();
    async fn an_extracted_claim_shows_a_fact_check_that_says_it_in_other_words(app: TestApp) {
        let feed = feed_of(vec![
            review(1, REVIEWED, "Mostly true"),
            // The same crossing with another number.
            review(2, "In August, 2,400 people made the Channel crossing aboard dinghies.", "False"),
        ]);
        let body = format!("{CLAIM} Separately, the city opened 4 new libraries on Monday.");
        let claims = import_then_extract(&app, feed, &body).await;
        let repeat = claims.iter().find(|c| c["text"].as_str().unwrap().contains("migrants")).unwrap();
        let id = repeat["id"].as_str().unwrap();
        let shown = app.get(&format!("/api/v1/claims/{id}")).await.expect(200).clone();
        assert_eq!(shown["similar_external"]["review_url"], "https://checker.example/checks/1", "{shown}");
        let similar = app.get(&format!("/api/v1/claims/{id}/similar")).await.expect(200).clone();
        let found = similar["external"].as_array().unwrap();
        assert_eq!(found[0]["claim_reviewed"], REVIEWED);
        assert_eq!(found[0]["same_claim"], true);
        let kinds: Vec<&str> = found[0]["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"similar_meaning"), "{kinds:?}");
        assert!(found.iter().all(|f| f["claim_reviewed"] == REVIEWED || f["same_claim"] == false), "{similar}");
    }
}
