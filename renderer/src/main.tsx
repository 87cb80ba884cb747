import { createRoot } from 'react-dom/client';
import { BridgeClient } from '../../shared/bridge/bridge-client.js';
import { App } from './app.js';
import { BridgeContext, ConnectionContext } from './bridge/bridge-context.js';
import { openTransport, type ConnectionState } from './bridge/transport.js';
import './styles.css';

const root = createRoot(document.getElementById('app') as HTMLElement);
let connection: ConnectionState = 'connecting';
const client = new BridgeClient(
  openTransport((state) => {
    connection = state;
    render();
  }),
);

function render(): void {
  root.render(
    <BridgeContext.Provider value={client}>
      <ConnectionContext.Provider value={connection}>
        <App />
      </ConnectionContext.Provider>
    </BridgeContext.Provider>,
  );
}
render();
