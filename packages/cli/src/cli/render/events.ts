/**
 * Provider events (retries, rate limits, warnings) shown to people on stderr as they happen.
 * Requests and state changes only with --verbose; nothing in JSON mode (stdout is the document,
 * and stderr stays quiet for programs).
 */
import type { StagelyEvent } from '@stagely/provider-core';
import type { Output } from '../output.js';

const seconds = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`);

export function describeEvent(event: StagelyEvent): string | undefined {
  switch (event.type) {
    case 'retry':
      return `${event.provider}: ${event.operation} failed with ${event.code}; retry ${event.attempt} in ${seconds(event.delayMs)}`;
    case 'rate-limit':
      return `${event.provider}: rate limited on ${event.operation}${event.retryAfterMs === undefined ? '' : `, the API asks to wait ${seconds(event.retryAfterMs)}`}`;
    case 'warning':
      return `${event.provider}: ${event.message}${event.instanceId ? ` (${event.instanceId})` : ''}`;
    case 'request':
      return `${event.provider}: ${event.operation}${event.status === undefined ? '' : ` ${event.status}`}${event.durationMs === undefined ? '' : ` ${event.durationMs} ms`}`;
    case 'state':
      return `${event.provider}: ${event.instanceId} is ${event.state} (${event.providerState})`;
    default:
      return undefined;
  }
}

export function renderEvent(out: Output, event: StagelyEvent): void {
  if (out.json) return;
  const quiet = event.type === 'request' || event.type === 'state';
  if (quiet && !out.verbose) return;
  const text = describeEvent(event);
  if (text === undefined) return;
  const c = out.ce;
  const label = event.type === 'warning' ? c.yellow('warning') : event.type === 'rate-limit' || event.type === 'retry' ? c.magenta(event.type) : c.dim(event.type);
  out.note(`${label} ${text}`);
}
