// Which hosts are loopback: the only ones XAPI may be spoken to over plain http (the simulator).

/** 127.0.0.0/8, ::1 and localhost; brackets around an IPv6 address are allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::1' || h === 'localhost';
}
