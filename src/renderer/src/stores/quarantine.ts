// The quarantine screen's data: one view (pending, promoted or rejected), the facts chosen, and the decision sent.
import { create } from 'zustand';
import type { QuarantineOutcome, QuarantinePage, QuarantineView } from '../../../shared/quarantine';
import type { ContractError } from '../../../shared/result';
import { transport } from '../transport';
import { idle, isSignInError, loading, settled, type Loadable } from './loadable';
import { useSession } from './session';

export const QUARANTINE_PAGE = 100;

/** Where the last page starts when `total` facts are listed. */
export const lastPageOffset = (total: number): number => Math.max(0, Math.floor((total - 1) / QUARANTINE_PAGE) * QUARANTINE_PAGE);

interface QuarantineState {
  view: QuarantineView;
  /** How many newer facts come before the page shown (0 for the newest page). */
  offset: number;
  page: Loadable<QuarantinePage>;
  selected: ReadonlySet<string>;
  isDeciding: boolean;
  /** What the last decision did, or why it was refused as a whole. */
  outcome: { action: 'promote' | 'reject'; result: QuarantineOutcome } | null;
  decisionError: ContractError | null;
  show(view: QuarantineView): Promise<void>;
  refresh(): Promise<void>;
  /** Show the page starting `offset` facts from the newest; choices do not carry over between pages. */
  goTo(offset: number): Promise<void>;
  toggle(factId: string): void;
  selectAll(on: boolean): void;
  decide(action: 'promote' | 'reject', reason: string): Promise<boolean>;
}

export const useQuarantine = create<QuarantineState>()((set, get) => ({
  view: 'pending',
  offset: 0,
  page: idle(),
  selected: new Set(),
  isDeciding: false,
  outcome: null,
  decisionError: null,

  async show(view) {
    set({ view, offset: 0, page: idle(), selected: new Set(), outcome: null, decisionError: null });
    await get().refresh();
  },

  async refresh() {
    set({ page: loading(get().page) });
    const { view, offset } = get();
    const r = await transport.api.quarantine.list({ status: view, limit: QUARANTINE_PAGE, ...(offset > 0 ? { offset } : {}) });
    if (get().view !== view || get().offset !== offset) return;
    // Decisions can empty the last page: step back to the one that now holds the oldest facts.
    if (r.ok && r.value.items.length === 0 && offset > 0) return get().goTo(lastPageOffset(r.value.total));
    // Keep only choices still on the list (another moderator may have decided some meanwhile).
    const listed = new Set(r.ok ? r.value.items.map((i) => i.factId) : []);
    set({ page: settled(get().page, r), selected: new Set([...get().selected].filter((id) => listed.has(id))) });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
  },

  async goTo(offset) {
    set({ offset: Math.max(0, offset), selected: new Set() });
    await get().refresh();
  },

  toggle(factId) {
    const next = new Set(get().selected);
    if (!next.delete(factId)) next.add(factId);
    set({ selected: next });
  },

  selectAll(on) {
    set({ selected: on ? new Set(get().page.value?.items.map((i) => i.factId) ?? []) : new Set() });
  },

  async decide(action, reason) {
    const factIds = [...get().selected];
    set({ isDeciding: true, decisionError: null, outcome: null });
    const r = await transport.api.quarantine.decide({ factIds, action, ...(reason.trim() !== '' ? { reason: reason.trim() } : {}) });
    set({ isDeciding: false, decisionError: r.ok ? null : r.error, outcome: r.ok ? { action, result: r.value } : null, selected: r.ok ? new Set() : get().selected });
    if (!r.ok && isSignInError(r.error)) useSession.getState().expire(r.error);
    await get().refresh();
    return r.ok;
  },
}));
