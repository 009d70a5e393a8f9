import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DataError, analysisPlan, designName, getProfile, nextRegistration, parsePreregistration, suggest, writeFileAtomic, type Preregistration, type Registry } from '@labbench/core';
import { loadContext } from './context.js';

/**
 * `labbench preregister`: freezes each study's analysis plan before a campaign, as
 * `preregistration/<study>.json` ({ hash, registeredAt, commit, profile, plan }) at the workspace
 * root, to be committed. Rerunning it keeps a registration whose plan is unchanged (with its
 * original commit and date), refuses a changed plan under the same study version (exit 2, naming
 * the change), and registers a bumped version anew, keeping the old file as `<study>.v<old>.json`.
 * The rule and the file format: docs/preregistration.md.
 */

/** Where registrations live, relative to the workspace root. */
export const PREREGISTRATION_DIR = 'preregistration';

const fileOf = (dir: string, study: string) => join(dir, `${study}.json`);
const historyOf = (dir: string, study: string, version: number) => join(dir, `${study}.v${version}.json`);

/** The current registrations in `dir` (history files `<study>.v<N>.json` left out); an absent folder is an empty map. */
export function readPreregistrations(dir: string): Map<string, Preregistration> {
  const out = new Map<string, Preregistration>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || /\.v\d+\.json$/.test(name)) continue;
    const registration = parsePreregistration(readFileSync(join(dir, name), 'utf8'), join(dir, name));
    if (`${registration.plan.study}.json` !== name) throw new DataError(join(dir, name), `holds the registration of study '${registration.plan.study}'.`, `Name it ${registration.plan.study}.json.`);
    out.set(registration.plan.study, registration);
  }
  return out;
}

export interface PreregisterOptions {
  readonly registry: Registry;
  readonly dir: string;
  readonly profile: string;
  /** Study ids; empty: every study with claims. */
  readonly studies: readonly string[];
  readonly commit: string;
  readonly now: string;
  readonly sequential?: string | null;
  readonly dryRun?: boolean;
}

export interface PreregisterOutcome {
  readonly study: string;
  readonly version: number;
  readonly action: 'registered' | 'unchanged' | 'new version';
  readonly hash: string;
  readonly commit: string;
  readonly file: string;
  /** The previous registration's new name, for a new version. */
  readonly history?: string;
}

/** Decides every study first (any refusal throws before a file is written), then writes. */
export function preregisterStudies(o: PreregisterOptions): PreregisterOutcome[] {
  const known = o.registry.ids('study');
  for (const id of o.studies) if (!o.registry.has('study', id)) throw new ConfigError(`--study ${id}`, `unknown study '${id}'.`, suggest(id, known));
  const ids = o.studies.length > 0 ? o.studies : known.filter((id) => (o.registry.get('study', id).claims ?? []).length > 0);
  const existing = readPreregistrations(o.dir);
  const decisions = ids.map((id) => {
    const study = o.registry.get('study', id);
    const plan = analysisPlan(o.registry, study, { profile: o.profile, commit: o.commit, sequential: o.sequential ?? null });
    return { id, ...nextRegistration(existing.get(id), plan, o.now, fileOf(o.dir, id)) };
  });
  const outcomes: PreregisterOutcome[] = [];
  for (const d of decisions) {
    const file = fileOf(o.dir, d.id);
    const history = d.archiveVersion === undefined ? undefined : historyOf(o.dir, d.id, d.archiveVersion);
    if (history && existsSync(history) && readFileSync(history, 'utf8') !== readFileSync(file, 'utf8')) {
      throw new DataError(history, `exists and differs from the registration of v${d.archiveVersion} it would keep.`, 'Two registrations of one version cannot both be history: restore the files from git.');
    }
    if (!o.dryRun && d.action !== 'unchanged') {
      if (history) writeFileAtomic(history, readFileSync(file));
      writeFileAtomic(file, `${JSON.stringify(d.registration, null, 2)}\n`);
    }
    outcomes.push({ study: d.id, version: d.registration.plan.version, action: d.action, hash: d.registration.hash, commit: d.registration.commit, file, ...(history ? { history } : {}) });
  }
  return outcomes;
}

/** The design string `labbench run --until-decided --max-seeds N` records in sequential.json, for the same N. */
export const untilDecidedDesign = (maxSeeds: number): string => designName({ maxSeeds, minSeeds: Math.min(2, maxSeeds) });

function gitHead(root: string): { commit: string; dirty: boolean } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no').length > 0 };
  } catch {
    throw new ConfigError(root, 'is not a git checkout with a commit: a pre-registration records the code commit.', 'Commit the code first (git commit), then run labbench preregister.');
  }
}

interface Flags {
  profile?: string;
  study?: string[];
  dir?: string;
  untilDecided?: boolean;
  maxSeeds?: string;
  dryRun?: boolean;
}

export function registerPreregister(program: Command): void {
  program
    .command('preregister')
    .description("Freeze each study's claims, gates, arms and analysis plan with the code commit in preregistration/<study>.json, before a campaign.")
    .option('--profile <name>', 'the campaign profile (default: $LABBENCH_PROFILE or quick)')
    .option('--study <id...>', 'study ids (default: every study with claims)')
    .option('--dir <folder>', `where registrations live (default: ${PREREGISTRATION_DIR}/ at the workspace root)`)
    .option('--until-decided', 'the campaign adds seeds with labbench run --until-decided: register its sequential design')
    .option('--max-seeds <n>', 'with --until-decided: the most seeds per study (default 8)')
    .option('--dry-run', 'say what would be registered; write nothing')
    .action(async (flags: Flags) => {
      const profile = getProfile(flags.profile ?? process.env.LABBENCH_PROFILE).name;
      if (flags.maxSeeds !== undefined && !flags.untilDecided) throw new ConfigError('--max-seeds', 'only means something with --until-decided.', 'Add --until-decided.');
      const maxSeeds = flags.maxSeeds === undefined ? 8 : Number(flags.maxSeeds);
      if (!Number.isInteger(maxSeeds) || maxSeeds < 1 || maxSeeds > 64) throw new ConfigError('--max-seeds', `expected an integer from 1 to 64, got '${flags.maxSeeds}'.`, 'Example: --max-seeds 8.');
      const { root, registry } = await loadContext();
      const { commit, dirty } = gitHead(root);
      const dir = resolve(flags.dir ?? join(root, PREREGISTRATION_DIR));
      const sequential = flags.untilDecided ? untilDecidedDesign(maxSeeds) : null;
      const outcomes = preregisterStudies({ registry, dir, profile, studies: flags.study ?? [], commit, now: new Date().toISOString(), sequential, dryRun: flags.dryRun ?? false });
      if (dirty) process.stderr.write('labbench: the working tree has uncommitted changes; the registration records HEAD and the plan as the sources define it now. Commit before a campaign.\n');
      const shown = (p: string) => relative(process.cwd(), p) || p;
      for (const o of outcomes) {
        const kept = o.history ? `; the previous registration is kept as ${shown(o.history)}` : '';
        process.stdout.write(`${flags.dryRun && o.action !== 'unchanged' ? 'would be ' : ''}${o.action}: ${o.study} v${o.version} under ${profile}, ${o.hash.slice(0, 12)} at commit ${o.commit.slice(0, 12)} (${shown(o.file)})${kept}\n`);
      }
      if (outcomes.length === 0) process.stdout.write('no study with claims to register.\n');
    });
}
