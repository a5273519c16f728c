// Two validators: bodies are checked exactly as sent (no type coercion); query strings and params are coerced.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaValidationError } from 'fastify';
import { validationError, type ValidationItem } from '../errors.js';

// ajv-formats ships CommonJS with a default export; under ESM interop it arrives as `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const queryAjv = makeAjv(true);

export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }): ValidateFunction {
  return (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema);
}

function locOf(part: string, e: ErrorObject | FastifySchemaValidationError): (string | number)[] {
  const path = (e.instancePath ?? '').split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  const missing = e.keyword === 'required' ? [String((e.params as { missingProperty?: string }).missingProperty ?? '')] : [];
  const extra = e.keyword === 'additionalProperties' ? [String((e.params as { additionalProperty?: string }).additionalProperty ?? '')] : [];
  return [part === 'querystring' ? 'query' : part === 'params' ? 'path' : part, ...path, ...missing, ...extra];
}

/** Fastify's validation failure as the pydantic-style 422 that reference clients parse. */
export function toValidationError(part: string, errors: (ErrorObject | FastifySchemaValidationError)[]) {
  const items: ValidationItem[] = errors.map((e) => ({
    type: e.keyword === 'required' ? 'missing' : e.keyword,
    loc: locOf(part, e),
    msg: e.message ?? 'invalid value',
  }));
  return validationError(items);
}
