import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.LABBENCH_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why a browser test cannot run here (no Chromium at CHROMIUM), or false when it can: the browser
 * tests pass this as `skip`, so a machine without Chromium skips them with this sentence and any
 * other failure (a page error, a crash) still fails.
 */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM)
    ? false
    : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; npm test does this as root) or set LABBENCH_CHROMIUM to a Chromium binary.`;
}

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
