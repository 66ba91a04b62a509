/**
 * The rows of an uploaded spreadsheet: xlsx (first sheet) or csv. Nothing is interpreted here.
 * The readers load with the first file chosen, not with the service page.
 */
import type { Cell } from './accountsFromRows';

export class SpreadsheetError extends Error {
  constructor(readonly reason: 'unsupported' | 'unreadable') {
    super(reason);
    this.name = 'SpreadsheetError';
  }
}

export function spreadsheetKind(file: File): 'xlsx' | 'csv' | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx') || file.type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') {
    return 'xlsx';
  }
  if (name.endsWith('.csv') || file.type === 'text/csv') {
    return 'csv';
  }
  return undefined;
}

function readAs<T extends ArrayBuffer | string>(file: File, as: 'buffer' | 'text'): Promise<T> {
  // FileReader rather than File.arrayBuffer()/text(): the older browsers Grafana supports have it.
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as T);
    reader.onerror = () => reject(reader.error);
    if (as === 'buffer') {
      reader.readAsArrayBuffer(file);
    } else {
      reader.readAsText(file);
    }
  });
}

export async function readSpreadsheet(file: File): Promise<Cell[][]> {
  const kind = spreadsheetKind(file);
  if (!kind) {
    throw new SpreadsheetError('unsupported');
  }
  // The readers load here, not inside the try: one that fails to load is not an unreadable file.
  if (kind === 'xlsx') {
    const { default: readXlsxFile } = await import('read-excel-file');
    return unreadableOnError(async () => readXlsxFile(await readAs<ArrayBuffer>(file, 'buffer')));
  }
  const { default: Papa } = await import('papaparse');
  return unreadableOnError(
    async () => Papa.parse<string[]>(await readAs<string>(file, 'text'), { skipEmptyLines: false }).data
  );
}

async function unreadableOnError<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch {
    throw new SpreadsheetError('unreadable');
  }
}
