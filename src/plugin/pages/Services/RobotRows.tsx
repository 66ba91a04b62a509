import React, { type Dispatch } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Button, Field, Input, SecretInput, Stack, TagsInput, useStyles2 } from '@grafana/ui';
import type { Problem } from '../../../core/validation';
import { FieldHelp } from './FieldHelp';
import { splitGroups } from './groups';
import { problemsAt, type RobotRow, type ServiceAction } from './serviceForm';
import { testIds } from './testIds';
import { verbatim } from '../../utils/i18n';

interface Props {
  robots: RobotRow[];
  dispatch: Dispatch<ServiceAction>;
  problems: Problem[];
  readOnly: boolean;
  /** The relay's WeCom API base: webhook URLs must point there. */
  apiBase: string;
}

/** 企业微信群: one row per group robot, its group names and its webhook URL. */
export function RobotRows({ robots, dispatch, problems, readOnly, apiBase }: Props) {
  const styles = useStyles2(getStyles);
  const example = `${apiBase.replace(/\/+$/, '')}/cgi-bin/webhook/send?key=…`;
  return (
    <div>
      <RobotHelp />
      {robots.map((robot, index) => {
        const groupsId = `${robot.key}-groups`;
        const urlId = `${robot.key}-webhook`;
        const urlError = problemsAt(problems, `robots[${index}].webhookUrl`);
        const groupsError = problemsAt(problems, `robots[${index}].groups`);
        return (
          <div key={robot.key} className={styles.row} data-testid={testIds.form.robotRow(index)}>
            <Field
              className={styles.groups}
              label={t('services.robot.groups.label', 'Group names (群组名称)')}
              description={t(
                'services.robot.groups.description',
                'Exactly as the group is named in WeCom; several groups sharing this robot are separated by "&" or Enter. For readers only: the robot posts to every group it is in, listed or not.'
              )}
              invalid={Boolean(groupsError)}
              error={groupsError}
              htmlFor={groupsId}
            >
              <TagsInput
                id={groupsId}
                tags={robot.groups}
                addOnBlur
                autoColors={false}
                disabled={readOnly}
                placeholder={t('services.robot.groups.placeholder', 'e.g. 运维群&DBA群, then Enter')}
                onChange={(tags) =>
                  dispatch({ type: 'robot', key: robot.key, change: { groups: tags.flatMap(splitGroups) } })
                }
              />
            </Field>
            <Field
              className={styles.url}
              label={t('services.robot.webhook.label', 'Webhook URL (Webhook 地址)')}
              description={t(
                'services.robot.webhook.description',
                'Shown on the robot in the group chat: {{example}}. The key= part is the robot’s credential: the relay stores it encrypted and never shows it again.',
                verbatim({ example })
              )}
              invalid={Boolean(urlError)}
              error={urlError}
              htmlFor={urlId}
            >
              {robot.webhookUrlSet ? (
                <SecretInput
                  id={urlId}
                  isConfigured
                  disabled={readOnly}
                  onReset={() =>
                    dispatch({ type: 'robot', key: robot.key, change: { webhookUrlSet: false, webhookUrl: '' } })
                  }
                />
              ) : (
                <Input
                  id={urlId}
                  value={robot.webhookUrl}
                  disabled={readOnly}
                  placeholder={example}
                  autoComplete="off"
                  onChange={(event) =>
                    dispatch({ type: 'robot', key: robot.key, change: { webhookUrl: event.currentTarget.value } })
                  }
                />
              )}
            </Field>
            {!readOnly && (
              <Button
                className={styles.remove}
                variant="secondary"
                fill="text"
                icon="trash-alt"
                disabled={robots.length === 1}
                tooltip={
                  robots.length === 1
                    ? t('services.robot.last', 'To send to no group, uncheck 企业微信群 under Send to')
                    : undefined
                }
                aria-label={t('services.robot.remove', 'Remove robot {{number}}', { number: index + 1 })}
                onClick={() => dispatch({ type: 'removeRobot', key: robot.key })}
              />
            )}
          </div>
        );
      })}
      {!readOnly && (
        <Stack>
          <Button variant="secondary" icon="plus" size="sm" onClick={() => dispatch({ type: 'addRobot' })}>
            {t('services.robot.add', 'Add robot')}
          </Button>
        </Stack>
      )}
    </div>
  );
}

function RobotHelp() {
  return (
    <FieldHelp
      label={t('services.robot.help.title', 'How to add a group robot and find its webhook URL')}
      sections={[
        {
          title: t('services.robot.help.desktop', 'WeCom on the desktop'),
          steps: [
            t(
              'services.robot.help.desktop-1',
              'Open the group chat, click its settings button (…) and choose 添加群机器人.'
            ),
            t('services.robot.help.desktop-2', 'Create a new robot and give it a name.'),
            t(
              'services.robot.help.desktop-3',
              'Save it. Later, clicking the robot in the group shows its webhook URL again.'
            ),
          ],
        },
        {
          title: t('services.robot.help.phone', 'WeCom on the phone'),
          steps: [
            t(
              'services.robot.help.phone-1',
              'In the group chat, tap the settings button at the top right to open 聊天信息.'
            ),
            t('services.robot.help.phone-2', 'Tap 群机器人 to see the group’s robots.'),
            t(
              'services.robot.help.phone-3',
              'Tap 添加 at the top right and follow the steps; tap a robot in the list to see its webhook URL.'
            ),
          ],
          note: t('services.robot.help.owner', 'Only the person who created a robot can see its webhook URL.'),
        },
      ]}
    />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  row: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr) auto',
    gap: theme.spacing(2),
    alignItems: 'start',
    padding: theme.spacing(2, 2, 0),
    marginBottom: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  groups: css({ gridColumn: 1 }),
  url: css({ gridColumn: 2 }),
  remove: css({ gridColumn: 3, marginTop: theme.spacing(3) }),
});
