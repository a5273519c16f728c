// The main window's hardening, checked where it is defined (STYLE.md item 7).
import { describe, expect, it, vi } from 'vitest';
import {
  denyAllPermissions,
  hardenWebContents,
  HARDENED_WEB_PREFERENCES,
  isTrustedSenderUrl,
  mainWindowOptions,
  type HardenableContents,
  type PermissionSession,
} from '../../../src/main/desktop/window-options.js';

describe('the main window options', () => {
  it('isolate, sandbox and strip Node from the renderer, with web security on', () => {
    expect(HARDENED_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(Object.isFrozen(HARDENED_WEB_PREFERENCES)).toBe(true);
  });

  it('are what the window is built with, plus the preload', () => {
    const opts = mainWindowOptions({ preload: '/app/out/preload/index.cjs', icon: '/app/resources/icon.png' });
    expect(opts.webPreferences).toEqual({ ...HARDENED_WEB_PREFERENCES, preload: '/app/out/preload/index.cjs' });
    expect(opts.show).toBe(false);
    expect(opts.icon).toBe('/app/resources/icon.png');
  });
});

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (name: string, fn: (event: { preventDefault(): void }, url?: string) => void) => listeners.set(name, fn),
    setWindowOpenHandler: (fn: (details: { url: string }) => { action: string }) => {
      openHandler = fn;
    },
  } as unknown as HardenableContents;
  return { contents, listeners, open: (url: string) => openHandler?.({ url }) };
}

describe('hardenWebContents', () => {
  it('prevents every navigation, redirect and webview', () => {
    const { contents, listeners } = fakeContents();
    hardenWebContents(contents);
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)!(event, 'https://evil.example/');
      expect(event.preventDefault, name).toHaveBeenCalledOnce();
    }
  });

  it('denies window.open for any URL', () => {
    const { contents, open } = fakeContents();
    hardenWebContents(contents);
    for (const url of ['https://example.org/', 'file:///etc/passwd', 'javascript:alert(1)', '']) expect(open(url)).toEqual({ action: 'deny' });
  });
});

describe('denyAllPermissions', () => {
  it('refuses every permission request and check', () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | null = null;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | null = null;
    denyAllPermissions({ setPermissionRequestHandler: (h) => void (request = h), setPermissionCheckHandler: (h) => void (check = h) });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request!(null, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(check!(null, permission)).toBe(false);
    }
  });
});

describe('isTrustedSenderUrl', () => {
  const fileApp = 'file:///opt/stigmem/out/renderer/index.html';

  it('trusts the app page itself', () => {
    expect(isTrustedSenderUrl(fileApp, fileApp)).toBe(true);
    expect(isTrustedSenderUrl(`${fileApp}#/peers`, fileApp)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5173/index.html?x', 'http://localhost:5173/')).toBe(true);
  });

  it('refuses other files, other origins, missing and malformed senders', () => {
    for (const sender of ['file:///tmp/evil.html', 'https://evil.example/', 'http://localhost:5174/', 'data:text/html,hi', 'about:blank', '', null, undefined, 'not a url']) {
      expect(isTrustedSenderUrl(sender, fileApp), String(sender)).toBe(false);
    }
    expect(isTrustedSenderUrl('http://127.0.0.1:5173/', 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSenderUrl(fileApp, 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSenderUrl(fileApp, 'not a url')).toBe(false);
  });
});
