/**
 * How to start a worker thread whose module `workerName` sits next to the calling module
 * (`moduleUrl`), in one place because it depends on how that module itself was loaded.
 * Built (dist/…/x.js), `<workerName>.js` sits next to it and plain Node runs it.
 * Under vitest (or tsx) the caller is its .ts source, and Node 20 cannot run TypeScript, so the
 * worker is started from `<workerName>.ts` with tsx's loader (a devDependency) registered first.
 * Not `--import tsx`: on Node 20 tsx's entry registers its hooks only on the main thread, so in a
 * worker it silently does nothing ("Unknown file extension .ts"); calling tsx's register() API
 * from a preload does work in a worker.
 */
export function workerEntry(moduleUrl: string, workerName: string): { url: URL; execArgv?: string[] } {
  if (moduleUrl.endsWith('.ts')) {
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const preload = `import { register } from ${JSON.stringify(tsxApi)}; register();`;
    return {
      url: new URL(`./${workerName}.ts`, moduleUrl),
      execArgv: ['--import', `data:text/javascript,${encodeURIComponent(preload)}`],
    };
  }
  return { url: new URL(`./${workerName}.js`, moduleUrl) };
}
