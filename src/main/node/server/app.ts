// The node as a Fastify app: plumbing (parsing, validation, errors, auth, OpenAPI) plus each protocol component.
import Fastify, { type FastifyError, type FastifyReply, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { makeAuthHook } from '../auth/hook.js';
import { makeRateLimitHook } from '../auth/rateLimit.js';
import { storageFailureOf } from '../db/storageErrors.js';
import { hostCheckFor } from './hostCheck.js';
import { answerExpectations, clientErrorHandlerFor, CONNECTION_LIMITS, serverLimits, type ConnectionLimits } from './connections.js';
import { serverTlsOptions, type TlsMaterial } from './tls.js';
import { HttpError } from '../errors.js';
import { encodeJson } from '../json/pyjson.js';
import { JsonSyntaxError, parseJsonBytes } from '../json/parse.js';
import type { App, NodeDeps } from './deps.js';
import { toValidationError, validatorCompiler } from './validation.js';
import { registerComponents } from './components.js';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  tls?: TlsMaterial | null;
  /** CONNECTION_LIMITS unless a test shortens them. */
  limits?: Partial<ConnectionLimits>;
  /** Called when closing, after every part of the node has stopped (onClose hooks run last registered first). */
  onStopped?: () => void;
}

export async function buildApp(deps: NodeDeps, opts: AppOptions = {}): Promise<App> {
  const limits = { ...CONNECTION_LIMITS, ...opts.limits };
  // The same limits over HTTPS: Fastify hands `http` options to plain HTTP servers only.
  const server = serverLimits(limits);
  const app = Fastify({
    ...(opts.tls ? { https: { ...serverTlsOptions(opts.tls), ...server } } : {}),
    // Behind a reverse proxy the caller's address (quotas, the failed-key limit) is the one the proxy names.
    ...(deps.config.trustedProxies.length > 0 ? { trustProxy: deps.config.trustedProxies } : {}),
    logger: opts.logger ?? false,
    bodyLimit: deps.config.maxBodyBytes,
    http: server,
    // A client that trickles its request is dropped with a 408 instead of holding a connection for good.
    requestTimeout: limits.requestTimeoutMs,
    clientErrorHandler: clientErrorHandlerFor(limits.requestTimeoutMs),
    // Ids and slugs are case-sensitive; trailing slashes are tolerated like the reference.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    ajv: { customOptions: { coerceTypes: false } },
    // Errors Fastify raises before routing (bad percent-encoding, over-long segments) get our {detail, code} too.
    frameworkErrors: (err, _req, reply) => {
      const isTooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply).code(isTooLong ? 414 : 400).send({ detail: isTooLong ? 'a path segment is too long' : 'the request URL is malformed', code: 'bad_url' });
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.server.maxConnections = limits.maxConnections;
  const stopped = opts.onStopped;
  if (stopped) app.addHook('onClose', async () => stopped());
  answerExpectations(app.server);
  app.decorateRequest('principal', null);
  app.setValidatorCompiler(validatorCompiler);
  app.setSchemaErrorFormatter((errors, dataVar) => toValidationError(dataVar, errors));
  app.setSerializerCompiler(() => (data) => encodeJson(data));
  app.setReplySerializer((payload) => encodeJson(payload));

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([a-z0-9.+-]*\+)?json$/i, { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      return done(new HttpError(415, `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not accepted: send the JSON body unencoded`, 'unsupported_content_encoding') as unknown as FastifyError, undefined);
    }
    const buf = body;
    if (buf.length === 0) return done(null, undefined);
    try {
      done(null, parseJsonBytes(buf));
    } catch (e) {
      const msg = e instanceof JsonSyntaxError ? e.message : 'invalid JSON';
      done(new HttpError(400, `invalid JSON body: ${msg}`, 'invalid_json') as unknown as FastifyError, undefined);
    }
  });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return reply.code(err.status).send({ detail: err.detail, code: err.code });
    }
    const validationErr = (err as FastifyError).validation;
    if (validationErr) {
      const v = toValidationError((err as FastifyError).validationContext ?? 'body', validationErr);
      return reply.code(422).send({ detail: v.detail, code: v.code });
    }
    const status = (err as FastifyError).statusCode ?? 500;
    const code = (err as FastifyError).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ detail: `request body exceeds ${deps.config.maxBodyBytes} bytes`, code: 'body_too_large' });
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ detail: 'Content-Type must be application/json', code: 'unsupported_media_type' });
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send({ detail: 'request body is empty', code: 'invalid_json' });
    if (status >= 400 && status < 500) return reply.code(status).send({ detail: err.message, code: code ?? 'bad_request' });
    const storage = storageFailureOf(err);
    if (storage !== null) {
      req.log.error({ err }, storage.code);
      if (storage.retryAfterS !== null) reply.header('Retry-After', String(storage.retryAfterS));
      return reply.code(storage.status).send({ detail: storage.detail, code: storage.code });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ detail: 'internal error', code: 'internal_error' });
  });

  app.setNotFoundHandler({ preHandler: makeAuthHook(deps) }, (_req, reply) => {
    return reply.code(404).send({ detail: 'Not Found', code: 'not_found' });
  });
  const checkHost = hostCheckFor(deps.config);
  app.addHook('onRequest', async (req) => checkHost(req.raw.httpVersion, req.headers.host));
  app.addHook('onRequest', makeAuthHook(deps));
  app.addHook('onRequest', makeRateLimitHook(deps));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Stigmem node', version: deps.version.product, description: `Stigmem protocol ${deps.version.protocol}` },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await registerComponents(app, deps);
  return app;
}
