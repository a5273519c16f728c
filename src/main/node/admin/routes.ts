// GET / PATCH /v1/admin/config (the tutorial's Step 4): which garden is the node-level quarantine sink.
// STIGMEM_QUARANTINE_GARDEN_ID, when set, wins over the stored choice; the response says which one is in force.
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/log.js';
import { requirePermission } from '../auth/hook.js';
import { isoFromMs } from '../clock.js';
import { unprocessable } from '../errors.js';
import { gardenByRef } from '../facts/gardenRef.js';
import { gardenUri } from '../gardens/acl.js';
import { pyFloat } from '../json/pyjson.js';
import { quarantineSink } from '../quarantine/sink.js';
import type { App, NodeDeps } from '../server/deps.js';
import { ConfigPatchBody, ConfigView, errors } from './schemas.js';
import { deleteSetting, getSetting, setSetting, SETTING_QUARANTINE_GARDEN } from './settings.js';

const TAGS = ['admin'];
const ADMIN_REQUIRED = 'admin permission required';

const needsAdmin = async (req: FastifyRequest): Promise<void> => {
  requirePermission(req, 'admin', ADMIN_REQUIRED);
};

export function configView(deps: NodeDeps) {
  const sink = quarantineSink(deps);
  const warnings = sink.warning ? [sink.warning] : [];
  const configured = getSetting(deps.db, SETTING_QUARANTINE_GARDEN);
  if (sink.origin === 'env' && configured !== null && configured !== sink.garden.id) {
    warnings.push('STIGMEM_QUARANTINE_GARDEN_ID is set and overrides the configured quarantine garden until it is unset');
  }
  return {
    quarantine_garden_id: sink.garden.id,
    quarantine_garden: { id: sink.garden.id, slug: sink.garden.slug, name: sink.garden.name, garden_id: gardenUri(deps.config.nodeUrl, sink.garden.slug) },
    quarantine_garden_source: sink.origin,
    configured_quarantine_garden_id: configured,
    trust_mode: deps.config.trustMode,
    quarantine_trust_threshold: pyFloat(deps.config.quarantineThreshold),
    warnings,
  };
}

export function registerAdminRoutes(app: App, deps: NodeDeps): void {
  app.get('/v1/admin/config', {
    preValidation: needsAdmin,
    schema: { tags: TAGS, summary: 'Node configuration an operator may change (admin)', response: { 200: ConfigView, ...errors(401, 403) } },
  }, async () => configView(deps));

  app.patch('/v1/admin/config', {
    preValidation: needsAdmin,
    schema: { tags: TAGS, summary: 'Choose the quarantine garden (admin)', body: ConfigPatchBody, response: { 200: ConfigView, ...errors(401, 403, 422) } },
  }, async (req) => {
    const who = requirePermission(req, 'admin', ADMIN_REQUIRED);
    const ref = req.body.quarantine_garden_id;
    const nowMs = deps.clock.nowMs();
    deps.db.transaction(() => {
      const before = getSetting(deps.db, SETTING_QUARANTINE_GARDEN);
      let chosen: string | null = null;
      if (ref !== null) {
        const garden = gardenByRef(deps.db, ref);
        if (!garden) throw unprocessable('quarantine_garden_id: garden not found', 'garden_not_found');
        if (garden.quarantine !== 1) throw unprocessable('quarantine_garden_id must name a garden created with "quarantine": true', 'not_a_quarantine_garden');
        chosen = garden.id;
        setSetting(deps.db, SETTING_QUARANTINE_GARDEN, chosen, who.entityUri, isoFromMs(nowMs));
      } else deleteSetting(deps.db, SETTING_QUARANTINE_GARDEN);
      recordAudit(deps.db, { category: 'admin', eventType: 'config_changed', actor: who.entityUri, subject: SETTING_QUARANTINE_GARDEN, detail: { previous: before, value: chosen } }, nowMs);
    });
    return configView(deps);
  });
}
