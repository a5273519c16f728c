// What the HTTP server does before Fastify sees a request: slow or malformed requests get a JSON answer with a
// `detail` and the connection is closed, and open connections are capped so that a flood of idle sockets cannot take
// the file descriptors SQLite, backups and the keychain need.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Headers may be large (16 KiB tokens must reach our own 401, not Node's 431). */
export const MAX_HEADER_BYTES = 64 * 1024;
/** A request's headers and body must have arrived within this time (a 1 MiB body needs ~140 kbit/s). */
export const REQUEST_TIMEOUT_MS = 60_000;
/** More than any organisation's peers, operators and tools hold open at once (the systemd unit allows 8,192 descriptors). */
export const MAX_CONNECTIONS = 2048;

/** The limits above; tests shorten them to see a slow client or a flood met without waiting for the real ones. */
export interface ConnectionLimits {
  requestTimeoutMs: number;
  maxConnections: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS };

/** Options for Node's HTTP(S) server: large headers, Host checked by us, timeouts checked often enough to matter. */
export function serverLimits(limits: ConnectionLimits) {
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    requireHostHeader: false,
    headersTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.round(limits.requestTimeoutMs / 10))),
  };
}

export interface ClientErrorReply {
  status: number;
  detail: string;
  code: string;
}

/** The answer to a request Node's HTTP parser refused, by the parser's error code. */
export function clientErrorReply(errCode: string | undefined, requestTimeoutMs: number): ClientErrorReply {
  switch (errCode) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: `the request's headers and body did not arrive within ${Math.round(requestTimeoutMs / 1000)} s`, code: 'request_timeout' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: `request headers exceed ${MAX_HEADER_BYTES / 1024} KiB`, code: 'headers_too_large' };
    case 'HPE_INVALID_METHOD':
      return { status: 400, detail: 'the request does not start with an HTTP method (HTTPS sent to a plain-HTTP port?)', code: 'bad_http' };
    case 'HPE_INVALID_URL':
      return { status: 400, detail: 'the request target is not a path', code: 'bad_http' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, detail: 'Content-Length is invalid, repeated, or sent with Transfer-Encoding', code: 'bad_http' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, detail: 'Transfer-Encoding is invalid, or sent with Content-Length', code: 'bad_http' };
    case 'HPE_INVALID_CHUNK_SIZE':
      return { status: 400, detail: 'the chunked request body is malformed', code: 'bad_http' };
    default:
      return { status: 400, detail: 'the request is not well-formed HTTP/1.1', code: 'bad_http' };
  }
}

function jsonResponse(status: number, statusText: string, body: string): string {
  return `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large' };

/** Fastify's `clientErrorHandler`: one JSON answer where the socket can still take it, then the connection closes. */
export function clientErrorHandlerFor(requestTimeoutMs: number): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // A response already under way on this socket (a reply sent before the body ended) must not be interleaved.
    const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && current?.headersSent !== true) {
      const r = clientErrorReply(err.code, requestTimeoutMs);
      socket.end(jsonResponse(r.status, STATUS_TEXT[r.status] ?? 'Bad Request', JSON.stringify({ detail: r.detail, code: r.code })));
      // The answer is flushed first; a client that never reads it still loses the connection.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    socket.destroy();
  };
}

/** Node answers an `Expect` it does not know with an empty 417; ours says which. */
export function answerExpectations(server: Server): void {
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify({ detail: `Expect: ${String(req.headers.expect ?? '').slice(0, 100)} is not supported (only 100-continue)`, code: 'expectation_failed' });
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  });
}
