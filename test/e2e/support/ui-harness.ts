import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ProviderKind } from '../../../shared/sync-types.js';
import type { ReferenceServerOptions } from '../../../electron/server/reference-server.js';
import { createProvider } from '../../../electron/engine/remote/create-provider.js';
import type { RemoteEntry, RemoteProvider } from '../../../electron/engine/remote/remote-provider.js';
import { CliProcesses, type Cli } from '../../support/cli-process.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { UI_LINK } from '../../support/ui-session.js';
import { uploadFromElsewhere } from '../../support/upload-from-elsewhere.js';
import { TEST_USERS, startTestServer, type TestServer } from '../../support/test-server.js';

/** Debian's Chromium: no browser download. Flags keep it quiet and light on a shared two-core machine. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** Saves what `page` shows in the light and the dark theme (the app follows the OS by default). */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export interface UiOptions {
  /** Start with this folder (created) on the command line; false for the first run. */
  withFolder?: boolean;
  provider?: ProviderKind;
  /** Run against the test reference server (default) or the embedded remote ("This computer"). */
  embedded?: boolean;
  token?: string;
  /** A command prefix (e.g. unprivileged, so file permissions hold for root). */
  prefix?: string[];
  files?: Record<string, string>;
  /** Override the remote URL (e.g. an unreachable one). */
  remoteUrl?: string;
  /** More environment for hoist ui (e.g. HOIST_LARGE_FOLDER_FILES, HOME). */
  env?: Record<string, string>;
  /** Options of the test reference server (e.g. how long Open WebUI processing takes). */
  server?: Partial<ReferenceServerOptions>;
  /** Prepare the data root before hoist ui starts (e.g. seed a state DB). */
  beforeStart?: (paths: { dataRoot: string; folder: string; remoteUrl: string }) => Promise<void>;
  /** Prepare the page before it opens hoist ui's link (e.g. route its WebSocket). */
  beforeOpen?: (page: Page) => Promise<void>;
}

/**
 * One `hoist ui` process (the built CLI, a real engine and SQLite) against a real reference server,
 * and a Chromium page on it. Every WebSocket frame the page receives is kept, so a test can check
 * that no token ever reached the renderer.
 */
export class UiHarness {
  page!: Page;
  context!: BrowserContext;
  cli!: Cli;
  server: TestServer | null = null;
  readonly framesReceived: string[] = [];
  private processes!: CliProcesses;
  private temp!: { path: string; remove: () => Promise<void> };
  private provider: RemoteProvider | null = null;
  /** More reference servers (a second `hoist remote`) and providers on them, closed with the harness. */
  private readonly extraServers: TestServer[] = [];
  private readonly extraProviders: RemoteProvider[] = [];

  /** The window's main area (the sidebar repeats each folder's state in words). */
  get main(): Locator {
    return this.page.getByRole('main');
  }

  /** The sidebar's link to a folder, named by the folder's name (its state follows in the name). */
  folderLink(name: string): Locator {
    return this.page
      .getByRole('navigation', { name: 'Hoist' })
      .getByRole('list')
      .getByRole('link', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) });
  }

  /** Another folder in this test's temp dir (created, with these files), e.g. for Add a folder. */
  async otherFolder(name: string, files: Record<string, string> = {}): Promise<string> {
    const folder = join(this.temp.path, name);
    await mkdir(folder, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      const absolute = join(folder, ...path.split('/'));
      await mkdir(dirname(absolute), { recursive: true });
      await writeFile(absolute, content);
    }
    return folder;
  }

  /** A second reference server (another `hoist remote`), closed with the harness. */
  async startOtherServer(options: Partial<ReferenceServerOptions> = {}): Promise<TestServer> {
    const server = await startTestServer(options);
    this.extraServers.push(server);
    return server;
  }

  /** A server's view as one user (the checks are made on the server, not in the UI). */
  async remoteOn(server: TestServer, kind: ProviderKind, token: string): Promise<RemoteProvider> {
    const provider = await createProvider({ kind, baseUrl: server.url, token });
    this.extraProviders.push(provider);
    return provider;
  }

  get folder(): string {
    return join(this.temp.path, 'folder');
  }
  get dataRoot(): string {
    return join(this.temp.path, 'data');
  }
  get remoteUrl(): string {
    return this.server?.url ?? '';
  }

  static async start(browser: Browser, options: UiOptions = {}): Promise<UiHarness> {
    const harness = new UiHarness();
    await harness.open(browser, options);
    return harness;
  }

  private async open(browser: Browser, options: UiOptions): Promise<void> {
    this.temp = await makeTempDir('hoist-ui-');
    this.processes = new CliProcesses(() => this.temp.path);
    await mkdir(this.folder, { recursive: true });
    await mkdir(this.dataRoot, { recursive: true });
    for (const [path, content] of Object.entries(options.files ?? {})) await this.write(path, content);
    const args = ['ui', '--no-open', '--state', this.dataRoot];
    if (options.withFolder !== false) args.push(this.folder);
    if (!options.embedded) {
      this.server = await startTestServer(options.server);
      args.push('--provider', options.provider ?? 'local', '--remote', options.remoteUrl ?? this.server.url);
    }
    await options.beforeStart?.({
      dataRoot: this.dataRoot,
      folder: this.folder,
      remoteUrl: options.remoteUrl ?? this.server?.url ?? '',
    });
    const token = options.token ?? TEST_USERS.alice.token;
    this.cli = this.processes.spawn(args, { HOIST_TOKEN: token, ...options.env }, options.prefix ?? []);
    // The printed link, opened the way a person's browser does: once, the key kept in the fragment.
    const [, url] = await this.cli.waitForStdout(UI_LINK, 30_000);
    this.context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
    this.page = await this.context.newPage();
    this.page.on('websocket', (socket) => {
      socket.on('framereceived', (frame) => this.framesReceived.push(String(frame.payload)));
    });
    await options.beforeOpen?.(this.page);
    await this.page.goto(url as string);
  }

  async write(path: string, content: string): Promise<void> {
    const absolute = join(this.folder, ...path.split('/'));
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
  }

  path(relative: string): string {
    return join(this.folder, ...relative.split('/'));
  }

  /** The test server's view as this user (the checks are made on the server, not in the UI). */
  async remote(kind: ProviderKind = 'local'): Promise<RemoteProvider> {
    if (!this.server) throw new Error('No test server');
    this.provider ??= await createProvider({ kind, baseUrl: this.server.url, token: TEST_USERS.alice.token });
    return this.provider;
  }

  async remoteEntries(): Promise<RemoteEntry[]> {
    return (await this.remote()).list();
  }

  /** Puts a file on the remote that this folder does not have, as another device would. */
  async uploadFromElsewhere(name: string, content: string): Promise<void> {
    return uploadFromElsewhere(await this.remote(), name, content);
  }

  /** Saves the current screen in the light and the dark theme (the app follows the OS by default). */
  screenshot(name: string): Promise<void> {
    return screenshotBothThemes(this.page, name);
  }

  /** What the page showed when a test failed, and what hoist ui said, for the person reading the failure. */
  async failureShot(name: string): Promise<void> {
    const directory = join(process.cwd(), 'test-results', 'failures');
    await mkdir(directory, { recursive: true });
    const file = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
    await this.page.screenshot({ path: join(directory, `${file}.png`) }).catch(() => undefined);
    await writeFile(
      join(directory, `${file}.log`),
      `${this.cli.stdout()}\n--- stderr ---\n${this.cli.stderr()}`,
    );
  }

  async close(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    if (this.cli && this.cli.child.exitCode === null) {
      this.cli.child.kill('SIGTERM');
      const timer = setTimeout(() => this.cli.child.kill('SIGKILL'), 10_000);
      await this.cli.exited;
      clearTimeout(timer);
    }
    await this.processes?.killAll();
    await this.provider?.close();
    for (const provider of this.extraProviders) await provider.close();
    await this.server?.close();
    for (const server of this.extraServers) await server.close();
    await this.temp?.remove();
  }
}

export interface UiTestLifecycle {
  /** Starts this test's `hoist ui` and its page; closed (and checked) after the test. */
  start(options?: UiOptions): Promise<UiHarness>;
  /** The Chromium every test of the file shares. */
  readonly browser: Browser;
  /** A token that must never reach the renderer either (besides alice's), for this test. */
  secret(token: string): void;
  /** Runs after this test, after the harness closed (temp dirs, servers the test made). */
  cleanup(step: () => Promise<void>): void;
}

/**
 * The set-up every UI test file shares, in one place: one Chromium for the file; per test, one
 * `hoist ui` with its page, a screenshot and hoist ui's output when the test failed, the check that
 * no frame the renderer received carried a token, and closing everything. Call once in a describe.
 */
export function uiTestLifecycle(): UiTestLifecycle {
  let browser: Browser | null = null;
  let harness: UiHarness | null = null;
  let secrets: string[] = [];
  let cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async ({ task }) => {
    const ui = harness;
    harness = null;
    try {
      if (ui) {
        if (task.result?.state === 'fail') await ui.failureShot(task.name);
        // Whatever the test did, no frame the renderer received may carry an API token.
        for (const frame of ui.framesReceived) {
          for (const token of [TEST_USERS.alice.token, ...secrets]) expect(frame).not.toContain(token);
        }
      }
    } finally {
      await ui?.close();
      for (const step of cleanups) await step();
      secrets = [];
      cleanups = [];
    }
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('uiTestLifecycle: the browser starts in beforeAll');
      return browser;
    },
    async start(options: UiOptions = {}): Promise<UiHarness> {
      if (!browser) throw new Error('uiTestLifecycle: the browser starts in beforeAll');
      harness = await UiHarness.start(browser, options);
      return harness;
    },
    secret(token: string): void {
      secrets.push(token);
    },
    cleanup(step: () => Promise<void>): void {
      cleanups.push(step);
    },
  };
}
