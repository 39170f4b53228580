import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HOST_IOWAIT_WARN_RATIO, HOST_STEAL_WARN_RATIO } from '@fjord/observability';
import { readFile } from 'node:fs/promises';
import { promtool } from './scrape';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../deploy/observability');

/** deploy/observability as Prometheus itself reads it (Debian's promtool, as in CI). */
describe('Prometheus config and alert rules', () => {
  it('the scrape config and the rules pass promtool check', async () => {
    const config = await promtool(['check', 'config', '--syntax-only', path.join(dir, 'prometheus.yml')]);
    expect(config.code, config.output).toBe(0);
    const rules = await promtool(['check', 'rules', path.join(dir, 'fjord.rules.yml')]);
    expect(rules.code, rules.output).toBe(0);
    expect(rules.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('every alert behaves as its unit test says (promtool test rules)', async () => {
    const result = await promtool(['test', 'rules', path.join(dir, 'fjord.rules.test.yml')]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('the steal and iowait alerts use the console warning thresholds', async () => {
    const rules = await readFile(path.join(dir, 'fjord.rules.yml'), 'utf8');
    expect(rules).toContain(`(fjord_host_cpu_steal_ratio) > ${HOST_STEAL_WARN_RATIO}`);
    expect(rules).toContain(`(fjord_host_cpu_iowait_ratio) > ${HOST_IOWAIT_WARN_RATIO}`);
  });
});
