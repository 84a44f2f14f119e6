/**
 * `startDemoServer`: a listening demo server, for index.ts, `npm start` and the tests.
 */
import type { DemoServer, DemoServerOptions } from './app'
import http from 'node:http'
import { isWildcardHost } from '../../src/shared/host-check'
import { createDemoServer } from './app'

export interface StartOptions extends DemoServerOptions {
  /**
   * 0 picks a free port.
   * @default 3000
   */
  port?: number
  /**
   * Interface to listen on; also a Host name requests may carry (with `allowedHosts` and the loopback names),
   * unless it is a wildcard (`0.0.0.0`, `::`): then name the public names in `allowedHosts`.
   * @default '127.0.0.1'
   */
  host?: string
}

export interface StartedDemoServer extends DemoServer {
  /** `http://<host>:<port>`, with localhost shown for loopback and wildcard hosts. */
  url: string
  port: number
  httpServer: http.Server
}

/**
 * @example
 * const demo = await startDemoServer({ port: 0, log: () => {} })
 * const socket = io(`${demo.url}/namespace1`)
 * await demo.close()
 */
export async function startDemoServer(options: StartOptions = {}): Promise<StartedDemoServer> {
  const { port = 3000, host = '127.0.0.1', ...demoOptions } = options
  const httpServer = http.createServer()
  const allowedHosts = [...(isWildcardHost(host) ? [] : [host]), ...(demoOptions.allowedHosts ?? [])]
  const demo = createDemoServer(httpServer, { ...demoOptions, allowedHosts })
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(port, host, () => {
        httpServer.off('error', reject)
        resolve()
      })
    })
  }
  catch (err) {
    await demo.close().catch(() => {})
    throw err
  }
  const address = httpServer.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  const shownHost = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === '::1'
    ? (host === '127.0.0.1' ? '127.0.0.1' : 'localhost')
    : host
  return { ...demo, url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actualPort}`, port: actualPort, httpServer }
}
