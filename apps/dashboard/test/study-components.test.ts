// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SearchComparison, SearchResponse, SearchSpace, SweepResponse, SweepTrial } from '../server/types.js';
import App from '../src/App.svelte';
import EdfChart from '../src/components/EdfChart.svelte';
import SearchModels from '../src/components/SearchModels.svelte';
import SweepTable from '../src/components/SweepTable.svelte';

function trial(name: string, o: Partial<SweepTrial>): SweepTrial {
  return {
    rank: null, name, run: `sweeps/lr/${name}`, params: {}, status: 'finished', epochsDone: 4, epochsPlanned: 4, rung: null, promoted: false, bestEpoch: 4,
    bestValLoss: 0.5, bestValAcc: 0.8, value: 0.5, modelParams: 61706, macs: 416520, stopped: null, message: null, best: false, ...o,
  };
}

/** A sweep with successive halving (rungs of 1, 2, 4 epochs): GET /api/sweeps/:sweep as the server answers it. */
const SWEEP: SweepResponse = {
  name: 'sweeps/lr', title: 'lenet-lr', status: 'finished', method: 'grid', metric: 'valLoss', pruning: 'successive halving η=2 over rungs of 1, 2, 4 epochs',
  byStatus: { finished: 1, pruned: 3 }, testAccuracy: 0.8312, updatedAt: '2025-03-01T10:00:00.000Z', description: null, seed: null, rungs: [1, 2, 4], testPlanned: true,
  best: { trial: 'trial-002', params: { lr: 0.1, optimizer: 'sgd' }, metric: 'valLoss', value: 0.4123, bestEpoch: 4, bestValLoss: 0.4123, bestValAcc: 0.8501, test: { loss: 0.45, accuracy: 0.8312, epoch: 4, evaluatedAt: '2025-03-01T10:00:00.000Z' } },
  parameters: [{ name: 'lr', type: 'number', values: [0.01, 0.1, 0.5] }, { name: 'optimizer', type: 'string', values: ['adam', 'sgd'] }],
  trials: [
    trial('trial-002', { rank: 1, best: true, params: { lr: 0.1, optimizer: 'sgd' }, rung: 2, promoted: true, bestValLoss: 0.4123, bestValAcc: 0.8501, value: 0.4123 }),
    trial('trial-001', {
      params: { lr: 0.01, optimizer: 'adam' }, status: 'pruned', rung: 1, promoted: true, epochsDone: 2, epochsPlanned: 2, bestValLoss: 0.61, value: 0.61,
      stopped: { rule: 'halving', epoch: 2, reason: 'successive halving: not among the best 1 of 2 after rung 2 (2 epochs)' },
    }),
    trial('trial-000', {
      params: { lr: 0.01, optimizer: 'sgd' }, status: 'pruned', rung: 0, epochsDone: 1, epochsPlanned: 1, bestValLoss: 0.9, value: 0.9,
      stopped: { rule: 'halving', epoch: 1, reason: 'successive halving: not among the best 2 of 4 after rung 1 (1 epochs)' },
    }),
    trial('trial-003', { params: { lr: 0.5, optimizer: 'adam' }, status: 'pruned', rung: 0, epochsDone: 1, epochsPlanned: 1, bestValLoss: 1.2, value: 1.2, stopped: { rule: 'halving', epoch: 1, reason: 'not promoted' } }),
  ],
  message: null,
  warnings: [],
};

describe('SweepTable', () => {
  it('shows the trials in rank order, the best marked, pruned and promoted trials, and the chosen configuration\'s test accuracy', async () => {
    const onOpen = vi.fn();
    render(SweepTable, { sweep: SWEEP, onOpen });
    const rows = screen.getAllByTestId('trial-row');
    expect(rows.map((r) => r.getAttribute('data-trial'))).toEqual(['trial-002', 'trial-001', 'trial-000', 'trial-003']);
    // Hyper-parameter columns, then the metrics.
    const headers = within(screen.getByTestId('sweep-table')).getAllByRole('columnheader').map((h) => h.textContent?.trim());
    expect(headers).toEqual(['Rank', 'Trial', 'Status', 'lr', 'optimizer', 'Epochs', 'Best val loss ▲', 'Best val acc', 'Params', 'Test acc']);
    expect(within(rows[0]!).getByTestId('best-mark').textContent).toBe('★');
    expect(rows.slice(1).some((r) => within(r).queryByTestId('best-mark'))).toBe(false);
    expect(rows[0]!.textContent).toContain('0.1');
    expect(within(rows[0]!).getByTestId('promoted').textContent).toBe('promoted to rung 3 (4 epochs)');
    expect(within(rows[1]!).getByTestId('status').textContent).toBe('pruned after epoch 2');
    expect(within(rows[1]!).getByTestId('status').getAttribute('title')).toMatch(/not among the best 1 of 2/);
    expect(within(rows[1]!).getByTestId('promoted').textContent).toBe('promoted to rung 2 (2 epochs)');
    expect(within(rows[2]!).queryByTestId('promoted')).toBeNull();
    // The test split: only the chosen configuration has a test accuracy.
    expect(rows.map((r) => within(r).getByTestId('trial-test').textContent)).toEqual(['0.8312', '–', '–', '–']);
    expect(screen.getByTestId('sweep-best').textContent).toMatch(/Chosen configuration: trial-002 \(lr = 0\.1, optimizer = sgd\)/);
    expect(screen.getByTestId('sweep-test').textContent).toMatch(/Test accuracy 0\.8312 \(loss 0\.4500\): the test split was evaluated once, for the\s+chosen configuration only/);
    await fireEvent.click(within(rows[2]!).getByText('trial-000'));
    expect(onOpen).toHaveBeenCalledWith('sweeps/lr/trial-000');
  });

  it('says when the test split is still to be evaluated, and when nothing was chosen yet', () => {
    render(SweepTable, { sweep: { ...SWEEP, best: { ...SWEEP.best!, test: null }, testAccuracy: null }, onOpen: vi.fn() });
    expect(screen.getByTestId('sweep-test').textContent).toMatch(/not evaluated yet\. It is evaluated once, for the chosen configuration only/);
    expect(screen.getAllByTestId('trial-test').map((c) => c.textContent)).toEqual(['–', '–', '–', '–']);
    render(SweepTable, { sweep: { ...SWEEP, status: 'running', best: null, message: null }, onOpen: vi.fn() });
    expect(screen.getByText('No configuration chosen yet (the sweep is running).')).toBeTruthy();
  });
});

function space(name: string, errors: number[]): SearchSpace {
  const n = errors.length;
  const steps = [...new Set(errors)].map((e) => ({ error: e, fraction: errors.filter((x) => x <= e).length / n }));
  return {
    name, description: `${name} space`, constraints: { sharedBottleneck: false, sharedGroupWidth: false, increasingWidths: false, increasingDepths: false },
    sampled: n, finished: n, failed: 0, errors, stats: { min: errors[0]!, median: errors[1]!, mean: errors.reduce((a, b) => a + b, 0) / n, max: errors[n - 1]! },
    edf: [], steps, params: null, macs: null,
  };
}

const SPACES = [space('AnyNetX_A', [0.3, 0.4, 0.5]), space('AnyNetX_E', [0.25, 0.3, 0.35])];
const E_DOMINATES: SearchComparison = { dominant: 'AnyNetX_E', pairs: [{ a: 'AnyNetX_A', b: 'AnyNetX_E', relation: 'b-dominates' }] };
const COLORS = { AnyNetX_A: '#1f77b4', AnyNetX_E: '#d62728' };

/** The points of an SVG path "M x,y L x,y …". */
const pointsOf = (d: string) => [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);

describe('EdfChart', () => {
  it('draws one step curve per space, a legend, and says which space dominates as the course does', () => {
    render(EdfChart, { spaces: SPACES, comparison: E_DOMINATES, colors: COLORS });
    const paths = screen.getAllByTestId('series-path');
    expect(paths).toHaveLength(2);
    for (const [i, path] of paths.entries()) {
      const points = pointsOf(path.getAttribute('d')!);
      // A step function: every segment is horizontal or vertical, and it only goes up (SVG y grows downwards).
      for (let k = 1; k < points.length; k++) {
        const [[x0, y0], [x1, y1]] = [points[k - 1]!, points[k]!];
        expect(x0 === x1 || y0 === y1, `segment ${k} of ${SPACES[i]!.name}`).toBe(true);
        expect(x1).toBeGreaterThanOrEqual(x0);
        expect(y1).toBeLessThanOrEqual(y0);
      }
      // From F = 0 to F = 1, with one jump per distinct error (three here): 2 points per jump plus both ends.
      expect(points).toHaveLength(2 + 2 * 3);
      expect(points[0]![1]).toBeGreaterThan(points.at(-1)![1]);
      expect(path.getAttribute('stroke')).toBe(Object.values(COLORS)[i]);
    }
    expect(screen.getAllByTestId('legend-item').map((l) => l.textContent?.trim())).toEqual(['AnyNetX_A (3 models)', 'AnyNetX_E (3 models)']);
    expect(screen.getByTestId('edf-verdict').textContent).toBe("AnyNetX_E's EDF lies above AnyNetX_A's: its models are better on the whole.");
    expect(screen.getByText('validation error e')).toBeTruthy();
    expect(screen.getByText('fraction of models with error < e')).toBeTruthy();
    expect(screen.getByTestId('edf-chart').textContent).toMatch(/With so few models per space an EDF is noisy/);
  });

  it('says so when the curves cross', () => {
    render(EdfChart, {
      spaces: [space('AnyNetX_A', [0.2, 0.4, 0.5]), space('AnyNetX_E', [0.25, 0.3, 0.35])],
      comparison: { dominant: null, pairs: [{ a: 'AnyNetX_A', b: 'AnyNetX_E', relation: 'cross' }] },
      colors: COLORS,
    });
    expect(screen.getByTestId('edf-verdict').textContent).toBe('The EDFs of AnyNetX_A and AnyNetX_E cross: neither space is better on the whole.');
  });
});

function model(space: string, index: number, params: number, valError: number | null): SearchResponse['models'][number] {
  return {
    space, index, name: `model-00${index}`, run: `search/${space}/model-00${index}`, status: valError === null ? 'running' : 'finished', params, macs: params * 10,
    valError, valAcc: valError === null ? null : 1 - valError, valLoss: 0.9, bestEpoch: 1, epochs: 1,
    config: { stemChannels: 16, stages: [{ depth: 1, width: 16, groupWidth: 8, bottleneckRatio: 0.5 }, { depth: 2, width: 32, groupWidth: 8, bottleneckRatio: 0.5 }] },
    message: null,
  };
}

describe('SearchModels', () => {
  const models = [model('AnyNetX_A', 0, 5000, 0.4), model('AnyNetX_A', 1, 20000, 0.3), model('AnyNetX_E', 0, 9000, 0.35), model('AnyNetX_E', 1, 12000, null)];
  const order = () => screen.getAllByTestId('model-row').map((r) => r.getAttribute('data-run'));

  it('lists the models by validation error, sorts by a clicked column, and links each to its run', async () => {
    const onOpen = vi.fn();
    render(SearchModels, { models, colors: COLORS, onOpen });
    expect(order()).toEqual(['search/AnyNetX_A/model-001', 'search/AnyNetX_E/model-000', 'search/AnyNetX_A/model-000', 'search/AnyNetX_E/model-001']);
    const first = screen.getAllByTestId('model-row')[0]!;
    expect(first.textContent).toContain('20.00 K');
    expect(first.textContent).toContain('200.00 KMACs');
    expect(within(first).getByTestId('model-error').textContent).toBe('0.3000');
    expect(first.textContent).toContain('1·16·8·0.5  2·32·8·0.5');
    await fireEvent.click(screen.getByTestId('models-sort-params'));
    expect(order()).toEqual(['search/AnyNetX_A/model-000', 'search/AnyNetX_E/model-000', 'search/AnyNetX_E/model-001', 'search/AnyNetX_A/model-001']);
    await fireEvent.click(screen.getByTestId('models-sort-params'));
    expect(order()[0]).toBe('search/AnyNetX_A/model-001');
    await fireEvent.click(screen.getAllByTestId('model-link')[1]!);
    expect(onOpen).toHaveBeenCalledWith(order()[1]);
  });
});

/** A fetch that answers the dashboard's API from canned JSON. */
function mockApi(routes: Record<string, unknown>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    if (!(url in routes)) return new Response(JSON.stringify({ error: `no mock for ${url}` }), { status: 404 });
    return new Response(JSON.stringify(routes[url]), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '#');
});

const SEARCH: SearchResponse = {
  name: 'search/ae', status: 'finished', updatedAt: '2025-03-01T10:00:00.000Z', message: null, warnings: [],
  options: { samplesPerSpace: 3, epochs: 1, input: [1, 16, 16], datasetLimit: 300, stages: 2, seed: 3, edfStep: 10, ranges: { depth: [1, 2], width: [8, 16], groupWidth: [4, 8], bottleneckRatio: [1, 0.5, 0.25] } },
  spaces: SPACES, comparison: E_DOMINATES,
  models: [model('AnyNetX_A', 0, 5000, 0.4), model('AnyNetX_E', 0, 9000, 0.3)],
};

describe('App: Sweeps and Design space tabs', () => {
  it('lists the sweeps, shows the newest one\'s trials and parallel coordinates, then the design-space comparison', async () => {
    mockApi({
      '/api/runs': { logdir: '/data/runs', runs: [], warnings: [] },
      '/api/sweeps': {
        logdir: '/data/runs', warnings: ['sweeps/old/sweep.json: not valid JSON'],
        sweeps: [{ ...SWEEP, trials: 4 }, { name: 'sweeps/old', title: null, status: null, method: null, metric: null, pruning: null, trials: 0, byStatus: {}, best: null, testAccuracy: null, updatedAt: null, error: 'not valid JSON' }],
      },
      '/api/sweeps/sweeps%2Flr': SWEEP,
      '/api/searches': { logdir: '/data/runs', warnings: [], searches: [{ name: 'search/ae', status: 'finished', spaces: [], samplesPerSpace: 3, epochs: 1, input: [1, 16, 16], datasetLimit: 300, models: 2, finished: 2, dominant: 'AnyNetX_E', updatedAt: null }] },
      '/api/searches/search%2Fae': SEARCH,
    });
    render(App);
    await fireEvent.click(screen.getByTestId('tab-sweeps'));
    await waitFor(() => expect(screen.getAllByTestId('trial-row')).toHaveLength(4));
    expect(location.hash).toBe('#/sweeps?sweep=sweeps%2Flr');
    expect(screen.getAllByTestId('sweep-row').map((r) => r.getAttribute('data-sweep'))).toEqual(['sweeps/lr', 'sweeps/old']);
    expect(screen.getAllByTestId('sweep-row')[0]!.textContent).toMatch(/4 \(1 finished, 3 pruned\)/);
    expect(screen.getByTestId('sweeps-warning').textContent).toBe('sweeps/old/sweep.json: not valid JSON');
    expect(screen.getAllByTestId('pc-line')).toHaveLength(4);

    await fireEvent.click(screen.getByTestId('tab-search'));
    await waitFor(() => expect(screen.getAllByTestId('model-row')).toHaveLength(2));
    expect(location.hash).toBe('#/search?search=search%2Fae');
    expect(screen.getByTestId('edf-verdict').textContent).toBe("AnyNetX_E's EDF lies above AnyNetX_A's: its models are better on the whole.");
    expect(screen.getAllByTestId('space-row').map((r) => r.textContent)).toEqual([expect.stringMatching(/^AnyNetX_A3\/30\.30000\.40000\.4000/), expect.stringMatching(/^AnyNetX_Edominates/)]);

    // A model's name opens its curves.
    await fireEvent.click(screen.getAllByTestId('model-link')[0]!);
    expect(location.hash).toBe(`#/curves?runs=${encodeURIComponent('search/AnyNetX_E/model-000')}`);
  });
});
