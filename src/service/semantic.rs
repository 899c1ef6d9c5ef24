//! What texts mean, by sentence embeddings (the `embedding` crate's
//! `all-MiniLM-L6-v2`), for matching claims with other publishers'
//! fact-checks. Off unless the server is given the model's directory
//! (`CLAIMDESK_EMBEDDING_MODEL`); matching is then by words alone.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How many texts' embeddings are kept (claims' and fact-checks'
/// statements): each is 1.5 KB beside its text (at most 2,000 characters
/// for a claim). The cache only saves recomputing a text met again, so
/// when it is full it is emptied and fills again.
const CACHE_ENTRIES: usize = 4_096;

/// The model and recent embeddings, or nothing when off. Cheap to clone.
#[derive(Clone, Default)]
pub struct Semantic(Option<Arc<Loaded>>);

struct Loaded {
    encoder: embedding::Encoder,
    cache: Mutex<HashMap<String, Arc<[f32]>>>,
    /// One computation per core at a time: each is all CPU, so more would
    /// only slow the others (and the requests), and a burst of
    /// `/similar` calls must not grow the blocking pool without bound.
    /// The permit moves into the blocking task, so a caller that gives up
    /// (a request timing out) does not free a turn still being used.
    turns: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Semantic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_on() {
            "Semantic(on)"
        } else {
            "Semantic(off)"
        })
    }
}

impl Semantic {
    /// Matching by words alone.
    pub fn off() -> Self {
        Semantic(None)
    }

    /// Loads the model from `dir` (`model.safetensors` and `vocab.txt`).
    pub fn load(dir: &Path) -> Result<Self, embedding::Error> {
        Ok(Semantic(Some(Arc::new(Loaded {
            encoder: embedding::Encoder::load(dir)?,
            cache: Mutex::new(HashMap::new()),
            turns: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            )),
        }))))
    }

    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// The model itself, when on.
    pub fn encoder(&self) -> Option<&embedding::Encoder> {
        self.0.as_deref().map(|l| &l.encoder)
    }

    /// The cosine similarity of `text` with each of `others`, or `None`
    /// when off. Computed on a blocking thread, one computation per core at
    /// a time: a sentence takes ~20 ms of CPU, a text at the model's
    /// 256-token limit ~300 ms.
    pub async fn cosines(&self, text: &str, others: Vec<String>) -> Option<Vec<f64>> {
        let loaded = self.0.clone()?;
        let text = text.to_owned();
        // The semaphore is never closed.
        let turn = loaded.turns.clone().acquire_owned().await.ok()?;
        let task = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut all = Vec::with_capacity(others.len() + 1);
            all.push(text);
            all.extend(others);
            let vectors = loaded.embeddings(&all);
            let (first, rest) = vectors.split_first()?;
            Some(
                rest.iter()
                    .map(|v| f64::from(embedding::cosine(first, v)))
                    .collect::<Vec<f64>>(),
            )
        });
        match task.await {
            Ok(found) => found,
            Err(err) => {
                tracing::warn!(error = %err, "computing embeddings failed; matching by words alone");
                None
            }
        }
    }
}

impl Loaded {
    /// The embeddings of `texts`, from the cache where it has them.
    fn embeddings(&self, texts: &[String]) -> Vec<Arc<[f32]>> {
        let cached: Vec<Option<Arc<[f32]>>> = {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            texts.iter().map(|t| cache.get(t).cloned()).collect()
        };
        let missing: Vec<&str> = texts
            .iter()
            .zip(&cached)
            .filter(|(_, c)| c.is_none())
            .map(|(t, _)| t.as_str())
            .collect();
        let started = std::time::Instant::now();
        let mut computed = self
            .encoder
            .embed_many(&missing)
            .into_iter()
            .map(Arc::<[f32]>::from);
        if !missing.is_empty() {
            metrics::counter!("claimdesk_embeddings_computed_total").increment(missing.len() as u64);
            metrics::histogram!("claimdesk_embedding_batch_seconds").record(started.elapsed().as_secs_f64());
        }
        let vectors: Vec<Arc<[f32]>> = cached
            .into_iter()
            .map(|c| {
                c.unwrap_or_else(|| {
                    computed
                        .next()
                        .unwrap_or_else(|| Arc::from(vec![0f32; embedding::DIM]))
                })
            })
            .collect();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() + missing.len() > CACHE_ENTRIES {
            cache.clear();
        }
        for (text, vector) in texts.iter().zip(&vectors) {
            if missing.contains(&text.as_str()) {
                cache.insert(text.clone(), vector.clone());
            }
        }
        vectors
    }
}
