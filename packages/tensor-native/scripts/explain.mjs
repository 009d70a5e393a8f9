#!/usr/bin/env node
// Prints what to install for the native speed-up. Never fails: without it everything runs on wasm.
const reason = process.argv.slice(2).join(' ');
process.stderr.write(
  `@labbench/tensor-native: the optional OpenBLAS kernels were not built${reason ? ` (${reason})` : ''}.\n` +
    '  labbench works without them: it trains on the TensorFlow.js wasm backend.\n' +
    '  For the native speed-up (about 2-5x faster training on CPU), install a C compiler and a CBLAS,\n' +
    '  then rebuild:  sudo apt-get install -y build-essential pkg-config libopenblas-dev\n' +
    '                 npm rebuild @labbench/tensor-native\n',
);
process.exit(0);
