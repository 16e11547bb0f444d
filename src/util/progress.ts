/**
 * Progress for long work: a single rewritten status line on an interactive terminal, nothing at
 * all when stderr is not a TTY or CI is set, so CI logs stay clean.
 */
export interface Progress {
  update(message: string): void;
  done(): void;
}

export function isInteractive(
  stream: { isTTY?: boolean } = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(stream.isTTY) && !env.CI;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!isInteractive(stream)) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(message: string) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[2K${message.slice(0, width)}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
