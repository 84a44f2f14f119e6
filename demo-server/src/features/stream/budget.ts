/**
 * A server-wide budget of ticks per second, shared by every stream of every socket: 30 sockets asking
 * 50,000/s each would otherwise make 1.5 million emits a second and stall the event loop for seconds.
 * Counted in this process only: each process sends its own sockets' ticks.
 */
export class RateBudget {
  private used = 0

  constructor(readonly total: number) {}

  get available(): number {
    return this.total - this.used
  }

  get inUse(): number {
    return this.used
  }

  /**
   * Takes `asked`, or what is left when that is less but still at least `floor`; returns what was taken,
   * 0 when nothing could be (then nothing is held).
   * @example
   * const budget = new RateBudget(1000)
   * budget.take(600, 100) // 600
   * budget.take(600, 100) // 400
   * budget.take(600, 100) // 0
   */
  take(asked: number, floor: number): number {
    const granted = Math.min(asked, this.available)
    if (granted <= 0 || granted < Math.min(asked, floor))
      return 0
    this.used += granted
    return granted
  }

  /** Gives back what `take` returned (a stream that ended). */
  give(amount: number): void {
    this.used = Math.max(0, this.used - amount)
  }
}
