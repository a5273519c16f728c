// The `stigmem` command line.
import { Command } from 'commander';
import { PRODUCT_VERSION, PROTOCOL_VERSION, SPEC_VERSION } from '../node/version.js';
import { serveCommand } from './serve.js';
import { configureConformanceCommand } from './conformance.js';
import { configureFactsCommand } from './facts.js';
import { configureCeremonyCommand } from './ceremony.js';
import { configureIdentityCommand } from './identity.js';
import { configureManifestCommand } from './manifest.js';
import { configureDataCommand } from './data.js';
import { configureAuditCommand } from './audit.js';
import { configureStatusCommand } from './status.js';

export function buildCli(): Command {
  const program = new Command();
  program
    .name('stigmem')
    .description('Stigmem Desktop: a node of the Stigmem federated fact-memory protocol')
    .version(`stigmem-desktop ${PRODUCT_VERSION} (protocol ${PROTOCOL_VERSION}, spec ${SPEC_VERSION})`, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    // A command line that cannot run exits 2, as each command's own refusals of its input do; 1 means a check failed.
    // Set before the commands are added, which inherit it.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  program.command('serve').description('run the node headless (configured by STIGMEM_* variables and ./.env)').action(serveCommand);
  configureConformanceCommand(program.command('conformance'));
  configureFactsCommand(program.command('facts'));
  configureCeremonyCommand(program.command('ceremony'));
  configureIdentityCommand(program.command('identity'));
  configureManifestCommand(program.command('manifest'));
  configureDataCommand(program.command('data'));
  configureAuditCommand(program.command('audit'));
  configureStatusCommand(program.command('status'));
  return program;
}

// A reader that stops early (`stigmem … | head`): a step under way stops and cleans up as on Ctrl-C, and the command ends
// without a stack trace (141, as a process ended by SIGPIPE, when no step was under way).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (!process.emit('SIGINT', 'SIGINT')) process.exit(141);
  });
}

await buildCli().parseAsync(process.argv);
