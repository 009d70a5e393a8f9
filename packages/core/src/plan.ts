import type { ArmSpec, EvaluatorUse, StudyDefinition } from './contracts/study.js';
import { resolveArm } from './contracts/study.js';
import { ConfigError, RegistryError, suggest } from './errors.js';
import type { Profile } from './profiles.js';
import type { Registry } from './registry.js';
import { describeErrors } from './schemas.js';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** One arm of one study at one seed. */
export interface PlannedCell {
  readonly study: StudyDefinition;
  readonly armId: string;
  readonly arm: ArmSpec;
  readonly seed: number;
  readonly evaluators: readonly EvaluatorUse[];
}

const ajv = new Ajv2020({ allErrors: true, strict: false });

export function evaluatorUses(study: StudyDefinition): EvaluatorUse[] {
  return study.evaluators.map((e) => (typeof e === 'string' ? { id: e } : e));
}

/** Checks a config against a component's JSON schema; names the study, arm and field on failure. */
function checkConfig(schema: object | undefined, config: object | undefined, where: string): void {
  if (!schema || !config) return;
  const validate = ajv.compile(schema);
  if (!validate(config)) {
    throw new ConfigError(where, describeErrors(validate.errors, config).join('; '), 'Fix the study config; the component\'s defaults show the expected fields.');
  }
}

/** Resolves and checks every study before anything runs, so bad input fails before any write. */
export function planStudies(registry: Registry, studyIds: readonly string[], profile: Profile, seeds: number): PlannedCell[] {
  const known = registry.ids('study');
  const ids = studyIds.length > 0 ? studyIds : known;
  for (const id of ids) {
    if (!registry.has('study', id)) throw new RegistryError(`--study ${id}`, `unknown study '${id}'.`, suggest(id, known));
  }
  const cells: PlannedCell[] = [];
  for (const id of ids) {
    const study = registry.get('study', id);
    const uses = evaluatorUses(study);
    for (const use of uses) registry.get('evaluator', use.id);
    const armIds = orderArms(study);
    for (const armId of armIds) {
      const arm = resolveArm(study, armId);
      const where = `study ${study.id} › arms.${armId}`;
      if (arm.model !== 'none') checkConfig(registry.get('model', arm.model).configSchema, arm.modelConfig, `${where}.modelConfig`);
      registry.get('tokenizer', arm.tokenizer);
      checkConfig(registry.get('loss', arm.loss).configSchema, arm.lossConfig, `${where}.lossConfig`);
      if (arm.initFrom !== undefined && !(arm.initFrom in study.arms)) {
        throw new ConfigError(`${where}.initFrom`, `arm '${arm.initFrom}' is not an arm of this study.`, suggest(arm.initFrom, Object.keys(study.arms)));
      }
    }
    for (let s = 0; s < seeds; s++) {
      for (const armId of armIds) cells.push({ study, armId, arm: resolveArm(study, armId), seed: s, evaluators: uses });
    }
  }
  void profile;
  return cells;
}

/** Arms in an order where every `initFrom` arm comes before the arms that convert it. */
function orderArms(study: StudyDefinition): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (armId: string): void => {
    if (order.includes(armId)) return;
    if (visiting.has(armId)) throw new ConfigError(`study ${study.id} › arms.${armId}.initFrom`, 'initFrom forms a cycle.', 'Make one arm train from scratch.');
    visiting.add(armId);
    const from = { ...study.shared, ...study.arms[armId] }.initFrom;
    if (from && from in study.arms) visit(from);
    order.push(armId);
  };
  for (const armId of Object.keys(study.arms)) visit(armId);
  return order;
}

/** Deterministic sharding: all arms of a (study, seed) stay together so `initFrom` works per shard. */
export function shardCells(cells: readonly PlannedCell[], shard: { index: number; count: number } | undefined): PlannedCell[] {
  if (!shard) return [...cells];
  const groups = [...new Set(cells.map((c) => `${c.study.id}#${c.seed}`))];
  const mine = new Set(groups.filter((_, i) => i % shard.count === shard.index - 1));
  return cells.filter((c) => mine.has(`${c.study.id}#${c.seed}`));
}
