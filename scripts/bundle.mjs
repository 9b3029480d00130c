// Bundles the extension into dist/extension.js, which activation loads, and ssh2 with its crypto into
// dist/ssh2.js, which the first SSH connection loads (src/ssh/connection.ts requires it there): ssh2 is
// 60% of the code and the tree's first frame needs none of it. ssh2's optional native parts
// (cpu-features, the .node crypto binding) stay out: pure JS takes over.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const natives = ['cpu-features', './crypto/build/Release/sshcrypto.node'];
/** `require('ssh2')` in the extension's code becomes `require('./ssh2.js')`, the file next to the bundle. */
const ssh2Apart = {
  name: 'ssh2-apart',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, () => ({ path: './ssh2.js', external: true }));
  },
};
await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outfile: 'dist/extension.js',
  external: ['vscode', ...natives],
  plugins: [ssh2Apart],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: [createRequire(import.meta.url).resolve('ssh2')],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outfile: 'dist/ssh2.js',
  external: natives,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});

// The demo fleet (the simulator, src/demo/demoFleet.ts): its own file, required only when the admin
// starts it, so activation does not load it.
await esbuild.build({
  entryPoints: ['src/demo/demoFleet.ts'],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outfile: 'dist/demoFleet.js',
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});

// `npm run health`: the command-line health report, editor-free (dist/health.js; not in the .vsix).
await esbuild.build({
  entryPoints: ['src/cli/health.ts'],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outfile: 'dist/health.js',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});

// The webviews' scripts: browser bundles with the webview UI toolkit, loaded under a nonce CSP.
await esbuild.build({
  entryPoints: ['src/webviews/ui/ddProgress.ts', 'src/webviews/ui/resizeGrid.ts'],
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  format: 'iife',
  outdir: 'dist/webviews',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});
