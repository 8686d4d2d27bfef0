import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToHost } from './api/connect.js';
import { App } from './components/App.js';
import { SessionProvider } from './session-context.js';
import { createSession } from './state/session.js';
import './styles.css';

function boot(): void {
  const root = document.getElementById('root');
  if (root === null) throw new Error('index.html has no #root element');
  const session = createSession(connectToHost(window));
  createRoot(root).render(
    <StrictMode>
      <SessionProvider session={session}>
        <App />
      </SessionProvider>
    </StrictMode>,
  );
  session.start();
  window.addEventListener('pagehide', () => session.stop());
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) session.start();
  });
}

boot();
