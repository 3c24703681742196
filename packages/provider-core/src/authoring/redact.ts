/**
 * Scrubs secrets from text before it goes into an error message, `details` or an event.
 * Providers build one redactor from their credentials and pass every API-derived string through it.
 */
export type Redactor = (text: string) => string;

const AUTH_HEADER = /(authorization|x-auth-token|x-amz-security-token)(["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi;

export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const known = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => {
    let out = text.replace(AUTH_HEADER, '$1$2$3[redacted]');
    for (const secret of known) out = out.split(secret).join('[redacted]');
    return out;
  };
}
