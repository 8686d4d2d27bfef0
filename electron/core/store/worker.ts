/**
 * Store worker entry: owns the SQLite connection so that commits, checkpoints and
 * prunes never run on the thread that drives the pollers. Requests are handled in the
 * order they arrive; only a prune yields (between chunks), letting appends through.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { StoreEngine } from './engine.js';
import { DatabaseLockedError } from './writer-lock.js';
import type { Request, RequestEnvelope, WorkerInit, WorkerMessage } from './protocol.js';

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('store worker must run in a worker thread');
  const post = (m: WorkerMessage) => port.postMessage(m);
  const init = workerData as WorkerInit;
  let engine: StoreEngine;
  try {
    engine = new StoreEngine(init, (level, message, fields) => post({ kind: 'log', level, message, ...(fields ? { fields } : {}) }));
  } catch (err) {
    const locked = err instanceof DatabaseLockedError ? { locked: { holder: err.holder } } : {};
    post({ kind: 'fatal', error: err instanceof Error ? err.message : String(err), ...locked });
    return;
  }
  let pruning: Promise<unknown> = Promise.resolve();

  const handle = async (req: Request): Promise<unknown> => {
    switch (req.op) {
      case 'ensureTags':
        return engine.ensureTags(req.tags);
      case 'append':
        return engine.append(req.batch);
      case 'queryHistory':
        return engine.queryHistory(req.tagId, req.from, req.to, req.limit, req.order);
      case 'queryTrend':
        return engine.queryTrend(req.tagId, req.from, req.to, req.points);
      case 'dbStats':
        return engine.dbStats();
      case 'compact': {
        const run = pruning.then(() => engine.compact(req.options, () => yieldToEvents()));
        pruning = run.catch(() => undefined);
        return run;
      }
      case 'latest':
        return engine.latest(req.tagIds);
      case 'listTagIds':
        return engine.listTagIds();
      case 'tagIds':
        return engine.tagIds(req.keys);
      case 'bytesUsed':
        return engine.bytesUsed();
      case 'flushHints':
        return engine.flushHints();
      case 'prune': {
        const run = pruning.then(() => engine.prune(req.now, req.retention, () => yieldToEvents()));
        pruning = run.catch(() => undefined);
        return run;
      }
      case 'close':
        engine.stopPruning();
        await pruning;
        engine.close();
        return null;
    }
  };

  port.on('message', (env: RequestEnvelope) => {
    handle(env.req).then(
      (result) => {
        post({ kind: 'reply', id: env.id, ok: true, result });
        if (env.req.op === 'close') port.close();
      },
      (err: unknown) => post({ kind: 'reply', id: env.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  post({ kind: 'ready', schemaVersion: engine.schemaVersion });
}

main();
