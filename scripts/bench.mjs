// `npm run bench`: builds the CLI (the replication benchmark runs `stigmem serve` processes), bundles test/bench, runs it.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await import(pathToFileURL(join(root, 'scripts/build-cli.mjs')).href);
const outfile = join(root, 'out/bench/bench.js');
await build({ entryPoints: [join(root, 'test/bench/main.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
await import(pathToFileURL(outfile).href);
