import { createRoot } from 'react-dom/client';
import { BridgeClient } from '../../shared/bridge/bridge-client.js';
import { App } from './app.js';
import { BridgeContext } from './bridge/bridge-context.js';
import { openTransport } from './bridge/transport.js';
import { AppStore } from './store/app-store.js';
import { StoreContext } from './store/use-app-store.js';
import './styles.css';

// The store exists before the transport: Electron's preload says "open" as the transport is made.
const store = new AppStore();
const client = new BridgeClient(openTransport((state) => store.setConnection(state)));
store.attach(client);

createRoot(document.getElementById('app') as HTMLElement).render(
  <BridgeContext.Provider value={client}>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </BridgeContext.Provider>,
);
