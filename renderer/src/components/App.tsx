import { ConnectionBanner } from './ConnectionBanner.js';
import { DeviceList } from './DeviceList.js';
import { Header } from './Header.js';
import { LiveTable } from './LiveTable.js';
import { Trend } from './Trend.js';

export function App() {
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <main className="app-main">
        <DeviceList />
        <div className="work-area">
          <Trend />
          <LiveTable />
        </div>
      </main>
    </div>
  );
}
