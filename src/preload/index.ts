// The only thing the page gets from the main process: `window.stigmem`, one method per admin operation, each an
// ipcRenderer.invoke on the operation's channel. No raw ipcRenderer, no Node, no events reach the page.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannelOf, type OperationCall, type OperationName, type StigmemApi } from '../shared/contract';

function invoker<N extends OperationName>(op: N): OperationCall<N> {
  const channel = ipcChannelOf(op);
  // Only the argument crosses; the reply is the handler's result envelope, structured-cloned by Electron.
  return ((arg?: unknown) => ipcRenderer.invoke(channel, arg)) as OperationCall<N>;
}

const stigmem = {
  node: { startup: invoker('node:startup'), status: invoker('node:status') },
  facts: { recent: invoker('facts:recent'), search: invoker('facts:search'), detail: invoker('facts:detail') },
  identity: { publicKey: invoker('identity:publicKey'), overview: invoker('identity:overview'), backup: invoker('identity:backup'), rotate: invoker('identity:rotate'), firstRun: invoker('identity:firstRun') },
  manifest: { current: invoker('manifest:current'), publish: invoker('manifest:publish'), export: invoker('manifest:export') },
  data: { overview: invoker('data:overview'), backup: invoker('data:backup'), progress: invoker('data:progress'), inspect: invoker('data:inspect'), restore: invoker('data:restore'), schedule: invoker('data:schedule') },
  audit: { list: invoker('audit:list') },
  tokens: { list: invoker('tokens:list'), issue: invoker('tokens:issue'), revoke: invoker('tokens:revoke') },
  trust: { list: invoker('trust:list'), set: invoker('trust:set'), clear: invoker('trust:clear') },
  quarantine: { list: invoker('quarantine:list'), decide: invoker('quarantine:decide') },
  peers: { list: invoker('peers:list'), add: invoker('peers:add'), repin: invoker('peers:repin'), remove: invoker('peers:remove') },
} satisfies StigmemApi;

contextBridge.exposeInMainWorld('stigmem', stigmem);
