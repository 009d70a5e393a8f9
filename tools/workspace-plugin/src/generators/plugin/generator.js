// Plain CommonJS so Nx can load it on Node 20 without a TypeScript loader.
const { generateFiles, names, joinPathFragments } = require('@nx/devkit');
const path = require('node:path');

/** Scaffolds plugins/<name>: a package that registers by existing (the registry finds its manifest). */
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
    paper: options.paper || `The paper behind ${options.name}`,
    tmpl: '',
  });
}

module.exports = pluginGenerator;
module.exports.default = pluginGenerator;
