// The unit quotas and refusal logs count callers by: an IPv4 address, or an IPv6 /64 however it is written.
import { describe, expect, it } from 'vitest';
import { callerNetwork } from '../../../src/main/node/auth/callerNetwork.js';

describe('a caller\'s network', () => {
  it('is the address itself for IPv4, written plainly or mapped into IPv6', () => {
    expect(callerNetwork('192.0.2.7')).toBe('192.0.2.7');
    expect(callerNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(callerNetwork('::FFFF:192.0.2.7')).toBe('192.0.2.7');
  });

  it('is the /64 for IPv6, the same however the address is written', () => {
    const net = '2001:db8:aa:bb::/64';
    for (const ip of ['2001:db8:aa:bb::1', '2001:0db8:00aa:00bb:ffff:ffff:ffff:ffff', '2001:DB8:AA:BB:1:2:3:4', '2001:db8:aa:bb::1%eth0', '2001:db8:aa:bb:0:0:192.0.2.7']) {
      expect(callerNetwork(ip), ip).toBe(net);
    }
    expect(callerNetwork('2001:db8:aa:bc::1')).toBe('2001:db8:aa:bc::/64');
    expect(callerNetwork('::1')).toBe('0:0:0:0::/64');
    expect(callerNetwork('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(callerNetwork('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('leaves anything else as it is', () => {
    expect(callerNetwork('')).toBe('');
    expect(callerNetwork('not an address')).toBe('not an address');
  });
});
