/** Hash routes: #/runs, #/curves?runs=a,b, #/hparams, #/complexity?arch=resnet18-d2l. */

export type Tab = 'runs' | 'curves' | 'hparams' | 'complexity';
export const TABS: { id: Tab; label: string }[] = [
  { id: 'runs', label: 'Runs' },
  { id: 'curves', label: 'Curves' },
  { id: 'hparams', label: 'Hyper-parameters' },
  { id: 'complexity', label: 'Complexity' },
];

export interface Route {
  tab: Tab;
  runs: string[];
  arch: string | null;
}

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const tab = (TABS.find((t) => t.id === path)?.id ?? 'runs') as Tab;
  // Raw values: run names are percent-encoded one by one, so a ',' inside a name stays apart from the separators.
  const raw = new Map(query.split('&').filter(Boolean).map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)] as const));
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  const runs = (raw.get('runs') ?? '').split(',').filter(Boolean).map(decode);
  const arch = raw.get('arch');
  return { tab, runs, arch: arch ? decode(arch) : null };
}

export function formatHash(route: Partial<Route> & { tab: Tab }): string {
  const parts: string[] = [];
  if (route.tab === 'curves' && route.runs?.length) parts.push(`runs=${route.runs.map((r) => encodeURIComponent(r)).join(',')}`);
  if (route.tab === 'complexity' && route.arch) parts.push(`arch=${encodeURIComponent(route.arch)}`);
  return `#/${route.tab}${parts.length ? `?${parts.join('&')}` : ''}`;
}
