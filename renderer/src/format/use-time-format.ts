import { useMemo } from 'react';
import { useSessionStore } from '../session-context.js';
import { type TimeFormatter, createTimeFormatter, machineTimeZone, zoneOf } from './time.js';

export interface TimeFormats {
  /** The zone the engineer chose: every timestamp on screen. */
  shown: TimeFormatter;
  /** The other zone (UTC when local is shown, local when UTC is): tooltips. */
  other: TimeFormatter;
}

/** The formatters for the chosen time zone and the other one, rebuilt only when the choice changes. */
export function useTimeFormats(): TimeFormats {
  const choice = useSessionStore('settings', (s) => s.timeZone);
  return useMemo(() => {
    const machine = machineTimeZone();
    return {
      shown: createTimeFormatter(zoneOf(choice, machine)),
      other: createTimeFormatter(zoneOf(choice === 'utc' ? 'local' : 'utc', machine)),
    };
  }, [choice]);
}
