/**
 * `quiz:start`: the server asks the client and waits for its answer, an ack in the server → client
 * direction with a timeout (`socket.timeout(ms).emit(..., (err, answer) => ...)`, socket.io ≥ 4.4).
 */
import type { Feature } from '../../types'
import { isQuizAnswerCorrect, QUIZ_QUESTION } from '../../../../src/shared/demo-events'
import { handle, ValidationError } from '../../validate'

export const quiz: Feature = (socket, ctx) => {
  // One question at a time per socket, so a client cannot pile up pending acks and timers.
  let pending = false

  handle(socket, 'quiz:start', ctx.log, (_args, ack) => {
    if (pending)
      throw new ValidationError('a quiz is already waiting for its answer')
    pending = true
    ack?.({ ok: true, question: QUIZ_QUESTION })
    socket.timeout(ctx.quizTimeoutMs).emit('quiz', { question: QUIZ_QUESTION }, (err: Error | null, answer: unknown) => {
      pending = false
      if (!socket.connected)
        return
      if (err)
        socket.emit('quiz:result', { timedOut: true })
      else
        socket.emit('quiz:result', { answer, correct: isQuizAnswerCorrect(answer) })
    })
  })
}
