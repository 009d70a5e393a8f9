import type { GateSpec, StudyClaim, StudyDefinition } from '../src/contracts/study.js';
import type { ResultRecord } from '../src/results.js';

/** Result records and studies for claim tests: only the fields verdicts read are meaningful. */
export function record(arm: string, seed: number, value: number, extra: { metric?: string; board?: ResultRecord['board']; direction?: ResultRecord['direction']; study?: string; details?: Record<string, unknown> } = {}): ResultRecord {
  return {
    schema: 'labbench.result/v1', study: extra.study ?? 'toy', studyVersion: 1, arm, seed, board: extra.board ?? 'ppl', metric: extra.metric ?? 'id.all.bits_per_byte',
    value, direction: extra.direction ?? 'lower', n: 1, ...(extra.details ? { details: extra.details } : {}),
    provenance: {
      cellKey: '0'.repeat(64), configHash: '0'.repeat(64), paramsTotal: 0, paramsActive: 0, flopsPerTokenTrain: 0, flopsPerTokenInference: 0, tokens: 0,
      backend: 'cpu', nativeKernels: false, labbenchVersion: '0', plugins: {}, gitCommit: 'x', date: '2026-01-01T00:00:00Z', profile: 'smoke',
    },
  };
}

export const series = (arm: string, values: readonly number[], extra: Parameters<typeof record>[3] = {}) => values.map((v, seed) => record(arm, seed, v, extra));

export function claim(over: Partial<StudyClaim> = {}): StudyClaim {
  return { id: 'main', text: 'method beats baseline', role: 'headline', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'method', baseline: 'baseline', paper: { figure: '1.0 vs 1.1', source: 'Table 1' }, ...over };
}

export function study(claims: readonly StudyClaim[], over: Partial<StudyDefinition> & { gates?: readonly GateSpec[] } = {}): StudyDefinition {
  return { id: 'toy', version: 1, title: 'toy', claim: 'toy', shared: { model: 'm', tokenizer: 't', loss: 'l' }, arms: { method: {}, baseline: {} }, baseline: 'baseline', evaluators: ['downstream'], claims, ...over };
}
