// The main window's security settings in one place (STYLE.md item 7), kept free of Electron imports at runtime so a
// unit test can check them under plain Node.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The renderer is a web page with no Node, isolated from the preload, sandboxed, with web security on. */
export const HARDENED_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} satisfies WebPreferences);

export function mainWindowOptions(paths: { preload: string; icon: string }): BrowserWindowConstructorOptions {
  return {
    width: 1180,
    height: 820,
    minWidth: 720,
    minHeight: 520,
    title: 'Stigmem Desktop',
    icon: paths.icon,
    // Shown once the first paint is ready, so the window never flashes white.
    show: false,
    autoHideMenuBar: true,
    webPreferences: { ...HARDENED_WEB_PREFERENCES, preload: paths.preload },
  };
}

/** The parts of webContents the hardening touches (structural, so tests can pass a fake). */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/** The app is one page: every navigation, redirect, new window and <webview> is refused. */
export function hardenWebContents(contents: HardenableContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface PermissionSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/** Camera, microphone, notifications, geolocation …: the app needs none, so every request is denied. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** True when an IPC message comes from the app's own page (same file, or same origin in development). */
export function isTrustedSenderUrl(senderUrl: string | null | undefined, appUrl: string): boolean {
  if (!senderUrl) return false;
  let sender: URL;
  let app: URL;
  try {
    sender = new URL(senderUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return sender.protocol === 'file:' && sender.pathname === app.pathname;
  return (app.protocol === 'http:' || app.protocol === 'https:') && sender.origin === app.origin;
}
