// Plain CommonJS so Nx can load it on Node 20 without a TypeScript loader.
const { generateFiles, names, joinPathFragments, updateJson } = require('@nx/devkit');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * Scaffolds plugins/<name>: a package that registers by existing (the registry finds its manifest),
 * with a working example model on the reference decoder, a study with one claim, a README and
 * contract tests. After the files are written it records the package in package-lock.json (so the
 * next `npm ci` succeeds) and compiles it (so `labbench` runs from dist/ right away).
 */
async function pluginGenerator(tree, options) {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(options.name)) {
    throw new Error(`plugin name '${options.name}' must be kebab-case (lower-case letters, digits, dashes), e.g. my-moe.`);
  }
  const target = joinPathFragments('plugins', options.name);
  if (tree.exists(joinPathFragments(target, 'package.json'))) {
    throw new Error(`${target} already exists; choose another name.`);
  }
  const n = names(options.name);
  generateFiles(tree, path.join(__dirname, 'files'), target, {
    ...n,
    id: options.name,
    paper: (options.paper || `The paper behind ${options.name}`).replace(/["\\]/g, ''),
    tmpl: '',
  });
  // tsx (tests, the CLI from sources) resolves workspace packages through these paths
  if (tree.exists('tsconfig.base.json')) {
    updateJson(tree, 'tsconfig.base.json', (base) => {
      const paths = { ...base.compilerOptions?.paths, [`@labbench/plugin-${options.name}`]: [`./${target}/src/index.ts`] };
      base.compilerOptions = { ...base.compilerOptions, paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))) };
      return base;
    });
  }
  return () => afterWrite(tree.root, target, options);
}

/** Runs once the files are on disk (not in dry runs): lockfile entry, then a build of the package. */
function afterWrite(root, target, options) {
  const run = (command, args, what) => {
    const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.status !== 0) throw new Error(`${what} failed (${command} ${args.join(' ')}); fix it and rerun that command.`);
  };
  // A workspace copy whose node_modules links to another tree's (tests do that) must not run npm:
  // it would relink that tree's packages to the copy.
  const linkedModules = fs.existsSync(path.join(root, 'node_modules')) && fs.lstatSync(path.join(root, 'node_modules')).isSymbolicLink();
  if (linkedModules && !options.skipInstall)
    console.warn('plugin generator: node_modules is a link to another tree; skipping npm install (run it in that tree).');
  if (!options.skipInstall && !linkedModules) {
    // Records the workspace package in package-lock.json without touching node_modules (a full
    // `npm install` would also add optional packages `npm ci` left out, such as tfjs-node), then
    // links it into node_modules as npm would, so it resolves by name at once.
    run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], 'updating package-lock.json');
    const link = path.join(root, 'node_modules', '@labbench', `plugin-${options.name}`);
    if (!fs.existsSync(link)) {
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.relative(path.dirname(link), path.join(root, target)), link, 'junction');
    }
  }
  if (!options.skipBuild) {
    // Only a speed-up (labbench runs the sources while a package has no current dist/), so a
    // failure is reported, not fatal: the contract tests and `npm run typecheck` say what is wrong.
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-b', joinPathFragments(target, 'tsconfig.lib.json')], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0)
      console.warn(`plugin generator: ${target} did not compile cleanly (above); labbench runs its sources until \`npm run build\` succeeds.`);
  }
}

module.exports = pluginGenerator;
module.exports.default = pluginGenerator;
module.exports.afterWrite = afterWrite;
