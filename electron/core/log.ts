/**
 * Structured logging for the core and hosts. One line per event on a sink (stderr by
 * default), never on stdout: the gateway's first stdout line is its URL, and the CLI's
 * stdout is data.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to process.stderr. */
  write?: (line: string) => void;
}

export function createLogger(scope: string, options: LoggerOptions = {}): Logger {
  const min = rank[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const make = (name: string): Logger => {
    const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      if (rank[level] < min) return;
      const extra = fields === undefined ? '' : ` ${JSON.stringify(fields)}`;
      write(`${new Date().toISOString()} ${level.padEnd(5)} [${name}] ${message}${extra}\n`);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (child) => make(`${name}/${child}`),
    };
  };
  return make(scope);
}

/** A logger that drops everything: for tests and one-shot CLI commands. */
export const silentLogger: Logger = createLogger('silent', { write: () => undefined, level: 'error' });
