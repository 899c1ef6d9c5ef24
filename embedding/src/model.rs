//! The forward pass of a BERT encoder (`BertModel`, post-layer-norm,
//! exact GELU) with mean pooling and unit length, as sentence-transformers
//! runs `all-MiniLM-L6-v2` on one sentence (no padding, every token
//! attended to).

use std::collections::HashMap;

use crate::Error;
use crate::safetensors::Tensor;

/// Width of the hidden states and of the embedding.
pub const DIM: usize = 384;
const HEADS: usize = 12;
const HEAD_DIM: usize = DIM / HEADS;
const INTERMEDIATE: usize = 1536;
const LAYERS: usize = 6;
const POSITIONS: usize = 512;
const LAYER_NORM_EPS: f32 = 1e-12;

/// A dense layer: `weight` is `out × in`, row by row, as PyTorch stores it,
/// or, when the AVX2 kernel runs it, empty, with the same numbers in
/// `transposed`, `in × out`.
struct Linear {
    weight: Vec<f32>,
    transposed: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

pub struct Bert {
    words: Vec<f32>,
    vocab: usize,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
}

/// The tensors, each taken out as it is used (not copied: the weights are
/// 90 MB).
struct Weights(HashMap<String, Tensor>);

impl Weights {
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, Error> {
        match self.0.remove(name) {
            Some(t) if t.shape == shape => Ok(t.data),
            _ => Err(Error::Tensor(name.to_owned())),
        }
    }

    fn linear(&mut self, prefix: &str, inputs: usize, outputs: usize) -> Result<Linear, Error> {
        let mut weight = self.take(&format!("{prefix}.weight"), &[outputs, inputs])?;
        let mut transposed = Vec::new();
        if kernel_runs(outputs) {
            transposed = vec![0f32; weight.len()];
            for (o, row) in weight.chunks_exact(inputs).enumerate() {
                for (k, w) in row.iter().enumerate() {
                    transposed[k * outputs + o] = *w;
                }
            }
            weight = Vec::new();
        }
        Ok(Linear {
            weight,
            transposed,
            bias: self.take(&format!("{prefix}.bias"), &[outputs])?,
            inputs,
            outputs,
        })
    }

    fn norm(&mut self, prefix: &str) -> Result<LayerNorm, Error> {
        Ok(LayerNorm {
            gamma: self.take(&format!("{prefix}.weight"), &[DIM])?,
            beta: self.take(&format!("{prefix}.bias"), &[DIM])?,
        })
    }
}

impl Bert {
    pub fn new(tensors: HashMap<String, Tensor>) -> Result<Self, Error> {
        // Some exports name the tensors `bert.embeddings…`.
        let tensors = tensors
            .into_iter()
            .map(|(k, t)| (k.strip_prefix("bert.").map(str::to_owned).unwrap_or(k), t))
            .collect();
        let mut w = Weights(tensors);
        const WORDS: &str = "embeddings.word_embeddings.weight";
        let vocab = match w.0.get(WORDS).map(|t| t.shape.as_slice()) {
            Some([vocab, DIM]) if *vocab > 0 => *vocab,
            _ => return Err(Error::Tensor(WORDS.into())),
        };
        let layers = (0..LAYERS)
            .map(|l| {
                let p = format!("encoder.layer.{l}");
                Ok(Layer {
                    query: w.linear(&format!("{p}.attention.self.query"), DIM, DIM)?,
                    key: w.linear(&format!("{p}.attention.self.key"), DIM, DIM)?,
                    value: w.linear(&format!("{p}.attention.self.value"), DIM, DIM)?,
                    attention_out: w.linear(&format!("{p}.attention.output.dense"), DIM, DIM)?,
                    attention_norm: w.norm(&format!("{p}.attention.output.LayerNorm"))?,
                    intermediate: w.linear(&format!("{p}.intermediate.dense"), DIM, INTERMEDIATE)?,
                    output: w.linear(&format!("{p}.output.dense"), INTERMEDIATE, DIM)?,
                    output_norm: w.norm(&format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Bert {
            words: w.take(WORDS, &[vocab, DIM])?,
            vocab,
            positions: w.take("embeddings.position_embeddings.weight", &[POSITIONS, DIM])?,
            token_type: w.take("embeddings.token_type_embeddings.weight", &[2, DIM])?,
            embedding_norm: w.norm("embeddings.LayerNorm")?,
            layers,
        })
    }

    /// The unit-length mean of the last hidden states of each of `texts`
    /// (token ids). They go through the dense layers together, so each
    /// weight is read from memory once for all of them: for short texts
    /// the layers are bound by reading the 42 MB of weights, not by the
    /// arithmetic.
    pub fn embed_many(&self, texts: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let spans: Vec<std::ops::Range<usize>> = texts
            .iter()
            .scan(0, |at, ids| {
                let n = ids.len().min(POSITIONS);
                *at += n;
                Some(*at - n..*at)
            })
            .collect();
        let rows = spans.last().map_or(0, |s| s.end);
        let mut x = vec![0f32; rows * DIM];
        for (ids, span) in texts.iter().zip(&spans) {
            for (i, &id) in ids.iter().take(span.len()).enumerate() {
                let id = (id as usize).min(self.vocab - 1);
                let row = &mut x[(span.start + i) * DIM..(span.start + i + 1) * DIM];
                let word = &self.words[id * DIM..(id + 1) * DIM];
                let position = &self.positions[i * DIM..(i + 1) * DIM];
                for d in 0..DIM {
                    row[d] = word[d] + position[d] + self.token_type[d];
                }
            }
        }
        self.embedding_norm.apply(&mut x);
        for layer in &self.layers {
            layer.apply(&mut x, &spans);
        }
        spans
            .iter()
            .map(|span| {
                let mut mean = vec![0f32; DIM];
                for row in x[span.start * DIM..span.end * DIM].chunks_exact(DIM) {
                    for (m, v) in mean.iter_mut().zip(row) {
                        *m += v;
                    }
                }
                let norm = dot(&mean, &mean).sqrt().max(1e-12);
                mean.iter_mut().for_each(|m| *m /= norm);
                mean
            })
            .collect()
    }
}

impl Layer {
    /// One encoder layer over the rows of `x`; each text (`spans`) attends
    /// only to its own tokens.
    fn apply(&self, x: &mut [f32], spans: &[std::ops::Range<usize>]) {
        let n = x.len() / DIM;
        let q = self.query.apply(x, n);
        let k = self.key.apply(x, n);
        let v = self.value.apply(x, n);
        let mut context = vec![0f32; n * DIM];
        let scale = 1.0 / (HEAD_DIM as f32).sqrt();
        for span in spans {
            let mut scores = vec![0f32; span.len()];
            for h in 0..HEADS {
                let head = h * HEAD_DIM..(h + 1) * HEAD_DIM;
                for i in span.clone() {
                    let qi = &q[i * DIM..][head.clone()];
                    for (s, j) in scores.iter_mut().zip(span.clone()) {
                        *s = dot(qi, &k[j * DIM..][head.clone()]) * scale;
                    }
                    softmax(&mut scores);
                    let out = &mut context[i * DIM..][head.clone()];
                    for (s, j) in scores.iter().zip(span.clone()) {
                        for (o, vj) in out.iter_mut().zip(&v[j * DIM..][head.clone()]) {
                            *o += s * vj;
                        }
                    }
                }
            }
        }
        let mut attended = self.attention_out.apply(&context, n);
        add(&mut attended, x);
        self.attention_norm.apply(&mut attended);
        let mut hidden = self.intermediate.apply(&attended, n);
        hidden.iter_mut().for_each(|h| *h = gelu(*h));
        let mut out = self.output.apply(&hidden, n);
        add(&mut out, &attended);
        self.output_norm.apply(&mut out);
        x.copy_from_slice(&out);
    }
}

impl Linear {
    /// `n` rows of `inputs` in, `n` rows of `outputs` out: with AVX2 and
    /// FMA, a kernel that keeps four rows by sixteen outputs in registers;
    /// else a dot product per output, each weight row read once for all
    /// the rows of `x`, which stay in cache.
    fn apply(&self, x: &[f32], n: usize) -> Vec<f32> {
        let mut out = vec![0f32; n * self.outputs];
        #[cfg(target_arch = "x86_64")]
        if !self.transposed.is_empty() {
            // SAFETY: `transposed` is only filled when the CPU has AVX2 and
            // FMA (`kernel_runs`), and the shapes are
            // the kernel's: `x` holds n × inputs, `transposed` inputs ×
            // outputs, `out` n × outputs, outputs a multiple of 16.
            unsafe {
                linear_fma(
                    x,
                    &self.transposed,
                    &self.bias,
                    &mut out,
                    n,
                    self.inputs,
                    self.outputs,
                )
            };
            return out;
        }
        for (o, w) in self.weight.chunks_exact(self.inputs).enumerate() {
            for i in 0..n {
                out[i * self.outputs + o] = dot(&x[i * self.inputs..(i + 1) * self.inputs], w) + self.bias[o];
            }
        }
        out
    }
}

/// Whether the AVX2 kernel runs a layer this wide: the CPU has AVX2 and
/// FMA, and the kernel works sixteen outputs at a time (every layer of
/// this model is a multiple).
fn kernel_runs(outputs: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return outputs.is_multiple_of(16);
    }
    let _ = outputs;
    false
}

/// `out = x · transposed + bias`, four rows and sixteen outputs at a time
/// in eight registers: each step loads two vectors of weights and four
/// inputs for eight fused multiply-adds, where a dot product per output
/// spends as long summing its lanes.
///
/// # Safety
/// The CPU must have AVX2 and FMA; `x` must hold `n × inputs` floats,
/// `transposed` `inputs × outputs`, `bias` `outputs`, `out` `n × outputs`,
/// and `outputs` must be a multiple of 16.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn linear_fma(
    x: &[f32],
    transposed: &[f32],
    bias: &[f32],
    out: &mut [f32],
    n: usize,
    inputs: usize,
    outputs: usize,
) {
    use std::arch::x86_64::{
        __m256, _mm256_broadcast_ss, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_storeu_ps,
    };
    assert!(x.len() >= n * inputs && transposed.len() >= inputs * outputs);
    assert!(bias.len() >= outputs && out.len() >= n * outputs && outputs.is_multiple_of(16));
    let (x, w, b, y) = (x.as_ptr(), transposed.as_ptr(), bias.as_ptr(), out.as_mut_ptr());
    // SAFETY (every pointer below): rows are < n, inputs k < `inputs`, and
    // outputs ob + 16 <= `outputs`, within the lengths asserted above.
    unsafe {
        for ob in (0..outputs).step_by(16) {
            let mut i = 0;
            while i + 4 <= n {
                let mut acc: [[__m256; 2]; 4] =
                    [[_mm256_loadu_ps(b.add(ob)), _mm256_loadu_ps(b.add(ob + 8))]; 4];
                for k in 0..inputs {
                    let w0 = _mm256_loadu_ps(w.add(k * outputs + ob));
                    let w1 = _mm256_loadu_ps(w.add(k * outputs + ob + 8));
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let xv = _mm256_broadcast_ss(&*x.add((i + r) * inputs + k));
                        acc[0] = _mm256_fmadd_ps(xv, w0, acc[0]);
                        acc[1] = _mm256_fmadd_ps(xv, w1, acc[1]);
                    }
                }
                for (r, acc) in acc.iter().enumerate() {
                    _mm256_storeu_ps(y.add((i + r) * outputs + ob), acc[0]);
                    _mm256_storeu_ps(y.add((i + r) * outputs + ob + 8), acc[1]);
                }
                i += 4;
            }
            while i < n {
                let mut acc = [_mm256_loadu_ps(b.add(ob)), _mm256_loadu_ps(b.add(ob + 8))];
                for k in 0..inputs {
                    let xv = _mm256_broadcast_ss(&*x.add(i * inputs + k));
                    acc[0] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w.add(k * outputs + ob)), acc[0]);
                    acc[1] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w.add(k * outputs + ob + 8)), acc[1]);
                }
                _mm256_storeu_ps(y.add(i * outputs + ob), acc[0]);
                _mm256_storeu_ps(y.add(i * outputs + ob + 8), acc[1]);
                i += 1;
            }
        }
    }
}

impl LayerNorm {
    fn apply(&self, x: &mut [f32]) {
        for row in x.chunks_exact_mut(DIM) {
            let mean = row.iter().sum::<f32>() / DIM as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / DIM as f32;
            let inv = 1.0 / (var + LAYER_NORM_EPS).sqrt();
            for (d, v) in row.iter_mut().enumerate() {
                *v = (*v - mean) * inv * self.gamma[d] + self.beta[d];
            }
        }
    }
}

fn add(x: &mut [f32], y: &[f32]) {
    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
}

fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    x.iter_mut().for_each(|v| *v /= sum);
}

/// A dot product of two slices of one length: with AVX2 and FMA where the
/// CPU has them (checked once), else in eight lanes that the compiler keeps
/// in SSE registers (a single running sum cannot be reordered, so would not
/// be vectorised).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    (*DOT)(a, b)
}

type Dot = fn(&[f32], &[f32]) -> f32;

static DOT: std::sync::LazyLock<Dot> = std::sync::LazyLock::new(|| {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return dot_fma_checked;
    }
    dot_lanes
});

/// `dot_fma`, which `DOT` only chooses on a CPU with AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
fn dot_fma_checked(a: &[f32], b: &[f32]) -> f32 {
    // SAFETY: only reached through `DOT`, chosen after checking that the
    // CPU has both features.
    unsafe { dot_fma(a, b) }
}

fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_fma(a: &[f32], b: &[f32]) -> f32 {
    use std::arch::x86_64::{
        _mm256_add_ps, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_setzero_ps, _mm256_storeu_ps,
    };
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut i = 0;
    let mut lanes = [0f32; 8];
    // SAFETY: every load reads 8 floats at i..i + 8 <= n, inside both
    // slices, and the store writes 8 floats into `lanes`.
    unsafe {
        let (mut acc0, mut acc1) = (_mm256_setzero_ps(), _mm256_setzero_ps());
        while i + 16 <= n {
            acc0 = _mm256_fmadd_ps(
                _mm256_loadu_ps(a.as_ptr().add(i)),
                _mm256_loadu_ps(b.as_ptr().add(i)),
                acc0,
            );
            acc1 = _mm256_fmadd_ps(
                _mm256_loadu_ps(a.as_ptr().add(i + 8)),
                _mm256_loadu_ps(b.as_ptr().add(i + 8)),
                acc1,
            );
            i += 16;
        }
        while i + 8 <= n {
            acc0 = _mm256_fmadd_ps(
                _mm256_loadu_ps(a.as_ptr().add(i)),
                _mm256_loadu_ps(b.as_ptr().add(i)),
                acc0,
            );
            i += 8;
        }
        _mm256_storeu_ps(lanes.as_mut_ptr(), _mm256_add_ps(acc0, acc1));
    }
    lanes.iter().sum::<f32>() + a[i..].iter().zip(&b[i..]).map(|(x, y)| x * y).sum::<f32>()
}

/// GELU as BERT defines it, with the exact error function.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

/// The error function to within 1.2e-7 (Numerical Recipes' `erfc`
/// Chebyshev fit), computed in f64.
fn erf(x: f32) -> f32 {
    let x = f64::from(x);
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    (if x >= 0.0 { 1.0 - erfc } else { erfc - 1.0 }) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX2 kernel (where the CPU runs it) gives what the dot products
    /// give, on a layer whose row count is not a multiple of four.
    #[test]
    fn the_kernel_and_the_dot_products_agree() {
        let (inputs, outputs, n) = (40, 32, 7);
        let number = |i: usize| ((i * 7919) % 1000) as f32 / 500.0 - 1.0;
        let weight: Vec<f32> = (0..inputs * outputs).map(number).collect();
        let bias: Vec<f32> = (0..outputs).map(|i| number(i + 13)).collect();
        let x: Vec<f32> = (0..n * inputs).map(|i| number(i + 101)).collect();
        let plain = Linear {
            weight: weight.clone(),
            transposed: Vec::new(),
            bias: bias.clone(),
            inputs,
            outputs,
        };
        let mut weights = Weights(HashMap::from([
            (
                "l.weight".to_owned(),
                Tensor {
                    shape: vec![outputs, inputs],
                    data: weight,
                },
            ),
            (
                "l.bias".to_owned(),
                Tensor {
                    shape: vec![outputs],
                    data: bias,
                },
            ),
        ]));
        let chosen = weights.linear("l", inputs, outputs).unwrap();
        for (a, b) in plain.apply(&x, n).iter().zip(chosen.apply(&x, n)) {
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
    }
}
