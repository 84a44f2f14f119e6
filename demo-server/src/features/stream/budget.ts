/**
 * A server-wide budget of ticks per second, shared by every stream of every socket: 30 sockets asking
 * 50,000/s each would otherwise make 1.5 million emits a second and stall the event loop for seconds.
 * Counted in this process only: each process sends its own sockets' ticks.
 *
 * **Fair shares (max-min).** Every stream holds a claim for the rate it asked. The budget is shared out by
 * water-filling: streams that ask less than an equal share get all they ask, the others split the rest
 * equally. A new stream therefore always gets an answer `{ok: true, rate}` with its share (not "nothing is
 * left" because the first stream took everything): the running streams are cut to make room and told so
 * (`onChange`), and they get their share back when a stream ends. Only when a new stream's share would fall
 * under a floor (`STREAM_MIN_RATE` or what it asked, whichever is less) is it refused, and nothing changes.
 * Rates are whole ticks per second and always add up to `total` at most.
 */

/** One stream's claim on the budget: what it asked and what it has now. */
export interface RateClaim {
  readonly requested: number
  readonly granted: number
}

interface Claim extends RateClaim {
  granted: number
  readonly onChange: (granted: number) => void
}

/**
 * Max-min fair shares of `total` for `requests` (whole numbers), in the order given: a request under an equal
 * share of what is left gets all of it, the rest share equally. The shares add up to `total` at most.
 *
 * @example fairShares([600, 600, 200], 1000) // [400, 400, 200]
 */
export function fairShares(requests: readonly number[], total: number): number[] {
  const order = requests.map((_, i) => i).sort((x, y) => requests[x] - requests[y])
  const shares = Array.from<number>({ length: requests.length }).fill(0)
  let left = Math.max(0, Math.floor(total))
  order.forEach((index, k) => {
    const share = Math.min(requests[index], Math.floor(left / (order.length - k)))
    shares[index] = share
    left -= share
  })
  return shares
}

export class RateBudget {
  private readonly claims: Claim[] = []

  constructor(readonly total: number) {}

  /** Ticks per second granted now, every stream together. */
  get inUse(): number {
    return this.claims.reduce((sum, c) => sum + c.granted, 0)
  }

  get available(): number {
    return this.total - this.inUse
  }

  /** Streams holding a claim. */
  get streams(): number {
    return this.claims.length
  }

  /**
   * What a new stream asking `asked` would get now (its fair share), without taking it.
   * @example new RateBudget(1000).shareFor(600) // 600
   */
  shareFor(asked: number): number {
    return fairShares([...this.claims.map(c => c.requested), asked], this.total).at(-1) ?? 0
  }

  /**
   * Claims a fair share for a stream that asks `asked`; returns the claim (`granted` is its rate), or
   * `undefined` when that share would be under `min(asked, floor)` (then nothing changes). Running streams
   * whose share changes are told through their `onChange`, the new one is not (its caller has `granted`).
   * @example
   * const budget = new RateBudget(1000)
   * budget.join(600, 100, rate => {})!.granted // 600
   * budget.join(600, 100, rate => {})!.granted // 500 (the first stream's onChange gets 500)
   */
  join(asked: number, floor: number, onChange: (granted: number) => void): RateClaim | undefined {
    const share = this.shareFor(asked)
    if (share <= 0 || share < Math.min(asked, floor))
      return undefined
    const claim: Claim = { requested: asked, granted: share, onChange }
    this.claims.push(claim)
    this.rebalance(claim)
    return claim
  }

  /** Gives back a claim (a stream that ended); the streams that were cut get their share back. */
  leave(claim: RateClaim): void {
    const at = this.claims.indexOf(claim as Claim)
    if (at < 0)
      return
    this.claims.splice(at, 1)
    this.rebalance(undefined)
  }

  /** Shares out the budget again and tells every claim but `quiet` whose share changed. */
  private rebalance(quiet: Claim | undefined): void {
    const shares = fairShares(this.claims.map(c => c.requested), this.total)
    const changed: Claim[] = []
    this.claims.forEach((c, i) => {
      if (c.granted !== shares[i]) {
        c.granted = shares[i]
        if (c !== quiet)
          changed.push(c)
      }
    })
    // After every share is set: a listener that reads the budget sees the new state.
    for (const c of changed) c.onChange(c.granted)
  }
}
