import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Main and preload run in Node/Electron and keep their dependencies external (native modules such as
// better-sqlite3 and keytar cannot be bundled); the renderer is a plain browser bundle.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          // The app core's utility process (see electron/main/core-process/core-entry.ts).
          'core-process': resolve(__dirname, 'electron/main/core-process/core-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    // Relative asset URLs: hoist ui serves the page under its session's path (/s/<secret>/), and the
    // test setup builds with plain Vite, whose default is '/'.
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // One app served from disk or 127.0.0.1: minified, it loads in a third of the time.
      minify: true,
      emptyOutDir: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
