import { accountsFromRows, type Cell } from './accountsFromRows';

const HEADER = ['姓名', '账号', '别名', '部门'];

describe('accountsFromRows', () => {
  test.each<[string, Cell[][], { row: number; column: number } | null]>([
    ['header in the first row', [HEADER], { row: 1, column: 1 }],
    ['header below a title and a notes row', [['成员列表'], ['说明：请勿修改账号'], HEADER], { row: 3, column: 1 }],
    ['the older spelling 帐号', [['部门', '姓名', '帐号']], { row: 1, column: 2 }],
    ['an English export', [['Name', 'UserID']], { row: 1, column: 1 }],
    ['a header cell with spaces around it', [[' 账号 ']], { row: 1, column: 0 }],
    [
      'no account column',
      [
        ['姓名', '手机'],
        ['张三', '13800000000'],
      ],
      null,
    ],
  ])('finds the header: %s', (_name, rows, header) => {
    expect(accountsFromRows(rows, []).header).toEqual(header);
  });

  test('adds each account once and says why every other row is skipped', () => {
    const rows: Cell[][] = [
      ['成员列表'],
      HEADER,
      ['张三', 'zhangsan', '', '运维部'],
      ['李四', 'LiSi', '', '运维部'],
      ['张三（重复）', 'ZhangSan', '', '运维部'],
      ['王五', '', '', '运维部'],
      ['赵六', 'zhao liu', '', '运维部'],
      [null, null, null, null],
      ['钱七', 'qianqi', '', '运维部'],
      ['孙八', 10086, '', '运维部'],
    ];

    expect(accountsFromRows(rows, ['qianqi'])).toEqual({
      header: { row: 2, column: 1 },
      add: ['zhangsan', 'LiSi', '10086'],
      skipped: [
        { value: 'ZhangSan', row: 5, reason: 'duplicate' },
        { value: '', row: 6, reason: 'empty' },
        { value: 'zhao liu', row: 7, reason: 'invalid' },
        { value: 'qianqi', row: 9, reason: 'present' },
      ],
    });
  });

  test('an account the service has, in other letter case, is present', () => {
    expect(accountsFromRows([['账号'], ['ZHANGSAN']], ['zhangsan']).skipped).toEqual([
      { value: 'ZHANGSAN', row: 2, reason: 'present' },
    ]);
  });

  test('nothing to add without a header', () => {
    expect(accountsFromRows([['zhangsan'], ['lisi']], [])).toEqual({ header: null, add: [], skipped: [] });
  });
});
