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
    .showHelpAfterError();
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

await buildCli().parseAsync(process.argv);
