/**
 * Sliding one-second window over admitted requests. Refused requests are not counted, so a client that backs
 * off gets through again as soon as the window has room, which is what a retrying client is tested against.
 */
export class RateWindow {
  private times: number[] = [];
  private head = 0;

  constructor(
    private perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  setLimit(perSecond: number): void {
    this.perSecond = perSecond;
  }

  /** True when the request may proceed (and is then counted). */
  tryAdmit(): boolean {
    const now = this.clock();
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - 1000) this.head++;
    // Compact once the dead prefix dominates, keeping the array short without shifting on every call.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    if (this.times.length - this.head >= this.perSecond) return false;
    this.times.push(now);
    return true;
  }
}
