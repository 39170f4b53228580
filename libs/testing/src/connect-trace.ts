/**
 * Every outbound connect() of a process tree, as strace records it (`strace -f -e trace=connect`), and
 * the check the zero-egress test makes of them: each destination is one of the services the test
 * configured, anything else is listed. Pure (parsing and comparing text); the test runs strace.
 */

/** /usr/bin/strace: scripts/services.mjs makes sure Debian's strace is there. */
export const STRACE = '/usr/bin/strace';

/**
 * The command prefix that records every connect() of `node …` and of everything it starts (threads,
 * ffmpeg) into `outFile`. strace blocks fatal signals while it runs a program (-I 3 with -o): stop the
 * traced process itself (tracedPid), and strace exits with it.
 */
export function straceConnectPrefix(outFile: string): string[] {
  return [STRACE, '-f', '-qq', '-e', 'trace=connect', '-o', outFile];
}

export type ConnectRecord = {
  pid: number;
  family: string;
  /** `127.0.0.1:5432`, `[::1]:6379`, `unix:/var/run/nscd/socket`, or the raw address for other families. */
  destination: string;
  /** What connect() returned: `0`, `-1 EINPROGRESS …`, `-1 ENOENT …` (empty when strace cut the line). */
  result: string;
  line: string;
};

const CONNECT = /^(?:\[pid\s+)?(\d+)\]?\s+connect\(\d+,\s*\{sa_family=(\w+)(.*)$/;

function destinationOf(family: string, rest: string): string | undefined {
  if (family === 'AF_INET') {
    const port = /sin_port=htons\((\d+)\)/.exec(rest)?.[1];
    const addr = /sin_addr=inet_addr\("([^"]+)"\)/.exec(rest)?.[1];
    return addr && port ? `${addr}:${port}` : undefined;
  }
  if (family === 'AF_INET6') {
    const port = /sin6_port=htons\((\d+)\)/.exec(rest)?.[1];
    const addr = /inet_pton\(AF_INET6,\s*"([^"]+)"/.exec(rest)?.[1];
    return addr && port ? `[${addr}]:${port}` : undefined;
  }
  if (family === 'AF_UNIX') {
    const path = /sun_path=(@?)"((?:[^"\\]|\\.)*)"/.exec(rest);
    return path ? `unix:${path[1]}${path[2]}` : 'unix:(unnamed)';
  }
  return undefined;
}

/** Every connect() line of an strace output file (one process tree), `<unfinished ...>` ones included. */
export function parseConnectTrace(text: string): ConnectRecord[] {
  const records: ConnectRecord[] = [];
  for (const line of text.split('\n')) {
    const m = CONNECT.exec(line.trim());
    if (!m) continue;
    const [, pid, family, rest] = m as unknown as [string, string, string, string];
    // AF_UNSPEC is how a UDP socket is disconnected (and glibc's address sorting resets its probes):
    // it reaches nobody.
    if (family === 'AF_UNSPEC') continue;
    const result = /\)\s*=\s*(.+)$/.exec(rest)?.[1]?.trim() ?? '';
    records.push({
      pid: Number(pid),
      family,
      destination: destinationOf(family, rest) ?? `${family}:${rest.split('}')[0]!.trim()}`,
      result,
      line: line.trim(),
    });
  }
  return records;
}

export type AllowedDestinations = {
  /** `host:port` (IPv6 as `[::1]:port`) of every configured service: Postgres, Redis, SMTP, receivers… */
  tcp: string[];
  /** AF_UNIX paths, exact. */
  unix?: string[];
  /** AF_UNIX path prefixes (a folder of the test's own, e.g. tsx's IPC pipes). */
  unixPrefixes?: string[];
};

/**
 * glibc's getaddrinfo asks the name service cache daemon first (a local socket; absent here, ENOENT):
 * resolving even `localhost` or a numeric host does it, so it is not a destination in itself. A name
 * that needs DNS shows up as a connect() to the resolver's address, which is not allowed.
 */
export const GLIBC_NSCD_SOCKETS = ['/var/run/nscd/socket', '/run/nscd/socket'];

/** The records whose destination is none of `allowed`, one per distinct destination (the first seen). */
export function unexpectedConnects(records: ConnectRecord[], allowed: AllowedDestinations): ConnectRecord[] {
  const tcp = new Set(allowed.tcp);
  const unix = new Set([...(allowed.unix ?? []), ...GLIBC_NSCD_SOCKETS].map((p) => `unix:${p}`));
  const seen = new Set<string>();
  return records.filter((r) => {
    const ok =
      r.family === 'AF_UNIX'
        ? unix.has(r.destination) ||
          (allowed.unixPrefixes ?? []).some((prefix) => r.destination.startsWith(`unix:${prefix}`))
        : tcp.has(r.destination);
    if (ok || seen.has(r.destination)) return false;
    seen.add(r.destination);
    return true;
  });
}

/** "127.0.0.1:5432 ×3, …": every distinct destination with its count, for assertions and messages. */
export function destinationCounts(records: ConnectRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.destination, (counts.get(r.destination) ?? 0) + 1);
  return counts;
}
