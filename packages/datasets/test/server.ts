/**
 * A real HTTP server on 127.0.0.1 for the download tests. Routes (the rest of the path is a
 * file under `root`):
 *   /ok/...        the file (Content-Length set; `delayMs` between 16 KiB chunks)
 *   /404/...       404
 *   /drop/...      Content-Length of the whole file, half of it, then the socket is destroyed
 *   /corrupt/...   the file with one byte flipped
 *   /slow/...      headers, then nothing until the client gives up
 *   /redirect/...  302 to /ok/...
 * `hits` counts requests per path. `extra` may answer other paths first (the Chromium test
 * serves its page and the built packages from the same origin).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestServer {
  url: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startServer(
  root: string,
  options: { delayMs?: number; extra?: (path: string, res: ServerResponse) => boolean } = {},
): Promise<TestServer> {
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(req.url ?? '/');
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (options.extra?.(path, res)) return;
    const [, mode, ...rest] = path.split('/');
    const rel = rest.join('/');
    let body: Buffer;
    try {
      body = readFileSync(join(root, rel));
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    switch (mode) {
      case 'ok': {
        res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
        for (let at = 0; at < body.length; at += 16384) {
          if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
          res.write(body.subarray(at, at + 16384));
        }
        res.end();
        return;
      }
      case 'drop':
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      case 'corrupt': {
        const copy = Buffer.from(body);
        copy[copy.length >> 1] ^= 0xff;
        res.writeHead(200, { 'content-length': copy.length }).end(copy);
        return;
      }
      case 'slow':
        res.writeHead(200, { 'content-length': body.length });
        res.flushHeaders();
        return; // never sends the body
      case 'redirect':
        res.writeHead(302, { location: `/ok/${rel}` }).end();
        return;
      default:
        res.writeHead(404).end('not found');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
