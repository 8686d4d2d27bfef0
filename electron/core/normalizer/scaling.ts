import type { Quality } from '../../../shared/reading.js';
import type { Scaling } from '../../../shared/project.js';

/** Raw (decoded) value to engineering value. */
export function compileScaling(scaling: Scaling): (raw: number) => number {
  switch (scaling.kind) {
    case 'none':
      return (raw) => raw;
    case 'linear': {
      const { factor, offset } = scaling;
      return (raw) => raw * factor + offset;
    }
    case 'range': {
      const slope = (scaling.high - scaling.low) / (scaling.rawHigh - scaling.rawLow);
      const { rawLow, low } = scaling;
      return (raw) => low + (raw - rawLow) * slope;
    }
    case 'two-point': {
      const slope = (scaling.eng2 - scaling.eng1) / (scaling.raw2 - scaling.raw1);
      const { raw1, eng1 } = scaling;
      return (raw) => eng1 + (raw - raw1) * slope;
    }
    case 'sqrt': {
      const { rawLow, rawHigh, low, high, cutoffPercent } = scaling;
      const cutoff = cutoffPercent / 100;
      return (raw) => {
        const fraction = (raw - rawLow) / (rawHigh - rawLow);
        return fraction <= cutoff || fraction <= 0 ? low : low + (high - low) * Math.sqrt(fraction);
      };
    }
    case 'clamp': {
      const { low, high } = scaling;
      return (raw) => Math.min(high, Math.max(low, raw));
    }
    case 'ma4-20': {
      // Counts -> engineering value on the 4..20 mA line; the NE43 bands are judged on the mA value.
      const slope = (scaling.high - scaling.low) / (scaling.rawAt20mA - scaling.rawAt4mA);
      const { rawAt4mA, low } = scaling;
      return (raw) => low + (raw - rawAt4mA) * slope;
    }
  }
}

/** The engineering span a percent deadband is a percent of; undefined when the scaling has none. */
export function engineeringSpan(scaling: Scaling): number | undefined {
  switch (scaling.kind) {
    case 'range':
    case 'sqrt':
    case 'clamp':
    case 'ma4-20':
      return Math.abs(scaling.high - scaling.low);
    case 'two-point':
      return Math.abs(scaling.eng2 - scaling.eng1);
    case 'none':
    case 'linear':
      return undefined;
  }
}

export interface SignalJudgement {
  quality: Quality;
  status: string;
}

/**
 * NAMUR NE43 for a 4-20 mA loop, judged on the loop current the raw counts stand for:
 * below 3.6 mA or above 21 mA the transmitter signals a fault (bad, "sensor fault");
 * 3.8 to 20.5 mA is the measuring signal (good, including the few percent beyond 4 and
 * 20 mA a transmitter uses for slightly out-of-range values); 3.6-3.8 and 20.5-21 mA are
 * neither a valid measurement nor a declared fault (uncertain).
 */
export const NE43 = { faultBelow: 3.6, validFrom: 3.8, validTo: 20.5, faultAbove: 21 } as const;

export function loopCurrent(scaling: Extract<Scaling, { kind: 'ma4-20' }>, raw: number): number {
  return 4 + ((raw - scaling.rawAt4mA) * 16) / (scaling.rawAt20mA - scaling.rawAt4mA);
}

export function compileSignalCheck(scaling: Scaling): ((raw: number) => SignalJudgement | undefined) | undefined {
  if (scaling.kind !== 'ma4-20') return undefined;
  return (raw) => {
    const mA = loopCurrent(scaling, raw);
    const shown = `${mA.toFixed(2)} mA`;
    if (mA < NE43.faultBelow) return { quality: 'bad', status: `sensor fault: loop current ${shown} is below ${NE43.faultBelow} mA (NAMUR NE43); check the wiring and the transmitter` };
    if (mA > NE43.faultAbove) return { quality: 'bad', status: `sensor fault: loop current ${shown} is above ${NE43.faultAbove} mA (NAMUR NE43); check the transmitter` };
    if (mA < NE43.validFrom) return { quality: 'uncertain', status: `loop current ${shown} is below the valid signal (${NE43.validFrom}-${NE43.validTo} mA, NAMUR NE43)` };
    if (mA > NE43.validTo) return { quality: 'uncertain', status: `loop current ${shown} is above the valid signal (${NE43.validFrom}-${NE43.validTo} mA, NAMUR NE43)` };
    return undefined;
  };
}
