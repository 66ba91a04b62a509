/**
 * Which WeCom accounts (账号, i.e. userids) a spreadsheet adds to a service, and which of its rows
 * are skipped and why. WeCom's admin console (通讯录 → 导出成员) puts a title and notes above the
 * header row and spells the column 账号 or 帐号, so the header is looked for in every row.
 */
import { appSchema } from '../../../../core/config';

/** A spreadsheet cell as the readers give it: text, a number, a date, or nothing. */
export type Cell = unknown;

export type SkipReason = 'duplicate' | 'empty' | 'present' | 'invalid';

export interface SkippedAccount {
  value: string;
  /** 1-based, as the spreadsheet numbers its rows. */
  row: number;
  reason: SkipReason;
}

export interface AccountsImport {
  /** Where the 账号 column was found; null when no row has such a header. */
  header: { row: number; column: number } | null;
  add: string[];
  skipped: SkippedAccount[];
}

/** A userid as the relay accepts it in `app.accounts`. */
const account = appSchema.shape.accounts.unwrap().element;

const ACCOUNT_HEADERS = new Set(['账号', '帐号', 'userid', 'account']);

function text(cell: Cell): string {
  if (cell === null || cell === undefined) {
    return '';
  }
  return (cell instanceof Date ? cell.toISOString() : String(cell)).replace(/^\uFEFF/, '').trim();
}

function findHeader(rows: Cell[][]): AccountsImport['header'] {
  for (const [rowIndex, row] of rows.entries()) {
    const column = row.findIndex((cell) => ACCOUNT_HEADERS.has(text(cell).toLowerCase()));
    if (column >= 0) {
      return { row: rowIndex + 1, column };
    }
  }
  return null;
}

/**
 * `present`: the accounts the service already has. WeCom compares userids case-insensitively, so
 * a spreadsheet's "ZhangSan" is the service's "zhangsan".
 */
export function accountsFromRows(rows: Cell[][], present: readonly string[]): AccountsImport {
  const header = findHeader(rows);
  if (!header) {
    return { header: null, add: [], skipped: [] };
  }
  const known = new Set(present.map((account) => account.toLowerCase()));
  const seen = new Set<string>();
  const add: string[] = [];
  const skipped: SkippedAccount[] = [];
  rows.slice(header.row).forEach((cells, index) => {
    const row = header.row + index + 1;
    if (cells.every((cell) => text(cell) === '')) {
      return;
    }
    const value = text(cells[header.column]);
    const folded = value.toLowerCase();
    const reason: SkipReason | undefined =
      value === ''
        ? 'empty'
        : !account.safeParse(value).success
          ? 'invalid'
          : known.has(folded)
            ? 'present'
            : seen.has(folded)
              ? 'duplicate'
              : undefined;
    if (reason) {
      skipped.push({ value, row, reason });
      return;
    }
    seen.add(folded);
    add.push(value);
  });
  return { header, add, skipped };
}
