// `node --import ./load-log.mjs`: records which modules a process loads (for lazy-loading tests).
import { register } from 'node:module';

register('./load-log-hooks.mjs', import.meta.url);
