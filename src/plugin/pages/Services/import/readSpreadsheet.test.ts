import { wecomExportFile } from '../../../test/wecomExport';
import { accountsFromRows } from './accountsFromRows';
import { readSpreadsheet, SpreadsheetError } from './readSpreadsheet';

describe('readSpreadsheet', () => {
  test('reads WeCom’s member export (xlsx) row by row, keeping the rows above the header', async () => {
    const file = await wecomExportFile([
      { name: '张三', account: 'zhangsan' },
      { name: '李四', account: 'lisi' },
    ]);

    const rows = await readSpreadsheet(file);

    expect(rows[0][0]).toBe('成员列表');
    expect(rows[2].slice(0, 2)).toEqual(['姓名', '账号']);
    expect(accountsFromRows(rows, [])).toEqual({
      header: { row: 3, column: 1 },
      add: ['zhangsan', 'lisi'],
      skipped: [],
    });
  });

  test('reads csv', async () => {
    const file = new File(['\uFEFF姓名,帐号,部门\n张三,zhangsan,运维部\n李四,,运维部\n'], 'members.csv', {
      type: 'text/csv',
    });

    const result = accountsFromRows(await readSpreadsheet(file), []);

    expect(result.add).toEqual(['zhangsan']);
    expect(result.skipped).toEqual([{ value: '', row: 3, reason: 'empty' }]);
  });

  test.each([
    ['members.txt', 'unsupported'],
    ['broken.xlsx', 'unreadable'],
  ])('%s is refused as %s', async (name, reason) => {
    const rejection = readSpreadsheet(new File(['not a spreadsheet'], name));

    await expect(rejection).rejects.toBeInstanceOf(SpreadsheetError);
    await expect(rejection).rejects.toMatchObject({ reason });
  });
});
