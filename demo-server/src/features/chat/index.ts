/**
 * `chat`, `chat:room`, `chat:direct`: the tutorial's three ways to address a message. A message that fails
 * validation reaches no one but the sender (its error) and the admins (a `warning`, as the tutorial's
 * try/catch does). Delivery counts come from `fetchSockets()`, so they hold across several processes.
 */
import type { ChatMessage } from '../../../../src/shared/demo-events'
import type { DemoSocket, Feature, FeatureContext } from '../../types'
import { ADMINS_ROOM, DEMO_NAMESPACES } from '../../../../src/shared/demo-events'
import { checkRoomId, checkText, handle, reportError, ValidationError } from '../../validate'
import { TokenBucket } from '../rate-limit'

type ChatEvent = 'chat' | 'chat:room' | 'chat:direct'

/** Sends `warning` to the `admins` room of every demo namespace (rooms span processes; a variable would not). */
export function warnAdmins(ctx: FeatureContext, socket: DemoSocket, event: string, message: string): void {
  for (const name of DEMO_NAMESPACES)
    ctx.io.of(name).to(ADMINS_ROOM).emit('warning', { message, from: socket.id, event, namespace: socket.nsp.name })
}

export const chat: Feature = (socket, ctx) => {
  const nsp = socket.nsp
  const bucket = new TokenBucket(ctx.chatRateLimit.points, ctx.chatRateLimit.perMs)
  // One warning per flood, not one per dropped message: the admins must not be flooded in turn.
  let floodReported = false

  const register = (event: ChatEvent, run: (args: unknown[]) => Promise<number>): void => {
    handle(socket, event, ctx.log, async (args, ack) => {
      // The limit is checked first, so a flood of invalid messages is bounded too.
      if (!bucket.take()) {
        const message = `rate limited: at most ${ctx.chatRateLimit.points} chat messages every ${ctx.chatRateLimit.perMs} ms; this one was dropped`
        if (!floodReported) {
          floodReported = true
          warnAdmins(ctx, socket, event, message)
        }
        reportError(socket, event, message, ack)
        return
      }
      floodReported = false
      const delivered = await run(args)
      ack?.({ ok: true, delivered })
    }, { onInvalid: message => warnAdmins(ctx, socket, event, message) })
  }

  register('chat', async ([textArg]) => {
    const text = checkText(textArg, 'text')
    const message: ChatMessage = { from: socket.id, text, at: Date.now() }
    // Emit before the first await: messages go out in the order they came in.
    socket.broadcast.emit('chat', message)
    return (await socket.broadcast.fetchSockets()).length
  })

  register('chat:room', async ([roomArg, textArg]) => {
    const room = checkRoomId(roomArg)
    const text = checkText(textArg, 'text')
    // Like the tutorial's `socket.to(room)`, the sender need not be a member; it never gets its own message.
    socket.to(room).emit('chat', { from: socket.id, text, at: Date.now(), room })
    return (await socket.to(room).fetchSockets()).length
  })

  register('chat:direct', async ([idArg, textArg]) => {
    const to = checkRoomId(idArg, 'socketId')
    const text = checkText(textArg, 'text')
    // Cluster-wide existence check; the id room holds exactly that socket (`enter` refuses socket ids).
    const targets = await nsp.in(to).fetchSockets()
    if (!targets.some(s => s.id === to))
      throw new ValidationError(`unknown socket id "${to.slice(0, 40)}" in namespace ${nsp.name} (socket ids are per namespace)`)
    // `nsp.to`, not `socket.to`: a socket may write to itself (socket.to excludes the sender).
    nsp.to(to).emit('chat', { from: socket.id, text, at: Date.now(), to })
    return 1
  })
}
