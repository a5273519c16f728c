// Errors are data: every failure the node reports carries an HTTP status, a machine-readable detail and a stable code.

export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'token_too_large'
  | 'internal_error'
  | (string & {});

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly code: ErrorCode = defaultCode(status),
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

function defaultCode(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'validation_failed';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal_error' : 'bad_request';
  }
}

export const badRequest = (detail: unknown, code?: ErrorCode): HttpError => new HttpError(400, detail, code);
export const unprocessable = (detail: unknown, code?: ErrorCode): HttpError => new HttpError(422, detail, code);
export const forbidden = (detail: unknown, code?: ErrorCode): HttpError => new HttpError(403, detail, code);
export const notFound = (detail: unknown, code?: ErrorCode): HttpError => new HttpError(404, detail, code);
export const conflict = (detail: unknown, code?: ErrorCode): HttpError => new HttpError(409, detail, code);

/** One pydantic-style validation item, the shape reference clients already parse. */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
}

export function validationError(items: ValidationItem[]): HttpError {
  return new HttpError(422, items, 'validation_failed');
}

/** The result envelope of the admin contract (IPC and the console): errors are values, not exceptions. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string): Result<T> => ({ ok: false, error: { code, message } });
