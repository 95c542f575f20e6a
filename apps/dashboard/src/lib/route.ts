/**
 * Hash routes: #/runs, #/curves?runs=a,b, #/hparams, #/complexity?arch=resnet18-d2l, #/sweeps?sweep=a%2Fb, #/search?search=s.
 * View state rides along so a reload or a shared link shows the same view: the run filter (`filter`, Runs and Curves),
 * the Runs table's expression filter (`where`), extra columns (`cols`) and grouping (`group`, also Curves' mean ± sd),
 * Curves' smoothing, horizontal axis (`x`) and tag filter (`tags`), and the Hyper-parameters tab's chosen axes (`axes`).
 */

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
  /** The run filter (a regular expression) shared by Runs and Curves. */
  filter?: string;
  /** The Runs table's expression filter, e.g. `lr<0.1 && val_acc>0.8`. */
  where?: string;
  /** Extra Runs table columns: config keys or metrics. */
  cols?: string[];
  /** A hyper-parameter to group runs by (Runs table groups, Curves mean ± sd per value). */
  group?: string;
  smoothing?: number;
  x?: XAxis;
  tags?: string;
  /** The axes of the Hyper-parameters tab's parallel coordinates (hyper-parameter names and metric keys). */
  axes?: string[];
}

export type XAxis = 'step' | 'relative' | 'wall';
const X_AXES: XAxis[] = ['step', 'relative', 'wall'];

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
  const route: Route = { tab, runs, arch: one('arch'), sweep: one('sweep'), search: one('search') };
  const filter = one('filter');
  if (filter) route.filter = filter;
  const where = one('where');
  if (where) route.where = where;
  const cols = (raw.get('cols') ?? '').split(',').filter(Boolean).map(decode);
  if (cols.length) route.cols = cols;
  const group = one('group');
  if (group) route.group = group;
  const smoothing = Number(one('smoothing'));
  if (one('smoothing') !== null && Number.isFinite(smoothing) && smoothing >= 0 && smoothing <= 0.99) route.smoothing = smoothing;
  const x = one('x') as XAxis | null;
  if (x && X_AXES.includes(x)) route.x = x;
  const tags = one('tags');
  if (tags) route.tags = tags;
  const axes = (raw.get('axes') ?? '').split(',').filter(Boolean).map(decode);
  if (axes.length) route.axes = axes;
  return route;
}

export function formatHash(route: Partial<Route> & { tab: Tab }): string {
  const parts: string[] = [];
  if (route.tab === 'curves' && route.runs?.length) parts.push(`runs=${route.runs.map((r) => encodeURIComponent(r)).join(',')}`);
  if (route.tab === 'complexity' && route.arch) parts.push(`arch=${encodeURIComponent(route.arch)}`);
  if (route.tab === 'sweeps' && route.sweep) parts.push(`sweep=${encodeURIComponent(route.sweep)}`);
  if (route.tab === 'search' && route.search) parts.push(`search=${encodeURIComponent(route.search)}`);
  const lists = route.tab === 'runs' || route.tab === 'curves';
  if (lists && route.filter) parts.push(`filter=${encodeURIComponent(route.filter)}`);
  if (lists && route.group) parts.push(`group=${encodeURIComponent(route.group)}`);
  if (route.tab === 'runs' && route.where) parts.push(`where=${encodeURIComponent(route.where)}`);
  if (route.tab === 'runs' && route.cols?.length) parts.push(`cols=${route.cols.map((c) => encodeURIComponent(c)).join(',')}`);
  if (route.tab === 'curves' && route.smoothing) parts.push(`smoothing=${route.smoothing}`);
  if (route.tab === 'curves' && route.x && route.x !== 'step') parts.push(`x=${route.x}`);
  if (route.tab === 'curves' && route.tags) parts.push(`tags=${encodeURIComponent(route.tags)}`);
  if (route.tab === 'hparams' && route.axes?.length) parts.push(`axes=${route.axes.map((a) => encodeURIComponent(a)).join(',')}`);
  return `#/${route.tab}${parts.length ? `?${parts.join('&')}` : ''}`;
}
