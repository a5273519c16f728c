// The audit log for the screens: the same listing as GET /v1/federation/audit, over every category or one.
import { listAudit } from '../audit/log.js';
import { refusalsAsEnvelopes } from './refusals.js';
import { withValidArgument } from './validArgument.js';

export const AUDIT_HANDLERS = {
  'audit:list': withValidArgument('audit:list', (deps, args) =>
    refusalsAsEnvelopes(() => {
      const page = listAudit(deps.db, { categories: args.category ? [args.category] : undefined, limit: args.limit, cursor: args.cursor, peerId: args.peerId, eventType: args.eventType });
      const events = page.entries.map((e) => ({ id: e.id, ts: e.ts, category: e.category, eventType: e.event_type, peerId: e.peer_id, actor: e.actor, subject: e.subject, detail: e.detail }));
      return { events, cursor: page.cursor };
    }),
  ),
};

