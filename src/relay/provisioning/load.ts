/**
 * Reads the provisioning folder: every *.yaml / *.yml file, in name order. Returns either the
 * merged services and rules, or every problem found, each naming its file and path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ruleSchema, serviceSchema, type Language, type RuleConfig, type ServiceConfig } from '../../core/config';
import { ruleProblems, serviceProblems, validate, type Problem } from '../../core/validation';
import { expandTree } from './expand';

const deletionSchema = z.array(z.strictObject({ uid: z.string().min(1) })).default([]);

const fileSchema = z.strictObject({
  apiVersion: z.literal(1),
  services: z.array(z.unknown()).default([]),
  rules: z.array(z.unknown()).default([]),
  deleteServices: deletionSchema,
  deleteRules: deletionSchema,
});

export interface Provisioned {
  services: ServiceConfig[];
  rules: RuleConfig[];
  deleteServices: string[];
  deleteRules: string[];
  files: string[];
  /** Where each rule is defined, e.g. "relay.yaml: rules[0]", for problems found when applying. */
  ruleOrigins: Map<string, string>;
}

/** A problem said in both languages: a reload is refused to whoever asked, in theirs. */
export interface LocalizedProblem {
  path: string;
  text: Record<Language, string>;
}

const LANGUAGES: Language[] = ['en', 'zh-CN'];

export class ProvisioningError extends Error {
  constructor(readonly localized: LocalizedProblem[]) {
    super(
      `provisioning has ${localized.length} problem(s):\n${localized.map((problem) => `  ${problem.path}: ${problem.text.en}`).join('\n')}`
    );
  }

  get problems(): Problem[] {
    return this.problemsIn('en');
  }

  problemsIn(language: Language): Problem[] {
    return this.localized.map((problem) => ({ path: problem.path, message: problem.text[language] }));
  }
}

/** The same problem, found by a check run once per language. */
function bothLanguages(check: (language: Language) => Problem[]): LocalizedProblem[] {
  const [en, zh] = LANGUAGES.map(check);
  return en.map((problem, index) => ({
    path: problem.path,
    text: { en: problem.message, 'zh-CN': zh[index]?.message ?? problem.message },
  }));
}

function schemaProblems(schema: z.ZodType, value: unknown, prefix = ''): LocalizedProblem[] {
  return bothLanguages((language) => {
    const checked = validate(schema, value, language, prefix);
    return checked.ok ? [] : checked.problems;
  });
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Services that exist outside the files (created through the API): rules may name them. */
  otherServices?: ReadonlySet<string>;
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new ProvisioningError([
      { path: dir, text: { en: 'cannot read the provisioning folder', 'zh-CN': '无法读取配置文件夹' } },
    ]);
  }
  return names
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

export function loadProvisioning(dir: string, apiBase: string, options: LoadOptions = {}): Provisioned {
  const env = options.env ?? process.env;
  const problems: LocalizedProblem[] = [];
  const result: Provisioned = {
    services: [],
    rules: [],
    deleteServices: [],
    deleteRules: [],
    files: [],
    ruleOrigins: new Map(),
  };
  const seen = { service: new Map<string, string>(), rule: new Map<string, string>() };
  const refused = { service: new Set<string>(), rule: new Set<string>() };
  /** Rules are checked against the services of every file, once all are read. */
  const rulesToCheck: Array<{ rule: RuleConfig; prefix: string; inFile: (found: LocalizedProblem) => LocalizedProblem }> =
    [];

  for (const file of listFiles(dir)) {
    const name = path.basename(file);
    result.files.push(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push({
        path: name,
        text: { en: `cannot read the file (${code})`, 'zh-CN': `无法读取该文件（${code}）` },
      });
      continue;
    }
    const document = parseDocument(text);
    if (document.errors.length > 0) {
      // Only the first line: the rest quotes the file, which may hold a robot key or a secret.
      problems.push(
        ...document.errors.map((error) => {
          const first = error.message.split('\n')[0].replace(/:$/, '');
          return { path: name, text: { en: first, 'zh-CN': `YAML 格式错误：${first}` } };
        })
      );
      continue;
    }
    const inFile = (problem: LocalizedProblem): LocalizedProblem => ({
      ...problem,
      path: problem.path ? `${name}: ${problem.path}` : name,
    });
    const expandProblems: LocalizedProblem[] = [];
    const expanded = expandTree(document.toJS() ?? { apiVersion: 1 }, env, '', expandProblems);
    problems.push(...expandProblems.map(inFile));
    // A value that did not expand fails validation too; its expansion problem says it better.
    const unexpanded = new Set(expandProblems.map((problem) => problem.path));
    const report = (found: LocalizedProblem[]) =>
      problems.push(...found.filter((problem) => !unexpanded.has(problem.path)).map(inFile));
    const parsed = validate(fileSchema, expanded);
    if (!parsed.ok) {
      report(schemaProblems(fileSchema, expanded));
      continue;
    }
    const content = parsed.value;
    /** The items of one list that pass their schema and checks, each with its path in the file. */
    const accept = <T extends { uid: string }>(
      kind: 'service' | 'rule',
      items: unknown[],
      schema: z.ZodType<T>,
      check: (value: T, prefix: string, language: Language) => Problem[]
    ) =>
      items.flatMap((item, index) => {
        const prefix = `${kind}s[${index}]`;
        const checked = validate(schema, item, 'en', prefix);
        if (!checked.ok) {
          report(schemaProblems(schema, item, prefix));
          // Rules naming it get no second problem: its own problems say what to fix.
          const uid = (item as { uid?: unknown } | null)?.uid;
          if (typeof uid === 'string') {
            refused[kind].add(uid);
          }
          return [];
        }
        report(bothLanguages((language) => check(checked.value, prefix, language)));
        const previous = seen[kind].get(checked.value.uid);
        if (previous) {
          const label = kind === 'service' ? '通知服务' : '通知规则';
          report([
            {
              path: `${prefix}.uid`,
              text: {
                en: `${kind} "${checked.value.uid}" is already defined in ${previous}`,
                'zh-CN': `${label} "${checked.value.uid}" 已在 ${previous} 中定义`,
              },
            },
          ]);
        }
        seen[kind].set(checked.value.uid, name);
        return [{ value: checked.value, prefix }];
      });
    for (const { value } of accept('service', content.services, serviceSchema, (service, prefix, language) =>
      serviceProblems(service, apiBase, language, prefix)
    )) {
      result.services.push(value);
    }
    for (const { value, prefix } of accept('rule', content.rules, ruleSchema, () => [])) {
      result.rules.push(value);
      result.ruleOrigins.set(value.uid, `${name}: ${prefix}`);
      rulesToCheck.push({ rule: value, prefix, inFile });
    }
    result.deleteServices.push(...content.deleteServices.map((item) => item.uid));
    result.deleteRules.push(...content.deleteRules.map((item) => item.uid));
  }
  const services = new Set(result.services.map((service) => service.uid));
  const serviceExists = (uid: string) =>
    services.has(uid) || refused.service.has(uid) || (options.otherServices?.has(uid) ?? false);
  for (const { rule, prefix, inFile } of rulesToCheck) {
    problems.push(...bothLanguages((language) => ruleProblems(rule, serviceExists, language, prefix)).map(inFile));
  }
  if (problems.length > 0) {
    throw new ProvisioningError(problems);
  }
  return result;
}
