/**
 * Runtime configuration handed to the page by whoever serves it: the inspector's Node server in
 * production, the dev plugin in vite.config.ts in development. It travels in a `<meta>` tag because the
 * Content-Security-Policy forbids inline script.
 */
export interface RuntimeConfig {
  /** The demo server beside the inspector (`http://localhost:3000`), when there is one. */
  demoUrl?: string
  /** admin-ui credentials for the server view (issue 5). */
  admin?: { url: string, namespace: string, username: string, password: string }
  /** The local relay (issue 8). */
  relay?: { url: string, token: string }
  /**
   * The inspector server's AsyncAPI endpoints (issue 17), absent in `vite` dev mode and for clients on other
   * machines. `parseUrl`: POST the document text (JSON or YAML, ≤ 5 MB) → `parseAsyncApi`'s result;
   * `fetchUrl`: GET `?url=<server URL>` → the server's own `/asyncapi.json` (else `.yaml`) parsed, or
   * `{ found: false, reason }`. Both are relative to the page and want `Authorization: Bearer <token>`
   * (the relay's per-start token). See inspector-ui/server/asyncapi.ts.
   */
  asyncapi?: { parseUrl: string, fetchUrl: string, token: string }
  /**
   * The attach hub (issue 19, inspector-ui/server/attach-hub.ts): apps attach their own socket at `url` +
   * `path` with `token` (`attach(socket, { inspector: url, token, name })`). Absent with `--no-relay`, in
   * `vite` dev mode and for clients on other machines. The page lists and watches attached apps over the relay.
   */
  attach?: { token: string, url: string, path: string }
}

const META_NAME = 'sio-inspector-config'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Keep only the fields with the right shape: the meta tag is input like any other. */
function sanitize(raw: unknown): RuntimeConfig {
  const config: RuntimeConfig = {}
  if (!isRecord(raw))
    return config
  if (typeof raw.demoUrl === 'string' && raw.demoUrl)
    config.demoUrl = raw.demoUrl
  const admin = raw.admin
  if (isRecord(admin) && typeof admin.url === 'string' && typeof admin.namespace === 'string'
    && typeof admin.username === 'string' && typeof admin.password === 'string') {
    config.admin = { url: admin.url, namespace: admin.namespace, username: admin.username, password: admin.password }
  }
  const relay = raw.relay
  if (isRecord(relay) && typeof relay.url === 'string' && typeof relay.token === 'string')
    config.relay = { url: relay.url, token: relay.token }
  const asyncapi = raw.asyncapi
  if (isRecord(asyncapi) && typeof asyncapi.parseUrl === 'string' && typeof asyncapi.fetchUrl === 'string' && typeof asyncapi.token === 'string')
    config.asyncapi = { parseUrl: asyncapi.parseUrl, fetchUrl: asyncapi.fetchUrl, token: asyncapi.token }
  const attach = raw.attach
  if (isRecord(attach) && typeof attach.token === 'string' && typeof attach.url === 'string' && typeof attach.path === 'string')
    config.attach = { token: attach.token, url: attach.url, path: attach.path }
  return config
}

let cached: RuntimeConfig | undefined

/**
 * Read `<meta name="sio-inspector-config" content="{json}">`. A missing or damaged tag gives `{}`.
 *
 * @example
 * const { demoUrl } = loadRuntimeConfig()
 */
export function loadRuntimeConfig(doc: Document | undefined = globalThis.document): RuntimeConfig {
  if (cached && doc === globalThis.document)
    return cached
  let config: RuntimeConfig = {}
  // The last tag wins (a server that appends one overrides any earlier).
  const tags = doc?.querySelectorAll(`meta[name="${META_NAME}"]`)
  const content = tags && tags.length > 0 ? tags[tags.length - 1].getAttribute('content') : undefined
  if (content) {
    try {
      config = sanitize(JSON.parse(content))
    }
    catch {
      console.warn(`[inspector] the ${META_NAME} meta tag is not valid JSON; using defaults`)
    }
  }
  if (doc === globalThis.document)
    cached = config
  return config
}

/** Tests: forget the cached config. */
export function resetRuntimeConfig(): void {
  cached = undefined
}

/** The URL the connect field starts with: the demo server's root namespace, else localhost:3000. */
export function defaultConnectUrl(config: RuntimeConfig = loadRuntimeConfig()): string {
  if (config.demoUrl)
    return config.demoUrl.endsWith('/') ? config.demoUrl : `${config.demoUrl}/`
  return 'http://localhost:3000/'
}
