// Module resolve hook: appends every specifier to $SENSORVAULT_LOAD_LOG (see load-log.mjs).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const file = process.env.SENSORVAULT_LOAD_LOG;
  if (file !== undefined) appendFileSync(file, `${specifier}\n`);
  return next(specifier, context);
}
