import type { ArmSpec, EvaluatorUse, StudyDefinition } from './contracts/study.js';
import { resolveArm } from './contracts/study.js';
import { ConfigError, ContractError, RegistryError, suggest } from './errors.js';
import type { Profile } from './profiles.js';
import { trainTokens } from './profiles.js';
import type { Registry } from './registry.js';
import { describeErrors } from './schemas.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { newAjv } from './schemas/validator-cache.js';
import { estimateCell, type CellEstimate } from './plan-cost.js';
import { REFERENCE_ARMS, studyGates } from './gates.js';
import { trainingIdentity } from './training-identity.js';

/** One arm of one study at one seed. */
export interface PlannedCell {
  readonly study: StudyDefinition;
  readonly armId: string;
  readonly arm: ArmSpec;
  readonly seed: number;
  readonly evaluators: readonly EvaluatorUse[];
  /** Why the planner added the arm (absent for the study's own arms). */
  readonly role?: 'reference' | 'knockout';
  /** Equal for cells that train the same thing (see training-identity.ts), across studies. */
  readonly trainingIdentity: string;
  /** Parameters, FLOPs and cost of the cell (builds the model once per config; memoised). */
  readonly estimate: () => CellEstimate;
}

/** The evaluator that scores count-model reference arms (plugins/reference-lm). */
export const REFERENCE_EVALUATOR = 'reference-lm';

let ajv: Ajv2020 | undefined; // loaded on first use: most commands never check a component config

export function evaluatorUses(study: StudyDefinition): EvaluatorUse[] {
  return study.evaluators.map((e) => (typeof e === 'string' ? { id: e } : e));
}

/** Checks a config against a component's JSON schema; names the study, arm and field on failure. */
function checkConfig(schema: object | undefined, config: object | undefined, where: string): void {
  if (!schema || !config) return;
  ajv ??= newAjv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(config)) {
    throw new ConfigError(where, describeErrors(validate.errors, config).join('; '), 'Fix the study config; the component\'s defaults show the expected fields.');
  }
}

/** An arm of the plan: the study's own, a reference or a knock-out control. */
interface PlannedArm {
  readonly armId: string;
  readonly arm: ArmSpec;
  readonly evaluators: readonly EvaluatorUse[];
  readonly role?: 'reference' | 'knockout';
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
    const arms = campaignArms(study, planArms(registry, study, profile), profile);
    for (let s = 0; s < seeds; s++) {
      const identities = new Map<string, string>(); // arm -> identity, sources first (arms are ordered)
      for (const a of arms) {
        let memo: CellEstimate | undefined;
        const identity = trainingIdentity(registry, profile, a.arm, s, a.arm.initFrom ? (identities.get(a.arm.initFrom) ?? a.arm.initFrom) : null);
        identities.set(a.armId, identity);
        const cell: PlannedCell = {
          study, armId: a.armId, arm: a.arm, seed: s, evaluators: a.evaluators, ...(a.role ? { role: a.role } : {}),
          trainingIdentity: identity, estimate: () => (memo ??= estimateCell(registry, profile, cell)),
        };
        cells.push(cell);
      }
    }
  }
  return cells;
}

/** The study's arms (initFrom order), then its reference arms and knock-out controls, all checked. */
function planArms(registry: Registry, study: StudyDefinition, profile: Profile): PlannedArm[] {
  const uses = evaluatorUses(study);
  for (const use of uses) registry.get('evaluator', use.id);
  const own: PlannedArm[] = orderArms(study).map((armId) => ({ armId, arm: resolveArm(study, armId), evaluators: uses }));
  for (const { armId, arm } of own) {
    const where = `study ${study.id} › arms.${armId}`;
    if (arm.model !== 'none') checkConfig(registry.get('model', arm.model).configSchema, arm.modelConfig, `${where}.modelConfig`);
    registry.get('tokenizer', arm.tokenizer);
    checkConfig(registry.get('loss', arm.loss).configSchema, arm.lossConfig, `${where}.lossConfig`);
    if (arm.initFrom !== undefined && !(arm.initFrom in study.arms)) {
      throw new ConfigError(`${where}.initFrom`, `arm '${arm.initFrom}' is not an arm of this study.`, suggest(arm.initFrom, Object.keys(study.arms)));
    }
  }
  const added = [...referenceArms(registry, study, own, profile), ...knockoutArms(registry, study, own, uses, profile)];
  for (const a of added) {
    if (a.armId in study.arms) {
      throw new ConfigError(`study ${study.id} › arms.${a.armId}`, `the arm id '${a.armId}' is reserved for the planner's ${a.role} arm.`, 'Rename the arm (or set references: false / drop the knock-out).');
    }
  }
  return [...own, ...added];
}

function isCausal(registry: Registry, arm: ArmSpec): boolean {
  return arm.model !== 'none' && registry.get('model', arm.model).kind === 'causal';
}

/**
 * Unigram and bigram count models on the reference arm's tokenizer, tokenizer mixture and training
 * stream (same mixture and budget, so the same tokens), for every study with a causal LM arm. The
 * planner only adds them when the reference-lm evaluator is installed (core names no plugin).
 */
function referenceArms(registry: Registry, study: StudyDefinition, own: readonly PlannedArm[], profile: Profile): PlannedArm[] {
  if (study.references === false || !own.some((a) => isCausal(registry, a.arm))) return [];
  if (!registry.has('evaluator', REFERENCE_EVALUATOR)) return [];
  // default: the baseline when it is a language model, else the first language-model arm
  const baseline = own.find((a) => a.armId === study.baseline && isCausal(registry, a.arm));
  const sourceId = study.references?.arm ?? baseline?.armId ?? own.find((a) => isCausal(registry, a.arm))!.armId;
  const source = own.find((a) => a.armId === sourceId);
  if (!source) throw new ConfigError(`study ${study.id} › references.arm`, `arm '${sourceId}' is not an arm of this study.`, suggest(sourceId, own.map((a) => a.armId)));
  const { tokenizer, tokenizerConfig, tokenizerMixture, mixture, stepsFraction, loss } = source.arm;
  const arm: ArmSpec = { model: 'none', tokenizer, loss, ...(tokenizerConfig ? { tokenizerConfig } : {}), ...(tokenizerMixture ? { tokenizerMixture } : {}), ...(mixture ? { mixture } : {}), ...(stepsFraction !== undefined ? { stepsFraction } : {}) };
  const budget = trainTokens(profile, stepsFraction ?? 1);
  return Object.entries(REFERENCE_ARMS).map(([model, armId]) => ({
    armId, arm, role: 'reference' as const, evaluators: [{ id: REFERENCE_EVALUATOR, options: { model, trainTokens: budget } }],
  }));
}

/** `knockout-<component>`: a copy of the source arm whose model config lacks the component, trained from scratch. */
function knockoutArms(registry: Registry, study: StudyDefinition, own: readonly PlannedArm[], uses: readonly EvaluatorUse[], profile: Profile): PlannedArm[] {
  return (study.knockouts ?? []).map((k, i) => {
    const where = `study ${study.id} › knockouts.${i}`;
    const sourceId = k.arm ?? study.baseline;
    if (sourceId === undefined) throw new ConfigError(`${where}.arm`, 'no arm to knock out: the study has no baseline.', 'Set knockouts[].arm or the study\'s baseline.');
    const source = own.find((a) => a.armId === sourceId);
    if (!source) throw new ConfigError(`${where}.arm`, `arm '${sourceId}' is not an arm of this study.`, suggest(sourceId, own.map((a) => a.armId)));
    if (source.arm.model === 'none') throw new ConfigError(`${where}.arm`, `arm '${sourceId}' has no model to knock a component out of.`, 'Knock out a component of a model arm.');
    const factory = registry.get('model', source.arm.model);
    if (!factory.knockout) {
      throw new ContractError(`model '${factory.id}'`, `has no knock-out hook, so '${k.component}' cannot be removed (${where}).`, 'Implement ModelFactory.knockout in the model\'s plugin, or drop the knock-out.');
    }
    const modelConfig = factory.knockout(k.component, source.arm.modelConfig ?? {}, k.layers);
    checkConfig(factory.configSchema, modelConfig, `${where} (model '${factory.id}', knock-out '${k.component}')`);
    const { initFrom, ...rest } = source.arm; // trained from scratch like any arm
    void initFrom;
    const armId = `knockout-${k.component}`;
    if (study.knockouts!.findIndex((o) => `knockout-${o.component}` === armId) !== i) {
      throw new ConfigError(`${where}.component`, `'${k.component}' is knocked out twice; arm ids must be unique.`, 'Keep one knock-out per component.');
    }
    return { armId, arm: { ...rest, modelConfig }, evaluators: profile.knockoutEvaluators === 'gates' ? gateEvaluators(registry, study, armId, uses) : uses, role: 'knockout' as const };
  });
}

/**
 * The evaluators writing a board that one of the study's gates (core's defaults included) or
 * claims reads for this arm: what a knock-out runs under a profile with `knockoutEvaluators:
 * 'gates'`. A knock-out is the instrument of its gate (does the component matter in this regime?),
 * so downstream tasks or generation on it cost time and decide nothing. When nothing reads the
 * arm, all of the study's.
 */
function gateEvaluators(registry: Registry, study: StudyDefinition, armId: string, uses: readonly EvaluatorUse[]): EvaluatorUse[] {
  const boards = new Set<string>();
  for (const g of studyGates(study)) if (g.arm === armId || (g.kind === 'margin' && g.than === armId)) boards.add(g.board);
  for (const c of study.claims ?? []) if (c.method === armId || c.baseline === armId) boards.add(c.board);
  const read = uses.filter((u) => registry.get('evaluator', u.id).boards.some((b) => boards.has(b)));
  return read.length > 0 ? read : [...uses];
}

/**
 * Under a profile with `arms: 'claims'` (a campaign), only the arms the study's claims, gates,
 * references and knock-outs need, plus the arms they start from; the rest belong to the extended
 * profiles. A study without claims contributes nothing to a campaign.
 */
function campaignArms(study: StudyDefinition, arms: readonly PlannedArm[], profile: Profile): PlannedArm[] {
  if ((profile.arms ?? 'all') === 'all') return [...arms];
  const needed = new Set<string>();
  for (const c of study.claims ?? []) needed.add(c.method).add(c.baseline);
  for (const g of study.gates ?? []) {
    needed.add(g.arm);
    if (g.kind === 'margin') needed.add(g.than);
  }
  if (needed.size === 0) return [];
  for (const a of arms) if (a.role) needed.add(a.armId); // references and knock-out controls
  const referenceSource = study.references === false ? undefined : (study.references?.arm ?? study.baseline);
  if (referenceSource && arms.some((a) => a.role === 'reference')) needed.add(referenceSource);
  for (const k of study.knockouts ?? []) if (k.arm ?? study.baseline) needed.add((k.arm ?? study.baseline)!);
  const byId = new Map(arms.map((a) => [a.armId, a]));
  for (const id of [...needed]) { // the arms they convert from, transitively
    for (let from = byId.get(id)?.arm.initFrom; from !== undefined && !needed.has(from); from = byId.get(from)?.arm.initFrom) needed.add(from);
  }
  return arms.filter((a) => needed.has(a.armId));
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

/**
 * A group of cells that must run in one shard: the arms of a (study, seed) connected by `initFrom`
 * (a source and every arm that converts it), so a converted arm finds its source's trained model.
 * Independent arms (references, knock-outs, arms trained from scratch) are groups of their own,
 * which lets shards be balanced finely.
 */
export interface ShardGroup {
  readonly key: string;
  readonly cells: readonly PlannedCell[];
  /** Estimated cost (FLOP-equivalents, see plan-cost.ts). */
  readonly cost: number;
}

/** `study#seed#root`, root being the arm the cell's `initFrom` chain starts from. */
function groupKey(cell: PlannedCell, bySeedArm: ReadonlyMap<string, PlannedCell>): string {
  let root = cell;
  for (let guard = 0; root.arm.initFrom !== undefined && guard < 1000; guard++) {
    const source = bySeedArm.get(`${cell.study.id}#${cell.seed}#${root.arm.initFrom}`);
    if (!source) break;
    root = source;
  }
  return `${cell.study.id}#${cell.seed}#${root.armId}`;
}

export function shardGroups(cells: readonly PlannedCell[]): ShardGroup[] {
  const bySeedArm = new Map(cells.map((c) => [`${c.study.id}#${c.seed}#${c.armId}`, c]));
  // union-find over group keys: cells that share a training (trainedWith) join one group, so one
  // shard trains it once and its other users load it
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(k, root);
    return root;
  };
  const trainer = trainedWith(cells);
  const keyOf = new Map<PlannedCell, string>();
  for (const c of cells) {
    const key = groupKey(c, bySeedArm);
    keyOf.set(c, key);
    if (!parent.has(key)) parent.set(key, key);
  }
  for (const c of cells) {
    const first = trainer.get(c);
    if (first) {
      const [a, b] = [find(keyOf.get(first)!), find(keyOf.get(c)!)];
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, PlannedCell[]>();
  for (const c of cells) {
    const key = find(keyOf.get(c)!);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups].map(([key, members]) => ({ key, cells: members, cost: members.reduce((a, c) => a + cellCost(c, trainer), 0) }));
}

/**
 * For each cell that trains what an earlier cell of the plan trains (equal trainingIdentity, a
 * model, not a count model), that earlier cell: the runner trains it once and the others load it.
 */
export function trainedWith(cells: readonly PlannedCell[]): Map<PlannedCell, PlannedCell> {
  const first = new Map<string, PlannedCell>();
  const out = new Map<PlannedCell, PlannedCell>();
  for (const c of cells) {
    if (c.arm.model === 'none') continue;
    const known = first.get(c.trainingIdentity);
    if (known) out.set(c, known);
    else first.set(c.trainingIdentity, c);
  }
  return out;
}

/** A cell's cost in its plan: evaluation only when another cell trains its model. */
export function cellCost(cell: PlannedCell, trainer: ReadonlyMap<PlannedCell, PlannedCell>): number {
  const e = cell.estimate();
  return trainer.has(cell) ? e.evalCost : e.cost;
}

/**
 * Cost-balanced, deterministic sharding (longest processing time first): groups sorted by cost
 * (ties by key) go one by one to the shard with the least cost so far (ties to the lower index).
 * The same plan gives the same shards in every process, so `labbench plan` prints what
 * `labbench run --shard i/n` runs.
 */
export function assignShards(groups: readonly ShardGroup[], count: number): ShardGroup[][] {
  const shards: ShardGroup[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  const order = [...groups].sort((a, b) => b.cost - a.cost || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const g of order) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i] < load[best]) best = i;
    shards[best].push(g);
    load[best] += g.cost;
  }
  return shards;
}

/**
 * The fewest shards for `assignShards` in which every shard costs at most `target`, or, when one
 * of its groups alone costs more, at most that group (5% slack either way, so a group over the
 * target shares its shard with at most 5% of its cost): a (study, seed) whose converted arms all
 * need one source cannot be cut, so a larger count would only add shards with (almost) nothing to
 * run (`labbench plan` cut 3 shards of 4.6 hours and 4 of references only for `uniattn` at
 * `campaign`). Never more shards than groups that cost something, so no shard is empty.
 */
export function shardCount(groups: readonly ShardGroup[], target: number): number {
  const fits = (shard: readonly ShardGroup[]) => shard.reduce((a, g) => a + g.cost, 0) <= 1.05 * Math.max(target, ...shard.map((g) => g.cost));
  for (let count = 1; count < groups.length; count++) {
    if (assignShards(groups, count).every(fits)) return count;
  }
  return Math.max(1, groups.length);
}

/** The cells of shard `index` of `count` (1-based), in plan order. */
export function shardCells(cells: readonly PlannedCell[], shard: { index: number; count: number } | undefined): PlannedCell[] {
  if (!shard) return [...cells];
  const mine = new Set(assignShards(shardGroups(cells), shard.count)[shard.index - 1].flatMap((g) => g.cells));
  return cells.filter((c) => mine.has(c));
}
