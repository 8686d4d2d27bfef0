import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { SIZE_FORMS, formatBitRate, formatCount, formatDays, formatSize, parseSize } from '../../../shared/format/units.js';
import type { CapacityPlan, DbStats } from '../../../shared/history/types.js';
import { formatDuration } from '../format/format.js';
import { useTimeFormats } from '../format/use-time-format.js';
import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';
import './storage.css';

/** How often the database numbers refresh while the screen is open. */
const STATS_REFRESH_MS = 10_000;

/**
 * Storage: what the project will cost on disk and upstream (the capacity planner), what
 * the database holds now, and prunes as they happen. Printable: the toolbar and the rest
 * of the app are hidden in print (storage.css).
 */
export function StorageView() {
  const session = useSession();
  const store = session.storage;
  const plan = useStore(store, (s) => s.plan);
  const planError = useStore(store, (s) => s.planError);
  const planning = useStore(store, (s) => s.planning);
  const stats = useStore(store, (s) => s.stats);
  const statsError = useStore(store, (s) => s.statsError);
  const prunes = useStore(store, (s) => s.prunes);
  const projectName = useSessionStore('system', (s) => s.info?.projectName);
  const version = useSessionStore('system', (s) => s.info?.version);
  const maxAgeDays = useEditorStore('project', (s) => s.project?.store.retention.maxAgeDays);
  const now = useSessionStore('clock', (s) => Math.floor(s.now / 60_000) * 60_000);
  const { shown } = useTimeFormats();
  const [budgetText, setBudgetText] = useState('');
  const [budgetProblem, setBudgetProblem] = useState<string>();

  useEffect(() => {
    const state = store.getState();
    void state.loadPlan(state.budgetBytes);
    void state.loadStats();
    if (session.editor.project.getState().project === undefined) void session.editor.loadProject();
    const timer = setInterval(() => void store.getState().loadStats(), STATS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [store, session]);

  function applyBudget(event: React.FormEvent) {
    event.preventDefault();
    if (budgetText.trim() === '') {
      setBudgetProblem(undefined);
      void store.getState().loadPlan(undefined);
      return;
    }
    const size = parseSize(budgetText);
    if (!size.ok) {
      setBudgetProblem(`Disk budget: ${size.message}`);
      return;
    }
    setBudgetProblem(undefined);
    void store.getState().loadPlan(size.bytes);
  }

  return (
    <main className="storage-view" data-testid="storage-view">
      {prunes.length > 0 && (
        <div className="notice prune-notice no-print" role="status" data-testid="prune-notice">
          <div>
            {prunes.map((p) => (
              <div key={`${p.at}-${p.reason}`}>
                <strong>
                  {shown.dateTime(p.at).slice(0, 19)}: retention deleted {formatCount(p.prunedReadings)} readings
                </strong>
                , oldest first, {p.reason === 'size' ? 'to keep the database under the disk budget' : 'older than the age limit'}.
                {p.oldestKeptTs !== undefined && ` The oldest reading kept is from ${shown.dateTime(p.oldestKeptTs).slice(0, 19)}.`}
              </div>
            ))}
          </div>
          <button type="button" className="button" onClick={() => store.getState().dismissPrunes()}>
            Dismiss
          </button>
        </div>
      )}
      <section className="panel storage-panel" aria-labelledby="capacity-title">
        <div className="panel-toolbar">
          <h2 id="capacity-title" className="panel-title">
            Capacity plan{projectName === undefined ? '' : `: ${projectName}`}
          </h2>
          <form className="budget-form no-print" onSubmit={applyBudget}>
            <label>
              Disk budget{' '}
              <input
                data-testid="budget-input"
                value={budgetText}
                placeholder={plan?.budgetBytes === undefined ? 'e.g. 20GB' : `project: ${formatSize(plan.budgetBytes)}`}
                onChange={(e) => setBudgetText(e.target.value)}
                aria-describedby="budget-help"
                size={14}
              />
            </label>
            <button type="submit" className="button" disabled={planning}>
              {planning ? 'Planning…' : 'Plan'}
            </button>
            <span id="budget-help" className="muted">
              {SIZE_FORMS}; empty: the project&apos;s store budget
            </span>
          </form>
          <button type="button" className="button no-print" data-testid="print-plan" onClick={() => window.print()}>
            Print
          </button>
        </div>
        {budgetProblem !== undefined && (
          <div className="error-notice" role="alert" data-testid="budget-error">
            <div className="error-title">{budgetProblem}</div>
          </div>
        )}
        {planError !== undefined && <ErrorNotice what="Could not plan the capacity" error={planError} />}
        <p className="print-only">
          Printed {shown.dateTime(now).slice(0, 16)} ({shown.label(now)}) from SensorVault{version === undefined ? '' : ` v${version}`}.
        </p>
        {plan === undefined ? planError === undefined && <div className="empty-state">Planning…</div> : <PlanFigures plan={plan} maxAgeDays={maxAgeDays} />}
      </section>
      <section className="panel storage-panel" aria-labelledby="db-title">
        <div className="panel-toolbar">
          <h2 id="db-title" className="panel-title">
            History database now
          </h2>
          <button type="button" className="button no-print" onClick={() => void store.getState().loadStats()}>
            Refresh
          </button>
        </div>
        {statsError !== undefined && <ErrorNotice what="Could not read the database statistics" error={statsError} advice="The plan above does not need them. Try Refresh; if the message says the engine is being built, this SensorVault has no history engine yet." />}
        {stats !== undefined && <DbFigures stats={stats} />}
        {stats === undefined && statsError === undefined && <div className="empty-state">Reading the database…</div>}
      </section>
    </main>
  );
}

function Figure({ label, value, testId, note }: { label: string; value: string; testId?: string; note?: string }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
      {note !== undefined && <dd className="figure-note">{note}</dd>}
    </div>
  );
}

/** Raw history kept: the budget's horizon or the age limit, whichever prunes first. */
function historyKept(plan: CapacityPlan, maxAgeDays: number | undefined): { value: string; note: string } {
  if (plan.horizonDays === undefined) return { value: '—', note: 'no readings to store' };
  if (maxAgeDays === undefined) return { value: formatDays(plan.horizonDays), note: 'by the disk budget alone (the age limit is not known yet)' };
  if (maxAgeDays <= plan.horizonDays) return { value: formatDays(maxAgeDays), note: `the age limit; the budget alone would hold ${formatDays(plan.horizonDays)}` };
  return { value: formatDays(plan.horizonDays), note: `the disk budget prunes first; the age limit is ${formatDays(maxAgeDays)}` };
}

function PlanFigures({ plan, maxAgeDays }: { plan: CapacityPlan; maxAgeDays: number | undefined }) {
  const rawPerDay = plan.bytesPerDay - plan.rollupBytesPerDay;
  const kept = historyKept(plan, maxAgeDays);
  return (
    <div className="plan-body" data-testid="capacity-plan">
      <dl className="figures">
        <Figure label="Tags" value={formatCount(plan.tags)} testId="plan-tags" />
        <Figure label="Readings per day" value={formatCount(plan.readingsPerDay)} testId="plan-readings" />
        <Figure label="Disk per day" value={formatSize(plan.bytesPerDay)} testId="plan-disk" note={`raw ${formatSize(rawPerDay)} + rollups ${formatSize(plan.rollupBytesPerDay)}`} />
        <Figure label="Bytes per reading" value={`${plan.bytesPerReading.toFixed(2)} B`} note="compacted, with page overhead" />
        <Figure label="Disk budget" value={plan.budgetBytes === undefined ? '—' : formatSize(plan.budgetBytes)} testId="plan-budget" />
        <Figure label="Raw history kept" value={kept.value} testId="plan-horizon" note={kept.note} />
        <Figure label="Hot table" value={formatSize(plan.hotBytes)} note="before compaction" />
        <Figure
          label="Egress (leaves the site)"
          value={plan.egress.tags === 0 ? 'none' : formatBitRate(plan.egress.bitsPerSecond)}
          testId="plan-egress"
          note={plan.egress.tags === 0 ? 'no tag is classified leavesSite' : `${formatCount(plan.egress.tags)} tags, ${formatCount(plan.egress.readingsPerDay)} readings/day, ${formatSize(plan.egress.bytesPerDay)}/day`}
        />
      </dl>
      <table className="grid-table plan-devices" data-testid="plan-devices">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col" className="num">Tags</th>
            <th scope="col" className="num">Readings/day</th>
            <th scope="col" className="num">Disk/day</th>
          </tr>
        </thead>
        <tbody>
          {plan.devices.map((d) => (
            <tr key={d.deviceId}>
              <td>
                {d.name} <span className="muted">({d.deviceId})</span>
              </td>
              <td className="num">{formatCount(d.tags)}</td>
              <td className="num">{formatCount(d.readingsPerDay)}</td>
              <td className="num">{formatSize(d.bytesPerDay)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="assumptions-title">Assumptions</h3>
      <ul className="assumptions" data-testid="plan-assumptions">
        {plan.assumptions.map((a) => (
          <li key={a} className={a.startsWith('Warning:') ? 'assumption-warning' : undefined}>
            {a}
          </li>
        ))}
      </ul>
    </div>
  );
}

function DbFigures({ stats }: { stats: DbStats }) {
  const now = useSessionStore('clock', (s) => s.now);
  const { shown } = useTimeFormats();
  /** A time as a short figure (clock time) and its note (date, age). */
  const when = (ts: number | undefined, extra?: string) => ({
    value: ts === undefined ? '—' : shown.clock(ts, true),
    note: [ts === undefined ? undefined : `${shown.date(ts)}, ${formatDuration(now - ts)} ago`, extra].filter((x) => x !== undefined).join('; '),
  });
  const oldest = when(stats.oldestTs);
  const prune = stats.lastPrune === undefined ? { value: 'never', note: '' } : when(stats.lastPrune.at, stats.lastPrune.message);
  const coverage = (c: DbStats['rollups']['1m']) => (c.rows === 0 ? 'none yet' : `${formatCount(c.rows)} rows, ${c.oldestTs === undefined ? '' : `from ${shown.dateTime(c.oldestTs)}`}`);
  return (
    <dl className="figures" data-testid="db-stats">
      <Figure label="Readings stored" value={formatCount(stats.readings)} testId="db-readings" note={`${formatCount(stats.tags)} tags`} />
      <Figure label="Bytes per reading" value={`${stats.bytesPerReading.toFixed(2)} B`} testId="db-bytes-per-reading" />
      <Figure label="Compacted" value={`${(100 * (1 - stats.hotShare)).toFixed(1)} %`} note={`hot ${formatCount(stats.hotReadings)}, in blocks ${formatCount(stats.compactedReadings)}`} />
      <Figure label="Database file" value={formatSize(stats.fileBytes)} note={`WAL ${formatSize(stats.walBytes)}, free ${formatSize(stats.freeBytes)}`} />
      <Figure label="Oldest reading" value={oldest.value} {...(oldest.note === '' ? {} : { note: oldest.note })} />
      <Figure label="Rollups 1 min" value={coverage(stats.rollups['1m'])} />
      <Figure label="Rollups 1 h" value={coverage(stats.rollups['1h'])} />
      <Figure label="Last prune" value={prune.value} {...(prune.note === '' ? {} : { note: prune.note })} />
    </dl>
  );
}
