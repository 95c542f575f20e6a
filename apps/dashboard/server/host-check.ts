import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

/** Names a loopback-bound dashboard answers to. */
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const ANY_INTERFACE = new Set(['0.0.0.0', '::', '']);

const PORT = /^[0-9]{1,5}$/;
/** A DNS name or IPv4 address: labels of letters, digits, '-' and '_' separated by dots (a trailing dot allowed). */
const NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/**
 * The hostname of a Host header (RFC 9110 §7.2: uri-host [":" port]), lower-case, without the port or IPv6
 * brackets ("[::1]:6006" → "::1"); null when the header is not one ("127.0.0.1:6232.evil.example", "", "a b").
 */
export function parseHost(header: string): string | null {
  const h = header.trim().toLowerCase();
  let name: string;
  let port: string | undefined;
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    if (close < 0) return null;
    name = h.slice(1, close);
    const rest = h.slice(close + 1);
    if (rest && !rest.startsWith(':')) return null;
    port = rest ? rest.slice(1) : undefined;
    if (isIP(name) !== 6) return null;
  } else {
    const colon = h.indexOf(':');
    name = colon < 0 ? h : h.slice(0, colon);
    port = colon < 0 ? undefined : h.slice(colon + 1);
    if (!NAME.test(name)) return null;
  }
  if (port !== undefined && !(PORT.test(port) && Number(port) <= 65535)) return null;
  return name.replace(/\.$/, '');
}

/** The hostname of a Host header, or the header lower-cased when it is not a valid one (for messages). */
export function hostnameOf(header: string): string {
  return parseHost(header) ?? header.trim().toLowerCase();
}

export interface HostPolicy {
  /** The interface the server listens on ('0.0.0.0' or '::' for all). */
  bound: string;
  /** More names (or '*' for any) the server may be reached under, e.g. a reverse proxy's. */
  allow?: readonly string[];
}

/**
 * Whether a request's Host header names this server. A DNS-rebinding page reaches a local dashboard under its
 * own domain name, so only the bound address, loopback names and the names allowed with --allow-host pass;
 * on all interfaces ('0.0.0.0'), any IP address passes too (an address cannot be rebound).
 */
export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  if (!header?.trim()) return false;
  const allow = (policy.allow ?? []).map((a) => hostnameOf(a));
  if (allow.includes('*')) return true;
  const name = parseHost(header);
  if (name === null) return false;
  if (name === hostnameOf(policy.bound) || LOOPBACK.includes(name) || name.endsWith('.localhost') || allow.includes(name)) return true;
  return ANY_INTERFACE.has(policy.bound) && isIP(name) !== 0;
}

/** Express middleware answering 403 to a request for another host name. */
export function checkHost(policy: HostPolicy) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (hostAllowed(req.headers.host, policy)) return next();
    const name = hostnameOf(req.headers.host ?? '');
    res.status(403).type('text/plain').send(
      `Host "${name}" is not allowed: this dashboard serves ${policy.bound} and localhost. ` +
      `If you reach it through that name on purpose (a proxy or another machine), start it with --allow-host ${name || '<name>'}.`,
    );
  };
}

/** Scripts, styles and fetches from this origin only; inline styles for Svelte's style: directives. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');
