// Who a caller is for request quotas, failed-key counts and refusal logs: its IPv4 address, or its IPv6 /64 (a host is
// commonly given a whole /64, so counting single IPv6 addresses would let one caller be 2^64 of them).
import { isIPv4, isIPv6 } from 'node:net';

/** The eight hextets of an IPv6 address, zone dropped, an embedded IPv4 tail turned into two hextets. */
function hextetsOf(ip: string): number[] {
  const bare = ip.replace(/%.*$/, '');
  const [head = '', tail] = bare.split('::') as [string, string | undefined];
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((h) => {
          if (!isIPv4(h)) return [parseInt(h, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = h.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** `req.ip` as the unit quotas and refusal logs count: an IPv4 address (IPv4-mapped ones too) or an IPv6 /64. */
export function callerNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  return `${hextetsOf(ip).slice(0, 4).map((h) => h.toString(16)).join(':')}::/64`;
}
