import { realpath } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';

/** An error with the HTTP status it should be answered with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The logdir's real path, resolved once it exists (null until then): the root
 * every request path is checked against.
 */
export function logdirRoot(logdir: string): () => Promise<string | null> {
  let root: string | null = null;
  return async () => {
    if (root) return root;
    try {
      root = await realpath(logdir);
    } catch {
      return null;
    }
    return root;
  };
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Checks a run name from a request (relative to the logdir, '/'-separated, '.' for the logdir itself)
 * and returns its real path. Absolute paths, '..' segments, backslashes, NUL bytes and paths whose real
 * location (after symlinks) is outside the logdir are refused with 403; paths that do not exist with 404.
 * `what` names the thing in messages ('run', 'sweep', 'search').
 */
export async function resolveRunPath(root: string, name: string, what = 'run'): Promise<string> {
  const What = what[0]!.toUpperCase() + what.slice(1);
  if (typeof name !== 'string' || name === '') throw new HttpError(400, `A ${what} name is required`);
  if (name.includes('\0')) throw new HttpError(403, `${What} names may not contain NUL bytes`);
  if (isAbsolute(name) || name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\\')) {
    throw new HttpError(403, `Refused: "${name}" is an absolute path; ${what} names are relative to the logdir`);
  }
  const segments = name.split('/');
  if (segments.includes('..')) throw new HttpError(403, `Refused: "${name}" leaves the logdir ('..')`);
  const candidate = name === '.' ? root : join(root, ...segments.filter((s) => s !== '' && s !== '.'));
  if (!isInside(root, candidate)) throw new HttpError(403, `Refused: "${name}" is outside the logdir`);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new HttpError(404, `Unknown ${what} "${name}"`);
  }
  if (!isInside(root, real)) throw new HttpError(403, `Refused: "${name}" points outside the logdir`);
  return real;
}
