import type { Quality, Value } from '../../../shared/reading.js';

/*
 * Which series goes on which lane and axis. Analog series get a scale per unit: up to
 * two units share one lane (left and right axis); with more units the analog series are
 * stacked in lanes of two units each, so every series has a labelled scale. Booleans and
 * enumerations (text states) get a thin step lane of their own below the analog ones.
 */

export type SeriesKind = 'analog' | 'boolean' | 'enum';

/** The kind a tag's values show: the type of its newest value (a boolean register stays boolean). */
export function detectKind(values: readonly Value[]): SeriesKind {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'boolean') return 'boolean';
    if (typeof v === 'string') return 'enum';
    if (typeof v === 'number') return 'analog';
  }
  return 'analog';
}

export interface LaneSeriesInput {
  tagId: string;
  name: string;
  unit: string;
  kind: SeriesKind;
}

export interface AnalogAxis {
  unit: string;
  side: 'left' | 'right';
  /** uPlot scale key. */
  scale: string;
  /** Tag ids drawn against this axis. */
  tagIds: string[];
}

export type Lane =
  | { kind: 'analog'; id: string; axes: AnalogAxis[] }
  | { kind: 'boolean' | 'enum'; id: string; tagId: string; name: string };

/** Units that share one lane. */
const UNITS_PER_LANE = 2;

export function unitLabel(unit: string): string {
  return unit === '' ? '(no unit)' : unit;
}

export function assignLanes(series: readonly LaneSeriesInput[]): Lane[] {
  const units: string[] = [];
  const byUnit = new Map<string, string[]>();
  for (const s of series) {
    if (s.kind !== 'analog') continue;
    if (!byUnit.has(s.unit)) {
      units.push(s.unit);
      byUnit.set(s.unit, []);
    }
    byUnit.get(s.unit)!.push(s.tagId);
  }
  const lanes: Lane[] = [];
  for (let i = 0; i < units.length; i += UNITS_PER_LANE) {
    const laneUnits = units.slice(i, i + UNITS_PER_LANE);
    lanes.push({
      kind: 'analog',
      id: `analog:${laneUnits.join('|')}`,
      axes: laneUnits.map((unit, index) => ({ unit, side: index === 0 ? 'left' : 'right', scale: `unit:${unit}`, tagIds: byUnit.get(unit)! })),
    });
  }
  for (const s of series) {
    if (s.kind === 'analog') continue;
    lanes.push({ kind: s.kind, id: `${s.kind}:${s.tagId}`, tagId: s.tagId, name: s.name });
  }
  return lanes;
}

/** The states an enumeration lane shows, in the order they first appear. */
export function enumStates(values: readonly Value[]): string[] {
  const states: string[] = [];
  for (const v of values) if (typeof v === 'string' && !states.includes(v)) states.push(v);
  return states;
}

export const BOOLEAN_STATES: readonly string[] = ['FALSE', 'TRUE'];

/**
 * The y a reading plots at, or null where the line breaks: analog numbers as they are,
 * booleans 0/1, enumeration states their index in `states`; bad quality always breaks.
 */
export function plotY(kind: SeriesKind, value: Value, quality: Quality, states: readonly string[]): number | null {
  if (quality === 'bad' || value === null) return null;
  switch (kind) {
    case 'analog':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'number' ? (value !== 0 ? 1 : 0) : null;
    case 'enum': {
      const index = states.indexOf(String(value));
      return index < 0 ? null : index;
    }
  }
}

/** Axis tick text for analog values: decimals from the tick step, thousands grouped, never exponents below 1e15. */
export function formatTick(value: number, step: number): string {
  const decimals = step > 0 && Number.isFinite(step) ? Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: Math.abs(value) >= 10_000 });
}
