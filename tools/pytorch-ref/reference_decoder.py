"""labbench's reference decoder in PyTorch, shared by pytorch_decoder.py (speed) and train_ref_lm.py (recipe parity).

Pre-norm RMSNorm (eps 1e-5, gain), learned positions, tied embeddings (input scaled by sqrt(D) unless
embeddingScale is 'none') or an untied output matrix, fused bias-free QKV, causal softmax attention
(optional attention-free layers), SwiGLU ([D, 2F] fused gate/up, split) or ReLU FFN, a final RMSNorm;
and labbench's AdamW (0.9 / 0.95, eps 1e-8, decay on weight matrices only).

Config keys (labbench's names): vocab, dModel, layers, heads, ffnHidden, time (the longest sequence:
positions and causal mask), activation (swiglu|relu, default swiglu), embeddingScale (sqrt-d|none),
tiedEmbeddings (default true), attentionFreeLayers ('all' or a list of layer indices), initStd
(default 0.02), scaledResidualInit (default false: the attention output and FFN output matrices at
initStd / sqrt(2 * layers), as labbench's trainer).

The weight matrices are drawn N(0, std) one after the other in creation order (emb, pos, per block
qkv, o, w_in, w_out, then the untied output), so a seed gives the same model in both scripts.
"""
import math

import torch
import torch.nn.functional as F


class RMSNorm(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.g = torch.nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * self.g


def _normal(rows, cols, std):
    return torch.nn.Parameter(torch.empty(rows, cols).normal_(0.0, std))


class Block(torch.nn.Module):
    def __init__(self, d, heads, ffn, swiglu, attention, std, out_std):
        super().__init__()
        self.heads, self.swiglu, self.attention = heads, swiglu, attention
        self.n1, self.n2 = RMSNorm(d), RMSNorm(d)  # n1 exists without attention too (parameter count as labbench's)
        if attention:
            self.qkv = _normal(d, 3 * d, std)
            self.o = _normal(d, d, out_std)
        self.w_in = _normal(d, 2 * ffn if swiglu else ffn, std)
        self.w_out = _normal(ffn, d, out_std)

    def forward(self, x, mask):
        b, t, d = x.shape
        if self.attention:
            hd = d // self.heads
            q, k, v = (self.n1(x) @ self.qkv).view(b, t, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
            att = ((q @ k.transpose(-1, -2)) / math.sqrt(hd)).masked_fill(mask, float('-inf')).softmax(-1)
            x = x + (att @ v).transpose(1, 2).reshape(b, t, d) @ self.o  # torch 1.13 (Debian) has no scaled_dot_product_attention
        u = self.n2(x) @ self.w_in
        if self.swiglu:
            gate, val = u.chunk(2, -1)
            h = F.silu(gate) * val
        else:
            h = torch.relu(u)
        return x + h @ self.w_out


class ReferenceDecoder(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        V, D, L, T = c['vocab'], c['dModel'], c['layers'], c['time']
        free = c.get('attentionFreeLayers') or []
        free = set(range(L)) if free == 'all' else set(free)
        std = c.get('initStd', 0.02)
        out_std = std / math.sqrt(2 * L) if c.get('scaledResidualInit', False) else std
        swiglu = c.get('activation', 'swiglu') == 'swiglu'
        self.emb = _normal(V, D, std)
        self.pos = _normal(T, D, std)
        self.blocks = torch.nn.ModuleList([Block(D, c['heads'], c['ffnHidden'], swiglu, i not in free, std, out_std) for i in range(L)])
        self.norm = RMSNorm(D)
        self.unemb = None if c.get('tiedEmbeddings', True) else _normal(D, V, std)
        self.scale = math.sqrt(D) if c.get('embeddingScale', 'sqrt-d') == 'sqrt-d' else 1.0
        # built once: the throughput peer should not pay for it every step
        self.register_buffer('mask', torch.triu(torch.ones(T, T, dtype=torch.bool), 1), persistent=False)

    def forward(self, ids):
        t, T = ids.shape[1], self.pos.shape[0]
        # full tensors at the full length: a slice would add a copy to the gradient of pos
        pos, mask = (self.pos, self.mask) if t == T else (self.pos[:t], self.mask[:t, :t])
        x = self.emb[ids] * self.scale + pos
        for blk in self.blocks:
            x = blk(x, mask)
        h = self.norm(x)
        return h @ self.unemb if self.unemb is not None else h @ self.emb.T


def adamw(model, lr, weight_decay):
    """labbench's rule (adamw.ts decaysByDefault): decay weight matrices, not embedding tables or norm gains."""
    tables = {id(model.emb), id(model.pos)}
    decay = [q for q in model.parameters() if q.dim() >= 2 and id(q) not in tables]
    rest = [q for q in model.parameters() if q.dim() < 2 or id(q) in tables]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': weight_decay}, {'params': rest, 'weight_decay': 0.0}],
                             lr=lr, betas=(0.9, 0.95), eps=1e-8)
