import React, { type FormEvent, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Alert, Button, FileUpload, Stack, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../testIds';
import { accountsFromRows, type AccountsImport, type SkipReason } from './accountsFromRows';
import { readSpreadsheet, SpreadsheetError } from './readSpreadsheet';
import { verbatim } from '../../../utils/i18n';

interface Props {
  /** The accounts the form has now: a file's row for one of them is skipped as present. */
  present: string[];
  onAdd: (accounts: string[]) => void;
}

type State =
  | { step: 'idle' }
  | { step: 'reading'; fileName: string }
  | { step: 'preview'; fileName: string; result: AccountsImport }
  | { step: 'error'; fileName: string; message: string };

/** Shown per skipped row, at most this many (the count says how many there are in all). */
const SKIPPED_SHOWN = 50;

function reasonText(reason: SkipReason): string {
  switch (reason) {
    case 'duplicate':
      return t('services.import.reason.duplicate', 'already in this file');
    case 'empty':
      return t('services.import.reason.empty', 'no account in this row');
    case 'present':
      return t('services.import.reason.present', 'already in the service');
    case 'invalid':
      return t('services.import.reason.invalid', 'not a WeCom account (letters, digits, _ . @ - only)');
  }
}

function errorText(error: unknown): string {
  return error instanceof SpreadsheetError && error.reason === 'unsupported'
    ? t('services.import.unsupported', 'Choose an .xlsx or .csv file.')
    : t('services.import.unreadable', 'The file could not be read as a spreadsheet.');
}

/**
 * 账号 from the member list WeCom's admin console exports (通讯录 → 导出成员, xlsx or csv): a
 * preview of what will be added and what is skipped and why, then added on confirmation.
 */
export function AccountImport({ present, onAdd }: Props) {
  const styles = useStyles2(getStyles);
  const [state, setState] = useState<State>({ step: 'idle' });

  const onFile = async (event: FormEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (!file) {
      return;
    }
    setState({ step: 'reading', fileName: file.name });
    try {
      const rows = await readSpreadsheet(file);
      setState({ step: 'preview', fileName: file.name, result: accountsFromRows(rows, present) });
    } catch (error) {
      setState({ step: 'error', fileName: file.name, message: errorText(error) });
    }
  };

  const close = () => setState({ step: 'idle' });

  return (
    <Stack direction="column" gap={1}>
      <div>
        <FileUpload accept=".xlsx,.csv,text/csv" size="sm" onFileUpload={onFile}>
          {t('services.import.button', 'Import from the member export')}
        </FileUpload>
      </div>
      {state.step === 'reading' && (
        <Text color="secondary">{t('services.import.reading', 'Reading {{file}}…', verbatim({ file: state.fileName }))}</Text>
      )}
      {state.step === 'error' && (
        <Alert severity="error" title={state.fileName} onRemove={close}>
          {state.message}
        </Alert>
      )}
      {state.step === 'preview' && (
        <ImportPreview
          fileName={state.fileName}
          result={state.result}
          onCancel={close}
          onConfirm={() => {
            onAdd(state.result.add);
            close();
          }}
          styles={styles}
        />
      )}
    </Stack>
  );
}

function ImportPreview({
  fileName,
  result,
  onCancel,
  onConfirm,
  styles,
}: {
  fileName: string;
  result: AccountsImport;
  onCancel: () => void;
  onConfirm: () => void;
  styles: ReturnType<typeof getStyles>;
}) {
  if (!result.header) {
    return (
      <Alert severity="warning" title={fileName} onRemove={onCancel}>
        {t(
          'services.import.no-header',
          'No column headed 账号 or 帐号 was found. Export the members from the admin console (通讯录 → 导出成员) and choose that file.'
        )}
      </Alert>
    );
  }
  const { add, skipped } = result;
  return (
    <div className={styles.preview} data-testid={testIds.import.preview}>
      <Text element="p">
        {t('services.import.summary', '{{file}}: {{add}} to add, {{skipped}} skipped (header in row {{row}}).', verbatim({
          file: fileName,
          add: add.length,
          skipped: skipped.length,
          row: result.header.row,
        }))}
      </Text>
      {add.length > 0 && (
        <Text element="p" color="secondary">
          {add.slice(0, SKIPPED_SHOWN).join(', ')}
          {add.length > SKIPPED_SHOWN ? ` … (+${add.length - SKIPPED_SHOWN})` : ''}
        </Text>
      )}
      {skipped.length > 0 && (
        <table className={styles.table} data-testid={testIds.import.skipped}>
          <thead>
            <tr>
              <th>{t('services.import.row', 'Row')}</th>
              <th>{t('services.import.value', 'Account')}</th>
              <th>{t('services.import.skipped-because', 'Skipped because')}</th>
            </tr>
          </thead>
          <tbody>
            {skipped.slice(0, SKIPPED_SHOWN).map((entry) => (
              <tr key={entry.row}>
                <td>{entry.row}</td>
                <td>{entry.value}</td>
                <td>{reasonText(entry.reason)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Stack gap={1}>
        <Button size="sm" disabled={add.length === 0} onClick={onConfirm}>
          {t('services.import.confirm', 'Add {{number}} accounts', { number: add.length })}
        </Button>
        <Button size="sm" variant="secondary" onClick={onCancel}>
          {t('services.import.cancel', 'Cancel import')}
        </Button>
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  preview: css({
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  table: css({
    width: '100%',
    marginBottom: theme.spacing(2),
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
});
