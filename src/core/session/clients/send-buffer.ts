/**
 * "Queue while offline" (../faults.ts): socket.io keeps emits made while disconnected in its socket's
 * `sendBuffer` and sends them in `emitBuffered()` once connected (socket.io-client 4 and 2 alike). This
 * wraps that method so each of our queued emits' `flushed` callback runs just before its packet goes (the
 * session then logs when it was sent, ahead of its frame).
 *
 * @example hookSendBufferFlush(socket, this.queued) // queued: packet → flushed callback
 */
export function hookSendBufferFlush(socket: object, queued: Map<unknown, () => void>): void {
  const internals = socket as { sendBuffer: unknown[], emitBuffered: () => void }
  const emitBuffered = internals.emitBuffered
  internals.emitBuffered = () => {
    for (const packet of internals.sendBuffer) {
      const flushed = queued.get(packet)
      if (flushed) {
        queued.delete(packet)
        flushed()
      }
    }
    emitBuffered.call(socket)
  }
}
