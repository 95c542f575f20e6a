import type {
  DatasetType,
  Experiment,
  HParamInfo,
  HParamType,
  SessionEndInfo,
  SessionStartInfo,
  SessionStatusName,
} from './proto/hparams.js';

/** Friendly descriptions of an hparams experiment and its sessions, turned into plugin messages. */

export type HParamValue = number | string | boolean;

export interface HParamDefinition {
  name: string;
  /** Inferred from `domain` when left out. */
  type?: Exclude<HParamType, 'unset'>;
  /** `{min, max}` for a real interval, or the list of allowed values. */
  domain?: { min: number; max: number } | readonly HParamValue[];
  displayName?: string;
  description?: string;
  /** Whether the sessions' values differ: TensorBoard's HParams table shows such columns by default. */
  differs?: boolean;
}

export interface MetricDefinition {
  /** Tag of the scalar series holding the metric. */
  tag: string;
  /** Sub-directory of the run holding the series; '' (default) for the run itself. */
  group?: string;
  displayName?: string;
  description?: string;
  datasetType?: DatasetType;
}

export interface ExperimentConfig {
  hparams: readonly HParamDefinition[];
  metrics: readonly MetricDefinition[];
  name?: string;
  description?: string;
  user?: string;
  /** Seconds since the epoch; defaults to now. */
  timeCreated?: number;
}

export interface SessionStartOptions {
  groupName?: string;
  /** Seconds since the epoch; defaults to now. */
  startTime?: number;
  modelUri?: string;
  monitorUrl?: string;
}

export function hparamTypeOf(value: HParamValue): Exclude<HParamType, 'unset'> {
  return typeof value === 'number' ? 'float64' : typeof value === 'boolean' ? 'bool' : 'string';
}

function hparamInfo(definition: HParamDefinition): HParamInfo {
  const { name, domain, displayName, description } = definition;
  const info: HParamInfo = { name, type: definition.type ?? 'unset' };
  if (displayName) info.displayName = displayName;
  if (description) info.description = description;
  if (definition.differs) info.differs = true;
  if (domain && 'min' in domain) {
    info.domainInterval = { minValue: domain.min, maxValue: domain.max };
    info.type = definition.type ?? 'float64';
  } else if (domain) {
    info.domainDiscrete = [...domain];
    if (!definition.type && domain.length > 0) info.type = hparamTypeOf(domain[0]!);
  }
  return info;
}

export function experimentData(config: ExperimentConfig, now: number): Experiment {
  const experiment: Experiment = {
    timeCreatedSecs: config.timeCreated ?? now,
    hparamInfos: config.hparams.map(hparamInfo),
    metricInfos: config.metrics.map((m) => ({
      name: { group: m.group ?? '', tag: m.tag },
      datasetType: m.datasetType ?? 'unknown',
      ...(m.displayName ? { displayName: m.displayName } : {}),
      ...(m.description ? { description: m.description } : {}),
    })),
  };
  if (config.name) experiment.name = config.name;
  if (config.description) experiment.description = config.description;
  if (config.user) experiment.user = config.user;
  return experiment;
}

export function sessionStartData(
  hparams: Readonly<Record<string, HParamValue>>,
  options: SessionStartOptions,
  now: number,
): SessionStartInfo {
  for (const [name, value] of Object.entries(hparams)) {
    if (!['number', 'string', 'boolean'].includes(typeof value)) {
      throw new TypeError(`hparam "${name}" must be a number, string or boolean, got ${typeof value}`);
    }
  }
  const info: SessionStartInfo = { hparams: { ...hparams }, startTimeSecs: options.startTime ?? now };
  if (options.groupName) info.groupName = options.groupName;
  if (options.modelUri) info.modelUri = options.modelUri;
  if (options.monitorUrl) info.monitorUrl = options.monitorUrl;
  return info;
}

export function sessionEndData(status: SessionStatusName, endTime: number): SessionEndInfo {
  return { status, endTimeSecs: endTime };
}
