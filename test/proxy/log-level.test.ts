/** `pc log --level` as istioctl reads it (proxy-debugging.md §2.1.2): what is set, per logger. */
import { describe, expect, it } from 'vitest';
import { parseLogLevels } from '../../src/proxy/log-level.js';

const LOGGERS = 'active loggers:\n  admin: warning\n  http: info\n  upstream: info\n';
const levels = (spec: string) => Object.fromEntries(parseLogLevels(spec, LOGGERS));

describe('parseLogLevels', () => {
  it('a plain level sets every logger; warn is sent as warning', () => {
    expect(levels('debug')).toEqual({ level: 'debug' });
    expect(levels('warn')).toEqual({ level: 'warning' });
    expect(levels('off')).toEqual({ level: 'off' });
  });

  it('logger:level and logger=level set one logger; a namespace:: prefix is ignored', () => {
    expect(levels('http:debug,admin=warn')).toEqual({ http: 'debug', admin: 'warning' });
    expect(levels('envoy::upstream:trace')).toEqual({ upstream: 'trace' });
    expect(levels('info,http:debug')).toEqual({ level: 'info', http: 'debug' });
  });

  it('a plain level after logger levels replaces them', () => {
    expect(levels('http:debug,error')).toEqual({ level: 'error' });
  });

  it.each([
    ['loud', 'unrecognized logging level: loud'],
    ['http:loud', 'unrecognized logging level: loud'],
    ['nosuchlogger:debug', 'unrecognized logger name: nosuchlogger'],
  ])('%s is refused: %s', (spec, message) => {
    expect(() => parseLogLevels(spec, LOGGERS)).toThrow(message);
  });
});
