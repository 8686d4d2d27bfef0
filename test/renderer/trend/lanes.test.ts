import { describe, expect, it } from 'vitest';
import { type LaneSeriesInput, assignLanes, detectKind, enumStates, formatTick, plotY } from '../../../renderer/src/trend/lanes.js';

const analog = (tagId: string, unit: string): LaneSeriesInput => ({ tagId, name: tagId.toUpperCase(), unit, kind: 'analog' });

describe('trend lanes and axes', () => {
  it('detects booleans and enumerations from the values', () => {
    expect(detectKind([null, true, false])).toBe('boolean');
    expect(detectKind(['running', 'stopped'])).toBe('enum');
    expect(detectKind([1.5, null])).toBe('analog');
    expect(detectKind([])).toBe('analog');
  });

  it('puts one or two units on one lane, left then right, every series on its unit axis', () => {
    expect(assignLanes([analog('tt-101', '°C'), analog('pt-101', 'bar'), analog('tt-102', '°C')])).toEqual([
      {
        kind: 'analog',
        id: 'analog:°C|bar',
        axes: [
          { unit: '°C', side: 'left', scale: 'unit:°C', tagIds: ['tt-101', 'tt-102'] },
          { unit: 'bar', side: 'right', scale: 'unit:bar', tagIds: ['pt-101'] },
        ],
      },
    ]);
  });

  it('stacks lanes of two units when there are more than two, and gives each boolean and enumeration its own lane below', () => {
    const lanes = assignLanes([
      analog('tt-101', '°C'),
      { tagId: 'xv-301', name: 'XV-301', unit: '', kind: 'boolean' },
      analog('pt-101', 'bar'),
      analog('lt-101', '%'),
      analog('eq-101', 'kWh'),
      analog('ii-201', 'mA'),
      { tagId: 'mode', name: 'Mode', unit: '', kind: 'enum' },
      analog('plant-status', ''),
    ]);
    expect(lanes.map((l) => (l.kind === 'analog' ? l.axes.map((a) => `${a.side}:${a.unit}`).join(' ') : `${l.kind}:${l.tagId}`))).toEqual([
      'left:°C right:bar',
      'left:% right:kWh',
      'left:mA right:',
      'boolean:xv-301',
      'enum:mode',
    ]);
    // Every analog series is on exactly one axis.
    const onAxes = lanes.flatMap((l) => (l.kind === 'analog' ? l.axes.flatMap((a) => a.tagIds) : []));
    expect(onAxes.sort()).toEqual(['eq-101', 'ii-201', 'lt-101', 'plant-status', 'pt-101', 'tt-101']);
  });

  it('plots booleans as 0/1 and enumeration states as their index; bad quality breaks', () => {
    expect(plotY('boolean', true, 'good', [])).toBe(1);
    expect(plotY('boolean', false, 'uncertain', [])).toBe(0);
    expect(plotY('boolean', true, 'bad', [])).toBeNull();
    expect(enumStates(['stopped', 'running', 'stopped', null])).toEqual(['stopped', 'running']);
    expect(plotY('enum', 'running', 'good', ['stopped', 'running'])).toBe(1);
    expect(plotY('analog', 2.5, 'good', [])).toBe(2.5);
    expect(plotY('analog', Number.NaN, 'good', [])).toBeNull();
  });

  it('formats axis ticks with decimals from the step and no exponent for counters', () => {
    expect(formatTick(12_345_678, 5)).toBe('12,345,678');
    expect(formatTick(2.6, 0.2)).toBe('2.6');
    expect(formatTick(0.05, 0.05)).toBe('0.05');
    expect(formatTick(50, 50)).toBe('50');
  });
});
