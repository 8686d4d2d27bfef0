import type { Reading } from '../../../shared/reading.js';

/**
 * The live feed keeps the latest reading per tag and hands the changed ones to its
 * listeners at most every `intervalMs`: a screen cannot show 5,000 updates a second,
 * and coalescing here keeps the UI transport cheap at any acquisition rate.
 */
export class LiveFeed {
  private readonly latest = new Map<string, Reading>();
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<(batch: Reading[]) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 250) {}

  write(readings: ReadonlyArray<Reading>): void {
    for (const reading of readings) {
      const previous = this.latest.get(reading.tagId);
      // Out-of-order readings (e.g. a late bad marker) never replace a newer one.
      if (previous !== undefined && previous.ts > reading.ts) continue;
      this.latest.set(reading.tagId, reading);
      this.dirty.add(reading.tagId);
    }
    if (this.dirty.size > 0 && this.timer === undefined && this.listeners.size > 0) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
    }
  }

  /** Subscribes to coalesced batches; returns the disposer. */
  subscribe(listener: (batch: Reading[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  snapshot(): Reading[] {
    return [...this.latest.values()];
  }

  /** Forgets tags that are no longer configured. */
  retain(tagIds: ReadonlySet<string>): void {
    for (const tagId of this.latest.keys()) {
      if (!tagIds.has(tagId)) {
        this.latest.delete(tagId);
        this.dirty.delete(tagId);
      }
    }
  }

  get(tagId: string): Reading | undefined {
    return this.latest.get(tagId);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    const batch: Reading[] = [];
    for (const tagId of this.dirty) {
      const reading = this.latest.get(tagId);
      if (reading !== undefined) batch.push(reading);
    }
    this.dirty.clear();
    for (const listener of this.listeners) listener(batch);
  }
}
