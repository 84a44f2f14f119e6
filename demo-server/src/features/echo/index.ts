/**
 * `echo (...args, ack?)`: sends back exactly what came in, every argument, binary included. socket.io
 * hands binary to the server as Buffers (whatever the client sent: ArrayBuffer, typed array, Buffer,
 * nested anywhere) and sends Buffers back as binary attachments, so the bytes round-trip unchanged.
 * Nothing to validate: the size is already capped by `maxHttpBufferSize`.
 */
import type { Feature } from '../../types'
import { handle } from '../../validate'

export const echo: Feature = (socket, ctx) => {
  handle(socket, 'echo', ctx.log, (args, ack) => {
    if (ack)
      ack(...args)
    else
      socket.emit('echo', ...args)
  })
}
