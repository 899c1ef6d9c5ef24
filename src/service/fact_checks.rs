//! Importing other publishers' fact-checks, and reading them back.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;
use serde_json::Value;

use crate::db::{self, StoreResult, fact_checks};
use crate::domain::DomainError;
use crate::domain::factcheck::{self, Element, FactCheck, FactCheckContent};
use crate::domain::ids::FactCheckId;
use crate::domain::page::{Cursor, Limit, Page, now};
use crate::domain::search::SearchQuery;

/// An element that was not imported, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub index: usize,
    pub pointer: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    /// How many elements were refused.
    pub refused: u64,
    /// Why, for the first `REFUSALS_KEPT` of them: a 5 MB array of
    /// millions of bad elements must not become a response (or a CLI
    /// run's memory) hundreds of times its size.
    pub refusals: Vec<Refusal>,
}

/// How many refusals an import report describes; the rest are counted.
pub const REFUSALS_KEPT: usize = 100;

impl ImportReport {
    pub fn add(&mut self, other: ImportReport) {
        self.created += other.created;
        self.updated += other.updated;
        self.refused += other.refused;
        for refusal in other.refusals {
            self.refuse(refusal);
        }
    }

    fn refuse(&mut self, refusal: Refusal) {
        if self.refusals.len() < REFUSALS_KEPT {
            self.refusals.push(refusal);
        }
    }
}

/// Imports a whole document (a `DataFeed`, an array, or one ClaimReview) in
/// one transaction: valid elements are kept, invalid ones reported.
pub async fn import_document(db: &DatabaseConnection, document: &Value) -> StoreResult<ImportReport> {
    let elements = factcheck::elements(document).map_err(|m| DomainError::invalid("body", m))?;
    // Read one element at a time: only the valid ones and the first
    // refusals are kept, whatever the body holds.
    let read = elements.flat_map(|(i, pointer, element)| factcheck::read_element(i, &pointer, element));
    import(db, read).await
}

/// Stores the fact-checks read from elements, new or in place of the one
/// with the same review URL, in one transaction; reports the rest.
pub async fn import(
    db: &DatabaseConnection,
    elements: impl IntoIterator<Item = Element> + Send,
) -> StoreResult<ImportReport> {
    let mut report = ImportReport::default();
    let mut valid: Vec<FactCheckContent> = Vec::new();
    for element in elements {
        match element.read {
            Ok(content) => valid.push(content),
            Err(reason) => {
                report.refused += 1;
                report.refuse(Refusal {
                    index: element.index,
                    pointer: element.pointer,
                    reason,
                });
            }
        }
    }
    if !valid.is_empty() {
        let txn = db::begin_write(db).await?;
        let mut ids: HashMap<String, FactCheckId> =
            fact_checks::ids_by_key(&txn, valid.iter().map(|c| c.review_url_key.clone())).await?;
        // The last of several elements with one review URL wins; the ones
        // before it count as updates of it.
        let mut latest: HashMap<String, usize> = HashMap::new();
        for (i, content) in valid.iter().enumerate() {
            if ids.contains_key(&content.review_url_key) {
                report.updated += 1;
            } else {
                report.created += 1;
                ids.insert(content.review_url_key.clone(), FactCheckId::generate());
            }
            latest.insert(content.review_url_key.clone(), i);
        }
        let mut rows: Vec<(FactCheckId, FactCheckContent)> = valid
            .into_iter()
            .enumerate()
            .filter(|(i, c)| latest.get(&c.review_url_key) == Some(i))
            .map(|(_, c)| (ids[&c.review_url_key], c))
            .collect();
        rows.sort_by(|a, b| a.1.review_url_key.cmp(&b.1.review_url_key));
        fact_checks::upsert(&txn, &rows, now()).await?;
        txn.commit().await?;
    }
    for (outcome, n) in [
        ("created", report.created),
        ("updated", report.updated),
        ("refused", report.refused),
    ] {
        metrics::counter!("claimdesk_fact_checks_imported_total", "outcome" => outcome).increment(n);
    }
    Ok(report)
}

pub async fn get(db: &DatabaseConnection, id: FactCheckId) -> StoreResult<FactCheck> {
    fact_checks::find(db, id)
        .await?
        .ok_or_else(|| DomainError::NotFound("fact-check").into())
}

/// Fact-checks, most recently imported first.
pub async fn list(
    db: &DatabaseConnection,
    search: Option<&SearchQuery>,
    publisher: Option<&str>,
    limit: Limit,
    after: Option<Cursor>,
) -> StoreResult<Page<FactCheck>> {
    fact_checks::list(db, search, publisher, limit, after).await
}

/// ClaimReviews stored per transaction by `import_file`.
const FILE_BATCH: usize = 500;

/// Imports a file of any size — a `DataFeed` or a JSON array of
/// ClaimReview — reading one element at a time, storing them in
/// transactions of `FILE_BATCH`. A file that is not JSON of that shape stops
/// the import where it goes wrong (batches before stay imported, and
/// importing the file again is harmless).
pub async fn import_file(db: &DatabaseConnection, path: &std::path::Path) -> Result<ImportReport, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<(usize, String, Value)>(FILE_BATCH);
    let reader = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(file);
        // A byte-order mark, as Windows tools write at the start of a UTF-8
        // file, is not JSON.
        if reader.fill_buf().is_ok_and(|b| b.starts_with(b"\xEF\xBB\xBF")) {
            reader.consume(3);
        }
        stream::read(reader, sender)
    });
    let mut report = ImportReport::default();
    let mut batch: Vec<Element> = Vec::new();
    while let Some((index, pointer, element)) = receiver.recv().await {
        batch.extend(factcheck::read_element(index, &pointer, &element));
        if batch.len() >= FILE_BATCH {
            report.add(
                import(db, std::mem::take(&mut batch))
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    report.add(import(db, batch).await.map_err(|e| e.to_string())?);
    reader
        .await
        .map_err(|e| format!("the reader stopped: {e}"))?
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(report)
}

/// Reads the elements of a DataFeed or JSON array one at a time.
mod stream {
    use std::fmt;

    use serde::Deserializer as _;
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::Value;
    use tokio::sync::mpsc::Sender;

    type Out = Sender<(usize, String, Value)>;

    /// Sends every element to `out`; fails on JSON that is not a feed or an
    /// array.
    pub fn read(reader: impl std::io::Read, out: Out) -> Result<(), String> {
        let mut de = serde_json::Deserializer::from_reader(reader);
        de.deserialize_any(Document { out: &out })
            .map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())
    }

    struct Document<'a> {
        out: &'a Out,
    }

    impl<'de> Visitor<'de> for Document<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a schema.org DataFeed with a dataFeedElement array, or a JSON array of ClaimReview")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
            Elements {
                out: self.out,
                prefix: "",
            }
            .visit_seq(seq)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut found = false;
            while let Some(key) = map.next_key::<String>()? {
                if key == "dataFeedElement" {
                    map.next_value_seed(Elements {
                        out: self.out,
                        prefix: "/dataFeedElement",
                    })?;
                    found = true;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if found {
                Ok(())
            } else {
                Err(de::Error::custom("the object has no dataFeedElement array"))
            }
        }
    }

    struct Elements<'a> {
        out: &'a Out,
        prefix: &'static str,
    }

    impl<'de> DeserializeSeed<'de> for Elements<'_> {
        type Value = ();

        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of ClaimReview")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut index = 0;
            while let Some(element) = seq.next_element::<Value>()? {
                let pointer = format!("{}/{index}", self.prefix);
                if self.out.blocking_send((index, pointer, element)).is_err() {
                    return Err(de::Error::custom("the import stopped"));
                }
                index += 1;
            }
            Ok(())
        }
    }
}
