// The entity a node acts as for its organisation: STIGMEM_ENTITY_URI, else stigmem://<node URL authority>.
import type { NodeConfig } from './env.js';

export function orgEntityFor(config: NodeConfig): string {
  return config.entityUri ?? `stigmem://${new URL(config.nodeUrl).host}`;
}
