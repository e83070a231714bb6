/** Where the end-to-end suite finds its tools, the product and the datasets. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const datasetsDir = resolve(repoRoot, '..', 'shared', 'datasets');
/** Screenshots that pass their checks are copied here for the README. */
export const screenshotsDir = join(repoRoot, 'media', 'screenshots');
/** Everything a run writes: logs, failure screenshots, the throwaway profile. */
export const runDir = join(repoRoot, 'test', 'tmp', 'e2e');
export const vsixPath = process.env.INFLUENCE_LENS_VSIX ?? join(repoRoot, 'dist-vsix', 'influence-lens.vsix');

/** Same default as scripts/install-e2e.sh. */
export function toolsDir(): string {
  return process.env.INFLUENCE_LENS_E2E_DIR ?? join(homedir(), '.cache', 'influence-lens-e2e');
}

export const chromiumPath = process.env.INFLUENCE_LENS_CHROMIUM ?? '/usr/bin/chromium';
