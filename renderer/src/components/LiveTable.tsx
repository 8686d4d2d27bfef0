import { memo, useCallback, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TagInfo } from '../../../shared/api/types.js';
import type { Reading } from '../../../shared/reading.js';
import { formatCount, formatDuration, formatValue } from '../format/format.js';
import { timeWithZone } from '../format/time.js';
import { type TimeFormats, useTimeFormats } from '../format/use-time-format.js';
import { useSession, useSessionStore } from '../session-context.js';
import { ErrorNotice } from './ErrorNotice.js';
import { WriteDialog } from './WriteDialog.js';

const ROW_HEIGHT = 34;

/** A reading is stale when it is this many poll intervals old (and at least 5 s). */
function isStale(ageMs: number, intervalMs: number): boolean {
  return ageMs > Math.max(5_000, intervalMs * 3);
}

function AgeCell({ ts, intervalMs }: { ts: number; intervalMs: number }) {
  const now = useSessionStore('clock', (s) => s.now);
  const age = now - ts;
  return (
    <div className={`cell cell-age${isStale(age, intervalMs) ? ' stale' : ''}`} role="cell" title={isStale(age, intervalMs) ? 'older than 3 poll intervals' : undefined}>
      {formatDuration(age)}
    </div>
  );
}

function QualityCell({ reading }: { reading: Reading | undefined }) {
  if (reading === undefined) {
    return (
      <div className="cell cell-quality" role="cell" data-testid="live-quality" data-quality="none">
        <span className="badge badge-none">no reading</span>
      </div>
    );
  }
  return (
    <div className="cell cell-quality" role="cell" data-testid="live-quality" data-quality={reading.quality} title={reading.status}>
      <span className={`badge badge-${reading.quality}`}>{reading.quality}</span>
      {reading.quality !== 'good' && reading.status !== undefined && <span className="quality-status">{reading.status}</span>}
    </div>
  );
}

/** The reading's time in the chosen zone, the other zone on hover. */
function TimeCell({ ts }: { ts: number | undefined }) {
  const { shown, other } = useTimeFormats();
  return (
    <div className="cell cell-time" role="cell" data-testid="live-time" title={ts === undefined ? undefined : `${timeWithZone(other, ts)}\n${timeWithZone(shown, ts)}`}>
      {ts === undefined ? '—' : shown.time(ts)}
    </div>
  );
}

function timeHeading(formats: TimeFormats, now: number): { label: string; title: string } {
  const zone = formats.shown.label(now);
  return {
    // Short: the column is narrow; the heading's tooltip names the zone in full.
    label: zone === 'UTC' ? 'Time UTC' : `Time ${zone.slice(3)}`,
    title: `Source timestamp in ${formats.shown.zone} (${zone}), as chosen in the header; hover a time for ${formats.other.zone === 'UTC' ? 'UTC' : formats.other.zone}`,
  };
}

interface LiveRowProps {
  tag: TagInfo;
  deviceName: string;
  start: number;
  odd: boolean;
  onWrite(tag: TagInfo): void;
}

/** One row, subscribed to its own tag's reading only: a batch re-renders only the rows it touches. */
const LiveRow = memo(function LiveRow({ tag, deviceName, start, odd, onWrite }: LiveRowProps) {
  const session = useSession();
  const reading = useSessionStore('live', (s) => s.readings.get(tag.tagId));
  const selected = useSessionStore('selection', (s) => s.selected.includes(tag.tagId));
  const toggle = () => session.selection.getState().toggle(tag.tagId);
  const quality = reading?.quality ?? 'none';
  return (
    <div
      className={`live-row${selected ? ' selected' : ''}${odd ? ' odd' : ''} q-${quality}`}
      role="row"
      aria-selected={selected}
      data-testid="live-row"
      data-tag-id={tag.tagId}
      style={{ transform: `translateY(${start}px)` }}
      onClick={toggle}
    >
      <div className="cell cell-select" role="cell">
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Trend ${tag.name}`}
          onChange={toggle}
          onClick={(event) => event.stopPropagation()}
        />
      </div>
      <div className="cell cell-tag" role="cell" title={`${tag.name}\nid ${tag.tagId} · ${tag.address}${tag.description ? `\n${tag.description}` : ''}`}>
        <span className="tag-name">{tag.name}</span>
        <span className="tag-address">{tag.address}</span>
      </div>
      <div className="cell cell-device" role="cell" title={tag.deviceId}>
        {deviceName}
      </div>
      <div className="cell cell-value" role="cell" data-testid="live-value" title={reading === undefined ? undefined : `${String(reading.value)}${tag.unit === '' ? '' : ` ${tag.unit}`}`}>
        {reading === undefined ? '—' : formatValue(reading.value, tag.decimals)}
      </div>
      <div className="cell cell-unit" role="cell">
        {tag.unit}
      </div>
      <QualityCell reading={reading} />
      <TimeCell ts={reading?.ts} />
      {reading === undefined ? (
        <div className="cell cell-age" role="cell">
          —
        </div>
      ) : (
        <AgeCell ts={reading.ts} intervalMs={tag.intervalMs} />
      )}
      <div className="cell cell-write" role="cell">
        {tag.writes === 'enabled' ? (
          <button
            type="button"
            className="write-button"
            data-testid="write-tag"
            aria-label={`Write a value to ${tag.name}`}
            onClick={(event) => {
              event.stopPropagation();
              onWrite(tag);
            }}
          >
            Write…
          </button>
        ) : (
          <span className="write-off" data-testid="write-off" title={writeOffReason(tag.writes, deviceName)}>
            {tag.writes === 'disabled' ? 'read-only' : 'no writes'}
          </span>
        )}
      </div>
    </div>
  );
});

/** Why a tag has no Write button, in words (tooltip of its cell). */
function writeOffReason(writes: Exclude<TagInfo['writes'], 'enabled'>, deviceName: string): string {
  return writes === 'disabled'
    ? `Writes are disabled for ${deviceName} — enable them in Edit device (Devices & tags).`
    : `This device's driver cannot write values.`;
}

interface Row {
  tag: TagInfo;
  deviceName: string;
  haystack: string;
}

export function LiveTable() {
  const session = useSession();
  const tags = useSessionStore('catalog', (s) => s.tags);
  const loaded = useSessionStore('catalog', (s) => s.loaded);
  const error = useSessionStore('catalog', (s) => s.error);
  const snapshotError = useSessionStore('live', (s) => s.snapshotError);
  const filter = useSessionStore('selection', (s) => s.filter);
  const deviceFilter = useSessionStore('selection', (s) => s.deviceId);
  const selectedCount = useSessionStore('selection', (s) => s.selected.length);
  const notice = useSessionStore('selection', (s) => s.notice);
  // A string key: device counters change every poll, names almost never.
  const namesKey = useSessionStore('devices', (s) => s.devices.map((d) => `${d.deviceId}\t${d.name}`).join('\n'));
  const deferredFilter = useDeferredValue(filter);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [writing, setWriting] = useState<TagInfo>();
  const onWrite = useCallback((tag: TagInfo) => setWriting(tag), []);

  const rows = useMemo<Row[]>(() => {
    const names = new Map(namesKey.split('\n').map((line) => line.split('\t') as [string, string]));
    return tags.map((tag) => {
      const deviceName = names.get(tag.deviceId) ?? tag.deviceId;
      return { tag, deviceName, haystack: `${tag.name}\n${tag.tagId}\n${tag.address}\n${tag.deviceId}\n${deviceName}`.toLowerCase() };
    });
  }, [tags, namesKey]);

  const visibleRows = useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase();
    const ofDevice = deviceFilter === undefined ? rows : rows.filter((row) => row.tag.deviceId === deviceFilter);
    return needle === '' ? ofDevice : ofDevice.filter((row) => row.haystack.includes(needle));
  }, [rows, deferredFilter, deviceFilter]);
  const filteredDeviceName = deviceFilter === undefined ? undefined : (rows.find((row) => row.tag.deviceId === deviceFilter)?.deviceName ?? deviceFilter);
  // Devices on screen whose tags cannot be written because their settings say so (not the driver).
  const readOnlyDevices = useMemo(() => {
    const byId = new Map<string, string>();
    for (const row of visibleRows) if (row.tag.writes === 'disabled') byId.set(row.tag.deviceId, row.deviceName);
    return [...byId];
  }, [visibleRows]);
  const openDevice = (deviceId: string) => {
    session.editor.navigation.getState().selectDevice(deviceId);
    session.editor.navigation.getState().setTab('devices');
  };

  const virtualizer = useVirtualizer({
    count: visibleRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => visibleRows[index]?.tag.tagId ?? index,
  });

  const heading = timeHeading(useTimeFormats(), Date.now());
  return (
    <section className="panel live-panel" aria-labelledby="live-title">
      <div className="panel-toolbar">
        <h2 id="live-title" className="panel-title">
          Live values
        </h2>
        <input
          className="filter"
          type="search"
          placeholder="Filter by tag name, id, address or device"
          aria-label="Filter tags"
          data-testid="live-filter"
          value={filter}
          onChange={(event) => session.selection.getState().setFilter(event.target.value)}
        />
        {deviceFilter !== undefined && (
          <span className="filter-chip" data-testid="device-filter-chip">
            Device: {filteredDeviceName}
            <button type="button" className="chip-clear" data-testid="clear-device-filter" aria-label={`Show all devices, not only ${filteredDeviceName ?? deviceFilter}`} onClick={() => session.selection.getState().filterDevice(undefined)}>
              ×
            </button>
          </span>
        )}
        <span className="panel-count" data-testid="live-count">
          {visibleRows.length === tags.length ? `${formatCount(tags.length)} tags` : `${formatCount(visibleRows.length)} of ${formatCount(tags.length)} tags`}
        </span>
        <span className="panel-count">
          {selectedCount} in trend
          {selectedCount > 0 && (
            <button type="button" className="link-button" onClick={() => session.selection.getState().clear()}>
              clear
            </button>
          )}
        </span>
      </div>
      {notice !== undefined && (
        <div className="notice" role="status">
          {notice}
        </div>
      )}
      {readOnlyDevices.length > 0 && (
        <div className="write-note" data-testid="writes-disabled-note">
          {readOnlyDevices.length === 1 && (deviceFilter !== undefined || readOnlyDevices.length === new Set(visibleRows.map((r) => r.tag.deviceId)).size)
            ? 'Writes are disabled for this device — enable them in '
            : `Writes are disabled for ${readOnlyDevices.map(([, name]) => name).join(', ')} — enable them in `}
          {readOnlyDevices.map(([id, name], index) => (
            <span key={id}>
              {index > 0 && ', '}
              <button type="button" className="link-button" data-testid="edit-device-link" onClick={() => openDevice(id)}>
                Edit device{readOnlyDevices.length > 1 ? ` (${name})` : ''}
              </button>
            </span>
          ))}
          .
        </div>
      )}
      {error !== undefined && <ErrorNotice what="Could not list tags" error={error} />}
      {snapshotError !== undefined && <ErrorNotice what="Could not read the latest values" error={snapshotError} />}
      <div className="live-table" role="table" aria-label="Live values" aria-rowcount={visibleRows.length}>
        <div className="live-row live-head" role="row">
          <div className="cell cell-select" role="columnheader" title="Tick to show in the trend">
            Trend
          </div>
          <div className="cell cell-tag" role="columnheader">
            Tag<span className="head-address"> · address</span>
          </div>
          <div className="cell cell-device" role="columnheader">
            Device
          </div>
          <div className="cell cell-value" role="columnheader">
            Value
          </div>
          <div className="cell cell-unit" role="columnheader">
            Unit
          </div>
          <div className="cell cell-quality" role="columnheader">
            Quality
          </div>
          <div className="cell cell-time" role="columnheader" data-testid="live-time-heading" title={heading.title}>
            {heading.label}
          </div>
          <div className="cell cell-age" role="columnheader" title="Time since the reading's timestamp">
            Age
          </div>
          <div className="cell cell-write" role="columnheader" title="Write a value to the device (only when its settings allow writes)">
            Write
          </div>
        </div>
        <div className="live-scroll" ref={scrollRef} data-testid="live-scroll">
          <div className="live-canvas" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = visibleRows[item.index];
              if (row === undefined) return null;
              return <LiveRow key={row.tag.tagId} tag={row.tag} deviceName={row.deviceName} start={item.start} odd={item.index % 2 === 1} onWrite={onWrite} />;
            })}
          </div>
          {loaded && tags.length === 0 && (
            <div className="empty-state">
              No tags configured. Add tags on the Devices &amp; tags screen (tab above), or in the project file and restart the host (<code>sensorvault gateway --project &lt;file&gt;</code>).
            </div>
          )}
          {loaded && tags.length > 0 && visibleRows.length === 0 && (
            <div className="empty-state">
              {deferredFilter.trim() === '' ? `${filteredDeviceName ?? 'This device'} has no tags.` : `No tag matches “${deferredFilter}”${filteredDeviceName === undefined ? '' : ` on ${filteredDeviceName}`}.`} Clear the filter to see all tags.
            </div>
          )}
          {!loaded && error === undefined && <div className="empty-state">Loading tags…</div>}
        </div>
      </div>
      <div className="panel-footnote">Tick a row (or click it) to add the tag to the trend. Hover a time to see it in the other time zone.</div>
      {writing !== undefined && <WriteDialog tag={writing} onClose={() => setWriting(undefined)} />}
    </section>
  );
}

