// Signed tokens: base64url(JSON payload) + '.' + base64url(HMAC-SHA256).
import * as crypto from 'crypto';

const SECRET: string = process.env.LOCUS_JWT_SECRET || "dev-only";

export type TokenPayload = Record<string, unknown>;

function sign(data: string): string {
  return crypto.createHmac('sha256', SECRET).update(data).digest('base64url');
}

export function generateToken(payload: TokenPayload, options: { expSeconds?: number } = {}): string {
  const body: TokenPayload = { ...payload };
  if (options.expSeconds !== undefined) {
    body.exp = Math.floor(Date.now() / 1000) + options.expSeconds;
  }
  const head = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
  return head + '.' + sign(head);
}

export function verifyToken(token: string): TokenPayload | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const expected = Buffer.from(sign(parts[0]));
  const given = Buffer.from(parts[1]);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const p = payload as TokenPayload;
  if (typeof p.exp === 'number' && p.exp < Date.now() / 1000) return null;
  return p;
}
