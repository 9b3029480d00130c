// Bundles the extension into one file (dist/extension.js) so that activation loads a single module.
// ssh2's optional native parts (cpu-features, the .node crypto binding) stay out: pure JS takes over.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outfile: 'dist/extension.js',
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
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
