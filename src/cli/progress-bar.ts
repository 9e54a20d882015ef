/** A terminal progress bar on stderr (only when stderr is a TTY), fed by MCP progress notifications. */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(progress: { progress: number; total?: number; message?: string }): void;
  stop(): void;
}

export function createProgressBar(enabled = Boolean(process.stderr.isTTY)): ProgressBar {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} | {message}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: ({ progress, total, message }) => {
      const max = total ?? Math.max(progress, 1);
      if (!started) {
        bar.start(max, progress, { message: message ?? '' });
        started = true;
      } else {
        bar.setTotal(max);
        bar.update(progress, { message: message ?? '' });
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
