import {
  startReferenceServer,
  type ReferenceServer,
  type ReferenceServerOptions,
} from '../../electron/server/reference-server.js';
import { makeTempDir } from './temp-dir.js';

/** The accounts every test server has: two ordinary users and an Open WebUI admin. */
export const TEST_USERS = {
  alice: { name: 'alice', token: 'alice-token-0001' },
  bob: { name: 'bob', token: 'bob-token-0002' },
  admin: { name: 'root', token: 'admin-token-0003', admin: true },
} as const;

export interface TestServer {
  server: ReferenceServer;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface RestartableTestServer extends TestServer {
  /**
   * Stops the server (as a crash or an upgrade would) and starts it again on the same data dir and
   * port with the same options; `server` is then the new one.
   */
  restart(): Promise<void>;
}

/**
 * A real reference server on 127.0.0.1 with its data in a fresh temp dir. fsync is off unless a test
 * asks for it: durability is not what most tests check, and it keeps the suite fast.
 */
export async function startTestServer(
  overrides: Partial<ReferenceServerOptions> = {},
): Promise<RestartableTestServer> {
  const temp = await makeTempDir('hoist-remote-');
  const options: ReferenceServerOptions = {
    dataDir: temp.path,
    users: [TEST_USERS.alice, TEST_USERS.bob, TEST_USERS.admin],
    fsync: false,
    ...overrides,
  };
  const started: RestartableTestServer = {
    server: await startReferenceServer(options),
    url: '',
    dataDir: overrides.dataDir ?? temp.path,
    restart: async () => {
      await started.server.close();
      started.server = await startReferenceServer({ ...options, port: Number(new URL(started.url).port) });
    },
    close: async () => {
      await started.server.close();
      await temp.remove();
    },
  };
  started.url = started.server.url;
  return started;
}
