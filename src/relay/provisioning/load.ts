/**
 * Reads the provisioning folder: every *.yaml / *.yml file, in name order. Returns either the
 * merged services and rules, or every problem found, each naming its file and path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ruleSchema, serviceSchema, type RuleConfig, type ServiceConfig } from '../../core/config';
import { templateError } from '../../core/render';
import { serviceProblems, validate, type Problem } from '../../core/validation';
import { expandTree } from './expand';

const deletionSchema = z.array(z.object({ uid: z.string().min(1) })).default([]);

const fileSchema = z.object({
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

export class ProvisioningError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `provisioning has ${problems.length} problem(s):\n${problems.map((problem) => `  ${problem.path}: ${problem.message}`).join('\n')}`
    );
  }
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new ProvisioningError([{ path: dir, message: 'cannot read the provisioning folder' }]);
  }
  return names
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

export function loadProvisioning(dir: string, apiBase: string, env: NodeJS.ProcessEnv = process.env): Provisioned {
  const problems: Problem[] = [];
  const result: Provisioned = {
    services: [],
    rules: [],
    deleteServices: [],
    deleteRules: [],
    files: [],
    ruleOrigins: new Map(),
  };
  const seen = { service: new Map<string, string>(), rule: new Map<string, string>() };

  for (const file of listFiles(dir)) {
    const name = path.basename(file);
    result.files.push(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      problems.push({
        path: name,
        message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      });
      continue;
    }
    const document = parseDocument(text);
    if (document.errors.length > 0) {
      // Only the first line: the rest quotes the file, which may hold a robot key or a secret.
      problems.push(
        ...document.errors.map((error) => ({ path: name, message: error.message.split('\n')[0].replace(/:$/, '') }))
      );
      continue;
    }
    const inFile = (problem: Problem): Problem => ({
      ...problem,
      path: problem.path ? `${name}: ${problem.path}` : name,
    });
    const expandProblems: Problem[] = [];
    const expanded = expandTree(document.toJS() ?? { apiVersion: 1 }, env, '', expandProblems);
    problems.push(...expandProblems.map(inFile));
    // A value that did not expand fails validation too; its expansion problem says it better.
    const unexpanded = new Set(expandProblems.map((problem) => problem.path));
    const report = (found: Problem[]) =>
      problems.push(...found.filter((problem) => !unexpanded.has(problem.path)).map(inFile));
    const parsed = validate(fileSchema, expanded);
    if (!parsed.ok) {
      report(parsed.problems);
      continue;
    }
    const content = parsed.value;
    /** The items of one list that pass their schema and checks, each with its path in the file. */
    const accept = <T extends { uid: string }>(
      kind: 'service' | 'rule',
      items: unknown[],
      schema: z.ZodType<T>,
      check: (value: T, prefix: string) => Problem[]
    ) =>
      items.flatMap((item, index) => {
        const prefix = `${kind}s[${index}]`;
        const checked = validate(schema, item, 'en', prefix);
        if (!checked.ok) {
          report(checked.problems);
          return [];
        }
        report(check(checked.value, prefix));
        const previous = seen[kind].get(checked.value.uid);
        if (previous) {
          report([
            { path: `${prefix}.uid`, message: `${kind} "${checked.value.uid}" is already defined in ${previous}` },
          ]);
        }
        seen[kind].set(checked.value.uid, name);
        return [{ value: checked.value, prefix }];
      });
    for (const { value } of accept('service', content.services, serviceSchema, (service, prefix) =>
      serviceProblems(service, apiBase, 'en', prefix)
    )) {
      result.services.push(value);
    }
    const templateProblems = (rule: RuleConfig, prefix: string): Problem[] => {
      const problem = rule.template && templateError(rule.template);
      return problem ? [{ path: `${prefix}.template`, message: problem }] : [];
    };
    for (const { value, prefix } of accept('rule', content.rules, ruleSchema, templateProblems)) {
      result.rules.push(value);
      result.ruleOrigins.set(value.uid, `${name}: ${prefix}`);
    }
    result.deleteServices.push(...content.deleteServices.map((item) => item.uid));
    result.deleteRules.push(...content.deleteRules.map((item) => item.uid));
  }
  if (problems.length > 0) {
    throw new ProvisioningError(problems);
  }
  return result;
}
