use super::*;

type Reading = (f64, Option<String>, &'static str);

fn quantities(text: &str) -> Vec<Reading> {
    extract(text)
        .into_iter()
        .flat_map(|c| c.quantities)
        .map(|q| (q.value, q.unit, q.qualifier.as_str()))
        .collect()
}

fn q(value: f64, unit: Option<&str>, qualifier: &'static str) -> Reading {
    (value, unit.map(str::to_owned), qualifier)
}

#[test]
fn reads_numbers_in_their_many_forms() {
    let cases: &[(&str, Vec<Reading>)] = &[
        (
            "The army called up 300,000 new troops last week.",
            vec![q(300000.0, Some("troops"), "exact")],
        ),
        (
            "Officials said 17 administrative offices were torched.",
            vec![q(17.0, Some("offices"), "exact")],
        ),
        (
            "Lines took more than 24 hours to clear.",
            vec![q(24.0, Some("hours"), "more_than")],
        ),
        (
            "Prices rose 3.7% in March.",
            vec![q(3.7, Some("percent"), "exact")],
        ),
        (
            "The plan costs $4.5bn over a decade.",
            vec![q(4.5e9, Some("usd"), "exact")],
        ),
        (
            "The fund holds €300m in bonds.",
            vec![q(3e8, Some("eur"), "exact")],
        ),
        (
            "The city spent 1.2 million pounds on repairs.",
            vec![q(1.2e6, Some("gbp"), "exact")],
        ),
        (
            "Seventeen schools closed on Tuesday.",
            vec![q(17.0, Some("schools"), "exact")],
        ),
        (
            "Police detained twenty-four protesters.",
            vec![q(24.0, Some("protesters"), "exact")],
        ),
        (
            "A dozen ministers resigned.",
            vec![q(12.0, Some("ministers"), "exact")],
        ),
        (
            "Thousands of people were arrested after the protests.",
            vec![q(1000.0, Some("people"), "approx")],
        ),
        (
            "The protests caused thousands to be arrested.",
            vec![q(1000.0, None, "approx")],
        ),
        (
            "Nearly 40 flights were cancelled.",
            vec![q(40.0, Some("flights"), "approx")],
        ),
        (
            "At least 12 people died in the blaze.",
            vec![q(12.0, Some("people"), "at_least")],
        ),
        (
            "Fewer than 300 voters turned out.",
            vec![q(300.0, Some("voters"), "less_than")],
        ),
        (
            "The storm left up to 30 centimetres of snow.",
            vec![q(30.0, Some("centimetres"), "up_to")],
        ),
        (
            "Drivers faced 24-hour border waits.",
            vec![q(24.0, Some("hours"), "exact")],
        ),
        (
            "The town lies 115 miles southeast of Moscow.",
            vec![q(115.0, Some("miles"), "exact")],
        ),
        (
            "A third of voters backed the plan.",
            vec![q(1.0 / 3.0, Some("voters"), "exact")],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&quantities(text), expected, "{text}");
    }
}

#[test]
fn proportions_and_ranges() {
    let c = extract("Four of the five European Union (EU) border countries refused visas.");
    let q = &c[0].quantities[0];
    assert_eq!(
        (q.value, q.of, q.unit.as_deref()),
        (4.0, Some(5.0), Some("countries"))
    );
    let c = extract("Turnout was between 40 and 60 percent in the north.");
    let q = &c[0].quantities[0];
    assert_eq!(
        (q.value, q.value_max, q.unit.as_deref()),
        (40.0, Some(60.0), Some("percent"))
    );
}

#[test]
fn leaves_out_years_dates_ordinals_and_names() {
    for text in [
        "The law passed in 2022 after a long fight.",
        "The vote is on March 3 in the capital.",
        "She was the first woman to lead the party.",
        "The prime minister spoke at No. 10 on Friday.",
        "Traffic stopped on Route 66 near Tulsa.",
        "The G7 met in Rome after the COVID-19 crisis.",
        "The meeting starts at 10:30 in the hall.",
        "It was the 3rd attempt by the Smith family.",
    ] {
        assert_eq!(quantities(text), vec![], "{text}");
    }
}

#[test]
fn skips_headings_questions_opinion_and_bios() {
    let text = "Council Passes Budget\n\nThe council approved 12 new schools on Tuesday. Who will pay for it? \
                This terrible and unnecessary plan will hurt everyone.\n\nWhat Comes Next\n\n\
                The mayor said the work starts in spring.\n\nAna Ruiz covers city hall for the Daily Example. \
                She has won 3 awards.";
    let claims: Vec<String> = extract(text).into_iter().map(|c| c.text).collect();
    assert_eq!(
        claims,
        [
            "The council approved 12 new schools on Tuesday.",
            "The mayor said the work starts in spring."
        ]
    );
}

#[test]
fn finds_claimants() {
    let claimant = |t: &str| extract(t).into_iter().next().and_then(|c| c.claimant);
    assert_eq!(
        claimant("Russian authorities stated the call-up would only affect veterans.").as_deref(),
        Some("Russian authorities")
    );
    assert_eq!(
        claimant("The rate fell to 4%, according to the central bank.").as_deref(),
        Some("the central bank")
    );
    assert_eq!(
        claimant("“We counted 40 boats,” said Dr. Amara Osei.").as_deref(),
        Some("Dr. Amara Osei")
    );
    assert_eq!(
        claimant("Unemployment rose to 5%, the ministry said.").as_deref(),
        Some("the ministry")
    );
    // A count as the object of "admitted" or "found" is an action, not speech.
    assert_eq!(
        claimant("Hospitals in the region admitted 63 people overnight.").as_deref(),
        None
    );
    // A closing "…, X said." wins over a weaker verb before it.
    assert_eq!(
        claimant("Vineyards expect their best vintage in years, the growers' cooperative said.").as_deref(),
        Some("the growers' cooperative")
    );
    // Named by role and by name: the name is the shortest span.
    assert_eq!(
        claimant("The opposition spokesperson, Maria Lindqvist, said the bridge cost 40 million euros.")
            .as_deref(),
        Some("Maria Lindqvist")
    );
    assert_eq!(
        claimant("Maria Lindqvist, the opposition spokesperson, said the bridge cost 40 million euros.")
            .as_deref(),
        Some("Maria Lindqvist")
    );
}

#[test]
fn numbers_in_names_are_not_quantities() {
    for text in [
        "Route 66 reopened.",
        "Route 66 reopened after repairs.",
        "Apollo 11 is in the museum.",
        "Drivers said Route 66 reopened.",
    ] {
        assert_eq!(quantities(text), vec![], "{text}");
    }
    // A sentence that opens with a word and a number that counts something.
    assert_eq!(
        quantities("Fully 30 percent stayed home."),
        vec![q(30.0, Some("percent"), "exact")]
    );
    assert_eq!(
        quantities("Another 300 troops arrived."),
        vec![q(300.0, Some("troops"), "exact")]
    );
}

#[test]
fn every_hedge_is_recognised_as_a_start() {
    for (words, qualifier) in words::HEDGES {
        let text = format!("Officials counted {} 40 boats.", words.join(" "));
        assert_eq!(
            quantities(&text),
            vec![q(40.0, Some("boats"), qualifier.as_str())],
            "{text}"
        );
    }
}

#[test]
fn an_extracted_claim_carries_the_analysis_of_its_text() {
    let text =
        "Intro line\n\nOfficials said 17 offices were torched. Prices rose 3.7% in March, the bank said.";
    for claim in extract(text) {
        assert_eq!(
            Analysis::of_extracted(&claim),
            analyse(&claim.text),
            "{}",
            claim.text
        );
    }
}

#[test]
fn huge_numbers_are_not_infinite() {
    let text = format!("The fund lost {} dollars.", "9".repeat(400));
    assert!(
        extract(&text)
            .iter()
            .flat_map(|c| &c.quantities)
            .all(|q| q.value.is_finite())
    );
    assert!(
        quantities(&format!("It cost ${}bn.", "9".repeat(306)))
            .iter()
            .all(|(v, _, _)| v.is_finite())
    );
}

#[test]
fn offsets_are_code_points_and_slice_back() {
    let text = "Café owners 👋🏽 said 40 cafés closed. Zoë counted 12 more in Málaga.";
    let chars: Vec<char> = text.chars().collect();
    for c in extract(text) {
        assert_eq!(chars[c.start..c.end].iter().collect::<String>(), c.text);
        for q in c.quantities {
            assert_eq!(chars[q.start..q.end].iter().collect::<String>(), q.text);
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text built from pieces that stress the splitter and the number reader.
    fn tricky_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("The council said 12 new schools opened. ".to_owned()),
            Just("Mr. Li paid $4.5bn, about 3.7% more. ".to_owned()),
            Just("“Why?” she asked.\n\n".to_owned()),
            Just("مرحبا بالعالم 123 ".to_owned()),
            Just("👩🏽‍⚕️ e\u{301} ".to_owned()),
            Just("\0".to_owned()),
            Just("twenty-four of the 40 ".to_owned()),
            Just("between 40 and 60 percent; ".to_owned()),
            Just("1,000,000.5m ".to_owned()),
            Just("\u{202e}reversed\u{202c} ".to_owned()),
            Just("...!?”’ ".to_owned()),
            any::<String>(),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn offsets_always_slice_back(text in tricky_text()) {
            let chars: Vec<char> = text.chars().collect();
            for claim in extract(&text) {
                prop_assert!(claim.start < claim.end && claim.end <= chars.len());
                prop_assert_eq!(chars[claim.start..claim.end].iter().collect::<String>(), claim.text.clone());
                prop_assert!((0.0..=1.0).contains(&claim.checkworthiness));
                for q in claim.quantities {
                    prop_assert!(q.start >= claim.start && q.end <= claim.end);
                    prop_assert_eq!(chars[q.start..q.end].iter().collect::<String>(), q.text);
                    prop_assert!(q.value.is_finite());
                }
            }
        }

        #[test]
        fn analysing_any_text_never_panics(text in tricky_text()) {
            let chars: Vec<char> = text.chars().collect();
            for q in analyse(&text).quantities {
                prop_assert_eq!(chars[q.start..q.end].iter().collect::<String>(), q.text);
            }
        }
    }
}

#[test]
fn reads_ages_result_times_mixed_numbers_and_shared_units() {
    let cases: &[(&str, Vec<Reading>)] = &[
        (
            "The incumbent took 48,112 votes to the challenger's 47,950.",
            vec![
                q(48112.0, Some("votes"), "exact"),
                q(47950.0, Some("votes"), "exact"),
            ],
        ),
        (
            "The county opened 31 schools, up from 12 last year.",
            vec![
                q(31.0, Some("schools"), "exact"),
                q(12.0, Some("schools"), "exact"),
            ],
        ),
        (
            "The shelling killed 23 civilians and wounded dozens more.",
            vec![
                q(23.0, Some("civilians"), "exact"),
                q(12.0, Some("civilians"), "approx"),
            ],
        ),
        (
            "Ms Adeyemi, 52, said the clinic had closed.",
            vec![q(52.0, Some("years"), "exact")],
        ),
        (
            "Police stopped a 67-year-old driver aged 16 in spirit.",
            vec![q(67.0, Some("years"), "exact"), q(16.0, Some("years"), "exact")],
        ),
        (
            "The vaccine is offered to children under five.",
            vec![q(5.0, Some("years"), "less_than")],
        ),
        (
            "Kiprono won in 2:05:41 after running a 3:58 mile split.",
            vec![
                q(7541.0, Some("seconds"), "exact"),
                q(238.0, Some("seconds"), "exact"),
            ],
        ),
        ("The council meets at 10:30 on Tuesday.", vec![]),
        (
            "Hospitals admitted 63 people, of whom nine were hurt, and dozens were injured, 14 of them children.",
            vec![
                q(63.0, Some("people"), "exact"),
                q(9.0, Some("people"), "exact"),
                q(12.0, Some("people"), "approx"),
                q(14.0, Some("children"), "exact"),
            ],
        ),
        (
            "Half of the 60 growers had cut spending and two-thirds had delayed buying machinery.",
            vec![
                q(0.5, Some("growers"), "exact"),
                q(60.0, Some("growers"), "exact"),
                q(2.0 / 3.0, Some("growers"), "exact"),
            ],
        ),
        (
            "Growers will harvest a third less than last year, and insurers paid nearly half a billion euros.",
            vec![q(1.0 / 3.0, None, "exact"), q(5e8, Some("eur"), "approx")],
        ),
        (
            "The queue lasted two and a half hours for one and a half million people.",
            vec![q(2.5, Some("hours"), "exact"), q(1.5e6, Some("people"), "exact")],
        ),
        (
            "Okafor, a father of four, was fined.",
            vec![q(4.0, Some("children"), "exact")],
        ),
        (
            "The board has 430 vacant nursing posts and 14 emergency departments open.",
            vec![
                q(430.0, Some("posts"), "exact"),
                q(14.0, Some("departments"), "exact"),
            ],
        ),
        (
            "Researchers followed 41,950 people aged 40 to 69 for one week.",
            vec![
                q(41950.0, Some("people"), "exact"),
                q(40.0, Some("years"), "exact"),
                q(1.0, Some("week"), "exact"),
            ],
        ),
        (
            "Nine out of ten voters backed it, and anyone aged six months or older can apply.",
            vec![
                q(9.0, Some("voters"), "exact"),
                q(6.0, Some("months"), "at_least"),
            ],
        ),
        ("I took the number 14 bus to read a 2019 analysis.", vec![]),
        (
            "Gusts reached 130km/h and 96mm of rain fell, with 40 to 60mm more due.",
            vec![
                q(130.0, Some("km/h"), "exact"),
                q(96.0, Some("mm"), "exact"),
                q(40.0, Some("mm"), "exact"),
            ],
        ),
        (
            "Brandt won the 200m freestyle in 1:55.42.",
            vec![q(115.42, Some("seconds"), "exact")],
        ),
        (
            "Protesters marched in at least four smaller towns during a three-day strike.",
            vec![q(4.0, Some("towns"), "at_least"), q(3.0, Some("days"), "exact")],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&quantities(text), expected, "{text}");
    }
}

#[test]
fn colour_quotes_are_not_claims_but_reported_events_and_accusations_are() {
    let text = "“We did not take this lightly,” union general secretary Farida Haddad said. \
“Our members lost 11% of their pay,” she said. Others were less patient. \
Protests have been filmed in the regional capital. \
The gunman was said to be upset that his friend had been drafted. \
“Foreign agents are paying young men to burn cars,” the governor said.";
    let claims = extract(text);
    let got: Vec<(&str, Option<&str>)> = claims
        .iter()
        .map(|c| (c.text.as_str(), c.claimant.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "“Our members lost 11% of their pay,” she said.",
                Some("union general secretary Farida Haddad")
            ),
            ("Protests have been filmed in the regional capital.", None),
            (
                "The gunman was said to be upset that his friend had been drafted.",
                None
            ),
            (
                "“Foreign agents are paying young men to burn cars,” the governor said.",
                Some("the governor")
            ),
        ]
    );
}

#[test]
fn finds_the_shortest_span_that_names_the_speaker() {
    let cases = [
        (
            "Porter Dennis Akande, 58, who has worked there for 31 years, said he earned £11.90 an hour.",
            "Porter Dennis Akande",
        ),
        (
            "The jailed mayor's party, the Civic Front, said 40 people were hurt.",
            "the Civic Front",
        ),
        (
            "The race raised an estimated £3.1 million, the organisers said.",
            "the organisers",
        ),
        (
            "“This is the first time we have won here,” said Léa Moreau, the Greens' lead candidate.",
            "Léa Moreau",
        ),
        (
            "Sales rose 4%, according to figures released by the statistics office on Tuesday.",
            "the statistics office",
        ),
        (
            "The Vehicle Safety Agency also said it had received 41 reports.",
            "The Vehicle Safety Agency",
        ),
        ("Police have said 12 people were hurt.", "Police"),
    ];
    for (text, expected) in cases {
        let claims = extract(text);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!(claims[0].claimant.as_deref(), Some(expected), "{text}");
    }
}

#[test]
fn a_quotation_on_its_own_names_no_claimant() {
    let text = "Pike's coach, Elif Demir, said he had trained for six weeks. “He did 14 sessions a week.” \
                “It showed in the final 50 metres,” she said.";
    let claims = extract(text);
    assert_eq!(claims.len(), 3);
    assert_eq!(claims[1].claimant, None);
    assert_eq!(claims[2].claimant.as_deref(), Some("Elif Demir"));
}

#[test]
fn verdicts_name_their_speaker_and_disputed_claims_do_not() {
    let cases = [
        (
            "Its chief executive, Colin Marsh, put the cost of the disruption at £1.2m so far.",
            Some("Colin Marsh"),
        ),
        (
            "Analysts at Corran Securities put the cost of that review at up to £25m.",
            Some("Analysts at Corran Securities"),
        ),
        (
            "Its regional chair, Gordon Blair, called the figure conservative after 40 lambs died.",
            Some("Gordon Blair"),
        ),
        ("The mayor called the police after 40 people were hurt.", None),
        (
            "Staff were offered double pay to cross 12 picket lines, a claim the trust denied.",
            None,
        ),
    ];
    for (text, expected) in cases {
        let claims = extract(text);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!(claims[0].claimant.as_deref(), expected, "{text}");
    }
}

#[test]
fn reads_temperatures_listed_shares_and_owned_nouns() {
    let cases: &[(&str, Vec<Reading>)] = &[
        (
            "Temperatures fell to -11°C overnight.",
            vec![q(-11.0, Some("°c"), "exact")],
        ),
        (
            "Highs of 7C are expected, against 9F.",
            vec![q(7.0, Some("c"), "exact"), q(9.0, Some("f"), "exact")],
        ),
        (
            "The insurer has 1.6 million policyholders, 420,000 in coastal postcodes.",
            vec![
                q(1.6e6, Some("policyholders"), "exact"),
                q(420000.0, Some("policyholders"), "exact"),
            ],
        ),
        (
            "Fuel made up more than a quarter of its total cost.",
            vec![q(0.25, Some("cost"), "more_than")],
        ),
        (
            "The F-35 flew 40 sorties.",
            vec![q(40.0, Some("sorties"), "exact")],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&quantities(text), expected, "{text}");
    }
}

#[test]
fn reads_scores_pence_basis_points_and_single_counts() {
    let cases: &[(&str, Vec<Reading>)] = &[
        (
            "Easton Park beat Fenwick 27-19 on Saturday.",
            vec![q(27.0, None, "exact"), q(19.0, None, "exact")],
        ),
        (
            "Shares in the grocer fell 4.2p on Thursday.",
            vec![q(0.042, Some("gbp"), "exact")],
        ),
        (
            "Markets price in a cut of 25 basis points in February.",
            vec![q(25.0, Some("basis points"), "exact")],
        ),
        (
            "The side finished one point clear of their rivals.",
            vec![q(1.0, Some("point"), "exact")],
        ),
        (
            "Her fastest lap was almost one second quicker than the record.",
            vec![q(1.0, Some("second"), "approx")],
        ),
        ("A penalty on lap 44 cost him the race.", vec![]),
    ];
    for (text, expected) in cases {
        assert_eq!(&quantities(text), expected, "{text}");
    }
}

#[test]
fn goals_conceded_are_not_speech() {
    let claims = extract("Marlow have conceded 58 goals, more than any other side in the division.");
    assert_eq!(claims.len(), 1);
    assert!(claims[0].claimant.is_none());
}

#[test]
fn round_nine_speakers() {
    let cases = [
        (
            "The first 40 homes will be ready in June, according to the council's housing director, Tom Okonjo-Reid.",
            Some("Tom Okonjo-Reid"),
        ),
        (
            "A former finance manager at the company, Ruth Adebayo, 36, told the jury she had raised concerns three times.",
            Some("Ruth Adebayo"),
        ),
        (
            "The WHO warned that rain could spread the disease, and said it was sending 30 tonnes of supplies.",
            Some("The WHO"),
        ),
        (
            "The UN's World Food Programme (WFP) said 2 million people needed food aid.",
            Some("The UN's World Food Programme (WFP)"),
        ),
        (
            "Shares in Kestrel Foods fell 4.2p on Thursday after the grocer warned that profits would be lower.",
            None,
        ),
    ];
    for (text, expected) in cases {
        let claims = extract(text);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!(claims[0].claimant.as_deref(), expected, "{text}");
    }
}

#[test]
fn calls_to_action_are_not_claims_and_dated_plans_are() {
    assert!(extract("Residents who are worried can call the housing team on 01632 960 418 between 9am and 5pm, Monday to Friday.").is_empty());
    assert!(extract("Anyone with information should contact police on Thursday.").is_empty());
    let claims = extract("The full cabinet will vote on the plan on 19 February.");
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0].kind, ClaimKind::Event);
}

#[test]
fn round_nine_quantities() {
    let cases: &[(&str, Vec<Reading>)] = &[
        (
            "The hotline, 0800 123 4567, opened with 40 staff.",
            vec![q(40.0, Some("staff"), "exact")],
        ),
        (
            "He cared for his mother, 79.",
            vec![q(79.0, Some("years"), "exact")],
        ),
        (
            "The oldest resident was Iris Bell, 98.",
            vec![q(98.0, Some("years"), "exact")],
        ),
        (
            "Most of these households have at least one adult in work.",
            vec![q(1.0, Some("adult"), "at_least")],
        ),
        (
            "The scheme cut its bill by nearly half, its council said.",
            vec![q(0.5, None, "approx")],
        ),
        (
            "People are arriving at a rate of 2,000 to 3,000 a day.",
            vec![q(2000.0, None, "exact")],
        ),
        (
            "They stole £1.8 million from residents' savings over six years.",
            vec![q(1.8e6, Some("gbp"), "exact"), q(6.0, Some("years"), "exact")],
        ),
        (
            "She had worked there for over six years.",
            vec![q(6.0, Some("years"), "more_than")],
        ),
        (
            "“We had 90 beds last week and now we have 160, and they are all full,” she said.",
            vec![q(90.0, Some("beds"), "exact"), q(160.0, Some("beds"), "exact")],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&quantities(text), expected, "{text}");
    }
    let range = extract("People are arriving at a rate of 2,000 to 3,000 a day.");
    assert_eq!(range[0].quantities[0].value_max, Some(3000.0));
}

#[test]
fn year_spans_multipliers_and_unit_abbreviations() {
    let cases: &[(&str, Vec<Reading>)] = &[
        (
            "Unemployment rose to 5.6 percent, its highest level in more than a decade.",
            vec![
                q(5.6, Some("percent"), "exact"),
                q(10.0, Some("years"), "more_than"),
            ],
        ),
        (
            "It was the worst drought in over a decade.",
            vec![q(10.0, Some("years"), "more_than")],
        ),
        // Without a hedge "a decade" is left alone.
        (
            "The plan costs $4.5bn over a decade.",
            vec![q(4.5e9, Some("usd"), "exact")],
        ),
        // "twice" counts times; in a comparison it is a ratio, not a count.
        (
            "Brennan scored twice in the first 20 minutes.",
            vec![q(2.0, None, "exact"), q(20.0, Some("minutes"), "exact")],
        ),
        (
            "The shaking was twice as strong as in 1987, when 240 people died.",
            vec![q(240.0, Some("people"), "exact")],
        ),
        (
            "The quake struck some 30 km north-east of Varesk.",
            vec![q(30.0, Some("km"), "approx")],
        ),
        // A change, then the level reached: two numbers, not a range.
        (
            "Shares fell 4.2p to 310p.",
            vec![q(0.042, Some("gbp"), "exact"), q(3.1, Some("gbp"), "exact")],
        ),
        (
            "Gusts of up to 140 km/h were recorded.",
            vec![q(140.0, Some("km/h"), "up_to")],
        ),
        (
            "Six people died, including two children aged 4 and 9.",
            vec![
                q(6.0, Some("people"), "exact"),
                q(2.0, Some("children"), "exact"),
                q(4.0, Some("years"), "exact"),
                q(9.0, Some("years"), "exact"),
            ],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&quantities(text), expected, "{text}");
    }
}

#[test]
fn a_clause_after_a_colon_names_its_speaker() {
    let claims = extract(
        "Business groups were less calm: the Norland Chamber of Commerce said that almost 40 percent of its members had postponed investment.",
    );
    let claimant = claims[0].claimant.as_deref();
    assert_eq!(claimant, Some("the Norland Chamber of Commerce"));
}

#[test]
fn a_reporting_word_before_a_preposition_is_a_noun() {
    let claims = extract("The bank cut its growth forecast to 1.1 percent, from 1.6 percent in June.");
    assert_eq!(claims[0].claimant, None);
}

#[test]
fn an_acronym_after_an_opening_phrase_is_part_of_the_speaker() {
    let claims = extract("In Geneva, WHO spokesman Tarik Jasarevic said 24 health workers had died.");
    assert_eq!(
        claims[0].claimant.as_deref(),
        Some("WHO spokesman Tarik Jasarevic")
    );
}

#[test]
fn of_two_speakers_the_one_with_the_numbers_is_taken() {
    let claims = extract(
        "Farmers reported losing lambs to the cold, and the sheep association estimated losses at 2,000 animals.",
    );
    assert_eq!(claims[0].claimant.as_deref(), Some("the sheep association"));
    let claims =
        extract("The army said 12 drones were shot down, and the air force said 3 missiles hit targets.");
    assert_eq!(claims[0].claimant.as_deref(), Some("The army"));
}

#[test]
fn round_eleven_speakers() {
    let cases = [
        (
            "The arrests were confirmed by the interior ministry, which said officers had seized 46 trucks.",
            Some("the interior ministry"),
        ),
        (
            "The shortfall was confirmed in October by the state audit office on Tuesday.",
            Some("the state audit office"),
        ),
        (
            "The plan was announced by Finance Minister Tomas Heller in parliament on Wednesday.",
            Some("Finance Minister Tomas Heller"),
        ),
        (
            "The software was supplied by the German firm Stellwerk Systems, which said 12 lines used it.",
            Some("the German firm Stellwerk Systems"),
        ),
        (
            "The 3,000 job cuts, first reported by the Kell Gazette on Monday, were confirmed by the company on Tuesday.",
            Some("the company"),
        ),
        ("The body of a man, 41, was found by a walker on Sunday.", None),
        (
            "Vit's spokesman, Lukas Perl, later told the news agency MNA that 11 MPs favoured leaving.",
            Some("Lukas Perl"),
        ),
        (
            "The company's chief executive, Tor Hagen, apologised to passengers and said 12 lines were affected.",
            Some("Tor Hagen"),
        ),
        (
            "“We found the same fault on three more units,” Vang told NRT.",
            Some("Vang"),
        ),
        (
            "“Turnout was 61 percent,” Kandel, 58, told supporters.",
            Some("Kandel"),
        ),
        (
            "“I lost 3 kilograms out there,” the 29-year-old said.",
            Some("the 29-year-old"),
        ),
        (
            "The seizure of 46 trucks was approved by a judge in Dresk, court records show.",
            Some("court records"),
        ),
        ("The championship standings now show Natt on 143 points.", None),
        ("The economy added 150,000 jobs in March.", None),
        (
            "Kyiv and Moscow both said more than 40 drones had been shot down.",
            Some("Kyiv and Moscow"),
        ),
        (
            "The head of the regional health authority's emergency department, Dr. Lena Varga, said 40 beds had been added.",
            Some("Dr. Lena Varga"),
        ),
    ];
    for (text, expected) in cases {
        let claims = extract(text);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!(claims[0].claimant.as_deref(), expected, "{text}");
    }
}

#[test]
fn quoted_speakers_long_names_and_runs_of_pronouns() {
    let cases = [
        (
            "The governor was quoted by state media as saying 40 people had died.",
            Some("The governor"),
        ),
        (
            "State media quoted the governor as saying 40 people had died.",
            Some("the governor"),
        ),
        (
            "The UN Office for the Coordination of Humanitarian Affairs (OCHA) said 40,000 people had fled.",
            Some("The UN Office for the Coordination of Humanitarian Affairs (OCHA)"),
        ),
        (
            "Jane Okoro, chief executive of Halvard, commented: “Profits doubled to £40m this year.”",
            Some("Jane Okoro"),
        ),
        (
            "Analysts expect rates to rise to 5 percent, the bank's chief economist told reporters.",
            Some("the bank's chief economist"),
        ),
        (
            "Forty people died in the attack, as confirmed by the health ministry.",
            Some("the health ministry"),
        ),
    ];
    for (text, expected) in cases {
        let claims = extract(text);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!(claims[0].claimant.as_deref(), expected, "{text}");
    }
    // "she said" three and four sentences after the name still stands for it.
    let claims = extract(
        "Dr. Amara Osei said 40 beds had been added. She said 12 more would follow. \
         She said a further 6 were planned. She said 3 wards had closed.",
    );
    assert_eq!(claims.len(), 4);
    assert!(
        claims
            .iter()
            .all(|c| c.claimant.as_deref() == Some("Dr. Amara Osei"))
    );
}

#[test]
fn round_twelve_speakers() {
    let cases = [
        (
            "The quarterly figures were released by the statistics office after a two-week delay.",
            Some("the statistics office"),
        ),
        (
            "The report was released on Monday by the audit office and found 12 failings.",
            Some("the audit office"),
        ),
        ("The man was released by police after 14 hours in custody.", None),
        (
            "Unemployment fell to 5.8 percent, according to figures released on Wednesday by the statistics office.",
            Some("the statistics office"),
        ),
        (
            "Figures released by the statistics office on Tuesday show inflation at 4.1 percent.",
            Some("the statistics office"),
        ),
        (
            "Data compiled by Reuters show 1,200 ships passed through the strait in May.",
            Some("Reuters"),
        ),
        (
            "A UN report published on Monday said 2 million people faced hunger.",
            Some("A UN report"),
        ),
        (
            "The office also revised its estimate, putting the number of people in work at 3.41 million.",
            Some("The office"),
        ),
        (
            "Police fired tear gas, saying protesters had thrown stones at 20 officers.",
            Some("Police"),
        ),
        (
            "The minister posted on Facebook that 40 schools would close.",
            Some("The minister"),
        ),
        ("The company posted a loss of $3 million in the quarter.", None),
        (
            "Okafor conceded that the team had made 14 errors.",
            Some("Okafor"),
        ),
        ("The storm claimed 12 lives along the coast.", None),
        (
            "“We found 40 cracks,” said one inspector, Ana Lopez.",
            Some("Ana Lopez"),
        ),
        (
            "“Forty homes were lost,” the statement read.",
            Some("the statement"),
        ),
        ("Pupils read 40 books a year on average.", None),
        ("Felling replied through Lindqvist in the 70th minute.", None),
        ("Sales continued to fall in March, dropping 4 percent.", None),
        ("Rao pointed out that sales had risen 4 percent.", Some("Rao")),
        ("Rao pointed to a 4 percent rise in sales.", None),
        (
            "Police on Sunday said 12 people had been arrested.",
            Some("Police"),
        ),
        (
            "The ministry in a statement on Tuesday said 40 people had died.",
            Some("The ministry"),
        ),
        (
            "Health Minister Ana Ruiz earlier this week said 40 beds would be added.",
            Some("Health Minister Ana Ruiz"),
        ),
        (
            "The governor of Kharkiv region, Oleh Syn, on Telegram said 14 drones were downed.",
            Some("Oleh Syn"),
        ),
        (
            "The agency late on Friday said 300 flights had been cancelled.",
            Some("The agency"),
        ),
        (
            "Officials on Crete said 40 homes had burned.",
            Some("Officials on Crete"),
        ),
        (
            "GENEVA — The World Health Organization said on Friday that 40 people had died.",
            Some("The World Health Organization"),
        ),
        (
            "KYIV, Ukraine (AP) — The governor said 14 drones were downed.",
            Some("The governor"),
        ),
        (
            "LONDON, March 3, 2026 — Acme today announced 300 new jobs.",
            Some("Acme"),
        ),
        ("But the ministry said 40 people had died.", Some("the ministry")),
        ("But officials said 12 people were missing.", Some("officials")),
        (
            "As the IMF has noted, public debt rose to 90 percent of output.",
            Some("the IMF"),
        ),
        ("As many as 40 people were hurt, police said.", Some("police")),
    ];
    for (text, expected) in cases {
        let claims = extract(text);
        assert_eq!(claims.len(), 1, "{text}");
        assert_eq!(claims[0].claimant.as_deref(), expected, "{text}");
    }
}

/// The claimants of every claim in a text, in order.
fn claimants(text: &str) -> Vec<Option<String>> {
    extract(text).into_iter().map(|c| c.claimant).collect()
}

#[test]
fn a_surname_alone_as_subject_is_remembered_for_a_pronoun() {
    // Named in full before, then by surname as the subject of an event.
    assert_eq!(
        claimants(
            "Daria Kovalenko won the stage by 14 seconds from Lena Brandt. \
             Brandt crashed twice on the descent. She conceded that she had taken too many risks."
        ),
        [None, None, Some("Brandt".to_owned())]
    );
    assert_eq!(
        claimants(
            "Daria Kovalenko won the stage. Kovalenko, 26, covered 142 km. She said the climb was hard."
        ),
        [None, None, Some("Kovalenko".to_owned())]
    );
    // A role set off by commas marks a name never written in full.
    assert_eq!(
        claimants(
            "Brenner, the opposition's employment spokesman, voted against the scheme in 2023. \
             He told Radio Centrum that 40,000 people had left the labour force."
        ),
        [None, Some("Brenner".to_owned())]
    );
    // "conceded defeat" is not speech (nor, with the name only first, a
    // claim), and the surname stays the subject.
    assert_eq!(
        claimants(
            "The opposition leader, Colin Mayhew, said the cost would be £38 a year. \
             Mayhew conceded defeat shortly before midnight. He said the group would keep pressing for a review."
        ),
        [Some("Colin Mayhew".to_owned()), Some("Mayhew".to_owned())]
    );
    // "he replied" and "she continued" after a quotation are speech.
    assert_eq!(
        claimants("Rao said sales rose 4 percent. “Forty homes were lost,” he replied."),
        [Some("Rao".to_owned()), Some("Rao".to_owned())]
    );
    // A capitalised word alone that may not be a name is taken only when
    // nobody else was named within reach.
    assert_eq!(
        claimants("Tennant won 52 percent of the vote in 2019. She said turnout would be higher."),
        [None, Some("Tennant".to_owned())]
    );
    assert_eq!(
        claimants(
            "The ministry said 40 people had died. Prices rose 3 percent in March. It said the rise was temporary."
        ),
        [
            Some("The ministry".to_owned()),
            None,
            Some("The ministry".to_owned())
        ]
    );
}
