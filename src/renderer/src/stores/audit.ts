// The Audit screen's data: one category (or all), optionally one event type, newest first, with older pages appended
// on request.
import { create } from 'zustand';
import { DEFAULT_AUDIT_LIMIT, type AuditCategoryName, type AuditEvent } from '../../../shared/audit';
import type { ContractError } from '../../../shared/result';
import { transport } from '../transport';
import { useSession } from './session';
import { isSignInError } from './loadable';

interface AuditState {
  category: AuditCategoryName | null;
  /** Only events of this type; null for every type. */
  eventType: string | null;
  events: AuditEvent[] | null;
  /** Where the next older page starts; null when there is none. */
  cursor: string | null;
  isLoading: boolean;
  error: ContractError | null;
  show(category: AuditCategoryName | null): Promise<void>;
  onlyType(eventType: string | null): Promise<void>;
  /** The newest page again, keeping the area and event type chosen. */
  refresh(): Promise<void>;
  loadOlder(): Promise<void>;
}

export const useAudit = create<AuditState>()((set, get) => {
  async function load(from: string | null): Promise<void> {
    set({ isLoading: true, error: null });
    const { category, eventType } = get();
    const r = await transport.api.audit.list({ limit: DEFAULT_AUDIT_LIMIT, ...(category ? { category } : {}), ...(eventType ? { eventType } : {}), ...(from ? { cursor: from } : {}) });
    // The filter may have changed while this page was on its way: keep only answers for the one shown.
    if (get().category !== category || get().eventType !== eventType) return;
    if (!r.ok) {
      set({ isLoading: false, error: r.error });
      if (isSignInError(r.error)) useSession.getState().expire(r.error);
      return;
    }
    set({ isLoading: false, events: [...(from ? (get().events ?? []) : []), ...r.value.events], cursor: r.value.cursor });
  }

  return {
    category: null,
    eventType: null,
    events: null,
    cursor: null,
    isLoading: false,
    error: null,
    async show(category) {
      set({ category, eventType: null, events: null, cursor: null });
      await load(null);
    },
    async onlyType(eventType) {
      set({ eventType, events: null, cursor: null });
      await load(null);
    },
    async refresh() {
      set({ cursor: null });
      await load(null);
    },
    async loadOlder() {
      const from = get().cursor;
      if (from) await load(from);
    },
  };
});
