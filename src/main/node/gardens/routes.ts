// Garden CRUD and membership (REFERENCE-NODE.md §8.1): /v1/gardens and /v1/gardens/{slug_or_id}/members.
import { recordAudit } from '../audit/log.js';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requirePermission } from '../auth/hook.js';
import type { Permission } from '../auth/permissions.js';
import { isoFromMs } from '../clock.js';
import { conflict, forbidden, HttpError, notFound, unprocessable } from '../errors.js';
import type { App, NodeDeps } from '../server/deps.js';
import { findGarden, gardenAdminRefusal, gardenViewRefusal, memberRole, seesAllGardens, type GardenRow } from './acl.js';
import { quarantineGardenHasPendingFacts } from './pending.js';
import {
  ErrorBody, GardenCreateBody, GardenParams, GardenRecord, MemberAddBody, MemberParams, MemberPatchBody, MemberRecord, SLUG_DETAIL, SLUG_PATTERN,
} from './schemas.js';
import {
  countAdmins, deleteMember, getMember, insertGarden, insertMember, isLiveSlugTaken, isUniqueViolation, listGardens, listMembers,
  markGardenDeleted, toGardenRecord, updateMemberRole,
} from './store.js';

const TAGS = ['gardens'];
const LAST_ADMIN_DETAIL = 'cannot remove or demote the last admin; promote another member first';

/** Route-level permission, checked before the body is validated so a caller without it learns nothing more. */
const needs = (perm: Permission) => async (req: FastifyRequest): Promise<void> => {
  requirePermission(req, perm);
};

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

export function registerGardens(app: App, deps: NodeDeps): void {
  const { db } = deps;
  const now = (): string => isoFromMs(deps.clock.nowMs());
  // Who may see and write a garden's facts changes only with an audit event beside it, in the same transaction.
  const audit = (eventType: string, actor: string, g: { id: string; slug: string }, detail: Record<string, unknown> = {}): void => {
    recordAudit(db, { category: 'admin', eventType, actor, subject: g.id, detail: { slug: g.slug, ...detail } }, deps.clock.nowMs());
  };

  const gardenOr404 = (ref: string): GardenRow => {
    const g = findGarden(db, ref);
    if (!g) throw notFound('garden not found');
    return g;
  };
  const requireGardenAdmin = (req: FastifyRequest, g: GardenRow): string => {
    const who = requirePermission(req, 'read');
    const refusal = gardenAdminRefusal(db, who, g.id);
    if (refusal) throw forbidden(refusal);
    return who.entityUri;
  };

  app.post('/v1/gardens', {
    preValidation: needs('write'),
    schema: {
      tags: TAGS, summary: 'Create a garden; the creator becomes its admin', body: GardenCreateBody,
      response: { 201: GardenRecord, ...errors(401, 403, 409, 422) },
    },
  }, async (req, reply) => {
    const who = requirePermission(req, 'write');
    const slug = req.body.slug.trim().toLowerCase();
    if (!SLUG_PATTERN.test(slug)) throw unprocessable(SLUG_DETAIL);
    if (isLiveSlugTaken(db, slug)) throw conflict('slug already exists');
    let row: GardenRow;
    try {
      row = db.transaction(() => {
        const created = insertGarden(db, {
          slug, name: req.body.name, scope: req.body.scope ?? 'company', description: req.body.description ?? null,
          quarantine: req.body.quarantine ?? false, createdBy: who.entityUri, createdAt: now(),
        });
        audit('garden_created', who.entityUri, created, { scope: created.scope, quarantine: created.quarantine === 1 });
        return created;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('slug already exists');
      throw e;
    }
    return reply.code(201).send(toGardenRecord(deps.config.nodeUrl, row, listMembers(db, row.id)));
  });

  app.get('/v1/gardens', {
    preValidation: needs('read'),
    schema: { tags: TAGS, summary: 'Gardens the caller may see (members omitted)', response: { 200: Type.Array(GardenRecord), ...errors(401, 403) } },
  }, async (req) => {
    const who = requirePermission(req, 'read');
    const rows = listGardens(db, seesAllGardens(who) ? null : who.entityUri);
    return rows.map((r) => toGardenRecord(deps.config.nodeUrl, r, []));
  });

  app.get('/v1/gardens/:slug_or_id', {
    preValidation: needs('read'),
    schema: { tags: TAGS, summary: 'One garden with its members', params: GardenParams, response: { 200: GardenRecord, ...errors(401, 403, 404) } },
  }, async (req) => {
    const who = requirePermission(req, 'read');
    const g = gardenOr404(req.params.slug_or_id);
    const refusal = gardenViewRefusal(db, who, g.id);
    if (refusal) throw forbidden(refusal);
    return toGardenRecord(deps.config.nodeUrl, g, listMembers(db, g.id));
  });

  app.delete('/v1/gardens/:slug_or_id', {
    schema: {
      tags: TAGS, summary: 'Delete a garden (its facts keep their garden id; the slug becomes free)', params: GardenParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const g = gardenOr404(req.params.slug_or_id);
    const by = requireGardenAdmin(req, g);
    db.transaction(() => {
      if (g.quarantine === 1 && quarantineGardenHasPendingFacts(db, g.id)) {
        throw new HttpError(409, 'quarantine_has_pending_facts', 'quarantine_has_pending_facts');
      }
      markGardenDeleted(db, g.id, now());
      audit('garden_deleted', by, g);
    });
    return reply.code(204).send(null);
  });

  app.get('/v1/gardens/:slug_or_id/members', {
    preValidation: needs('read'),
    schema: { tags: TAGS, summary: 'Members of a garden (a bare list)', params: GardenParams, response: { 200: Type.Array(MemberRecord), ...errors(401, 403, 404) } },
  }, async (req) => {
    const who = requirePermission(req, 'read');
    const g = gardenOr404(req.params.slug_or_id);
    const refusal = gardenViewRefusal(db, who, g.id);
    if (refusal) throw forbidden(refusal);
    return listMembers(db, g.id);
  });

  app.post('/v1/gardens/:slug_or_id/members', {
    schema: {
      tags: TAGS, summary: 'Add a member (garden admin)', params: GardenParams, body: MemberAddBody,
      response: { 201: MemberRecord, ...errors(401, 403, 404, 409, 422) },
    },
  }, async (req, reply) => {
    const g = gardenOr404(req.params.slug_or_id);
    const addedBy = requireGardenAdmin(req, g);
    const entityUri = req.body.entity_uri;
    const existing = memberRole(db, g.id, entityUri);
    const alreadyMember = (role: string): HttpError => conflict(`entity is already a member with role '${role}'; use PATCH to change role`);
    if (existing !== null) throw alreadyMember(existing);
    const member: MemberRecord = { entity_uri: entityUri, role: req.body.role ?? 'reader', added_by: addedBy, added_at: now() };
    try {
      db.transaction(() => {
        insertMember(db, g.id, member);
        audit('garden_member_added', addedBy, g, { entity_uri: entityUri, role: member.role });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw alreadyMember(memberRole(db, g.id, entityUri) ?? member.role);
      throw e;
    }
    return reply.code(201).send(member);
  });

  app.get('/v1/gardens/:slug_or_id/members/*', {
    preValidation: needs('read'),
    schema: { tags: TAGS, summary: 'One member of a garden', params: MemberParams, response: { 200: MemberRecord, ...errors(401, 403, 404) } },
  }, async (req) => {
    const who = requirePermission(req, 'read');
    const g = gardenOr404(req.params.slug_or_id);
    const refusal = gardenViewRefusal(db, who, g.id);
    if (refusal) throw forbidden(refusal);
    const member = getMember(db, g.id, req.params['*']);
    if (!member) throw notFound('member not found');
    return member;
  });

  app.patch('/v1/gardens/:slug_or_id/members/*', {
    schema: {
      tags: TAGS, summary: "Change a member's role (garden admin)", params: MemberParams, body: MemberPatchBody,
      response: { 200: MemberRecord, ...errors(401, 403, 404, 422) },
    },
  }, async (req) => {
    const g = gardenOr404(req.params.slug_or_id);
    const by = requireGardenAdmin(req, g);
    const entityUri = req.params['*'];
    return db.transaction(() => {
      const current = getMember(db, g.id, entityUri);
      if (!current) throw notFound('member not found');
      if (current.role === 'admin' && req.body.role !== 'admin' && countAdmins(db, g.id) <= 1) throw forbidden(LAST_ADMIN_DETAIL);
      updateMemberRole(db, g.id, entityUri, req.body.role);
      if (current.role !== req.body.role) audit('garden_member_role_changed', by, g, { entity_uri: entityUri, previous: current.role, role: req.body.role });
      return { ...current, role: req.body.role };
    });
  });

  app.delete('/v1/gardens/:slug_or_id/members/*', {
    schema: { tags: TAGS, summary: 'Remove a member (garden admin)', params: MemberParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } },
  }, async (req, reply) => {
    const g = gardenOr404(req.params.slug_or_id);
    const by = requireGardenAdmin(req, g);
    const entityUri = req.params['*'];
    db.transaction(() => {
      const current = getMember(db, g.id, entityUri);
      if (!current) throw notFound('member not found');
      if (current.role === 'admin' && countAdmins(db, g.id) <= 1) throw forbidden(LAST_ADMIN_DETAIL);
      deleteMember(db, g.id, entityUri);
      audit('garden_member_removed', by, g, { entity_uri: entityUri, role: current.role });
    });
    return reply.code(204).send(null);
  });
}
