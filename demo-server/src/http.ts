/**
 * The HTTP side: an Express 5 app that serves the tutorial page. socket.io attaches to the same
 * http.Server after this app and answers `/socket.io/*` itself (the browser client included).
 */
import type { IncomingMessage } from 'node:http'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { buildDemoAsyncApi } from './asyncapi'

const publicDir = fileURLToPath(new URL('./public/', import.meta.url))

/** Only http(s) links are put on the page: a `javascript:` URL in INSPECTOR_URL must not become a link. */
export function safeHttpUrl(url: string, fallback: string): string {
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : fallback
  }
  catch {
    return fallback
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/**
 * Headers for the page: no inline script, no eval, nothing from elsewhere (the page connects to its own
 * origin only; `'self'` covers same-origin ws: and wss: in current browsers).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': 'default-src \'self\'; script-src \'self\'; style-src \'self\'; img-src \'self\' data:; connect-src \'self\'; object-src \'none\'; base-uri \'none\'; form-action \'none\'; frame-ancestors \'none\'',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
}

export function createHttpApp(options: { inspectorUrl: string }): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS)
    next()
  })
  // The page is read once; the inspector link is the only dynamic part, escaped into an attribute.
  const page = readFileSync(new URL('./public/index.html', import.meta.url), 'utf8')
    .replaceAll('{{INSPECTOR_URL}}', escapeHtml(options.inspectorUrl))
  app.get('/', (_req, res) => {
    res.type('html').send(page)
  })
  // The raw template (with its placeholder) is not a page of its own.
  app.get('/index.html', (_req, res) => {
    res.redirect(301, '/')
  })
  // The demo's AsyncAPI document (issue 17), generated from the event table. A description is public: any page
  // may read it (CORS `*`, no credentials). The Host guard in front of the whole server still applies, so the
  // Host put into `servers` is one we answer to.
  app.get('/asyncapi.json', (req, res) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' })
    res.type('json').send(JSON.stringify(buildDemoAsyncApi({ host: req.headers.host }), null, 2))
  })
  app.use(express.static(publicDir, { index: false }))
  return app
}

/** True for http(s) origins on localhost, 127.0.0.1 or [::1], any port. */
export function isLocalhostOrigin(origin: string): boolean {
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:')
      && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]')
  }
  catch {
    return false
  }
}

/** The origin check for both CORS (polling) and the WebSocket upgrade, which CORS does not cover. */
export function createOriginCheck(corsOrigins: string[] | 'localhost'): (origin: string) => boolean {
  if (corsOrigins === 'localhost')
    return isLocalhostOrigin
  const allowed = new Set(corsOrigins.map(o => o.replace(/\/+$/, '')))
  return origin => allowed.has(origin)
}

/**
 * Requests without Origin (Node clients, curl) pass: the check protects browsers' users, and only
 * browsers send it. A page served by this server (same origin) passes too, but only under a Host name we
 * answer to (`hostAllowed`, checked first): after DNS rebinding, `evil.example`'s page has an Origin that
 * matches its Host as well.
 */
export function isRequestOriginAllowed(req: Pick<IncomingMessage, 'headers'>, check: (origin: string) => boolean, hostAllowed: (host: string | undefined) => boolean): boolean {
  if (!hostAllowed(req.headers.host))
    return false
  const origin = req.headers.origin
  if (origin === undefined)
    return true
  if (check(origin))
    return true
  try {
    return new URL(origin).host === req.headers.host
  }
  catch {
    return false
  }
}
