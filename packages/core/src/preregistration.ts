import type { ArmSpec, EvaluatorUse, GateSpec, StudyClaim, StudyDefinition } from './contracts/study.js';
import { ConfigError, DataError } from './errors.js';
import { claimGates, studyGates } from './gates.js';
import { canonicalJson, hashJson } from './hash.js';
import { planStudies } from './plan.js';
import { getProfile, type Profile } from './profiles.js';
import type { Registry } from './registry.js';
import type { PreregistrationState } from './schemas/replication.js';

/**
 * Pre-registration (issue 18): before a campaign, each study's analysis plan — everything that
 * decides a verdict — is frozen and hashed with the code commit. A later change to the plan is a
 * new study version; the report says whether the definition it judges still matches the
 * registered one. Prose (claim text, the paper's figure, gate text) is left out on purpose:
 * rewording a sentence does not change what is tested.
 */

export const PREREGISTRATION_SCHEMA = 'labbench.preregistration/v1';

/** Verdict settings of the report (claims.ts, paired-effect.ts); changing them changes every plan. */
export const ANALYSIS_DEFAULTS = {
  alpha: 0.05,
  families: 'Holm within the headline claims of the report (one per paper) and, separately, within the secondary claims',
  effectTest: 'paired effect over seeds (Student t over per-seed effects) plus a paired bootstrap over evaluation documents; log ratio for log-scale claims',
  resamples: 1000,
  verdictRule: 'invalid regime if a gate fails or is unmeasured; reproduced / not reproduced if p < alpha on the claimed / other side; inconclusive otherwise',
} as const;

export interface PlannedClaim {
  readonly id: string;
  readonly role: 'headline' | 'secondary';
  readonly board: string;
  readonly metric: string;
  readonly method: string;
  readonly baseline: string;
  readonly baselineMetric: string;
  readonly scale: 'linear' | 'log';
  /** Claims on a faceted board: which records each arm's value is the mean of (absent otherwise, so older plans keep their hash). */
  readonly facets?: StudyClaim['facets'];
  readonly baselineFacets?: StudyClaim['facets'];
  /** The gates the claim needs, resolved (all of the study's when it names none). */
  readonly gates: readonly string[];
}

/** A gate without its prose: the check and its threshold. */
export type PlannedGate = GateSpec extends infer G ? (G extends GateSpec ? Omit<G, 'text'> : never) : never;

export interface PlannedArm {
  readonly id: string;
  readonly role: 'study' | 'reference' | 'knockout';
  readonly spec: ArmSpec;
  readonly evaluators: readonly EvaluatorUse[];
}

export interface AnalysisSettings {
  readonly alpha: number;
  readonly families: string;
  readonly effectTest: string;
  readonly resamples: number;
  readonly verdictRule: string;
  /** The group-sequential design of `--until-decided` (designName), or null for a fixed number of seeds. */
  readonly sequential: string | null;
}

export interface AnalysisPlan {
  readonly study: string;
  readonly version: number;
  /** The profile's budgets as resolved (its description left out). */
  readonly profile: Omit<Profile, 'description'>;
  readonly claims: readonly PlannedClaim[];
  readonly gates: readonly PlannedGate[];
  readonly arms: readonly PlannedArm[];
  readonly analysis: AnalysisSettings;
  /** `git rev-parse HEAD` at registration. */
  readonly commit: string;
}

/** preregistration/<study>.json */
export interface Preregistration {
  readonly schema: typeof PREREGISTRATION_SCHEMA;
  /** sha256 of the plan's canonical JSON (hashJson). */
  readonly hash: string;
  readonly registeredAt: string;
  readonly commit: string;
  readonly profile: string;
  readonly plan: AnalysisPlan;
}

export interface PlanOptions {
  readonly profile: string;
  readonly commit: string;
  readonly sequential?: string | null;
}

/** The canonical analysis plan of one study under a profile, at a commit. */
export function analysisPlan(registry: Registry, study: StudyDefinition, options: PlanOptions): AnalysisPlan {
  const { description: _description, ...profile } = getProfile(options.profile);
  const claims = (study.claims ?? []).map((c): PlannedClaim => {
    const { gates, unknown } = claimGates(study, c);
    if (unknown.length > 0) throw new ConfigError(`study ${study.id} › claims.${c.id}.gates`, `names gate(s) ${unknown.join(', ')} that the study does not declare.`, "Declare them in the study's 'gates' before registering.");
    return { id: c.id, role: c.role, board: c.board, metric: c.metric, method: c.method, baseline: c.baseline, baselineMetric: c.baselineMetric ?? c.metric, scale: c.scale ?? 'linear', ...(c.facets ? { facets: c.facets, baselineFacets: c.baselineFacets ?? c.facets } : {}), gates: gates.map((g) => g.id) };
  });
  const gates = studyGates(study).map(({ text: _text, ...gate }) => gate as PlannedGate);
  // one seed gives each planned arm once; the seeds themselves are the profile's (or the design's)
  // sorted: the order of the study's `arms` keys runs nothing differently, so it must not change the hash
  const rank = { study: 0, reference: 1, knockout: 2 } as const;
  const arms = planStudies(registry, [study.id], getProfile(options.profile), 1)
    .map((c): PlannedArm => ({ id: c.armId, role: c.role ?? 'study', spec: c.arm, evaluators: c.evaluators }))
    .sort((x, y) => rank[x.role] - rank[y.role] || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { study: study.id, version: study.version, profile, claims, gates, arms, analysis: { ...ANALYSIS_DEFAULTS, sequential: options.sequential ?? null }, commit: options.commit };
}

/** The pre-registration hash: sha256 of the plan's canonical JSON (commit included). */
export const planHash = (plan: AnalysisPlan): string => hashJson(plan);

export function preregistration(plan: AnalysisPlan, registeredAt: string): Preregistration {
  return { schema: PREREGISTRATION_SCHEMA, hash: planHash(plan), registeredAt, commit: plan.commit, profile: plan.profile.name, plan };
}

/** Whether `plan` (built now) is the registered plan: compared at the registered commit, since the code moves on. */
export function matchesRegistration(registration: Preregistration, plan: AnalysisPlan): boolean {
  return planHash({ ...plan, commit: registration.commit }) === registration.hash;
}

const show = (v: unknown): string => {
  const text = v === undefined ? 'absent' : typeof v === 'string' ? `'${v}'` : canonicalJson(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Field-level differences of two JSON values: `path a → b`. */
function diffValues(path: string, a: unknown, b: unknown, out: string[]): void {
  const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffValues(path ? `${path}.${key}` : key, a[key], b[key], out);
  } else if (canonicalJson(a) !== canonicalJson(b)) {
    out.push(`${path} ${show(a)} → ${show(b)}`);
  }
}

/** Differences of two lists of items with ids: added, removed, and changed fields per item. */
function diffById<T extends { id: string }>(what: string, a: readonly T[], b: readonly T[], out: string[]): void {
  const before = new Map(a.map((x) => [x.id, x]));
  const after = new Map(b.map((x) => [x.id, x]));
  for (const [id, x] of before) {
    if (!after.has(id)) { out.push(`${what} '${id}' removed`); continue; }
    const fields: string[] = [];
    diffValues('', x, after.get(id), fields);
    if (fields.length > 0) out.push(`${what} '${id}': ${fields.join(', ')}`);
  }
  for (const id of after.keys()) if (!before.has(id)) out.push(`${what} '${id}' added`);
  const order = (xs: readonly T[]) => xs.map((x) => x.id).filter((id) => before.has(id) && after.has(id)).join(',');
  if (order(a) !== order(b)) out.push(`${what} order changed`);
}

/** What changed from the registered plan to this one, one phrase per claim, gate, arm or setting (commit left out). */
export function planChanges(registered: AnalysisPlan, now: AnalysisPlan): string[] {
  const out: string[] = [];
  if (registered.study !== now.study) out.push(`study '${registered.study}' → '${now.study}'`);
  if (registered.version !== now.version) out.push(`version ${registered.version} → ${now.version}`);
  diffValues('profile', registered.profile, now.profile, out);
  diffById('claim', registered.claims, now.claims, out);
  diffById('gate', registered.gates, now.gates, out);
  diffById('arm', registered.arms, now.arms, out);
  diffValues('analysis', registered.analysis, now.analysis, out);
  return out;
}

/**
 * What `labbench preregister` does with a study: register it (first time), keep the registration
 * (same plan), or register a new version and keep the old file as history. A changed plan under
 * the same version is refused: after a campaign starts, a change is a new study version.
 */
export function nextRegistration(existing: Preregistration | undefined, plan: AnalysisPlan, registeredAt: string, where: string): { action: 'registered' | 'unchanged' | 'new version'; registration: Preregistration; archiveVersion?: number } {
  if (!existing) return { action: 'registered', registration: preregistration(plan, registeredAt) };
  if (matchesRegistration(existing, plan)) return { action: 'unchanged', registration: existing };
  const changes = planChanges(existing.plan, plan).filter((c) => !c.startsWith('version '));
  const was = existing.plan.version;
  if (plan.version > was) return { action: 'new version', registration: preregistration(plan, registeredAt), archiveVersion: was };
  const what = plan.version < was ? `study ${plan.study} is at version ${plan.version}, below the registered v${was}` : `study ${plan.study} v${was} changed after pre-registration: ${changes.join('; ') || 'the plan differs'}`;
  throw new ConfigError(where, `${what}.`, `Bump the study's version (to ${was + 1}) to register the change as a new study version, or restore the registered definition.`);
}

/** Reads and checks a registration: its shape, and that the plan still hashes to the recorded hash (a hand edit does not). */
export function parsePreregistration(text: string, where: string): Preregistration {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(where, `not JSON: ${(error as Error).message}`, 'Restore the file from git, or delete it and run `labbench preregister` again.');
  }
  const r = value as Partial<Preregistration>;
  const plan = r?.plan as Partial<AnalysisPlan> | undefined;
  const ok = r?.schema === PREREGISTRATION_SCHEMA && typeof r.hash === 'string' && typeof r.registeredAt === 'string' && typeof r.commit === 'string' && typeof r.profile === 'string'
    && plan !== undefined && typeof plan.study === 'string' && Number.isInteger(plan.version) && Array.isArray(plan.claims) && Array.isArray(plan.gates) && Array.isArray(plan.arms) && typeof plan.analysis === 'object' && plan.commit === r.commit;
  if (!ok) throw new DataError(where, `is not a ${PREREGISTRATION_SCHEMA} file (schema, hash, registeredAt, commit, profile, plan).`, 'Restore the file from git, or delete it and run `labbench preregister` again.');
  const registration = r as Preregistration;
  const actual = planHash(registration.plan);
  if (actual !== registration.hash) throw new DataError(`${where} hash`, `the plan hashes to ${actual.slice(0, 12)}, not the recorded ${registration.hash.slice(0, 12)}: the file was edited by hand.`, 'Restore it from git; a changed plan is registered by bumping the study version and running `labbench preregister`.');
  return registration;
}

/** How the definition a report judges stands against its registration (the type of replication.json's `preregistration`). */
export type { PreregistrationState };

/**
 * The state of one study. The current plan is built under the registered profile and commit;
 * its sequential design is the one the published seeds were added under, else the registered
 * one (seeds added by looking must have been declared; fewer looks than declared cannot inflate
 * the false-positive rate, so they are not a change).
 */
export function preregistrationState(registry: Registry, study: StudyDefinition, registration: Preregistration | undefined, options: { sequential?: string } = {}): PreregistrationState {
  if (!registration) return { status: 'not pre-registered', hash: null, commit: null, registeredAt: null, profile: null, registeredVersion: null, studyVersion: study.version, changes: [] };
  const base = { hash: registration.hash, commit: registration.commit, registeredAt: registration.registeredAt, profile: registration.profile, registeredVersion: registration.plan.version, studyVersion: study.version };
  let changes: string[];
  try {
    const now = analysisPlan(registry, study, { profile: registration.profile, commit: registration.commit, sequential: options.sequential ?? registration.plan.analysis.sequential });
    const found = planChanges(registration.plan, now);
    changes = matchesRegistration(registration, now) ? [] : found.length > 0 ? found : ['the plan differs'];
  } catch (error) {
    changes = [`the current definition no longer plans: ${(error as Error).message.split('\n')[0]}`];
  }
  return { status: changes.length === 0 ? 'matches' : 'changed', ...base, changes };
}
