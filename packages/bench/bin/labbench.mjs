#!/usr/bin/env node
// The labbench CLI runs its TypeScript sources through tsx (no build step to go stale).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
