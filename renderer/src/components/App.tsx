import { useEditorStore, useSession, useSessionStore } from '../session-context.js';
import type { Tab } from '../state/editor.js';
import { CertificatesView } from './CertificatesView.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { DeviceList } from './DeviceList.js';
import { DevicesView } from './DevicesView.js';
import { Header } from './Header.js';
import { LiveTable } from './LiveTable.js';
import { MappingView } from './MappingView.js';
import { StorageView } from './StorageView.js';
import { Trend } from './Trend.js';

const TABS: { tab: Tab; label: string }[] = [
  { tab: 'live', label: 'Live' },
  { tab: 'devices', label: 'Devices & tags' },
  { tab: 'mapping', label: 'Mapping' },
  { tab: 'certificates', label: 'Certificates' },
  { tab: 'storage', label: 'Storage' },
];

function TabBar() {
  const session = useSession();
  const tab = useEditorStore('navigation', (s) => s.tab);
  const failing = useSessionStore('devices', (s) => s.devices.filter((d) => d.state === 'backing-off').length);
  return (
    <nav className="tab-bar" role="tablist" aria-label="Screens">
      {TABS.map((t) => (
        <button
          key={t.tab}
          type="button"
          role="tab"
          aria-selected={tab === t.tab}
          className={tab === t.tab ? 'active' : undefined}
          data-testid={`tab-${t.tab}`}
          onClick={() => session.editor.navigation.getState().setTab(t.tab)}
        >
          {t.label}
          {t.tab === 'devices' && failing > 0 && <span className="tab-alert">{failing} failing</span>}
        </button>
      ))}
    </nav>
  );
}

export function App() {
  const tab = useEditorStore('navigation', (s) => s.tab);
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <TabBar />
      {/* The live screen stays mounted so its scroll position and trend survive a visit to another screen. */}
      <main className="app-main" hidden={tab !== 'live'}>
        <DeviceList />
        <div className="work-area">
          <Trend />
          <LiveTable />
        </div>
      </main>
      {tab === 'devices' && <DevicesView />}
      {tab === 'mapping' && <MappingView />}
      {tab === 'certificates' && <CertificatesView />}
      {tab === 'storage' && <StorageView />}
    </div>
  );
}
