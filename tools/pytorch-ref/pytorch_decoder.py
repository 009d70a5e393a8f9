#!/usr/bin/env python3
"""Peer measurement: training tokens/s of labbench's reference decoder in PyTorch on CPU.

The same model and step as `labbench bench throughput --model quick` (or any study arm built on the
reference decoder): pre-norm RMSNorm (eps 1e-5, gain), learned positions, tied embeddings (input
scaled by sqrt(D) unless embeddingScale is 'none'), fused bias-free QKV, causal softmax attention,
SwiGLU ([D, 2F] fused gate/up, split) or ReLU FFN, a final RMSNorm, mean token cross-entropy, AdamW
(0.9 / 0.95, eps 1e-8, decay on weight matrices only), global-norm clipping, as labbench's trainer.
Only the speed is compared: the batches are random and no learning-rate schedule runs.

Usage: python3 pytorch_decoder.py --config '{"vocab":1024,"dModel":64,...}' [--steps 20] [--threads 1] [--json]
Config keys: vocab, dModel, layers, heads, ffnHidden, activation (swiglu|relu), time, batch,
embeddingScale (sqrt-d|none), tiedEmbeddings, attentionFreeLayers ('all' or a list), weightDecay,
learningRate, clipNorm.
"""
import argparse, json, math, sys, time

p = argparse.ArgumentParser()
p.add_argument('--config', required=True)
p.add_argument('--steps', type=int, default=20)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--json', action='store_true')
a = p.parse_args()

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print('python3-torch is not installed', file=sys.stderr)
    sys.exit(3)

c = json.loads(a.config)
torch.manual_seed(0)
torch.set_num_threads(a.threads)
V, D, L, H, FF, T, B = c['vocab'], c['dModel'], c['layers'], c['heads'], c['ffnHidden'], c['time'], c['batch']
swiglu = c.get('activation', 'swiglu') == 'swiglu'
free = c.get('attentionFreeLayers') or []
free = set(range(L)) if free == 'all' else set(free)
std = c.get('initStd', 0.02)


class RMSNorm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.g = torch.nn.Parameter(torch.ones(D))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.g


class Block(torch.nn.Module):
    def __init__(self, attention):
        super().__init__()
        self.attention = attention
        self.n1, self.n2 = RMSNorm(), RMSNorm()
        if attention:
            self.qkv = torch.nn.Parameter(torch.randn(D, 3 * D) * std)
            self.o = torch.nn.Parameter(torch.randn(D, D) * std)
        self.w_in = torch.nn.Parameter(torch.randn(D, 2 * FF if swiglu else FF) * std)
        self.w_out = torch.nn.Parameter(torch.randn(FF, D) * std)
        self.register_buffer('mask', torch.triu(torch.ones(T, T, dtype=torch.bool), 1))

    def forward(self, x):
        if self.attention:
            q, k, v = (self.n1(x) @ self.qkv).view(B, T, 3, H, D // H).permute(2, 0, 3, 1, 4)
            att = ((q @ k.transpose(-1, -2)) / math.sqrt(D // H)).masked_fill(self.mask, float('-inf')).softmax(-1)
            x = x + (att @ v).transpose(1, 2).reshape(B, T, D) @ self.o  # torch 1.13 (Debian) has no scaled_dot_product_attention
        u = self.n2(x) @ self.w_in
        if swiglu:
            gate, val = u.chunk(2, -1)
            h = F.silu(gate) * val
        else:
            h = torch.relu(u)
        return x + h @ self.w_out


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Parameter(torch.randn(V, D) * std)
        self.pos = torch.nn.Parameter(torch.randn(T, D) * std)
        self.blocks = torch.nn.ModuleList([Block(i not in free) for i in range(L)])
        self.norm = RMSNorm()
        self.unemb = None if c.get('tiedEmbeddings', True) else torch.nn.Parameter(torch.randn(D, V) * std)
        self.scale = math.sqrt(D) if c.get('embeddingScale', 'sqrt-d') == 'sqrt-d' else 1.0

    def forward(self, ids):
        x = self.emb[ids] * self.scale + self.pos
        for blk in self.blocks:
            x = blk(x)
        h = self.norm(x)
        return h @ self.unemb if self.unemb is not None else h @ self.emb.T


model = Decoder()
# labbench's rule (adamw.ts decaysByDefault): decay weight matrices, not embedding tables or norm gains
tables = {id(model.emb), id(model.pos)}
decay = [q for q in model.parameters() if q.dim() >= 2 and id(q) not in tables]
rest = [q for q in model.parameters() if q.dim() < 2 or id(q) in tables]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': c.get('weightDecay', 0.1)}, {'params': rest, 'weight_decay': 0.0}],
                        lr=c.get('learningRate', 3e-3), betas=(0.9, 0.95), eps=1e-8)
clip = c.get('clipNorm', 1.0)
ids = torch.randint(0, V, (B, T))
tgt = torch.randint(0, V, (B * T,))


def step():
    loss = F.cross_entropy(model(ids).reshape(-1, V), tgt)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return loss.item()


step()
step()
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(a.steps):
    step()
dt = (time.perf_counter() - t0) / a.steps
cpu = (time.process_time() - c0) / a.steps  # CPU seconds of this process per step (all its threads)
params = sum(q.numel() for q in model.parameters())
out = {'peer': 'pytorch', 'torch': torch.__version__, 'threads': a.threads, 'params': params,
       'step_s': dt, 'tokens_per_s': B * T / dt, 'cpu_step_s': cpu, 'tokens_per_cpu_s': B * T / cpu}
print(json.dumps(out) if a.json else f"pytorch {torch.__version__}: {out['tokens_per_s']:.0f} tokens/s ({params} params, {dt:.3f} s/step)")
