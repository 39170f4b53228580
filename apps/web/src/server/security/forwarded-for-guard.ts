import http from 'node:http';
import https from 'node:https';
import { getConfig } from '@fjord/config';

/**
 * Without a trusted proxy in front (TRUST_PROXY=false), X-Forwarded-For is whatever the client typed, and
 * Next fills it in from the socket only when it is absent (`??=` in its base server). Dropping the
 * client's header as the request is emitted, before any listener runs, leaves Next to write the socket
 * address: the auth throttles then key on an address the client cannot choose. Installed by
 * instrumentation.ts; returns the undo (tests).
 */
export function installForwardedForGuard(): () => void {
  const restores = [http.Server.prototype, https.Server.prototype].map((proto) => {
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') delete (args[0] as http.IncomingMessage).headers['x-forwarded-for'];
      return Reflect.apply(emit, this, [event, ...args]) as boolean;
    } as typeof emit;
    return () => {
      proto.emit = emit;
    };
  });
  return () => restores.forEach((restore) => restore());
}

/** The guard unless TRUST_PROXY says a proxy in front writes X-Forwarded-For (then its last hop counts). */
export function guardForwardedForUnlessBehindProxy(): void {
  let isBehindProxy = false;
  try {
    isBehindProxy = getConfig().TRUST_PROXY;
  } catch {
    // Bad config fails the first request with its reason; until then, trust no forwarded header.
  }
  if (!isBehindProxy) installForwardedForGuard();
}
