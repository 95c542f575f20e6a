/** Hash routes: #/runs, #/curves?runs=a,b, #/hparams, #/complexity?arch=resnet18-d2l, #/sweeps?sweep=a%2Fb, #/search?search=s. */

export type Tab = 'runs' | 'curves' | 'hparams' | 'sweeps' | 'search' | 'complexity';
export const TABS: { id: Tab; label: string }[] = [
  { id: 'runs', label: 'Runs' },
  { id: 'curves', label: 'Curves' },
  { id: 'hparams', label: 'Hyper-parameters' },
  { id: 'sweeps', label: 'Sweeps' },
  { id: 'search', label: 'Design space' },
  { id: 'complexity', label: 'Complexity' },
];

export interface Route {
  tab: Tab;
  runs: string[];
  arch: string | null;
  /** The sweep (its directory relative to the logdir) shown in the Sweeps tab. */
  sweep: string | null;
  /** The design-space search shown in the Design space tab. */
  search: string | null;
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
  const one = (key: string) => {
    const v = raw.get(key);
    return v ? decode(v) : null;
  };
  return { tab, runs, arch: one('arch'), sweep: one('sweep'), search: one('search') };
}

export function formatHash(route: Partial<Route> & { tab: Tab }): string {
  const parts: string[] = [];
  if (route.tab === 'curves' && route.runs?.length) parts.push(`runs=${route.runs.map((r) => encodeURIComponent(r)).join(',')}`);
  if (route.tab === 'complexity' && route.arch) parts.push(`arch=${encodeURIComponent(route.arch)}`);
  if (route.tab === 'sweeps' && route.sweep) parts.push(`sweep=${encodeURIComponent(route.sweep)}`);
  if (route.tab === 'search' && route.search) parts.push(`search=${encodeURIComponent(route.search)}`);
  return `#/${route.tab}${parts.length ? `?${parts.join('&')}` : ''}`;
}
