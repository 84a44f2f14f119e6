/**
 * The server view's Worker (see ./admin-host.ts): the admin socket, its model and the flatten run here,
 * the page only renders what this posts. Created by ./admin-transport.ts as a module worker from the
 * page's own origin (`worker-src 'self'` in the served Content-Security-Policy).
 */
import type { FromAdminHost, ToAdminHost } from './admin-protocol'
import { createAdminHost } from './admin-host'

/** The dedicated worker's global, typed by what is used (the UI's tsconfig has the DOM lib, not WebWorker). */
const scope = globalThis as unknown as {
  postMessage: (message: FromAdminHost) => void
  addEventListener: (type: 'message', listener: (event: MessageEvent<ToAdminHost>) => void) => void
}

const host = createAdminHost(message => scope.postMessage(message), { inline: false })
scope.addEventListener('message', event => host.receive(event.data))
scope.postMessage({ type: 'ready' })
