/**
 * Error details made plain data, shared by the sessions and the attach mirror (src/attach/, whose bundle must
 * stay small: this module imports nothing).
 */

/**
 * A bounded, plain copy of an error detail: never keep XHR objects, requests or sockets alive in the log
 * (and keep entries serialisable for the relay and export).
 */
export function plainDetail(v: unknown, depth = 0): unknown {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return v
  if (v instanceof Error) {
    const out: Record<string, unknown> = { name: v.name, message: v.message }
    const ext = v as Error & { description?: unknown, type?: unknown }
    if (ext.type !== undefined)
      out.type = plainDetail(ext.type, depth + 1)
    if (ext.description !== undefined && depth < 3)
      out.description = plainDetail(ext.description, depth + 1)
    return out
  }
  if (typeof v === 'object' && depth < 3) {
    const proto = Object.getPrototypeOf(v)
    if (proto !== Object.prototype && proto !== null && !Array.isArray(v))
      return `[${(v as object).constructor?.name ?? 'object'}]`
    try {
      // Plain JSON-ish values (e.g. `err.data` from a middleware) are cloned; a few KB at most is typical.
      return JSON.parse(JSON.stringify(v)) as unknown
    }
    catch {
      return String(v)
    }
  }
  return String(v)
}
