import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TRANSLATION_TABLE_END, TRANSLATION_TABLE_START, TRANSLATION_TABLES, renderTranslationTable, withTranslationTables,
} from '../../runtime/proxy/formats/translate/translation-table-markdown';

describe('README translation tables', () => {
  it('are the tables the translators apply (run `npx tsx scripts/translation-table.ts --write` to refresh)', () => {
    // GIVEN the README as committed
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    // WHEN its translation section is regenerated from the field tables
    // THEN nothing changes
    expect(readme).toContain(TRANSLATION_TABLE_START);
    expect(readme).toContain(TRANSLATION_TABLE_END);
    expect(withTranslationTables(readme)).toBe(readme);
  });

  it('show each refused field with the values that pass, and each dropped field', () => {
    const [chatToAnthropic, messagesToOpenAI] = TRANSLATION_TABLES.map(renderTranslationTable);
    expect(chatToAnthropic).toContain('| `n` | refused (400) unless `1` | Anthropic returns one choice per request |');
    expect(chatToAnthropic).toContain('| `seed` | dropped (debug log) |');
    expect(chatToAnthropic).toContain('| `stop` | `stop_sequences` |');
    expect(messagesToOpenAI).toContain('| `tools[].type` | refused (400) unless `"custom"` |');
    expect(messagesToOpenAI).toContain('| `top_k` | dropped (debug log) |');
  });

  it('give every dropped and refused field a reason, and list each field once', () => {
    for (const table of TRANSLATION_TABLES) {
      const fields = table.fields.map((rule) => rule.field);
      expect(new Set(fields).size).toBe(fields.length);
      for (const rule of table.fields) {
        // a reason, written as the README's other notes: no trailing period
        if (rule.fate !== 'mapped') expect(rule.note, `${table.clientApi}: ${rule.field}`).toMatch(/^\S.*[^.\s]$/);
        if (rule.fate === 'mapped') expect(rule.to, `${table.clientApi}: ${rule.field}`).toMatch(/\S/);
      }
    }
  });
});
