/**
 * Part 5 of `npm run bench` (bench/ui/server-view.ts): @socket.io/admin-ui's own built UI (Vue 2 + Vuetify,
 * shipped in node_modules/@socket.io/admin-ui/ui/dist) served as the inspector's peer in the server view.
 * index.html is rewritten on the way out: the external stylesheets (Google fonts, the icon font on a CDN)
 * are dropped, since the bench has no network and a page waiting on them would measure the network, and
 * the bench driver (./admin-ui-page.ts) is added before the app's own scripts so it can seed localStorage
 * and start its frame and long-task samplers before the app boots. Everything else is served as shipped.
 */
import type { AddressInfo } from 'node:net'
import { existsSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import { extname, join, normalize } from 'node:path'
import { ADMIN_UI_DRIVER_JS } from './admin-ui-page'
import { ROOT } from './shared'

export const ADMIN_UI_DIST = join(ROOT, 'node_modules', '@socket.io', 'admin-ui', 'ui', 'dist')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
}

/** The shipped index.html without its external links, with the driver as the first script. */
export function rewriteAdminUiIndex(html: string): string {
  const withoutExternal = html.replace(/<link[^>]*\shref="https?:\/\/[^"]*"[^>]*>/g, '')
  const at = withoutExternal.indexOf('<script')
  if (at < 0)
    throw new Error('admin-ui index.html has no <script> to put the bench driver before')
  return `${withoutExternal.slice(0, at)}<script src="bench-driver.js"></script>${withoutExternal.slice(at)}`
}

export interface AdminUiServer { url: string, close: () => Promise<void> }

export async function startAdminUiServer(): Promise<AdminUiServer> {
  if (!existsSync(join(ADMIN_UI_DIST, 'index.html')))
    throw new Error(`no admin-ui build at ${ADMIN_UI_DIST} (is @socket.io/admin-ui installed?)`)
  const index = rewriteAdminUiIndex(readFileSync(join(ADMIN_UI_DIST, 'index.html'), 'utf8'))
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0])
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' }).end(index)
      return
    }
    if (path === '/bench-driver.js') {
      res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' }).end(ADMIN_UI_DRIVER_JS)
      return
    }
    const file = normalize(join(ADMIN_UI_DIST, path))
    if (!file.startsWith(ADMIN_UI_DIST) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
