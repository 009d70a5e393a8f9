import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { check, ConfigError, DataError, formatNumber, judgeReport, preregistrationState, sequentialRecords, type JudgeOptions, type Preregistration, type PreregistrationState, type StudySeedPlan, type Registry, type ReplicationEntry, type ReplicationFile, type ReportStudy, type ResultRecord, type StudyClaim, type Verdict, tallyVerdicts } from '@labbench/core';

/**
 * The replication report: replication.json (one entry per claim, checked against core's schema)
 * and REPLICATION.md rendered from the same entries. The statistics live in core (claims.ts,
 * paired-effect.ts, gates.ts); this file only collects studies and writes text.
 */

const ALPHA = 0.05;

/** Every registered study with the title of the paper it tests. */
export function reportStudies(registry: Registry): ReportStudy[] {
  const out: ReportStudy[] = [];
  const seen = new Set<string>();
  for (const { plugin, origin } of registry.plugins) {
    for (const study of plugin.studies ?? []) {
      seen.add(study.id);
      out.push({ study, paper: origin.manifest.paper?.title ?? study.paper?.title ?? plugin.id, plugin: plugin.id });
    }
  }
  // studies registered some other way (a test registry) still get judged
  for (const id of registry.ids('study')) {
    if (seen.has(id)) continue;
    const study = registry.get('study', id);
    out.push({ study, paper: study.paper?.title ?? id, plugin: null });
  }
  return out;
}

/** Options of replicationFile: the judge's, and the registrations of `preregistration/` (docs/preregistration.md). */
export type ReplicationOptions = JudgeOptions & { readonly preregistrations?: ReadonlyMap<string, Preregistration> };

/** The whole replication.json; throws a DataError if it would not pass its own schema. */
export function replicationFile(registry: Registry, records: readonly ResultRecord[], options: ReplicationOptions = {}): ReplicationFile {
  const studies = reportStudies(registry);
  for (const { study } of studies) {
    (study.claims ?? []).forEach((c, i) => {
      const missing = (['id', 'role', 'paper'] as const).filter((k) => c[k] === undefined);
      if (missing.length > 0) throw new ConfigError(`study ${study.id} › claims[${i}]`, `claim '${c.text}' has no ${missing.join(', ')}.`, "Give every claim an id, a role ('headline' or 'secondary') and the paper's figure ({ figure, source }).");
    });
  }
  // Holm's headline family is one claim per paper: a second headline would tilt the correction
  const headlines = new Map<string, string[]>();
  for (const { study, paper } of studies) for (const c of study.claims ?? []) if (c.role === 'headline') headlines.set(paper, [...(headlines.get(paper) ?? []), `${study.id}/${c.id}`]);
  for (const [paper, ids] of headlines) {
    if (ids.length > 1) throw new ConfigError(`paper '${paper}'`, `has ${ids.length} headline claims (${ids.join(', ')}).`, "Keep one headline claim per paper and make the others 'secondary'.");
  }
  const judged = judgeReport(studies, records, { alpha: ALPHA, ...options });
  // each study's pre-registration state, once per study, on every one of its entries
  const states = new Map<string, PreregistrationState>();
  if (options.preregistrations) {
    for (const { study } of studies) states.set(study.id, preregistrationState(registry, study, options.preregistrations.get(study.id), { sequential: options.sequential?.get(study.id)?.design }));
  }
  const entries = judged.map((e) => (states.has(e.study) ? { ...e, preregistration: states.get(e.study)! } : e));
  const measured = new Set(records.map((r) => r.study));
  const dates = records.map((r) => r.provenance.date).sort();
  const file: ReplicationFile = {
    schema: 'labbench.replication/v1',
    generated: dates[dates.length - 1] ?? 'never',
    profiles: [...new Set(records.map((r) => r.provenance.profile))].sort(),
    alpha: options.alpha ?? ALPHA,
    entries,
    // a study without claims has nothing to judge (a campaign does not even plan it: `dial-mae-sweep`)
    notRun: studies.filter((s) => (s.study.claims?.length ?? 0) > 0).map((s) => s.study.id).filter((id) => !measured.has(id)),
  };
  const problems = check('replication', file);
  if (problems.length > 0) throw new DataError('replication.json', `does not match its schema: ${problems.slice(0, 3).join('; ')}`, 'This is a bug in the statistics code: report it with the results file.');
  return file;
}

/**
 * The sequential designs of `labbench run --until-decided` runs: the `sequential.json` beside
 * each results file (its last round's plans). A plan counts only if the records hold exactly the
 * seeds it was made at; otherwise the records changed after the run, its stage-wise p no longer
 * applies, and publishing stops with a DataError rather than report a fixed-sample p for seeds
 * that were added by looking.
 */
export function readSequential(resultFiles: readonly string[], records: readonly ResultRecord[]): NonNullable<JudgeOptions['sequential']> {
  const plans = new Map<string, { plan: StudySeedPlan; file: string }>();
  for (const results of resultFiles) {
    const file = join(dirname(results), 'sequential.json');
    if (!existsSync(file)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DataError(file, `not JSON: ${(error as Error).message}`, 'Rerun `labbench run --until-decided`, or delete the file to publish without its design.');
    }
    const list = (parsed as { plans?: unknown }).plans;
    const valid = (p: Partial<StudySeedPlan>) => typeof p.study === 'string' && Number.isInteger(p.seeds) && typeof p.design === 'string' && Number.isInteger(p.looks) && typeof p.alpha === 'number' && Number.isInteger(p.maxSeeds) && (p.decision === 'add seed' || p.decision === 'stop') && Array.isArray(p.claims)
      && p.claims.every((c) => typeof c.claim === 'string' && (c.sequentialP === null || typeof c.sequentialP === 'number'));
    if (!Array.isArray(list) || !list.every(valid)) throw new DataError(`${file} plans`, 'is not a list of sequential plans (study, seeds, looks, design, alpha, maxSeeds, decision, claims).', 'Rerun `labbench run --until-decided`, or delete the file.');
    for (const plan of list as StudySeedPlan[]) {
      const other = plans.get(plan.study);
      if (other) throw new DataError(file, `study ${plan.study} also has a sequential plan in ${other.file}.`, 'Publish the runs of one --until-decided campaign per study.');
      const seeds = new Set(records.filter((r) => r.study === plan.study).map((r) => r.seed)).size;
      if (seeds !== plan.seeds) throw new DataError(`${file} (study ${plan.study})`, `the plan was made at ${plan.seeds} seeds but the records hold ${seeds}.`, 'Rerun `labbench run --until-decided` on these records (cached cells are reused), or delete the file.');
      plans.set(plan.study, { plan, file });
    }
  }
  return sequentialRecords([...plans.values()].map((p) => p.plan));
}

/** replication.json's text. */
export function replicationJson(file: ReplicationFile): string {
  return JSON.stringify(file, null, 1) + '\n';
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '-' : formatNumber(Number(x.toPrecision(3))));
const fmtP = (p: number | null) => (p === null ? '-' : p < 0.001 ? p.toExponential(1) : p.toFixed(3));
const better = (d: ReplicationEntry['direction']) => (d === 'higher' ? 'higher is better' : d === 'lower' ? 'lower is better' : 'no direction');

/**
 * The facets that tell a claim's two sides apart (`task A` vs `task B-para, B-summ`), for claims
 * on a faceted board; facets both sides share (the same detector list) would only be noise.
 */
export function facetDifference(e: Pick<ReplicationEntry, 'facets'>): { method: string; baseline: string } {
  if (!e.facets) return { method: '', baseline: '' };
  const text = (v: string | readonly string[] | undefined) => (v === undefined ? 'any' : typeof v === 'string' ? v : v.join(', '));
  const keys = [...new Set([...Object.keys(e.facets.method), ...Object.keys(e.facets.baseline)])].sort();
  const differing = keys.filter((k) => text(e.facets!.method[k]) !== text(e.facets!.baseline[k]));
  const side = (filter: Record<string, string | readonly string[]>) => differing.map((k) => `${k} ${text(filter[k])}`).join('; ');
  return { method: side(e.facets.method), baseline: side(e.facets.baseline) };
}

function comparison(e: ReplicationEntry): string {
  const facets = facetDifference(e);
  const side = (arm: string, metric: string, facet: string, mean: number | null) => `${arm} \`${metric}\`${facet ? ` (${facet})` : ''} ${fmt(mean)}`;
  return `${side(e.methodArm, e.metric, facets.method, e.methodMean)} vs ${side(e.baselineArm, e.baselineMetric, facets.baseline, e.baselineMean)}${e.direction === null ? '' : ` (${better(e.direction)})`}`;
}

function effectText(e: ReplicationEntry): string {
  if (e.effect === null) return '-';
  if (e.ratio) return `×${fmt(e.ratio.value)} [${fmt(e.ratio.low)}, ${fmt(e.ratio.high)}]`;
  const interval = e.interval ? ` [${fmt(e.interval[0])}, ${fmt(e.interval[1])}]` : ' (no interval)';
  return `${fmt(e.effect)}${interval}`;
}

function paperText(e: ReplicationEntry): string {
  const f = e.paperFigure;
  return `${f.figure} (${f.source})${f.effect !== undefined ? `; effect ${fmt(f.effect)}` : ''}`;
}

function gatesText(e: ReplicationEntry): string {
  if (e.gates.length === 0) return 'none';
  return e.gates.map((g) => `${g.gate} ${g.measured === null ? 'not measured' : fmt(g.measured)} ${g.comparison} ${fmt(g.threshold)} ${g.passed === true ? '✓' : '✗'}`).join('<br>');
}

/** Why the raw verdict is what it is, without the verdict's name the reason starts with. */
function reasonOf(e: ReplicationEntry): string {
  return e.reason.startsWith(`${e.verdict}: `) ? e.reason.slice(e.verdict.length + 2) : e.reason;
}

function verdictText(e: ReplicationEntry): string {
  const corrected = e.correctedVerdict === e.verdict ? '' : ` → **${e.correctedVerdict}** (Holm)`;
  return `**${e.verdict}**${corrected}: ${reasonOf(e)}`;
}

const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** One line per study: its pre-registration (short hash, commit, date) and whether the judged definition still matches it. */
export function preregistrationLine(study: string, p: PreregistrationState, profiles: readonly string[]): string {
  if (p.status === 'not pre-registered' || p.hash === null) return `- \`${study}\` v${p.studyVersion}: not pre-registered.`;
  const where = `\`${p.hash.slice(0, 12)}\` (commit \`${(p.commit ?? '').slice(0, 12)}\`, ${(p.registeredAt ?? '').slice(0, 10)}, profile ${p.profile})`;
  const otherProfile = p.profile !== null && profiles.length > 0 && !profiles.includes(p.profile) ? `; registered for profile ${p.profile}, these results are from ${profiles.join(', ')}` : '';
  if (p.status === 'matches') return `- \`${study}\` v${p.studyVersion}: matches pre-registration ${where}${otherProfile}.`;
  const shown = p.changes.slice(0, 5).join('; ') + (p.changes.length > 5 ? `; and ${p.changes.length - 5} more` : '');
  const bumped = p.registeredVersion !== null && p.studyVersion > p.registeredVersion;
  const status = bumped
    ? `changed after pre-registration (study version ${p.studyVersion}, registered v${p.registeredVersion}): reported as a new study version`
    : `changed after pre-registration (study version ${p.studyVersion}, registered v${p.registeredVersion}) without a version bump: these verdicts test a plan that was not registered`;
  return `- \`${study}\` v${p.studyVersion}: ${status}. Registered ${where}; changed: ${esc(shown)}${otherProfile}.`;
}

/** "reproduced 2, invalid regime 5": the entries' corrected verdicts, in the schema's order. */
function verdictCounts(entries: readonly ReplicationEntry[]): string {
  return tallyVerdicts(entries.map((e) => e.correctedVerdict)).map(([v, n]) => `${v} ${n}`).join(', ') || 'none';
}

/**
 * The report's first section: each paper's headline claim with its corrected verdict and, for an
 * invalid regime, the gate that failed; then the counts over every claim judged. What a reader
 * comes for, before the rule and the tables that back it.
 */
function atAGlance(file: ReplicationFile): string[] {
  const notRun = new Set(file.notRun);
  const judged = file.entries.filter((e) => !notRun.has(e.study));
  if (judged.length === 0) return [];
  const headlines = judged.filter((e) => e.role === 'headline');
  // an invalid regime's reason names the failed gate, measured against what it needs (core's gates.ts)
  const why = (e: ReplicationEntry) => (e.correctedVerdict === 'invalid regime' ? `gate ${reasonOf(e)}` : `${effectText(e)}, p ${fmtP(e.p)}${e.pHolm !== null && e.pHolm !== e.p ? `, Holm ${fmtP(e.pHolm)}` : ''}`);
  const others = file.notRun.length > 0 ? ` Not run: ${file.notRun.length} ${file.notRun.length === 1 ? 'study' : 'studies'} (at the end).` : '';
  return [
    '## At a glance',
    '',
    '| paper | headline claim | verdict (Holm) | why |',
    '| --- | --- | --- | --- |',
    ...headlines.map((e) => `| ${esc(e.paper)} | \`${e.study}/${e.claim}\`: ${esc(e.text)} | **${e.correctedVerdict}** | ${esc(why(e))} |`),
    '',
    `Corrected verdicts of the ${judged.length} claims judged: headline ${verdictCounts(headlines)}; secondary ${verdictCounts(judged.filter((e) => e.role !== 'headline'))}.${others}`,
    '',
  ];
}

/** REPLICATION.md: the verdict rule, then per paper its claims, then the studies not run. */
export function replicationMarkdown(file: ReplicationFile, records: number, preview = false): string {
  const lines = [
    '# Replication report',
    '',
    ...(preview ? [`> **preview: no verdicts.** Published from a ${file.profiles.join(' + ')} run: its models are too small and its seeds too few for any claim's gates; the verdicts below show what the pipeline computes, not what the papers' claims are worth.`, ''] : []),
    `Generated by \`labbench publish\` from ${records} result records (profile: ${file.profiles.join(', ') || 'none'}); machine-readable: [replication.json](replication.json).`,
    '',
    ...atAGlance(file),
    '## How to read a verdict',
    '',
    'Each claim compares a method arm with a baseline arm at the same seeds. The **effect** is method − baseline',
    '(for ratio-like metrics such as perplexity, the ratio method / baseline, tested as a log ratio so its interval',
    `never crosses zero). Its 95% interval and p-value carry two sources of noise: seeds (Student's t over the`,
    'per-seed effects) and evaluation documents (a paired bootstrap over documents, when the evaluator records',
    'per-document values); see docs/statistics.md.',
    '',
    '- **invalid regime**: a validity gate of the claim failed or could not be measured, so this regime cannot test',
    '  it; the gate, its measured value and what it needs are shown. Gates are fixed before a run.',
    `- **reproduced**: p < ${file.alpha} and the effect lies on the side the paper claims; **not reproduced**: p < ${file.alpha} on the other side.`,
    '- **inconclusive**: neither (one seed, or an interval that includes 0); the MDE is the smallest effect these',
    '  seeds detect with 80% power, so an inconclusive claim with a small MDE is a small effect, a large MDE too few seeds.',
    '- **Holm**: the raw verdict tests each claim alone; the corrected one (→ Holm) adjusts p across the headline',
    '  claims of this report (one per paper) and, as a separate family, across the secondary claims.',
    "- **SNR**: |effect| over the standard deviation of one seed's effect: below about 1, a metric cannot decide",
    '  anything at this scale with a few seeds.',
    ...(file.entries.some((e) => e.preregistration) ? [
      "- **Pre-registration**: each study's claims, gates, arms and analysis settings were frozen and hashed with the",
      '  code commit before the campaign (`labbench preregister`, docs/preregistration.md); each paper says whether the',
      '  definition judged here still matches that plan. A change after registration is a new study version.',
    ] : []),
    '',
  ];
  const byPaper = new Map<string, ReplicationEntry[]>();
  const notRun = new Set(file.notRun);
  for (const e of file.entries) {
    if (notRun.has(e.study)) continue;
    byPaper.set(e.paper, [...(byPaper.get(e.paper) ?? []), e]);
  }
  for (const [paper, entries] of byPaper) {
    const studies = [...new Set(entries.map((e) => e.study))];
    lines.push(`## ${paper}`, '', `Studies: ${studies.map((s) => `\`${s}\``).join(', ')}.`, '');
    const registered = studies.flatMap((s) => { const state = entries.find((e) => e.study === s)?.preregistration; return state ? [preregistrationLine(s, state, file.profiles)] : []; });
    if (registered.length > 0) lines.push(...registered, '');
    lines.push('| claim | comparison | paper | effect [95% CI] | p | p (Holm) | seeds | MDE | SNR | gates | verdict |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const e of [...entries].sort((a, b) => Number(b.role === 'headline') - Number(a.role === 'headline'))) {
      const docs = e.documents !== null ? ` (${e.documents} docs)` : '';
      lines.push(`| ${e.role === 'headline' ? '**headline**' : 'secondary'} \`${e.claim}\`: ${esc(e.text)} | ${esc(comparison(e))} | ${esc(paperText(e))} | ${effectText(e)} | ${fmtP(e.p)} | ${fmtP(e.pHolm)} | ${e.seeds}${docs} | ${fmt(e.mde)}${e.ratio && e.mde !== null ? ' (log)' : ''} | ${fmt(e.snr)} | ${gatesText(e)} | ${esc(verdictText(e))} |`);
    }
    lines.push('');
  }
  if (file.notRun.length > 0) {
    lines.push('## Not run', '', `No result records for: ${file.notRun.map((s) => `\`${s}\``).join(', ')}.`, '');
  }
  const states = new Map(file.entries.flatMap((e) => (e.preregistration && !notRun.has(e.study) ? [[e.study, e.preregistration.status] as const] : [])));
  if (states.size > 0) {
    const tally = (['matches', 'changed', 'not pre-registered'] as const).map((s) => [s, [...states.values()].filter((v) => v === s).length] as const).filter(([, n]) => n > 0);
    lines.push('## Pre-registration', '', `Pre-registration of the ${states.size} studies judged: ${tally.map(([s, n]) => `${s} ${n}`).join(', ')}.`, '');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The earlier interface (ClaimResult, judgeAll, replicationReport), kept so the page code that
// still calls it builds while it moves to ReplicationEntry (claims-view.ts rowsFromEntries).

export interface ClaimResult {
  readonly study: string;
  readonly claim: StudyClaim;
  readonly verdict: Verdict;
  readonly seeds: number;
  readonly method?: number;
  readonly baseline?: number;
  readonly difference?: { mean: number; ciLow: number; ciHigh: number };
  readonly direction?: 'higher' | 'lower' | 'none';
}

/** @deprecated Use replicationFile(...).entries. The corrected verdict and interval of each claim. */
export function judgeAll(registry: Registry, records: readonly ResultRecord[]): ClaimResult[] {
  const claims = new Map(reportStudies(registry).flatMap(({ study }) => (study.claims ?? []).map((c) => [`${study.id}/${c.id}`, c] as const)));
  return replicationFile(registry, records).entries.map((e) => ({
    study: e.study, claim: claims.get(`${e.study}/${e.claim}`)!, verdict: e.correctedVerdict, seeds: e.seeds,
    ...(e.methodMean !== null ? { method: e.methodMean } : {}), ...(e.baselineMean !== null ? { baseline: e.baselineMean } : {}),
    ...(e.effect !== null && e.interval ? { difference: { mean: e.effect, ciLow: e.interval[0], ciHigh: e.interval[1] } } : {}),
    ...(e.direction !== null ? { direction: e.direction } : {}),
  }));
}

/** @deprecated Use replicationMarkdown(replicationFile(...)). */
export function replicationReport(registry: Registry, records: readonly ResultRecord[], _claims?: readonly ClaimResult[]): string {
  return replicationMarkdown(replicationFile(registry, records), records.length);
}
