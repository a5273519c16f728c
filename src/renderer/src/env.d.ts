// Globals the renderer sees: the preload's `window.stigmem` (absent when the page is served by the headless console).
import type { StigmemApi } from '../../shared/contract';

declare global {
  interface Window {
    readonly stigmem?: StigmemApi;
  }
}
