/**
 * @internal Reads a JSON file that ships inside an npm package. In Node it is resolved with
 * require.resolve and parsed with JSON.parse (fast); elsewhere (a bundler in a browser) it is
 * a dynamic import with a JSON import attribute.
 */
export async function readPackageJson(specifier: string): Promise<unknown> {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltin === 'function') {
    const { createRequire } = getBuiltin('node:module') as typeof import('node:module');
    const { readFileSync } = getBuiltin('node:fs') as typeof import('node:fs');
    const path = createRequire(import.meta.url).resolve(specifier);
    return JSON.parse(readFileSync(path, 'utf8'));
  }
  const mod = await import(/* @vite-ignore */ specifier, { with: { type: 'json' } });
  return mod.default;
}
