import writeXlsxFile from 'write-excel-file';

/** The columns of WeCom's member export (通讯录 → 导出成员), in its order. */
export const WECOM_EXPORT_HEADER = [
  '姓名',
  '账号',
  '别名',
  '职务',
  '部门',
  '性别',
  '手机',
  '座机',
  '个人邮箱',
  '地址',
  '激活状态',
  '禁用状态',
];

export interface ExportedMember {
  name: string;
  account: string;
  department?: string;
  mobile?: string;
}

/**
 * A real xlsx laid out as WeCom's admin console exports members: a title row and a notes row above
 * the header, then one row per member. `accountHeader` is 账号 or the older spelling 帐号.
 */
export async function wecomExportFile(
  members: ExportedMember[],
  { accountHeader = '账号', fileName = '通讯录.xlsx' }: { accountHeader?: string; fileName?: string } = {}
): Promise<File> {
  const header = WECOM_EXPORT_HEADER.map((title) => (title === '账号' ? accountHeader : title));
  const rows = [
    [{ value: '成员列表', fontWeight: 'bold' as const }],
    [{ value: '说明：账号为成员的唯一标识，导入时请勿修改' }],
    header.map((title) => ({ value: title, fontWeight: 'bold' as const })),
    ...members.map((member) =>
      [
        member.name,
        member.account,
        '',
        '工程师',
        member.department ?? '运维部',
        '男',
        member.mobile ?? '13800000000',
        '',
        '',
        '',
        '已激活',
        '启用',
      ].map((value) => (value === '' ? null : { value }))
    ),
  ];
  const blob = (await writeXlsxFile(rows, {})) as Blob;
  return new File([blob], fileName, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}
