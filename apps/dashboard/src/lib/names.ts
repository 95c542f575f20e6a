/** Run names as charts show them: the folder all of them share dropped, long ones shortened in the middle. */

/** "a/very/long/name" → "a/ve…/name" keeping the start and the end (the end tells trials apart). */
export function middleEllipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const tail = Math.ceil(keep * 0.6);
  return `${text.slice(0, keep - tail)}…${text.slice(text.length - tail)}`;
}

/** Short names for runs shown together: the leading folders every one of them shares are left out, then each is cut to `max`. */
export function shortNames(names: readonly string[], max = 32): Map<string, string> {
  const parts = names.map((n) => n.split('/'));
  let common = 0;
  if (names.length > 1) {
    const first = parts[0]!;
    while (common < first.length - 1 && parts.every((p) => p.length - 1 > common && p[common] === first[common])) common++;
  }
  return new Map(names.map((n, i) => [n, middleEllipsis(parts[i]!.slice(common).join('/'), max)]));
}

/** Each run by its last path segment, with as many parent folders as tell it apart from the others ("trial-004", "a/seed-1"). */
export function leafNames(names: readonly string[], max = 24): Map<string, string> {
  const parts = names.map((n) => n.split('/'));
  const depth = parts.map(() => 1);
  const label = (i: number) => parts[i]!.slice(-depth[i]!).join('/');
  for (let changed = true; changed; ) {
    changed = false;
    const seen = new Map<string, number[]>();
    parts.forEach((_, i) => seen.set(label(i), [...(seen.get(label(i)) ?? []), i]));
    for (const same of seen.values()) {
      if (same.length < 2) continue;
      for (const i of same) if (depth[i]! < parts[i]!.length) (depth[i]!++, (changed = true));
    }
  }
  return new Map(names.map((n, i) => [n, middleEllipsis(label(i), max)]));
}
