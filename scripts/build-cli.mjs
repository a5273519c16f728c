// Bundles the `stigmem` command (src/main/cli) and the workers it starts for plain Node into out/cli; dependencies
// stay in node_modules.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: {
    stigmem: join(root, 'src/main/cli/index.ts'),
    pageWorker: join(root, 'src/main/node/federation/pageWorker.ts'),
    backupCheckWorker: join(root, 'src/main/node/data/backupCheckWorker.ts'),
  },
  outdir: join(root, 'out/cli'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
