import { join } from 'node:path';
import { utilityProcess } from 'electron';
import type { SupervisedChild } from './supervisor.js';

/** Starts the app core in Electron's utilityProcess and adapts it to what the supervisor expects. */
export function forkCoreProcess(mainDir: string, log: (line: string) => void): SupervisedChild {
  const child = utilityProcess.fork(join(mainDir, 'core-process.js'), [], {
    serviceName: 'Hoist sync',
    stdio: 'pipe',
  });
  // The core's own stderr (a crash's stack) goes to main's log; tokens never pass through it.
  child.stderr?.on('data', (chunk: Buffer) => log(`core stderr: ${chunk.toString('utf8').trimEnd()}`));
  child.stdout?.on('data', (chunk: Buffer) => log(`core: ${chunk.toString('utf8').trimEnd()}`));
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => {
      child.kill();
    },
  };
}
