import { main } from './main.js';

// The executable entry: run the CLI and exit with its code (main itself never exits, so tests can call it).
process.exitCode = undefined;
const code = await main(process.argv.slice(2));
process.exit(code);
