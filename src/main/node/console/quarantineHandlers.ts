// The quarantine screen's operations: the held facts with their values, and the operator's decisions on them, made
// through the same decide() as the moderation routes (one decision row and one audit event per fact).
import type { QuarantinedItem } from '../../../shared/quarantine.js';
import { ok } from '../../../shared/result.js';
import type { Principal } from '../auth/permissions.js';
import { sql } from '../db/sql.js';
import { HttpError } from '../errors.js';
import { countQuarantined, listQuarantineItems, type QuarantineItem } from '../quarantine/listing.js';
import { decide, quarantinedFact } from '../quarantine/moderate.js';
import type { NodeDeps } from '../server/deps.js';
import { displayValue } from './display.js';
import { withValidArgument } from './validArgument.js';

/** Whoever holds the desktop window or the console's admin key acts as the org's admin. */
export function operatorPrincipal(deps: NodeDeps): Principal {
  return { kind: 'admin_console', entityUri: deps.orgEntityUri, permissions: new Set(['admin']), apiKeyId: null };
}

interface ValueRow {
  id: string;
  value_type: string;
  value_v: string;
  scope: string;
  source_trust: number | null;
}

function withValues(deps: NodeDeps, items: QuarantineItem[]): QuarantinedItem[] {
  const rows = deps.db.all<ValueRow>(sql`SELECT id, value_type, value_v, scope, source_trust FROM facts WHERE id IN (SELECT value FROM json_each(${JSON.stringify(items.map((i) => i.fact_id))}))`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return items.map((i) => {
    const v = byId.get(i.fact_id);
    return {
      factId: i.fact_id, entity: i.entity, relation: i.relation, value: v ? displayValue(v.value_type, v.value_v) : '', valueType: v?.value_type ?? '', scope: v?.scope ?? '',
      source: i.source, sourceTrust: v?.source_trust ?? null, receivedFrom: i.received_from, timestamp: i.timestamp, status: i.quarantine_status, reason: i.quarantine_reason,
      decidedBy: i.quarantine_acted_by, decidedAt: i.quarantine_acted_at, decisionReason: i.decision_reason,
    };
  });
}

export const QUARANTINE_HANDLERS = {
  'quarantine:list': withValidArgument('quarantine:list', (deps, args) => {
    const filter = { status: args.status };
    return ok({ items: withValues(deps, listQuarantineItems(deps.db, filter, args.limit, args.offset ?? 0)), total: countQuarantined(deps.db, filter) });
  }),
  'quarantine:decide': withValidArgument('quarantine:decide', (deps, args) => {
    const principal = operatorPrincipal(deps);
    const decided: string[] = [];
    const refused: { factId: string; code: string; message: string }[] = [];
    for (const factId of args.factIds) {
      const fact = quarantinedFact(deps.db, factId);
      if (!fact) {
        refused.push({ factId, code: 'quarantined_fact_not_found', message: 'no quarantined fact has this id' });
        continue;
      }
      try {
        const reason = args.reason ?? (args.action === 'promote' ? 'promoted by the node operator' : '');
        decide(deps, principal, fact, { action: args.action === 'promote' ? 'promoted' : 'rejected', target: null, reason });
        decided.push(factId);
      } catch (e) {
        // One fact refused (decided meanwhile) leaves the others' decisions standing.
        if (!(e instanceof HttpError)) throw e;
        refused.push({ factId, code: e.code, message: e.message });
      }
    }
    return ok({ decided, refused });
  }),
};
