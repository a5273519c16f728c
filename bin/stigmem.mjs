#!/usr/bin/env node
// Entry of the `stigmem` command: builds the bundle on first use if `npm install` has not, then runs it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out/cli/stigmem.js');
if (!existsSync(bundle)) await import(pathToFileURL(join(root, 'scripts/build-cli.mjs')).href);
await import(pathToFileURL(bundle).href);
