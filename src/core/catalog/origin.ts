/**
 * The catalog's server key. Sessions name their server by URL (`http://localhost:3000`, `ws://host:3000/`,
 * sometimes with a path); the catalog keys by origin so every session to one server shares its events.
 */

const cache = new Map<string, string>()
const CACHE_MAX = 256

/**
 * `scheme://host[:port]` of a session URL, with `ws:`/`wss:` read as `http:`/`https:` (the same Socket.IO
 * server). A string that is not a URL is kept as is (trimmed, without a trailing `/`), so it still groups.
 * @example catalogOrigin('ws://localhost:3000/socket.io/') // 'http://localhost:3000'
 */
export function catalogOrigin(url: string): string {
  const hit = cache.get(url)
  if (hit !== undefined)
    return hit
  let origin: string
  try {
    const u = new URL(url)
    const protocol = u.protocol === 'ws:' ? 'http:' : u.protocol === 'wss:' ? 'https:' : u.protocol
    origin = u.host ? `${protocol}//${u.host}` : url.trim().replace(/\/+$/, '')
  }
  catch {
    origin = url.trim().replace(/\/+$/, '')
  }
  // Bounded: one entry per distinct session URL in practice; cleared rather than grown without end.
  if (cache.size >= CACHE_MAX)
    cache.clear()
  cache.set(url, origin)
  return origin
}

/** A namespace as the catalog keys it: `/` when empty, always with its leading `/`. */
export function catalogNamespace(namespace: string | undefined | null): string {
  if (!namespace)
    return '/'
  return namespace.startsWith('/') ? namespace : `/${namespace}`
}
