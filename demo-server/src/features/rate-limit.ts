/**
 * A token bucket per socket: `points` tokens, refilled continuously at `points / perMs`. Per socket and in
 * process memory on purpose: a socket lives in exactly one process, so no shared state is needed. Used by
 * chat (chat, chat:room, chat:direct) and listing (list:*), each with its own bucket and limits.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(private readonly points: number, private readonly perMs: number, private readonly now: () => number = Date.now) {
    this.tokens = points
    this.last = now()
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now()
    this.tokens = Math.min(this.points, this.tokens + (now - this.last) * this.points / this.perMs)
    this.last = now
    if (this.tokens < 1)
      return false
    this.tokens -= 1
    return true
  }
}
