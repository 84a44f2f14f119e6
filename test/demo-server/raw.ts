/**
 * A raw Engine.IO/Socket.IO client over `ws`, for tests that must send what socket.io-client never would.
 */
import { WebSocket } from 'ws'

export class RawClient {
  readonly ws: WebSocket
  readonly received: string[] = []
  readonly closed: Promise<{ code: number, reason: string }>
  private waiters: Array<{ match: (frame: string) => boolean, resolve: (frame: string) => void }> = []

  constructor(baseUrl: string, options: { answerPings?: boolean } = {}) {
    this.ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`)
    this.closed = new Promise(resolve => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    this.ws.on('error', () => {}) // a refused or reset connection shows up as `closed`
    this.ws.on('message', (data, isBinary) => {
      const frame = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString()
      if (frame === '2' && options.answerPings !== false)
        this.ws.send('3')
      this.received.push(frame)
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame))
          return true
        w.resolve(frame)
        return false
      })
    })
  }

  /** Resolves with the first frame (already received or coming) that starts with `prefix`. */
  next(prefix: string, timeoutMs = 2000): Promise<string> {
    const seen = this.received.find(f => f.startsWith(prefix))
    if (seen)
      return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame starting with ${prefix}; got ${JSON.stringify(this.received.slice(-5))}`)), timeoutMs)
      this.waiters.push({ match: f => f.startsWith(prefix), resolve: (f) => {
        clearTimeout(timer)
        resolve(f)
      } })
    })
  }

  /** Waits for the Engine.IO open packet, then connects to `nsp` and waits for the CONNECT reply. */
  async open(nsp = '/'): Promise<void> {
    await this.next('0{')
    this.send(nsp === '/' ? '40' : `40${nsp},`)
    await this.next(nsp === '/' ? '40{' : `40${nsp},{`)
  }

  send(frame: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN)
      this.ws.send(frame)
  }

  close(): void {
    this.ws.terminate()
  }
}
