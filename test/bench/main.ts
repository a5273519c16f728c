// `npm run bench`: every figure is a ratio to a baseline measured in the same run on the same machine.
import { benchCrypto } from './crypto.bench.js';
import { benchTokens } from './tokens.bench.js';
import { benchQuarantineListing } from './quarantine.bench.js';
import { benchStorageAndHttp } from './http.bench.js';
import { benchReplication, benchReplicationLag } from './replication.bench.js';
import { benchIngestParts } from './ingest.bench.js';

process.stdout.write(`stigmem bench — node ${process.version}, ${new Date().toISOString()}\n\n`);
benchCrypto();
benchTokens();
process.stdout.write('\n');
const raw = await benchStorageAndHttp();
process.stdout.write('\n');
await benchReplication(raw);
await benchIngestParts(raw);
await benchReplicationLag();
process.stdout.write('\n');
await benchQuarantineListing();
