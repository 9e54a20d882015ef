/**
 * Progress of a run: done/total per phase, rate and ETA, with throttled change notifications.
 * Listeners feed MCP progress notifications, the CLI progress bar and the run record.
 */

export interface ProgressSnapshot {
  /** What the run is doing now, e.g. "reading projects" or "creating projects". */
  phase: string;
  done: number;
  /** Unknown while a source is still being counted. */
  total: number | undefined;
  /** Records per second over the current phase. */
  rate: number;
  /** Seconds left in the current phase, when total and rate are known. */
  eta_seconds: number | undefined;
}

export type ProgressListener = (snapshot: ProgressSnapshot) => void;

export class ProgressTracker {
  private phase = 'starting';
  private done = 0;
  private total: number | undefined;
  private phaseStartedAt = Date.now();
  private lastEmitAt = 0;
  /** True when the current state has changed since listeners last saw it (throttled). */
  private pending = false;
  private readonly listeners = new Set<ProgressListener>();

  /** @param minIntervalMs at most one notification per interval (the last state is always delivered by flush). */
  constructor(private readonly minIntervalMs = 250, private readonly now: () => number = Date.now) {}

  /** Starts a new phase; done resets to 0. The previous phase's final count is delivered first. */
  start(phase: string, total?: number): void {
    if (this.pending) this.flush();
    this.phase = phase;
    this.done = 0;
    this.total = total;
    this.phaseStartedAt = this.now();
    this.flush();
  }

  /** Describes what the run is doing now (e.g. the last order done) without resetting the counts. */
  relabel(phase: string): void {
    this.phase = phase;
    this.emit();
  }

  /** Sets or corrects the total of the current phase. */
  setTotal(total: number | undefined): void {
    this.total = total;
    this.emit();
  }

  /** Counts `n` more records done. */
  advance(n = 1): void {
    this.done += n;
    this.emit();
  }

  /** Sets the absolute done count (e.g. when resuming part-way). */
  set(done: number): void {
    this.done = done;
    this.emit();
  }

  snapshot(): ProgressSnapshot {
    const elapsed = Math.max(1, this.now() - this.phaseStartedAt) / 1000;
    const rate = this.done / elapsed;
    const remaining = this.total === undefined ? undefined : Math.max(0, this.total - this.done);
    return {
      phase: this.phase,
      done: this.done,
      total: this.total,
      rate: Math.round(rate * 10) / 10,
      eta_seconds: remaining === undefined || rate <= 0 ? undefined : Math.ceil(remaining / rate),
    };
  }

  onUpdate(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers the current state to every listener now. */
  flush(): void {
    this.lastEmitAt = this.now();
    this.pending = false;
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }

  private emit(): void {
    if (this.now() - this.lastEmitAt >= this.minIntervalMs) this.flush();
    else this.pending = true;
  }
}
