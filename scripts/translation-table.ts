import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTranslationTables, withTranslationTables } from '../runtime/proxy/formats/translate/translation-table-markdown';

// Regenerates README.md's cross-format translation tables from the translators' field tables:
// `npx tsx scripts/translation-table.ts --write` (without --write: print them).
if (require.main === module) {
  const readmePath = join(__dirname, '..', 'README.md');
  if (process.argv.includes('--write')) {
    writeFileSync(readmePath, withTranslationTables(readFileSync(readmePath, 'utf8')));
    console.log('translation-table: README.md updated');
  } else {
    console.log(renderTranslationTables());
  }
}
