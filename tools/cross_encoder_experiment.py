"""An experiment of round 9 (docs/exchange.md), kept so it can be run again:
a cross-encoder on all-MiniLM-L6-v2 (the claim and the fact-checker's
statement read together, mean-pooled, a linear score), fine-tuned in full
(`full=1`) or with LoRA adapters on the claimReviewed tuning sets plus
copies of their repeats with one fact changed (a number, a word, a name or
a verb). It trains on tuning sets only; `valid=FILE` leaves one tuning set
out and scores it, `eval=A,B` scores more sets (held-out sets: aggregates
only). Combined with the rules' decisions read from the test's
`SIMILARITY_DUMP` file (tuning sets only) as a veto below a cut-off.

Needs PyTorch, transformers, peft and tokenizers (a virtualenv:
`pip install torch transformers peft tokenizers numpy`, ~3 GB with CUDA
libraries, unused) and the model from `bash tools/fetch-model.sh`:

    SIMILARITY_TUNING_ONLY=1 SIMILARITY_DUMP=/tmp/dump.jsonl \
      CLAIMDESK_EMBEDDING_MODEL=$PWD/models/all-MiniLM-L6-v2 \
      cargo test --release --test api similarity_quality
    python tools/cross_encoder_experiment.py valid=claimreviewed_tuning4.json full=1 epochs=4 synth=3 lr=5e-5

On two cores a run takes 3-6 minutes. Result on 2026-12-01: see
docs/exchange.md, round 9 (it does not tell repeats from near-misses).
"""
import json, os, random, re, sys, time
import numpy as np, torch
from peft import LoraConfig, get_peft_model

torch.manual_seed(0); random.seed(0); np.random.seed(0)
torch.set_num_threads(2)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', 'tests', 'fixtures', 'similarity') + '/'
MODEL = os.environ.get('CLAIMDESK_EMBEDDING_MODEL', os.path.join(HERE, '..', 'models', 'all-MiniLM-L6-v2'))
TUNING = ['claimreviewed.json', 'claimreviewed_tuning.json', 'claimreviewed_tuning2.json',
          'claimreviewed_tuning3.json', 'claimreviewed_tuning4.json', 'claimreviewed_holdout.json',
          'claimreviewed_holdout2.json', 'claimreviewed_holdout3.json']
args = dict(a.split('=') for a in sys.argv[1:])
valid = args.get('valid')            # a tuning set left out for validation
epochs = int(args.get('epochs', 3))
synth = int(args.get('synth', 2))
rank = int(args.get('rank', 8))
lr = float(args.get('lr', 3e-4))
save = args.get('save')

def load(f):
    return json.load(open(ROOT + f))['pairs']

train_files = [f for f in TUNING if f != valid]
pairs = [(p['a']['text'], p['b']['text'], float(p['same'])) for f in train_files for p in load(f)]
if args.get('claims', '1') == '1':
    pairs += [(p['a']['text'], p['b']['text'], float(p['same'])) for p in load('pairs.json')]

# Perturbations of a repeat's statement that change one fact.
texts = [t for a, b, _ in pairs for t in (a, b)]
words = [w for t in texts for w in re.findall(r"\b[a-z]{4,}\b", t)]
caps = [w for t in texts for w in re.findall(r"(?<=\s)[A-Z][a-z]{3,}\b", t)]
eds = [w for w in words if w.endswith('ed')]
STOP = set('that with from this have were said than more their they about which would been into over also after there under last year years percent since'.split())

def change_number(t):
    ms = [m for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", t)]
    if not ms: return None
    m = random.choice(ms); s = m.group(0)
    v = float(s.replace(',', ''))
    if 1900 <= v <= 2100 and '.' not in s:
        n = str(int(v) + random.choice([-3, -2, -1, 1, 2]))
    else:
        f = random.choice([0.5, 0.6, 0.7, 1.4, 1.5, 2, 3])
        n = f"{v*f:,.{len(s.split('.')[1]) if '.' in s else 0}f}"
        if ',' not in s: n = n.replace(',', '')
        if n == s: return None
    return t[:m.start()] + n + t[m.end():]

def swap_word(t, pool, pattern):
    ms = [m for m in re.finditer(pattern, t) if m.group(0).lower() not in STOP]
    if not ms: return None
    m = random.choice(ms)
    for _ in range(10):
        w = random.choice(pool)
        if w.lower() != m.group(0).lower():
            return t[:m.start()] + w + t[m.end():]
    return None

PERTURB = [
    change_number,
    lambda t: swap_word(t, words, r"\b[a-z]{4,}\b"),
    lambda t: swap_word(t, caps, r"(?<=\s)[A-Z][a-z]{3,}\b"),
    lambda t: swap_word(t, eds, r"\b[a-z]{3,}ed\b"),
]
synthetic = []
for a, b, same in pairs:
    if same != 1.0: continue
    for _ in range(synth):
        for _ in range(5):
            nb = random.choice(PERTURB)(b)
            if nb and nb != b:
                synthetic.append((a, nb, 0.0)); break
data = pairs + synthetic
print(f'train: {len(pairs)} real pairs + {len(synthetic)} perturbed', flush=True)

from tokenizers import BertWordPieceTokenizer
tok = BertWordPieceTokenizer(MODEL + '/vocab.txt', lowercase=True)
tok.enable_truncation(128)
from transformers import BertModel
class CE(torch.nn.Module):
    """Mean of the last layer over the pair's tokens (the pooling the
    sentence model was trained with), then a linear score."""
    def __init__(self):
        super().__init__()
        self.bert = BertModel.from_pretrained(MODEL, add_pooling_layer=False)
        self.head = torch.nn.Linear(384 * 3, 1)
        self.drop = torch.nn.Dropout(0.1)
    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.bert(input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).float()
        a = m * (1 - token_type_ids.unsqueeze(-1).float()); b = m * token_type_ids.unsqueeze(-1).float()
        mean = lambda w: (h * w).sum(1) / w.sum(1).clamp(min=1)
        ma, mb = mean(a), mean(b)
        feats = torch.cat([mean(m), (ma - mb).abs(), ma * mb], -1)
        return self.head(self.drop(feats))
model = CE()
if args.get('full') != '1':
    cfg = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.1, target_modules=['query', 'key', 'value', 'dense'])
    model.bert = get_peft_model(model.bert, cfg)
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.01)
steps = epochs * ((len(data) + 15) // 16)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / (0.9 * steps)))
lossf = torch.nn.BCEWithLogitsLoss()

def batches(items, size, shuffle):
    idx = list(range(len(items)))
    if shuffle: random.shuffle(idx)
    for i in range(0, len(idx), size):
        yield [items[j] for j in idx[i:i + size]]

def encode(batch):
    encs = tok.encode_batch([(a, b) for a, b, _ in batch])
    n = max(len(e.ids) for e in encs)
    pad = lambda xs: [x + [0] * (n - len(x)) for x in xs]
    return dict(input_ids=torch.tensor(pad([e.ids for e in encs])),
                token_type_ids=torch.tensor(pad([e.type_ids for e in encs])),
                attention_mask=torch.tensor(pad([e.attention_mask for e in encs])))

start = time.time()
for epoch in range(epochs):
    model.train(); total = 0
    for batch in batches(data, 16, True):
        out = model(**encode(batch)).squeeze(-1)
        loss = lossf(out, torch.tensor([y for _, _, y in batch]))
        loss.backward(); opt.step(); sched.step(); opt.zero_grad(); total += loss.item() * len(batch)
        nb = getattr(model, '_nb', 0) + 1; model._nb = nb
        if nb % 25 == 0: print(f'  batch {nb}: loss {loss.item():.3f}', flush=True)
    print(f'epoch {epoch}: loss {total/len(data):.4f} ({time.time()-start:.0f} s)', flush=True)

model.eval()
def predict(ps):
    out = []
    with torch.no_grad():
        for batch in batches([(p['a']['text'], p['b']['text'], 0) for p in ps], 32, False):
            out += torch.sigmoid(model(**encode(batch)).squeeze(-1)).tolist()
    return out

def auc(pos, neg):
    return float(np.mean([[1.0 if p > n else 0.5 if p == n else 0 for n in neg] for p in pos])) if pos and neg else float('nan')

rules = {}
for path in [args.get('dump', '/tmp/dump.jsonl')]:
    if os.path.exists(path):
        for l in open(path):
            r = json.loads(l); rules[(r['file'], r['index'])] = r['score']

evals = [valid] if valid else []
evals += [f for f in args.get('eval', '').split(',') if f]
for f in evals:
    ps = load(f); pr = predict(ps)
    same = [p['same'] for p in ps]
    print(f'{f}: AUC {auc([x for x, s in zip(pr, same) if s], [x for x, s in zip(pr, same) if not s]):.3f}')
    sc = [rules.get((f, i)) for i in range(len(ps))]
    if None in sc: continue
    print(f'  AUC over the pairs the rules accept: {auc([x for x,s,r in zip(pr,same,sc) if s and r>=0.5],[x for x,s,r in zip(pr,same,sc) if not s and r>=0.5]):.3f}')
    for tau in [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]:
        tp = sum(1 for x, s, r in zip(pr, same, sc) if s and r >= 0.5 and x >= tau)
        fp = sum(1 for x, s, r in zip(pr, same, sc) if not s and r >= 0.5 and x >= tau)
        fn = sum(1 for s in same if s) - tp
        print(f'  veto below {tau:.2f}: P {tp/max(tp+fp,1):.3f} R {tp/max(tp+fn,1):.3f} (tp {tp} fp {fp} fn {fn})')
if save:
    torch.save({k: v for k, v in model.state_dict().items() if 'lora' in k or k.startswith('head')}, save)
