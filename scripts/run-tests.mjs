// Runs every check Hoist has and ends with one line CI can read: "N passed, N failed, N skipped".
// Typecheck and lint count as one check each; vitest's counts come from its JSON report.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  process.stdout.write(`\n=== ${label}: ${[command, ...args].join(' ')}\n`);
  const outcome = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return outcome.status === 0;
}

function check(label, command, args) {
  if (run(label, command, args)) results.passed++;
  else {
    results.failed++;
    failures.push(label);
  }
}

check('typecheck (node)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
check('typecheck (renderer)', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']);
check('lint', 'npx', ['eslint', '.']);
check('format', 'npx', ['prettier', '--check', '.']);
// The desktop app's bundles (main, preload, renderer) build without the Electron binary; packaging
// itself needs a download (test/unit/shell-packaging.test.ts checks its configuration instead).
check('desktop build', 'npx', ['electron-vite', 'build']);

mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
rmSync(report, { force: true });
const vitestOk = run('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
]);
if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += summary.numPassedTests;
  results.failed += summary.numFailedTests;
  results.skipped += summary.numPendingTests + summary.numTodoTests;
  // A suite that fails to load has no tests to count; it still is a failure.
  const brokenSuites = summary.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  );
  results.failed += brokenSuites.length;
  for (const suite of brokenSuites) failures.push(`suite failed to run: ${suite.name}`);
  if (!vitestOk && summary.numFailedTests === 0 && brokenSuites.length === 0) {
    results.failed++;
    failures.push('vitest exited non-zero (see output above)');
  }
} else {
  results.failed++;
  failures.push('vitest produced no report');
}

if (failures.length > 0) process.stdout.write(`\nFailed: ${failures.join('; ')}\n`);
process.stdout.write(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped\n`);
process.exit(results.failed > 0 ? 1 : 0);
