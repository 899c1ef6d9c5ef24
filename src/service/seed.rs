//! `claimdesk seed`: fills a database with generated articles and claims
//! for trying the service out and for benchmarks. The text is generated
//! from templates over a vocabulary with a long tail (a few common places
//! and many rare ones, as in real news), about one claim in twenty repeats
//! an earlier one in other words, and the same seed gives the same data.
//!
//! Rows are written in bulk, a transaction per batch, with their search
//! index entries (the triggers) and term counts; matching does not run
//! per claim — `/similar` computes on request.

mod vocabulary;

use std::collections::BTreeMap;

use chrono::Duration;
use sea_orm::DatabaseConnection;

use crate::db::{self, StoreResult, articles, claims, tracking};
use crate::domain::article::{Article, ArticleContent};
use crate::domain::claim::{Claim, ClaimContent, ClaimStatus, ClaimText, Span};
use crate::domain::extract;
use crate::domain::ids::{ArticleId, ClaimId};
use crate::domain::page::now;
use crate::domain::similarity::Fingerprint;
use vocabulary::{CLAIMANTS, FILLERS, OUTLETS, PERIODS, Rng, TEMPLATES, TOPICS, place};

const CLAIMS_PER_ARTICLE: usize = 10;
const ARTICLES_PER_BATCH: usize = 200;

/// What one claim says, so that a later article can repeat it.
#[derive(Clone)]
struct Fact {
    topic: usize,
    amount: u64,
    place: String,
    claimant: usize,
    period: usize,
}

/// Writes generated articles until `claims` claims are stored; calls
/// `progress` with the running total after each batch.
pub async fn seed(
    db: &DatabaseConnection,
    claims: usize,
    seed: u64,
    progress: impl Fn(usize),
) -> StoreResult<()> {
    let mut rng = Rng::new(seed);
    let mut recent: Vec<Fact> = Vec::new();
    let mut written = 0;
    let start = now();
    while written < claims {
        let mut batch_articles = Vec::new();
        let mut batch_claims = Vec::new();
        let mut terms: BTreeMap<String, i64> = BTreeMap::new();
        while batch_articles.len() < ARTICLES_PER_BATCH && written + batch_claims.len() < claims {
            let wanted = CLAIMS_PER_ARTICLE.min(claims - written - batch_claims.len());
            // Spread over the past year, newest last.
            let at = start - Duration::seconds(((claims - written) as i64) * 30);
            let (article, found) = article(&mut rng, &mut recent, wanted, at);
            for claim in &found {
                let print = Fingerprint::of_claim(claim);
                for term in print.terms {
                    *terms.entry(term).or_default() += 1;
                }
            }
            batch_claims.extend(found);
            batch_articles.push(article);
        }
        *terms.entry(tracking::ALL_CLAIMS.to_owned()).or_default() += batch_claims.len() as i64;
        let txn = db::begin_write(db).await?;
        articles::insert_many(&txn, &batch_articles).await?;
        claims::insert_many(&txn, &batch_claims).await?;
        tracking::add_term_counts(&txn, &terms).await?;
        txn.commit().await?;
        written += batch_claims.len();
        progress(written);
    }
    Ok(())
}

/// One article of `wanted` claims and a few sentences that claim nothing.
fn article(
    rng: &mut Rng,
    recent: &mut Vec<Fact>,
    wanted: usize,
    at: chrono::DateTime<chrono::Utc>,
) -> (Article, Vec<Claim>) {
    let id = ArticleId::generate();
    let mut body = String::new();
    let mut spans = Vec::new();
    let mut title = String::new();
    for i in 0..wanted {
        let fact = if !recent.is_empty() && rng.below(20) == 0 {
            recent[rng.below(recent.len())].clone()
        } else {
            let fact = Fact {
                topic: rng.below(TOPICS.len()),
                amount: rng.amount(),
                place: place(rng),
                claimant: rng.zipf(CLAIMANTS.len()),
                period: rng.below(PERIODS.len()),
            };
            if recent.len() < 5000 {
                recent.push(fact.clone());
            } else {
                let slot = rng.below(recent.len());
                recent[slot] = fact.clone();
            }
            fact
        };
        let sentence = render(rng, &fact);
        if i == 0 {
            title = format!("{} in {}", TOPICS[fact.topic].headline, fact.place);
        }
        if !body.is_empty() {
            body.push(' ');
        }
        let start = body.chars().count();
        body.push_str(&sentence);
        spans.push((sentence, start, fact.claimant));
        if rng.below(3) == 0 {
            body.push(' ');
            body.push_str(FILLERS[rng.below(FILLERS.len())]);
        }
    }
    let content = ArticleContent {
        title,
        url: Some(format!("https://news.example.org/{}", id.0)),
        outlet: Some(OUTLETS[rng.below(OUTLETS.len())].to_owned()),
        author: None,
        published_at: Some(at),
        language: "en".into(),
        body,
    };
    let claims = spans
        .into_iter()
        .filter_map(|(text, start, claimant)| {
            let end = start + text.chars().count();
            let analysis = extract::analyse(&text);
            Some(Claim {
                id: ClaimId::generate(),
                article_id: Some(id),
                content: ClaimContent {
                    text: ClaimText::parse(text).ok()?,
                    span: Some(Span { start, end }),
                    claimant: Some(CLAIMANTS[claimant].to_owned()),
                },
                status: ClaimStatus::Unverified,
                created_at: at,
                updated_at: at,
                version: 1,
                created_by: None,
                analysis,
                assignee: None,
                verdict: None,
                similar_verified: None,
                similar_external: None,
            })
        })
        .collect();
    let article = Article {
        id,
        content,
        created_at: at,
        updated_at: at,
        version: 1,
        created_by: None,
    };
    (article, claims)
}

/// A sentence stating `fact`, in one of several wordings.
fn render(rng: &mut Rng, fact: &Fact) -> String {
    let topic = &TOPICS[fact.topic];
    let amount = vocabulary::written(fact.amount, rng.below(3));
    let template = TEMPLATES[rng.below(TEMPLATES.len())];
    let claimant = CLAIMANTS[fact.claimant];
    let sentence = template
        .replace("{n}", &amount)
        .replace("{unit}", topic.unit)
        .replace("{verb}", topic.verb)
        .replace("{place}", &fact.place)
        .replace("{period}", PERIODS[fact.period])
        .replace("{claimant}", claimant);
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => sentence,
    }
}
