// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiagnosisResponse, RunSummary, ScalarsResponse } from '../server/types.js';
import App from '../src/App.svelte';
import BottleneckCalc from '../src/components/BottleneckCalc.svelte';
import CurvesView from '../src/components/CurvesView.svelte';
import GroupedCalc from '../src/components/GroupedCalc.svelte';
import LineChart from '../src/components/LineChart.svelte';
import ParallelCoords from '../src/components/ParallelCoords.svelte';
import RunsTable from '../src/components/RunsTable.svelte';

function run(name: string, o: Partial<RunSummary> = {}): RunSummary {
  return {
    name, kind: 'cnnlab', arch: 'lenet', status: 'finished', epochs: 10, epochsPlanned: 10, bestEpoch: 4, bestValAcc: 0.75, bestValLoss: 0.6,
    testAcc: null, split: 'seeded', params: 61706, imagesPerSecond: 1200, startedAt: '2025-01-02T03:04:05.000Z', tags: ['train/loss', 'val/loss'], lastStep: 10,
    lastWallTime: 1_735_787_045, eventFiles: 1, cursor: 'x.1', roles: { trainLoss: 'train/loss', valLoss: 'val/loss' }, warnings: [], fit: null, seedGroup: null, ...o,
  };
}

const RUNS = [
  run('b-resnet', { arch: 'resnet18-d2l', bestValAcc: 0.9, params: 11_178_378, startedAt: '2025-01-03T00:00:00.000Z' }),
  run('a-lenet', { status: 'running', bestValAcc: 0.7 }),
  run('pytorch/exp', { kind: 'tensorboard', arch: null, status: 'unknown', bestValAcc: null, params: null, tags: ['Loss/train', 'Loss/val'], startedAt: '2024-12-01T00:00:00.000Z', warnings: ['damaged'] }),
];

const names = () => screen.getAllByTestId('run-row').map((r) => r.getAttribute('data-run'));

describe('RunsTable', () => {
  const props = () => ({ runs: RUNS, selected: [], onToggle: vi.fn(), onOpen: vi.fn(), onCompare: vi.fn() });

  it('lists the runs newest first, with architecture and status', () => {
    render(RunsTable, props());
    expect(names()).toEqual(['b-resnet', 'a-lenet', 'pytorch/exp']);
    const rows = screen.getAllByTestId('run-row');
    expect(within(rows[0]!).getByTestId('run-arch').textContent).toBe('resnet18-d2l');
    expect(within(rows[1]!).getByTestId('status').textContent).toBe('running');
    expect(within(rows[2]!).getByTestId('run-arch').textContent).toBe('–');
    expect(rows[2]!.textContent).toContain('TensorBoard · 2 tags');
    expect(within(rows[2]!).getByTestId('run-warning').getAttribute('title')).toBe('damaged');
  });

  it('sorts by a clicked column, both ways, missing values last', async () => {
    render(RunsTable, props());
    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(names()).toEqual(['a-lenet', 'b-resnet', 'pytorch/exp']);
    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(names()).toEqual(['pytorch/exp', 'b-resnet', 'a-lenet']);
    await fireEvent.click(screen.getByTestId('sort-bestValAcc'));
    expect(names()).toEqual(['b-resnet', 'a-lenet', 'pytorch/exp']);
    await fireEvent.click(screen.getByTestId('sort-bestValAcc'));
    expect(names()).toEqual(['a-lenet', 'b-resnet', 'pytorch/exp']);
  });

  it('filters by a regular expression on name, architecture or status', async () => {
    render(RunsTable, props());
    const filter = screen.getByTestId('runs-filter');
    await fireEvent.input(filter, { target: { value: 'resnet' } });
    expect(names()).toEqual(['b-resnet']);
    await fireEvent.input(filter, { target: { value: '^pytorch/' } });
    expect(names()).toEqual(['pytorch/exp']);
    await fireEvent.input(filter, { target: { value: 'running|^b-' } });
    expect(names()).toEqual(['b-resnet', 'a-lenet']);
    await fireEvent.input(filter, { target: { value: 'RUNNING' } });
    expect(names()).toEqual(['a-lenet']);
    expect(screen.getByTestId('runs-count').textContent).toBe('1 of 3 runs');
    await fireEvent.input(filter, { target: { value: 'nothing-like-this' } });
    expect(screen.queryAllByTestId('run-row')).toHaveLength(0);
    await fireEvent.input(filter, { target: { value: 'lenet(' } });
    expect(screen.getByTestId('runs-filter-error').textContent).toMatch(/Not a valid regular expression/);
  });

  it('opens a run and toggles selections', async () => {
    const p = props();
    render(RunsTable, p);
    await fireEvent.click(screen.getAllByTestId('run-link')[1]!);
    expect(p.onOpen).toHaveBeenCalledWith('a-lenet');
    await fireEvent.click(screen.getByLabelText('Select pytorch/exp'));
    expect(p.onToggle).toHaveBeenCalledWith('pytorch/exp');
  });

  it('shows config keys and metrics as columns, filters by an expression over them, groups by a hyper-parameter', async () => {
    const hparams = {
      hparams: [{ name: 'optimizer.lr', type: 'number', values: [0.01, 0.1] }, { name: 'optimizer.name', type: 'string', values: ['adam', 'sgd'] }],
      metrics: ['final_val_loss'],
      runs: [
        { run: 'b-resnet', arch: 'resnet18-d2l', status: 'finished', source: 'config', hparams: { 'optimizer.lr': 0.01, 'optimizer.name': 'adam' }, metrics: { final_val_loss: 0.3 } },
        { run: 'a-lenet', arch: 'lenet', status: 'running', source: 'config', hparams: { 'optimizer.lr': 0.1, 'optimizer.name': 'sgd' }, metrics: { final_val_loss: 0.7 } },
      ],
    };
    const fetchMock = mockApi({ '/api/hparams': hparams });
    render(RunsTable, { ...props(), extraColumns: ['lr'] });
    await waitFor(() => expect(screen.getAllByTestId('extra-cell').map((c) => c.textContent)).toEqual(['0.01', '0.1', '–']));
    expect(fetchMock).toHaveBeenCalledWith('/api/hparams', expect.anything());
    const where = screen.getByTestId('runs-where');
    await fireEvent.input(where, { target: { value: 'lr<0.05 && val_acc>0.8' } });
    expect(names()).toEqual(['b-resnet']);
    await fireEvent.input(where, { target: { value: 'optimizer.name == "sgd" || !lr' } });
    expect(names()).toEqual(['a-lenet', 'pytorch/exp']);
    await fireEvent.input(where, { target: { value: 'lr <' } });
    expect(screen.getByTestId('runs-where-error').textContent).toMatch(/ends too early/);
    await fireEvent.input(where, { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('sort-x:lr'));
    expect(names()).toEqual(['a-lenet', 'b-resnet', 'pytorch/exp']);
    await fireEvent.change(screen.getByTestId('runs-group-by'), { target: { value: 'optimizer.name' } });
    await waitFor(() => expect(screen.getAllByTestId('group-row').map((g) => g.getAttribute('data-group'))).toEqual(['sgd', 'adam', '(none)']));
  });

  it('renders only the rows in view of 10,000 runs', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => run(`r${String(i).padStart(5, '0')}`, { startedAt: null }));
    render(RunsTable, { ...props(), runs: many });
    const rows = screen.getAllByTestId('run-row');
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.length).toBeLessThan(80);
    expect(screen.getByTestId('runs-count').textContent).toBe('10000 of 10000 runs');
    expect(screen.getByTestId('runs-table').getAttribute('data-rows')).toBe('10000');
  });
});

describe('LineChart', () => {
  const series = [
    { id: 't', label: 'training loss', color: '#00f', points: [1, 2, 3, 4, 5].map((x) => ({ x, y: 2 / x })) },
    { id: 'v', label: 'validation loss', color: '#00f', dashed: true, points: [1, 2, 3, 4, 5].map((x) => ({ x, y: x === 3 ? null : 2 / x + (x > 3 ? 0.3 : 0) })) },
  ];

  it('draws one path per series, the best-epoch marker, the overfitting region and a legend', () => {
    render(LineChart, { title: 'Loss', series, markers: [{ x: 3, label: 'best epoch 3', color: '#00f' }], regions: [{ x0: 4, x1: 5, label: 'overfitting', color: '#f00' }], xLabel: 'step' });
    expect(screen.getAllByTestId('series-path')).toHaveLength(2);
    expect(screen.getByTestId('best-epoch-marker').textContent).toBe('best epoch 3');
    expect(screen.getByTestId('overfit-region').textContent).toBe('overfitting');
    expect(screen.getAllByTestId('legend-item').map((l) => l.textContent?.trim())).toEqual(['training loss', 'validation loss']);
    // A gap (null) splits the validation path in two.
    const d = screen.getAllByTestId('series-path')[1]!.getAttribute('d')!;
    expect(d.match(/M/g)).toHaveLength(2);
    // Axes with ticks and labels.
    expect(screen.getByText('step')).toBeTruthy();
    expect(screen.getAllByText(/^[0-9.]+$/).length).toBeGreaterThan(4);
  });

  it('leaves out what a log scale cannot show, and says when there is no data', () => {
    render(LineChart, { title: 'x', series: [{ id: 'a', label: 'a', color: '#000', points: [{ x: 1, y: 0 }, { x: 2, y: 1 }, { x: 3, y: 10 }] }], logY: true });
    expect(screen.getByTestId('series-path').getAttribute('d')!.match(/[ML]/g)).toEqual(['M', 'L']);
    render(LineChart, { title: 'empty', series: [] });
    expect(screen.getByText('No data yet')).toBeTruthy();
  });
});

describe('calculator errors', () => {
  it('name the field that is wrong', async () => {
    render(BottleneckCalc);
    for (const bad of ['0', '1.5', '']) {
      await fireEvent.input(screen.getByTestId('bn-reduce'), { target: { value: bad } });
      expect(screen.getByTestId('bottleneck-calculator').textContent).toContain('reduce r must be a positive integer');
    }
  });
});

describe('calculators', () => {
  it('bottleneck: d2l\'s numbers by default, recomputed on input', async () => {
    render(BottleneckCalc);
    expect(screen.getByTestId('bn-direct').textContent).toBe('120,422,400');
    expect(screen.getByTestId('bn-bottleneck').textContent).toBe('12,443,648');
    expect(screen.getByTestId('bn-ratio').textContent).toMatch(/^9\.7× fewer multiplications/);
    await fireEvent.input(screen.getByTestId('bn-reduce'), { target: { value: '32' } });
    expect(screen.getByTestId('bn-bottleneck').textContent).toBe((28 * 28 * 192 * 32 + 28 * 28 * 25 * 32 * 32).toLocaleString('en-US'));
    await fireEvent.input(screen.getByTestId('bn-k'), { target: { value: '0' } });
    expect(screen.getByTestId('bn-error').textContent).toMatch(/k must be a positive integer/);
  });

  it('grouped convolution: g groups, g times fewer multiplications', async () => {
    render(GroupedCalc);
    expect(screen.getByTestId('gc-dense').textContent).toBe('462,422,016');
    expect(screen.getByTestId('gc-grouped').textContent).toBe('14,450,688');
    await fireEvent.input(screen.getByTestId('gc-groups'), { target: { value: '4' } });
    expect(screen.getByTestId('gc-grouped').textContent).toBe((462_422_016 / 4).toLocaleString('en-US'));
    expect(screen.getByTestId('gc-ratio').textContent).toMatch(/^4× fewer/);
    await fireEvent.input(screen.getByTestId('gc-groups'), { target: { value: '5' } });
    expect(screen.getByTestId('gc-error').textContent).toMatch(/cannot both be split into 5 groups/);
  });
});

describe('ParallelCoords', () => {
  it('draws one line per run across every axis', () => {
    render(ParallelCoords, {
      axes: [
        { name: 'lr', role: 'hparam', values: [0.1, 0.01, 0.001] },
        { name: 'optimizer', role: 'hparam', values: ['sgd', 'adam', 'sgd'] },
        { name: 'best val accuracy', role: 'metric', values: [0.8, null, 0.85] },
      ],
      lines: [{ id: 'a', label: 'a', color: '#f00' }, { id: 'b', label: 'b', color: '#0f0' }, { id: 'c', label: 'c', color: '#00f' }],
    });
    const lines = screen.getAllByTestId('pc-line');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.getAttribute('d')!.match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    // Run b has no metric: its line stops at the last axis it has a value on.
    expect(lines[1]!.getAttribute('d')!.match(/[ML]/g)).toEqual(['M', 'L']);
    expect(screen.getAllByText('optimizer').length).toBeGreaterThan(0);
  });
});

/** A fetch that answers the dashboard's API from canned JSON. */
function mockApi(routes: Record<string, unknown>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    const key = Object.keys(routes).sort((a, b) => b.length - a.length).find((k) => url === k || url.startsWith(`${k}?`) || url.startsWith(`${k}/`));
    if (!key) return new Response(JSON.stringify({ error: `no mock for ${url}` }), { status: 404 });
    return new Response(JSON.stringify(routes[key]), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '#');
});

const HISTORY = [1.2, 0.8, 0.6, 0.5, 0.45, 0.4].map((trainLoss, i) => ({ epoch: i + 1, trainLoss, valLoss: [1.1, 0.8, 0.62, 0.6, 0.66, 0.7][i]!, trainAcc: 0.5 + i * 0.05, valAcc: 0.55 + i * 0.03 }));
const SCALARS: ScalarsResponse = {
  run: 'a-lenet', cursor: 'x.1', reset: true, roles: { trainLoss: 'train/loss', valLoss: 'val/loss', trainAcc: 'train/accuracy', valAcc: 'val/accuracy' }, warnings: [],
  series: {
    'train/loss': HISTORY.map((h) => ({ step: h.epoch, wallTime: 1000 + h.epoch, value: h.trainLoss })),
    'val/loss': HISTORY.map((h) => ({ step: h.epoch, wallTime: 1000 + h.epoch, value: h.valLoss })),
    'train/accuracy': HISTORY.map((h) => ({ step: h.epoch, wallTime: 1000 + h.epoch, value: h.trainAcc })),
    'val/accuracy': HISTORY.map((h) => ({ step: h.epoch, wallTime: 1000 + h.epoch, value: h.valAcc })),
    'train/learning_rate': HISTORY.map((h) => ({ step: h.epoch, wallTime: 1000 + h.epoch, value: 0.1 })),
  },
};
const DIAGNOSIS: DiagnosisResponse = {
  run: 'a-lenet', source: 'report', history: HISTORY, warnings: [], settings: { patience: 2, minDelta: 0, source: 'config', earlyStopping: false },
  diagnosis: {
    epochs: 6, bestEpoch: 4, bestValLoss: 0.6, minValLossEpoch: 4, minValLoss: 0.6, earlyStopEpoch: 6,
    overfitting: { start: 5, end: 6, from: 4, valLossRise: 0.17, trainLossDrop: 0.2 }, underfitting: null, gaps: [], status: 'overfitting',
    verdict: 'Overfitting from epoch 5: keep the weights of epoch 4.',
  },
};

describe('CurvesView', () => {
  it('says "Loading runs…" while the server\'s first scan runs, and "No runs" only after it', async () => {
    const view = render(CurvesView, { runs: [], selected: [], loading: true, onSelect: vi.fn() });
    expect(screen.getByTestId('run-picker').textContent).toContain('Loading runs…');
    expect(screen.getByTestId('run-picker').textContent).not.toContain('No runs in the logdir yet.');
    await view.rerender({ runs: [], selected: [], loading: false, onSelect: vi.fn() });
    expect(screen.getByTestId('run-picker').textContent).toContain('No runs in the logdir yet.');
  });

  it('loads a run\'s scalars and diagnosis: curves, best-epoch marker, overfitting region, verdict', async () => {
    const fetchMock = mockApi({ '/api/runs/a-lenet/scalars': SCALARS, '/api/runs/a-lenet/diagnosis': DIAGNOSIS });
    render(CurvesView, { runs: RUNS, selected: ['a-lenet'], onSelect: vi.fn() });
    await waitFor(() => expect(screen.getByTestId('verdict').textContent).toBe(DIAGNOSIS.diagnosis!.verdict));
    const loss = screen.getByTestId('loss-chart');
    expect(within(loss).getAllByTestId('series-path')).toHaveLength(2);
    expect(within(loss).getByTestId('best-epoch-marker').textContent).toBe('best epoch 4');
    expect(within(loss).getByTestId('overfit-region')).toBeTruthy();
    expect(within(screen.getByTestId('accuracy-chart')).getAllByTestId('series-path')).toHaveLength(2);
    expect(screen.getAllByTestId('scalar-chart')).toHaveLength(1);
    expect(screen.getByTestId('fit-status').textContent).toBe('overfitting');
    expect(fetchMock).toHaveBeenCalledWith('/api/runs/a-lenet/scalars?points=2048', expect.anything());
  });

  it('asks for only what is new when the run list shows a new cursor', async () => {
    const fetchMock = mockApi({ '/api/runs/a-lenet/scalars': SCALARS, '/api/runs/a-lenet/diagnosis': DIAGNOSIS });
    const view = render(CurvesView, { runs: RUNS, selected: ['a-lenet'], onSelect: vi.fn() });
    await waitFor(() => screen.getByTestId('verdict'));
    mockApi({
      '/api/runs/a-lenet/scalars': { ...SCALARS, cursor: 'x.2', reset: false, series: { 'val/loss': [{ step: 7, wallTime: 1007, value: 0.75 }] } },
      '/api/runs/a-lenet/diagnosis': DIAGNOSIS,
    });
    const next = vi.mocked(fetch);
    await view.rerender({ runs: RUNS.map((r) => (r.name === 'a-lenet' ? { ...r, cursor: 'x.2' } : r)), selected: ['a-lenet'], onSelect: vi.fn() });
    await waitFor(() => expect(next).toHaveBeenCalledWith('/api/runs/a-lenet/scalars?since=x.1&points=2048', expect.anything()));
    // The first load's curve requests: its scalars and its diagnosis, once each (its images are asked for apart).
    expect(fetchMock.mock.calls.filter(([url]) => /\/(scalars|diagnosis)/.test(String(url)))).toHaveLength(2);
  });
});

describe('App', () => {
  it('shows the runs read so far during the server\'s first scan, and says how many are still to come', async () => {
    const routes: Record<string, unknown> = { '/api/runs': { logdir: '/data/runs', runs: RUNS.slice(0, 1), warnings: [], loading: true, total: 1200, offset: 0 } };
    mockApi(routes);
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('run-row')).toHaveLength(1));
    expect(screen.getByTestId('scan-progress').textContent).toBe('Reading the logdir: 1 of 1,200 runs so far…');
  });

  it('shows the runs table, then the complexity tab with its calculators', async () => {
    mockApi({
      '/api/runs': { logdir: '/data/runs', runs: RUNS, warnings: [] },
      '/api/complexity': { rows: [], excluded: [], failed: [], limit: 1e8, all: false, computedMs: 0 },
      '/api/architectures': { architectures: [], missing: [] },
      '/api/architectures/lenet/summary': { name: 'lenet', input: [1, 28, 28], depth: null, rows: [], totals: { params: 61706, trainableParams: 61706, nonTrainableParams: 0, macs: 416520, denseParams: 59134, paramBytes: 246824 } },
    });
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('run-row')).toHaveLength(3));
    expect(screen.getByTestId('logdir').textContent).toBe('/data/runs');
    await fireEvent.click(screen.getByTestId('tab-complexity'));
    expect(location.hash).toBe('#/complexity?arch=lenet');
    expect(screen.getByTestId('bn-direct').textContent).toBe('120,422,400');
    expect(screen.getByTestId('gc-ratio').textContent).toMatch(/^32×/);
  });
});
