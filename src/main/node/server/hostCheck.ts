// Each request's Host header: required by HTTP/1.1 (Node's own refusal has no body, so the check is ours), and on a node
// bound to a loopback address it must name a loopback name or the host the node advertises: a web page that points its
// own DNS name at 127.0.0.1 (DNS rebinding) cannot use the operator's browser to reach it.
import { isLoopbackHost, type NodeConfig } from '../config/env.js';
import { HttpError } from '../errors.js';

/** The hostname a Host header names (lower case, IPv6 without brackets), or null when it names none. */
export function hostnameOf(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 1 ? h.slice(1, end) : null;
  }
  const name = h.split(':')[0] ?? '';
  return name === '' ? null : name;
}

/** The check for each request's Host header; beyond this machine the name is the peers' to choose. */
export function hostCheckFor(config: NodeConfig): (httpVersion: string, hostHeader: string | undefined) => void {
  const isLoopback = isLoopbackHost(config.host);
  const advertised = hostnameOf(new URL(config.nodeUrl).host);
  return (httpVersion, hostHeader) => {
    if (httpVersion === '1.1' && (hostHeader === undefined || hostHeader === '')) throw new HttpError(400, 'an HTTP/1.1 request must carry a Host header', 'missing_host');
    if (!isLoopback || hostHeader === undefined) return; // HTTP/1.0 without Host: no name to rebind
    const name = hostnameOf(hostHeader);
    if (name !== null && (isLoopbackHost(name) || name.endsWith('.localhost') || name === advertised)) return;
    throw new HttpError(403, `this node listens on ${config.host} and answers only requests addressed to localhost, a loopback address or its own URL's host (${advertised ?? 'none'}, STIGMEM_NODE_URL); the Host header named ${JSON.stringify(hostHeader.slice(0, 100))}`, 'host_not_allowed');
  };
}
