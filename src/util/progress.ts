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

/**
 * A block of status lines redrawn in place at the bottom of a terminal (`seams run`'s live
 * progress): `set` replaces the block, `log` prints a line above it that stays, `clear` erases
 * the block and leaves nothing behind in the scrollback. Each line is cut to the width by the
 * caller (a line that wrapped would break the redraw). The caller gives it on a TTY only.
 */
export interface LiveRegion {
  set(lines: readonly string[]): void;
  log(line: string): void;
  clear(): void;
}

export function createLiveRegion(stream: { write(chunk: string): unknown }): LiveRegion {
  let shown = 0;
  let lines: readonly string[] = [];
  // the cursor stays at the end of the block's last line; erase goes up and clears to the end
  const erase = () => (shown ? `\r${shown > 1 ? `\x1b[${shown - 1}A` : ''}\x1b[J` : '');
  const draw = () => {
    const text = erase() + lines.join('\n');
    shown = lines.length;
    stream.write(text);
  };
  return {
    set(next) {
      lines = next;
      draw();
    },
    log(line) {
      stream.write(`${erase()}${line}\n`);
      shown = 0;
      if (lines.length) draw();
    },
    clear() {
      if (shown) stream.write(erase());
      shown = 0;
      lines = [];
    },
  };
}
