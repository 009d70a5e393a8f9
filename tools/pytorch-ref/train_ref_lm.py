#!/usr/bin/env python3
"""Recipe parity: trains labbench's reference decoder LM in PyTorch on the exact batches labbench used.

Reads a run file written by `tools/recipe-sweep/parity.ts` (JSON header + int32 batches + evaluation
rows) and trains the same architecture (reference_decoder.py, shared with pytorch_decoder.py) with the
same recipe: init N(0, initStd) with residual projections at initStd / sqrt(2 * layers), AdamW (betas
0.9 / 0.95, eps 1e-8, decoupled decay on weight matrices, not embeddings or gains), global-norm
clipping at 1, linear warmup then cosine decay to 10% of the peak, mean token cross-entropy.
Prints JSON: the training-loss curve (every step) and bits per byte of the evaluation documents,
scored in disjoint windows that start with the end-of-text token (labbench's rolling protocol).

Usage: python3 train_ref_lm.py RUNFILE [--threads 1] > out.json
"""
import argparse, json, math, struct, time

p = argparse.ArgumentParser()
p.add_argument('runfile')
p.add_argument('--threads', type=int, default=1)
a = p.parse_args()

import numpy as np
import torch
import torch.nn.functional as F

from reference_decoder import ReferenceDecoder, adamw  # this script's folder is on sys.path

torch.manual_seed(0)
torch.set_num_threads(a.threads)

with open(a.runfile, 'rb') as f:
    (hlen,) = struct.unpack('<I', f.read(4))
    h = json.loads(f.read(hlen).decode('utf8'))
    data = np.frombuffer(f.read(), dtype='<i4')
c = h['config']
V, D, L, H, FF, T, B = h['vocabSize'], c['dModel'], c['layers'], c['heads'], c['ffnHidden'], c['seqLen'], c['batchSize']
steps = c['steps']
batches = torch.from_numpy(data[: steps * B * (T + 1)].astype(np.int64)).view(steps, B, T + 1)
eval_rows = torch.from_numpy(data[steps * B * (T + 1):].astype(np.int64)).view(-1, 2, T)  # [R, ids|targets, T]

model = ReferenceDecoder({'vocab': V, 'dModel': D, 'layers': L, 'heads': H, 'ffnHidden': FF, 'time': T,
                          'activation': c['activation'], 'embeddingScale': c.get('embeddingScale', 'sqrt-d'),
                          'initStd': c['initStd'], 'scaledResidualInit': True})
opt = adamw(model, c['learningRate'], c['weightDecay'])


def lr_at(step):  # labbench's learningRateAt(step, peak, warmup, total), step from 0
    peak, warm = c['learningRate'], c['warmupSteps']
    if step < warm:
        return peak * (step + 1) / warm
    prog = min(1.0, (step - warm) / max(1, steps - warm))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * prog)))


curve = []
t0 = time.perf_counter()
for s in range(steps):
    for g in opt.param_groups:
        g['lr'] = lr_at(s)
    x, y = batches[s, :, :T], batches[s, :, 1:]
    loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    curve.append(loss.item())
train_s = time.perf_counter() - t0

model.eval()
nll = 0.0
with torch.no_grad():
    for i in range(0, eval_rows.shape[0], 32):
        rows = eval_rows[i:i + 32]
        logits = model(rows[:, 0])
        tgt = rows[:, 1]
        nll += F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1), ignore_index=-1, reduction='sum').item()
out = {'peer': 'pytorch', 'torch': torch.__version__, 'steps': steps, 'trainSeconds': train_s, 'trainLoss': curve,
       'evalNats': nll, 'evalBytes': h['evalBytes'], 'bitsPerByte': nll / math.log(2) / h['evalBytes']}
print(json.dumps(out))
