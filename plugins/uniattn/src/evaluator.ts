import { bitsPerByte, type Evaluator, type MetricRecord } from '@labbench/core';

interface ProbeItem {
  readonly id: string;
  readonly text: string;
  readonly label: string;
  readonly split: string;
}

/**
 * The post-training domain's numbers for UniAttn (spec §7.3):
 * - `surgery.*`: recorded by the model before any update (see UniAttnLM.beginTraining), read from
 *   the training record: the loss right after surgery on windows of the post-training stream that
 *   calibration did not use, the base model's loss there, and the least-squares residual per layer;
 * - `domain.email.*`: the final model on held-out ham e-mail (the `probe-spam` set's ham texts,
 *   threads outside the training split), token loss and bits per byte.
 */
export const uniattnDomainEvaluator: Evaluator = {
  id: 'uniattn-domain',
  description: 'UniAttn: domain loss right after surgery (recorded before training) and final held-out e-mail loss.',
  boards: ['ppl'],
  requires: 'causal',
  async evaluate(subject, context) {
    const records: MetricRecord[] = [];
    const stats = subject.training?.modelStats ?? {};
    for (const [name, value] of Object.entries(stats)) {
      if (!name.startsWith('surgery.') || typeof value !== 'number') continue;
      const metric = name
        .replace('surgery.domainLoss', 'surgery.domain_loss')
        .replace('surgery.baseDomainLoss', 'surgery.base_domain_loss')
        .replace('surgery.calibrationResidual', 'surgery.calibration_residual');
      records.push({
        board: 'ppl',
        metric,
        value,
        direction: name === 'surgery.domainLoss' ? 'lower' : 'none',
        n: 1,
        details: { measured: 'before the first update, on post-training windows not used for calibration' },
      });
    }
    if (!subject.scorer) return records;
    const items = (await context.data.set<ProbeItem>('probe-spam')).filter((i) => i.label === 'ham');
    if (items.length === 0) return records;
    const scores = await subject.scorer.rollingLogLikelihood(items.map((i) => i.text));
    const ll = scores.reduce((a, s) => a + s.logLikelihood, 0);
    const tokens = scores.reduce((a, s) => a + s.tokens, 0);
    const bytes = scores.reduce((a, s) => a + s.bytes, 0);
    const details = { source: 'probe-spam ham (held-out threads)', documents: items.length, protocol: 'rolling-disjoint' };
    records.push(
      { board: 'ppl', metric: 'domain.email.loss', value: -ll / Math.max(1, tokens), direction: 'lower', n: tokens, details },
      { board: 'ppl', metric: 'domain.email.bits_per_byte', value: bitsPerByte(ll, bytes), direction: 'lower', n: bytes, details },
    );
    return records;
  },
};
