/**
 * Bundles the host's browser code (bootstrap.tsx with the shared packages, from node_modules) with
 * esbuild, once per run, in memory.
 */
import { build } from 'esbuild';
import path from 'node:path';

export async function bundleHost(): Promise<{ js: string; css: string }> {
  const result = await build({
    entryPoints: [path.join(__dirname, 'bootstrap.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    outdir: '/',
    jsx: 'automatic',
    minify: false,
    sourcemap: false,
    logLevel: 'warning',
    // SystemJS's AMD extra sets window.define for module.js; UMD packages inside the bundle (lodash,
    // moment…) would register with it instead of filling their module.exports.
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis', define: 'undefined' },
    loader: { '.svg': 'text', '.woff2': 'empty', '.woff': 'empty', '.ttf': 'empty' },
  });
  const file = (ext: string) => result.outputFiles.find((output) => output.path.endsWith(ext))?.text ?? '';
  return { js: file('.js'), css: file('.css') };
}
