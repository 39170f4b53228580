import { describe, expect, it } from 'vitest';
import { parseConnectTrace, unexpectedConnects } from './connect-trace';

// Lines as strace 6.1 wrote them (`strace -f -qq -e trace=connect -o FILE node -e …`), including the
// deliberate fetch('http://192.0.2.1') (TEST-NET-1) the zero-egress test must catch.
const TRACE = `
25235 connect(19, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("192.0.2.1")}, 16) = -1 EINPROGRESS (Operation now in progress)
25235 connect(20, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)
13119 connect(19, {sa_family=AF_UNIX, sun_path="/var/run/postgresql/.s.PGSQL.5432"}, 110) = 0
13119 connect(20, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)
13568 connect(18, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
13568 connect(18, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0
13570 connect(21, {sa_family=AF_INET, sin_port=htons(6379), sin_addr=inet_addr("127.0.0.1")}, 16 <unfinished ...>
13570 <... connect resumed>) = 0
13571 connect(22, {sa_family=AF_UNSPEC, sa_data="\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0"}, 16) = 0
13571 connect(23, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0
13572 +++ exited with 0 +++
`;

describe('parseConnectTrace', () => {
  it('reads IPv4, IPv6 and unix destinations with their results, skips AF_UNSPEC disconnects', () => {
    const records = parseConnectTrace(TRACE);
    expect(records.map((r) => r.destination)).toEqual([
      '192.0.2.1:80',
      '[2001:db8::1]:8080',
      'unix:/var/run/postgresql/.s.PGSQL.5432',
      '127.0.0.1:5432',
      'unix:/var/run/nscd/socket',
      '10.255.255.53:53',
      '127.0.0.1:6379',
      expect.stringMatching(/^AF_NETLINK:/),
    ]);
    expect(records[0]).toMatchObject({
      pid: 25235,
      family: 'AF_INET',
      result: expect.stringMatching(/^-1 EINPROGRESS/),
    });
    expect(records[6]!.result).toBe(''); // the `<unfinished ...>` half: the address is what matters
  });
});

describe('unexpectedConnects', () => {
  const allowed = { tcp: ['127.0.0.1:5432', '127.0.0.1:6379'] };

  it('lists a deliberate fetch to 192.0.2.1, an IPv6 host, a DNS server and an unknown family', () => {
    const found = unexpectedConnects(parseConnectTrace(TRACE), allowed).map((r) => r.destination);
    expect(found).toEqual([
      '192.0.2.1:80',
      '[2001:db8::1]:8080',
      'unix:/var/run/postgresql/.s.PGSQL.5432',
      '10.255.255.53:53',
      expect.stringMatching(/^AF_NETLINK:/),
    ]);
  });

  it('passes a trace of only configured services (and glibc asking nscd), each listed once', () => {
    const trace = TRACE.split('\n')
      .filter((l) => /127\.0\.0\.1|nscd|resumed/.test(l))
      .join('\n');
    expect(unexpectedConnects(parseConnectTrace(trace), allowed)).toEqual([]);
    const twice = `${TRACE}\n${TRACE}`;
    expect(unexpectedConnects(parseConnectTrace(twice), allowed)).toHaveLength(5);
  });

  it('an allowed unix prefix covers the paths under it only', () => {
    const line = (path: string) =>
      `1 connect(3, {sa_family=AF_UNIX, sun_path="${path}"}, 110) = -1 ENOENT (No such file or directory)`;
    const records = parseConnectTrace([line('/tmp/tsx-0/1.pipe'), line('/tmp/tsx-01.pipe')].join('\n'));
    const found = unexpectedConnects(records, { tcp: [], unixPrefixes: ['/tmp/tsx-0/'] });
    expect(found.map((r) => r.destination)).toEqual(['unix:/tmp/tsx-01.pipe']);
  });

  it('a loopback port that is not a configured service is not allowed', () => {
    const line =
      '1 connect(3, {sa_family=AF_INET, sin_port=htons(3128), sin_addr=inet_addr("127.0.0.1")}, 16) = 0';
    expect(unexpectedConnects(parseConnectTrace(line), allowed).map((r) => r.destination)).toEqual([
      '127.0.0.1:3128',
    ]);
  });
});
