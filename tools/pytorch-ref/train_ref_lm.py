#!/usr/bin/env python3
"""Recipe parity: trains labbench's reference decoder LM in PyTorch on the exact batches labbench used.

Reads a run file written by `tools/recipe-sweep/parity.ts` (JSON header + int32 batches + evaluation
rows) and trains the same architecture with the same recipe:
  pre-norm RMSNorm (eps 1e-5, gain), learned positions, tied embeddings (input scaled by sqrt(D)
  unless embeddingScale is 'none'), fused bias-free QKV,
  SwiGLU (or ReLU) FFN, init N(0, initStd) with residual projections at initStd / sqrt(2 * layers),
  AdamW (betas 0.9 / 0.95, eps 1e-8, decoupled decay on weight matrices, not embeddings or gains),
  global-norm clipping at 1,
  linear warmup then cosine decay to 10% of the peak, mean token cross-entropy.
Prints JSON: the training-loss curve (every step) and bits per byte of the evaluation documents,
scored in disjoint windows that start with the end-of-text token (labbench's rolling protocol).

Usage: python3 train_ref_lm.py RUNFILE [--threads 1] > out.json
"""
import argparse, json, math, struct, sys, time

p = argparse.ArgumentParser()
p.add_argument('runfile')
p.add_argument('--threads', type=int, default=1)
a = p.parse_args()

import numpy as np
import torch
import torch.nn.functional as F

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


class RMSNorm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.g = torch.nn.Parameter(torch.ones(D))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.g


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = RMSNorm(), RMSNorm()
        self.qkv = torch.nn.Parameter(torch.empty(D, 3 * D))
        self.o = torch.nn.Parameter(torch.empty(D, D))
        self.w_in = torch.nn.Parameter(torch.empty(D, 2 * FF if c['activation'] == 'swiglu' else FF))
        self.w_out = torch.nn.Parameter(torch.empty(FF, D))

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = (self.n1(x) @ self.qkv).view(b, t, 3, H, D // H).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D // H)
        att = att.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float('-inf')).softmax(-1)
        y = att @ v  # torch 1.13 (Debian) has no scaled_dot_product_attention
        x = x + y.transpose(1, 2).reshape(b, t, D) @ self.o
        u = self.n2(x) @ self.w_in
        if c['activation'] == 'swiglu':
            gate, val = u.chunk(2, -1)
            hdn = F.silu(gate) * val
        else:
            hdn = torch.relu(u)
        return x + hdn @ self.w_out


class GPT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Parameter(torch.empty(V, D))
        self.pos = torch.nn.Parameter(torch.empty(T, D))
        self.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
        self.norm = RMSNorm()
        std, out_std = c['initStd'], c['initStd'] / math.sqrt(2 * L)
        for name, prm in self.named_parameters():
            if prm.dim() < 2:
                continue
            torch.nn.init.normal_(prm, 0.0, out_std if name.endswith(('.o', '.w_out')) else std)

    def forward(self, ids):
        scale = math.sqrt(D) if c.get('embeddingScale', 'sqrt-d') == 'sqrt-d' else 1.0
        x = self.emb[ids] * scale + self.pos[: ids.shape[1]]
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x) @ self.emb.T


model = GPT()
# labbench's rule (adamw.ts decaysByDefault): decay weight matrices, not embedding tables or norm gains
embeddings = {id(model.emb), id(model.pos)}
decay = [q for q in model.parameters() if q.dim() >= 2 and id(q) not in embeddings]
no_decay = [q for q in model.parameters() if q.dim() < 2 or id(q) in embeddings]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': c['weightDecay']}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=c['learningRate'], betas=(0.9, 0.95), eps=1e-8)


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
