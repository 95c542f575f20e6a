import { Redis, type RedisOptions } from 'ioredis';

/** The environment variable holding the Redis URL (keeps a password out of the command line and `ps`). */
export const REDIS_URL_ENV = 'CNNLAB_REDIS_URL';

/** `--queue <url>`, else CNNLAB_REDIS_URL; a clear error when neither names a redis:// or rediss:// URL. */
export function redisUrl(flag?: string | boolean): string {
  const url = typeof flag === 'string' && flag !== '' ? flag : process.env[REDIS_URL_ENV];
  if (!url) throw new Error(`--queue needs a Redis URL (redis://host:6379 or rediss://:password@host:6380), or set ${REDIS_URL_ENV}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`The queue URL is not a URL: ${redactUrl(url)} (use redis://host:6379 or rediss://:password@host:6380)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`The queue URL must start with redis:// or rediss:// (TLS), got ${parsed.protocol}//…`);
  }
  return url;
}

/** The URL as it may be shown: any password (and a user's name with it) replaced by "***". */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    else if (u.username) u.username = '***';
    return u.toString();
  } catch {
    // Not a URL: hide everything between "//" and "@", where credentials would be.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Removes a URL's password from any text (e.g. an error message quoting the URL). */
export function redactIn(text: string, url: string): string {
  let out = text;
  try {
    const u = new URL(url);
    for (const secret of [u.password, decodeURIComponent(u.password)]) if (secret) out = out.split(secret).join('***');
  } catch {
    // nothing to hide
  }
  return out.split(url).join(redactUrl(url));
}

/**
 * An ioredis connection for BullMQ: commands wait (instead of failing) while Redis
 * restarts, and the client reconnects for ever, a little slower each time up to 2 s.
 * rediss:// turns on TLS.
 */
export function connect(url: string, extra: RedisOptions = {}): Redis {
  const tls = url.startsWith('rediss:') ? { tls: {} } : {};
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    ...tls,
    ...extra,
  });
  // Connection errors are retried; an unhandled 'error' event would end the process.
  redis.on('error', () => {});
  return redis;
}
