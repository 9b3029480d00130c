// XAPI's HTTP handler PUT /import_raw_vdi?session_id=…&vdi=…[&format=raw]: the request body is the
// disk's raw bytes. The host that gets it must see the SR: a master asked for a VDI on another host's
// local SR redirects there (302, before the body is read: the client waits for 100-continue). With
// dom0s the bytes land in the volume's file (an LV of an LVM SR, or the VDI's file on a file SR);
// without, they are counted. Errors are HTTP statuses, as xapi's are.

import type * as http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { HostPlace, SimState, XObject } from './state';

export interface ImportTarget {
  redirect?: string;
  error?: { status: number; text: string };
  vdi?: XObject;
}

/** Checks the request line: session, VDI, format, and which host must take the bytes. */
export function importTarget(place: HostPlace, url: URL, port: number): ImportTarget {
  const pool = place.pool;
  const session = pool.sessions.get(url.searchParams.get('session_id') ?? '');
  if (!session) return { error: { status: 401, text: 'Unauthorised: no valid session_id\n' } };
  // xapi 1.x has no `format` yet: it ignores the parameter and writes the bytes as they come.
  const format = pool.release.importRawVdi.knowsFormat ? url.searchParams.get('format') ?? 'raw' : 'raw';
  if (format !== 'raw') return { error: { status: 400, text: `unsupported format ${format}\n` } };
  const vdi = pool.getOf('VDI', url.searchParams.get('vdi') ?? '') ?? pool.byUuidOf('VDI', url.searchParams.get('vdi') ?? '');
  if (!vdi) return { error: { status: 404, text: 'VDI not found\n' } };
  const sr = pool.getOf('SR', vdi.record.SR as string);
  if (!sr) return { error: { status: 404, text: 'SR not found\n' } };
  if (!sr.record.shared) {
    // A local SR: only its own host can write it.
    const pbd = (sr.record.PBDs as string[]).map((r) => pool.getOf('PBD', r)).find(Boolean);
    const owner = pbd && pool.getOf('host', pbd.record.host as string);
    if (owner && owner.ref !== place.hostRef) {
      const next = new URL(url.href);
      next.hostname = owner.record.address as string;
      next.port = String(port);
      return { redirect: next.href };
    }
  }
  return { vdi };
}

/** Reads the body into the VDI (or counts it) and answers 200 with the byte count. */
export async function importBody(sim: SimState, place: HostPlace, vdi: XObject, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const limit = vdi.record.virtual_size as number;
  let bytes = 0;
  const sink = sim.storage?.rawWriter(place.pool, vdi) ?? new Writable({ write: (_c, _e, done) => done() });
  const meter = new Writable({
    write(chunk: Buffer, _e, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(new Error(`more bytes than the VDI holds (${limit})`));
      if (!sink.write(chunk)) sink.once('drain', () => done());
      else done();
    },
    final(done) {
      sink.end(done);
    },
  });
  // xapi 1.x says "200 OK" first and reads afterwards: the client learns the end from the connection's.
  const early = place.pool.release.importRawVdi.answersBeforeBody;
  if (early) res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' }).flushHeaders();
  try {
    await pipeline(req, meter);
    if (early) res.end();
    else res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${bytes}\n`);
  } catch (e) {
    if (early) {
      sink.destroy();
      res.socket?.destroy(); // the only way xapi 1.x can say it failed: the connection drops
      return;
    }
    sink.destroy();
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`import failed: ${(e as Error).message}\n`);
  }
}
