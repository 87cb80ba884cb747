// tsc does not keep the executable bit; npm links the bin either way, but a direct ./dist/... call needs it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/electron/cli/main.js', import.meta.url), 0o755);
