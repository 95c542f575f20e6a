import type { FolderProblem } from './scan.js';

export type BadImagePolicy = 'skip' | 'fail';
export const BAD_IMAGE_POLICIES: readonly BadImagePolicy[] = Object.freeze(['skip', 'fail']);

/** One line per bad file, by path, for logs and errors (at most `limit` lines, then a count). */
export function formatBadImages(bad: readonly FolderProblem[], limit = 20): string {
  const lines = bad.slice(0, limit).map(({ path, reason }) => `  ${path}: ${reason}`);
  if (bad.length > limit) lines.push(`  … and ${bad.length - limit} more`);
  return lines.join('\n');
}

/**
 * Applies the policy: 'fail' throws naming every bad file; 'skip' reports the
 * count and the paths through `log` and goes on.
 */
export function applyBadImagePolicy(root: string, bad: readonly FolderProblem[], policy: BadImagePolicy, log: (message: string) => void): void {
  if (!BAD_IMAGE_POLICIES.includes(policy)) throw new Error(`on-bad-image must be skip or fail, got ${String(policy)}`);
  if (bad.length === 0) return;
  const list = formatBadImages(bad);
  if (policy === 'fail') {
    throw new Error(`folder data set ${root}: ${bad.length} bad file(s) (--on-bad-image fail; use skip to leave them out):\n${list}`);
  }
  log(`folder data set ${root}: skipped ${bad.length} bad file(s):\n${list}`);
}
