import type { Damage } from './damage.js';
import type { DecodedEvent } from './decoded-event.js';
import type { TagMetadata } from './interpret-value.js';
import { listEventFiles } from './runs.js';
import { EventFileTail, type TailOptions } from './tail.js';

export interface RunPollResult {
  events: DecodedEvent[];
  damage: Damage[];
  /** Event files seen for the first time in this poll. */
  newFiles: string[];
}

/**
 * Follows one run directory: each `poll()` picks up new event files (a resumed trainer opens a new one)
 * and returns the new events of every file, in file-name order.
 */
export class RunTail {
  readonly runDir: string;
  private readonly tails = new Map<string, EventFileTail>();
  private readonly tagMetadata: TagMetadata;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    runDir: string,
    private readonly options: Omit<TailOptions, 'tagMetadata'> = {},
  ) {
    this.runDir = runDir;
    this.tagMetadata = new Map();
  }

  get files(): string[] {
    return [...this.tails.keys()];
  }

  poll(): Promise<RunPollResult> {
    const result = this.queue.then(() => this.pollOnce());
    // Only the ordering is kept: holding `result` itself would keep the last poll's events alive.
    this.queue = result.then(() => undefined, () => undefined);
    return result;
  }

  private async pollOnce(): Promise<RunPollResult> {
    const newFiles: string[] = [];
    for (const file of await listEventFiles(this.runDir)) {
      if (this.tails.has(file)) continue;
      this.tails.set(file, new EventFileTail(file, { ...this.options, tagMetadata: this.tagMetadata }));
      newFiles.push(file);
    }
    const events: DecodedEvent[] = [];
    const damage: Damage[] = [];
    for (const file of [...this.tails.keys()].sort()) {
      const result = await this.tails.get(file)!.poll();
      for (const event of result.events) events.push(event);
      damage.push(...result.damage);
    }
    return { events, damage, newFiles };
  }
}
