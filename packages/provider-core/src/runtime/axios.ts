/**
 * The axios helper for axios-based SDKs (hcloud-js, dots-wrapper): docs/architecture.md, "Provider
 * mechanics". Core has no axios dependency: the instance is taken as a structural type.
 *
 * `instrumentAxios(instance, options)` installs interceptors that, for every request:
 * - put the signal of the current call on it (SDKs that take no AbortSignal run each call inside
 *   `call(operation, signal, fn)`, an AsyncLocalStorage context the interceptor reads);
 * - wait for the provider's rate limiter, and teach it from the answer's `RateLimit-*` headers and
 *   429s;
 * - emit a `request` event (operation, status, duration);
 * - turn every failure into a StagelyError at once (the API's error table, the status, network
 *   codes), so that neither the SDK nor anything above ever holds the raw error with its config and
 *   Authorization header.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Redactor } from '../authoring/redact.js';
import { ApiError, isStagelyError, type StagelyError } from '../contract/errors.js';
import { emit, type EventSink } from '../contract/events.js';
import { abortedError } from './abort.js';
import { errorFromHttpResponse, networkErrorFrom, type HttpErrorOptions } from './http-errors.js';
import { headerBag } from './http-headers.js';
import type { RateLimiter } from './rate-limiter.js';

/** The parts of an axios request config the helper reads and sets. */
export interface AxiosRequestConfigLike {
  method?: string | undefined;
  url?: string | undefined;
  signal?: unknown;
}

export interface AxiosResponseLike {
  status: number;
  headers?: unknown;
  data?: unknown;
  config?: AxiosRequestConfigLike | undefined;
}

/** The parts of an axios error the helper reads; everything else is left behind. */
export interface AxiosErrorLike {
  isAxiosError: true;
  code?: string | undefined;
  message: string;
  config?: AxiosRequestConfigLike | undefined;
  response?: AxiosResponseLike | undefined;
}

interface InterceptorManagerLike<V> {
  // Parameters are `any` on purpose: axios' own types are stricter than a structural type can name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  use(onFulfilled?: ((value: any) => V | Promise<V>) | null, onRejected?: ((error: any) => unknown) | null): unknown;
  clear?(): void;
}

/** An axios instance, structurally (`axios.create()`, hcloud-js' `client.axios`, dots-wrapper's). */
export interface AxiosInstanceLike {
  interceptors: {
    request: InterceptorManagerLike<AxiosRequestConfigLike>;
    response: InterceptorManagerLike<AxiosResponseLike>;
  };
}

export function isAxiosError(value: unknown): value is AxiosErrorLike {
  return typeof value === 'object' && value !== null && (value as { isAxiosError?: unknown }).isAxiosError === true;
}

/** The call a request belongs to. */
export interface HttpCallContext {
  /** The API operation, e.g. `servers.create`. */
  readonly operation: string;
  readonly signal: AbortSignal | undefined;
  /** The call's last HTTP answer, so that a body the SDK cannot model is still readable. */
  response?: { status: number; headers: Record<string, string>; data: unknown };
}

export interface InstrumentAxiosOptions {
  provider: string;
  /** The API's name in messages: `Hetzner API`. */
  api: string;
  events?: EventSink | undefined;
  limiter?: RateLimiter | undefined;
  redact?: Redactor | undefined;
  /** The request time limit set on the instance, for a TimeoutError's `elapsedMs`. */
  timeoutMs?: number | undefined;
  /** The API's error table and body reader (errorFromHttpResponse). */
  errors?: Omit<HttpErrorOptions, 'provider' | 'api' | 'operation' | 'redact'> | undefined;
  /** The API's special cases, before the table: a StagelyError to use, or undefined. */
  mapError?: ((error: AxiosErrorLike, call: HttpCallContext | undefined) => StagelyError | undefined) | undefined;
  /** Drops the SDK's own response interceptors first (hcloud-js turns errors into non-Errors). */
  replaceResponseInterceptors?: boolean | undefined;
}

export interface InstrumentedAxios {
  /**
   * Runs one API call: its requests carry `signal` and are reported as `operation`; whatever it
   * throws comes out a StagelyError.
   */
  call<T>(operation: string, signal: AbortSignal | undefined, fn: (call: HttpCallContext) => Promise<T>): Promise<T>;
  /** Anything thrown by the SDK, axios or the provider, as a StagelyError without secrets. */
  toStagelyError(error: unknown, call?: { operation?: string | undefined; signal?: AbortSignal | undefined }): StagelyError;
}

const STARTED = Symbol('stagely.requestStarted');
type TimedConfig = AxiosRequestConfigLike & { [STARTED]?: number };

export type AxiosErrorMappingOptions = Pick<InstrumentAxiosOptions, 'provider' | 'api' | 'redact' | 'timeoutMs' | 'errors' | 'mapError'>;

/**
 * Anything thrown by an axios-based SDK, axios or the provider, as a StagelyError without secrets:
 * what instrumentAxios maps with, for code that holds a raw error outside a call.
 */
export function errorFromAxios(
  error: unknown,
  options: AxiosErrorMappingOptions,
  call?: { operation?: string | undefined; signal?: AbortSignal | undefined; context?: HttpCallContext | undefined },
): StagelyError {
  const redact = options.redact ?? ((s: string) => s);
  if (isStagelyError(error)) return error;
  if (call?.signal?.aborted) return abortedError(call.signal, options.provider);
  if (isAxiosError(error)) {
    const special = options.mapError?.(error, call?.context);
    if (special) return special;
    if (error.response) {
      return errorFromHttpResponse(error.response, { ...options.errors, provider: options.provider, api: options.api, operation: call?.operation, redact });
    }
    return networkErrorFrom(error.code, error.message, {
      provider: options.provider,
      api: options.api,
      operation: call?.operation,
      timeoutMs: options.timeoutMs,
      redact,
      signal: call?.signal,
    });
  }
  // Not HTTP: the SDK failing on an answer it cannot model, or a bug. No status: ambiguous for a create.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ApiError(`Unexpected failure in the ${options.api} client: ${redact(text)}`, undefined, {
    provider: options.provider,
    details: { operation: call?.operation, unexpected: true },
  });
}

export function instrumentAxios(instance: AxiosInstanceLike, options: InstrumentAxiosOptions): InstrumentedAxios {
  const calls = new AsyncLocalStorage<HttpCallContext>();

  const toStagelyError = (error: unknown, call?: { operation?: string | undefined; signal?: AbortSignal | undefined }): StagelyError =>
    errorFromAxios(error, options, { ...call, context: calls.getStore() });

  const observe = (config: TimedConfig | undefined, response: AxiosResponseLike | undefined): void => {
    const call = calls.getStore();
    if (response && call) call.response = { status: response.status, headers: headerBag(response.headers), data: response.data };
    if (!config) return;
    const started = config[STARTED];
    // Only a request that passed the limiter is marked started; it is answered (or failed) now.
    if (started !== undefined) options.limiter?.observe(response?.headers);
    emit(options.events, {
      type: 'request',
      provider: options.provider,
      operation: call?.operation ?? `${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''}`,
      ...(started === undefined ? {} : { durationMs: Math.round(performance.now() - started) }),
      ...(response === undefined ? {} : { status: response.status }),
    });
  };

  if (options.replaceResponseInterceptors) instance.interceptors.response.clear?.();
  instance.interceptors.request.use(async (config: TimedConfig) => {
    const call = calls.getStore();
    if (call?.signal && !config.signal) config.signal = call.signal;
    await options.limiter?.acquire((config.signal as AbortSignal | undefined) ?? call?.signal);
    config[STARTED] = performance.now();
    return config;
  });
  instance.interceptors.response.use(
    (response: AxiosResponseLike) => {
      observe(response.config as TimedConfig | undefined, response);
      return response;
    },
    (error: unknown) => {
      const call = calls.getStore();
      if (isAxiosError(error)) observe(error.config as TimedConfig | undefined, error.response);
      const mapped = toStagelyError(error, call);
      if (mapped.code === 'RATE_LIMITED' && isAxiosError(error) && error.response) options.limiter?.onRateLimited(mapped.retryAfterMs);
      return Promise.reject(mapped);
    },
  );

  return {
    async call(operation, signal, fn) {
      const context: HttpCallContext = { operation, signal };
      try {
        return await calls.run(context, () => fn(context));
      } catch (error) {
        throw toStagelyError(error, context);
      }
    },
    toStagelyError,
  };
}
