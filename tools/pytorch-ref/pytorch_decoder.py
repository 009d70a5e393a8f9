#!/usr/bin/env python3
"""Peer measurement: training tokens/s of labbench's reference decoder in PyTorch on CPU.

The same model and step as `labbench bench throughput --model quick` (or any study arm built on the
reference decoder): the model and AdamW of reference_decoder.py (shared with train_ref_lm.py; weights
all N(0, initStd)), mean token cross-entropy and global-norm clipping, as labbench's trainer.
Only the speed is compared: the batches are random and no learning-rate schedule runs.

Usage: python3 pytorch_decoder.py --config '{"vocab":1024,"dModel":64,...}' [--steps 20] [--threads 1] [--json]
Config keys: vocab, dModel, layers, heads, ffnHidden, activation (swiglu|relu), time, batch,
embeddingScale (sqrt-d|none), tiedEmbeddings, attentionFreeLayers ('all' or a list), initStd,
weightDecay, learningRate, clipNorm.
"""
import argparse, json, sys, time

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

from reference_decoder import ReferenceDecoder, adamw  # this script's folder is on sys.path

c = json.loads(a.config)
torch.manual_seed(0)
torch.set_num_threads(a.threads)
V, T, B = c['vocab'], c['time'], c['batch']
model = ReferenceDecoder(c)
opt = adamw(model, c.get('learningRate', 3e-3), c.get('weightDecay', 0.1))
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
