/**
 * Thread reconstruction from Message-ID, In-Reply-To and References. Messages are joined when one
 * names the other, and also when both name the same message even if that message is not in the
 * corpus (two replies to a lost root are one thread). The thread id is the smallest id in the
 * component, so it does not depend on the order of the input.
 */

export interface ThreadInput {
  /** Unique key of the message in the corpus (used when it has no Message-ID). */
  readonly key: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
}

/** Thread id per message key. */
export function reconstructThreads(messages: readonly ThreadInput[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    for (let node = x; node !== root; ) {
      const next = parent.get(node) ?? root;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (x: string): void => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const union = (a: string, b: string): void => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb); // the smaller id stays the root
  };
  const nodeOf = (m: ThreadInput): string => m.messageId ?? `key:${m.key}`;
  for (const m of messages) {
    const node = nodeOf(m);
    add(node);
    for (const other of [m.inReplyTo, ...m.references]) if (other !== undefined) union(node, other);
  }
  return new Map(messages.map((m) => [m.key, find(nodeOf(m))]));
}
